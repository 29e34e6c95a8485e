#include "federation/core/returns.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>

#include "appliance/core/dates.hpp"
#include "federation/core/release_plan.hpp"

namespace parta::federation {

namespace {

using core::ErrorCode;
using core::makeError;

std::vector<std::string> splitKey(const std::string& key) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    const auto bar = key.find('|', start);
    out.push_back(key.substr(start, bar == std::string::npos ? std::string::npos : bar - start));
    if (bar == std::string::npos) break;
    start = bar + 1;
  }
  return out;
}

}  // namespace

core::Result<std::optional<core::TimePoint>> returnDueAt(PeriodKind kind, std::string_view period) {
  auto ref = parsePeriod(kind, period);
  if (!ref) return ref.error();
  switch (kind) {
    case PeriodKind::day:
    case PeriodKind::month: {
      const auto to = core::parseDay(ref->to);
      if (!to) return makeError(ErrorCode::invalid_argument, "period " + std::string(period) + ": no end date");
      // A day: the end of the next day; a month (to = its last day): the end
      // of the 5th of the next; the hub's own day (its time zone).
      return std::optional<core::TimePoint>{
          core::localEndOfDay(*to + std::chrono::days{kind == PeriodKind::day ? 1 : 5})};
    }
    case PeriodKind::study_period:
    case PeriodKind::year:
      return std::optional<core::TimePoint>{};
  }
  return std::optional<core::TimePoint>{};
}

std::string_view toString(ReturnStatus status) {
  switch (status) {
    case ReturnStatus::received:
      return "received";
    case ReturnStatus::late:
      return "late";
    case ReturnStatus::missing:
      return "missing";
    case ReturnStatus::pending:
      return "pending";
  }
  return "pending";
}

ReturnStatus returnStatus(const std::optional<core::TimePoint>& dueAt, const std::optional<core::TimePoint>& receivedAt,
                          core::TimePoint now) {
  if (receivedAt) return dueAt && *receivedAt > *dueAt ? ReturnStatus::late : ReturnStatus::received;
  return dueAt && now > *dueAt ? ReturnStatus::missing : ReturnStatus::pending;
}

std::string_view toString(ApprovalState state) {
  switch (state) {
    case ApprovalState::open:
      return "open";
    case ApprovalState::approved:
      return "approved";
    case ApprovalState::reopened:
      return "reopened";
  }
  return "open";
}

std::optional<ApprovalState> approvalState(const std::optional<std::uint32_t>& newestRevision,
                                           const std::optional<std::uint32_t>& approvedRevision) {
  if (!approvedRevision) return newestRevision ? std::optional{ApprovalState::open} : std::nullopt;
  if (newestRevision && *newestRevision > *approvedRevision) return ApprovalState::reopened;
  return ApprovalState::approved;
}

core::Result<UnitTable> unitTableFromStored(std::string unit, const TableSpec& spec, const std::string& period,
                                            const std::vector<StoredCell>& cells) {
  UnitTable out;
  out.unit = std::move(unit);
  out.tableId = spec.id;
  out.period = period;
  for (const auto& d : spec.dimensions) out.dimensions.push_back(d.id);
  for (const auto& s : cells) {
    PublishedCell c;
    c.key = splitKey(s.key);
    if (c.key.size() != out.dimensions.size())
      return makeError(ErrorCode::invalid_argument, "cell " + s.key + " of " + out.unit + ": " +
                                                        std::to_string(c.key.size()) + " values, " + spec.id + " has " +
                                                        std::to_string(out.dimensions.size()) + " dimensions");
    c.count = s.count;
    c.low = s.low ? *s.low : s.count.value_or(0);
    c.high = s.high ? *s.high : (s.count && !s.low ? *s.count : kUnboundedHigh);
    if (spec.measure.kind != MeasureKind::none && s.count && *s.count == 0 && !s.numerator) {
      // Nobody behind the cell: it adds nothing to the measure, and does
      // not make the total's measure incomplete.
      c.numerator = 0.0;
      c.denominator = 0.0;
    } else if (spec.measure.kind != MeasureKind::none && s.numerator && s.count) {
      if (s.denominator) {
        c.numerator = *s.numerator;
        c.denominator = *s.denominator;
      } else {
        // The published ratio, weighted by the published count.
        c.numerator = *s.numerator * static_cast<double>(*s.count);
        c.denominator = static_cast<double>(*s.count);
      }
    }
    out.cells.push_back(std::move(c));
  }
  return out;
}

ReportTotal reportTotal(const TotalCell& total) {
  ReportTotal r;
  r.key = total.key;
  r.count = total.count;
  r.low = total.low;
  if (!unbounded(total.high)) r.high = total.high;
  if (total.measureComplete && total.measureUnits > 0) r.measure = total.measure();
  r.exact = total.count.has_value() && total.low == total.high;
  return r;
}

namespace {

// Rounded to the release codec's 4 decimals.
std::optional<double> ratio(const PublishedCell& c) {
  if (!c.numerator || !c.denominator || *c.denominator <= 0) return std::nullopt;
  return std::round(*c.numerator / *c.denominator * 10000.0) / 10000.0;
}

Bounds boundsOf(std::int64_t low, std::int64_t high) {
  Bounds b;
  b.low = low;
  if (!unbounded(high)) b.high = high;
  return b;
}

}  // namespace

ReleasedTable consolidationRelease(const Consolidation& consolidation, const TableSpec& spec) {
  const auto unit = asUnitTable(consolidation, "");
  ReleasedTable r;
  r.id = consolidation.tableId;
  r.period = consolidation.period;
  r.dimensions = consolidation.dimensions;
  r.unit = spec.unit;
  r.series = seriesOf(spec);
  r.k = 1;
  r.roundingBase = 0;
  for (const auto& c : unit.cells) {
    ReleasedCell out;
    out.key = c.key;
    out.count = c.count;
    out.why = c.count ? Suppression::none : Suppression::complementary;
    if (c.count) out.measure = ratio(c);
    out.bounds = boundsOf(c.low, c.high);
    r.cells.push_back(std::move(out));
  }
  // consolidate() orders totals by key (std::map over the value vectors),
  // which is the release's ascending bytewise key order.
  r.margins = marginSkeleton(r.dimensions, r.cells);
  for (auto& m : r.margins) {
    std::int64_t low = 0, high = 0, count = 0;
    bool exact = true;
    for (const auto& c : unit.cells) {
      if (m.dimension && c.key[*m.dimension] != m.value) continue;
      low += c.low;
      high = std::min(high + c.high, kUnboundedHigh);
      if (c.count)
        count += *c.count;
      else
        exact = false;
    }
    if (exact) m.count = count;
    m.why = exact ? Suppression::none : Suppression::complementary;
    m.bounds = boundsOf(low, high);
  }
  return r;
}

}  // namespace parta::federation
