// libwarden_prometheus.so: turns the daemon's metric snapshot (metrics_abi.h) into
// prometheus-cpp MetricFamily values and serializes them with its TextSerializer.
#include <prometheus/metric_family.h>
#include <prometheus/text_serializer.h>

#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "server/metrics_abi.h"

namespace {

prometheus::ClientMetric Convert(const WardenMetric& m, int type) {
  prometheus::ClientMetric c;
  for (size_t i = 0; i < m.label_count; ++i) c.label.push_back({m.label_names[i], m.label_values[i]});
  switch (type) {
    case kWardenCounter: c.counter.value = m.value; break;
    case kWardenGauge: c.gauge.value = m.value; break;
    default:
      c.histogram.sample_count = m.sample_count;
      c.histogram.sample_sum = m.sample_sum;
      for (size_t i = 0; i < m.bucket_count; ++i) {
        c.histogram.bucket.push_back({m.bucket_counts[i], m.bucket_bounds[i]});
      }
      c.histogram.bucket.push_back({m.sample_count, std::numeric_limits<double>::infinity()});
  }
  return c;
}

}  // namespace

extern "C" __attribute__((visibility("default"))) char* warden_metrics_serialize_v1(const WardenMetricFamily* families,
                                                                                    size_t count) {
  try {
    std::vector<prometheus::MetricFamily> out;
    out.reserve(count);
    for (size_t i = 0; i < count; ++i) {
      const WardenMetricFamily& f = families[i];
      prometheus::MetricFamily mf;
      mf.name = f.name;
      mf.help = f.help;
      mf.type = f.type == kWardenCounter ? prometheus::MetricType::Counter
                : f.type == kWardenGauge ? prometheus::MetricType::Gauge
                                         : prometheus::MetricType::Histogram;
      for (size_t j = 0; j < f.metric_count; ++j) mf.metric.push_back(Convert(f.metrics[j], f.type));
      out.push_back(std::move(mf));
    }
    std::string text = prometheus::TextSerializer().Serialize(out);
    char* buf = static_cast<char*>(std::malloc(text.size() + 1));
    if (!buf) return nullptr;
    std::memcpy(buf, text.data(), text.size() + 1);
    return buf;
  } catch (...) {
    return nullptr;
  }
}

extern "C" __attribute__((visibility("default"))) void warden_metrics_free_v1(char* text) { std::free(text); }
