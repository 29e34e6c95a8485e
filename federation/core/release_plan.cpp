#include "federation/core/release_plan.hpp"

#include <algorithm>
#include <cstdio>

namespace parta::federation {

Series seriesOf(const TableSpec& spec) { return spec.periodKind == PeriodKind::day ? Series::stock : Series::flow; }

DisclosureRules rulesFor(const TableSpec& spec, const std::optional<Policy>& policy) {
  if (policy) return DisclosureRules{policy->k, policy->roundingBase};
  return DisclosureRules{kDefaultK, seriesOf(spec) == Series::stock ? kDefaultStockRounding : 0};
}

std::vector<TableSpec> tablesForLevel(const Catalogue& catalogue, Level level, const std::optional<Policy>& policy) {
  std::vector<TableSpec> out;
  for (const auto& t : catalogue.tables) {
    if ((t.levels & level) == 0) continue;
    if (policy) {
      const auto& allowed = level == kMunicipal ? policy->municipalTables : policy->regionalTables;
      if (std::find(allowed.begin(), allowed.end(), t.id) == allowed.end()) continue;
    }
    out.push_back(t);
  }
  return out;
}

core::Result<std::vector<DueRelease>> releasesForPeriod(const std::vector<TableSpec>& tables, std::string_view period) {
  std::vector<DueRelease> out;
  bool accepted = false;
  for (auto kind : {PeriodKind::day, PeriodKind::month, PeriodKind::study_period, PeriodKind::year}) {
    if (!parsePeriod(kind, period)) continue;
    accepted = true;
    for (const auto& t : tables)
      if (t.periodKind == kind) out.push_back(DueRelease{t, std::string(period)});
  }
  if (!accepted)
    return core::makeError(core::ErrorCode::invalid_argument,
                           "period '" + std::string(period) + "' is not a day, month, study period or school year");
  return out;
}

core::Result<std::vector<DueRelease>> releasesDueOn(const std::vector<TableSpec>& tables, std::string_view date) {
  auto day = parsePeriod(PeriodKind::day, date);
  if (!day) return day.error();
  const int year = std::stoi(std::string(date.substr(0, 4)));
  const int month = std::stoi(std::string(date.substr(5, 2)));
  const bool firstOfMonth = date.substr(8, 2) == "01";
  char previousMonth[32];  // room for any int, so -Wformat-truncation stays quiet
  std::snprintf(previousMonth, sizeof previousMonth, "%04d-%02d", month == 1 ? year - 1 : year,
                month == 1 ? 12 : month - 1);
  const std::string endedYear = std::to_string(year - 1) + "-" + std::to_string(year);
  std::vector<DueRelease> out;
  for (const auto& t : tables) {
    if (t.periodKind == PeriodKind::day)
      out.push_back(DueRelease{t, std::string(date)});
    else if (t.periodKind == PeriodKind::month && firstOfMonth)
      out.push_back(DueRelease{t, previousMonth});
    else if (t.periodKind == PeriodKind::year && firstOfMonth && month == 9)
      out.push_back(DueRelease{t, endedYear});
  }
  return out;
}

}  // namespace parta::federation
