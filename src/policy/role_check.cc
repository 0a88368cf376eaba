#include <string>

#include "core/strings.h"
#include "policy/checks.h"
#include "policy/snapshot.h"

namespace warden::policy {

void RoleCheck::Run(const std::vector<PolicyFile>& layers, Diagnostics* d) const {
  StringSet defined;
  std::vector<std::string> names;
  for (const auto& file : layers) {
    for (const auto& role : file.roles) {
      if (defined.insert(role.name.value).second) names.push_back(role.name.value);
      for (const auto& perm : role.allow) {
        const std::string& p = perm.value;
        if (p == "*") continue;
        size_t colon = p.find(':');
        if (colon == std::string::npos || colon == 0 || colon + 1 == p.size() ||
            p.find(':', colon + 1) != std::string::npos) {
          d->Error("bad-value", file.path, perm.mark, "permission '" + Printable(p, 60) + "' is not 'type:action'",
                   "use \"doc:read\", \"doc:*\", \"*:read\" or \"*\"");
        }
      }
    }
  }
  std::vector<std::string_view> views(names.begin(), names.end());
  for (const auto& file : layers) {
    for (const auto& subject : file.subjects) {
      for (const auto& role : subject.roles) {
        if (defined.count(role.value)) continue;
        std::string close = ClosestMatch(role.value, views);
        d->Error("unknown-role", file.path, role.mark,
                 "subject '" + subject.name.value + "' has role '" + role.value + "', which no layer defines",
                 close.empty() ? "define it under 'roles:'" : "did you mean '" + close + "'?");
      }
    }
    for (const auto& rule : file.rules) {
      for (const auto& role : rule.action.role) {
        if (role.value.find_first_of("*?[{") != std::string::npos || defined.count(role.value)) continue;
        d->Error("unknown-role", file.path, role.mark,
                 "rule '" + rule.id.value + "' matches role '" + role.value + "', which no layer defines");
      }
    }
  }
}

}  // namespace warden::policy
