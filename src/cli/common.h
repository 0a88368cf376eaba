// What the subcommands share: exit codes, the policy and place flags, loading the policy,
// resolving defaults for cwd/workspace/home, and JSON renderings of outcomes and diagnostics.
#pragma once

#include <CLI/CLI.hpp>
#include <boost/json.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "policy/diagnostic.h"
#include "policy/evaluator.h"
#include "policy/loader.h"
#include "policy/request.h"
#include "policy/snapshot.h"

namespace warden::cli {

// Stable exit codes (README and `warden --help`).
enum ExitCode : int {
  kExitAllow = 0,
  kExitDeny = 1,
  kExitAsk = 2,
  kExitUsage = 64,     // bad flags or a malformed request
  kExitUnavailable = 69,  // the daemon does not run (status) or could not start (serve)
  kExitInternal = 70,  // a bug: nothing was decided
  kExitPolicy = 78,    // the policy has errors (nothing was decided)
  kExitExecDenied = 126,  // warden exec: denied or needs approval (the program did not run)
};

int ExitFor(policy::Decision d);

// Ends a one-shot command at once: flushes stdout and stderr, then leaves without running
// destructors. Tearing down a compiled policy costs more than deciding with it, and a
// short-lived process gives the memory back anyway.
[[noreturn]] void ExitNow(int code);

// Replaces this process with argv[0] (execvp: same pid, terminal, environment). When it cannot
// be run, says why on stderr after `who` and ends with 127 (not found) or 126.
[[noreturn]] void BecomeProgram(const std::vector<std::string>& argv, const char* who);

inline constexpr const char* kExitCodesHelp =
    "Exit codes: 0 allow · 1 deny · 2 ask · 64 usage error or bad request · 70 internal error · "
    "78 policy error · 69 daemon not running (status) · 126 warden exec: denied, the program did not run";

struct PolicyFlags {
  std::vector<std::string> files;
  std::string profile;
  bool isolated = false;
};
void AddPolicyFlags(CLI::App* app, PolicyFlags* flags);

struct PlaceFlags {
  std::string context;
  std::string cwd;
  std::string workspace;
  std::string home;
};
void AddPlaceFlags(CLI::App* app, PlaceFlags* flags);

// Loads the layered policy the flags describe. Diagnostics are printed to stderr (as text),
// or kept for the caller when `quiet`. Returns null when the policy has errors. `self`: where
// Warden lives (the --socket/--state-dir in effect); unset, from the environment.
std::shared_ptr<const policy::Snapshot> LoadFromFlags(const PolicyFlags& flags, const std::string& cwd,
                                                      bool quiet, policy::LoadResult* result = nullptr,
                                                      const WardenSelf* self = nullptr, bool sandbox_only = false);

std::string CurrentDir();
std::string HomeDir();
// The enclosing repository (the nearest directory with .git), else `cwd`.
std::string FindWorkspace(const std::string& cwd);

// Fills in what the request does not say from the flags, then the environment.
void FillPlace(const PlaceFlags& flags, const policy::RequestPresence& present, policy::Request* req);

boost::json::object OutcomeJson(const policy::Outcome& out, const policy::Request& req, const policy::Snapshot& snap);
boost::json::array FactsJson(const policy::Outcome& out);
boost::json::object DiagnosticJson(const policy::Diagnostic& d);
void PrintJson(const boost::json::value& v);

// The words after the first "--" on the command line, exactly as given. main() takes them
// out before CLI11 parses the rest, so no option parser can reinterpret a command.
std::vector<std::string>& CommandTail();
bool& HasCommandTail();

// Reads a --request value: inline JSON, @FILE, or - for standard input.
Result<std::string> ReadRequestArgument(const std::string& value);

// Registration: each subcommand adds itself to `app` and sets `*run` when chosen.
using Runner = std::function<int()>;
void RegisterCheck(CLI::App& app, Runner* run);
void RegisterExplain(CLI::App& app, Runner* run);
void RegisterPolicy(CLI::App& app, Runner* run);
void RegisterBench(CLI::App& app, Runner* run);
void RegisterAudit(CLI::App& app, Runner* run);
void RegisterHook(CLI::App& app, Runner* run);
void RegisterServe(CLI::App& app, Runner* run);
void RegisterStatus(CLI::App& app, Runner* run);
void RegisterExec(CLI::App& app, Runner* run);
void RegisterSandbox(CLI::App& app, Runner* run);
void RegisterApprovals(CLI::App& app, Runner* run);  // approvals, approve, deny
void RegisterInit(CLI::App& app, Runner* run);
void RegisterInstall(CLI::App& app, Runner* run);
void RegisterDoctor(CLI::App& app, Runner* run);
void RegisterMonitor(CLI::App& app, Runner* run);
void RegisterToken(CLI::App& app, Runner* run);   // token create|list|revoke
void RegisterMcp(CLI::App& app, Runner* run);     // mcp, mcp pins, mcp accept
// `warden shell ARGS…` / a `warden-shell` link: bash's arguments, not parsed by CLI11.
int RunShell(const std::vector<std::string>& args);

}  // namespace warden::cli
