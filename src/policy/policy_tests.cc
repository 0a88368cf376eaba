#include "policy/policy_tests.h"

#include "policy/evaluator.h"

namespace warden::policy {

std::vector<PolicyTestResult> RunPolicyTests(const Snapshot& snap, const PolicyFile& file) {
  std::vector<PolicyTestResult> results;
  for (const auto& t : file.tests) {
    Request req = t.request;
    if (!t.present.home) req.home = kTestHome;
    if (!t.present.workspace) req.workspace = kTestWorkspace;
    if (!t.present.cwd) req.cwd = req.workspace;
    EvalOptions opts;
    opts.resolve_symlinks = false;  // tests must not depend on this machine's files
    Outcome out = Evaluate(snap, req, opts);
    PolicyTestResult r;
    r.file = file.path;
    r.name = t.name;
    r.mark = t.mark;
    r.expect = t.expect;
    r.expect_rule = t.expect_rule;
    r.got = out.decision;
    r.got_rule = out.rule_id;
    r.reason = out.reason;
    r.passed = out.decision == t.expect && (!t.expect_rule || *t.expect_rule == out.rule_id);
    results.push_back(std::move(r));
  }
  return results;
}

}  // namespace warden::policy
