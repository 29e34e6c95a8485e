#pragma once
// The real clock, for the composition root. Tests inject their own.

#include "appliance/core/ports.hpp"

namespace parta::core {

class SystemTimeSource final : public TimeSource {
 public:
  TimePoint now() const override { return Clock::now(); }
};

}  // namespace parta::core
