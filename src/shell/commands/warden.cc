// Warden's own programs, however they are reached (a path, a link, a copy keep the name):
// `warden exec -- CMD`, `warden shell -c STRING`, `warden-shell -c STRING` and `warden mcp --
// SERVER` run what they are given, which is analyzed like any runner's command. An invocation
// that would change the decision being made — another context, profile or policy file, another
// socket or state directory (another daemon), fail-open, no daemon, another home, workspace or
// working directory, a changed HOME or XDG_* — or that acts for a person (approve, deny, the
// approvals and the monitor, serve, install, init, token, accepting a changed MCP tool), or
// the daemon itself, is a warden_tamper signal: Warden never loosens itself from inside.
#include <algorithm>

#include "shell/analyzer_impl.h"
#include "shell/analyzer_util.h"
#include "shell/commands/families.h"
#include "shell/self_protection.h"

namespace warden::shell {
namespace {

void Tamper(Call& c, std::string detail) { c.Signal(kSignalWardenTamper, c.name() + ": " + std::move(detail)); }

bool LooseningFlag(std::string_view tok) {
  static constexpr std::string_view kFlags[] = {"--context", "--profile", "--policy",   "--isolated", "--socket",
                                                "--state-dir", "--fail-open", "--no-daemon", "--no-scan", "--no-pins",
                                                "--cwd",     "--workspace", "--home"};
  return std::any_of(std::begin(kFlags), std::end(kFlags), [&](std::string_view f) {
    return tok == f || (tok.size() > f.size() && tok.substr(0, f.size()) == f && tok[f.size()] == '=');
  });
}

bool ForPeopleOnly(std::string_view sub) {
  static constexpr std::string_view kSubs[] = {"approve", "deny", "approvals", "serve", "install", "init", "token", "monitor"};
  return std::find(std::begin(kSubs), std::end(kSubs), sub) != std::end(kSubs);
}

// The subcommands an agent may run: everything else (approve, deny, approvals, monitor, serve,
// install, init, token — or a word only known at run time) acts for a person.
bool ForAgents(std::string_view sub) {
  static constexpr std::string_view kSubs[] = {"check", "explain", "exec", "shell", "hook", "status", "audit", "policy",
                                               "bench", "version", "help", "mcp", "--help", "-h", "--version"};
  return std::find(std::begin(kSubs), std::end(kSubs), sub) != std::end(kSubs);
}

// Where Warden looks for its policy and daemon follows HOME and XDG_*: set by the script,
// they point it elsewhere.
void MovedEnvironment(Call& c) {
  const WardenSelf* self = c.an.options().self;
  for (const char* name : {"HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_RUNTIME_DIR"}) {
    auto it = c.st.vars.find(name);
    // What the analysis started from: HOME, and the variables behind Warden's own locations.
    std::string start = std::string(name) == "HOME" ? c.an.options().home : std::string();
    bool started = std::string(name) == "HOME";
    if (self != nullptr) {
      for (const auto& [var, value] : self->env) {
        if (var == name) start = value, started = true;
      }
    }
    bool same = started ? (it != c.st.vars.end() && it->second.known && it->second.text == start)
                        : it == c.st.vars.end();
    if (!same) Tamper(c, std::string("runs with ") + name + " changed by the command");
  }
}

// The words that are Warden's own: up to "--" (what follows is the program it runs).
size_t OwnWordsEnd(const std::vector<Expanded>& argv) {
  for (size_t k = 1; k < argv.size(); ++k) {
    if (argv[k].text == "--") return k;
  }
  return argv.size();
}

// warden exec [OPTIONS] [--] CMD…, warden mcp [OPTIONS] -- SERVER…: the program they run.
Stream RunsProgram(Call& c, size_t own_end) {
  size_t start = own_end < c.argv.size() ? own_end + 1 : c.argv.size();
  if (own_end == c.argv.size()) {
    // No "--": the first word after the subcommand that is not an option (--wait N takes one).
    size_t k = 2;
    while (k < c.argv.size() && c.argv[k].text.rfind("-", 0) == 0) k += c.argv[k].text == "--wait" ? 2 : 1;
    start = k;
  }
  if (start >= c.argv.size()) return c.PassThrough();
  return c.Run(Slice(c.argv, start), "warden");
}

// warden shell -c STRING [NAME ARGS…]
Stream ShellString(Call& c) {
  for (size_t k = 2; k + 1 < c.argv.size(); ++k) {
    if (c.argv[k].text != "-c") continue;
    std::vector<Expanded> params(c.argv.begin() + static_cast<std::ptrdiff_t>(k + 2), c.argv.end());
    return c.an.CodeString(c.argv[k + 1], "warden shell -c", c.st, c.an.Inner(c.ctx, "warden", false), params, c.in);
  }
  return c.PassThrough();
}

Stream Warden(Call& c) {
  MovedEnvironment(c);
  const size_t own_end = OwnWordsEnd(c.argv);
  for (size_t k = 1; k < own_end; ++k) {
    const Expanded& w = c.argv[k];
    if (LooseningFlag(w.text)) Tamper(c, w.text + " changes the decision Warden makes");
    // A word of Warden's own only known at run time could be any flag or subcommand.
    if ((w.bits & (kArgDynamic | kArgGlob)) && !c.an.speculating()) Tamper(c, "'" + w.text + "' is only known at run time");
  }
  const std::string sub = c.argv.size() > 1 ? c.argv[1].text : std::string();
  // A guess (another program's argv that mentions warden) is held to the explicit list only.
  const bool for_people = c.an.speculating() ? ForPeopleOnly(sub) : c.argv.size() > 1 && !ForAgents(sub);
  if (for_people) Tamper(c, "'" + sub + "' is for a person, not an agent");
  if (sub == "mcp") {
    for (size_t k = 2; k < own_end; ++k) {
      if (c.argv[k].text == "accept") Tamper(c, "accepting a changed MCP tool is for a person");
    }
  }
  if (sub == "exec" || (sub == "mcp" && own_end < c.argv.size())) return RunsProgram(c, own_end);
  if (sub == "shell") return ShellString(c);
  return c.PassThrough();
}

// warden-shell: a drop-in $SHELL (-c STRING runs through the real shell after the decision).
Stream WardenShell(Call& c) {
  MovedEnvironment(c);
  for (size_t k = 1; k < c.argv.size() && c.argv[k].text != "-c"; ++k) {
    if (LooseningFlag(c.argv[k].text)) Tamper(c, c.argv[k].text + " changes the decision Warden makes");
  }
  return RunShell(c);
}

Stream WardenServe(Call& c) {
  Tamper(c, "runs Warden's daemon, which is for a person");
  return c.PassThrough();
}

constexpr CommandSpec kModels[] = {
    {.name = "warden", .family = Family::kRunner, .run = Warden},
    {"warden-shell", Family::kShell, "oO", "init-file rcfile", true, 0, 'c', "", false, WardenShell},
    {.name = "warden-serve", .family = Family::kRunner, .run = WardenServe},
};

}  // namespace

ModelTable WardenCommands() { return kModels; }

}  // namespace warden::shell
