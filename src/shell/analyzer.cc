// The entry points: a command string or an argv, analyzed from the request's working directory
// and home with a fresh State.
#include "shell/analyzer.h"

#include "core/path.h"
#include "core/strings.h"
#include "shell/analyzer_impl.h"
#include "shell/analyzer_util.h"
#include "shell/self_protection.h"

namespace warden::shell {
namespace {

// HOME and the variables behind Warden's locations, as every analysis starts. Built once per
// thread for the same home and environment, and shared (copied only if the script assigns).
std::shared_ptr<Vars::Map> InitialVariables(const AnalyzeOptions& o) {
  struct Cached {
    std::string home;
    std::vector<std::pair<std::string, std::string>> env;
    std::shared_ptr<Vars::Map> map;
  };
  thread_local Cached cached;
  static const std::vector<std::pair<std::string, std::string>> kNoEnv;
  const auto& env = o.self != nullptr ? o.self->env : kNoEnv;
  if (cached.map && cached.home == o.home && cached.env == env) return cached.map;
  auto map = std::make_shared<Vars::Map>();
  auto set = [&](const std::string& name, const std::string& text) {
    Value v;
    v.text = text;
    v.known = true;
    (*map)[name] = std::move(v);
  };
  set("HOME", o.home);
  for (const auto& [name, value] : env) set(name, value);
  cached = {o.home, env, map};
  return map;
}

State InitialState(const AnalyzeOptions& o) {
  State st;
  st.cwds.push_back(NormalizePath(o.cwd.empty() ? "/" : o.cwd));
  st.vars = Vars::Sharing(InitialVariables(o));
  return st;
}

}  // namespace

Analyzer::Analyzer(const AnalyzeOptions& options, Facts* out) : opt_(options), out_(out) {}

void Analyzer::RunString(std::string_view source) {
  if (Trim(source).empty()) {
    Signal(kSignalEmpty, "empty command");
    return;
  }
  std::string_view visible = source;
  if (size_t nul = source.find('\0'); nul != std::string_view::npos) {
    // A shell given this string sees only what comes before the NUL byte.
    Signal(kSignalParseError, "the command contains a NUL byte; a shell would run only what comes before it");
    visible = source.substr(0, nul);
  }
  if (visible.size() > opt_.max_bytes) {
    Signal(kSignalTooLarge, "the command is " + std::to_string(source.size()) + " bytes; only the first " +
                                std::to_string(opt_.max_bytes) + " were analyzed");
    visible = visible.substr(0, opt_.max_bytes);
    if (size_t nl = visible.rfind('\n'); nl != std::string_view::npos && nl > 0) visible = visible.substr(0, nl);
  }
  State st = InitialState(opt_);
  Script(visible, st, Ctx{}, Stream{});
  AnalyzeUncalledFunctions();
  if (out_->commands.empty() && out_->files.empty() && out_->signals.empty()) {
    Signal(kSignalEmpty, "nothing to run (only comments or blanks)");
  }
}

void Analyzer::RunArgv(const std::vector<std::string>& argv) {
  if (argv.empty() || (argv.size() == 1 && argv[0].empty())) {
    Signal(kSignalEmpty, "empty argv");
    return;
  }
  State st = InitialState(opt_);
  std::vector<Expanded> words;
  for (const auto& a : argv) {
    words.push_back(PlainWord(a.substr(0, a.find('\0'))));
    if (a.find('\0') != std::string::npos) Signal(kSignalParseError, "an argument contains a NUL byte");
  }
  Exec(std::move(words), st, Ctx{}, Stream{});
  AnalyzeUncalledFunctions();
}

bool Analyzer::Budget() {
  if (++steps_ <= opt_.max_commands * 8 && out_->commands.size() < opt_.max_commands) return true;
  if (!budget_reported_) {
    budget_reported_ = true;
    Signal(kSignalTooLarge, "analysis stopped after " + std::to_string(out_->commands.size()) +
                                " commands (budget " + std::to_string(opt_.max_commands) + ")");
  }
  return false;
}

Facts AnalyzeCommand(std::string_view command, const AnalyzeOptions& options) {
  SelfScope scope(options.self);
  Facts facts;
  Analyzer(options, &facts).RunString(command);
  return facts;
}

Facts AnalyzeArgv(const std::vector<std::string>& argv, const AnalyzeOptions& options) {
  SelfScope scope(options.self);
  Facts facts;
  Analyzer(options, &facts).RunArgv(argv);
  return facts;
}

}  // namespace warden::shell
