#pragma once
// What a school releases and under which rules (issue 5, fed-pipeline): the
// catalogue tables its parent's level may receive, the periods due on a
// date, and the disclosure rules of each table. Pure: the pipeline that
// computes, protects, seals and queues them is federation/transport/
// release_pipeline.hpp.
//
// Rules until a signed policy is received: k = 5; stock tables (a state on
// a day) are rounded to base 5, flows (everything counted over a month,
// study period or year) are exact. Without rounding the differencing rule
// withholds most of a weekly contingent (a handful of arrivals and
// departures touch many cells); with rounding a one-student change hides in
// the rounding interval. A received policy sets k and the rounding base for
// every table.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "appliance/core/result.hpp"
#include "federation/core/catalogue.hpp"
#include "federation/core/disclosure.hpp"
#include "federation/core/documents.hpp"

namespace parta::federation {

inline constexpr int kDefaultK = 5;
inline constexpr int kDefaultStockRounding = 5;

// A day table counts a state (stock); other period kinds count events.
Series seriesOf(const TableSpec& spec);
// The policy's k and rounding base when there is one, else the defaults above.
DisclosureRules rulesFor(const TableSpec& spec, const std::optional<Policy>& policy);

// The catalogue's tables `level` (kMunicipal or kRegional) may receive: the
// catalogue's own levels, narrowed by the policy's list for that level.
std::vector<TableSpec> tablesForLevel(const Catalogue& catalogue, Level level, const std::optional<Policy>& policy);

struct DueRelease {
  TableSpec spec;
  std::string period;
};

// Every table of `tables` whose period kind accepts `period` ("2026-12-10"
// names the day tables, "2026-12" the month tables, ...). invalid_argument
// when no kind accepts it.
core::Result<std::vector<DueRelease>> releasesForPeriod(const std::vector<TableSpec>& tables, std::string_view period);

// What is due on `date` (YYYY-MM-DD): day tables for that day; on the first
// of a month, month tables for the previous month; on 1 September, year
// tables for the school year that ended. Study-period tables follow each
// grade's own scheme, which the date alone does not tell: they are released
// by naming the period (releasesForPeriod).
core::Result<std::vector<DueRelease>> releasesDueOn(const std::vector<TableSpec>& tables, std::string_view date);

}  // namespace parta::federation
