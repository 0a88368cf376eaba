// The one loop over the security stages (stage.h). A Chain is built once from configuration
// (which stages are on, in the fixed order of DESIGN.md §2) and then only read: Run and Finish
// are thread-safe as long as the stages are.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "security/stage.h"

namespace warden::security {

class Chain {
 public:
  Chain() = default;
  explicit Chain(std::vector<std::unique_ptr<Stage>> stages);

  // Runs the stages in order until one denies; records each stage's time in ex.stage_ns.
  StageStatus Run(Exchange& ex) const;
  // Every stage's Finish, in order (after the endpoint answered or a stage denied).
  void Finish(Exchange& ex) const;

  size_t size() const { return stages_.size(); }
  std::string_view name(size_t i) const { return stages_[i]->name(); }
  // The Server-Timing header value for what ran: `authn;dur=0.004, ratelimit;dur=0.001`
  // (milliseconds, as the standard says).
  std::string ServerTiming(const Exchange& ex, int64_t total_ns) const;

 private:
  std::vector<std::unique_ptr<Stage>> stages_;
};

}  // namespace warden::security
