#include "federation/core/lp.hpp"

#include <cppunit/extensions/HelperMacros.h>

namespace parta::federation {

class LpTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(LpTest);
  CPPUNIT_TEST(boundsAVariableByEqualitiesAndNonNegativity);
  CPPUNIT_TEST(reportsUnboundedAndInfeasibleSystems);
  CPPUNIT_TEST(honoursVariableBoundsAndIntervalFacts);
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
};

CPPUNIT_TEST_SUITE_REGISTRATION(LpTest);

}  // namespace parta::federation
