#include "server/http_metrics.h"

#include <dlfcn.h>
#include <unistd.h>

#include <deque>
#include <mutex>

#include "server/metrics_abi.h"

namespace warden::server {

const std::array<int64_t, LatencyHistogram::kBuckets> LatencyHistogram::kBoundsNs{
    100, 250, 500, 1'000, 2'500, 5'000, 10'000, 25'000, 50'000, 100'000, 250'000, 500'000,
    1'000'000, 2'500'000, 5'000'000, 10'000'000, 25'000'000, 100'000'000, 1'000'000'000};

void LatencyHistogram::Observe(int64_t ns) {
  size_t i = 0;
  while (i < kBuckets && ns > kBoundsNs[i]) ++i;
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  sum_ns_.fetch_add(static_cast<uint64_t>(ns < 0 ? 0 : ns), std::memory_order_relaxed);
}

void LatencyHistogram::Read(std::array<uint64_t, kBuckets>* cumulative, uint64_t* count, double* sum_s) const {
  uint64_t run = 0;
  for (size_t i = 0; i < kBuckets; ++i) {
    run += counts_[i].load(std::memory_order_relaxed);
    (*cumulative)[i] = run;
  }
  *count = run + counts_[kBuckets].load(std::memory_order_relaxed);
  *sum_s = static_cast<double>(sum_ns_.load(std::memory_order_relaxed)) / 1e9;
}

size_t HttpMetrics::AddEndpoint(std::string_view name) {
  if (endpoints_.size() >= kMaxEndpoints) return kMaxEndpoints - 1;
  endpoints_.emplace_back(name);
  return endpoints_.size() - 1;
}

size_t HttpMetrics::StatusIndex(int status) {
  for (size_t i = 0; i + 1 < kStatuses.size(); ++i) {
    if (kStatuses[i] == status) return i;
  }
  return kStatuses.size() - 1;
}

void HttpMetrics::CountRequest(size_t endpoint, int status) {
  if (endpoint >= kMaxEndpoints) return;
  requests_[endpoint][StatusIndex(status)].fetch_add(1, std::memory_order_relaxed);
}

void HttpMetrics::CountDecision(std::string_view decision) {
  size_t i = decision == "allow" ? 0 : decision == "deny" ? 1 : 2;
  decisions_[i].fetch_add(1, std::memory_order_relaxed);
}

namespace {

struct Module {
  WardenSerializeFn serialize = nullptr;
  WardenFreeFn free = nullptr;
  std::string error;
};

std::string ExeDir() {
  char buf[4096];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return ".";
  std::string p(buf, static_cast<size_t>(n));
  size_t slash = p.rfind('/');
  return slash == std::string::npos ? "." : p.substr(0, slash);
}

const Module& TheModule() {
  static Module m;
  static std::once_flag once;
  std::call_once(once, [] {
    std::string dir = ExeDir();
    const std::string candidates[] = {dir + "/libwarden_prometheus.so", dir + "/../lib/warden/libwarden_prometheus.so"};
    std::string tried;
    for (const auto& path : candidates) {
      void* h = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
      if (!h) {
        tried += (tried.empty() ? "" : "; ") + std::string(dlerror());
        continue;
      }
      m.serialize = reinterpret_cast<WardenSerializeFn>(dlsym(h, kWardenSerializeSymbol));
      m.free = reinterpret_cast<WardenFreeFn>(dlsym(h, kWardenFreeSymbol));
      if (m.serialize && m.free) return;
      tried += "; " + path + " lacks " + kWardenSerializeSymbol;
    }
    m.error = "the Prometheus module is not available (" + tried + ")";
  });
  return m;
}

// Owns the strings and arrays a WardenMetric points into.
struct Builder {
  std::deque<std::string> strings;
  std::deque<std::vector<const char*>> ptr_lists;
  std::deque<std::vector<double>> bounds;
  std::deque<std::vector<uint64_t>> counts;
  std::deque<std::vector<WardenMetric>> metric_lists;
  std::vector<WardenMetricFamily> families;

  const char* S(std::string s) { return strings.emplace_back(std::move(s)).c_str(); }

  WardenMetric Labeled(std::vector<std::pair<std::string, std::string>> labels) {
    WardenMetric m{};
    auto& names = ptr_lists.emplace_back();
    auto& values = ptr_lists.emplace_back();
    for (auto& [k, v] : labels) {
      names.push_back(S(k));
      values.push_back(S(v));
    }
    m.label_count = labels.size();
    m.label_names = names.data();
    m.label_values = values.data();
    return m;
  }

  void Histogram(WardenMetric* m, const LatencyHistogram& h) {
    std::array<uint64_t, LatencyHistogram::kBuckets> cum;
    h.Read(&cum, &m->sample_count, &m->sample_sum);
    auto& b = bounds.emplace_back();
    for (int64_t ns : LatencyHistogram::kBoundsNs) b.push_back(static_cast<double>(ns) / 1e9);
    auto& c = counts.emplace_back(cum.begin(), cum.end());
    m->bucket_count = b.size();
    m->bucket_bounds = b.data();
    m->bucket_counts = c.data();
  }

  void Family(const char* name, const char* help, int type, std::vector<WardenMetric> metrics) {
    auto& list = metric_lists.emplace_back(std::move(metrics));
    families.push_back({S(name), S(help), type, list.size(), list.data()});
  }
};

}  // namespace

Status LoadMetricsModule() {
  const Module& m = TheModule();
  return m.serialize ? Status::Ok() : Status::NotFound(m.error);
}

Result<std::string> HttpMetrics::Serialize() const {
  const Module& mod = TheModule();
  if (!mod.serialize) return Status::NotFound(mod.error);
  Builder b;
  std::vector<WardenMetric> req;
  for (size_t e = 0; e < endpoints_.size(); ++e) {
    for (size_t s = 0; s < kStatuses.size(); ++s) {
      uint64_t n = requests_[e][s].load(std::memory_order_relaxed);
      if (n == 0) continue;
      WardenMetric m = b.Labeled({{"endpoint", endpoints_[e]}, {"code", kStatuses[s] ? std::to_string(kStatuses[s]) : "other"}});
      m.value = static_cast<double>(n);
      req.push_back(m);
    }
  }
  b.Family("warden_http_requests_total", "HTTP requests by endpoint and status code.", kWardenCounter, std::move(req));
  std::vector<WardenMetric> stages;
  for (size_t i = 0; i < stages_.size() && i < kMaxStages; ++i) {
    WardenMetric m = b.Labeled({{"stage", stages_[i]}});
    b.Histogram(&m, stage_hist_[i]);
    stages.push_back(m);
  }
  b.Family("warden_http_stage_duration_seconds", "Time spent in each security stage per request.", kWardenHistogram,
           std::move(stages));
  WardenMetric total = b.Labeled({});
  b.Histogram(&total, request_hist_);
  b.Family("warden_http_request_duration_seconds", "Time from a request's arrival to its answer.", kWardenHistogram, {total});
  std::vector<WardenMetric> dec;
  const char* names[] = {"allow", "deny", "ask"};
  for (size_t i = 0; i < 3; ++i) {
    WardenMetric m = b.Labeled({{"decision", names[i]}});
    m.value = static_cast<double>(decisions_[i].load(std::memory_order_relaxed));
    dec.push_back(m);
  }
  b.Family("warden_http_decisions_total", "Policy decisions made for HTTP clients.", kWardenCounter, std::move(dec));
  if (gauges_) {
    std::vector<GaugeValue> extra;
    gauges_(&extra);
    for (auto& g : extra) {
      WardenMetric m = b.Labeled({});
      m.value = g.value;
      b.Family(b.S(g.name), b.S(g.help), g.counter ? kWardenCounter : kWardenGauge, {m});
    }
  }
  char* text = mod.serialize(b.families.data(), b.families.size());
  if (!text) return Status::Internal("the Prometheus module could not serialize the metrics");
  std::string out(text);
  mod.free(text);
  return out;
}

}  // namespace warden::server
