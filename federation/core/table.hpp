#pragma once
// An aggregate table as a school computes it from its own records, before
// disclosure control (DESIGN.md §5). Nothing here names a person: a cell is
// a combination of dimension values and how many units fall into it.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "appliance/core/result.hpp"

namespace parta::federation {

struct Cell {
  std::vector<std::string> key;  // one value per dimension, in the table's order
  // Distinct persons behind the cell: what the threshold k is applied to.
  std::int64_t persons = 0;
  // The published frequency: equal to persons for tables of people; for
  // tables of other units (marks, lessons, classes) the count of those.
  std::int64_t count = 0;
  // Tables with a measure (a rate or a mean) carry its parts, so totals can
  // be formed exactly: measure = numerator / denominator.
  std::optional<double> numerator;
  std::optional<double> denominator;
};

struct Table {
  std::string id;      // catalogue table id, e.g. "contingent"
  std::string period;  // "2026-11-23" (day), "2026-11" (month), "2026-2027/1" (study period), "2026-2027" (year)
  std::vector<std::string> dimensions;  // e.g. {"grade", "sex", "age_band"}
  std::string unit;                     // "students", "staff", "classes", "marks", "lessons"
  std::vector<Cell> cells;              // at most one cell per key; absent keys are zero
};

// Every key has one value per dimension and no key repeats.
core::Result<void> validate(const Table& table);

}  // namespace parta::federation
