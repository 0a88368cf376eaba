// Runs the inline `tests:` of policy files against a compiled Snapshot (`warden policy test`).
// A test's request gets home=/home/user, workspace=/home/user/project and cwd=workspace
// unless it says otherwise, and context ai unless it says otherwise.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "policy/decision.h"
#include "policy/policy_ast.h"
#include "policy/snapshot.h"

namespace warden::policy {

struct PolicyTestResult {
  std::string file;
  std::string name;
  Mark mark;
  bool passed = false;
  Decision expect = Decision::kAllow;
  std::optional<std::string> expect_rule;
  Decision got = Decision::kAllow;
  std::string got_rule;
  std::string reason;
};

std::vector<PolicyTestResult> RunPolicyTests(const Snapshot& snap, const PolicyFile& file);

inline constexpr const char* kTestHome = "/home/user";
inline constexpr const char* kTestWorkspace = "/home/user/project";

}  // namespace warden::policy
