#include "federation/core/lp.hpp"

#include <cmath>
#include <map>

namespace parta::federation {

namespace {

constexpr double kPivotEpsilon = 1e-9;
constexpr double kFeasibilityEpsilon = 1e-7;
// Bounds are rounded inward to integers with this slack, so 2.9999999 counts as 3.
constexpr double kIntegerSlack = 1e-6;

struct Tableau {
  std::size_t rows = 0;
  std::size_t width = 0;  // columns + 1 (right-hand side last)
  std::vector<double> cells;
  std::vector<std::size_t> basis;

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

  // Maximizes; `objective` holds reduced costs (z_j - c_j) and, last, the
  // objective's value. Only columns below `usable` may enter. Returns false
  // when unbounded. Dantzig's rule first, Bland's rule (no cycling) after a
  // while: the systems here are highly degenerate (many zero cells).
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
      double ratio = 0.0;
      for (std::size_t r = 0; r < rows; ++r) {
        const double a = at(r, enter);
        if (a <= kPivotEpsilon) continue;
        const double q = at(r, columns) / a;
        if (leave == rows || q < ratio - kPivotEpsilon || (q <= ratio + kPivotEpsilon && basis[r] < basis[leave])) {
          leave = r;
          ratio = q;
        }
      }
      if (leave == rows) return false;
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
  std::size_t structural = 0;
  for (std::size_t j = 0; j < n; ++j) {
    shift_[j] = system.lower[j];
    if (system.upper[j] - system.lower[j] > kPivotEpsilon) column_[j] = static_cast<std::ptrdiff_t>(structural++);
  }

  // Rows as (terms over structural columns, sense, rhs); sense -1: <=, 0: =, 1: >=.
  struct Row {
    std::map<std::size_t, double> terms;
    int sense;
    double rhs;
  };
  std::vector<Row> rows;
  for (std::size_t j = 0; j < n; ++j) {
    if (column_[j] < 0) continue;
    if (std::isfinite(system.upper[j]))
      rows.push_back({{{static_cast<std::size_t>(column_[j]), 1.0}}, -1, system.upper[j] - system.lower[j]});
  }
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
    if (std::isfinite(fact.lower) && std::isfinite(fact.upper) && fact.upper - fact.lower < kPivotEpsilon) {
      rows.push_back({terms, 0, fact.lower - constant});
      continue;
    }
    if (std::isfinite(fact.lower)) rows.push_back({terms, 1, fact.lower - constant});
    if (std::isfinite(fact.upper)) rows.push_back({terms, -1, fact.upper - constant});
  }
  if (!feasible_) return;

  // Make every right-hand side non-negative, then count slack and artificial columns.
  std::size_t slacks = 0, artificials = 0;
  for (auto& row : rows) {
    if (row.rhs < 0) {
      row.rhs = -row.rhs;
      row.sense = -row.sense;
      for (auto& t : row.terms) t.second = -t.second;
    }
    if (row.sense != 0) ++slacks;
    if (row.sense != -1) ++artificials;
  }
  const std::size_t columns = structural + slacks + artificials;
  Tableau t;
  t.rows = rows.size();
  t.width = columns + 1;
  t.cells.assign(t.rows * t.width, 0.0);
  t.basis.assign(t.rows, 0);
  std::vector<double> phase1(t.width, 0.0);
  std::size_t slack = structural, artificial = structural + slacks;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    for (const auto& [c, a] : rows[r].terms) t.at(r, c) = a;
    t.at(r, columns) = rows[r].rhs;
    if (rows[r].sense == -1) {
      t.at(r, slack) = 1.0;
      t.basis[r] = slack++;
    } else {
      if (rows[r].sense == 1) t.at(r, slack++) = -1.0;
      t.at(r, artificial) = 1.0;
      t.basis[r] = artificial++;
      // Phase 1 maximizes -sum(artificials): reduced costs start as -(row sums).
      for (std::size_t c = 0; c < t.width; ++c)
        if (c < structural + slacks || c == columns) phase1[c] -= t.at(r, c);
    }
  }
  t.optimize(phase1, structural + slacks);
  if (phase1[columns] < -kFeasibilityEpsilon) {
    feasible_ = false;
    return;
  }
  // Drive artificials out of the basis; a row where that is impossible is redundant.
  for (std::size_t r = 0; r < t.rows;) {
    if (t.basis[r] < structural + slacks) {
      ++r;
      continue;
    }
    std::size_t enter = columns;
    for (std::size_t c = 0; c < structural + slacks; ++c)
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
  columns_ = structural + slacks;
  tableau_.assign(rows_ * (columns_ + 1), 0.0);
  for (std::size_t r = 0; r < rows_; ++r) {
    for (std::size_t c = 0; c < columns_; ++c) tableau_[r * (columns_ + 1) + c] = t.at(r, c);
    tableau_[r * (columns_ + 1) + columns_] = t.at(r, columns);
  }
  basis_ = t.basis;
}

std::optional<double> LinearBounds::maximize(const std::vector<double>& objective) const {
  scratch_ = tableau_;
  Tableau t{rows_, columns_ + 1, std::move(scratch_), basis_};
  std::vector<double> reduced(columns_ + 1, 0.0);
  for (std::size_t c = 0; c < objective.size(); ++c) reduced[c] = -objective[c];
  for (std::size_t r = 0; r < rows_; ++r) {
    const std::size_t b = basis_[r];
    const double cb = b < objective.size() ? objective[b] : 0.0;
    if (cb == 0.0) continue;
    for (std::size_t c = 0; c <= columns_; ++c) reduced[c] += cb * t.at(r, c);
  }
  const bool bounded = t.optimize(reduced, columns_);
  scratch_ = std::move(t.cells);
  if (!bounded) return std::nullopt;
  return reduced[columns_];
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
