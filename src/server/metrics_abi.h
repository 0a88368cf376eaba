// The C ABI between the daemon and its Prometheus module (libwarden_prometheus.so, built from
// server/prometheus_module.cc against prometheus-cpp). The daemon keeps its own lock-free
// counters and histograms on the request path and hands a snapshot of them to the module at
// scrape time; the module builds prometheus-cpp MetricFamily values and serializes them with
// prometheus-cpp's TextSerializer. Why a module: prometheus-cpp is a shared library only, in
// Debian, built against the shared libstdc++, while Warden links libstdc++ statically; across
// this C ABI each side keeps its own C++ runtime (docs/DEPENDENCIES.md).
//
// Plain C types only: the module has its own C++ runtime.
#pragma once

#include <cstddef>
#include <cstdint>

extern "C" {

enum WardenMetricType { kWardenCounter = 0, kWardenGauge = 1, kWardenHistogram = 2 };

struct WardenMetric {
  size_t label_count;
  const char* const* label_names;
  const char* const* label_values;
  double value;                  // counter, gauge
  size_t bucket_count;           // histogram: upper bounds (the +Inf bucket is implied)
  const double* bucket_bounds;
  const uint64_t* bucket_counts;  // cumulative, bucket_count entries
  uint64_t sample_count;
  double sample_sum;
};

struct WardenMetricFamily {
  const char* name;
  const char* help;
  int type;  // WardenMetricType
  size_t metric_count;
  const WardenMetric* metrics;
};

// Returns the exposition text (malloc'd, NUL-terminated; free it with the returned free
// function's counterpart below), or null on failure.
typedef char* (*WardenSerializeFn)(const WardenMetricFamily* families, size_t count);
typedef void (*WardenFreeFn)(char* text);

}  // extern "C"

inline constexpr const char* kWardenSerializeSymbol = "warden_metrics_serialize_v1";
inline constexpr const char* kWardenFreeSymbol = "warden_metrics_free_v1";
