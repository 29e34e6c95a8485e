// The real partad binary against real MariaDB and slapd.

#include <thread>

#include <cppunit/extensions/HelperMacros.h>
#include <signal.h>

#include "tests/support/fixtures.hpp"
#include "tests/support/http_client.hpp"

namespace parta::test {

namespace {
const std::string kName = "Ёлкина-Петрова Анна Сергеевна";
const std::string kPassword = "Пароль-с-Ё'1";

}  // namespace

class PartadTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(PartadTest);
  CPPUNIT_TEST(loginMeLogout);
  CPPUNIT_TEST(refusalsAreIndistinguishable);
  CPPUNIT_TEST(lockoutAfterFiveFailures);
  CPPUNIT_TEST(filterInjectionFindsNobody);
  CPPUNIT_TEST(csrfIsRequiredForStateChanges);
  CPPUNIT_TEST(sessionIdleExpiry);
  CPPUNIT_TEST(sessionSurvivesRestart);
  CPPUNIT_TEST(badInputGets4xxAndServerKeepsServing);
  CPPUNIT_TEST(metricsAreServed);
  CPPUNIT_TEST(gracefulShutdownOnSigterm);
  CPPUNIT_TEST(inFlightRequestFinishesOnSigterm);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    node_ = makeNodeFixture();
    sharedSlapd().addUser(node_.base, "elkina", kName, kPassword, {"teacher", "class_teacher"});
  }

  std::unique_ptr<Partad> startPartad(const std::string& extra = {}) {
    auto o = node_.options();
    o.extra = extra;
    auto p = std::make_unique<Partad>(o);
    p->start();
    return p;
  }

  void loginMeLogout() {
    auto partad = startPartad();
    ApiClient api(partad->port());
    CPPUNIT_ASSERT_EQUAL(401u, api.get("/api/v1/me").status);
    auto login = api.login("elkina", kPassword);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(login.body, 200u, login.status);
    CPPUNIT_ASSERT(contains(login.header("set-cookie"), "HttpOnly"));
    CPPUNIT_ASSERT(contains(login.header("set-cookie"), "SameSite=Strict"));
    auto me = api.get("/api/v1/me");
    CPPUNIT_ASSERT_EQUAL(200u, me.status);
    CPPUNIT_ASSERT(contains(me.body, "\"name\":\"" + kName + "\""));
    CPPUNIT_ASSERT(contains(me.body, "\"id\":\"elkina\""));
    CPPUNIT_ASSERT(contains(me.body, "\"class_teacher\""));
    CPPUNIT_ASSERT(contains(me.body, "\"teacher\""));
    CPPUNIT_ASSERT(contains(me.body, "\"name\":\"МБОУ «Школа № 1»\""));
    // The token is stored hashed: the database never holds the cookie value.
    const auto token = api.cookie().substr(api.cookie().find('=') + 1);
    const auto rows = sharedMariaDb().sql("SELECT token_hash FROM sessions", node_.databaseName);
    CPPUNIT_ASSERT(!rows.empty());
    CPPUNIT_ASSERT(!contains(rows, token));
    auto out = api.send("DELETE", "/api/v1/session");
    CPPUNIT_ASSERT_EQUAL(204u, out.status);
    CPPUNIT_ASSERT_EQUAL(401u, api.get("/api/v1/me").status);
    CPPUNIT_ASSERT(sharedMariaDb().sql("SELECT COUNT(*) FROM sessions", node_.databaseName).rfind("0", 0) == 0);
    // Passwords and tokens never reach the log.
    const auto log = partad->log();
    CPPUNIT_ASSERT(!contains(log, kPassword));
    CPPUNIT_ASSERT(!contains(log, token));
  }

  void refusalsAreIndistinguishable() {
    auto partad = startPartad();
    ApiClient api(partad->port());
    auto wrong = api.login("elkina", "не тот пароль");
    auto unknown = api.login("nobody", kPassword);
    CPPUNIT_ASSERT_EQUAL(401u, wrong.status);
    CPPUNIT_ASSERT_EQUAL(401u, unknown.status);
    CPPUNIT_ASSERT_EQUAL(wrong.body, unknown.body);
    CPPUNIT_ASSERT(contains(wrong.body, "\"code\":\"unauthenticated\""));
    CPPUNIT_ASSERT(wrong.header("set-cookie").empty());
    // An unknown login costs what a wrong password costs: a failed Argon2
    // bind against the decoy, whose failure slapd records like a real one.
    const auto decoy = mustRun({"ldapsearch", "-Y", "EXTERNAL", "-Q", "-H", sharedSlapd().uri(), "-b",
                                "uid=parta-decoy,ou=system," + node_.base, "-s", "base", "pwdFailureTime"});
    CPPUNIT_ASSERT_MESSAGE(decoy, contains(decoy, "pwdFailureTime:"));
  }

  void lockoutAfterFiveFailures() {
    auto partad = startPartad();
    ApiClient api(partad->port());
    std::string refusal;
    for (int i = 0; i < 5; ++i) refusal = api.login("elkina", "wrong-" + std::to_string(i)).body;
    auto locked = api.login("elkina", kPassword);
    CPPUNIT_ASSERT_EQUAL(401u, locked.status);
    CPPUNIT_ASSERT_EQUAL(refusal, locked.body);  // same answer as a wrong password
    // The lock is slapd's own (ppolicy), visible on the entry.
    const auto entry = mustRun({"ldapsearch", "-Y", "EXTERNAL", "-Q", "-H", sharedSlapd().uri(), "-b",
                                "uid=elkina,ou=people," + node_.base, "-s", "base", "pwdAccountLockedTime"});
    CPPUNIT_ASSERT(contains(entry, "pwdAccountLockedTime:"));
  }

  void filterInjectionFindsNobody() {
    auto partad = startPartad();
    ApiClient api(partad->port());
    for (const char* login : {"*", "elk*", "*)(uid=*", "elkina)(|(uid=*", "\\2a"})
      CPPUNIT_ASSERT_EQUAL_MESSAGE(login, 401u, api.login(login, kPassword).status);
  }

  void csrfIsRequiredForStateChanges() {
    auto partad = startPartad();
    ApiClient api(partad->port());
    CPPUNIT_ASSERT_EQUAL(200u, api.login("elkina", kPassword).status);
    auto noToken = api.send("DELETE", "/api/v1/session", {}, false);
    CPPUNIT_ASSERT_EQUAL(403u, noToken.status);
    CPPUNIT_ASSERT(contains(noToken.body, "\"code\":\"permission_denied\""));
    HttpRequest forged{"DELETE", "/api/v1/session", {}, {{"Cookie", api.cookie()}, {"X-CSRF-Token", "00ff"}}};
    CPPUNIT_ASSERT_EQUAL(403u, httpRequest(partad->port(), forged).status);
    CPPUNIT_ASSERT_EQUAL(200u, api.get("/api/v1/me").status);  // still logged in
    HttpRequest crossSite{"POST",
                          "/api/v1/session",
                          R"({"login":"elkina","password":"x"})",
                          {{"Content-Type", "application/json"}, {"Origin", "http://evil.example"}}};
    CPPUNIT_ASSERT_EQUAL(403u, httpRequest(partad->port(), crossSite).status);
  }

  void sessionIdleExpiry() {
    auto partad = startPartad(
        "[session]\nidle_timeout = 2s\nabsolute_timeout = 1h\ntouch_interval = 1s\n"
        "cache_ttl = 0ms\n");
    ApiClient api(partad->port());
    CPPUNIT_ASSERT_EQUAL(200u, api.login("elkina", kPassword).status);
    CPPUNIT_ASSERT_EQUAL(200u, api.get("/api/v1/me").status);
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));
    auto expired = api.get("/api/v1/me");
    CPPUNIT_ASSERT_EQUAL(401u, expired.status);
    CPPUNIT_ASSERT(contains(expired.body, "expired"));
  }

  void sessionSurvivesRestart() {
    // Sessions live in MariaDB, not in the process.
    auto partad = startPartad();
    ApiClient api(partad->port());
    CPPUNIT_ASSERT_EQUAL(200u, api.login("elkina", kPassword).status);
    CPPUNIT_ASSERT_EQUAL(0, partad->stop());
    auto again = startPartad();
    ApiClient same(again->port());
    same.setCookie(api.cookie());
    auto me = same.get("/api/v1/me");  // read from MariaDB: a new process has no cache
    CPPUNIT_ASSERT_EQUAL(200u, me.status);
    CPPUNIT_ASSERT(contains(me.body, "\"name\":\"" + kName + "\""));
    CPPUNIT_ASSERT(contains(me.body, "\"roles\":[\"class_teacher\",\"teacher\"]"));
  }

  void badInputGets4xxAndServerKeepsServing() {
    auto partad = startPartad("[http]\nbody_limit = 2KiB\nheader_limit = 2KiB\n");
    const auto port = partad->port();
    auto post = [&](const std::string& body, const std::string& type = "application/json") {
      return httpRequest(port, HttpRequest{"POST", "/api/v1/session", body, {{"Content-Type", type}}});
    };
    auto malformed = post("{\"login\": \"elkina\", \"password\": \"Тайна-42");
    CPPUNIT_ASSERT_EQUAL(400u, malformed.status);
    CPPUNIT_ASSERT(contains(malformed.body, "\"code\":\"invalid_argument\""));
    auto tooBig = post("{\"login\":\"" + std::string(4096, 'x') + "\"}");
    CPPUNIT_ASSERT_EQUAL(413u, tooBig.status);
    CPPUNIT_ASSERT(contains(tooBig.body, "\"code\":\"payload_too_large\""));
    auto bigHeader = httpRequest(port, HttpRequest{"GET", "/healthz", {}, {{"X-Junk", std::string(4096, 'j')}}});
    CPPUNIT_ASSERT_EQUAL(431u, bigHeader.status);
    auto unknown = httpRequest(port, HttpRequest{"GET", "/api/v1/nope", {}, {}});
    CPPUNIT_ASSERT_EQUAL(404u, unknown.status);
    CPPUNIT_ASSERT(contains(unknown.body, "\"error\":{\"code\":\"not_found\""));
    auto method = httpRequest(port, HttpRequest{"PATCH", "/api/v1/me", "{}", {{"Content-Type", "application/json"}}});
    CPPUNIT_ASSERT_EQUAL(405u, method.status);
    CPPUNIT_ASSERT_EQUAL(std::string("GET"), method.header("allow"));
    auto form = post("login=a&password=b", "application/x-www-form-urlencoded");
    CPPUNIT_ASSERT_EQUAL(415u, form.status);
    auto garbage = rawExchange(port, "NOT HTTP AT ALL\r\n\r\n");
    CPPUNIT_ASSERT(contains(garbage, "400 Bad Request"));
    CPPUNIT_ASSERT(contains(garbage, "\"code\":\"bad_request\""));
    // Still serving, and still logging in.
    ApiClient api(port);
    CPPUNIT_ASSERT_EQUAL(200u, api.login("elkina", kPassword).status);
    CPPUNIT_ASSERT(partad->process().running());
    // Every refusal is in the log, and no secret from any request is.
    const auto log = partad->log();
    CPPUNIT_ASSERT(contains(log, R"("event":"request","method":"POST","path":"/api/v1/session","status":400)"));
    CPPUNIT_ASSERT(contains(log, R"("event":"request_rejected","status":413)"));
    CPPUNIT_ASSERT(contains(log, R"("event":"request_rejected","status":431)"));
    CPPUNIT_ASSERT(contains(log, R"("method":"GET","path":"/api/v1/nope","status":404)"));
    CPPUNIT_ASSERT(!contains(log, "Тайна-42"));
    CPPUNIT_ASSERT(!contains(log, kPassword));
  }

  void metricsAreServed() {
    auto partad = startPartad();
    ApiClient api(partad->port());
    api.get("/api/v1/me");
    auto m = httpRequest(partad->port(), HttpRequest{"GET", "/metrics", {}, {}});
    CPPUNIT_ASSERT_EQUAL(200u, m.status);
    CPPUNIT_ASSERT(contains(m.body, R"(parta_http_requests_total{route="/api/v1/me",method="GET",status="401"} 1)"));
    CPPUNIT_ASSERT(contains(m.body, "parta_db_pool_size "));
    CPPUNIT_ASSERT(contains(m.body, "parta_workers_busy "));
    CPPUNIT_ASSERT(contains(m.body, "# TYPE parta_http_request_duration_seconds histogram"));
  }

  void gracefulShutdownOnSigterm() {
    auto partad = startPartad();
    // An idle keep-alive connection must not hold the shutdown up.
    std::jthread idle([port = partad->port()] {
      try {
        rawExchange(port, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
      } catch (...) {
      }
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    const int code = partad->stop();  // throws if SIGTERM does not end it
    idle.join();
    CPPUNIT_ASSERT_EQUAL_MESSAGE(partad->log(), 0, code);
    CPPUNIT_ASSERT(contains(partad->log(), "\"event\":\"stopped\""));
  }

  void inFlightRequestFinishesOnSigterm() {
    auto partad = startPartad();
    const std::string body = R"({"login":"elkina","password":")" + kPassword + R"("})";
    RawConnection c(partad->port());
    // Headers and half the body: the request is in flight when SIGTERM comes.
    c.send(
        "POST /api/v1/session HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        "Content-Length: " +
        std::to_string(body.size()) + "\r\n\r\n" + body.substr(0, 10));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    partad->process().signal(SIGTERM);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    CPPUNIT_ASSERT(partad->process().running());  // waiting for the request, not gone
    c.send(body.substr(10));
    const auto response = c.readToEnd();
    CPPUNIT_ASSERT_MESSAGE(response, contains(response, "HTTP/1.1 200 OK"));
    CPPUNIT_ASSERT(contains(response, "Connection: close"));
    CPPUNIT_ASSERT(contains(response, kName));
    CPPUNIT_ASSERT_EQUAL(0, partad->stop());
  }

 private:
  NodeFixture node_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(PartadTest);

}  // namespace parta::test
