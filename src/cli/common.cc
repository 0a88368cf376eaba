#include "cli/common.h"

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <iterator>

#include "core/json_text.h"
#include "core/file.h"
#include "core/path.h"
#include "policy/outcome_json.h"

namespace warden::cli {

namespace json = boost::json;
using policy::Decision;

int ExitFor(Decision d) {
  switch (d) {
    case Decision::kAllow: return kExitAllow;
    case Decision::kAsk: return kExitAsk;
    case Decision::kDeny: return kExitDeny;
  }
  return kExitInternal;
}

void AddPolicyFlags(CLI::App* app, PolicyFlags* flags) {
  app->add_option("--policy", flags->files, "Add a policy file as the last layer (repeatable)")
      ->type_name("FILE")
      ->allow_extra_args(false);
  app->add_option("--profile", flags->profile, "Built-in profile: default, strict (ai asks by default) or none")
      ->type_name("NAME")
      ->check(CLI::IsMember({"default", "strict", "none"}))
      ->envname("WARDEN_PROFILE");
  app->add_flag("--isolated", flags->isolated,
                "Ignore ~/.config/warden/policy.yaml and .warden/policy.yaml (use only the built-in profile and --policy)");
}

void AddPlaceFlags(CLI::App* app, PlaceFlags* flags) {
  app->add_option("--context", flags->context, "Who is acting: ai (default), human or service")
      ->type_name("CTX")
      ->check(CLI::IsMember({"ai", "human", "service"}));
  app->add_option("--cwd", flags->cwd, "Working directory the command runs in (default: the current one)")->type_name("DIR");
  app->add_option("--workspace", flags->workspace, "The project root (default: enclosing git repository, else cwd)")
      ->type_name("DIR");
  app->add_option("--home", flags->home, "Home directory for ~ and $HOME (default: $HOME)")->type_name("DIR");
}

std::shared_ptr<const policy::Snapshot> LoadFromFlags(const PolicyFlags& flags, const std::string& cwd, bool quiet,
                                                      policy::LoadResult* result, const WardenSelf* self,
                                                      bool sandbox_only) {
  policy::LoadOptions opts;
  opts.profile = flags.profile.empty() ? "default" : flags.profile;
  opts.user_layer = !flags.isolated;
  opts.repository_layer = !flags.isolated;
  opts.cwd = cwd;
  opts.home = HomeDir();
  if (const char* x = std::getenv("XDG_CONFIG_HOME"); x && *x == '/') opts.config_home = x;
  opts.files = flags.files;
  if (self) opts.self = *self;
  opts.sandbox_only = sandbox_only;
  policy::LoadResult local;
  policy::LoadResult& r = result ? *result : local;
  r = policy::LoadPolicy(opts);
  if (!quiet) {
    for (const auto& d : r.diagnostics.all()) std::cerr << policy::FormatDiagnostic(d) << "\n";
  }
  return r.snapshot;
}

void ExitNow(int code) {
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);
  std::_Exit(code);
}

void BecomeProgram(const std::vector<std::string>& argv, const char* who) {
  std::vector<char*> args;
  for (const auto& s : argv) args.push_back(const_cast<char*>(s.c_str()));
  args.push_back(nullptr);
  std::cout.flush();
  std::cerr.flush();
  execvp(args[0], args.data());
  int err = errno;
  std::cerr << who << ": cannot run " << argv[0] << ": " << std::strerror(err) << "\n";
  ExitNow(err == ENOENT ? 127 : 126);
}

std::string CurrentDir() {
  char buf[4096];
  if (getcwd(buf, sizeof buf) != nullptr) return buf;
  if (const char* pwd = std::getenv("PWD"); pwd && *pwd == '/') return pwd;
  return "/";
}

std::string HomeDir() {
  if (const char* h = std::getenv("HOME"); h && *h == '/') return NormalizePath(h);
  if (const passwd* pw = getpwuid(getuid()); pw && pw->pw_dir) return pw->pw_dir;
  return "/";
}

std::string FindWorkspace(const std::string& cwd) {
  std::string dir = NormalizePath(cwd);
  for (std::string d = dir;;) {
    struct stat st;
    if (stat(JoinPath(d, ".git").c_str(), &st) == 0) return d;
    if (d == "/" || d.empty()) break;
    size_t slash = d.rfind('/');
    d = slash == 0 ? "/" : d.substr(0, slash);
  }
  return dir;
}

void FillPlace(const PlaceFlags& flags, const policy::RequestPresence& present, policy::Request* req) {
  if (!present.context && !flags.context.empty()) req->context = *policy::ParseContext(flags.context);
  auto absolute = [](const std::string& p) { return NormalizePath(JoinPath(CurrentDir(), p)); };
  if (!present.cwd) req->cwd = flags.cwd.empty() ? CurrentDir() : absolute(flags.cwd);
  if (!present.home) req->home = flags.home.empty() ? HomeDir() : absolute(flags.home);
  if (!present.workspace) req->workspace = flags.workspace.empty() ? FindWorkspace(req->cwd) : absolute(flags.workspace);
}

json::array FactsJson(const policy::Outcome& out) { return policy::FactsJson(out); }

json::object OutcomeJson(const policy::Outcome& out, const policy::Request& req, const policy::Snapshot& snap) {
  return policy::OutcomeJson(out, req, snap);
}

json::object DiagnosticJson(const policy::Diagnostic& d) { return policy::DiagnosticJson(d); }

std::vector<std::string>& CommandTail() {
  static std::vector<std::string> tail;
  return tail;
}

bool& HasCommandTail() {
  static bool has = false;
  return has;
}

void PrintJson(const json::value& v) { std::cout << JsonText(v) << "\n"; }

Result<std::string> ReadRequestArgument(const std::string& value) {
  if (value == "-") {
    std::string data((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    return data;
  }
  if (!value.empty() && value[0] == '@') return ReadFileLimited(value.substr(1), policy::kMaxRequestJsonBytes, FileKinds::kAnyReadable);
  return value;
}

}  // namespace warden::cli
