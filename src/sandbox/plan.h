// A sandbox plan: one context's SandboxSettings resolved for one run — every path made
// concrete and canonical (symlinks resolved, missing ones dropped), Warden's own places added,
// and the Landlock rules expanded. Built before the program starts, printed by
// `warden explain --sandbox`, applied by confine.h. Its hash names the rule set in the audit log.
//
// How each promise is kept (docs/SECURITY.md, "Sandbox"), in a private mount namespace:
//   writes       every mount is made read-only and the `writable` roots are bound back
//                read-write (so chmod, chown, utimes and xattrs outside them fail too, which
//                Landlock has no right for); Landlock grants write rights only beneath them
//   protected    inside a writable root Landlock cannot take a right back, so those paths are
//                bind-mounted read-only; every directory between the root and them is a mount
//                point too, so that none can be renamed away
//   deny_read    covered by an empty read-only mount (a tmpfs over a directory, /dev/null over
//                a file): nothing to read, list or connect to (Landlock cannot refuse a Unix
//                socket's connect, nor listing a directory inside a readable one)
//   Warden       its configuration never writable, its state never readable, its socket's
//                directory covered
// Plain data; MakePlan reads the file system and, when the place asks, makes the missing
// protected directories (Place::make_missing_protected_dirs).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/warden_self.h"
#include "policy/sandbox_settings.h"

namespace warden::sandbox {

// Where this run happens: what "~", "$WORKSPACE", "$TMPDIR", "$CWD" stand for.
struct Place {
  std::string home, workspace, cwd, tmpdir;
  WardenSelf self;
  // A protected entry spelled as a directory ("$WORKSPACE/.claude/") that does not exist yet
  // is made (empty, 0700) inside its writable root so that it can be held read-only — else the
  // confined program could create it (an agent's project settings, Warden's repository policy).
  // Off for `warden explain --sandbox`, which only says it would.
  bool make_missing_protected_dirs = false;
};

struct LandlockRule {
  std::string path;
  uint64_t access = 0;  // access.h fs bits
  bool is_dir = true;
};

struct Plan {
  policy::SandboxSettings settings;
  std::vector<std::string> writable;   // canonical, existing directories, parents first
  std::vector<std::string> pinned;     // bind-mounted onto themselves (cannot be renamed or removed)
  std::vector<std::string> read_only;  // bind-mounted read-only
  std::vector<std::string> hidden;     // covered by an empty read-only mount
  std::vector<LandlockRule> rules;
  // Each path of the lists above → the entry that put it there, as the policy spells it
  // ("deny_read ~/.ssh/**", "writable $WORKSPACE") or as Warden names its own ("Warden's state").
  std::multimap<std::string, std::string> origin;
  std::vector<std::string> notes;      // entries dropped, and why
  std::vector<std::string> warnings;   // what the person running it should know (said on stderr)
  std::string cwd;                     // entered again once the mounts are made
  std::string hash;                    // sha256 of the canonical rule set, hex
};

// Expands "~", "$HOME", "$WORKSPACE", "$TMPDIR", "$CWD", "$WARDEN_CONFIG", "$WARDEN_STATE",
// "$WARDEN_RUNTIME" at the start of `spelled`, then normalizes. "" when a variable is unset.
std::string ExpandSandboxPath(const std::string& spelled, const Place& place);

Plan MakePlan(const policy::SandboxSettings& settings, const Place& place);

}  // namespace warden::sandbox
