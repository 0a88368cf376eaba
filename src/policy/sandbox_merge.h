// Merges the `sandbox:` entries of the policy layers into one SandboxSettings per context.
// Built-in, user and command-line layers set what they name (lists add up); a repository layer
// (a cloned project's .warden/policy.yaml, which the agent may have written) can only tighten:
// turn the sandbox on, narrow the network, add protected and unreadable paths, lower limits.
// What it tries to loosen is ignored and, when `diags` is given, reported as a warning.
// `deny_read_rules` add the anchored path globs of those file rules (`rule_by_id`, normally
// SandboxRuleLookup; null: none).
#pragma once

#include <array>
#include <functional>
#include <string_view>
#include <vector>

#include "policy/diagnostic.h"
#include "policy/policy_ast.h"
#include "policy/sandbox_settings.h"

namespace warden::policy {

using SandboxByContext = std::array<SandboxSettings, kContextCount>;
using RuleLookup = std::function<const RuleSpec*(std::string_view id)>;

SandboxByContext MergeSandbox(const std::vector<PolicyFile>& layers, const RuleLookup& rule_by_id,
                              Diagnostics* diags);

// The lookup `deny_read_rules` resolves against: the last definition of a rule id in a layer
// that is not a repository's. A repository layer that disables or replaces `read-secrets` does
// not uncover a single path of the sandbox. The layers must outlive the lookup.
RuleLookup SandboxRuleLookup(const std::vector<PolicyFile>& layers);

}  // namespace warden::policy
