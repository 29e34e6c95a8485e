#include "federation/core/disclosure.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <random>

#include <cppunit/extensions/HelperMacros.h>

#include "federation/core/lp.hpp"

namespace parta::federation {

namespace {

using Counts = std::vector<std::pair<std::vector<std::string>, std::int64_t>>;

Table makeTable(std::string id, std::string period, std::vector<std::string> dimensions, const Counts& counts) {
  Table t;
  t.id = std::move(id);
  t.period = std::move(period);
  t.dimensions = std::move(dimensions);
  t.unit = "students";
  for (const auto& [key, n] : counts) t.cells.push_back(Cell{key, n, n, std::nullopt, std::nullopt});
  return t;
}

std::int64_t trueMargin(const Table& t, const ReleasedMargin& m) {
  std::int64_t sum = 0;
  for (const auto& c : t.cells)
    if (!m.dimension || c.key[*m.dimension] == m.value) sum += c.count;
  return sum;
}

std::int64_t trueCell(const Table& t, const std::vector<std::string>& key) {
  for (const auto& c : t.cells)
    if (c.key == key) return c.count;
  return 0;
}

// The attacker, written apart from the auditor: one LP over every fact of the
// given releases (published cells as values or rounding intervals, published
// margins as sums), stock tables of the same period and unit linked by equal totals
// on each combination of the dimensions they share.
class Attacker {
 public:
  explicit Attacker(std::vector<const ReleasedTable*> tables) : tables_(std::move(tables)) {
    for (const auto* t : tables_) {
      base_.push_back(system_.lower.size());
      for (const auto& c : t->cells) {
        if (c.count) {
          auto b = publishedBounds(*c.count, t->roundingBase);
          system_.addVariable(static_cast<double>(b.low), static_cast<double>(*b.high));
        } else {
          system_.addVariable();
        }
      }
      for (std::size_t m = 0; m < t->margins.size(); ++m) {
        if (!t->margins[m].count) continue;
        auto b = publishedBounds(*t->margins[m].count, t->roundingBase);
        system_.facts.push_back(
            LinearFact{terms(base_.size() - 1, false, m), static_cast<double>(b.low), static_cast<double>(*b.high)});
      }
    }
    for (std::size_t a = 0; a < tables_.size(); ++a) {
      for (std::size_t b = a + 1; b < tables_.size(); ++b) {
        const auto& ta = *tables_[a];
        const auto& tb = *tables_[b];
        if (ta.period != tb.period || ta.unit != tb.unit || ta.series != Series::stock || tb.series != Series::stock)
          continue;
        std::vector<std::pair<std::size_t, std::size_t>> shared;
        for (std::size_t i = 0; i < ta.dimensions.size(); ++i)
          for (std::size_t j = 0; j < tb.dimensions.size(); ++j)
            if (ta.dimensions[i] == tb.dimensions[j]) shared.emplace_back(i, j);
        if (shared.empty()) continue;
        std::map<std::vector<std::string>, LinearFact> links;
        for (std::size_t c = 0; c < ta.cells.size(); ++c) {
          std::vector<std::string> p;
          for (auto [i, j] : shared) p.push_back(ta.cells[c].key[i]);
          links[p].terms.emplace_back(base_[a] + c, 1.0);
        }
        for (std::size_t c = 0; c < tb.cells.size(); ++c) {
          std::vector<std::string> p;
          for (auto [i, j] : shared) p.push_back(tb.cells[c].key[j]);
          links[p].terms.emplace_back(base_[b] + c, -1.0);
        }
        for (auto& [p, fact] : links) {
          fact.lower = fact.upper = 0;
          system_.facts.push_back(fact);
        }
      }
    }
    bounds_ = std::make_unique<LinearBounds>(system_);
    CPPUNIT_ASSERT(bounds_->feasible());
  }

  Bounds cell(std::size_t table, std::size_t c) const { return of(bounds_->range(terms(table, true, c))); }
  Bounds margin(std::size_t table, std::size_t m) const { return of(bounds_->range(terms(table, false, m))); }

 private:
  static Bounds of(const IntegerRange& r) { return Bounds{r.low, r.high}; }
  std::vector<std::pair<std::size_t, double>> terms(std::size_t table, bool cell, std::size_t index) const {
    const auto& t = *tables_[table];
    if (cell) return {{base_[table] + index, 1.0}};
    std::vector<std::pair<std::size_t, double>> out;
    const auto& m = t.margins[index];
    for (std::size_t c = 0; c < t.cells.size(); ++c)
      if (!m.dimension || t.cells[c].key[*m.dimension] == m.value) out.emplace_back(base_[table] + c, 1.0);
    return out;
  }

  std::vector<const ReleasedTable*> tables_;
  std::vector<std::size_t> base_;
  LinearSystem system_;
  std::unique_ptr<LinearBounds> bounds_;
};

bool sameMargin(const ReleasedTable& a, const ReleasedMargin& ma, const ReleasedTable& b, const ReleasedMargin& mb) {
  if (!ma.dimension || !mb.dimension) return !ma.dimension && !mb.dimension;
  return a.dimensions[*ma.dimension] == b.dimensions[*mb.dimension] && ma.value == mb.value;
}

// A small group is revealed when its range lies inside [1, k-1] or is a point.
bool reveals(const Bounds& b, int k) { return b.high && ((b.low >= 1 && *b.high <= k - 1) || *b.high - b.low < 1); }

// The change between two ranges reveals movers when it lies inside [1, k-1] or [-(k-1), -1].
bool changeReveals(const Bounds& now, const Bounds& then, int k) {
  if (!now.high || !then.high) return false;
  const std::int64_t low = now.low - *then.high, high = *now.high - then.low;
  return (low >= 1 && high <= k - 1) || (low >= -(k - 1) && high <= -1);
}

std::string show(const Bounds& b) {
  return "[" + std::to_string(b.low) + ", " + (b.high ? std::to_string(*b.high) : "inf") + "]";
}

const ReleasedCell& cellOf(const ReleasedTable& r, const std::vector<std::string>& key) {
  for (const auto& c : r.cells)
    if (c.key == key) return c;
  CPPUNIT_FAIL("no such cell");
  return r.cells.front();
}

const ReleasedMargin& marginOf(const ReleasedTable& r, std::optional<std::size_t> dimension, const std::string& value) {
  for (const auto& m : r.margins)
    if (m.dimension == dimension && m.value == value) return m;
  CPPUNIT_FAIL("no such margin");
  return r.margins.front();
}

// Checks a release against its true table: published counts are true, every
// stated interval holds the truth and equals what the attacker derives from
// the release alone, and no small group is narrowed into [1, k-1].
void checkHonestAndSafe(const Table& truth, const ReleasedTable& r) {
  Attacker attacker({&r});
  for (std::size_t c = 0; c < r.cells.size(); ++c) {
    const auto& cell = r.cells[c];
    const auto value = trueCell(truth, cell.key);
    if (cell.count && r.roundingBase <= 1) CPPUNIT_ASSERT_EQUAL(value, *cell.count);
    CPPUNIT_ASSERT(cell.bounds == attacker.cell(0, c));
    CPPUNIT_ASSERT(cell.bounds.low <= value && (!cell.bounds.high || value <= *cell.bounds.high));
    if (value >= 1 && value < r.k)
      CPPUNIT_ASSERT_MESSAGE(describeCell(r, c) + " " + show(cell.bounds), !reveals(cell.bounds, r.k));
  }
  for (std::size_t m = 0; m < r.margins.size(); ++m) {
    const auto& margin = r.margins[m];
    const auto value = trueMargin(truth, margin);
    CPPUNIT_ASSERT(margin.bounds == attacker.margin(0, m));
    CPPUNIT_ASSERT(margin.bounds.low <= value && (!margin.bounds.high || value <= *margin.bounds.high));
    if (value >= 1 && value < r.k)
      CPPUNIT_ASSERT_MESSAGE(describeMargin(r, m) + " " + show(margin.bounds), !reveals(margin.bounds, r.k));
  }
}

Counts gradeBySex(const std::vector<std::pair<std::string, std::pair<int, int>>>& rows) {
  Counts out;
  for (const auto& [grade, girlsBoys] : rows) {
    out.push_back({{grade, "Ж"}, girlsBoys.first});
    out.push_back({{grade, "М"}, girlsBoys.second});
  }
  return out;
}

}  // namespace

class DisclosureTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(DisclosureTest);
  CPPUNIT_TEST(suppressesSmallCellsAndEnoughComplementsInAGradeBySexTable);
  CPPUNIT_TEST(publishesZeroAndEverythingWhenNoGroupIsSmall);
  CPPUNIT_TEST(twoSuppressedPerLineIsNotEnoughTheLpDecides);
  CPPUNIT_TEST(withholdsMeansOfSmallGroups);
  CPPUNIT_TEST(roundsHalfUpAndStatesTheIntervals);
  CPPUNIT_TEST(theLedgerStopsTheDifferencingAttack);
  CPPUNIT_TEST(linkedTablesOfOnePeriodAreProtectedTogether);
  CPPUNIT_TEST(aLaterTableOfTheDayCannotRevealAWithheldChange);
  CPPUNIT_TEST(aSimulatedSchoolYearLeaksNoProtectedCell);
  CPPUNIT_TEST(aRoundedSimulatedSchoolYearLeaksNoProtectedCell);
  CPPUNIT_TEST(handlesEmptyAndOneDimensionalTables);
  CPPUNIT_TEST(rejectsInvalidRulesAndTables);
  CPPUNIT_TEST_SUITE_END();

 public:
  void suppressesSmallCellsAndEnoughComplementsInAGradeBySexTable() {
    auto t = makeTable("contingent", "2026-11-23", {"grade", "sex"},
                       gradeBySex({{"5", {3, 27}}, {"6", {30, 28}}, {"7", {25, 2}}, {"8", {31, 29}}, {"9", {22, 24}}}));
    auto r = protect(t, DisclosureRules{}, {});
    CPPUNIT_ASSERT(r.ok());
    CPPUNIT_ASSERT(cellOf(*r, {"5", "Ж"}).why == Suppression::primary);
    CPPUNIT_ASSERT(!cellOf(*r, {"5", "Ж"}).count);
    CPPUNIT_ASSERT(cellOf(*r, {"7", "М"}).why == Suppression::primary);
    std::size_t complementary = 0;
    for (const auto& c : r->cells) complementary += c.why == Suppression::complementary ? 1 : 0;
    CPPUNIT_ASSERT(complementary >= 2);
    // Every line holding a suppressed cell holds another (or its total is hidden).
    for (const auto& grade : {"5", "6", "7", "8", "9"}) {
      int hidden = 0;
      for (const auto& sex : {"Ж", "М"}) hidden += cellOf(*r, {grade, sex}).count ? 0 : 1;
      CPPUNIT_ASSERT(hidden != 1 || !marginOf(*r, 0, grade).count);
    }
    checkHonestAndSafe(t, *r);
    CPPUNIT_ASSERT(audit(*r, {}).empty());
  }

  void publishesZeroAndEverythingWhenNoGroupIsSmall() {
    auto t = makeTable("contingent", "2026-11-23", {"grade", "sex"}, gradeBySex({{"10", {0, 27}}, {"11", {30, 28}}}));
    auto r = protect(t, DisclosureRules{}, {});
    CPPUNIT_ASSERT(r.ok());
    for (const auto& c : r->cells) CPPUNIT_ASSERT(c.why == Suppression::none);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{0}, *cellOf(*r, {"10", "Ж"}).count);
    CPPUNIT_ASSERT(cellOf(*r, {"10", "Ж"}).bounds == (Bounds{0, 0}));
    CPPUNIT_ASSERT_EQUAL(std::int64_t{85}, *r->margins.back().count);
    checkHonestAndSafe(t, *r);
  }

  void twoSuppressedPerLineIsNotEnoughTheLpDecides() {
    // AX = 3 hidden with AY, BX, BY: two per line, yet column Y adds up to 0,
    // so AY = BY = 0 and AX = 33 - 30 - 0 = 3 exactly.
    auto t = makeTable(
        "t", "2026-11", {"row", "col"},
        {{{"A", "X"}, 3}, {{"A", "Y"}, 0}, {{"A", "Z"}, 30}, {{"B", "X"}, 40}, {{"B", "Y"}, 0}, {{"B", "Z"}, 30}});
    auto naive = protect(t, DisclosureRules{}, {});
    CPPUNIT_ASSERT(naive.ok());
    for (auto key : {std::vector<std::string>{"A", "Y"}, {"B", "X"}, {"B", "Y"}}) {
      auto& c = naive->cells[static_cast<std::size_t>(&cellOf(*naive, key) - naive->cells.data())];
      c.count.reset();
      c.why = Suppression::complementary;
    }
    for (auto key : {std::vector<std::string>{"A", "Z"}, {"B", "Z"}}) {
      auto& c = naive->cells[static_cast<std::size_t>(&cellOf(*naive, key) - naive->cells.data())];
      c.count = 30;
      c.why = Suppression::none;
    }
    for (auto& m : naive->margins) {
      m.count = trueMargin(t, m);
      m.why = Suppression::none;
    }
    auto findings = audit(*naive, {});
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, findings.size());
    CPPUNIT_ASSERT(findings[0].attack == Attack::within_table);
    CPPUNIT_ASSERT_EQUAL(std::string("cell (A, X)"), findings[0].target);
    CPPUNIT_ASSERT(findings[0].derived == (Bounds{3, 3}));

    auto r = protect(t, DisclosureRules{}, {});
    CPPUNIT_ASSERT(r.ok());
    checkHonestAndSafe(t, *r);
  }

  void withholdsMeansOfSmallGroups() {
    // Mean mark by subject and grade: count is marks, persons are students.
    Table t;
    t.id = "marks_mean";
    t.period = "2026-2027/1";
    t.dimensions = {"subject", "grade"};
    t.unit = "marks";
    t.cells = {Cell{{"алгебра", "7"}, 24, 240, 1032.0, 240.0}, Cell{{"алгебра", "8"}, 4, 40, 180.0, 40.0},
               Cell{{"алгебра", "9"}, 21, 84, 300.0, 84.0},    Cell{{"физика", "7"}, 23, 115, 471.0, 115.0},
               Cell{{"физика", "8"}, 0, 0, 0.0, 0.0},          Cell{{"физика", "9"}, 21, 84, 350.0, 84.0},
               Cell{{"химия", "7"}, 22, 88, 330.0, 88.0},      Cell{{"химия", "9"}, 20, 80, 322.0, 80.0}};
    auto r = protect(t, DisclosureRules{}, {});
    CPPUNIT_ASSERT(r.ok());
    const auto& small = cellOf(*r, {"алгебра", "8"});
    CPPUNIT_ASSERT(small.why == Suppression::primary);  // 4 students behind 40 marks
    CPPUNIT_ASSERT(!small.count && !small.measure);
    const auto& empty = cellOf(*r, {"физика", "8"});
    CPPUNIT_ASSERT(!empty.measure);
    CPPUNIT_ASSERT(empty.why != Suppression::none);
    // Grade 8 holds at most 4 distinct students (a lower bound is what counts), not 40 marks' worth.
    CPPUNIT_ASSERT(marginOf(*r, 1, "8").why == Suppression::primary);
    std::size_t measures = 0;
    for (std::size_t c = 0; c < r->cells.size(); ++c) {
      const auto& cell = r->cells[c];
      if (cell.why != Suppression::none) {
        CPPUNIT_ASSERT_MESSAGE(describeCell(*r, c), !cell.measure);
        continue;
      }
      const auto& source =
          *std::find_if(t.cells.begin(), t.cells.end(), [&](const Cell& x) { return x.key == cell.key; });
      CPPUNIT_ASSERT(cell.measure);
      CPPUNIT_ASSERT_DOUBLES_EQUAL(std::round(*source.numerator / *source.denominator * 1e4) / 1e4, *cell.measure,
                                   1e-12);
      ++measures;
    }
    CPPUNIT_ASSERT(measures >= 2);
    CPPUNIT_ASSERT_DOUBLES_EQUAL(4.1667, *cellOf(*r, {"физика", "9"}).measure, 1e-12);  // 350 / 84, four decimals
  }

  void roundsHalfUpAndStatesTheIntervals() {
    CPPUNIT_ASSERT_EQUAL(std::int64_t{5}, roundCount(7, 5));
    CPPUNIT_ASSERT_EQUAL(std::int64_t{10}, roundCount(8, 5));
    CPPUNIT_ASSERT_EQUAL(std::int64_t{20}, roundCount(15, 10));
    CPPUNIT_ASSERT_EQUAL(std::int64_t{13}, roundCount(13, 0));
    CPPUNIT_ASSERT(publishedBounds(10, 5) == (Bounds{8, 12}));
    CPPUNIT_ASSERT(publishedBounds(20, 10) == (Bounds{15, 24}));
    CPPUNIT_ASSERT(publishedBounds(0, 5) == (Bounds{0, 2}));

    auto t = makeTable("contingent", "2026-11-23", {"grade", "sex"},
                       gradeBySex({{"5", {3, 27}}, {"6", {33, 28}}, {"7", {26, 21}}, {"8", {31, 29}}}));
    auto r = protect(t, DisclosureRules{5, 5}, {});
    CPPUNIT_ASSERT(r.ok());
    CPPUNIT_ASSERT_EQUAL(5, r->roundingBase);
    CPPUNIT_ASSERT(!cellOf(*r, {"5", "Ж"}).count);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{35}, *cellOf(*r, {"6", "Ж"}).count);  // 33 -> 35
    CPPUNIT_ASSERT_EQUAL(std::int64_t{25}, *cellOf(*r, {"7", "Ж"}).count);  // 26 -> 25
    for (const auto& c : r->cells)
      if (c.count) CPPUNIT_ASSERT_EQUAL(std::int64_t{0}, *c.count % 5);
    // Margins are rounded from their own true totals (198 -> 200), not summed from rounded cells.
    CPPUNIT_ASSERT_EQUAL(std::int64_t{200}, *r->margins.back().count);
    // The stated interval of the grand total is no wider than its rounding interval and holds the truth.
    const auto& total = r->margins.back().bounds;
    CPPUNIT_ASSERT(total.low >= 198 - 2 && *total.high <= 202 && total.low <= 198 && 198 <= *total.high);
    checkHonestAndSafe(t, *r);
  }

  void theLedgerStopsTheDifferencingAttack() {
    const DisclosureRules rules;
    auto week1 = makeTable("contingent", "2026-11-16", {"grade", "sex"},
                           gradeBySex({{"5", {52, 48}}, {"6", {45, 50}}, {"7", {47, 51}}}));
    auto week2 = makeTable("contingent", "2026-11-23", {"grade", "sex"},
                           gradeBySex({{"5", {53, 48}}, {"6", {45, 50}}, {"7", {47, 51}}}));
    auto arrivals = makeTable("arrivals", "2026-11", {"month", "reason"},
                              {{{"2026-11", "перевод из другой школы"}, 1},
                               {{"2026-11", "переезд"}, 6},
                               {{"2026-11", "возвращение из-за рубежа"}, 0}});
    std::vector<ReleasedTable> ledger;
    ledger.push_back(*protect(week1, rules, ledger));
    ledger.push_back(*protect(arrivals, rules, ledger, Series::flow));
    // The arrivals table hides its single transfer: the attacker cannot tell 0 from 1.
    const auto& transfer = cellOf(ledger[1], {"2026-11", "перевод из другой школы"});
    CPPUNIT_ASSERT(transfer.why == Suppression::primary);
    CPPUNIT_ASSERT(!reveals(Attacker({&ledger[1]}).cell(0, 0), rules.k));

    // Without the ledger week 2 publishes 53, and 53 - 52 = 1: one 5th-grade
    // girl arrived, the group the arrivals table suppressed.
    auto naive = protect(week2, rules, {});
    CPPUNIT_ASSERT(naive.ok());
    const auto& girls = cellOf(*naive, {"5", "Ж"});
    CPPUNIT_ASSERT_EQUAL(std::int64_t{53}, *girls.count);
    CPPUNIT_ASSERT(changeReveals(girls.bounds, cellOf(ledger[0], {"5", "Ж"}).bounds, rules.k));
    auto findings = audit(*naive, ledger);
    bool found = false;
    for (const auto& f : findings)
      if (f.attack == Attack::differencing && f.target == "cell (5, Ж)" && f.derived == Bounds{1, 1} &&
          f.comparedWith == std::optional<std::size_t>{0})
        found = true;
    CPPUNIT_ASSERT(found);

    // With the ledger the cell, and every total that moved by one, is withheld,
    // and nothing the attacker can compute pins the change.
    auto guarded = protect(week2, rules, ledger);
    CPPUNIT_ASSERT(guarded.ok());
    CPPUNIT_ASSERT(cellOf(*guarded, {"5", "Ж"}).why == Suppression::differencing);
    CPPUNIT_ASSERT(!cellOf(*guarded, {"5", "Ж"}).count);
    CPPUNIT_ASSERT(!marginOf(*guarded, 0, "5").count);
    CPPUNIT_ASSERT(!guarded->margins.back().count);
    CPPUNIT_ASSERT(audit(*guarded, ledger).empty());
    Attacker now({&*guarded}), then({&ledger[0]});
    for (std::size_t c = 0; c < guarded->cells.size(); ++c)
      CPPUNIT_ASSERT_MESSAGE(describeCell(*guarded, c), !changeReveals(now.cell(0, c), then.cell(0, c), rules.k));
    for (std::size_t m = 0; m < guarded->margins.size(); ++m)
      CPPUNIT_ASSERT(!changeReveals(now.margin(0, m), then.margin(0, m), rules.k));
    checkHonestAndSafe(week2, *guarded);
  }

  void linkedTablesOfOnePeriodAreProtectedTogether() {
    const DisclosureRules rules;
    // Grade 11 has 3 students: both tables hide its total, but they pick
    // different complements (the second lists an empty grade 8), so each
    // publishes the total the other hid.
    auto bySex = makeTable("contingent_sex", "2026-10-01", {"grade", "sex"},
                           gradeBySex({{"09", {20, 22}}, {"10", {19, 21}}, {"11", {2, 1}}}));
    auto byAge = makeTable("contingent_age", "2026-10-01", {"grade", "age_band"},
                           {{{"08", "13-14"}, 0},
                            {{"09", "14-15"}, 38},
                            {{"09", "15-16"}, 4},
                            {{"10", "15-16"}, 5},
                            {{"10", "16-17"}, 35},
                            {{"11", "16-17"}, 3}});
    std::vector<ReleasedTable> ledger{*protect(bySex, rules, {})};
    CPPUNIT_ASSERT(!marginOf(ledger[0], 0, "11").count);
    auto naive = protect(byAge, rules, {});
    CPPUNIT_ASSERT(naive.ok());
    checkHonestAndSafe(byAge, *naive);  // safe on its own
    // Together they give grade 11 away.
    Attacker together({&ledger[0], &*naive});
    const auto grade11 = static_cast<std::size_t>(&marginOf(ledger[0], 0, "11") - ledger[0].margins.data());
    CPPUNIT_ASSERT(together.margin(0, grade11) == (Bounds{3, 3}));
    auto findings = audit(*naive, ledger);
    CPPUNIT_ASSERT(!findings.empty());
    for (const auto& f : findings) CPPUNIT_ASSERT(f.attack == Attack::linked_tables);

    auto guarded = protect(byAge, rules, ledger);
    CPPUNIT_ASSERT(guarded.ok());
    CPPUNIT_ASSERT(audit(*guarded, ledger).empty());
    checkHonestAndSafe(byAge, *guarded);
    Attacker after({&ledger[0], &*guarded});
    const std::pair<const Table*, const ReleasedTable*> pairs[] = {{&bySex, &ledger[0]}, {&byAge, &*guarded}};
    for (std::size_t i = 0; i < 2; ++i) {
      const auto& [truth, rel] = pairs[i];
      for (std::size_t c = 0; c < rel->cells.size(); ++c) {
        auto v = trueCell(*truth, rel->cells[c].key);
        if (v >= 1 && v < rules.k) CPPUNIT_ASSERT(!reveals(after.cell(i, c), rules.k));
      }
      for (std::size_t m = 0; m < rel->margins.size(); ++m) {
        auto v = trueMargin(*truth, rel->margins[m]);
        if (v >= 1 && v < rules.k)
          CPPUNIT_ASSERT_MESSAGE(describeMargin(*rel, m), !reveals(after.margin(i, m), rules.k));
      }
    }
  }

  void aLaterTableOfTheDayCannotRevealAWithheldChange() {
    const DisclosureRules rules;
    auto week1 =
        makeTable("contingent", "2026-11-16", {"grade", "sex"}, gradeBySex({{"5", {52, 48}}, {"6", {45, 50}}}));
    auto week2 =
        makeTable("contingent", "2026-11-23", {"grade", "sex"}, gradeBySex({{"5", {53, 48}}, {"6", {45, 50}}}));
    // The same students by grade, sex and age: its cells add up to the
    // grade x sex cells, which no margin of its own publishes.
    auto detail = makeTable("contingent_detail", "2026-11-23", {"grade", "sex", "age"},
                            {{{"5", "Ж", "10 лет"}, 30},
                             {{"5", "Ж", "11 лет"}, 23},
                             {{"5", "М", "10 лет"}, 28},
                             {{"5", "М", "11 лет"}, 20},
                             {{"6", "Ж", "11 лет"}, 25},
                             {{"6", "Ж", "12 лет"}, 20},
                             {{"6", "М", "11 лет"}, 25},
                             {{"6", "М", "12 лет"}, 25}});
    std::vector<ReleasedTable> ledger;
    ledger.push_back(*protect(week1, rules, ledger));
    ledger.push_back(*protect(week2, rules, ledger));
    CPPUNIT_ASSERT(cellOf(ledger[1], {"5", "Ж"}).why == Suppression::differencing);

    auto naive = protect(detail, rules, {});
    CPPUNIT_ASSERT(naive.ok());
    CPPUNIT_ASSERT(Attacker({&ledger[1], &*naive}).cell(0, 0) == (Bounds{53, 53}));  // 30 + 23
    bool found = false;
    for (const auto& f : audit(*naive, ledger))
      if (f.ledgerIndex == std::optional<std::size_t>{1} && f.target == "cell (5, Ж)" &&
          f.attack == Attack::differencing && f.derived == Bounds{1, 1})
        found = true;
    CPPUNIT_ASSERT(found);

    auto guarded = protect(detail, rules, ledger);
    CPPUNIT_ASSERT(guarded.ok());
    CPPUNIT_ASSERT(audit(*guarded, ledger).empty());
    Attacker after({&ledger[1], &*guarded}), before({&ledger[0]});
    for (std::size_t c = 0; c < ledger[1].cells.size(); ++c)
      CPPUNIT_ASSERT(!changeReveals(after.cell(0, c), before.cell(0, c), rules.k));
  }

  void aSimulatedSchoolYearLeaksNoProtectedCell();
  void aRoundedSimulatedSchoolYearLeaksNoProtectedCell();

  void handlesEmptyAndOneDimensionalTables() {
    auto empty = makeTable("staff", "2026-11-23", {"position"}, {});
    empty.unit = "staff";
    auto e = protect(empty, DisclosureRules{}, {});
    CPPUNIT_ASSERT(e.ok());
    CPPUNIT_ASSERT(e->cells.empty());
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, e->margins.size());
    CPPUNIT_ASSERT_EQUAL(std::int64_t{0}, *e->margins[0].count);
    CPPUNIT_ASSERT(*decodeRelease(encodeRelease(*e)) == *e);

    auto byGrade = makeTable("contingent_grade", "2026-11-23", {"grade"}, {{{"09"}, 38}, {{"10"}, 3}, {{"11"}, 40}});
    auto r = protect(byGrade, DisclosureRules{}, {});
    CPPUNIT_ASSERT(r.ok());
    CPPUNIT_ASSERT(cellOf(*r, {"10"}).why == Suppression::primary);
    CPPUNIT_ASSERT(marginOf(*r, 0, "10").why == Suppression::primary);  // a margin of one cell is that cell
    checkHonestAndSafe(byGrade, *r);
  }

  void rejectsInvalidRulesAndTables() {
    auto t = makeTable("contingent", "2026-11-23", {"grade", "sex"}, gradeBySex({{"5", {3, 27}}}));
    CPPUNIT_ASSERT_EQUAL(std::string("disclosure rules: k is outside 1..1000"),
                         protect(t, DisclosureRules{0, 0}, {}).error().message);
    CPPUNIT_ASSERT_EQUAL(std::string("disclosure rules: roundingBase is outside 0..1000"),
                         protect(t, DisclosureRules{5, -1}, {}).error().message);
    t.cells.push_back(t.cells.front());
    CPPUNIT_ASSERT(!protect(t, DisclosureRules{}, {}).ok());
    auto tabbed = makeTable("contingent", "2026-11-23", {"grade"}, {{{"5\tА"}, 30}});
    CPPUNIT_ASSERT(!protect(tabbed, DisclosureRules{}, {}).ok());  // the codec could not carry it
  }
};

namespace {

// Days since 1970-01-01 to "YYYY-MM-DD" (Howard Hinnant's civil_from_days).
std::string civil(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%04lld-%02lld-%02lld", static_cast<long long>(y), static_cast<long long>(m),
                static_cast<long long>(d));
  return buffer;
}

struct Student {
  int grade;
  std::string sex;
  std::string ageBand;
};

// A school year of weekly contingents and monthly movements under `rules`:
// after each release an attacker over everything released finds nothing.
void simulateSchoolYear(const DisclosureRules& rules, int weeks) {
  std::mt19937 rng(20262027);
  auto draw = [&rng](std::uint32_t n) { return static_cast<int>(rng() % n); };
  const std::vector<std::string> arrivalReasons{"перевод из другой школы", "переезд", "возвращение из-за рубежа"};
  const std::vector<std::string> departureReasons{"перевод в другую школу", "переезд", "отчисление по заявлению"};
  auto newStudent = [&](int grade) {
    return Student{grade, draw(2) ? "Ж" : "М", std::to_string(grade + 6 + draw(2)) + " лет"};
  };
  std::vector<Student> school;
  for (int grade = 1; grade <= 11; ++grade) {
    const int size = grade == 11 ? 9 : 22 + draw(10);  // a small 11th grade
    for (int i = 0; i < size; ++i) school.push_back(newStudent(grade));
  }

  std::vector<ReleasedTable> ledger;
  std::vector<Table> truths;
  std::vector<std::vector<Bounds>> seen;  // the attacker's final ranges per release: cells, then margins
  std::map<std::string, std::int64_t> arrivals, departures;  // reason -> count in the current month
  std::size_t suppressedCells = 0, cells = 0;

  auto release = [&](const Table& t, Series series) {
    auto r = protect(t, rules, ledger, series);
    CPPUNIT_ASSERT_MESSAGE(r.ok() ? "" : r.error().message, r.ok());
    CPPUNIT_ASSERT(audit(*r, ledger).empty());
    ledger.push_back(*r);
    truths.push_back(t);
    seen.emplace_back();
    for (const auto& c : r->cells) suppressedCells += c.count ? 0 : 1;
    cells += r->cells.size();
  };
  // The attacker over every release of one period (the tables linked), then
  // every pair of releases of the same stock series.
  auto attack = [&](const std::string& period) {
    std::vector<std::size_t> group;
    std::vector<const ReleasedTable*> tables;
    for (std::size_t i = 0; i < ledger.size(); ++i)
      if (ledger[i].period == period) {
        group.push_back(i);
        tables.push_back(&ledger[i]);
      }
    Attacker attacker(tables);
    for (std::size_t g = 0; g < group.size(); ++g) {
      const auto& r = ledger[group[g]];
      const auto& truth = truths[group[g]];
      auto& ranges = seen[group[g]];
      ranges.clear();
      for (std::size_t c = 0; c < r.cells.size(); ++c) {
        ranges.push_back(attacker.cell(g, c));
        auto v = trueCell(truth, r.cells[c].key);
        if (v >= 1 && v < rules.k)
          CPPUNIT_ASSERT_MESSAGE(r.id + " " + period + " " + describeCell(r, c) + " " + show(ranges.back()),
                                 !reveals(ranges.back(), rules.k));
      }
      for (std::size_t m = 0; m < r.margins.size(); ++m) {
        ranges.push_back(attacker.margin(g, m));
        auto v = trueMargin(truth, r.margins[m]);
        if (v >= 1 && v < rules.k)
          CPPUNIT_ASSERT_MESSAGE(r.id + " " + period + " " + describeMargin(r, m) + " " + show(ranges.back()),
                                 !reveals(ranges.back(), rules.k));
      }
    }
    for (auto now : group) {
      const auto& r = ledger[now];
      if (r.series != Series::stock) continue;
      for (std::size_t then = 0; then < now; ++then) {
        const auto& e = ledger[then];
        // The same quantity in any stock of the same unit: a margin "grade = 05"
        // in the grade x sex and the grade x age-band contingents alike.
        if (e.series != Series::stock || e.unit != r.unit || e.period == r.period) continue;
        for (std::size_t c = 0; c < r.cells.size() && e.dimensions == r.dimensions; ++c)
          for (std::size_t ec = 0; ec < e.cells.size(); ++ec)
            if (e.cells[ec].key == r.cells[c].key)
              CPPUNIT_ASSERT_MESSAGE(r.id + " " + r.period + " vs " + e.period + " " + describeCell(r, c),
                                     !changeReveals(seen[now][c], seen[then][ec], rules.k));
        for (std::size_t m = 0; m < r.margins.size(); ++m)
          for (std::size_t em = 0; em < e.margins.size(); ++em)
            if (sameMargin(e, e.margins[em], r, r.margins[m]))
              CPPUNIT_ASSERT_MESSAGE(
                  r.id + " " + r.period + " vs " + e.period + " " + describeMargin(r, m),
                  !changeReveals(seen[now][r.cells.size() + m], seen[then][e.cells.size() + em], rules.k));
      }
    }
  };

  const std::int64_t firstMonday = 20703;  // 2026-09-07
  for (int week = 0; week < weeks; ++week) {
    const std::string date = civil(firstMonday + 7 * week);
    const std::string month = date.substr(0, 7);
    // The week's movements: at most two arrivals and two departures.
    for (int i = draw(3); i > 0; --i) {
      school.push_back(newStudent(1 + draw(11)));
      ++arrivals[arrivalReasons[static_cast<std::size_t>(draw(3))]];
    }
    for (int i = draw(3); i > 0; --i) {
      school.erase(school.begin() + draw(static_cast<std::uint32_t>(school.size())));
      ++departures[departureReasons[static_cast<std::size_t>(draw(3))]];
    }
    std::map<std::vector<std::string>, std::int64_t> bySex, byAge;
    for (const auto& s : school) {
      char grade[4];
      std::snprintf(grade, sizeof grade, "%02d", s.grade);
      ++bySex[{grade, s.sex}];
      ++byAge[{grade, s.ageBand}];
    }
    release(makeTable("contingent", date, {"grade", "sex"}, Counts(bySex.begin(), bySex.end())), Series::stock);
    release(makeTable("contingent_age", date, {"grade", "age_band"}, Counts(byAge.begin(), byAge.end())),
            Series::stock);
    attack(date);

    const bool monthEnds = week == weeks - 1 || civil(firstMonday + 7 * (week + 1)).substr(0, 7) != month;
    if (monthEnds) {
      Counts in, out;
      for (const auto& reason : arrivalReasons) in.push_back({{month, reason}, arrivals[reason]});
      for (const auto& reason : departureReasons) out.push_back({{month, reason}, departures[reason]});
      release(makeTable("arrivals", month, {"month", "reason"}, in), Series::flow);
      release(makeTable("departures", month, {"month", "reason"}, out), Series::flow);
      attack(month);
      arrivals.clear();
      departures.clear();
    }
  }
  std::printf("\n  simulated year (k %d, rounding %d): %zu releases, %zu of %zu cells suppressed\n", rules.k,
              rules.roundingBase, ledger.size(), suppressedCells, cells);
}

}  // namespace

void DisclosureTest::aSimulatedSchoolYearLeaksNoProtectedCell() { simulateSchoolYear(DisclosureRules{5, 0}, 50); }
void DisclosureTest::aRoundedSimulatedSchoolYearLeaksNoProtectedCell() {
  simulateSchoolYear(DisclosureRules{5, 5}, 50);
}

CPPUNIT_TEST_SUITE_REGISTRATION(DisclosureTest);

}  // namespace parta::federation
