#include <string>

#include "policy/checks.h"
#include "policy/sandbox_merge.h"
#include "policy/snapshot.h"

namespace warden::policy {

namespace {

struct Seen {
  std::string file;
  Mark mark;
  bool final;
};

std::string Where(const Seen& s) { return s.file + ":" + std::to_string(s.mark.line); }

}  // namespace

void LayerCheck::Run(const std::vector<PolicyFile>& layers, Diagnostics* d) const {
  MergeSandbox(layers, nullptr, d);  // for its warnings: what a repository layer cannot loosen
  StringMap<Seen> earlier;
  std::array<std::optional<Decision>, kContextCount> defaults{};
  for (const auto& file : layers) {
    for (const auto& id : file.disable) {
      auto it = earlier.find(id.value);
      if (it == earlier.end()) {
        d->Warning("unknown-rule", file.path, id.mark, "'disable' names rule '" + id.value + "', which no earlier layer defines");
      } else if (it->second.final) {
        d->Error("final-override", file.path, id.mark,
                 "rule '" + id.value + "' is final (" + Where(it->second) + ") and cannot be disabled");
      }
    }
    StringMap<Seen> here;
    for (const auto& rule : file.rules) {
      auto it = earlier.find(rule.id.value);
      if (it != earlier.end() && it->second.final) {
        d->Error("final-override", file.path, rule.id.mark,
                 "rule '" + rule.id.value + "' is final (" + Where(it->second) + "); a later layer cannot replace it",
                 "choose another id to add a rule");
      }
      here[rule.id.value] = Seen{file.path, rule.id.mark, rule.final};
    }
    for (auto& [id, seen] : here) {
      auto it = earlier.find(id);
      if (it == earlier.end() || !it->second.final) earlier[id] = seen;
    }
    if (file.layer == LayerKind::kRepository) {
      for (const auto& spec : file.rate_limits) {
        d->Warning("ignored-setting", file.path, spec.mark, "a repository policy cannot set the HTTP API's rate limits",
                   "set them in ~/.config/warden/policy.yaml, with --policy or with warden serve --rate-limit");
      }
    }
    for (int c = 0; c < kContextCount; ++c) {
      const auto& def = file.defaults[static_cast<size_t>(c)];
      if (!def) continue;
      auto& current = defaults[static_cast<size_t>(c)];
      if (file.layer == LayerKind::kRepository && current && def->value < *current) {
        d->Warning("ignored-setting", file.path, def->mark,
                   "a repository policy cannot loosen the default for " +
                       std::string(ContextName(static_cast<Context>(c))) + " (" +
                       std::string(DecisionName(*current)) + " is kept)",
                   "set it in ~/.config/warden/policy.yaml or with --policy instead");
        continue;
      }
      current = def->value;
    }
  }
}

}  // namespace warden::policy
