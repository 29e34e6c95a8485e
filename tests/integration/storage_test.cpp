// The MariaDB adapter against a real server: migrations and the session
// repository, each test in its own schema.

#include <algorithm>

#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppunit/extensions/HelperMacros.h>

#include "appliance/storage/migrations.hpp"
#include "appliance/storage/pool.hpp"
#include "appliance/storage/register_repository.hpp"
#include "appliance/storage/school_loader.hpp"
#include "appliance/storage/session_repository.hpp"
#include "appliance/storage/sql_support.hpp"
#include "tests/support/fixtures.hpp"

namespace parta::test {

using storage::cachedStatement;
using storage::ConnectionPool;
using storage::Migration;

class StorageTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(StorageTest);
  CPPUNIT_TEST(migrationsApplyInOrderOnce);
  CPPUNIT_TEST(editedMigrationIsRefused);
  CPPUNIT_TEST(failingMigrationNamesItselfAndStops);
  CPPUNIT_TEST(schoolOnlyMigrationIsRecordedButNotRunOnHubs);
  CPPUNIT_TEST(databaseKeepsItsNodeRole);
  CPPUNIT_TEST(sessionRoundTripIsExact);
  CPPUNIT_TEST(removeExpiredTakesOnlyExpired);
  CPPUNIT_TEST(generatedSchoolLoadsOnceWithItsRelations);
  CPPUNIT_TEST(loaderRefusesWhatTheCatalogueForbids);
  CPPUNIT_TEST(cachedStatementsArePreparedOncePerConnection);
  CPPUNIT_TEST_SUITE_END();

 public:
  void setUp() override {
    config_.socket = sharedMariaDb().socket();
    config_.name = uniqueName("st");
    config_.user = "root";
    CPPUNIT_ASSERT(ConnectionPool::ensureDatabase(config_, "").ok());
    pool_ = std::make_unique<ConnectionPool>(config_, "");
  }
  void tearDown() override { pool_.reset(); }

  std::string sql(const std::string& q) { return sharedMariaDb().sql(q, config_.name); }

  void migrationsApplyInOrderOnce() {
    const Migration list[] = {{1, "a", "CREATE TABLE IF NOT EXISTS a (x INT);\n"},
                              {2, "b", "CREATE TABLE IF NOT EXISTS b (y INT);\nINSERT INTO b VALUES (7);\n"}};
    auto first = storage::migrate(*pool_, core::NodeRole::school, list);
    CPPUNIT_ASSERT(first.ok());
    CPPUNIT_ASSERT_EQUAL(0, first->from);
    CPPUNIT_ASSERT_EQUAL(2, first->to);
    CPPUNIT_ASSERT_EQUAL(std::size_t{2}, first->applied.size());
    auto second = storage::migrate(*pool_, core::NodeRole::school, list);
    CPPUNIT_ASSERT(second.ok());
    CPPUNIT_ASSERT(second->applied.empty());
    CPPUNIT_ASSERT_EQUAL(std::string("7\n"), sql("SELECT y FROM b"));  // the insert ran once
  }

  void editedMigrationIsRefused() {
    const Migration v1[] = {{1, "a", "CREATE TABLE IF NOT EXISTS a (x INT);\n"}};
    CPPUNIT_ASSERT(storage::migrate(*pool_, core::NodeRole::school, v1).ok());
    const Migration edited[] = {{1, "a", "CREATE TABLE IF NOT EXISTS a (x BIGINT);\n"}};
    auto r = storage::migrate(*pool_, core::NodeRole::school, edited);
    CPPUNIT_ASSERT(!r.ok());
    CPPUNIT_ASSERT(r.error().code == core::ErrorCode::failed_precondition);
    CPPUNIT_ASSERT(r.error().message.find("checksum") != std::string::npos);
  }

  void failingMigrationNamesItselfAndStops() {
    const Migration list[] = {{1, "good", "CREATE TABLE IF NOT EXISTS a (x INT);\n"},
                              {2, "broken", "CREATE TABLE nonsense (;\n"},
                              {3, "after", "CREATE TABLE IF NOT EXISTS c (z INT);\n"}};
    auto r = storage::migrate(*pool_, core::NodeRole::school, list);
    CPPUNIT_ASSERT(!r.ok());
    CPPUNIT_ASSERT(r.error().message.find("migration 2 (broken)") != std::string::npos);
    CPPUNIT_ASSERT_EQUAL(std::string("1\n"), sql("SELECT GROUP_CONCAT(version) FROM schema_migrations"));
    CPPUNIT_ASSERT_EQUAL(std::string("0\n"), sql("SELECT COUNT(*) FROM information_schema.tables WHERE "
                                                 "table_schema = DATABASE() AND table_name = 'c'"));
  }

  void schoolOnlyMigrationIsRecordedButNotRunOnHubs() {
    const Migration list[] = {{1, "all", "CREATE TABLE IF NOT EXISTS a (x INT);\n"},
                              {2, "register", "-- roles: school\nCREATE TABLE IF NOT EXISTS people (x INT);\n"}};
    auto r = storage::migrate(*pool_, core::NodeRole::municipal, list);
    CPPUNIT_ASSERT(r.ok());
    CPPUNIT_ASSERT_EQUAL(2, r->to);
    CPPUNIT_ASSERT_EQUAL(std::string("1,2\n"),
                         sql("SELECT GROUP_CONCAT(version ORDER BY version) FROM schema_migrations"));
    CPPUNIT_ASSERT_EQUAL(std::string("0\n"), sql("SELECT COUNT(*) FROM information_schema.tables WHERE "
                                                 "table_schema = DATABASE() AND table_name = 'people'"));
  }

  void databaseKeepsItsNodeRole() {
    CPPUNIT_ASSERT(storage::migrate(*pool_, core::NodeRole::school).ok());
    auto r = storage::migrate(*pool_, core::NodeRole::municipal);
    CPPUNIT_ASSERT(!r.ok());
    CPPUNIT_ASSERT(r.error().code == core::ErrorCode::failed_precondition);
    CPPUNIT_ASSERT_EQUAL(std::string("this database belongs to a school node; refusing to start as municipal"),
                         r.error().message);
  }

  void sessionRoundTripIsExact() {
    CPPUNIT_ASSERT(storage::migrate(*pool_, core::NodeRole::school).ok());
    storage::MariaDbSessionRepository repo(*pool_);
    const auto created = core::TimePoint(std::chrono::microseconds(1'795'000'000'123'456));
    core::SessionRecord r{std::string(64, 'a'),
                          core::Principal{"o.nil", "Ёлкина-Петрова Анна О'Нил", {"class_teacher", "teacher"}}, created,
                          created + std::chrono::seconds(5)};
    CPPUNIT_ASSERT(repo.insert(r).ok());
    CPPUNIT_ASSERT(repo.insert(r).error().code == core::ErrorCode::already_exists);
    auto found = repo.find(r.tokenHash);
    CPPUNIT_ASSERT(found.ok() && found->has_value());
    const auto& s = **found;
    CPPUNIT_ASSERT_EQUAL(r.principal.displayName, s.principal.displayName);
    CPPUNIT_ASSERT(r.principal.roles == s.principal.roles);
    CPPUNIT_ASSERT(r.createdAt == s.createdAt);
    CPPUNIT_ASSERT(r.lastSeenAt == s.lastSeenAt);
    // Stored as UTF-8, not mangled by a latin1 connection.
    CPPUNIT_ASSERT_EQUAL(std::string("D081D0BB\n"), sql("SELECT LEFT(HEX(display_name), 8) FROM sessions"));
    const auto later = created + std::chrono::minutes(3);
    CPPUNIT_ASSERT(repo.touch(r.tokenHash, later).ok());
    CPPUNIT_ASSERT((*repo.find(r.tokenHash))->lastSeenAt == later);
    CPPUNIT_ASSERT(repo.remove(r.tokenHash).ok());
    CPPUNIT_ASSERT(!repo.find(r.tokenHash)->has_value());
    CPPUNIT_ASSERT(!repo.find(std::string(64, 'b'))->has_value());
  }

  void generatedSchoolLoadsOnceWithItsRelations() {
    CPPUNIT_ASSERT(storage::migrate(*pool_, core::NodeRole::school).ok());
    core::SchoolSpec spec;
    spec.students = 90;
    spec.classes = 3;
    spec.staff = 12;
    spec.parents = 150;
    const auto school = core::generateSchool(spec);
    const auto accounts = core::chooseDemoAccounts(school);
    auto first = storage::loadGeneratedSchool(*pool_, school, accounts, 2026);
    CPPUNIT_ASSERT_MESSAGE(first ? "" : first.error().message, first.ok());
    CPPUNIT_ASSERT(first->loaded);
    CPPUNIT_ASSERT_EQUAL(school.people.size(), first->people);
    auto again = storage::loadGeneratedSchool(*pool_, school, accounts, 2026);
    CPPUNIT_ASSERT(again.ok() && !again->loaded);  // an existing register is left alone
    CPPUNIT_ASSERT_EQUAL(std::to_string(school.people.size()) + "\n", sql("SELECT COUNT(*) FROM people"));
    CPPUNIT_ASSERT_EQUAL(std::to_string(school.classes.size()) + "\n", sql("SELECT COUNT(*) FROM classes"));
    // Every demo login is a person with the relations its role needs.
    storage::MariaDbRegisterRepository repo(*pool_);
    auto personOf = [&](const std::string& login) {
      return std::stoull(sql("SELECT id FROM people WHERE account_uid = '" + login + "'"));
    };
    const auto student = personOf("student");
    CPPUNIT_ASSERT(repo.relation("student", student)->self);
    CPPUNIT_ASSERT(repo.relation("parent", student)->child);
    CPPUNIT_ASSERT(repo.relation("classteacher", student)->ownClass);
    CPPUNIT_ASSERT(repo.relation("classteacher", personOf("parent"))->ownClass);
    CPPUNIT_ASSERT(repo.relation("teacher", student)->teaches);
    CPPUNIT_ASSERT(!repo.relation("parent", personOf("teacher"))->child);
  }

  void loaderRefusesWhatTheCatalogueForbids() {
    CPPUNIT_ASSERT(storage::migrate(*pool_, core::NodeRole::school).ok());
    core::SchoolSpec spec;
    spec.students = 30;
    spec.classes = 1;
    spec.staff = 5;
    spec.parents = 40;
    auto school = core::generateSchool(spec);
    auto parent = std::find_if(school.people.begin(), school.people.end(), [](auto& p) { return p.kind == 'p'; });
    parent->fields.emplace_back("snils", "112-233-445 95");  // the parent card has no SNILS
    auto r = storage::loadGeneratedSchool(*pool_, school, {}, 2026);
    CPPUNIT_ASSERT(!r.ok());
    CPPUNIT_ASSERT_EQUAL(parent->ref + ": snils is not a field of a parent card", r.error().message);
    CPPUNIT_ASSERT_EQUAL(std::string("0\n"), sql("SELECT COUNT(*) FROM people"));  // nothing half-written
  }

  void removeExpiredTakesOnlyExpired() {
    CPPUNIT_ASSERT(storage::migrate(*pool_, core::NodeRole::school).ok());
    storage::MariaDbSessionRepository repo(*pool_);
    const auto now = core::TimePoint(std::chrono::seconds(1'800'000'000));
    auto make = [&](char c, std::chrono::minutes createdAgo, std::chrono::minutes seenAgo) {
      return core::SessionRecord{std::string(64, c), core::Principal{"u", "Щ", {}}, now - createdAgo, now - seenAgo};
    };
    CPPUNIT_ASSERT(repo.insert(make('a', std::chrono::minutes(10), std::chrono::minutes(1))).ok());   // fresh
    CPPUNIT_ASSERT(repo.insert(make('b', std::chrono::minutes(60), std::chrono::minutes(45))).ok());  // idle
    CPPUNIT_ASSERT(repo.insert(make('c', std::chrono::minutes(800), std::chrono::minutes(1))).ok());  // too old
    auto n = repo.removeExpired(now - std::chrono::minutes(30), now - std::chrono::hours(12));
    CPPUNIT_ASSERT_EQUAL(std::size_t{2}, *n);
    CPPUNIT_ASSERT(repo.find(std::string(64, 'a'))->has_value());
  }

 private:
  core::Config::Database config_;
  std::unique_ptr<ConnectionPool> pool_;
  // A cached statement is prepared once per connection and reused with new
  // parameters; a discarded connection takes its statements with it, and
  // the next connection prepares its own.
  void cachedStatementsArePreparedOncePerConnection() {
    const std::string query = "SELECT ? + 1";
    auto run = [&](sql::Connection& c, int v) {
      auto& s = cachedStatement(c, query);
      s.setInt(1, v);
      std::unique_ptr<sql::ResultSet> r(s.executeQuery());
      CPPUNIT_ASSERT(r->next());
      return r->getInt(1);
    };
    sql::PreparedStatement* first = nullptr;
    {
      auto lease = pool_->acquire();
      CPPUNIT_ASSERT(lease.ok());
      CPPUNIT_ASSERT_EQUAL(2, run(**lease, 1));
      first = &cachedStatement(**lease, query);
      CPPUNIT_ASSERT_EQUAL(42, run(**lease, 41));
      CPPUNIT_ASSERT(first == &cachedStatement(**lease, query));
      lease->discard();
    }
    auto lease = pool_->acquire();
    CPPUNIT_ASSERT(lease.ok());
    CPPUNIT_ASSERT_EQUAL(8, run(**lease, 7));

    // The cache stops growing at its bound; prepare() then hands out a
    // statement of its own, which still works, and cached ones stay cached.
    for (std::size_t i = 0; i < storage::kMaxCachedStatements + 10; ++i) {
      auto s = storage::prepare(**lease, "SELECT ? + " + std::to_string(i));
      s->setInt(1, 1);
      std::unique_ptr<sql::ResultSet> r(s->executeQuery());
      CPPUNIT_ASSERT(r->next());
      CPPUNIT_ASSERT_EQUAL(static_cast<int>(i) + 1, r->getInt(1));
    }
    CPPUNIT_ASSERT(storage::cachedStatementIfRoom(**lease, "SELECT ? + 9999") == nullptr);
    CPPUNIT_ASSERT(storage::cachedStatementIfRoom(**lease, query) != nullptr);
    CPPUNIT_ASSERT_EQUAL(5, run(**lease, 4));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(StorageTest);

}  // namespace parta::test
