// Checks over the AST of all layers, after reading and before compiling. Each pass is one
// small class in its own file; RunChecks runs them all in order. Passes only report; they
// never change the AST. Pattern syntax (globs, RE2) is checked by the compiler, which has to
// compile them anyway.
#pragma once

#include <vector>

#include "policy/diagnostic.h"
#include "policy/policy_ast.h"

namespace warden::policy {

// Each pass: construct, then Run(layers, diags).
class DuplicateIdCheck {
 public:
  void Run(const std::vector<PolicyFile>& layers, Diagnostics* d) const;
};

// kind mcp (reserved), signal rules mixed with command keys.
class KindCheck {
 public:
  void Run(const std::vector<PolicyFile>& layers, Diagnostics* d) const;
};

// final rules replaced or disabled by a later layer; disable of unknown ids; a repository
// file loosening a default.
class LayerCheck {
 public:
  void Run(const std::vector<PolicyFile>& layers, Diagnostics* d) const;
};

// Subjects naming roles that no layer defines; malformed permissions.
class RoleCheck {
 public:
  void Run(const std::vector<PolicyFile>& layers, Diagnostics* d) const;
};

// Rules that can never decide anything.
class ReachabilityCheck {
 public:
  void Run(const std::vector<PolicyFile>& layers, Diagnostics* d) const;
};

void RunChecks(const std::vector<PolicyFile>& layers, Diagnostics* d);

}  // namespace warden::policy
