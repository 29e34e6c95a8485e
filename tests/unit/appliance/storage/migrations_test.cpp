#include "appliance/storage/migrations.hpp"

#include <cppunit/extensions/HelperMacros.h>

namespace parta::storage {

class MigrationsTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(MigrationsTest);
  CPPUNIT_TEST(splitsOnSemicolonsAtLineEnds);
  CPPUNIT_TEST(semicolonsInQuotesAndCommentsDoNotSplit);
  CPPUNIT_TEST(checksumIsSha256);
  CPPUNIT_TEST(embeddedMigrationsAreNumberedInOrder);
  CPPUNIT_TEST(rolesLineLimitsWhereAMigrationRuns);
  CPPUNIT_TEST_SUITE_END();

 public:
  void splitsOnSemicolonsAtLineEnds() {
    auto parts = splitSqlStatements("CREATE TABLE a (x INT);\n\nCREATE TABLE b (y INT);\n");
    CPPUNIT_ASSERT_EQUAL(std::size_t{2}, parts.size());
    CPPUNIT_ASSERT(parts[0].find("CREATE TABLE a") != std::string::npos);
    CPPUNIT_ASSERT(parts[1].find("CREATE TABLE b") != std::string::npos);
  }

  void semicolonsInQuotesAndCommentsDoNotSplit() {
    auto parts = splitSqlStatements(
        "-- a comment; with a semicolon;\n"
        "INSERT INTO t VALUES ('Ёлкина; О''Нил;\n', \"x;\n\");\n"
        "UPDATE t SET v = 1;\n");
    CPPUNIT_ASSERT_EQUAL(std::size_t{2}, parts.size());
    CPPUNIT_ASSERT(parts[0].find("'Ёлкина; О''Нил;\n'") != std::string::npos);
    CPPUNIT_ASSERT(parts[1].find("UPDATE t") != std::string::npos);
  }

  void checksumIsSha256() {
    CPPUNIT_ASSERT_EQUAL(std::string("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
                         migrationChecksum(""));
    CPPUNIT_ASSERT_EQUAL(std::string("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
                         migrationChecksum("abc"));
  }

  void embeddedMigrationsAreNumberedInOrder() {
    auto all = embeddedMigrations();
    CPPUNIT_ASSERT(!all.empty());
    for (std::size_t i = 0; i < all.size(); ++i) CPPUNIT_ASSERT_EQUAL(static_cast<int>(i + 1), all[i].version);
    CPPUNIT_ASSERT_EQUAL(static_cast<int>(all.size()), latestKnownVersion());
    CPPUNIT_ASSERT(all[0].sql.find("CREATE TABLE IF NOT EXISTS sessions") != std::string_view::npos);
  }

  void rolesLineLimitsWhereAMigrationRuns() {
    using core::NodeRole;
    const Migration everywhere{1, "a", "-- sessions for every node\nCREATE TABLE a (x INT);\n"};
    const Migration school{2, "b", "-- the register\n-- roles: school\nCREATE TABLE b (x INT);\n"};
    const Migration hubs{3, "c", "-- roles: municipal, regional\nCREATE TABLE c (x INT);\n"};
    const Migration late{4, "d", "CREATE TABLE d (x INT);\n-- roles: school\n"};  // not a header line
    CPPUNIT_ASSERT(appliesTo(everywhere, NodeRole::municipal));
    CPPUNIT_ASSERT(appliesTo(school, NodeRole::school));
    CPPUNIT_ASSERT(!appliesTo(school, NodeRole::municipal));
    CPPUNIT_ASSERT(!appliesTo(school, NodeRole::regional));
    CPPUNIT_ASSERT(!appliesTo(hubs, NodeRole::school));
    CPPUNIT_ASSERT(appliesTo(hubs, NodeRole::regional));
    CPPUNIT_ASSERT(appliesTo(late, NodeRole::regional));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(MigrationsTest);

}  // namespace parta::storage
