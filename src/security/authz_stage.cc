#include "security/stages.h"

namespace warden::security {

StageStatus AuthzStage::Run(Exchange& ex) const {
  const Endpoint* ep = ex.endpoint;
  if (!ep || ep->anonymous || ep->permission_type.empty()) return StageStatus::kContinue;
  const std::string& role = ex.principal.role;
  std::string perm = std::string(ep->permission_type) + ":" + std::string(ep->permission_action);
  if (role.empty()) {
    ex.error = {403, "forbidden", "this caller has no role; " + perm + " needs a role that grants it", ""};
    return StageStatus::kDeny;
  }
  auto snap = snapshot_();
  const policy::RolePerms* perms = nullptr;
  if (snap) {
    auto it = snap->role_by_name.find(role);
    if (it != snap->role_by_name.end()) perms = it->second;
  }
  if (perms && perms->Grants(ep->permission_type, ep->permission_action)) return StageStatus::kContinue;
  ex.error = {403, "forbidden",
              perms ? "role " + role + " does not grant " + perm
                    : "role " + role + " is not defined by the policy (it needs to grant " + perm + ")",
              ""};
  return StageStatus::kDeny;
}

}  // namespace warden::security
