// "Hubs hold no personal data by construction" (issue 5, item 8): every
// column of every table of a municipal and a regional database, as the real
// migrations leave them, is checked against names that could hold a person.
// The only exceptions are the hub's own staff accounts (who is logged in,
// who issued a code or acknowledged an alarm), listed here one by one.

#include <regex>
#include <set>
#include <sstream>

#include <cppunit/extensions/HelperMacros.h>

#include "appliance/storage/migrations.hpp"
#include "appliance/storage/pool.hpp"
#include "tests/support/fixtures.hpp"

namespace parta::test {

using storage::ConnectionPool;

namespace {

// Column names that could hold a person or something that identifies one.
// "_by" columns name who did something: an account, so they are listed
// explicitly rather than slipping through under an innocent name.
const std::regex kPersonal(
    "(person|people|student|pupil|parent|guardian|child_name|surname|first_?name|last_?name|patronymic|"
    "full_?name|display_?name|birth|snils|passport|document_number|address|phone|email|e_mail|sex|gender|"
    "user|login|account|health|disabilit|nationality|citizenship|_by$)",
    std::regex::icase);

// table.column: the hub's own staff, never a person of a school.
const std::set<std::string> kStaffAccountColumns = {
    "sessions.user_id",                      // who is logged in to this hub
    "sessions.display_name",                 // their name as shown in the hub's UI
    "federation_enrolment_codes.issued_by",  // the hub admin who issued a code
    "federation_alarms.acknowledged_by",     // the hub admin who acknowledged an alarm
    "federation_approvals.approved_by",      // the hub analyst who approved a return
    "federation_audit.actor",                // the hub staff account behind an audited change
};

std::vector<std::string> columnsOf(const std::string& database) {
  const auto out = sharedMariaDb().sql(
      "SELECT CONCAT(table_name, '.', column_name) FROM information_schema.columns "
      "WHERE table_schema = DATABASE() ORDER BY table_name, ordinal_position",
      database);
  std::vector<std::string> columns;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);)
    if (!line.empty()) columns.push_back(line);
  return columns;
}

std::vector<std::string> personalColumns(const std::vector<std::string>& columns) {
  std::vector<std::string> found;
  for (const auto& c : columns) {
    const auto column = c.substr(c.find('.') + 1);
    if (std::regex_search(column, kPersonal) && kStaffAccountColumns.count(c) == 0) found.push_back(c);
  }
  return found;
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

}  // namespace

class FederationSchemaTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(FederationSchemaTest);
  CPPUNIT_TEST(municipalHoldsNoPersonalColumn);
  CPPUNIT_TEST(regionalHoldsNoPersonalColumn);
  CPPUNIT_TEST(theCheckFindsTheSchoolsPersonalColumns);
  CPPUNIT_TEST(staffAccountsAreOnlyTheHubsOwnTables);
  CPPUNIT_TEST_SUITE_END();

 public:
  std::vector<std::string> migrated(core::NodeRole role) {
    core::Config::Database config;
    config.socket = sharedMariaDb().socket();
    config.name = uniqueName("fs");
    config.user = "root";
    CPPUNIT_ASSERT(ConnectionPool::ensureDatabase(config, "").ok());
    ConnectionPool pool(config, "");
    auto r = storage::migrate(pool, role);
    CPPUNIT_ASSERT_MESSAGE(r ? "" : r.error().message, r.ok());
    auto columns = columnsOf(config.name);
    CPPUNIT_ASSERT(!columns.empty());
    return columns;
  }

  void municipalHoldsNoPersonalColumn() {
    const auto columns = migrated(core::NodeRole::municipal);
    const auto found = personalColumns(columns);
    CPPUNIT_ASSERT_MESSAGE("personal columns on a municipal node: " + joined(found), found.empty());
    // The hub's federation tables are really there (the check is not vacuous).
    for (const char* c : {"received_cells.published_count", "inbox_envelopes.envelope", "federation_children.code",
                          "outbox.envelope", "release_ledger.payload"})
      CPPUNIT_ASSERT_MESSAGE(c, std::find(columns.begin(), columns.end(), c) != columns.end());
  }

  void regionalHoldsNoPersonalColumn() {
    const auto columns = migrated(core::NodeRole::regional);
    const auto found = personalColumns(columns);
    CPPUNIT_ASSERT_MESSAGE("personal columns on the regional node: " + joined(found), found.empty());
    CPPUNIT_ASSERT(std::find(columns.begin(), columns.end(), "received_cells.cell_key") != columns.end());
    // The regional node sends nowhere: no outbox.
    CPPUNIT_ASSERT(std::find(columns.begin(), columns.end(), "outbox.envelope") == columns.end());
  }

  void theCheckFindsTheSchoolsPersonalColumns() {
    // The same check on a school finds its register: it would catch a
    // person's column if one were ever added to a hub.
    const auto found = personalColumns(migrated(core::NodeRole::school));
    for (const char* c : {"people.surname", "people.birth_date"})
      CPPUNIT_ASSERT_MESSAGE(c, std::find(found.begin(), found.end(), c) != found.end());
  }

  void staffAccountsAreOnlyTheHubsOwnTables() {
    // Every allowed column exists on a hub and belongs to the hub's own
    // sessions or its federation administration, not to received data.
    const auto columns = migrated(core::NodeRole::municipal);
    for (const auto& c : kStaffAccountColumns) {
      CPPUNIT_ASSERT_MESSAGE(c, std::find(columns.begin(), columns.end(), c) != columns.end());
      const auto table = c.substr(0, c.find('.'));
      CPPUNIT_ASSERT_MESSAGE(c, table == "sessions" || table == "federation_enrolment_codes" ||
                                    table == "federation_alarms" || table == "federation_approvals" ||
                                    table == "federation_audit");
    }
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(FederationSchemaTest);

}  // namespace parta::test
