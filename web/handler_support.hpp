#pragma once
// Small decoding and encoding helpers every *_handlers.cpp uses: JSON out,
// ids and bounded numbers in, the 400 for a bad field. Internal to web/.

#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "appliance/core/ports.hpp"
#include "web/http.hpp"

namespace parta::web::handlers {

using json = nlohmann::json;

// Invalid UTF-8 (never produced by the core, but a stored value could hold
// it) is replaced rather than thrown on.
inline std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

// An instant as ISO 8601 UTC to the second: "2026-11-23T18:40:00Z".
inline std::string isoUtc(core::TimePoint t) {
  const auto secs = std::chrono::floor<std::chrono::seconds>(t);
  const auto days = std::chrono::floor<std::chrono::days>(secs);
  const std::chrono::year_month_day ymd{days};
  const std::chrono::hh_mm_ss hms{secs - days};
  char out[48];
  std::snprintf(out, sizeof out, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return out;
}
inline json timeOrNull(const std::optional<core::TimePoint>& t) { return t ? json(isoUtc(*t)) : json(nullptr); }

inline Response bad(const std::string& message) { return errorResponse(400, "invalid_argument", message); }
inline Response notAnObject() { return bad("the request body must be a JSON object"); }

// A positive id in decimal, nothing else.
inline std::optional<std::uint64_t> parseId(std::string_view text) {
  std::uint64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || p != text.data() + text.size() || v == 0) return std::nullopt;
  return v;
}

inline std::optional<int> parseInt(std::string_view text, int min, int max) {
  int v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || p != text.data() + text.size() || v < min || v > max) return std::nullopt;
  return v;
}

inline std::optional<json> parseObject(const std::string& body) {
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  return j;
}

inline json idOrNull(const std::optional<std::uint64_t>& v) { return v ? json(*v) : json(nullptr); }

}  // namespace parta::web::handlers
