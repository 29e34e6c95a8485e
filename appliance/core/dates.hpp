#pragma once
// Calendar dates as the API and the database write them: "YYYY-MM-DD".
// One set of helpers for the timetable, the journal and the school day.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace parta::core {

// A valid date in exactly the form YYYY-MM-DD, else nullopt.
std::optional<std::chrono::sys_days> parseDay(std::string_view date);
std::string formatDay(std::chrono::sys_days day);

// The node's wall clock: a moment as the day and the minute of that day in
// the system's local time zone (/etc/localtime, or TZ when set), the school's
// own. "Today", a release at 18:30 and "send now" mean the school's day, not
// UTC's: at 09:00 in Vladivostok it is still yesterday in UTC.
struct LocalMoment {
  std::chrono::sys_days day;
  int minuteOfDay = 0;
};
LocalMoment localMoment(std::chrono::system_clock::time_point at);
std::string localDay(std::chrono::system_clock::time_point at);
// The last second of `day` on the node's wall clock, as an instant (a due
// date "by the end of the day" where the node is).
std::chrono::system_clock::time_point localEndOfDay(std::chrono::sys_days day);

// 1 Monday … 7 Sunday (ISO).
std::optional<int> weekdayOf(std::string_view date);
// `date` moved by `days`; an invalid date comes back unchanged (callers
// have checked it).
std::string addDays(std::string_view date, int days);
// The Monday of the week `date` falls in.
std::optional<std::string> mondayOf(std::string_view date);
// to − from in days.
std::optional<int> daysBetween(std::string_view from, std::string_view to);

}  // namespace parta::core
