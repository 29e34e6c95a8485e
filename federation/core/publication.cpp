#include "federation/core/publication.hpp"

#include <algorithm>
#include <array>
#include <charconv>

#include "appliance/core/dates.hpp"

namespace parta::federation {

using core::ErrorCode;

namespace {

constexpr std::array<std::string_view, 7> kWeekdayNames = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

std::optional<int> number(std::string_view text, int max) {
  if (text.empty() || text.size() > 9) return std::nullopt;
  int n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || n < 0 || n > max) return std::nullopt;
  return n;
}

std::string twoDigits(int n) {
  return std::string(1, static_cast<char>('0' + n / 10)) + static_cast<char>('0' + n % 10);
}

}  // namespace

core::Result<Schedule> parseSchedule(std::string_view text) {
  const auto bad = [] {
    return core::makeError(ErrorCode::invalid_argument, R"(schedule: expected "daily HH:MM" or "weekly mon HH:MM")");
  };
  Schedule s;
  std::string_view time;
  if (text.starts_with("daily ")) {
    s.frequency = Schedule::Frequency::daily;
    time = text.substr(6);
  } else if (text.starts_with("weekly ") && text.size() > 11 && text[10] == ' ') {
    s.frequency = Schedule::Frequency::weekly;
    const auto it = std::find(kWeekdayNames.begin(), kWeekdayNames.end(), text.substr(7, 3));
    if (it == kWeekdayNames.end()) return bad();
    s.weekday = static_cast<int>(it - kWeekdayNames.begin()) + 1;
    time = text.substr(11);
  } else {
    return bad();
  }
  if (time.size() != 5 || time[2] != ':') return bad();
  const auto hh = number(time.substr(0, 2), 23);
  const auto mm = number(time.substr(3, 2), 59);
  if (!hh || !mm) return bad();
  s.hour = *hh;
  s.minute = *mm;
  return s;
}

std::string scheduleText(const Schedule& s) {
  std::string out =
      s.frequency == Schedule::Frequency::weekly
          ? "weekly " + std::string(kWeekdayNames[static_cast<std::size_t>(std::clamp(s.weekday, 1, 7) - 1)])
          : std::string("daily");
  return out + " " + twoDigits(s.hour) + ":" + twoDigits(s.minute);
}

core::Result<std::chrono::seconds> parseDocumentValidity(std::string_view text) {
  std::size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  const auto n = number(text.substr(0, digits), 100'000'000);
  const auto unit = text.substr(digits);
  std::chrono::seconds s{0};
  if (n && unit == "d")
    s = std::chrono::days(*n);
  else if (n && unit == "h")
    s = std::chrono::hours(*n);
  else if (n && (unit.empty() || unit == "s"))
    s = std::chrono::seconds(*n);
  else
    return core::makeError(ErrorCode::invalid_argument, R"(validFor: expected a duration such as "365d" or "48h")");
  if (s < std::chrono::hours(1) || s > std::chrono::days(3660))
    return core::makeError(ErrorCode::invalid_argument, "validFor: from 1 hour to 10 years");
  return s;
}

void normalisePolicy(Policy& policy) {
  for (auto* list : {&policy.municipalTables, &policy.regionalTables}) {
    std::sort(list->begin(), list->end());
    list->erase(std::unique(list->begin(), list->end()), list->end());
  }
}

core::Result<void> checkPolicy(const Policy& policy, const Catalogue& catalogue) {
  if (policy.k < 2 || policy.k > 1000)
    return core::makeError(ErrorCode::invalid_argument, "k: expected a whole number from 2 to 1000");
  if (policy.roundingBase < 0 || policy.roundingBase == 1 || policy.roundingBase > 1000)
    return core::makeError(ErrorCode::invalid_argument, "roundingBase: expected 0 (none) or a base from 2 to 1000");
  const auto checkList = [&](const std::vector<std::string>& ids, const char* field,
                             Level level) -> core::Result<void> {
    for (std::size_t i = 0; i < ids.size(); ++i) {
      const auto name = std::string(field) + "[" + std::to_string(i) + "]";
      const auto* spec = catalogue.find(ids[i]);
      if (!spec)
        return core::makeError(
            ErrorCode::invalid_argument,
            name + ": \"" + ids[i] + "\" is not a table of catalogue version " + std::to_string(catalogue.version));
      if ((spec->levels & level) == 0)
        return core::makeError(ErrorCode::invalid_argument,
                               name + ": the catalogue does not let this level receive \"" + ids[i] + "\"");
    }
    return {};
  };
  if (auto r = checkList(policy.municipalTables, "municipalTables", kMunicipal); !r) return r;
  if (auto r = checkList(policy.regionalTables, "regionalTables", kRegional); !r) return r;
  if (policy.schedule.hour < 0 || policy.schedule.hour > 23 || policy.schedule.minute < 0 ||
      policy.schedule.minute > 59 || policy.schedule.weekday < 1 || policy.schedule.weekday > 7)
    return core::makeError(ErrorCode::invalid_argument, "schedule: the time is not HH:MM");
  return {};
}

std::vector<std::string> scheduledDates(const std::optional<std::string>& lastReleased, std::string_view today,
                                        int minuteOfDay, const Schedule& schedule, int maxDays) {
  const auto day = core::parseDay(today);
  if (!day || maxDays < 1) return {};
  const bool timeHasCome = minuteOfDay >= schedule.hour * 60 + schedule.minute;
  // The latest day whose scheduled moment has passed.
  auto latest = timeHasCome ? *day : *day - std::chrono::days(1);
  if (schedule.frequency == Schedule::Frequency::weekly) {
    for (int i = 0; i < 7; ++i) {
      const auto wd = std::chrono::weekday(latest).iso_encoding();
      if (static_cast<int>(wd) == schedule.weekday) break;
      latest -= std::chrono::days(1);
    }
  }
  if (!lastReleased) {
    if (latest != *day) return {};
    return {std::string(today)};
  }
  const auto last = core::parseDay(*lastReleased);
  if (!last) return {std::string(today)};
  auto from = *last + std::chrono::days(1);
  if (latest - from >= std::chrono::days(maxDays)) from = latest - std::chrono::days(maxDays - 1);
  std::vector<std::string> out;
  for (auto d = from; d <= latest; d += std::chrono::days(1)) out.push_back(core::formatDay(d));
  return out;
}

}  // namespace parta::federation
