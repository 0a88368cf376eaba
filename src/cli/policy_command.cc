// `warden policy check FILE…` and `warden policy test FILE…`.
#include <iostream>

#include "cli/common.h"
#include "policy/policy_tests.h"

namespace warden::cli {
namespace {

namespace json = boost::json;

struct PolicyArgs {
  std::vector<std::string> files;
  std::string profile = "default";
  bool json = false;
  bool strict = false;
};

// Built-in profile first, then the files, as command-line layers.
policy::LoadResult Load(const PolicyArgs& a) {
  policy::LoadOptions opts;
  opts.profile = a.profile;
  opts.user_layer = false;
  opts.repository_layer = false;
  opts.files = a.files;
  return policy::LoadPolicy(opts);
}

int RunPolicyCheck(const PolicyArgs& a) {
  policy::LoadResult r = Load(a);
  size_t errors = 0, warnings = 0;
  for (const auto& d : r.diagnostics.all()) (d.severity == policy::Severity::kError ? errors : warnings)++;
  bool ok = r.ok() && !(a.strict && warnings > 0);
  if (a.json) {
    json::object o;
    o["ok"] = ok;
    json::array diags;
    for (const auto& d : r.diagnostics.all()) diags.push_back(DiagnosticJson(d));
    o["diagnostics"] = std::move(diags);
    o["errors"] = errors;
    o["warnings"] = warnings;
    if (r.snapshot) {
      o["rules"] = r.snapshot->rules.size();
      o["permissions"] = r.snapshot->permission_count;
      o["revision"] = r.snapshot->revision;
    }
    PrintJson(o);
  } else {
    for (const auto& d : r.diagnostics.all()) std::cout << policy::FormatDiagnostic(d) << "\n";
    if (r.snapshot) {
      std::cout << (ok ? "ok: " : "not ok: ") << r.snapshot->rules.size() << " rules, "
                << r.snapshot->permission_count << " permissions, " << r.snapshot->subjects.size()
                << " subjects in " << r.layers.size() << " layer(s); revision " << r.snapshot->revision;
      if (warnings) std::cout << "; " << warnings << " warning(s)";
      std::cout << "\n";
    } else {
      std::cout << errors << " error(s), " << warnings << " warning(s)\n";
    }
  }
  return ok ? 0 : kExitPolicy;
}

int RunPolicyTest(const PolicyArgs& a) {
  policy::LoadResult r = Load(a);
  if (!r.ok()) {
    for (const auto& d : r.diagnostics.all()) std::cerr << policy::FormatDiagnostic(d) << "\n";
    std::cerr << "warden: the policy has errors; no test was run\n";
    return kExitPolicy;
  }
  size_t passed = 0, failed = 0;
  json::array results;
  for (const auto& layer : r.layers) {
    if (layer.layer != policy::LayerKind::kCommandLine) continue;
    for (const auto& t : policy::RunPolicyTests(*r.snapshot, layer)) {
      (t.passed ? passed : failed)++;
      if (a.json) {
        json::object o;
        o["file"] = t.file;
        o["line"] = t.mark.line;
        o["name"] = t.name;
        o["passed"] = t.passed;
        o["expect"] = std::string(policy::DecisionName(t.expect));
        if (t.expect_rule) o["expect_rule"] = *t.expect_rule;
        o["got"] = std::string(policy::DecisionName(t.got));
        o["rule"] = t.got_rule.empty() ? json::value(nullptr) : json::value(t.got_rule);
        o["reason"] = t.reason;
        results.push_back(std::move(o));
      } else if (!t.passed) {
        std::cout << "FAIL " << t.file << ":" << t.mark.line << ": " << t.name << "\n     expected "
                  << policy::DecisionName(t.expect);
        if (t.expect_rule) std::cout << " by " << (t.expect_rule->empty() ? "the default" : "rule " + *t.expect_rule);
        std::cout << ", got " << policy::DecisionName(t.got) << " by "
                  << (t.got_rule.empty() ? std::string("the default") : "rule " + t.got_rule) << ": " << t.reason
                  << "\n";
      }
    }
  }
  if (a.json) {
    json::object o;
    o["passed"] = passed;
    o["failed"] = failed;
    o["results"] = std::move(results);
    PrintJson(o);
  } else {
    std::cout << passed << " passed, " << failed << " failed\n";
  }
  return failed == 0 ? 0 : 1;
}

}  // namespace

void RegisterPolicy(CLI::App& app, Runner* run) {
  CLI::App* policy = app.add_subcommand("policy", "Check policy files and run their inline tests");
  policy->require_subcommand(1);
  auto check = std::make_shared<PolicyArgs>();
  CLI::App* c = policy->add_subcommand("check", "Load FILEs on top of the built-in profile and report every problem");
  c->add_option("files", check->files, "Policy files")->required()->type_name("FILE");
  c->add_option("--profile", check->profile, "Built-in layer under the files: default, strict or none")
      ->check(CLI::IsMember({"default", "strict", "none"}));
  c->add_flag("--json", check->json, "Print one JSON object");
  c->add_flag("--strict", check->strict, "Fail on warnings too");
  c->footer(R"(Examples:
  warden policy check .warden/policy.yaml
  warden policy check --profile none --json ../shared/bench/peers/warden-policy.yaml

Exit codes: 0 ok · 78 errors (or warnings with --strict) · 64 usage error)");
  c->callback([run, check] { *run = [check] { return RunPolicyCheck(*check); }; });

  auto test = std::make_shared<PolicyArgs>();
  CLI::App* t = policy->add_subcommand("test", "Run the `tests:` of FILEs against the built-in profile plus FILEs");
  t->add_option("files", test->files, "Policy files")->required()->type_name("FILE");
  t->add_option("--profile", test->profile, "Built-in layer under the files: default, strict or none")
      ->check(CLI::IsMember({"default", "strict", "none"}));
  t->add_flag("--json", test->json, "Print one JSON object");
  t->footer(R"(Examples:
  warden policy test .warden/policy.yaml          prints "N passed, M failed"
  warden policy test --profile none my-rbac.yaml

A test: {name, request: {kind: exec, command: "…"}, expect: allow|ask|deny, rule: ID|null}.
Unless the request says otherwise: context ai, home /home/user, workspace /home/user/project, cwd = workspace.
Exit codes: 0 all passed · 1 a test failed · 78 policy error · 64 usage error)");
  t->callback([run, test] { *run = [test] { return RunPolicyTest(*test); }; });
}

}  // namespace warden::cli
