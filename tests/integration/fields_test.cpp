// GET /api/v1/fields through the real partad (Beast transport): the field
// catalogue the UI loads once after login, and its caching headers.

#include <cppunit/extensions/HelperMacros.h>

#include "tests/support/fixtures.hpp"
#include "tests/support/http_client.hpp"

namespace parta::test {

namespace {
const std::string kName = "Д'Артаньян-Ёлкин Пётр Ильич";
const std::string kPassword = "Пароль-с-Ё'1";
}  // namespace

class FieldsTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(FieldsTest);
  CPPUNIT_TEST(catalogueIsServedToAnyLoggedInUser);
  CPPUNIT_TEST(notModifiedKeepsTheConnectionUsable);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    node_ = makeNodeFixture();
    // A parent: the most limited reader of the register still gets the catalogue.
    sharedSlapd().addUser(node_.base, "dartanyan", kName, kPassword, {"parent"});
    partad_ = std::make_unique<Partad>(node_.options());
    partad_->start();
  }
  void tearDown() override { partad_.reset(); }

  void catalogueIsServedToAnyLoggedInUser() {
    ApiClient api(partad_->port());
    auto anonymous = api.get("/api/v1/fields");
    CPPUNIT_ASSERT_EQUAL(401u, anonymous.status);
    CPPUNIT_ASSERT(!contains(anonymous.body, "СНИЛС"));

    CPPUNIT_ASSERT_EQUAL(200u, api.login("dartanyan", kPassword).status);
    auto r = api.get("/api/v1/fields");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 200u, r.status);
    CPPUNIT_ASSERT(contains(r.header("content-type"), "application/json"));
    CPPUNIT_ASSERT_EQUAL(std::string("private, max-age=3600"), r.header("cache-control"));
    CPPUNIT_ASSERT(!r.header("etag").empty());
    CPPUNIT_ASSERT(contains(r.body, R"("label":{"en":"Mobile phone","ru":"Мобильный телефон"},"needsConsent":true)"));
    CPPUNIT_ASSERT(contains(r.body, R"({"label":{"en":"exempt","ru":"освобождён"},"value":"exempt"})"));
    // The catalogue describes fields, never anyone's values.
    CPPUNIT_ASSERT(!contains(r.body, kName));
  }

  void notModifiedKeepsTheConnectionUsable() {
    ApiClient api(partad_->port());
    CPPUNIT_ASSERT_EQUAL(200u, api.login("dartanyan", kPassword).status);
    const auto etag = api.get("/api/v1/fields").header("etag");
    CPPUNIT_ASSERT(!etag.empty());

    HttpRequest again{"GET", "/api/v1/fields", {}, {{"Cookie", api.cookie()}, {"If-None-Match", etag}}};
    auto cached = httpRequest(partad_->port(), again);
    CPPUNIT_ASSERT_EQUAL(304u, cached.status);
    CPPUNIT_ASSERT(cached.body.empty());
    CPPUNIT_ASSERT_EQUAL(etag, cached.header("etag"));

    // A 304 has no body: the next request on the same connection is read and answered.
    const std::string head = "Host: 127.0.0.1\r\nCookie: " + api.cookie() + "\r\n";
    const auto both =
        rawExchange(partad_->port(), "GET /api/v1/fields HTTP/1.1\r\n" + head + "If-None-Match: " + etag + "\r\n\r\n" +
                                         "GET /api/v1/me HTTP/1.1\r\n" + head + "Connection: close\r\n\r\n");
    CPPUNIT_ASSERT_MESSAGE(both, both.rfind("HTTP/1.1 304", 0) == 0);
    CPPUNIT_ASSERT_MESSAGE(both, contains(both, "HTTP/1.1 200"));
    CPPUNIT_ASSERT_MESSAGE(both, contains(both, kName));
  }

 private:
  NodeFixture node_;
  std::unique_ptr<Partad> partad_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(FieldsTest);

}  // namespace parta::test
