// Which rule of a sandbox plan governs a path, and what the kernel answers a program that goes
// against it: `warden explain --sandbox --path P`. A program that hits the sandbox gets an
// ordinary error — EROFS from a read-only mount, ENOENT or an empty directory from a cover,
// EACCES or EPERM from Landlock and seccomp — and most of those come from the mount layer,
// which the kernel does not report anywhere (Landlock's audit records only cover Landlock's own
// refusals); this names the rule from the plan instead, for the person or agent asking why.
#pragma once

#include <string>

#include "sandbox/plan.h"

namespace warden::sandbox {

struct PathRule {
  std::string path;      // canonical (symlinks resolved; a missing tail kept as spelled)
  bool readable = true;
  bool writable = false;
  std::string rule;      // the entry that decides, as the policy spells it, or why none does
  std::string refusal;   // what a refused program sees ("" when nothing is refused)
};

// `path`: absolute. Resolves it like the kernel would inside the sandbox.
PathRule RuleForPath(const Plan& plan, const std::string& path);

}  // namespace warden::sandbox
