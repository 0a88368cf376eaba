// A sandbox plan: one context's SandboxSettings resolved for one run — every path made
// concrete and canonical (symlinks resolved, missing ones dropped), Warden's own places added,
// and the Landlock rules expanded. Built before the program starts, printed by
// `warden explain --sandbox`, applied by confine.h. Its hash names the rule set in the audit log.
//
// How each promise is kept (docs/SECURITY.md, "Sandbox"):
//   writes       Landlock grants write rights only beneath `writable` roots (and a few devices)
//   protected    inside a writable root Landlock cannot take a right back, so those paths are
//                bind-mounted read-only in a private mount namespace; every directory between
//                the root and them is a mount point too, so that none can be renamed away
//   deny_read    outside writable roots: Landlock read rights are granted to everything *but*
//                them (each ancestor's other entries get their own rule); inside writable roots:
//                covered by an empty read-only mount
//   Warden       its configuration never writable, its state never readable, its socket's
//                directory covered (a Unix socket cannot be refused by Landlock)
// Plain data; MakePlan reads the file system (stat, readdir) and nothing else.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/warden_self.h"
#include "policy/sandbox_settings.h"

namespace warden::sandbox {

// Where this run happens: what "~", "$WORKSPACE", "$TMPDIR", "$CWD" stand for.
struct Place {
  std::string home, workspace, cwd, tmpdir;
  WardenSelf self;
};

struct LandlockRule {
  std::string path;
  uint64_t access = 0;  // access.h fs bits
  bool is_dir = true;
};

struct Plan {
  policy::SandboxSettings settings;
  std::vector<std::string> writable;   // canonical, existing directories
  std::vector<std::string> pinned;     // bind-mounted onto themselves (cannot be renamed or removed)
  std::vector<std::string> read_only;  // bind-mounted read-only
  std::vector<std::string> hidden;     // covered by an empty read-only mount
  std::vector<std::string> deny_read;  // not granted by Landlock (outside writable roots)
  std::vector<LandlockRule> rules;
  std::vector<std::string> notes;      // entries dropped, and why
  std::string cwd;                     // entered again once the mounts are made
  bool needs_mount_namespace() const { return !pinned.empty() || !read_only.empty() || !hidden.empty(); }
  std::string hash;                    // sha256 of the canonical rule set, hex
};

// Expands "~", "$HOME", "$WORKSPACE", "$TMPDIR", "$CWD", "$WARDEN_CONFIG", "$WARDEN_STATE",
// "$WARDEN_RUNTIME" at the start of `spelled`, then normalizes. "" when a variable is unset.
std::string ExpandSandboxPath(const std::string& spelled, const Place& place);

Plan MakePlan(const policy::SandboxSettings& settings, const Place& place);

}  // namespace warden::sandbox
