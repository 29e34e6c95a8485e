#include "federation/core/backoff.hpp"

#include <algorithm>
#include <charconv>
#include <string_view>

namespace parta::federation {

Millis backoffWindow(const BackoffPolicy& policy, std::uint32_t failures) {
  if (failures == 0) return Millis{0};
  const auto cap = std::max<std::int64_t>(policy.cap.count(), 0);
  std::int64_t window = std::max<std::int64_t>(policy.base.count(), 0);
  // Doubling stops at the cap, so it never overflows however many failures.
  for (std::uint32_t i = 1; i < failures && window < cap; ++i) window *= 2;
  return Millis{std::min(window, cap)};
}

Millis nextDelay(const BackoffPolicy& policy, std::uint32_t failures, const UniformRandom& random,
                 std::optional<Millis> retryAfter) {
  const auto window = backoffWindow(policy, failures);
  Millis drawn{0};
  if (window.count() > 0) {
    const auto bound = static_cast<std::uint64_t>(window.count());
    drawn = Millis{static_cast<std::int64_t>(std::min(random(bound), bound))};
  }
  if (retryAfter && *retryAfter > drawn) return std::min(*retryAfter, policy.cap);
  return drawn;
}

std::optional<Millis> parseRetryAfter(std::string_view header) {
  while (!header.empty() && (header.front() == ' ' || header.front() == '\t')) header.remove_prefix(1);
  while (!header.empty() && (header.back() == ' ' || header.back() == '\t')) header.remove_suffix(1);
  std::uint64_t seconds = 0;
  auto [p, ec] = std::from_chars(header.data(), header.data() + header.size(), seconds);
  if (header.empty() || ec != std::errc{} || p != header.data() + header.size() || seconds > 7 * 24 * 3600)
    return std::nullopt;
  return Millis{static_cast<std::int64_t>(seconds * 1000)};
}

}  // namespace parta::federation
