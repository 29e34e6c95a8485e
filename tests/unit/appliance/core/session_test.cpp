#include "appliance/core/session.hpp"

#include <cppunit/extensions/HelperMacros.h>

#include "tests/support/fakes.hpp"

namespace parta::core {

using test::CountingRandom;
using test::FakeClock;
using test::FakeDirectory;
using test::FakeHasher;
using test::InMemorySessions;

class SessionTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(SessionTest);
  CPPUNIT_TEST(loginCreatesHashedSession);
  CPPUNIT_TEST(everyRefusalLooksTheSame);
  CPPUNIT_TEST(emptyFieldsAreInvalidArgument);
  CPPUNIT_TEST(directoryOutageIsUnavailableNotRefusal);
  CPPUNIT_TEST(idleExpiry);
  CPPUNIT_TEST(absoluteExpiryDespiteActivity);
  CPPUNIT_TEST(touchIsThrottled);
  CPPUNIT_TEST(cacheServesWithoutDatabaseWithinTtl);
  CPPUNIT_TEST(logoutEndsSessionEvenIfCached);
  CPPUNIT_TEST(malformedTokenNeverReachesDatabase);
  CPPUNIT_TEST(csrfTokenIsBoundToSession);
  CPPUNIT_TEST(purgeRemovesOnlyExpired);
  CPPUNIT_TEST(base64UrlEncoding);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    directory_.accounts["ivanova"] = {"Пароль-Ё1", Principal{"ivanova", "Ёлкина-Петрова Анна Сергеевна", {"teacher"}}};
    policy_.idleTimeout = std::chrono::minutes(30);
    policy_.absoluteTimeout = std::chrono::hours(12);
    policy_.touchInterval = std::chrono::seconds(60);
    policy_.cacheTtl = std::chrono::seconds(5);
  }

  SessionService service() { return SessionService(directory_, repo_, clock_, random_, hasher_, policy_); }

  void loginCreatesHashedSession() {
    auto s = service();
    auto r = s.login("ivanova", "Пароль-Ё1");
    CPPUNIT_ASSERT(r.ok());
    CPPUNIT_ASSERT(isWellFormedToken(r->token));
    CPPUNIT_ASSERT_EQUAL(std::string("Ёлкина-Петрова Анна Сергеевна"), r->principal.displayName);
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, repo_.rows.size());
    // Only the hash is stored, never the token.
    CPPUNIT_ASSERT(repo_.rows.count(r->token) == 0);
    CPPUNIT_ASSERT(repo_.rows.count(hasher_.hash("session", r->token)) == 1);
    CPPUNIT_ASSERT(r->expiresAt == clock_.now() + policy_.absoluteTimeout);
    auto second = s.login("ivanova", "Пароль-Ё1");
    CPPUNIT_ASSERT(second->token != r->token);
  }

  void everyRefusalLooksTheSame() {
    auto s = service();
    auto wrong = s.login("ivanova", "wrong");
    auto unknown = s.login("nobody", "Пароль-Ё1");
    auto tooLong = s.login(std::string(300, 'a'), "x");
    for (const auto* r : {&wrong, &unknown, &tooLong}) {
      CPPUNIT_ASSERT(!r->ok());
      CPPUNIT_ASSERT(r->error().code == ErrorCode::unauthenticated);
      CPPUNIT_ASSERT_EQUAL(std::string("login or password is incorrect"), r->error().message);
    }
    CPPUNIT_ASSERT(repo_.rows.empty());
  }

  void emptyFieldsAreInvalidArgument() {
    auto s = service();
    auto r = s.login("", "x");
    CPPUNIT_ASSERT(r.error().code == ErrorCode::invalid_argument);
    CPPUNIT_ASSERT_EQUAL(0, directory_.calls);
  }

  void directoryOutageIsUnavailableNotRefusal() {
    directory_.down = true;
    auto s = service();
    auto r = s.login("ivanova", "Пароль-Ё1");
    CPPUNIT_ASSERT(r.error().code == ErrorCode::unavailable);
  }

  void idleExpiry() {
    auto s = service();
    auto token = s.login("ivanova", "Пароль-Ё1")->token;
    clock_.advance(std::chrono::minutes(29));
    CPPUNIT_ASSERT(s.resolve(token).ok());  // activity resets the idle clock
    clock_.advance(std::chrono::minutes(29));
    CPPUNIT_ASSERT(s.resolve(token).ok());
    clock_.advance(std::chrono::minutes(31));
    auto r = s.resolve(token);
    CPPUNIT_ASSERT(r.error().code == ErrorCode::unauthenticated);
    CPPUNIT_ASSERT(repo_.rows.empty());  // an expired session is deleted
  }

  void absoluteExpiryDespiteActivity() {
    auto s = service();
    auto token = s.login("ivanova", "Пароль-Ё1")->token;
    for (int i = 0; i < 24; ++i) {
      clock_.advance(std::chrono::minutes(29));
      CPPUNIT_ASSERT_MESSAGE(std::to_string(i), s.resolve(token).ok());
    }
    clock_.advance(std::chrono::minutes(29));  // 12 h 5 min after login
    CPPUNIT_ASSERT(!s.resolve(token).ok());
    CPPUNIT_ASSERT(!s.resolveCached(token).has_value());
  }

  void touchIsThrottled() {
    auto s = service();
    auto token = s.login("ivanova", "Пароль-Ё1")->token;
    const int writes = repo_.writes;
    clock_.advance(std::chrono::seconds(10));
    CPPUNIT_ASSERT(s.resolve(token).ok());
    CPPUNIT_ASSERT_EQUAL(writes, repo_.writes);  // too soon to write
    clock_.advance(std::chrono::seconds(61));
    CPPUNIT_ASSERT(s.resolve(token).ok());
    CPPUNIT_ASSERT_EQUAL(writes + 1, repo_.writes);
  }

  void cacheServesWithoutDatabaseWithinTtl() {
    auto s = service();
    auto token = s.login("ivanova", "Пароль-Ё1")->token;
    const int reads = repo_.reads;
    clock_.advance(std::chrono::seconds(4));
    auto p = s.resolveCached(token);
    CPPUNIT_ASSERT(p.has_value());
    CPPUNIT_ASSERT_EQUAL(std::string("ivanova"), p->userId);
    CPPUNIT_ASSERT_EQUAL(reads, repo_.reads);
    clock_.advance(std::chrono::seconds(2));  // past the TTL: must ask the database
    CPPUNIT_ASSERT(!s.resolveCached(token).has_value());
  }

  void logoutEndsSessionEvenIfCached() {
    auto s = service();
    auto token = s.login("ivanova", "Пароль-Ё1")->token;
    CPPUNIT_ASSERT(s.resolveCached(token).has_value());
    CPPUNIT_ASSERT(s.logout(token).ok());
    CPPUNIT_ASSERT(!s.resolveCached(token).has_value());
    CPPUNIT_ASSERT(s.resolve(token).error().code == ErrorCode::unauthenticated);
    CPPUNIT_ASSERT(s.logout(token).ok());  // twice is fine
  }

  void malformedTokenNeverReachesDatabase() {
    auto s = service();
    for (std::string bad : {std::string(), std::string("short"), std::string(43, '*'), std::string(44, 'a')}) {
      CPPUNIT_ASSERT(s.resolve(bad).error().code == ErrorCode::unauthenticated);
    }
    CPPUNIT_ASSERT_EQUAL(0, repo_.reads);
  }

  void csrfTokenIsBoundToSession() {
    auto s = service();
    auto a = s.login("ivanova", "Пароль-Ё1");
    auto b = s.login("ivanova", "Пароль-Ё1");
    CPPUNIT_ASSERT(s.csrfMatches(a->token, a->csrfToken));
    CPPUNIT_ASSERT(!s.csrfMatches(a->token, b->csrfToken));
    CPPUNIT_ASSERT(!s.csrfMatches(a->token, ""));
    CPPUNIT_ASSERT(!s.csrfMatches(a->token, a->token));
  }

  void purgeRemovesOnlyExpired() {
    auto s = service();
    auto old = s.login("ivanova", "Пароль-Ё1")->token;
    clock_.advance(std::chrono::minutes(20));
    auto fresh = s.login("ivanova", "Пароль-Ё1")->token;
    clock_.advance(std::chrono::minutes(15));
    auto purged = s.purgeExpired();
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, *purged);
    CPPUNIT_ASSERT(repo_.rows.count(hasher_.hash("session", fresh)) == 1);
  }

  void base64UrlEncoding() {
    const unsigned char bytes[] = {0xfb, 0xff, 0xbf, 'M', 'a'};
    CPPUNIT_ASSERT_EQUAL(std::string("-_-_TWE"), base64UrlEncode(bytes));
    CPPUNIT_ASSERT_EQUAL(std::string("-w"), base64UrlEncode(std::span(bytes, 1)));
  }

 private:
  FakeDirectory directory_;
  InMemorySessions repo_;
  FakeClock clock_;
  CountingRandom random_;
  FakeHasher hasher_;
  SessionPolicy policy_;
};

CPPUNIT_TEST_SUITE_REGISTRATION(SessionTest);

}  // namespace parta::core
