#include "federation/core/lp.hpp"

#include <algorithm>
#include <random>

#include <cppunit/extensions/HelperMacros.h>

namespace parta::federation {

class LpTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(LpTest);
  CPPUNIT_TEST(boundsAVariableByEqualitiesAndNonNegativity);
  CPPUNIT_TEST(reportsUnboundedAndInfeasibleSystems);
  CPPUNIT_TEST(honoursVariableBoundsAndIntervalFacts);
  CPPUNIT_TEST(agreesWithBruteForceOnSmallTwoDimensionalTables);
  CPPUNIT_TEST_SUITE_END();

 public:
  void boundsAVariableByEqualitiesAndNonNegativity() {
    // x + y = 7, y + z = 3: x in [4, 7], y in [0, 3], x - z = 4 exactly.
    LinearSystem s;
    auto x = s.addVariable(), y = s.addVariable(), z = s.addVariable();
    s.facts.push_back({{{x, 1}, {y, 1}}, 7, 7});
    s.facts.push_back({{{y, 1}, {z, 1}}, 3, 3});
    LinearBounds b(s);
    CPPUNIT_ASSERT(b.feasible());
    auto rx = b.range({{x, 1}});
    CPPUNIT_ASSERT_EQUAL(std::int64_t{4}, rx.low);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{7}, *rx.high);
    auto ry = b.range({{y, 1}});
    CPPUNIT_ASSERT_EQUAL(std::int64_t{0}, ry.low);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{3}, *ry.high);
    auto diff = b.range({{x, 1}, {z, -1}});
    CPPUNIT_ASSERT_EQUAL(std::int64_t{4}, diff.low);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{4}, *diff.high);
  }

  void reportsUnboundedAndInfeasibleSystems() {
    LinearSystem s;
    auto x = s.addVariable(), y = s.addVariable();
    s.facts.push_back({{{x, 1}, {y, -1}}, 2, 2});  // x = y + 2, nothing bounds them above
    LinearBounds b(s);
    auto r = b.range({{x, 1}});
    CPPUNIT_ASSERT_EQUAL(std::int64_t{2}, r.low);
    CPPUNIT_ASSERT(!r.high);

    s.facts.push_back({{{x, 1}}, -kInfinity, 1});  // x <= 1 contradicts x >= 2
    CPPUNIT_ASSERT(!LinearBounds(s).feasible());
  }

  void honoursVariableBoundsAndIntervalFacts() {
    // A rounded cell (true value in [8, 12]) and a rounded total in [48, 52].
    LinearSystem s;
    auto a = s.addVariable(8, 12), b = s.addVariable(), fixed = s.addVariable(30, 30);
    s.facts.push_back({{{a, 1}, {b, 1}, {fixed, 1}}, 48, 52});
    LinearBounds bounds(s);
    auto rb = bounds.range({{b, 1}});
    CPPUNIT_ASSERT_EQUAL(std::int64_t{6}, rb.low);
    CPPUNIT_ASSERT_EQUAL(std::int64_t{14}, *rb.high);
  }

  // Random 3 x 3 tables with three hidden cells, the row and column sums
  // published (one of them only as a rounding interval): the LP's range of
  // each hidden cell equals the range over every integer completion (two-way
  // tables are totally unimodular, so the relaxation is exact).
  void agreesWithBruteForceOnSmallTwoDimensionalTables() {
    std::mt19937 rng(5);
    for (int round = 0; round < 300; ++round) {
      int cell[3][3];
      for (auto& row : cell)
        for (auto& v : row) v = static_cast<int>(rng() % 7);
      std::vector<int> hidden;
      while (hidden.size() < 3) {
        const int h = static_cast<int>(rng() % 9);
        if (std::find(hidden.begin(), hidden.end(), h) == hidden.end()) hidden.push_back(h);
      }
      const bool roundedRow = rng() % 2 == 0;  // row 0's sum known only within [sum - 2, sum + 2]
      LinearSystem s;
      std::vector<std::size_t> var(9);
      for (int i = 0; i < 9; ++i) {
        const bool isHidden = std::find(hidden.begin(), hidden.end(), i) != hidden.end();
        const double v = cell[i / 3][i % 3];
        var[static_cast<std::size_t>(i)] = isHidden ? s.addVariable() : s.addVariable(v, v);
      }
      for (int r = 0; r < 3; ++r) {
        LinearFact f;
        double sum = 0;
        for (int c = 0; c < 3; ++c) {
          f.terms.emplace_back(var[static_cast<std::size_t>(r * 3 + c)], 1.0);
          sum += cell[r][c];
        }
        f.lower = r == 0 && roundedRow ? std::max(0.0, sum - 2) : sum;
        f.upper = r == 0 && roundedRow ? sum + 2 : sum;
        s.facts.push_back(f);
      }
      for (int c = 0; c < 3; ++c) {
        LinearFact f;
        double sum = 0;
        for (int r = 0; r < 3; ++r) {
          f.terms.emplace_back(var[static_cast<std::size_t>(r * 3 + c)], 1.0);
          sum += cell[r][c];
        }
        f.lower = f.upper = sum;
        s.facts.push_back(f);
      }
      LinearBounds bounds(s);
      CPPUNIT_ASSERT(bounds.feasible());
      // Brute force: every assignment of 0..20 to the hidden cells that keeps the facts.
      std::vector<int> low(3, 1000), high(3, -1);
      for (int a = 0; a <= 20; ++a)
        for (int b = 0; b <= 20; ++b)
          for (int c = 0; c <= 20; ++c) {
            int t[9];
            for (int i = 0; i < 9; ++i) t[i] = cell[i / 3][i % 3];
            t[hidden[0]] = a;
            t[hidden[1]] = b;
            t[hidden[2]] = c;
            bool ok = true;
            for (int r = 0; r < 3 && ok; ++r) {
              const int sum = t[r * 3] + t[r * 3 + 1] + t[r * 3 + 2];
              const int truth = cell[r][0] + cell[r][1] + cell[r][2];
              ok = r == 0 && roundedRow ? std::max(0, truth - 2) <= sum && sum <= truth + 2 : sum == truth;
            }
            for (int col = 0; col < 3 && ok; ++col)
              ok = t[col] + t[3 + col] + t[6 + col] == cell[0][col] + cell[1][col] + cell[2][col];
            if (!ok) continue;
            const int values[3] = {a, b, c};
            for (int h = 0; h < 3; ++h) {
              low[static_cast<std::size_t>(h)] = std::min(low[static_cast<std::size_t>(h)], values[h]);
              high[static_cast<std::size_t>(h)] = std::max(high[static_cast<std::size_t>(h)], values[h]);
            }
          }
      for (std::size_t h = 0; h < 3; ++h) {
        auto range = bounds.range({{var[static_cast<std::size_t>(hidden[h])], 1.0}});
        CPPUNIT_ASSERT_EQUAL(std::int64_t{low[h]}, range.low);
        CPPUNIT_ASSERT(range.high);  // column sums bound every cell
        CPPUNIT_ASSERT_EQUAL(std::int64_t{high[h]}, *range.high);
      }
    }
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(LpTest);

}  // namespace parta::federation
