#pragma once
// When the relay tries again after a failed send: full-jitter exponential
// backoff with a cap, and a parent's Retry-After taking precedence. Pure:
// the random source is injected so tests can pin it.
//
// Full jitter (a uniform draw from [0, min(cap, base * 2^attempt)]) spreads
// fifty schools that lost the same link over the whole window instead of
// having them return together at the same instants.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>

namespace parta::federation {

using Millis = std::chrono::milliseconds;

struct BackoffPolicy {
  Millis base{1'000};
  Millis cap{10 * 60'000};
};

// Returns a number uniformly from [0, bound] (both inclusive).
using UniformRandom = std::function<std::uint64_t(std::uint64_t bound)>;

// The upper end of the window after `failures` consecutive failures (1: the
// first failure): min(cap, base * 2^(failures-1)); zero failures: zero.
Millis backoffWindow(const BackoffPolicy& policy, std::uint32_t failures);

// The delay before the next attempt. A Retry-After from the parent wins
// when it is longer than the drawn delay (it knows its load), but is itself
// held to the cap so a wrong header cannot park a school for a week.
Millis nextDelay(const BackoffPolicy& policy, std::uint32_t failures, const UniformRandom& random,
                 std::optional<Millis> retryAfter = std::nullopt);

// Parses a Retry-After header given in seconds ("120"); the HTTP-date form
// is not used between Parta nodes and gives nullopt, as does garbage.
std::optional<Millis> parseRetryAfter(std::string_view header);

}  // namespace parta::federation
