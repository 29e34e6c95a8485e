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
