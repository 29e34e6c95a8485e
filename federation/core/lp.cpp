#include "federation/core/lp.hpp"

#include <cmath>
#include <map>

namespace parta::federation {

namespace {

constexpr double kPivotEpsilon = 1e-9;
constexpr double kFeasibilityEpsilon = 1e-7;
// Bounds are rounded inward to integers with this slack, so 2.9999999 counts as 3.
constexpr double kIntegerSlack = 1e-6;

// A bounded-variable simplex tableau. Every column has the range [0, upper];
// a non-basic column is at 0 in its current orientation: a column at its
// upper bound is complemented (it stands for upper - value), so the
// right-hand side always holds the basic variables' values.
struct Tableau {
  std::size_t rows = 0;
  std::size_t width = 0;  // columns + 1 (right-hand side last)
  std::vector<double> cells;
  std::vector<std::size_t> basis;
  std::vector<double> upper;
  std::vector<char> complemented;

  double& at(std::size_t r, std::size_t c) { return cells[r * width + c]; }
  double at(std::size_t r, std::size_t c) const { return cells[r * width + c]; }

  void pivot(std::size_t row, std::size_t column, std::vector<double>& objective) {
    const double p = at(row, column);
    for (std::size_t c = 0; c < width; ++c) at(row, c) /= p;
    for (std::size_t r = 0; r < rows; ++r) {
      if (r == row) continue;
      const double f = at(r, column);
      if (f == 0.0) continue;
      for (std::size_t c = 0; c < width; ++c) at(r, c) -= f * at(row, c);
    }
    const double f = objective[column];
    if (f != 0.0)
      for (std::size_t c = 0; c < width; ++c) objective[c] -= f * at(row, c);
    basis[row] = column;
  }

  // A non-basic column moves to its upper bound: x = u - x'.
  void complementNonBasic(std::size_t column, std::vector<double>& objective) {
    const std::size_t rhs = width - 1;
    const double u = upper[column];
    for (std::size_t r = 0; r < rows; ++r) {
      at(r, rhs) -= at(r, column) * u;
      at(r, column) = -at(r, column);
    }
    // z + sum(d x) = V  becomes  z - d x' = V - d u.
    objective[rhs] -= objective[column] * u;
    objective[column] = -objective[column];
    complemented[column] ^= 1;
  }

  // The basic column of `row` reaches its upper bound: complement it and
  // negate the row so it stays the row's unit column.
  void complementBasic(std::size_t row) {
    const std::size_t rhs = width - 1;
    const std::size_t b = basis[row];
    for (std::size_t c = 0; c < width; ++c) at(row, c) = -at(row, c);
    at(row, b) = 1.0;
    at(row, rhs) += upper[b];
    complemented[b] ^= 1;
  }

  // Maximizes; `objective` holds reduced costs (z + sum(d x) = V) and, last,
  // V. Only columns below `usable` may enter. Returns false when unbounded.
  // Dantzig's rule first, Bland's rule (no cycling) after a while: the
  // systems here are highly degenerate (many zero cells).
  bool optimize(std::vector<double>& objective, std::size_t usable) {
    const std::size_t columns = width - 1;
    const std::size_t blandAfter = 20 * (rows + columns) + 100;
    for (std::size_t iteration = 0;; ++iteration) {
      const bool bland = iteration > blandAfter;
      std::size_t enter = columns;
      double best = -kPivotEpsilon;
      for (std::size_t c = 0; c < usable; ++c) {
        if (objective[c] < best) {
          enter = c;
          if (bland) break;
          best = objective[c];
        }
      }
      if (enter == columns) return true;
      std::size_t leave = rows;
      bool toUpper = false;
      double ratio = upper[enter];  // the entering column's own bound
      for (std::size_t r = 0; r < rows; ++r) {
        const double a = at(r, enter);
        double q;
        bool up;
        if (a > kPivotEpsilon) {
          q = at(r, columns) / a;
          up = false;
        } else if (a < -kPivotEpsilon && std::isfinite(upper[basis[r]])) {
          q = (upper[basis[r]] - at(r, columns)) / -a;
          up = true;
        } else {
          continue;
        }
        if (q < ratio - kPivotEpsilon || (leave != rows && q <= ratio + kPivotEpsilon && basis[r] < basis[leave])) {
          leave = r;
          ratio = q;
          toUpper = up;
        }
      }
      if (leave == rows) {
        if (!std::isfinite(upper[enter])) return false;
        complementNonBasic(enter, objective);
        continue;
      }
      if (toUpper) complementBasic(leave);
      pivot(leave, enter, objective);
    }
  }
};

}  // namespace

std::size_t LinearSystem::addVariable(double low, double high) {
  lower.push_back(low);
  upper.push_back(high);
  return lower.size() - 1;
}

LinearBounds::LinearBounds(const LinearSystem& system) {
  const std::size_t n = system.lower.size();
  shift_.assign(n, 0.0);
  column_.assign(n, -1);
  std::vector<double> bounds;  // per column
  for (std::size_t j = 0; j < n; ++j) {
    shift_[j] = system.lower[j];
    if (system.upper[j] - system.lower[j] > kPivotEpsilon) {
      column_[j] = static_cast<std::ptrdiff_t>(bounds.size());
      bounds.push_back(system.upper[j] - system.lower[j]);
    }
  }
  const std::size_t structural = bounds.size();

  // One row per fact: sum(a y) - s = lower with 0 <= s <= upper - lower, or
  // sum(a y) + s = upper when only the upper side is finite, or an equality.
  struct Row {
    std::map<std::size_t, double> terms;
    double rhs;
    double slack;  // coefficient of the row's slack, 0 for an equality
    double slackUpper;
  };
  std::vector<Row> rows;
  for (const auto& fact : system.facts) {
    std::map<std::size_t, double> terms;
    double constant = 0.0;
    for (const auto& [variable, coefficient] : fact.terms) {
      constant += coefficient * shift_[variable];
      if (column_[variable] >= 0) terms[static_cast<std::size_t>(column_[variable])] += coefficient;
    }
    std::erase_if(terms, [](const auto& t) { return std::fabs(t.second) < kPivotEpsilon; });
    if (terms.empty()) {
      if (constant < fact.lower - kFeasibilityEpsilon || constant > fact.upper + kFeasibilityEpsilon) feasible_ = false;
      continue;
    }
    const bool lowerFinite = std::isfinite(fact.lower), upperFinite = std::isfinite(fact.upper);
    if (!lowerFinite && !upperFinite) continue;
    if (lowerFinite && upperFinite && fact.upper - fact.lower < kPivotEpsilon)
      rows.push_back({terms, fact.lower - constant, 0.0, 0.0});
    else if (lowerFinite)
      rows.push_back({terms, fact.lower - constant, -1.0, upperFinite ? fact.upper - fact.lower : kInfinity});
    else
      rows.push_back({terms, fact.upper - constant, 1.0, kInfinity});
  }
  if (!feasible_) return;

  // Columns: structural, one slack per inequality row, one artificial per row
  // (every row starts with its artificial basic: simple, and rows are few).
  std::size_t slacks = 0;
  for (const auto& row : rows)
    if (row.slack != 0.0) ++slacks;
  const std::size_t artificialStart = structural + slacks;
  const std::size_t columns = artificialStart + rows.size();
  Tableau t;
  t.rows = rows.size();
  t.width = columns + 1;
  t.cells.assign(t.rows * t.width, 0.0);
  t.basis.assign(t.rows, 0);
  t.upper.assign(columns, kInfinity);
  t.complemented.assign(columns, 0);
  for (std::size_t c = 0; c < structural; ++c) t.upper[c] = bounds[c];
  std::vector<double> phase1(t.width, 0.0);
  std::size_t slack = structural;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const double sign = rows[r].rhs < 0 ? -1.0 : 1.0;
    for (const auto& [c, a] : rows[r].terms) t.at(r, c) = sign * a;
    if (rows[r].slack != 0.0) {
      t.at(r, slack) = sign * rows[r].slack;
      t.upper[slack++] = rows[r].slackUpper;
    }
    t.at(r, columns) = sign * rows[r].rhs;
    t.at(r, artificialStart + r) = 1.0;
    t.basis[r] = artificialStart + r;
    // Phase 1 maximizes -sum(artificials): reduced costs start as -(row sums).
    for (std::size_t c = 0; c < t.width; ++c)
      if (c < artificialStart || c == columns) phase1[c] -= t.at(r, c);
  }
  t.optimize(phase1, artificialStart);
  if (phase1[columns] < -kFeasibilityEpsilon) {
    feasible_ = false;
    return;
  }
  // Drive artificials (all at zero now) out of the basis; a row where that
  // is impossible is redundant.
  for (std::size_t r = 0; r < t.rows;) {
    if (t.basis[r] < artificialStart) {
      ++r;
      continue;
    }
    std::size_t enter = columns;
    for (std::size_t c = 0; c < artificialStart; ++c)
      if (std::fabs(t.at(r, c)) > kPivotEpsilon) {
        enter = c;
        break;
      }
    if (enter != columns) {
      t.pivot(r, enter, phase1);
      ++r;
    } else {
      t.cells.erase(t.cells.begin() + static_cast<std::ptrdiff_t>(r * t.width),
                    t.cells.begin() + static_cast<std::ptrdiff_t>((r + 1) * t.width));
      t.basis.erase(t.basis.begin() + static_cast<std::ptrdiff_t>(r));
      --t.rows;
    }
  }
  // Drop the artificial columns.
  rows_ = t.rows;
  columns_ = artificialStart;
  tableau_.assign(rows_ * (columns_ + 1), 0.0);
  for (std::size_t r = 0; r < rows_; ++r) {
    for (std::size_t c = 0; c < columns_; ++c) tableau_[r * (columns_ + 1) + c] = t.at(r, c);
    tableau_[r * (columns_ + 1) + columns_] = t.at(r, columns);
  }
  basis_ = t.basis;
  upper_.assign(t.upper.begin(), t.upper.begin() + static_cast<std::ptrdiff_t>(columns_));
  complemented_.assign(t.complemented.begin(), t.complemented.begin() + static_cast<std::ptrdiff_t>(columns_));
}

std::optional<double> LinearBounds::maximize(const std::vector<double>& objective) const {
  scratch_ = tableau_;
  Tableau t{rows_, columns_ + 1, std::move(scratch_), basis_, upper_, complemented_};
  // In the tableau's orientation a complemented column is u - x: its
  // objective coefficient flips and c * u moves into a constant.
  double constant = 0.0;
  std::vector<double> cost(columns_, 0.0);
  for (std::size_t c = 0; c < objective.size(); ++c) {
    if (complemented_[c]) {
      constant += objective[c] * upper_[c];
      cost[c] = -objective[c];
    } else {
      cost[c] = objective[c];
    }
  }
  std::vector<double> reduced(columns_ + 1, 0.0);
  for (std::size_t c = 0; c < columns_; ++c) reduced[c] = -cost[c];
  for (std::size_t r = 0; r < rows_; ++r) {
    const double cb = cost[basis_[r]];
    if (cb == 0.0) continue;
    for (std::size_t c = 0; c <= columns_; ++c) reduced[c] += cb * t.at(r, c);
  }
  const bool bounded = t.optimize(reduced, columns_);
  scratch_ = std::move(t.cells);
  if (!bounded) return std::nullopt;
  return constant + reduced[columns_];
}

IntegerRange LinearBounds::range(const std::vector<std::pair<std::size_t, double>>& terms) const {
  double constant = 0.0;
  std::size_t structural = 0;
  for (auto c : column_)
    if (c >= 0) ++structural;
  std::vector<double> objective(structural, 0.0);
  for (const auto& [variable, coefficient] : terms) {
    constant += coefficient * shift_[variable];
    if (column_[variable] >= 0) objective[static_cast<std::size_t>(column_[variable])] += coefficient;
  }
  IntegerRange out;
  auto high = maximize(objective);
  for (auto& c : objective) c = -c;
  auto low = maximize(objective);
  out.low = low ? static_cast<std::int64_t>(std::ceil(constant - *low - kIntegerSlack))
                : std::numeric_limits<std::int64_t>::min();
  if (high) out.high = static_cast<std::int64_t>(std::floor(constant + *high + kIntegerSlack));
  return out;
}

}  // namespace parta::federation
