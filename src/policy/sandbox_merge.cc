#include "policy/sandbox_merge.h"

#include <string>

namespace warden::policy {

std::string_view SandboxNetworkName(SandboxNetwork n) {
  switch (n) {
    case SandboxNetwork::kOn: return "on";
    case SandboxNetwork::kLoopback: return "loopback";
    case SandboxNetwork::kOff: return "off";
  }
  return "?";
}

namespace {

// An anchored path glob of a file rule, as a sandbox path: "~/.ssh/**" → "~/.ssh".
bool AnchoredGlob(const std::string& glob, std::string* out) {
  if (glob.empty()) return false;
  bool anchored = glob[0] == '/' || glob.rfind("~/", 0) == 0 || glob.rfind("$HOME/", 0) == 0;
  if (!anchored) return false;
  std::string g = glob;
  while (g.size() > 3 && g.compare(g.size() - 3, 3, "/**") == 0) g.resize(g.size() - 3);
  if (g.find("**") != std::string::npos) return false;  // "/proc/**/environ": not one place
  *out = g;
  return true;
}

class Merger {
 public:
  Merger(const RuleLookup& rules, Diagnostics* diags) : rules_(rules), d_(diags) {}

  void Layer(const PolicyFile& file, Context ctx, const SandboxSpec& s, SandboxSettings* out) {
    const bool repo = file.layer == LayerKind::kRepository;
    const std::string where = "sandbox." + std::string(ContextName(ctx));
    if (s.enabled) {
      if (repo && !s.enabled->value) {
        Loosen(file, s.enabled->mark, where + ".enabled: a repository policy cannot turn the sandbox off");
      } else {
        out->enabled = s.enabled->value;
      }
    }
    if (s.network) {
      if (repo && s.network->value < out->network) {
        Loosen(file, s.network->mark, where + ".network: a repository policy cannot widen the network");
      } else {
        out->network = s.network->value;
      }
    }
    if (s.unix_sockets) {
      if (repo && s.unix_sockets->value && !out->unix_sockets) {
        Loosen(file, s.unix_sockets->mark, where + ".unix_sockets: a repository policy cannot allow Unix sockets");
      } else {
        out->unix_sockets = s.unix_sockets->value;
      }
    }
    if (s.refuse_unsupported) {
      if (repo && !s.refuse_unsupported->value) {
        Loosen(file, s.refuse_unsupported->mark, where + ".unsupported: a repository policy cannot allow unconfined runs");
      } else {
        out->refuse_unsupported = s.refuse_unsupported->value;
      }
    }
    for (const auto& w : s.writable) {
      if (repo) {
        Loosen(file, w.mark, where + ".writable: a repository policy cannot add writable paths");
      } else {
        out->writable.push_back(w.value);
      }
    }
    for (const auto& p : s.protected_paths) out->protected_paths.push_back(p.value);
    for (const auto& p : s.deny_read) out->deny_read.push_back(p.value);
    for (const auto& id : s.deny_read_rules) DenyReadOfRule(id.value, out);
    Limit(file, s.nproc, where + ".limits.nproc", &out->limits.nproc);
    Limit(file, s.fsize, where + ".limits.fsize", &out->limits.fsize);
    Limit(file, s.nofile, where + ".limits.nofile", &out->limits.nofile);
    Limit(file, s.core, where + ".limits.core", &out->limits.core);
  }

 private:
  void Loosen(const PolicyFile& file, Mark mark, const std::string& message) {
    if (d_) d_->Warning("ignored-setting", file.path, mark, message, "set it in ~/.config/warden/policy.yaml or with --policy");
  }

  // -1 is unlimited; a repository layer may only lower a limit.
  void Limit(const PolicyFile& file, const std::optional<Located<int64_t>>& v, const std::string& what, int64_t* out) {
    if (!v) return;
    auto wider = [](int64_t a, int64_t b) { return a < 0 ? b >= 0 : (b >= 0 && a > b); };
    if (file.layer == LayerKind::kRepository && wider(v->value, *out)) {
      Loosen(file, v->mark, what + ": a repository policy cannot raise a limit");
      return;
    }
    *out = v->value;
  }

  void DenyReadOfRule(const std::string& id, SandboxSettings* out) {
    const RuleSpec* rule = rules_ ? rules_(id) : nullptr;
    if (!rule) return;  // an unknown id adds nothing (explain --sandbox shows what was covered)
    for (const auto& g : rule->file.path.glob) {
      std::string path;
      if (AnchoredGlob(g.value, &path)) out->deny_read.push_back(path);
    }
  }

  const RuleLookup& rules_;
  Diagnostics* d_;
};

}  // namespace

SandboxByContext MergeSandbox(const std::vector<PolicyFile>& layers, const RuleLookup& rule_by_id, Diagnostics* diags) {
  SandboxByContext out{};
  Merger m(rule_by_id, diags);
  for (const auto& file : layers) {
    for (int c = 0; c < kContextCount; ++c) {
      const auto& spec = file.sandbox[static_cast<size_t>(c)];
      if (spec) m.Layer(file, static_cast<Context>(c), *spec, &out[static_cast<size_t>(c)]);
    }
  }
  return out;
}

RuleLookup SandboxRuleLookup(const std::vector<PolicyFile>& layers) {
  return [&layers](std::string_view id) -> const RuleSpec* {
    const RuleSpec* found = nullptr;
    for (const auto& file : layers) {
      if (file.layer == LayerKind::kRepository) continue;
      for (const auto& r : file.rules) {
        if (r.id.value == id) found = &r;
      }
    }
    return found;
  };
}

}  // namespace warden::policy
