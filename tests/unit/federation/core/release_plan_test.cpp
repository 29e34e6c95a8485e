#include "federation/core/release_plan.hpp"

#include <set>

#include <cppunit/extensions/HelperMacros.h>

namespace parta::federation {

namespace {

std::set<std::string> ids(const std::vector<DueRelease>& due) {
  std::set<std::string> out;
  for (const auto& d : due) out.insert(d.spec.id + "@" + d.period);
  return out;
}

std::vector<TableSpec> schoolTables() { return tablesForLevel(defaultCatalogue(), kMunicipal, std::nullopt); }

}  // namespace

class ReleasePlanTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ReleasePlanTest);
  CPPUNIT_TEST(defaultRulesRoundStocksOnly);
  CPPUNIT_TEST(policySetsTheRulesAndNarrowsTheTables);
  CPPUNIT_TEST(periodNamesTheTablesOfItsKind);
  CPPUNIT_TEST(dueOnADate);
  CPPUNIT_TEST_SUITE_END();

 public:
  void defaultRulesRoundStocksOnly() {
    const auto& contingent = *defaultCatalogue().find("contingent");
    const auto& movements = *defaultCatalogue().find("movements");
    CPPUNIT_ASSERT(seriesOf(contingent) == Series::stock);
    CPPUNIT_ASSERT(seriesOf(movements) == Series::flow);
    auto r = rulesFor(contingent, std::nullopt);
    CPPUNIT_ASSERT_EQUAL(5, r.k);
    CPPUNIT_ASSERT_EQUAL(5, r.roundingBase);
    r = rulesFor(movements, std::nullopt);
    CPPUNIT_ASSERT_EQUAL(5, r.k);
    CPPUNIT_ASSERT_EQUAL(0, r.roundingBase);
  }

  void policySetsTheRulesAndNarrowsTheTables() {
    Policy policy;
    policy.k = 10;
    policy.roundingBase = 3;
    policy.municipalTables = {"attendance", "contingent"};
    policy.regionalTables = {"contingent"};
    auto r = rulesFor(*defaultCatalogue().find("movements"), policy);
    CPPUNIT_ASSERT_EQUAL(10, r.k);
    CPPUNIT_ASSERT_EQUAL(3, r.roundingBase);
    auto municipal = tablesForLevel(defaultCatalogue(), kMunicipal, policy);
    CPPUNIT_ASSERT_EQUAL(std::size_t{2}, municipal.size());
    CPPUNIT_ASSERT_EQUAL(std::string("contingent"), municipal[0].id);  // catalogue order
    CPPUNIT_ASSERT_EQUAL(std::string("attendance"), municipal[1].id);
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, tablesForLevel(defaultCatalogue(), kRegional, policy).size());
    // A table the catalogue keeps from a level stays kept, whatever the policy lists.
    Catalogue narrow = defaultCatalogue();
    narrow.tables[0].levels = kMunicipal;
    CPPUNIT_ASSERT(tablesForLevel(narrow, kRegional, policy).empty());
    // Without a policy: every table of the level.
    CPPUNIT_ASSERT_EQUAL(defaultCatalogue().tables.size(), schoolTables().size());
  }

  void periodNamesTheTablesOfItsKind() {
    auto day = releasesForPeriod(schoolTables(), "2026-12-10");
    CPPUNIT_ASSERT(day.ok());
    CPPUNIT_ASSERT(ids(*day) ==
                   (std::set<std::string>{"classes@2026-12-10", "contingent@2026-12-10", "staff@2026-12-10"}));
    auto month = releasesForPeriod(schoolTables(), "2026-11");
    CPPUNIT_ASSERT(month.ok());
    CPPUNIT_ASSERT(ids(*month).count("movements@2026-11"));
    for (const auto& d : *month) CPPUNIT_ASSERT(d.spec.periodKind == PeriodKind::month);
    auto finals = releasesForPeriod(schoolTables(), "2026-2027/0");
    CPPUNIT_ASSERT(finals.ok());
    CPPUNIT_ASSERT(ids(*finals).count("final_marks@2026-2027/0"));
    auto bad = releasesForPeriod(schoolTables(), "31.12.2026");
    CPPUNIT_ASSERT(!bad.ok());
    CPPUNIT_ASSERT(bad.error().code == core::ErrorCode::invalid_argument);
    CPPUNIT_ASSERT(bad.error().message.find("31.12.2026") != std::string::npos);
  }

  void dueOnADate() {
    // An ordinary day: the day tables only.
    auto mid = releasesDueOn(schoolTables(), "2026-12-10");
    CPPUNIT_ASSERT(mid.ok());
    for (const auto& d : *mid) CPPUNIT_ASSERT(d.spec.periodKind == PeriodKind::day && d.period == "2026-12-10");
    CPPUNIT_ASSERT(!mid->empty());
    // The first of a month: also last month's flows; in January, December's.
    auto january = releasesDueOn(schoolTables(), "2027-01-01");
    CPPUNIT_ASSERT(january.ok());
    CPPUNIT_ASSERT(ids(*january).count("movements@2026-12"));
    CPPUNIT_ASSERT(ids(*january).count("contingent@2027-01-01"));
    CPPUNIT_ASSERT(!releasesDueOn(schoolTables(), "2026-12-32").ok());
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ReleasePlanTest);

}  // namespace parta::federation
