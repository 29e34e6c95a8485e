#include "federation/core/backoff.hpp"

#include <vector>

#include <cppunit/extensions/HelperMacros.h>

namespace parta::federation {

namespace {
using namespace std::chrono_literals;
const BackoffPolicy kPolicy{1000ms, 60'000ms};

// Records the bounds it was asked for and answers a fixed fraction of them.
struct ScriptedRandom {
  explicit ScriptedRandom(double f = 1.0) : fraction(f) {}
  double fraction;
  std::vector<std::uint64_t> bounds;
  UniformRandom fn() {
    return [this](std::uint64_t bound) {
      bounds.push_back(bound);
      return static_cast<std::uint64_t>(static_cast<double>(bound) * fraction);
    };
  }
};
}  // namespace

class BackoffTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(BackoffTest);
  CPPUNIT_TEST(windowDoublesUpToTheCap);
  CPPUNIT_TEST(windowNeverOverflows);
  CPPUNIT_TEST(delayIsDrawnFromTheWholeWindow);
  CPPUNIT_TEST(noFailureMeansNoDelay);
  CPPUNIT_TEST(retryAfterWinsWhenLongerButIsCapped);
  CPPUNIT_TEST(retryAfterIsParsedInSecondsOnly);
  CPPUNIT_TEST_SUITE_END();

 public:
  void windowDoublesUpToTheCap() {
    CPPUNIT_ASSERT(backoffWindow(kPolicy, 1) == 1000ms);
    CPPUNIT_ASSERT(backoffWindow(kPolicy, 2) == 2000ms);
    CPPUNIT_ASSERT(backoffWindow(kPolicy, 6) == 32'000ms);
    CPPUNIT_ASSERT(backoffWindow(kPolicy, 7) == 60'000ms);
    CPPUNIT_ASSERT(backoffWindow(kPolicy, 8) == 60'000ms);
  }

  void windowNeverOverflows() {
    // A school offline for a month fails thousands of times in a row.
    CPPUNIT_ASSERT(backoffWindow(kPolicy, 100'000) == 60'000ms);
    CPPUNIT_ASSERT(backoffWindow(BackoffPolicy{1ms, 24h}, 4'000'000'000u) == 24h);
  }

  void delayIsDrawnFromTheWholeWindow() {
    // Full jitter: the draw is over [0, window], not [window/2, window].
    ScriptedRandom low{0.0}, high{1.0}, mid{0.5};
    CPPUNIT_ASSERT(nextDelay(kPolicy, 3, low.fn()) == 0ms);
    CPPUNIT_ASSERT(nextDelay(kPolicy, 3, high.fn()) == 4000ms);
    CPPUNIT_ASSERT(nextDelay(kPolicy, 3, mid.fn()) == 2000ms);
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, mid.bounds.size());
    CPPUNIT_ASSERT_EQUAL(std::uint64_t{4000}, mid.bounds[0]);
    // A random source answering beyond its bound is held to the window.
    auto wild = [](std::uint64_t bound) { return bound * 10; };
    CPPUNIT_ASSERT(nextDelay(kPolicy, 20, wild) == 60'000ms);
  }

  void noFailureMeansNoDelay() {
    ScriptedRandom r;
    CPPUNIT_ASSERT(nextDelay(kPolicy, 0, r.fn()) == 0ms);
    CPPUNIT_ASSERT(r.bounds.empty());
  }

  void retryAfterWinsWhenLongerButIsCapped() {
    ScriptedRandom low{0.0}, high{1.0};
    CPPUNIT_ASSERT(nextDelay(kPolicy, 1, low.fn(), 30'000ms) == 30'000ms);
    // The drawn delay is longer than the parent asked: keep it.
    CPPUNIT_ASSERT(nextDelay(kPolicy, 7, high.fn(), 5'000ms) == 60'000ms);
    // A week-long Retry-After does not park the school beyond the cap.
    CPPUNIT_ASSERT(nextDelay(kPolicy, 1, low.fn(), std::chrono::hours(24 * 7)) == 60'000ms);
  }

  void retryAfterIsParsedInSecondsOnly() {
    CPPUNIT_ASSERT(parseRetryAfter("120") == std::optional<Millis>(120'000ms));
    CPPUNIT_ASSERT(parseRetryAfter(" 0 ") == std::optional<Millis>(0ms));
    CPPUNIT_ASSERT(!parseRetryAfter("Wed, 21 Oct 2026 07:28:00 GMT"));
    CPPUNIT_ASSERT(!parseRetryAfter("-5"));
    CPPUNIT_ASSERT(!parseRetryAfter(""));
    CPPUNIT_ASSERT(!parseRetryAfter("99999999999"));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(BackoffTest);

}  // namespace parta::federation
