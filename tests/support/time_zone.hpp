#pragma once
// The process's time zone for a test's scope (TZ, a POSIX string such as
// "<+10>-10" or "UTC0": no tzdata needed), restored after it. Unit tests
// run one at a time in their process, so changing TZ is safe there.

#include <cstdlib>
#include <ctime>
#include <optional>
#include <string>

namespace parta::test {

class ScopedTimeZone {
 public:
  explicit ScopedTimeZone(const char* tz) {
    if (const char* was = std::getenv("TZ")) was_ = was;
    set(tz);
  }
  ~ScopedTimeZone() {
    if (was_)
      set(was_->c_str());
    else {
      unsetenv("TZ");
      tzset();
    }
  }
  ScopedTimeZone(const ScopedTimeZone&) = delete;
  ScopedTimeZone& operator=(const ScopedTimeZone&) = delete;

  static void set(const char* tz) {
    setenv("TZ", tz, 1);
    tzset();
  }

 private:
  std::optional<std::string> was_;
};

}  // namespace parta::test
