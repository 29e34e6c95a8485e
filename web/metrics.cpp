#include "web/metrics.hpp"

#include <cstdio>

namespace parta::web {

std::size_t Metrics::addRoute(std::string method, std::string pattern) {
  auto r = std::make_unique<RouteStats>();
  r->method = std::move(method);
  r->pattern = std::move(pattern);
  routes_.push_back(std::move(r));
  return routes_.size() - 1;
}

void Metrics::record(std::size_t route, unsigned status, std::chrono::nanoseconds elapsed) {
  auto& r = *routes_.at(route);
  std::size_t s = 0;
  while (s < kStatuses.size() && kStatuses[s] != status) ++s;
  r.byStatus[s].fetch_add(1, std::memory_order_relaxed);
  const double seconds = std::chrono::duration<double>(elapsed).count();
  std::size_t b = 0;
  while (b < kBuckets.size() && seconds > kBuckets[b]) ++b;
  r.buckets[b].fetch_add(1, std::memory_order_relaxed);
  r.sumMicros.fetch_add(static_cast<std::uint64_t>(elapsed.count() / 1000), std::memory_order_relaxed);
}

void Metrics::addGauge(std::string name, std::string help, std::function<double()> read) {
  gauges_.push_back(Gauge{std::move(name), std::move(help), std::move(read)});
}

std::string Metrics::render() const {
  std::string out;
  char num[64];
  out += "# HELP parta_http_requests_total HTTP requests by route, method and status.\n";
  out += "# TYPE parta_http_requests_total counter\n";
  for (const auto& r : routes_) {
    for (std::size_t s = 0; s <= kStatuses.size(); ++s) {
      const auto n = r->byStatus[s].load(std::memory_order_relaxed);
      if (n == 0) continue;
      out += "parta_http_requests_total{route=\"" + r->pattern + "\",method=\"" + r->method + "\",status=\"";
      out += s < kStatuses.size() ? std::to_string(kStatuses[s]) : std::string("other");
      out += "\"} " + std::to_string(n) + "\n";
    }
  }
  out += "# HELP parta_http_request_duration_seconds Time from a parsed request to its response.\n";
  out += "# TYPE parta_http_request_duration_seconds histogram\n";
  for (const auto& r : routes_) {
    const std::string labels = "route=\"" + r->pattern + "\",method=\"" + r->method + "\"";
    std::uint64_t cumulative = 0;
    for (std::size_t b = 0; b <= kBuckets.size(); ++b) {
      cumulative += r->buckets[b].load(std::memory_order_relaxed);
      if (b < kBuckets.size()) {
        std::snprintf(num, sizeof num, "%g", kBuckets[b]);
        out += "parta_http_request_duration_seconds_bucket{" + labels + ",le=\"" + num + "\"} ";
      } else {
        out += "parta_http_request_duration_seconds_bucket{" + labels + ",le=\"+Inf\"} ";
      }
      out += std::to_string(cumulative) + "\n";
    }
    std::snprintf(num, sizeof num, "%.6f", static_cast<double>(r->sumMicros.load(std::memory_order_relaxed)) / 1e6);
    out += "parta_http_request_duration_seconds_sum{" + labels + "} " + num + "\n";
    out += "parta_http_request_duration_seconds_count{" + labels + "} " + std::to_string(cumulative) + "\n";
  }
  for (const auto& g : gauges_) {
    out += "# HELP " + g.name + " " + g.help + "\n# TYPE " + g.name + " gauge\n";
    std::snprintf(num, sizeof num, "%g", g.read());
    out += g.name + " " + num + "\n";
  }
  return out;
}

}  // namespace parta::web
