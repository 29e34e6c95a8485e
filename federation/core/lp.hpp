#pragma once
// Bounds of a linear expression over non-negative unknowns given linear facts,
// by linear programming (a dense two-phase simplex over doubles). Disclosure
// control uses it to ask what an attacker can state about a suppressed value
// from everything published: the feasible [min, max] of that value.
//
// Sizes are small (a release has at most a few hundred cells), so a dense
// tableau is enough. Variable bounds and two-sided facts are kept out of the
// rows (a bounded-variable simplex: a variable at its upper bound is
// complemented), so a table has one row per published margin, not one per
// rounded cell. Phase 1 is solved once per system and every objective
// starts from the same feasible basis.

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

namespace parta::federation {

inline constexpr double kInfinity = std::numeric_limits<double>::infinity();

// lower <= sum(coefficient * x[variable]) <= upper; either side may be infinite.
struct LinearFact {
  std::vector<std::pair<std::size_t, double>> terms;
  double lower = -kInfinity;
  double upper = kInfinity;
};

struct LinearSystem {
  // Every variable has its own bounds; lower must be finite (counts are >= 0).
  std::vector<double> lower;
  std::vector<double> upper;
  std::vector<LinearFact> facts;

  std::size_t addVariable(double low = 0.0, double high = kInfinity);
};

// The integers an attacker can state for an integer quantity: [low, high],
// high absent when the facts leave it unbounded above.
struct IntegerRange {
  std::int64_t low = 0;
  std::optional<std::int64_t> high;
};

class LinearBounds {
 public:
  // Solves phase 1; feasible() is false when the facts contradict each other.
  explicit LinearBounds(const LinearSystem& system);

  bool feasible() const { return feasible_; }
  // The feasible [min, max] of sum(terms) over the system, rounded inward to
  // integers (the quantities are counts). Requires feasible().
  IntegerRange range(const std::vector<std::pair<std::size_t, double>>& terms) const;

 private:
  // max of the objective over the feasible set; nullopt when unbounded.
  std::optional<double> maximize(const std::vector<double>& objective) const;

  std::size_t rows_ = 0;
  std::size_t columns_ = 0;      // structural + slack columns (artificials dropped)
  std::vector<double> tableau_;  // rows_ x (columns_ + 1), right-hand side last
  std::vector<std::size_t> basis_;
  std::vector<double> upper_;           // per column: its upper bound (infinite when none)
  std::vector<char> complemented_;      // per column: it stands for upper - value
  std::vector<double> shift_;           // x = shift + y for each original variable
  std::vector<std::ptrdiff_t> column_;  // original variable -> tableau column, -1 when fixed
  bool feasible_ = true;
  // Every objective starts from a copy of the phase-1 tableau; reusing one
  // buffer spares an allocation (and its page faults) per bound asked.
  mutable std::vector<double> scratch_;
};

}  // namespace parta::federation
