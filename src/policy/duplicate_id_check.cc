#include <string>

#include "policy/checks.h"
#include "policy/snapshot.h"

namespace warden::policy {

void DuplicateIdCheck::Run(const std::vector<PolicyFile>& layers, Diagnostics* d) const {
  for (const auto& file : layers) {
    StringMap<Mark> seen;
    for (const auto& rule : file.rules) {
      if (rule.id.value.empty()) continue;
      auto [it, inserted] = seen.emplace(rule.id.value, rule.id.mark);
      if (!inserted) {
        d->Error("duplicate-id", file.path, rule.id.mark,
                 "rule id '" + rule.id.value + "' is already used at line " + std::to_string(it->second.line),
                 "ids must be unique within a file");
      }
    }
  }
}

void RunChecks(const std::vector<PolicyFile>& layers, Diagnostics* d) {
  DuplicateIdCheck().Run(layers, d);
  KindCheck().Run(layers, d);
  LayerCheck().Run(layers, d);
  RoleCheck().Run(layers, d);
  ReachabilityCheck().Run(layers, d);
}

}  // namespace warden::policy
