#pragma once
// Consolidation at a hub (DESIGN.md §5): a municipal node adds up the tables
// its schools released; a regional node adds up its municipalities'
// consolidations the same way. Only published cells come in, so a total is
// an interval: a suppressed cell is known only to lie in [low, high], and
// the total's bounds are the sums of its parts' bounds. A measure (a rate or
// a mean) is recomputed from the summed numerators and denominators, never
// averaged from the parts' measures.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "appliance/core/result.hpp"

namespace parta::federation {

// One cell as a unit (a school, or a municipality) published it.
struct PublishedCell {
  std::vector<std::string> key;  // one value per dimension
  // The published frequency (possibly rounded); nullopt when suppressed.
  std::optional<std::int64_t> count;
  // What the true count is known to lie in: [count, count] when published
  // exactly, the rounding interval when rounded (which the release's
  // margins may narrow so that it no longer holds the rounded count itself:
  // published 45 at base 5, true count in [46, 47]), [0, bound] or the
  // auditor's interval when suppressed.
  std::int64_t low = 0, high = 0;
  // The parts of the measure, when the table has one and it was published.
  std::optional<double> numerator, denominator;

  bool operator==(const PublishedCell&) const = default;
};

// One unit's release of a table for a period. Keys it does not list are
// zero, exactly.
struct UnitTable {
  std::string unit;  // the school's or the municipality's node name
  std::string tableId, period;
  std::vector<std::string> dimensions;
  std::vector<PublishedCell> cells;
};

struct TotalCell {
  std::vector<std::string> key;
  std::int64_t low = 0, high = 0;     // sums of the parts' bounds
  std::optional<std::int64_t> count;  // the exact sum when every part published its count
  int suppressedUnits = 0;            // units whose cell for this key was suppressed
  // Sums over the units that published the measure's parts for this key.
  double numerator = 0, denominator = 0;
  int measureUnits = 0;          // how many units contributed to numerator/denominator
  bool measureComplete = false;  // every unit with the key published its parts
  // numerator / denominator, when there is a denominator above zero.
  std::optional<double> measure() const;
};

struct Consolidation {
  std::string tableId, period;
  std::vector<std::string> dimensions;
  std::vector<UnitTable> units;   // the per-unit rows as received, ordered by unit
  std::vector<TotalCell> totals;  // one per key any unit listed, ordered by key
  // All keys together: bounds and, when every cell of every unit was
  // published, the exact count.
  std::int64_t grandLow = 0, grandHigh = 0;
  std::optional<std::int64_t> grandCount;
};

// Adds up the units' tables. Refused (invalid_argument, naming the unit and
// the key) when they are of different tables, periods or dimensions, a unit
// appears twice, a key has the wrong number of values or repeats in a unit,
// or a cell's bounds are inverted or do not hold its count.
core::Result<Consolidation> consolidate(std::vector<UnitTable> units);

// The unit's table summed over the dimensions not in `keep` (a margin, e.g.
// contingent by grade alone from grade x sex x age band), with the same
// interval and measure rules as consolidate(). invalid_argument when `keep`
// names a dimension the table does not have.
core::Result<UnitTable> marginal(const UnitTable& table, const std::vector<std::string>& keep);

// A consolidation as one unit's table for the level above: exact totals
// become published counts, the others suppressed cells with their bounds;
// the measure's parts travel only when complete (a partial sum would be
// mistaken for the whole).
UnitTable asUnitTable(const Consolidation& consolidation, std::string unit);

}  // namespace parta::federation
