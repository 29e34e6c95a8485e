#pragma once
// Disclosure control in the school (DESIGN.md §5, issue 5 item 3): turns a
// computed Table into the ReleasedTable that may leave the school, and audits
// a release together with everything released before (the ledger).
//
// The rules, stated once:
//
// * Threshold k (policy, default 5). A cell with 1..k-1 persons is suppressed
//   (primary); 0 is published as 0. A margin is suppressed the same way; the
//   persons behind a margin are the sum of its cells' persons in a table of
//   people (count == persons in every cell), otherwise the largest cell's
//   persons (a lower bound on the distinct persons: marks, lessons).
// * A cell's mean or rate (numerator / denominator, rounded to 4 decimals) is
//   published only when the cell's count is published and it has at least k
//   persons; a published count whose measure is withheld says
//   small_group_measure. Margins carry counts only.
// * Rounding (roundingBase b > 1): every published count, cells and margins
//   independently, is rounded half up to the nearest multiple of b (7 -> 5,
//   8 -> 10 for b = 5), so a published r means a true value in
//   [r - floor(b/2), r + ceil(b/2) - 1], never below 0.
// * Protection criterion. For every sensitive value (a primary cell or
//   margin) the feasible [min, max] of its true value, subject to every
//   published fact (cells and margins as equalities, or as intervals when
//   rounded) and non-negativity, must not lie inside [1, k-1] and must be at
//   least 1 wide. Bounds come from the linear-programming relaxation rounded
//   inward to integers; for two-dimensional tables this is exact (their
//   constraint matrix is totally unimodular), for three or more an attacker
//   solving the integer problem could in rare cases narrow a value further.
// * Complementary suppression is greedy: while some value fails the
//   criterion, suppress one more published value in a line (a margin and
//   its cells, or the grand total and one dimension's margins) with that
//   value, preferring a line where it is the only suppressed member, a cell
//   over a margin, and the smallest count; then check again with the LP.
// * Every release is stated with the interval [low, high] an honest reader
//   can derive for each cell and margin from that release alone.
//
// The auditor, audit(candidate, ledger), covers these attacks:
//   within_table   a suppressed primary value of the candidate narrowed by
//                  the candidate's own published cells and margins (the
//                  criterion above);
//   linked_tables  releases of other stock tables for the same period and
//                  unit that share dimension names with a stock candidate
//                  (contingent by grade x sex and by grade x age band count
//                  the same students on the same day; two flows such as
//                  arrivals and departures count different events, so they
//                  are not linked): one LP over all
//                  of them, their cells linked by equal totals on every
//                  combination of the shared dimensions; a primary value of
//                  any of them (candidate or ledger) that the candidate's
//                  facts narrow into the forbidden region is a finding;
//   differencing   for a stock (Series::stock), releases of the same table id
//                  and dimensions for other periods or earlier revisions: the
//                  change of a cell or margin between the two, from the
//                  candidate's interval (LP, with the linked tables) and the
//                  earlier release's stated interval, must not lie inside
//                  [1, k-1] or [-(k-1), -1]: a change of 1..k-1 reveals a
//                  small group of movers (a one-student arrival between two
//                  weekly contingents). Flows are not compared across periods.
// It does not cover:
//   * relations between different tables over time (stock(t2) - stock(t1) =
//     arrivals - departures): they are defended only by the differencing
//     rule on the stock itself;
//   * tables with different units or periods, or linked only through
//     differently named or overlapping categories (age bands cut differently);
//   * more than two linked tables beyond their pairwise links (the joint table
//     is not modelled), and integer tightening beyond the LP relaxation;
//   * means and rates (they are withheld for small groups, not modelled in
//     the LP), and anything an attacker knows from outside the releases;
//   * earlier releases are taken with the intervals they state; pairs of
//     earlier releases are not re-audited against each other;
//   * consolidation across schools at a hub (each school protects its own).
// Linked tables whose facts contradict each other (not the same population
// after all) are skipped for the linked check.

#include <optional>
#include <string>
#include <vector>

#include "appliance/core/result.hpp"
#include "federation/core/release.hpp"
#include "federation/core/table.hpp"

namespace parta::federation {

struct DisclosureRules {
  int k = 5;
  int roundingBase = 0;  // 0 (or 1): no rounding
};

enum class Attack { within_table, linked_tables, differencing };
std::string_view toString(Attack attack);

struct Finding {
  std::string tableId;
  std::string period;
  std::optional<std::size_t> ledgerIndex;  // absent: the value is in the candidate
  bool cell = true;                        // a cell, else a margin (or the grand total)
  std::size_t index = 0;                   // into cells or margins of that release
  std::string target;                      // "cell (5, Ж)", "margin grade=5", "grand total"
  Attack attack = Attack::within_table;
  // What an attacker derives: the value's range, or for differencing the
  // range of its change since the release `comparedWith` (a ledger index).
  Bounds derived;
  std::optional<std::size_t> comparedWith;
  std::string message;
};

// The integer interval a rounded published count stands for.
Bounds publishedBounds(std::int64_t published, int roundingBase);
// Rounds half up to a multiple of roundingBase (no rounding when it is 0 or 1).
std::int64_t roundCount(std::int64_t count, int roundingBase);

// Protects `table` under `rules` against itself and the ledger (everything
// the school released before); `series` says whether its periods are compared.
// Fails only on an invalid table or rules.
core::Result<ReleasedTable> protect(const Table& table, const DisclosureRules& rules,
                                    const std::vector<ReleasedTable>& ledger, Series series = Series::stock);

// Findings for `candidate` together with the ledger; empty means safe to send.
std::vector<Finding> audit(const ReleasedTable& candidate, const std::vector<ReleasedTable>& ledger);

// Fills every cell's and margin's bounds from the release's own published facts.
void stateBounds(ReleasedTable& release);

}  // namespace parta::federation
