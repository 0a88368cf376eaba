// The compiler: checked layers → one immutable, indexed Snapshot.
//
// Layering: rules of later layers are added after earlier ones; a later rule with the same id
// replaces the earlier rule (the checker has already refused that for final rules); `disable`
// removes rules. Defaults: later layers win, except that a repository layer cannot loosen
// one. Roles and subjects are merged (union of permissions and of roles).
// Globs and regexes are compiled here; a bad one is reported (bad-glob, bad-regex) and the
// result is null when any error was reported.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/warden_self.h"
#include "policy/diagnostic.h"
#include "policy/policy_ast.h"
#include "policy/snapshot.h"

namespace warden::policy {

// `self` gives $WARDEN_CONFIG, $WARDEN_STATE and $WARDEN_RUNTIME in paths their values.
std::shared_ptr<const Snapshot> Compile(const std::vector<PolicyFile>& layers, std::string revision,
                                        const WardenSelf& self, Diagnostics* diags);

// Parses a root such as "/etc", "~", "~/.ssh", "$HOME/x", "$WORKSPACE", "$CWD/build",
// "$WARDEN_STATE". Relative roots are taken below $WORKSPACE. Returns false (with `error`)
// for bad ones.
bool ParseRoot(std::string_view text, const WardenSelf& self, Root* root, std::string* error);

}  // namespace warden::policy
