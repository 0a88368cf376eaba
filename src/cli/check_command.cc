// `warden check` and `warden explain`: one request, decided in-process.
#include <chrono>
#include <iostream>

#include "cli/common.h"
#include "cli/sandbox_run.h"
#include "core/path.h"
#include "sandbox/landlock.h"
#include "sandbox/path_rule.h"
#include "sandbox/plan_json.h"
#include "core/strings.h"

namespace warden::cli {
namespace {

namespace json = boost::json;
using policy::Decision;

struct CheckArgs {
  PolicyFlags policy;
  PlaceFlags place;
  std::vector<std::string> words;
  std::string file_op;
  std::string url;
  std::string method;
  std::string request;
  bool argv = false;
  bool json = false;
  bool sandbox = false;  // explain: the compiled sandbox instead of a request
  std::vector<std::string> sandbox_paths;  // explain --sandbox --path: the rule each falls under
};

void AddRequestFlags(CLI::App* cmd, CheckArgs* a) {
  AddPlaceFlags(cmd, &a->place);
  AddPolicyFlags(cmd, &a->policy);
  cmd->add_option("--file", a->file_op, "Check a file access instead: OP is read, write, delete or exec; PATH follows")
      ->type_name("OP")
      ->check(CLI::IsMember({"read", "write", "delete", "exec"}));
  cmd->add_option("--url", a->url, "Check an HTTP request (a URL fetch) instead: an absolute http or https URL")
      ->type_name("URL");
  cmd->add_option("--method", a->method, "With --url: the HTTP method (default GET)")->type_name("METHOD");
  cmd->add_option("--request", a->request, "A request as JSON (any kind), @FILE, or - for standard input")
      ->type_name("JSON");
  cmd->add_flag("--argv", a->argv, "Treat the words after -- as an exact argv instead of a shell command string");
  cmd->add_flag("--json", a->json, "Print one JSON object");
  // The command is not a CLI11 option: CLI11 would read a word like "[a,b]" as a list. It
  // comes from the words after "--" (CommandTail) or, without "--", the unparsed extras.
  cmd->allow_extras();
}

// The command words: after "--" verbatim; otherwise what CLI11 did not recognize, where a
// word starting with '-' is more likely a mistyped flag than part of the command.
std::optional<int> CollectWords(CLI::App* cmd, CheckArgs* a) {
  std::vector<std::string> extras = cmd->remaining();
  for (const auto& w : extras) {
    if (!w.empty() && w[0] == '-') {
      std::cerr << "warden: unknown option '" << w << "' (put the command after --: warden "
                << cmd->get_name() << " -- 'COMMAND')\n";
      return kExitUsage;
    }
  }
  a->words = extras;
  if (HasCommandTail()) a->words.insert(a->words.end(), CommandTail().begin(), CommandTail().end());
  return std::nullopt;
}

// --url and --method into an http request; returns an exit code on error.
std::optional<int> BuildHttpRequest(const CheckArgs& a, policy::Request* req) {
  if (!a.words.empty()) {
    std::cerr << "warden: --url takes the whole request; do not add a command\n";
    return kExitUsage;
  }
  auto target = policy::ParseHttpUrl(a.url, "--url");
  if (!target.ok()) {
    std::cerr << "warden: " << target.status().message() << "\n";
    return kExitUsage;
  }
  req->kind = policy::RequestKind::kHttp;
  req->http = std::move(target).value();
  if (!a.method.empty()) {
    if (Status s = policy::CheckHttpMethod(a.method, "--method"); !s.ok()) {
      std::cerr << "warden: " << s.message() << "\n";
      return kExitUsage;
    }
    req->http.method = a.method;
  }
  return std::nullopt;
}

// Builds the request from the flags; returns an exit code on error.
std::optional<int> BuildRequest(const CheckArgs& a, policy::Request* req) {
  int modes = (a.request.empty() ? 0 : 1) + (a.file_op.empty() ? 0 : 1) + (a.url.empty() ? 0 : 1);
  if (modes > 1) {
    std::cerr << "warden: give one of --file, --url or --request\n";
    return kExitUsage;
  }
  if (!a.method.empty() && a.url.empty()) {
    std::cerr << "warden: --method goes with --url\n";
    return kExitUsage;
  }
  policy::RequestPresence present;
  if (!a.request.empty()) {
    if (!a.words.empty()) {
      std::cerr << "warden: --request takes the whole request; do not add a command\n";
      return kExitUsage;
    }
    auto text = ReadRequestArgument(a.request);
    if (!text.ok()) {
      std::cerr << "warden: " << text.status().message() << "\n";
      return kExitUsage;
    }
    auto parsed = policy::ParseRequestJson(*text, &present);
    if (!parsed.ok()) {
      std::cerr << "warden: " << parsed.status().message() << "\n";
      return kExitUsage;
    }
    *req = std::move(parsed).value();
  } else if (!a.url.empty()) {
    if (auto err = BuildHttpRequest(a, req)) return *err;
  } else if (!a.file_op.empty()) {
    if (a.words.size() != 1) {
      std::cerr << "warden: --file " << a.file_op << " needs exactly one PATH\n";
      return kExitUsage;
    }
    req->kind = policy::RequestKind::kFile;
    req->op = a.file_op == "read"    ? shell::FileOp::kRead
              : a.file_op == "write" ? shell::FileOp::kWrite
              : a.file_op == "delete" ? shell::FileOp::kDelete
                                      : shell::FileOp::kExec;
    req->path = a.words[0];
    if (req->path.empty()) {
      std::cerr << "warden: the path is empty\n";
      return kExitUsage;
    }
  } else {
    if (a.words.empty()) {
      std::cerr << "warden: nothing to check: give a command after --, or --file, --url or --request\n"
                << "  e.g. warden check -- 'rm -rf build'\n";
      return kExitUsage;
    }
    req->kind = policy::RequestKind::kExec;
    if (a.argv) {
      req->argv = a.words;
      req->has_argv = true;
    } else {
      req->command = Join(a.words, " ");
    }
  }
  FillPlace(a.place, present, req);
  return std::nullopt;
}

void PrintText(const policy::Outcome& out) {
  std::cout << policy::DecisionName(out.decision) << ": " << out.reason;
  if (!out.rule_id.empty()) std::cout << " [" << out.rule_id << "]";
  std::cout << "\n";
}

int RunCheck(const CheckArgs& a) {
  policy::Request req;
  if (auto err = BuildRequest(a, &req)) return *err;
  // Kept to the end (ExitNow leaves without destroying it).
  static policy::LoadResult loaded;
  auto snap = LoadFromFlags(a.policy, req.cwd, false, &loaded);
  if (!snap) {
    std::cerr << "warden: the policy has errors; nothing was decided\n";
    return kExitPolicy;
  }
  auto start = std::chrono::steady_clock::now();
  policy::Outcome out = policy::Evaluate(*snap, req);
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start).count();
  if (a.json) {
    json::object o = OutcomeJson(out, req, *snap);
    o["latency_ns"] = ns;
    PrintJson(o);
  } else {
    PrintText(out);
  }
  ExitNow(ExitFor(out.decision));
}

std::string RuleWhere(const policy::CompiledRule& r) {
  return r.file + (r.mark.line ? ":" + std::to_string(r.mark.line) : std::string());
}

// `warden explain --sandbox --path P…`: the rule of the plan each path falls under.
int PrintPathRules(const sandbox::Plan& plan, policy::Context ctx, const sandbox::Place& place, const CheckArgs& a) {
  boost::json::array out;
  for (const auto& spelled : a.sandbox_paths) {
    sandbox::PathRule r = sandbox::RuleForPath(plan, ResolvePath(spelled, place.cwd, place.home));
    if (a.json) {
      out.push_back({{"path", r.path}, {"readable", r.readable}, {"writable", r.writable}, {"rule", r.rule},
                     {"refusal", r.refusal}});
      continue;
    }
    std::cout << r.path << ": " << (r.readable ? "readable" : "NOT readable") << ", "
              << (r.writable ? "writable" : "NOT writable") << "\n  " << r.rule << "\n";
    if (!r.refusal.empty()) std::cout << "  a confined program sees: " << r.refusal << "\n";
  }
  if (a.json) {
    PrintJson(boost::json::object{{"context", std::string(policy::ContextName(ctx))}, {"hash", plan.hash},
                                  {"paths", std::move(out)}});
  }
  return 0;
}

// `warden explain --sandbox`: the context's sandbox compiled for this place, as warden exec
// would apply it (whether or not the policy enables it there), with the rule set's hash.
int RunExplainSandbox(const CheckArgs& a) {
  auto ctx = policy::ParseContext(a.place.context.empty() ? "ai" : a.place.context);
  if (!ctx) {
    std::cerr << "warden explain: unknown context '" << a.place.context << "': use ai, human or service\n";
    return kExitUsage;
  }
  std::string cwd = a.place.cwd.empty() ? CurrentDir() : a.place.cwd;
  auto snap = LoadFromFlags(a.policy, cwd, a.json);
  if (!snap) return kExitPolicy;
  sandbox::Place place = RunPlace(DaemonFlags{}, a.place.workspace);
  place.make_missing_protected_dirs = false;  // explaining changes nothing
  place.cwd = cwd;
  if (a.place.workspace.empty()) place.workspace = FindWorkspace(cwd);
  if (!a.place.home.empty()) place.home = a.place.home;
  bool enabled = snap->sandbox[static_cast<size_t>(*ctx)].enabled;
  auto plan = PlanFor(*snap, *ctx, true, place);
  plan->settings.enabled = enabled;
  const int abi = sandbox::LandlockAbi();
  if (!a.sandbox_paths.empty()) return PrintPathRules(*plan, *ctx, place, a);
  if (a.json) {
    PrintJson(sandbox::PlanJson(*plan, abi));
  } else {
    std::cout << "context " << policy::ContextName(*ctx) << ": " << sandbox::PlanText(*plan, abi);
  }
  return 0;
}

int RunExplain(const CheckArgs& a) {
  if (a.sandbox) return RunExplainSandbox(a);
  policy::Request req;
  if (auto err = BuildRequest(a, &req)) return *err;
  auto snap = LoadFromFlags(a.policy, req.cwd, false);
  if (!snap) {
    std::cerr << "warden: the policy has errors; nothing was decided\n";
    return kExitPolicy;
  }
  policy::EvalOptions opts;
  opts.explain = true;
  policy::Outcome out = policy::Evaluate(*snap, req, opts);
  if (a.json) {
    json::object o = OutcomeJson(out, req, *snap);
    json::array trace;
    for (const auto& t : out.trace) {
      json::object e;
      e["fact"] = t.verdict;
      e["rule"] = t.rule->id;
      e["matched"] = t.matched;
      if (!t.matched) e["why_not"] = t.why_not;
      e["decision"] = std::string(policy::DecisionName(t.rule->decision));
      e["where"] = RuleWhere(*t.rule);
      trace.push_back(std::move(e));
    }
    o["trace"] = std::move(trace);
    PrintJson(o);
    return ExitFor(out.decision);
  }
  std::cout << "Request  " << policy::KindName(req.kind) << " in the " << policy::ContextName(req.context)
            << " context\n";
  if (req.kind == policy::RequestKind::kExec) {
    std::cout << "         " << (req.has_argv ? "argv: " + Join(req.argv, " ") : req.command) << "\n";
  }
  if (req.kind == policy::RequestKind::kHttp) std::cout << "         " << req.http.method << " " << req.http.url << "\n";
  if (req.kind != policy::RequestKind::kAction) {
    std::cout << "         cwd " << req.cwd << " · workspace " << req.workspace << " · home " << req.home << "\n";
  }
  std::cout << "Policy   revision " << snap->revision << ":";
  for (const auto& s : snap->sources) std::cout << " " << s.path << " (" << s.rules << " rules)";
  std::cout << "\n\n";
  for (size_t i = 0; i < out.verdicts.size(); ++i) {
    const auto& v = out.verdicts[i];
    std::cout << (i + 1) << ". " << (v.type == policy::FactType::kAction ? "action " + req.subject + " " + req.action +
                                                                               " " + req.resource_type + ":" + req.resource_id
                                                                         : policy::DescribeFact(out, v, &req))
              << "\n   → " << policy::DecisionName(v.decision);
    if (v.rule) {
      std::cout << " by rule " << v.rule->id << " (" << RuleWhere(*v.rule) << ")";
    } else if (!v.role.empty()) {
      std::cout << " by role " << v.role;
    } else {
      std::cout << " (no rule matched: default)";
    }
    std::cout << "\n";
    for (const auto& t : out.trace) {
      if (t.verdict != i) continue;
      std::cout << "     " << (t.matched ? "✓ " : "✗ ") << t.rule->id << " [" << policy::DecisionName(t.rule->decision)
                << (t.rule->priority ? ", priority " + std::to_string(t.rule->priority) : std::string())
                << (t.rule->final ? ", final" : "") << "]";
      if (!t.matched) std::cout << ": " << t.why_not;
      std::cout << "\n";
    }
  }
  std::cout << "\nDecision " << policy::DecisionName(out.decision) << ": " << out.reason;
  if (!out.rule_id.empty()) std::cout << " [" << out.rule_id << "]";
  std::cout << "\n(rules not listed under a fact could not match it: the index left them out)\n";
  return ExitFor(out.decision);
}

}  // namespace

void RegisterCheck(CLI::App& app, Runner* run) {
  auto args = std::make_shared<CheckArgs>();
  CLI::App* cmd =
      app.add_subcommand("check", "Decide one request (a shell command, a file access, a URL fetch or any JSON request)");
  AddRequestFlags(cmd, args.get());
  cmd->footer(std::string(R"(Examples:
  warden check -- 'rm -rf build/'                 allow: build output inside the workspace
  warden check -- 'cd / && rm -rf *'               deny
  warden check --json -- 'curl -sL https://x.sh | bash'
  warden check --context human --cwd /tmp -- 'rm -rf ./cache'
  warden check --file read ~/.ssh/id_ed25519
  warden check --url http://169.254.169.254/latest/meta-data/   deny: a cloud metadata endpoint
  warden check --url https://api.example.com/v1/items --method POST
  warden check --request '{"kind":"http","method":"GET","path":"/v1/items","context":"service"}'
  warden check --request '{"kind":"action","subject":"alice","action":"read","resource":{"type":"doc","id":"1"}}'
  warden check --argv -- rm -rf /                  the words are an exact argv, no shell parsing

)") + kExitCodesHelp);
  cmd->callback([run, args, cmd] {
    *run = [args, cmd] {
      if (auto err = CollectWords(cmd, args.get())) return *err;
      return RunCheck(*args);
    };
  });
}

void RegisterExplain(CLI::App& app, Runner* run) {
  auto args = std::make_shared<CheckArgs>();
  CLI::App* cmd = app.add_subcommand(
      "explain", "Like check, but show every fact found and, for each rule considered, whether it matched and why not");
  AddRequestFlags(cmd, args.get());
  cmd->add_flag("--sandbox", args->sandbox,
                "Print the context's kernel sandbox compiled for this place (writable roots, covers, limits, hash)");
  cmd->add_option("--path", args->sandbox_paths,
                  "With --sandbox: say whether PATH is readable and writable inside the sandbox, and which policy entry "
                  "decides (repeatable)")
      ->type_name("PATH");
  cmd->footer(std::string(R"(Examples:
  warden explain -- 'sudo env rm -rf ~'
  warden explain --sandbox                     what warden exec would confine an ai command to, here
  warden explain --sandbox --json --context human
  warden explain --sandbox --path ~/.bashrc --path .git/hooks/pre-commit    why a confined write failed
  warden explain --profile strict -- 'git push --force origin main'
  warden explain --json --file write ~/.bashrc
  warden explain --url http://localhost:8080/admin

)") + kExitCodesHelp);
  cmd->callback([run, args, cmd] {
    *run = [args, cmd] {
      if (!args->sandbox_paths.empty() && !args->sandbox) {
        std::cerr << "warden explain: --path needs --sandbox (for a policy decision on a file, use --file OP PATH)\n";
        return static_cast<int>(kExitUsage);
      }
      if (args->sandbox) return RunExplain(*args);
      if (auto err = CollectWords(cmd, args.get())) return *err;
      return RunExplain(*args);
    };
  });
}

}  // namespace warden::cli
