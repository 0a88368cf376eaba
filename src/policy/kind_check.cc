#include "policy/checks.h"

namespace warden::policy {

void KindCheck::Run(const std::vector<PolicyFile>& layers, Diagnostics* d) const {
  for (const auto& file : layers) {
    for (const auto& rule : file.rules) {
      if (rule.kind != RequestKind::kExec || rule.exec.fact.empty()) {
        if (rule.kind == RequestKind::kExec && !rule.exec.detail.empty()) {
          d->Error("bad-value", file.path, rule.match_mark,
                   "rule '" + rule.id.value + "': 'detail' only applies together with 'fact'");
        }
        continue;
      }
      const ExecMatch& m = rule.exec;
      bool command_keys = !m.command.empty() || !m.subcommand.empty() || !m.flags.empty() || !m.args.empty() ||
                          !m.line.empty() || !m.stdin_text.empty() || m.privileged || !m.via.empty() ||
                          !m.cwd.empty();
      if (command_keys) {
        d->Error("bad-value", file.path, rule.match_mark,
                 "rule '" + rule.id.value + "' matches facts ('fact'), so it cannot also use command keys",
                 "split it into a command rule and a fact rule");
      }
    }
  }
}

}  // namespace warden::policy
