#include "security/chain.h"

#include <chrono>
#include <cstdio>
#include <string>

namespace warden::security {

namespace {
int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

void AppendMetric(std::string* out, std::string_view name, int64_t ns) {
  char buf[64];
  int n = std::snprintf(buf, sizeof buf, ";dur=%.3f", static_cast<double>(ns) / 1e6);
  if (!out->empty()) out->append(", ");
  out->append(name);
  out->append(buf, static_cast<size_t>(n));
}
}  // namespace

Chain::Chain(std::vector<std::unique_ptr<Stage>> stages) : stages_(std::move(stages)) {
  if (stages_.size() > kMaxStages) stages_.resize(kMaxStages);
}

StageStatus Chain::Run(Exchange& ex) const {
  int64_t t = NowNs();
  for (size_t i = 0; i < stages_.size(); ++i) {
    StageStatus s = stages_[i]->Run(ex);
    int64_t now = NowNs();
    ex.stage_ns[i] = now - t;
    t = now;
    ex.stages_run = i + 1;
    if (s != StageStatus::kContinue) {
      if (ex.denied_by.empty()) ex.denied_by = std::string(stages_[i]->name());
      return s;
    }
  }
  return StageStatus::kContinue;
}

void Chain::Finish(Exchange& ex) const {
  int64_t t = NowNs();
  for (size_t i = 0; i < stages_.size(); ++i) {
    stages_[i]->Finish(ex);
    int64_t now = NowNs();
    ex.stage_ns[i] += now - t;  // the audit stage does its work here
    t = now;
  }
}

std::string Chain::ServerTiming(const Exchange& ex, int64_t total_ns) const {
  std::string out;
  for (size_t i = 0; i < stages_.size(); ++i) {
    if (i < ex.stages_run || ex.stage_ns[i] > 1000) AppendMetric(&out, stages_[i]->name(), ex.stage_ns[i]);
  }
  AppendMetric(&out, "total", total_ns);
  return out;
}

}  // namespace warden::security
