#include <algorithm>
#include <string>

#include "policy/checks.h"
#include "policy/snapshot.h"

namespace warden::policy {

namespace {

struct Placed {
  const RuleSpec* rule;
  const PolicyFile* file;
};

class Reporter {
 public:
  Reporter(const PolicyFile& f, const RuleSpec& r, Diagnostics* d) : f_(f), r_(r), d_(d) {}
  void operator()(Mark mark, const std::string& why, std::string hint = {}) const {
    d_->Error("unreachable-rule", f_.path, mark.line ? mark : r_.mark,
              "rule '" + r_.id.value + "' can never match: " + why, std::move(hint));
  }

 private:
  const PolicyFile& f_;
  const RuleSpec& r_;
  Diagnostics* d_;
};

bool SameFlag(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  return std::any_of(a.begin(), a.end(), [&](const std::string& x) { return std::find(b.begin(), b.end(), x) != b.end(); });
}

// Problems visible in one rule alone.
void CheckAlone(const PolicyFile& f, const RuleSpec& r, Diagnostics* d) {
  Reporter report(f, r, d);
  if (r.contexts == 0) report(r.contexts_mark, "its context list is empty");
  if (r.kind == RequestKind::kExec) {
    for (const auto& c : r.exec.command) {
      if (c.value.find('/') != std::string::npos) {
        std::string base = c.value.substr(c.value.rfind('/') + 1);
        report(c.mark, "commands are matched by name, without their directory ('" + c.value + "')",
               "write '" + base + "'; /usr/bin/" + base + ", ./" + base + " and \\" + base + " all match it");
      }
    }
    const FlagsSpec& fl = r.exec.flags;
    for (const auto& none : fl.none) {
      for (const auto& all : fl.all) {
        if (SameFlag(none.value, all.value)) report(none.mark, "the same flag is both required (all) and forbidden (none)");
      }
      if (!fl.any.empty() && std::all_of(fl.any.begin(), fl.any.end(), [&](const auto& a) { return SameFlag(none.value, a.value); })) {
        report(none.mark, "every flag in 'any' is also forbidden by 'none'");
      }
    }
    const ArgsSpec& a = r.exec.args;
    if (a.min && a.max && a.min->value > a.max->value) report(a.min->mark, "args.min is larger than args.max");
    if (a.max && a.max->value < 0) report(a.max->mark, "args.max is negative");
    if (a.max && a.max->value == 0 && (a.any.present || (a.all.present && a.min && a.min->value > 0))) {
      report(a.max->mark, "args.max is 0 but 'any' needs at least one argument");
    }
  }
  if (r.kind == RequestKind::kFile && r.file.dynamic && *r.file.dynamic &&
      (!r.file.path.glob.empty() || !r.file.path.is.empty() || !r.file.path.under.empty())) {
    report(r.match_mark, "a dynamic path (one only known at run time) never matches a path, root or glob",
           "drop 'dynamic: true' or the path conditions");
  }
}

}  // namespace

void ReachabilityCheck::Run(const std::vector<PolicyFile>& layers, Diagnostics* d) const {
  // Rules in effect after layering: a later rule with the same id replaces the earlier one,
  // and `disable` removes one.
  std::vector<Placed> active;
  StringMap<size_t> by_id;
  for (const auto& file : layers) {
    for (const auto& r : file.rules) CheckAlone(file, r, d);
    for (const auto& id : file.disable) {
      if (auto it = by_id.find(id.value); it != by_id.end()) active[it->second].rule = nullptr;
    }
    for (const auto& r : file.rules) {
      auto it = by_id.find(r.id.value);
      if (it != by_id.end() && active[it->second].file != &file) active[it->second].rule = nullptr;
      by_id[r.id.value] = active.size();
      active.push_back({&r, &file});
    }
  }
  // Two rules with the same kind and the same match: the one that never wins is unreachable.
  StringMap<std::vector<size_t>> groups;
  for (size_t i = 0; i < active.size(); ++i) {
    const RuleSpec* r = active[i].rule;
    if (r == nullptr || r->match_key.empty()) continue;
    groups[std::string(KindName(r->kind)) + "|" + r->match_key].push_back(i);
  }
  // x makes y unreachable when it covers y's contexts and wins: a final rule stricter than y
  // (across files: a later layer cannot get past it), or, within one file (the author's own
  // duplicate), a higher priority or the same priority and a decision at least as strict.
  // Across files, a higher-priority copy is a legitimate way to override another layer.
  auto shadows = [](const Placed& px, const Placed& py) {
    const RuleSpec& x = *px.rule;
    const RuleSpec& y = *py.rule;
    if ((y.contexts & ~x.contexts) != 0) return false;
    if (x.final && x.decision > y.decision) return true;
    if (px.file != py.file) return false;
    return x.priority > y.priority || (x.priority == y.priority && x.decision >= y.decision);
  };
  for (const auto& [key, members] : groups) {
    for (size_t a = 0; a < members.size(); ++a) {
      for (size_t b = a + 1; b < members.size(); ++b) {
        const Placed& pa = active[members[a]];
        const Placed& pb = active[members[b]];
        const Placed* loser = nullptr;
        const Placed* winner = nullptr;
        if (shadows(pa, pb)) {
          loser = &pb;
          winner = &pa;
        } else if (shadows(pb, pa)) {
          loser = &pa;
          winner = &pb;
        }
        if (!loser) continue;
        d->Error("unreachable-rule", loser->file->path, loser->rule->id.mark,
                 "rule '" + loser->rule->id.value + "' can never decide: rule '" + winner->rule->id.value + "' (" +
                     winner->file->path + ":" + std::to_string(winner->rule->id.mark.line) +
                     ") matches the same requests and wins (" + std::string(DecisionName(winner->rule->decision)) +
                     ", priority " + std::to_string(winner->rule->priority) + (winner->rule->final ? ", final" : "") +
                     ")",
                 "remove one of them, or change the match, priority or decision");
      }
    }
  }
}

}  // namespace warden::policy
