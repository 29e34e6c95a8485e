#pragma once
// A hub's view of its children's returns (issue 5, item 7): when a table for
// a period is due, what state a child's return is in, what an analyst's
// approval means once a correction arrives, how received cells become the
// consolidation's input, and what a municipality forwards upward. Pure; the
// storage is federation/transport/hub_repository.*.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "appliance/core/ports.hpp"
#include "appliance/core/result.hpp"
#include "federation/core/catalogue.hpp"
#include "federation/core/consolidation.hpp"
#include "federation/core/release.hpp"

namespace parta::federation {

// When a table for a period is due at the hub, on the hub's wall clock (the
// system time zone, core::localEndOfDay). The default rule, until a policy
// says otherwise:
//   day           the end of the following day (2026-11-23 → 2026-11-24 23:59:59 local)
//   month         the end of the 5th day of the next month (2026-11 → 2026-12-05 23:59:59 local)
//   study_period, year  none: the hub cannot know when each school's grades
//                 end their periods, so such a return is pending until it
//                 arrives and never missing.
// invalid_argument (naming the period) when the period is not of the kind.
core::Result<std::optional<core::TimePoint>> returnDueAt(PeriodKind kind, std::string_view period);

enum class ReturnStatus { received, late, missing, pending };
std::string_view toString(ReturnStatus status);
// received: the newest revision arrived by the due time (or there is none);
// late: it arrived after it; missing: nothing arrived and the due time has
// passed; pending: nothing arrived, not yet due.
ReturnStatus returnStatus(const std::optional<core::TimePoint>& dueAt, const std::optional<core::TimePoint>& receivedAt,
                          core::TimePoint now);

enum class ApprovalState { open, approved, reopened };
std::string_view toString(ApprovalState state);
// open: received, never approved; approved: the newest revision is the one
// approved; reopened: a newer revision (a late correction) arrived after the
// approval. nullopt when nothing was received and nothing approved.
std::optional<ApprovalState> approvalState(const std::optional<std::uint32_t>& newestRevision,
                                           const std::optional<std::uint32_t>& approvedRevision);

// received_cells store a suppressed value's unbounded upper bound as NULL;
// consolidation adds integers, so an unbounded bound enters as this value and
// any sum at or above it is unbounded again (reports show high: null).
// 1e13: above any real count (kMaxReleaseCount is 1e12), and small enough
// that consolidate()'s sums over many unbounded cells cannot overflow.
inline constexpr std::int64_t kUnboundedHigh = 10'000'000'000'000;
inline bool unbounded(std::int64_t high) { return high >= kUnboundedHigh; }

// One cell as the inbox stored it (received_cells), before it becomes a
// PublishedCell.
struct StoredCell {
  std::string key;  // values joined with '|'
  std::optional<std::int64_t> count, low, high;
  std::optional<double> numerator, denominator;
};

// The consolidation's input from stored cells. A school (and a forwarding
// municipality) publishes a mean or rate as the ratio only (`numerator`,
// denominator NULL); it is weighted by the cell's published count: numerator
// = ratio × count, denominator = count, so a total's measure is the
// count-weighted mean of the units' ratios (exact for the catalogue's rates
// and means, whose denominator is the count; with rounded counts it is
// weighted by the rounded counts). A cell whose ratio was withheld has no
// measure parts, so consolidation marks the total's measure incomplete and
// reports show it as null. A missing low is 0 (or the count), a missing
// high unbounded (kUnboundedHigh).
core::Result<UnitTable> unitTableFromStored(std::string unit, const TableSpec& spec, const std::string& period,
                                            const std::vector<StoredCell>& cells);

// A total as a report shows it.
struct ReportTotal {
  std::vector<std::string> key;
  std::optional<std::int64_t> count;
  std::int64_t low = 0;
  std::optional<std::int64_t> high;  // nullopt: unbounded
  std::optional<double> measure;     // only when every unit published its part
  bool exact = false;
};
ReportTotal reportTotal(const TotalCell& total);

// What a municipality forwards to the region for one table and period: its
// consolidation (asUnitTable) in the release text form (encodeRelease), so
// the region's inbox stores it with the same decoder as a school's release.
// Cells: an exact total is published (why none) with its ratio when the
// measure is complete; any other total is suppressed (why complementary: a
// part of it was withheld) with [low, high] (high absent when unbounded).
// Margins (per dimension value, and the grand total) are summed from the
// cells by the same rules. k and rounding are the municipality's: k = 1,
// rounding 0 (it adds up what was already protected; nothing new is
// revealed by a sum of published values).
ReleasedTable consolidationRelease(const Consolidation& consolidation, const TableSpec& spec);

}  // namespace parta::federation
