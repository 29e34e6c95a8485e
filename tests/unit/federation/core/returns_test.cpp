#include "federation/core/returns.hpp"

#include <cppunit/extensions/HelperMacros.h>

#include "tests/support/time_zone.hpp"

namespace parta::federation {

namespace {

core::TimePoint at(int y, unsigned m, unsigned d, int hh, int mm, int ss) {
  const std::chrono::sys_days day{std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d}};
  return core::TimePoint{std::chrono::duration_cast<core::Clock::duration>(
      day.time_since_epoch() + std::chrono::hours{hh} + std::chrono::minutes{mm} + std::chrono::seconds{ss})};
}

StoredCell stored(std::string key, std::optional<std::int64_t> count, std::optional<std::int64_t> low,
                  std::optional<std::int64_t> high, std::optional<double> ratio = std::nullopt) {
  return {std::move(key), count, low, high, ratio, std::nullopt};
}

const ReportTotal total(const Consolidation& c, const std::vector<std::string>& key) {
  for (const auto& t : c.totals)
    if (t.key == key) return reportTotal(t);
  throw std::runtime_error("no total for the key");
}

}  // namespace

class ReturnsTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ReturnsTest);
  CPPUNIT_TEST(dueDatesByPeriodKind);
  CPPUNIT_TEST(statusesAgainstTheDueTime);
  CPPUNIT_TEST(approvalIsReopenedByANewerRevision);
  CPPUNIT_TEST(storedCellsBecomeUnitsWithWeightedMeasures);
  CPPUNIT_TEST(unboundedStaysUnboundedInTotals);
  CPPUNIT_TEST(forwardedConsolidationIsACanonicalRelease);
  CPPUNIT_TEST_SUITE_END();

 public:
  void dueDatesByPeriodKind() {
    test::ScopedTimeZone utc("UTC0");
    auto day = returnDueAt(PeriodKind::day, "2026-11-23");
    CPPUNIT_ASSERT(day.ok() && day->has_value());
    CPPUNIT_ASSERT(**day == at(2026, 11, 24, 23, 59, 59));
    // Month end rolls over the year: December's return is due on 5 January.
    auto month = returnDueAt(PeriodKind::month, "2026-12");
    CPPUNIT_ASSERT(month.ok() && month->has_value());
    CPPUNIT_ASSERT(**month == at(2027, 1, 5, 23, 59, 59));
    auto feb = returnDueAt(PeriodKind::month, "2028-02");
    CPPUNIT_ASSERT(**feb == at(2028, 3, 5, 23, 59, 59));
    // The hub cannot know when a school's study period ends.
    auto term = returnDueAt(PeriodKind::study_period, "2026-2027/1");
    CPPUNIT_ASSERT(term.ok() && !term->has_value());
    auto year = returnDueAt(PeriodKind::year, "2026-2027");
    CPPUNIT_ASSERT(year.ok() && !year->has_value());
    auto wrong = returnDueAt(PeriodKind::day, "2026-11");
    CPPUNIT_ASSERT(!wrong.ok());
    CPPUNIT_ASSERT(wrong.error().message.find("2026-11") != std::string::npos);
    // The end of the day is the hub's own: ten hours east, 13:59:59 UTC.
    test::ScopedTimeZone::set("<+10>-10");
    CPPUNIT_ASSERT(**returnDueAt(PeriodKind::day, "2026-11-23") == at(2026, 11, 24, 13, 59, 59));
  }

  void statusesAgainstTheDueTime() {
    const auto due = at(2026, 11, 24, 23, 59, 59);
    CPPUNIT_ASSERT(returnStatus(due, at(2026, 11, 24, 8, 0, 0), at(2026, 12, 1, 0, 0, 0)) == ReturnStatus::received);
    CPPUNIT_ASSERT(returnStatus(due, due, at(2026, 12, 1, 0, 0, 0)) == ReturnStatus::received);
    CPPUNIT_ASSERT(returnStatus(due, at(2026, 11, 25, 0, 0, 0), at(2026, 12, 1, 0, 0, 0)) == ReturnStatus::late);
    CPPUNIT_ASSERT(returnStatus(due, std::nullopt, at(2026, 11, 25, 0, 0, 0)) == ReturnStatus::missing);
    CPPUNIT_ASSERT(returnStatus(due, std::nullopt, at(2026, 11, 24, 12, 0, 0)) == ReturnStatus::pending);
    // No due time: pending until it arrives, never missing or late.
    CPPUNIT_ASSERT(returnStatus(std::nullopt, std::nullopt, at(2030, 1, 1, 0, 0, 0)) == ReturnStatus::pending);
    CPPUNIT_ASSERT(returnStatus(std::nullopt, at(2030, 1, 1, 0, 0, 0), at(2030, 1, 2, 0, 0, 0)) ==
                   ReturnStatus::received);
    CPPUNIT_ASSERT_EQUAL(std::string("late"), std::string(toString(ReturnStatus::late)));
  }

  void approvalIsReopenedByANewerRevision() {
    CPPUNIT_ASSERT(!approvalState(std::nullopt, std::nullopt));
    CPPUNIT_ASSERT(approvalState(1u, std::nullopt) == ApprovalState::open);
    CPPUNIT_ASSERT(approvalState(2u, 2u) == ApprovalState::approved);
    CPPUNIT_ASSERT(approvalState(3u, 2u) == ApprovalState::reopened);
    CPPUNIT_ASSERT_EQUAL(std::string("reopened"), std::string(toString(ApprovalState::reopened)));
  }

  void storedCellsBecomeUnitsWithWeightedMeasures() {
    const auto& spec = *defaultCatalogue().find("attendance");
    // Школа № 1: grade 5, 400 seats at 0.9; grade 6, 100 seats at 0.8.
    auto a = unitTableFromStored("Школа № 1", spec, "2026-11",
                                 {stored("5", 400, 400, 400, 0.9), stored("6", 100, 100, 100, 0.8)});
    // Лицей: grade 5, 100 seats at 0.5; grade 6 withheld its rate; grade 7 nobody.
    auto b = unitTableFromStored("Лицей «Ёлочка»", spec, "2026-11",
                                 {stored("5", 100, 100, 100, 0.5), stored("6", 60, 60, 60), stored("7", 0, 0, 0)});
    CPPUNIT_ASSERT(a.ok() && b.ok());
    CPPUNIT_ASSERT(a->dimensions == (std::vector<std::string>{"grade"}));
    auto c = consolidate({*a, *b});
    CPPUNIT_ASSERT(c.ok());
    const auto five = total(*c, {"5"});
    CPPUNIT_ASSERT_EQUAL(std::int64_t{500}, *five.count);
    CPPUNIT_ASSERT(five.exact);
    // (0.9 × 400 + 0.5 × 100) / 500, not the mean of 0.9 and 0.5.
    CPPUNIT_ASSERT_DOUBLES_EQUAL(0.82, *five.measure, 1e-9);
    // A withheld rate leaves the total's rate unknown, the count exact.
    const auto six = total(*c, {"6"});
    CPPUNIT_ASSERT_EQUAL(std::int64_t{160}, *six.count);
    CPPUNIT_ASSERT(!six.measure);
    // Nobody: zero, and no measure (0/0), without making anything incomplete.
    const auto seven = total(*c, {"7"});
    CPPUNIT_ASSERT_EQUAL(std::int64_t{0}, *seven.count);
    CPPUNIT_ASSERT(!seven.measure);
    // A key with the wrong number of values is refused, naming it.
    auto bad = unitTableFromStored("Школа № 1", spec, "2026-11", {stored("5|female", 1, 1, 1)});
    CPPUNIT_ASSERT(!bad.ok());
    CPPUNIT_ASSERT(bad.error().message.find("5|female") != std::string::npos);
  }

  void unboundedStaysUnboundedInTotals() {
    const auto& spec = *defaultCatalogue().find("contingent");
    auto a = unitTableFromStored("Школа № 1", spec, "2026-11-23",
                                 {stored("5|female|11_14", 25, 23, 27), stored("5|male|11_14", std::nullopt, 1, 4)});
    auto b = unitTableFromStored("Школа № 2", spec, "2026-11-23",
                                 {stored("5|female|11_14", 10, 10, 10), stored("5|male|11_14", std::nullopt, 0, {})});
    auto c = consolidate({*a, *b});
    CPPUNIT_ASSERT(c.ok());
    const auto female = total(*c, {"5", "female", "11_14"});
    // Rounded counts add up, their intervals too: not exact.
    CPPUNIT_ASSERT_EQUAL(std::int64_t{35}, *female.count);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{33}, female.low);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{37}, *female.high);
    CPPUNIT_ASSERT(!female.exact);
    const auto male = total(*c, {"5", "male", "11_14"});
    CPPUNIT_ASSERT(!male.count);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, male.low);
    CPPUNIT_ASSERT(!male.high);
  }

  void forwardedConsolidationIsACanonicalRelease() {
    const auto& spec = *defaultCatalogue().find("attendance");
    auto a = unitTableFromStored("school-1", spec, "2026-11",
                                 {stored("5", 400, 400, 400, 0.9), stored("6", std::nullopt, 1, 4)});
    auto b = unitTableFromStored("school-2", spec, "2026-11", {stored("5", 100, 100, 100, 0.5)});
    auto c = consolidate({*a, *b});
    CPPUNIT_ASSERT(c.ok());
    const auto release = consolidationRelease(*c, spec);
    const auto text = encodeRelease(release);
    auto back = decodeRelease(text);
    CPPUNIT_ASSERT_MESSAGE(back ? "" : back.error().message, back.ok());
    CPPUNIT_ASSERT(*back == release);
    CPPUNIT_ASSERT_EQUAL(std::string("attendance"), back->id);
    CPPUNIT_ASSERT_EQUAL(std::size_t{2}, back->cells.size());
    CPPUNIT_ASSERT_EQUAL(std::int64_t{500}, *back->cells[0].count);
    CPPUNIT_ASSERT_DOUBLES_EQUAL(0.82, *back->cells[0].measure, 1e-9);
    CPPUNIT_ASSERT(!back->cells[1].count);
    CPPUNIT_ASSERT(back->cells[1].why == Suppression::complementary);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{1}, back->cells[1].bounds.low);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{4}, *back->cells[1].bounds.high);
    // The grand total: 500 + [1, 4].
    const auto& grand = back->margins.back();
    CPPUNIT_ASSERT(!grand.dimension && !grand.count);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{501}, grand.bounds.low);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{504}, *grand.bounds.high);
    // The region reads it back as one unit whose totals are the municipality's.
    std::vector<StoredCell> cells;
    for (const auto& x : back->cells)
      cells.push_back(StoredCell{x.key[0], x.count, x.bounds.low, x.bounds.high, x.measure, std::nullopt});
    auto unit = unitTableFromStored("mun-1", spec, "2026-11", cells);
    auto region = consolidate({*unit});
    CPPUNIT_ASSERT(region.ok());
    CPPUNIT_ASSERT_EQUAL(std::int64_t{500}, *total(*region, {"5"}).count);
    CPPUNIT_ASSERT_DOUBLES_EQUAL(0.82, *total(*region, {"5"}).measure, 1e-9);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ReturnsTest);

}  // namespace parta::federation
