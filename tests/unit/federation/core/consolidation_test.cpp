#include "federation/core/consolidation.hpp"

#include <cppunit/extensions/HelperMacros.h>

namespace parta::federation {

namespace {

PublishedCell exact(std::vector<std::string> key, std::int64_t n) { return {std::move(key), n, n, n, {}, {}}; }
PublishedCell suppressed(std::vector<std::string> key, std::int64_t low, std::int64_t high) {
  return {std::move(key), std::nullopt, low, high, {}, {}};
}
PublishedCell rate(std::vector<std::string> key, std::int64_t n, double num, double den) {
  return {std::move(key), n, n, n, num, den};
}

UnitTable school(std::string name, std::vector<PublishedCell> cells) {
  return {std::move(name), "contingent", "2026-11-23", {"grade", "sex"}, std::move(cells)};
}

const TotalCell& total(const Consolidation& c, const std::vector<std::string>& key) {
  for (const auto& t : c.totals)
    if (t.key == key) return t;
  throw std::runtime_error("no total for the key");
}

}  // namespace

class ConsolidationTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ConsolidationTest);
  CPPUNIT_TEST(exactCellsAddUp);
  CPPUNIT_TEST(suppressionLeavesAnInterval);
  CPPUNIT_TEST(measuresAreRecomputedFromTheirParts);
  CPPUNIT_TEST(regionConsolidatesMunicipalities);
  CPPUNIT_TEST(inconsistentInputIsRefusedNamingTheUnit);
  CPPUNIT_TEST(roundedCountMayLieOutsideItsNarrowedInterval);
  CPPUNIT_TEST(marginSumsOverTheOtherDimensions);
  CPPUNIT_TEST_SUITE_END();

 public:
  void exactCellsAddUp() {
    auto c = consolidate({school("Школа № 2", {exact({"5", "female"}, 40), exact({"5", "male"}, 38)}),
                          school("Лицей «Ёлочка»", {exact({"5", "female"}, 12), exact({"6", "male"}, 9)})});
    CPPUNIT_ASSERT(c.ok());
    CPPUNIT_ASSERT_EQUAL(std::size_t{3}, c->totals.size());
    // Ordered by key; a unit without a key contributes an exact zero.
    CPPUNIT_ASSERT(c->totals[0].key == (std::vector<std::string>{"5", "female"}));
    CPPUNIT_ASSERT_EQUAL(std::int64_t{52}, *total(*c, {"5", "female"}).count);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{38}, *total(*c, {"5", "male"}).count);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{9}, *total(*c, {"6", "male"}).count);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{99}, *c->grandCount);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{99}, c->grandLow);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{99}, c->grandHigh);
    // Per-unit rows are kept, in unit order.
    CPPUNIT_ASSERT_EQUAL(std::string("Лицей «Ёлочка»"), c->units[0].unit);
  }

  void suppressionLeavesAnInterval() {
    // School B suppressed (5, male): 1..4 by k = 5; its total is stated as
    // an interval, not as a number.
    auto c = consolidate({school("A", {exact({"5", "female"}, 40), exact({"5", "male"}, 38)}),
                          school("B", {exact({"5", "female"}, 12), suppressed({"5", "male"}, 1, 4)}),
                          school("C", {suppressed({"5", "male"}, 0, 9)})});
    CPPUNIT_ASSERT(c.ok());
    const auto& male = total(*c, {"5", "male"});
    CPPUNIT_ASSERT(!male.count);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{39}, male.low);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{51}, male.high);
    CPPUNIT_ASSERT_EQUAL(2, male.suppressedUnits);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{52}, *total(*c, {"5", "female"}).count);
    CPPUNIT_ASSERT(!c->grandCount);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{91}, c->grandLow);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{103}, c->grandHigh);
    // A rounded cell (base 5) is a published count with its interval.
    auto r = consolidate(
        {school("A", {{{"5", "female"}, 40, 38, 42, {}, {}}}), school("B", {{{"5", "female"}, 10, 8, 12, {}, {}}})});
    CPPUNIT_ASSERT(r.ok());
    CPPUNIT_ASSERT_EQUAL(std::int64_t{50}, *r->totals[0].count);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{46}, r->totals[0].low);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{54}, r->totals[0].high);
  }

  void measuresAreRecomputedFromTheirParts() {
    // 90 % of 1000 student-lessons and 50 % of 10: the total is 905/1010,
    // not the mean of 90 % and 50 %.
    auto a = UnitTable{"A", "attendance", "2026-11", {"grade"}, {rate({"5"}, 1000, 900, 1000)}};
    auto b = UnitTable{"B", "attendance", "2026-11", {"grade"}, {rate({"5"}, 10, 5, 10)}};
    auto c = consolidate({a, b});
    CPPUNIT_ASSERT(c.ok());
    CPPUNIT_ASSERT(c->totals[0].measureComplete);
    CPPUNIT_ASSERT_DOUBLES_EQUAL(905.0 / 1010.0, *c->totals[0].measure(), 1e-12);
    // A unit whose measure was suppressed leaves the total's measure partial.
    b.cells[0].numerator.reset();
    b.cells[0].denominator.reset();
    c = consolidate({a, b});
    CPPUNIT_ASSERT(c.ok());
    CPPUNIT_ASSERT(!c->totals[0].measureComplete);
    CPPUNIT_ASSERT_EQUAL(1, c->totals[0].measureUnits);
    CPPUNIT_ASSERT_DOUBLES_EQUAL(0.9, *c->totals[0].measure(), 1e-12);
    // Upward, a partial measure does not travel.
    auto up = asUnitTable(*c, "Приволжский район");
    CPPUNIT_ASSERT(!up.cells[0].numerator);
  }

  void regionConsolidatesMunicipalities() {
    auto north = consolidate({school("A", {exact({"5", "female"}, 40), suppressed({"5", "male"}, 1, 4)}),
                              school("B", {exact({"5", "female"}, 12), exact({"5", "male"}, 30)})});
    auto south = consolidate({school("C", {exact({"5", "female"}, 7), exact({"5", "male"}, 8)})});
    CPPUNIT_ASSERT(north.ok() && south.ok());
    auto region = consolidate({asUnitTable(*north, "Северный район"), asUnitTable(*south, "Южный район")});
    CPPUNIT_ASSERT(region.ok());
    CPPUNIT_ASSERT_EQUAL(std::int64_t{59}, *total(*region, {"5", "female"}).count);
    const auto& male = total(*region, {"5", "male"});
    CPPUNIT_ASSERT(!male.count);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{39}, male.low);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{42}, male.high);
    CPPUNIT_ASSERT_EQUAL(std::size_t{2}, region->units.size());
    CPPUNIT_ASSERT_EQUAL(std::string("Северный район"), region->units[0].unit);
  }

  void inconsistentInputIsRefusedNamingTheUnit() {
    const auto refused = [](std::vector<UnitTable> units, const std::string& expected) {
      auto r = consolidate(std::move(units));
      CPPUNIT_ASSERT(!r.ok());
      CPPUNIT_ASSERT_MESSAGE(r.error().message, r.error().message.find(expected) != std::string::npos);
    };
    refused({school("A", {}), school("A", {})}, "unit A: appears twice");
    auto other = school("B", {});
    other.period = "2026-11-30";
    refused({school("A", {}), other}, "unit B: is table contingent 2026-11-30");
    other = school("B", {});
    other.dimensions = {"grade"};
    refused({school("A", {}), other}, "unit B: has other dimensions");
    refused({school("Ёлкино", {exact({"5"}, 1)})}, "unit Ёлкино: key (5) has the wrong number");
    refused({school("A", {exact({"5", "male"}, 1), exact({"5", "male"}, 2)})}, "key (5, male) repeats");
    refused({school("A", {suppressed({"5", "male"}, 4, 1)})}, "bounds inverted");
  }

  void roundedCountMayLieOutsideItsNarrowedInterval() {
    // Base 5: published 45 while the release's margins put the true count
    // in [46, 47] (the demo's contingent had such a cell). The total keeps
    // the published sum and the summed interval.
    auto r = consolidate(
        {school("A", {{{"10", "female"}, 45, 46, 47, {}, {}}}), school("B", {{{"10", "female"}, 20, 18, 22, {}, {}}})});
    CPPUNIT_ASSERT_MESSAGE(r ? "" : r.error().message, r.ok());
    CPPUNIT_ASSERT_EQUAL(std::int64_t{64}, r->totals[0].low);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{69}, r->totals[0].high);
  }

  void marginSumsOverTheOtherDimensions() {
    auto a = school("A", {exact({"5", "female"}, 40), suppressed({"5", "male"}, 1, 4), exact({"6", "male"}, 30)});
    auto byGrade = marginal(a, {"grade"});
    CPPUNIT_ASSERT(byGrade.ok());
    CPPUNIT_ASSERT(byGrade->dimensions == std::vector<std::string>{"grade"});
    CPPUNIT_ASSERT_EQUAL(std::size_t{2}, byGrade->cells.size());
    // Grade 5 holds a suppressed cell: an interval, no count.
    CPPUNIT_ASSERT(!byGrade->cells[0].count);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{41}, byGrade->cells[0].low);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{44}, byGrade->cells[0].high);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{30}, *byGrade->cells[1].count);
    auto bySex = marginal(a, {"sex"});
    CPPUNIT_ASSERT(bySex.ok());
    CPPUNIT_ASSERT_EQUAL(std::int64_t{40}, *bySex->cells[0].count);  // female
    CPPUNIT_ASSERT(!marginal(a, {"age_band"}).ok());
    // Margins of several schools consolidate like any table.
    auto b = school("B", {exact({"5", "female"}, 12), exact({"5", "male"}, 9)});
    auto c = consolidate({*byGrade, *marginal(b, {"grade"})});
    CPPUNIT_ASSERT(c.ok());
    CPPUNIT_ASSERT_EQUAL(std::int64_t{62}, total(*c, {"5"}).low);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{65}, total(*c, {"5"}).high);
    // A measure's parts add up when every cell published them.
    UnitTable rates{"A",
                    "attendance",
                    "2026-11",
                    {"grade", "month"},
                    {rate({"5", "11"}, 100, 90, 100), rate({"5", "12"}, 50, 40, 50)}};
    auto m = marginal(rates, {"grade"});
    CPPUNIT_ASSERT(m.ok());
    CPPUNIT_ASSERT_DOUBLES_EQUAL(130.0, *m->cells[0].numerator, 1e-12);
    CPPUNIT_ASSERT_DOUBLES_EQUAL(150.0, *m->cells[0].denominator, 1e-12);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ConsolidationTest);

}  // namespace parta::federation
