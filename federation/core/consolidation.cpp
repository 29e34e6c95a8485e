#include "federation/core/consolidation.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace parta::federation {

namespace {

using core::ErrorCode;
using core::makeError;

std::string keyText(const std::vector<std::string>& key) {
  std::string out = "(";
  for (std::size_t i = 0; i < key.size(); ++i) out += (i ? ", " : "") + key[i];
  return out + ")";
}

}  // namespace

std::optional<double> TotalCell::measure() const {
  if (denominator > 0) return numerator / denominator;
  return std::nullopt;
}

core::Result<Consolidation> consolidate(std::vector<UnitTable> units) {
  Consolidation out;
  if (units.empty()) return out;
  out.tableId = units.front().tableId;
  out.period = units.front().period;
  out.dimensions = units.front().dimensions;
  std::sort(units.begin(), units.end(), [](const UnitTable& a, const UnitTable& b) { return a.unit < b.unit; });

  std::map<std::vector<std::string>, TotalCell> totals;
  // Per key, how many units listed it: a unit that did not is an exact zero.
  bool everyCellPublished = true;
  std::set<std::string> seenUnits;
  for (const auto& u : units) {
    const auto bad = [&](const std::string& what) {
      return makeError(ErrorCode::invalid_argument,
                       "consolidation of " + out.tableId + " " + out.period + ", unit " + u.unit + ": " + what);
    };
    if (!seenUnits.insert(u.unit).second) return bad("appears twice");
    if (u.tableId != out.tableId || u.period != out.period)
      return bad("is table " + u.tableId + " " + u.period + ", not " + out.tableId + " " + out.period);
    if (u.dimensions != out.dimensions) return bad("has other dimensions");
    std::set<std::vector<std::string>> keys;
    for (const auto& c : u.cells) {
      if (c.key.size() != out.dimensions.size())
        return bad("key " + keyText(c.key) + " has the wrong number of values");
      if (!keys.insert(c.key).second) return bad("key " + keyText(c.key) + " repeats");
      if (c.low < 0 || c.low > c.high) return bad("key " + keyText(c.key) + ": bounds inverted or negative");
      // A rounded count may lie outside the interval: the release's own
      // margins can narrow where the true count is (published 45, true
      // count in [46, 47]), so the two are not checked against each other.
      if (c.numerator.has_value() != c.denominator.has_value())
        return bad("key " + keyText(c.key) + ": a numerator without a denominator or the reverse");
      auto& t = totals[c.key];
      t.key = c.key;
      t.low += c.low;
      t.high += c.high;
      if (!c.count) {
        ++t.suppressedUnits;
        everyCellPublished = false;
      }
      if (c.numerator) {
        t.numerator += *c.numerator;
        t.denominator += *c.denominator;
        ++t.measureUnits;
      }
      out.grandLow += c.low;
      out.grandHigh += c.high;
    }
  }
  // Counts: exact only when no unit suppressed the key. Units without the
  // key contributed an exact zero. The measure is complete when every unit
  // that listed the key published its parts.
  std::map<std::vector<std::string>, std::int64_t> sums;
  std::map<std::vector<std::string>, int> listed;
  for (const auto& u : units)
    for (const auto& c : u.cells) {
      ++listed[c.key];
      if (c.count) sums[c.key] += *c.count;
    }
  std::int64_t grand = 0;
  for (auto& [key, t] : totals) {
    if (t.suppressedUnits == 0) {
      t.count = sums[key];
      grand += *t.count;
    }
    t.measureComplete = t.measureUnits == listed[key];
    out.totals.push_back(t);
  }
  if (everyCellPublished) out.grandCount = grand;
  out.units = std::move(units);
  return out;
}

core::Result<UnitTable> marginal(const UnitTable& table, const std::vector<std::string>& keep) {
  std::vector<std::size_t> at;
  for (const auto& d : keep) {
    const auto it = std::find(table.dimensions.begin(), table.dimensions.end(), d);
    if (it == table.dimensions.end())
      return makeError(ErrorCode::invalid_argument, "margin of " + table.tableId + ": no dimension " + d);
    at.push_back(static_cast<std::size_t>(it - table.dimensions.begin()));
  }
  struct Sum {
    PublishedCell cell;
    bool exact = true, measure = true;
  };
  std::map<std::vector<std::string>, Sum> sums;
  for (const auto& c : table.cells) {
    if (c.key.size() != table.dimensions.size())
      return makeError(ErrorCode::invalid_argument,
                       "margin of " + table.tableId + ": key " + keyText(c.key) + " has the wrong number of values");
    std::vector<std::string> key;
    for (auto i : at) key.push_back(c.key[i]);
    auto& s = sums[key];
    s.cell.key = key;
    s.cell.low += c.low;
    s.cell.high += c.high;
    if (c.count)
      s.cell.count = s.cell.count.value_or(0) + *c.count;
    else
      s.exact = false;
    if (c.numerator) {
      s.cell.numerator = s.cell.numerator.value_or(0) + *c.numerator;
      s.cell.denominator = s.cell.denominator.value_or(0) + *c.denominator;
    } else {
      s.measure = false;
    }
  }
  UnitTable out{table.unit, table.tableId, table.period, keep, {}};
  for (auto& [key, s] : sums) {
    if (!s.exact) s.cell.count.reset();
    if (!s.measure) {
      s.cell.numerator.reset();
      s.cell.denominator.reset();
    }
    out.cells.push_back(std::move(s.cell));
  }
  return out;
}

UnitTable asUnitTable(const Consolidation& consolidation, std::string unit) {
  UnitTable u;
  u.unit = std::move(unit);
  u.tableId = consolidation.tableId;
  u.period = consolidation.period;
  u.dimensions = consolidation.dimensions;
  for (const auto& t : consolidation.totals) {
    PublishedCell c;
    c.key = t.key;
    c.count = t.count;
    c.low = t.low;
    c.high = t.high;
    if (t.measureComplete && t.measureUnits > 0) {
      c.numerator = t.numerator;
      c.denominator = t.denominator;
    }
    u.cells.push_back(std::move(c));
  }
  return u;
}

}  // namespace parta::federation
