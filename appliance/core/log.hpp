#pragma once
// Structured logs: one JSON object per line on stderr. Callers pass fields,
// never request bodies, cookies or passwords.

#include <cstdio>
#include <initializer_list>
#include <mutex>
#include <string>
#include <string_view>
#include <type_traits>

#include "appliance/core/config.hpp"

namespace parta::core {

struct LogField {
  LogField(std::string_view k, std::string_view v) : key(k), value(v) {}
  LogField(std::string_view k, const char* v) : key(k), value(v) {}
  LogField(std::string_view k, const std::string& v) : key(k), value(v) {}
  template <typename Number, typename = std::enable_if_t<std::is_arithmetic_v<Number>>>
  LogField(std::string_view k, Number n) : key(k), value(std::to_string(n)), number(true) {}
  std::string_view key;
  std::string value;
  bool number = false;
};

class Logger {
 public:
  explicit Logger(LogLevel minimum = LogLevel::info, std::FILE* out = stderr) : minimum_(minimum), out_(out) {}
  bool enabled(LogLevel level) const { return level >= minimum_; }
  void log(LogLevel level, std::string_view event, std::initializer_list<LogField> fields = {});
  void info(std::string_view event, std::initializer_list<LogField> fields = {}) { log(LogLevel::info, event, fields); }
  void warn(std::string_view event, std::initializer_list<LogField> fields = {}) { log(LogLevel::warn, event, fields); }
  void error(std::string_view event, std::initializer_list<LogField> fields = {}) {
    log(LogLevel::error, event, fields);
  }

 private:
  LogLevel minimum_;
  std::FILE* out_;
  std::mutex mutex_;
};

// Appends `s` to `out` as the inside of a JSON string literal.
void appendJsonEscaped(std::string& out, std::string_view s);

}  // namespace parta::core
