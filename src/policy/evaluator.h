// Evaluation: a Request against a Snapshot → an Outcome (decision, deciding rule, reason, the
// facts and a verdict per fact; with `explain`, every rule considered and why it did or did
// not match).
//
// Per fact, the matching rules of the highest priority decide, deny > ask > allow; a matching
// final rule is a floor no other rule can go below. A fact no rule matches gets its context's
// default — except analysis problems (parse errors, dynamic commands, depth limit, …), which
// are never below ask. The request's decision is the strictest over its facts. Action
// requests are allowed when a role of the subject grants type:action (or an action rule says
// so) and denied otherwise. An http request is one fact (its normalized target), decided by
// the http rules and the context's default like any other fact. An mcp request (a tool call)
// is one fact decided by the mcp rules, plus a file fact per argument that `mcp_tools`
// declares a path and the shell analysis' facts of each argument declared a command.
//
// Evaluate is thread-safe for a shared Snapshot. The Outcome points into the Snapshot (rule
// pointers): keep the Snapshot alive while using it.
#pragma once

#include <string>
#include <vector>

#include "policy/decision.h"
#include "policy/request.h"
#include "policy/snapshot.h"
#include "shell/facts.h"

namespace warden::policy {

enum class FactType : uint8_t { kCommand, kFile, kSignal, kAction, kHttp, kMcp };

struct FactVerdict {
  FactType type = FactType::kCommand;
  uint32_t index = 0;  // into Outcome::facts.commands / files / signals (0 for action, http)
  Decision decision = Decision::kAllow;
  const CompiledRule* rule = nullptr;  // null: the default decided
  std::string role;                    // action requests: the role that granted it
};

struct RuleTrace {
  uint32_t verdict = 0;  // index into Outcome::verdicts
  const CompiledRule* rule = nullptr;
  bool matched = false;
  std::string why_not;
};

struct Outcome {
  Decision decision = Decision::kDeny;
  std::string rule_id;  // "" when a default decided
  std::string reason;
  int deciding = -1;    // index into verdicts, -1 if none
  shell::Facts facts;
  std::vector<FactVerdict> verdicts;
  std::vector<RuleTrace> trace;  // explain only
};

struct EvalOptions {
  bool explain = false;
  bool resolve_symlinks = true;
};

Outcome Evaluate(const Snapshot& snap, const Request& req, const EvalOptions& options = {});

// One line describing a fact ("command: rm -rf /", "delete /home/dev (recursive)", "GET
// https://example.com/docs", …). An http fact is the request's target: without `req` it is
// just "http request". The query is left out (it may hold a token).
std::string DescribeFact(const Outcome& out, const FactVerdict& v, const Request* req = nullptr);

// True for signals that mean "the analyzer could not see through this".
bool IsAnalysisProblem(std::string_view signal);

}  // namespace warden::policy
