#pragma once
// Prometheus text-format metrics. Routes are registered up front, so the
// per-request path is a few relaxed atomic increments and no lock.

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace parta::web {

class Metrics {
 public:
  // Returns the route's index for record().
  std::size_t addRoute(std::string method, std::string pattern);
  void record(std::size_t route, unsigned status, std::chrono::nanoseconds elapsed);
  // A gauge read when /metrics is rendered (pool usage and the like).
  void addGauge(std::string name, std::string help, std::function<double()> read);
  std::string render() const;

  static constexpr std::array<double, 12> kBuckets{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                   0.05,   0.1,   0.25,   0.5,   1.0,  2.5};

 private:
  static constexpr std::array<unsigned, 16> kStatuses{200, 201, 204, 304, 400, 401, 403, 404,
                                                      405, 409, 413, 415, 422, 431, 500, 503};
  struct RouteStats {
    std::string method, pattern;
    std::array<std::atomic<std::uint64_t>, kStatuses.size() + 1> byStatus{};  // last: other
    std::array<std::atomic<std::uint64_t>, kBuckets.size() + 1> buckets{};    // last: +Inf
    std::atomic<std::uint64_t> sumMicros{0};
  };
  struct Gauge {
    std::string name, help;
    std::function<double()> read;
  };
  std::vector<std::unique_ptr<RouteStats>> routes_;  // fixed after start-up
  std::vector<Gauge> gauges_;
};

}  // namespace parta::web
