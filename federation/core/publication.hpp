#pragma once
// The region's documents as an administrator states them, and the school's
// release schedule (issue 5 item 2, fed-docs). Pure: the use cases that sign,
// store and fetch the documents are federation/transport/document_service.hpp.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "appliance/core/result.hpp"
#include "federation/core/catalogue.hpp"
#include "federation/core/documents.hpp"

namespace parta::federation {

// "daily HH:MM" or "weekly mon HH:MM" (the policy's own form, documents.hpp).
core::Result<Schedule> parseSchedule(std::string_view text);
std::string scheduleText(const Schedule& schedule);

// "365d", "48h" or a bare number of seconds; from 1 hour to 10 years.
core::Result<std::chrono::seconds> parseDocumentValidity(std::string_view text);

// A policy the region may sign against `catalogue`: k from 2 to 1000,
// rounding 0 or 2..1000, every table id known to the catalogue and allowed
// at that level. Errors are invalid_argument naming the field as the API
// spells it ("k", "roundingBase", "municipalTables[2]").
core::Result<void> checkPolicy(const Policy& policy, const Catalogue& catalogue);
// Sorted, without repeats: the form encodePolicy needs.
void normalisePolicy(Policy& policy);

// The scheduler's rule. `lastReleased` is the last date released by
// schedule (nullopt: never), `today` and `minuteOfDay` the clock (UTC).
// The latest scheduled day is today once the time of day has reached the
// schedule's, else the day before (weekly: the latest such weekday). The
// answer is every date after `lastReleased` up to that day, at most
// `maxDays` of them (the most recent); on the first run only today, and
// only once its time has come. Dates are "YYYY-MM-DD", oldest first.
std::vector<std::string> scheduledDates(const std::optional<std::string>& lastReleased, std::string_view today,
                                        int minuteOfDay, const Schedule& schedule, int maxDays = 40);

}  // namespace parta::federation
