#include "appliance/core/dates.hpp"

#include <cstdio>
#include <ctime>

namespace parta::core {

std::optional<std::chrono::sys_days> parseDay(std::string_view date) {
  if (date.size() != 10 || date[4] != '-' || date[7] != '-') return std::nullopt;
  int y = 0;
  unsigned m = 0, d = 0;
  for (std::size_t i = 0; i < 10; ++i) {
    if (i == 4 || i == 7) continue;
    if (date[i] < '0' || date[i] > '9') return std::nullopt;
    const auto digit = static_cast<unsigned>(date[i] - '0');
    if (i < 4)
      y = y * 10 + static_cast<int>(digit);
    else if (i < 7)
      m = m * 10 + digit;
    else
      d = d * 10 + digit;
  }
  const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
  if (!ymd.ok()) return std::nullopt;
  return std::chrono::sys_days{ymd};
}

LocalMoment localMoment(std::chrono::system_clock::time_point at) {
  const std::time_t t = std::chrono::system_clock::to_time_t(at);
  std::tm local{};
  localtime_r(&t, &local);
  const std::chrono::year_month_day ymd{std::chrono::year{local.tm_year + 1900},
                                        std::chrono::month{static_cast<unsigned>(local.tm_mon + 1)},
                                        std::chrono::day{static_cast<unsigned>(local.tm_mday)}};
  return LocalMoment{std::chrono::sys_days{ymd}, local.tm_hour * 60 + local.tm_min};
}

std::string localDay(std::chrono::system_clock::time_point at) { return formatDay(localMoment(at).day); }

std::chrono::system_clock::time_point localEndOfDay(std::chrono::sys_days day) {
  const std::chrono::year_month_day next{day + std::chrono::days{1}};
  std::tm midnight{};
  midnight.tm_year = static_cast<int>(next.year()) - 1900;
  midnight.tm_mon = static_cast<int>(static_cast<unsigned>(next.month())) - 1;
  midnight.tm_mday = static_cast<int>(static_cast<unsigned>(next.day()));
  midnight.tm_isdst = -1;  // whatever the zone says for that date
  return std::chrono::system_clock::from_time_t(std::mktime(&midnight)) - std::chrono::seconds{1};
}

std::string formatDay(std::chrono::sys_days day) {
  const std::chrono::year_month_day ymd{day};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return buf;
}

std::optional<int> weekdayOf(std::string_view date) {
  auto d = parseDay(date);
  if (!d) return std::nullopt;
  return static_cast<int>(std::chrono::weekday{*d}.iso_encoding());
}

std::string addDays(std::string_view date, int days) {
  auto d = parseDay(date);
  if (!d) return std::string(date);
  return formatDay(*d + std::chrono::days{days});
}

std::optional<std::string> mondayOf(std::string_view date) {
  auto d = parseDay(date);
  if (!d) return std::nullopt;
  const auto back = std::chrono::weekday{*d}.iso_encoding() - 1;  // Monday 0 … Sunday 6
  return formatDay(*d - std::chrono::days{back});
}

std::optional<int> daysBetween(std::string_view from, std::string_view to) {
  auto a = parseDay(from), b = parseDay(to);
  if (!a || !b) return std::nullopt;
  return static_cast<int>((*b - *a).count());
}

}  // namespace parta::core
