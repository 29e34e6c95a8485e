#include "web/app.hpp"

#include <future>
#include <thread>

#include <cppunit/extensions/HelperMacros.h>

#include "appliance/core/person_fields.hpp"
#include "tests/support/fakes.hpp"

namespace parta::web {

using test::CountingRandom;
using test::FakeClock;
using test::FakeDatabase;
using test::FakeDirectory;
using test::FakeHasher;
using test::InMemorySessions;

class AppTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(AppTest);
  CPPUNIT_TEST(errorCodesMapToStatus);
  CPPUNIT_TEST(errorBodyIsEscapedJson);
  CPPUNIT_TEST(internalErrorsLeakNothing);
  CPPUNIT_TEST(unknownRouteIs404Json);
  CPPUNIT_TEST(wrongMethodIs405WithAllow);
  CPPUNIT_TEST(malformedJsonIs400);
  CPPUNIT_TEST(missingFieldIsNamed);
  CPPUNIT_TEST(nonJsonBodyIs415);
  CPPUNIT_TEST(loginSetsHardenedCookie);
  CPPUNIT_TEST(wrongPasswordIs401WithoutDetail);
  CPPUNIT_TEST(meNeedsSession);
  CPPUNIT_TEST(meReturnsPrincipalAndCsrf);
  CPPUNIT_TEST(logoutWithoutCsrfIsRefused);
  CPPUNIT_TEST(crossOriginPostIsRefused);
  CPPUNIT_TEST(logoutClearsCookieAndSession);
  CPPUNIT_TEST(workerRoutesUseTheSessionCache);
  CPPUNIT_TEST(healthReportsDependencies);
  CPPUNIT_TEST(fullQueueIs503);
  CPPUNIT_TEST(securityHeadersOnEveryResponse);
  CPPUNIT_TEST(metricsCountRequests);
  CPPUNIT_TEST(fieldCatalogueNeedsSession);
  CPPUNIT_TEST(fieldCatalogueDescribesEveryField);
  CPPUNIT_TEST(fieldCatalogueIsCacheable);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    directory_.accounts["o.nil"] = {"Секрет-1", core::Principal{"o.nil", "О'Нил Пётр", {"teacher", "class_teacher"}}};
    sessions_ =
        std::make_unique<core::SessionService>(directory_, repo_, clock_, random_, hasher_, core::SessionPolicy{});
    workers_ = std::make_unique<WorkerPool>(1, 4);
    app_ = std::make_unique<App>(AppDeps{*sessions_, database_, directory_, *workers_, metrics_, log_, nullptr,
                                         NodeInfo{core::NodeRole::school, "Школа № 5", "school-5", "0.1.0"}});
  }
  void tearDown() override { workers_->stop(); }

  Response call(Request r) {
    std::promise<Response> p;
    auto f = p.get_future();
    if (r.headers.empty() || r.header("host").empty()) r.headers.emplace_back("host", "parta.test");
    app_->handle(std::move(r), [&p](Response resp) { p.set_value(std::move(resp)); });
    return f.get();
  }
  static Request req(Method m, std::string path, std::string body = {}) {
    Request r;
    r.method = m;
    r.path = std::move(path);
    r.body = std::move(body);
    if (!r.body.empty()) r.headers.emplace_back("content-type", "application/json");
    return r;
  }
  static std::string header(const Response& r, std::string_view name) {
    for (const auto& [k, v] : r.headers)
      if (k == name) return v;
    return {};
  }
  // Logs in; returns {cookie header value, csrf token}.
  std::pair<std::string, std::string> login() {
    auto r = call(req(Method::post, "/api/v1/session", R"({"login":"o.nil","password":"Секрет-1"})"));
    CPPUNIT_ASSERT_EQUAL(200u, r.status);
    auto cookie = header(r, "Set-Cookie");
    auto token = cookie.substr(cookie.find('=') + 1, 43);
    const auto pos = r.body.find("\"csrfToken\":\"") + 13;
    return {std::string(kSessionCookie) + "=" + token, r.body.substr(pos, r.body.find('"', pos) - pos)};
  }

  void errorCodesMapToStatus() {
    using core::ErrorCode;
    CPPUNIT_ASSERT_EQUAL(400u, httpStatus(ErrorCode::invalid_argument));
    CPPUNIT_ASSERT_EQUAL(401u, httpStatus(ErrorCode::unauthenticated));
    CPPUNIT_ASSERT_EQUAL(403u, httpStatus(ErrorCode::permission_denied));
    CPPUNIT_ASSERT_EQUAL(404u, httpStatus(ErrorCode::not_found));
    CPPUNIT_ASSERT_EQUAL(409u, httpStatus(ErrorCode::already_exists));
    CPPUNIT_ASSERT_EQUAL(409u, httpStatus(ErrorCode::conflict));
    CPPUNIT_ASSERT_EQUAL(422u, httpStatus(ErrorCode::failed_precondition));
    CPPUNIT_ASSERT_EQUAL(503u, httpStatus(ErrorCode::unavailable));
    CPPUNIT_ASSERT_EQUAL(500u, httpStatus(ErrorCode::internal));
  }

  void errorBodyIsEscapedJson() {
    auto r = errorResponse(core::Error{core::ErrorCode::not_found, "нет \"класса\" 5\\Б\n"});
    CPPUNIT_ASSERT_EQUAL(404u, r.status);
    CPPUNIT_ASSERT_EQUAL(std::string(R"({"error":{"code":"not_found","message":"нет \"класса\" 5\\Б\n"}})"), r.body);
  }

  void internalErrorsLeakNothing() {
    auto r = errorResponse(core::Error{core::ErrorCode::internal, "Table 'parta.sessions' doesn't exist"});
    CPPUNIT_ASSERT_EQUAL(500u, r.status);
    CPPUNIT_ASSERT(r.body.find("sessions") == std::string::npos);
  }

  void unknownRouteIs404Json() {
    auto r = call(req(Method::get, "/api/v1/nothing"));
    CPPUNIT_ASSERT_EQUAL(404u, r.status);
    CPPUNIT_ASSERT(r.body.find(R"("code":"not_found")") != std::string::npos);
  }

  void wrongMethodIs405WithAllow() {
    auto r = call(req(Method::put, "/api/v1/session", "{}"));
    CPPUNIT_ASSERT_EQUAL(405u, r.status);
    CPPUNIT_ASSERT_EQUAL(std::string("POST, DELETE"), header(r, "Allow"));
    CPPUNIT_ASSERT(r.body.find(R"("code":"method_not_allowed")") != std::string::npos);
  }

  void malformedJsonIs400() {
    for (std::string body : {"{\"login\":", "[1,2]", "null", "\xff\xfe"}) {
      auto r = call(req(Method::post, "/api/v1/session", body));
      CPPUNIT_ASSERT_EQUAL_MESSAGE(body, 400u, r.status);
      CPPUNIT_ASSERT(r.body.find(R"("code":"invalid_argument")") != std::string::npos);
    }
  }

  void missingFieldIsNamed() {
    auto r = call(req(Method::post, "/api/v1/session", R"({"login":"o.nil","password":5})"));
    CPPUNIT_ASSERT_EQUAL(400u, r.status);
    CPPUNIT_ASSERT(r.body.find("password: required string") != std::string::npos);
  }

  void nonJsonBodyIs415() {
    auto r = req(Method::post, "/api/v1/session");
    r.body = "login=o.nil&password=x";
    r.headers.emplace_back("content-type", "application/x-www-form-urlencoded");
    auto resp = call(std::move(r));
    CPPUNIT_ASSERT_EQUAL(415u, resp.status);
    CPPUNIT_ASSERT_EQUAL(0, directory_.calls);
  }

  void loginSetsHardenedCookie() {
    auto r = call(req(Method::post, "/api/v1/session", R"({"login":"o.nil","password":"Секрет-1"})"));
    CPPUNIT_ASSERT_EQUAL(200u, r.status);
    auto cookie = header(r, "Set-Cookie");
    CPPUNIT_ASSERT(cookie.find("HttpOnly") != std::string::npos);
    CPPUNIT_ASSERT(cookie.find("SameSite=Strict") != std::string::npos);
    CPPUNIT_ASSERT(cookie.find("Secure") == std::string::npos);  // plain HTTP (loopback)
    CPPUNIT_ASSERT(r.body.find("О'Нил Пётр") != std::string::npos);
    CPPUNIT_ASSERT(r.body.find("\"csrfToken\"") != std::string::npos);
    auto tls = req(Method::post, "/api/v1/session", R"({"login":"o.nil","password":"Секрет-1"})");
    tls.secure = true;
    CPPUNIT_ASSERT(header(call(std::move(tls)), "Set-Cookie").find("; Secure") != std::string::npos);
  }

  void wrongPasswordIs401WithoutDetail() {
    auto r = call(req(Method::post, "/api/v1/session", R"({"login":"o.nil","password":"нет"})"));
    CPPUNIT_ASSERT_EQUAL(401u, r.status);
    CPPUNIT_ASSERT(r.body.find("adapter detail") == std::string::npos);
    CPPUNIT_ASSERT(header(r, "Set-Cookie").empty());
  }

  void meNeedsSession() {
    CPPUNIT_ASSERT_EQUAL(401u, call(req(Method::get, "/api/v1/me")).status);
    auto r = req(Method::get, "/api/v1/me");
    r.headers.emplace_back("cookie", std::string(kSessionCookie) + "=" + std::string(43, 'A'));
    CPPUNIT_ASSERT_EQUAL(401u, call(std::move(r)).status);
  }

  void meReturnsPrincipalAndCsrf() {
    auto [cookie, csrf] = login();
    auto r = req(Method::get, "/api/v1/me");
    r.headers.emplace_back("cookie", "theme=dark; " + cookie);
    auto resp = call(std::move(r));
    CPPUNIT_ASSERT_EQUAL(200u, resp.status);
    CPPUNIT_ASSERT(resp.body.find(R"("roles":["teacher","class_teacher"])") != std::string::npos);
    // What the roles allow, so the UI offers only what will be permitted.
    CPPUNIT_ASSERT_MESSAGE(
        resp.body,
        resp.body.find(
            R"("permissions":["edit_own_class","read_taught","read_classes","read_own_load","read_calendar",)"
            R"("read_timetable","keep_journal","read_class_journal"])") != std::string::npos);
    CPPUNIT_ASSERT(resp.body.find(R"("name":"Школа № 5")") != std::string::npos);
    CPPUNIT_ASSERT(resp.body.find(csrf) != std::string::npos);
  }

  void logoutWithoutCsrfIsRefused() {
    auto [cookie, csrf] = login();
    auto r = req(Method::del, "/api/v1/session");
    r.headers.emplace_back("cookie", cookie);
    auto resp = call(std::move(r));
    CPPUNIT_ASSERT_EQUAL(403u, resp.status);
    CPPUNIT_ASSERT(resp.body.find("CSRF") != std::string::npos);
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, repo_.rows.size());  // still logged in
  }

  void crossOriginPostIsRefused() {
    auto r = req(Method::post, "/api/v1/session", R"({"login":"o.nil","password":"Секрет-1"})");
    r.headers.emplace_back("origin", "https://evil.example");
    CPPUNIT_ASSERT_EQUAL(403u, call(std::move(r)).status);
    CPPUNIT_ASSERT_EQUAL(0, directory_.calls);
  }

  void logoutClearsCookieAndSession() {
    auto [cookie, csrf] = login();
    auto r = req(Method::del, "/api/v1/session");
    r.headers.emplace_back("cookie", cookie);
    r.headers.emplace_back("x-csrf-token", csrf);
    auto resp = call(std::move(r));
    CPPUNIT_ASSERT_EQUAL(204u, resp.status);
    CPPUNIT_ASSERT(header(resp, "Set-Cookie").find("Max-Age=0") != std::string::npos);
    CPPUNIT_ASSERT(repo_.rows.empty());
    auto me = req(Method::get, "/api/v1/me");
    me.headers.emplace_back("cookie", cookie);
    CPPUNIT_ASSERT_EQUAL(401u, call(std::move(me)).status);
  }

  void workerRoutesUseTheSessionCache() {
    auto [cookie, csrf] = login();
    const int reads = repo_.reads;
    auto r = req(Method::del, "/api/v1/session");  // a worker route
    r.headers.emplace_back("cookie", cookie);
    r.headers.emplace_back("x-csrf-token", csrf);
    CPPUNIT_ASSERT_EQUAL(204u, call(std::move(r)).status);
    CPPUNIT_ASSERT_EQUAL(reads, repo_.reads);  // the session came from the cache
  }

  void healthReportsDependencies() {
    auto ok = call(req(Method::get, "/healthz"));
    CPPUNIT_ASSERT_EQUAL(200u, ok.status);
    CPPUNIT_ASSERT(ok.body.find(R"("status":"ok")") != std::string::npos);
    CPPUNIT_ASSERT(ok.body.find(R"("role":"school")") != std::string::npos);
    database_.down = true;
    auto bad = call(req(Method::get, "/healthz"));
    CPPUNIT_ASSERT_EQUAL(503u, bad.status);
    CPPUNIT_ASSERT(bad.body.find(R"("database":{"reachable":false})") != std::string::npos);
    CPPUNIT_ASSERT(bad.body.find(R"("directory":{"reachable":true})") != std::string::npos);
  }

  void fullQueueIs503() {
    // Hold the only worker and fill the queue; the next request is refused.
    std::promise<void> release;
    auto gate = release.get_future().share();
    CPPUNIT_ASSERT(workers_->tryPost([gate] { gate.wait(); }));
    while (workers_->busy() == 0) std::this_thread::yield();
    for (int i = 0; i < 4; ++i) CPPUNIT_ASSERT(workers_->tryPost([] {}));
    auto r = call(req(Method::get, "/healthz"));
    CPPUNIT_ASSERT_EQUAL(503u, r.status);
    CPPUNIT_ASSERT(r.body.find("busy") != std::string::npos);
    release.set_value();
  }

  void securityHeadersOnEveryResponse() {
    for (auto r : {call(req(Method::get, "/api/v1/me")), call(req(Method::get, "/healthz"))}) {
      CPPUNIT_ASSERT_EQUAL(std::string("nosniff"), header(r, "X-Content-Type-Options"));
      CPPUNIT_ASSERT_EQUAL(std::string("no-store"), header(r, "Cache-Control"));
      CPPUNIT_ASSERT(!header(r, "Content-Security-Policy").empty());
    }
  }

  void metricsCountRequests() {
    call(req(Method::get, "/api/v1/me"));
    call(req(Method::get, "/api/v1/me"));
    auto r = call(req(Method::get, "/metrics"));
    CPPUNIT_ASSERT_EQUAL(200u, r.status);
    CPPUNIT_ASSERT(r.body.find(R"(parta_http_requests_total{route="/api/v1/me",method="GET",status="401"} 2)") !=
                   std::string::npos);
    CPPUNIT_ASSERT(r.body.find("parta_http_request_duration_seconds_bucket") != std::string::npos);
  }

  // The field catalogue (GET /api/v1/fields): the UI's one source of labels,
  // types, choices and consent flags.
  Response getFields(const std::string& cookie, const std::string& ifNoneMatch = {}) {
    auto r = req(Method::get, "/api/v1/fields");
    r.headers.emplace_back("cookie", cookie);
    if (!ifNoneMatch.empty()) r.headers.emplace_back("if-none-match", ifNoneMatch);
    return call(std::move(r));
  }

  void fieldCatalogueNeedsSession() {
    auto r = call(req(Method::get, "/api/v1/fields"));
    CPPUNIT_ASSERT_EQUAL(401u, r.status);
    CPPUNIT_ASSERT(r.body.find("СНИЛС") == std::string::npos);
  }

  void fieldCatalogueDescribesEveryField() {
    auto r = getFields(login().first);  // a teacher: any logged-in user may read it
    CPPUNIT_ASSERT_EQUAL(200u, r.status);
    const auto has = [&](const std::string& part) {
      CPPUNIT_ASSERT_MESSAGE(part, r.body.find(part) != std::string::npos);
    };
    // Categories in the card's order, with the ones only some roles may read marked.
    has(R"({"categories":[{"key":"identity","sensitive":false},{"key":"document","sensitive":false},)");
    has(R"({"key":"health","sensitive":true},{"key":"social","sensitive":true},)");
    // A field needing consent, whole.
    has(R"j({"category":"document","column":false,"key":"snils","kinds":["student","staff"],)j"
        R"j("label":{"en":"SNILS (insurance number)","ru":"СНИЛС"},"needsConsent":true,"type":"snils"})j");
    // Kept by law: no consent needed.
    has(R"("key":"enrolment_date","kinds":["student"],"label":{"en":"Enrolment date","ru":"Дата зачисления"},)"
        R"("needsConsent":false,"type":"date"})");
    // The card's own columns come first, so the UI edits them like fields.
    has(R"(,"fields":[{"category":"identity","column":true,"key":"surname","kinds":["student","staff","parent"],)"
        R"("label":{"en":"Surname","ru":"Фамилия"},"needsConsent":false,"type":"name"})");
    has(R"("choices":[{"label":{"en":"male","ru":"мужской"},"value":"male"},)"
        R"({"label":{"en":"female","ru":"женский"},"value":"female"}])");
    // Choices carry their labels (with Ё), booleans their yes/no, long text is multi-line.
    has(R"({"label":{"en":"exempt","ru":"освобождён"},"value":"exempt"}])");
    has(R"("choices":[{"label":{"en":"yes","ru":"да"},"value":"true"},{"label":{"en":"no","ru":"нет"},"value":"false"}])");
    has(R"("key":"deviant_behaviour","kinds":["student"],"label":{"en":"Deviant behaviour","ru":"Девиантное поведение"},)"
        R"("maxLength":1000,"multiLine":true,"needsConsent":true,"type":"text"})");
    has(R"("key":"personal_file_number",)");
    has(R"("maxLength":20,"multiLine":false,"needsConsent":false,"type":"text"})");
    // Every catalogue field and column is there, exactly once.
    for (const auto& f : core::personFields()) {
      const std::string key = "\"key\":\"" + std::string(f.key) + "\"";
      CPPUNIT_ASSERT_MESSAGE(key, r.body.find(key) != std::string::npos);
      CPPUNIT_ASSERT_MESSAGE(key, r.body.find(key) == r.body.rfind(key));
    }
  }

  void fieldCatalogueIsCacheable() {
    const auto cookie = login().first;
    auto r = getFields(cookie);
    CPPUNIT_ASSERT_EQUAL(200u, r.status);
    CPPUNIT_ASSERT_EQUAL(std::string("private, max-age=3600"), header(r, "Cache-Control"));
    const auto etag = header(r, "ETag");
    CPPUNIT_ASSERT_EQUAL(std::size_t{18}, etag.size());
    CPPUNIT_ASSERT_EQUAL('"', etag.front());
    // The same catalogue, the same tag; a browser holding it gets 304 and no body.
    CPPUNIT_ASSERT_EQUAL(etag, header(getFields(cookie), "ETag"));
    auto again = getFields(cookie, etag);
    CPPUNIT_ASSERT_EQUAL(304u, again.status);
    CPPUNIT_ASSERT(again.body.empty());
    CPPUNIT_ASSERT_EQUAL(etag, header(again, "ETag"));
    CPPUNIT_ASSERT_EQUAL(200u, getFields(cookie, "\"0000000000000000\"").status);
  }

 private:
  FakeDirectory directory_;
  InMemorySessions repo_;
  FakeDatabase database_;
  FakeClock clock_;
  CountingRandom random_;
  FakeHasher hasher_;
  Metrics metrics_;
  core::Logger log_{core::LogLevel::error};
  std::unique_ptr<core::SessionService> sessions_;
  std::unique_ptr<WorkerPool> workers_;
  std::unique_ptr<App> app_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(AppTest);

}  // namespace parta::web
