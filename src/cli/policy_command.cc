// `warden policy check FILE…`, `warden policy test FILE…` and `warden policy packs`.
#include <algorithm>
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

// The pack's description: the comment lines after its title line.
std::string PackDescription(std::string_view text) {
  std::string out;
  bool first = true;
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('\n', start);
    std::string_view line = text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (line.rfind("# ", 0) != 0) break;
    if (!first) out += (out.empty() ? "" : " ") + std::string(line.substr(2));
    first = false;
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return out;
}

// `warden policy packs`: the built-in rule packs, what they cover, their rules, and whether the
// built-in profile (with the user's and repository's layers, unless --isolated) turns them on.
int RunPolicyPacks(const PolicyArgs& a) {
  PolicyFlags flags;
  flags.profile = a.profile;
  flags.isolated = a.strict;  // --isolated
  policy::LoadResult loaded;
  LoadFromFlags(flags, CurrentDir(), true, &loaded, nullptr);
  json::array packs;
  for (std::string_view name : policy::BuiltinPackNames()) {
    std::string embedded = "pack_" + std::string(name);
    std::replace(embedded.begin(), embedded.end(), '-', '_');
    const std::string_view text = policy::EmbeddedPolicy(embedded);
    policy::LoadResult one = policy::LoadPolicyTexts({{"pack", policy::LayerKind::kCommandLine, std::string(text)}});
    json::object o;
    o["name"] = std::string(name);
    o["description"] = PackDescription(text);
    json::array ids;
    size_t finals = 0;
    if (one.snapshot) {
      for (const auto& rule : one.snapshot->rules) {
        ids.push_back(json::value(rule.id));
        finals += rule.final ? 1 : 0;
      }
    }
    o["rules"] = std::move(ids);
    o["final_rules"] = static_cast<int64_t>(finals);
    bool on = false;
    for (const auto& layer : loaded.layers) on = on || layer.path == "<builtin:pack/" + std::string(name) + ">";
    o["on"] = on;
    packs.push_back(std::move(o));
  }
  if (a.json) {
    json::object o;
    o["packs"] = std::move(packs);
    PrintJson(o);
    return 0;
  }
  for (const auto& v : packs) {
    const auto& o = v.as_object();
    std::cout << (o.at("on").as_bool() ? "on   " : "off  ") << json::value_to<std::string>(o.at("name")) << "  ("
              << o.at("rules").as_array().size() << " rules, " << o.at("final_rules").as_int64() << " final)\n     "
              << json::value_to<std::string>(o.at("description")) << "\n";
  }
  return 0;
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

  auto packs = std::make_shared<PolicyArgs>();
  CLI::App* p = policy->add_subcommand("packs", "List the built-in rule packs and whether your policy turns them on");
  p->add_option("--profile", packs->profile, "Built-in profile: default, strict or none")
      ->check(CLI::IsMember({"default", "strict", "none"}));
  p->add_flag("--isolated", packs->strict, "Ignore ~/.config/warden/policy.yaml and .warden/policy.yaml");
  p->add_flag("--json", packs->json, "Print one JSON object: {packs: [{name, description, rules, final_rules, on}]}");
  p->footer(R"(Examples:
  warden policy packs
  warden policy packs --profile none --json

Turn a pack on in any policy file with `packs: [NAME, …]` (docs/POLICY.md, "Rule packs").)");
  p->callback([run, packs] { *run = [packs] { return RunPolicyPacks(*packs); }; });
}

}  // namespace warden::cli
