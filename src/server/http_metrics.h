// The HTTP API's metrics: request counts by endpoint and status, a latency histogram per
// security stage and for whole requests, and gauges the daemon supplies at scrape time.
// Recording is a few relaxed atomic adds (no locks on the request path); Serialize renders
// the Prometheus text format through prometheus-cpp, loaded as a module (metrics_abi.h).
//
// Thread-safety: everything may be called from any thread.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace warden::server {

class LatencyHistogram {
 public:
  static constexpr size_t kBuckets = 19;
  static const std::array<int64_t, kBuckets> kBoundsNs;  // 100 ns … 1 s: a stage takes ~1 µs
  void Observe(int64_t ns);
  // Cumulative counts per bound, count, sum in seconds.
  void Read(std::array<uint64_t, kBuckets>* cumulative, uint64_t* count, double* sum_s) const;

 private:
  std::array<std::atomic<uint64_t>, kBuckets + 1> counts_{};
  std::atomic<uint64_t> sum_ns_{0};
};

struct GaugeValue {
  std::string name;  // full metric name, e.g. warden_audit_queue_depth
  std::string help;
  double value = 0;
  bool counter = false;
};

class HttpMetrics {
 public:
  static constexpr size_t kMaxEndpoints = 24;
  static constexpr size_t kMaxStages = 8;

  // Endpoint and stage names are registered once, before serving.
  size_t AddEndpoint(std::string_view name);
  void SetStages(std::vector<std::string> names) { stages_ = std::move(names); }

  void CountRequest(size_t endpoint, int status);
  void ObserveStage(size_t stage, int64_t ns) { stage_hist_[stage].Observe(ns); }
  void ObserveRequest(int64_t ns) { request_hist_.Observe(ns); }
  void CountDecision(std::string_view decision);

  // Extra values read at scrape time (audit queue, connections, rate-limit keys, tokens …).
  void SetGauges(std::function<void(std::vector<GaugeValue>*)> fn) { gauges_ = std::move(fn); }

  // The Prometheus text exposition; an error when the module cannot be loaded.
  Result<std::string> Serialize() const;

 private:
  static constexpr std::array<int, 15> kStatuses{200, 201, 400, 401, 403, 404, 405, 409, 413, 422, 429, 431, 500, 503, 0};
  static size_t StatusIndex(int status);

  std::vector<std::string> endpoints_;
  std::vector<std::string> stages_;
  std::array<std::array<std::atomic<uint64_t>, kStatuses.size()>, kMaxEndpoints> requests_{};
  std::array<LatencyHistogram, kMaxStages> stage_hist_;
  LatencyHistogram request_hist_;
  std::array<std::atomic<uint64_t>, 3> decisions_{};  // allow, deny, ask
  std::function<void(std::vector<GaugeValue>*)> gauges_;
};

// Loads libwarden_prometheus.so from next to the executable (or ../lib/warden/); the error
// names the paths tried.
Status LoadMetricsModule();

}  // namespace warden::server
