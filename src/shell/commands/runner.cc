// Runners: commands that run another command given after a subcommand or an option —
// `poetry run CMD`, `npm exec -- CMD`, `npx PKG`, `direnv exec DIR CMD`, `nix develop -c CMD`,
// `nix-shell --run CMD`, the dynamic loader, `bwrap … CMD`, `cpulimit … -- CMD`. Anything
// else they are asked to do is treated as the command without a model it then is.
#include <algorithm>

#include <optional>

#include "core/path.h"
#include "shell/analyzer_impl.h"
#include "shell/analyzer_util.h"
#include "shell/commands/families.h"

namespace warden::shell {
namespace {

std::string Sub(const Call& c, size_t k) {
  const auto& ops = c.fact().operands;
  return k < ops.size() ? c.argv[ops[k]].text : std::string();
}

// The command from the k-th operand on.
Stream FromOperand(Call& c, size_t k) {
  const auto& ops = c.fact().operands;
  if (k >= ops.size()) return UnknownStream(c.name());
  size_t at = ops[k];
  if (at < c.argv.size() && c.argv[at].text == "--") ++at;
  return c.Run(Slice(c.argv, at), c.name());
}

// "--" ends the runner's own options: the command follows.
std::optional<size_t> AfterDashDash(const Call& c) {
  for (size_t k = 1; k < c.argv.size(); ++k) {
    if (c.argv[k].text == "--") return k + 1;
  }
  return std::nullopt;
}

struct RunVerb {
  std::string_view tool, verb;
};
constexpr RunVerb kRunVerbs[] = {
    {"poetry", "run"}, {"uv", "run"}, {"uv", "tool"}, {"pipenv", "run"}, {"pdm", "run"}, {"hatch", "run"},
    {"rye", "run"}, {"bundle", "exec"}, {"npm", "exec"}, {"npm", "x"}, {"pnpm", "exec"}, {"pnpm", "dlx"}, {"yarn", "exec"},
    {"yarn", "dlx"}, {"bun", "x"}, {"pipx", "run"}, {"conda", "run"}, {"mamba", "run"}, {"micromamba", "run"},
    {"devbox", "run"}, {"mise", "exec"}, {"mise", "x"}, {"asdf", "exec"}, {"rbenv", "exec"}, {"pyenv", "exec"},
    {"nix", "shell"}, {"nix", "run"}, {"flatpak", "run"}, {"toolbox", "run"}, {"distrobox", "enter"},
    {"meson", "devenv"}, {"pixi", "run"}, {"pixi", "exec"}};

// The options of the run verbs that take a value, so that the command is found after them.
constexpr CommandSpec kRunVerbSpecs[] = {
    {"run", Family::kRunner, "pnmC", "with with-editable with-requirements python project directory env-file extra group package index index-url extra-index-url prefix cwd name spec pip-args container"},
    {"exec", Family::kRunner, "pcCw", "package call filter workspace dir"},
    {"dlx", Family::kRunner, "p", "package"},
    {"x", Family::kRunner, "p", "package"},
    {"tool", Family::kRunner, "p", "with from python"},
    {"shell", Family::kRunner, "", "arg argstr impure-env keep unset"},
    {"enter", Family::kRunner, "n", "name"},
    {"devenv", Family::kRunner, "Cw", "workdir dump dump-format"},
};

const CommandSpec* RunVerbSpec(std::string_view verb) {
  for (const CommandSpec& v : kRunVerbSpecs) {
    if (v.name == verb) return &v;
  }
  return nullptr;
}

// A package to run, named as npx/pnpm dlx/bunx/uvx take it ("rimraf@5", "@scope/cli@1.2"): the
// program is the package's name.
Expanded ProgramOfPackage(Expanded word) {
  std::string& t = word.text;
  size_t at = t.find('@', t[0] == '@' ? 1 : 0);
  if (at != std::string::npos && at > 0) t.resize(at);
  if (t[0] == '@' && t.find('/') != std::string::npos) t = t.substr(t.find('/') + 1);
  return word;
}

// The command from the k-th operand on, its name taken as a package's.
Stream PackageFromOperand(Call& c, size_t k) {
  const auto& ops = c.fact().operands;
  if (k >= ops.size()) return UnknownStream(c.name());
  std::vector<Expanded> words = Slice(c.argv, ops[k]);
  if (!words.empty() && !words[0].text.empty() && !(words[0].bits & kArgDynamic)) words[0] = ProgramOfPackage(words[0]);
  return c.Run(std::move(words), c.name());
}

// -c/--call 'STRING' (npm exec, npx, pnpm exec): a shell command line.
bool CallOption(Call& c, Stream* out) {
  const Option* o = FindOption(c.fact().options, {"-c", "--call"});
  if (!o || !o->has_value) return false;
  *out = c.RunCode(o->value, c.name() + " -c", c.name());
  return true;
}

bool RunsPackage(std::string_view tool, std::string_view verb) {
  return verb == "dlx" || (tool == "npm" && (verb == "exec" || verb == "x")) || (tool == "bun" && verb == "x") ||
         (tool == "pipx" && verb == "run") || (tool == "uv" && verb == "tool");
}

// `uv run -`, `poetry run -`: a script read from standard input, in the tool's language.
std::vector<Expanded> StdinScript(std::string_view tool, std::vector<Expanded> words) {
  static constexpr std::string_view kPython[] = {"uv", "poetry", "pdm", "hatch", "rye", "pipenv", "conda", "mamba", "micromamba"};
  if (words.empty() || words[0].text != "-") return words;
  if (std::find(std::begin(kPython), std::end(kPython), tool) == std::end(kPython)) return words;
  words.insert(words.begin(), PlainWord("python"));
  return words;
}

// proto run TOOL [VERSION] [-- ARGS…]: the tool with its arguments.
Stream Proto(Call& c) {
  if (Sub(c, 0) != "run" || c.fact().operands.size() < 2) return c.PassThrough();
  std::vector<Expanded> words = {c.argv[c.fact().operands[1]]};
  if (auto dd = AfterDashDash(c)) {
    for (size_t k = *dd; k < c.argv.size(); ++k) words.push_back(c.argv[k]);
  }
  return c.Run(std::move(words), c.name());
}

// TOOL VERB [options] [--] CMD…: true when this is the tool's run verb (`*out` its result).
bool RunsAVerb(Call& c, Stream* out) {
  for (auto [tool, verb] : kRunVerbs) {
    if (c.name() != tool || Sub(c, 0) != verb) continue;
    if (CallOption(c, out)) return true;
    if (auto dd = AfterDashDash(c)) {
      *out = c.Run(StdinScript(tool, Slice(c.argv, *dd)), c.name());
    } else if (Sub(c, 1) == "-") {
      *out = c.Run(StdinScript(tool, {PlainWord("-")}), c.name());
    } else {
      // uv tool run PKG: the package follows the second verb.
      size_t first = tool == "uv" && verb == "tool" ? 2 : 1;
      *out = RunsPackage(tool, verb) ? PackageFromOperand(c, first) : FromOperand(c, first);
    }
    return true;
  }
  return false;
}

Stream Subcommand(Call& c) {
  Stream out;
  return RunsAVerb(c, &out) ? out : c.Unknown();
}

// Build tools with one run verb (meson devenv CMD, pixi run CMD): their other verbs configure
// and build in the project and name no files of interest.
Stream BuildToolRun(Call& c) {
  Stream out;
  return RunsAVerb(c, &out) ? out : c.PassThrough();
}

// Package managers: their run verbs; `pnpm -c exec 'CMD'` (shell mode) runs a command line;
// `yarn workspace NAME CMD…` and `yarn workspaces foreach [options] CMD…` are yarn CMD….
// npm, pnpm, yarn and their package runners put the project's node_modules/.bin first on PATH
// for what they run (a script written there runs) and read its .npmrc.
void NodeModulesBin(Call& c) {
  c.an.PathChanged(PlainWord("node_modules/.bin"), c.st, c.ctx);
  // The project's .npmrc, written earlier in the line: script-shell and the like.
  if (auto npmrc = c.an.KnownContents(".npmrc", c.st)) c.an.ConfigFile(".npmrc", *npmrc, c.index, c.st, c.ctx, 0);
}

Stream PackageManager(Call& c) {
  NodeModulesBin(c);
  Stream out;
  const std::string verb = Sub(c, 0);
  if (c.name() == "pnpm" && verb == "exec" && HasOption(c.fact().options, {"-c", "--shell-mode"}) &&
      c.fact().operands.size() > 1) {
    return c.RunCode(JoinWords(c.argv, c.fact().operands[1]), "pnpm exec -c", c.name());
  }
  if (c.name() == "yarn" && verb == "node") return FromOperand(c, 0);  // yarn node ARGS: node with the project's setup
  if (c.name() == "yarn" && c.fact().operands.size() > 1 &&
      (verb == "workspace" || (verb == "workspaces" && Sub(c, 1) == "foreach"))) {
    size_t k = c.fact().operands[1] + 1;  // after the workspace's NAME, or after "foreach"
    if (verb == "workspaces") {
      while (k < c.argv.size() && c.argv[k].text.size() > 1 && c.argv[k].text[0] == '-') ++k;  // foreach's flags
    }
    if (k >= c.argv.size()) return c.PassThrough();
    std::vector<Expanded> words = {PlainWord("yarn")};
    for (size_t i = k; i < c.argv.size(); ++i) words.push_back(c.argv[i]);
    return c.Run(std::move(words), c.name());
  }
  return RunsAVerb(c, &out) ? out : c.PassThrough();
}

// npx [-p PKG] [-c 'STRING'] PKG[@VERSION] ARGS…, bunx, pnpx, uvx.
Stream Npx(Call& c) {
  if (c.name() != "uvx") NodeModulesBin(c);
  Stream out;
  if (CallOption(c, &out)) return out;
  if (auto dd = AfterDashDash(c)) return c.Run(Slice(c.argv, *dd), c.name());
  return PackageFromOperand(c, 0);
}

// direnv exec DIR CMD runs CMD; direnv allow/reload/load source DIR/.envrc (shell code).
Stream Direnv(Call& c) {
  const std::string verb = Sub(c, 0);
  if (verb == "exec") return FromOperand(c, 2);
  if (verb == "allow" || verb == "permit" || verb == "grant" || verb == "reload" || verb == "load") {
    std::string dir = Sub(c, 1).empty() ? std::string(".") : Sub(c, 1);
    std::string rc = dir.size() > 6 && dir.compare(dir.size() - 6, 6, ".envrc") == 0 ? dir : JoinPath(dir, ".envrc");
    c.an.ScriptFile(PlainWord(rc), "direnv " + verb, c.index, c.st, c.an.Inner(c.ctx, "direnv", false), Stream{});
    return c.PassThrough();
  }
  return c.Unknown();
}

// nix-shell --run CMD / --command CMD, nix develop -c CMD…: a shell string.
// nix-shell --run/--command STRING: a shell string; nix develop|shell -c/--command CMD ARGS…:
// a program and its arguments.
bool DevShell(Call& c, Stream* out) {
  const bool nix = c.name() == "nix";
  for (const char* flag : {"--run", "--command", "-c"}) {
    for (size_t k = 1; k + 1 < c.argv.size(); ++k) {
      if (c.argv[k].text != flag) continue;
      if (nix) {
        *out = c.Run(Slice(c.argv, k + 1), c.name());
      } else {
        *out = c.an.CodeString(c.argv[k + 1], c.name(), c.st, c.an.Inner(c.ctx, c.name(), false), {}, c.in);
      }
      return true;
    }
  }
  return false;
}

Stream NixShell(Call& c) {
  Stream out;
  return DevShell(c, &out) ? out : UnknownStream(c.name());
}

Stream Nix(Call& c) {
  Stream out;
  if ((Sub(c, 0) == "develop" || Sub(c, 0) == "shell") && DevShell(c, &out)) return out;
  if (RunsAVerb(c, &out)) return out;
  return c.Unknown();
}

// ld-linux.so ARGS: the dynamic loader runs the program named after its own options.
Stream DynamicLoader(Call& c) {
  size_t k = 1;
  while (k < c.argv.size() && c.argv[k].text.rfind("--", 0) == 0) {
    const std::string& t = c.argv[k].text;
    if (t == "--library-path" || t == "--preload" || t == "--argv0" || t == "--audit") ++k;
    ++k;
  }
  if (k < c.argv.size()) return c.Run(Slice(c.argv, k), c.name());
  return UnknownStream(c.name());
}


int BwrapArity(std::string_view opt) {
  static constexpr std::pair<std::string_view, int> kArity[] = {
      {"--bind", 2}, {"--ro-bind", 2}, {"--dev-bind", 2}, {"--bind-try", 2}, {"--ro-bind-try", 2},
      {"--dev-bind-try", 2}, {"--symlink", 2}, {"--setenv", 2}, {"--file", 2}, {"--bind-data", 2},
      {"--ro-bind-data", 2}, {"--chmod", 2}, {"--dev", 1}, {"--proc", 1}, {"--tmpfs", 1}, {"--dir", 1},
      {"--chdir", 1}, {"--unsetenv", 1}, {"--uid", 1}, {"--gid", 1}, {"--hostname", 1}, {"--remount-ro", 1},
      {"--lock-file", 1}, {"--sync-fd", 1}, {"--cap-add", 1}, {"--cap-drop", 1}, {"--seccomp", 1},
      {"--userns", 1}, {"--exec-label", 1}, {"--file-label", 1}, {"--perms", 1}, {"--size", 1},
      {"--argv0", 1}, {"--mqueue", 1}, {"--info-fd", 1}, {"--json-status-fd", 1}, {"--block-fd", 1},
      {"--userns-block-fd", 1}, {"--pidns", 1}, {"--args", 1}};
  for (auto [o, n] : kArity) {
    if (opt == o) return n;
  }
  return 0;
}

Stream Bwrap(Call& c) {
  size_t k = 1;
  while (k < c.argv.size() && c.argv[k].text.rfind("--", 0) == 0) {
    if (c.argv[k].text == "--") {
      ++k;
      break;
    }
    k += 1 + static_cast<size_t>(BwrapArity(c.argv[k].text));
  }
  if (k < c.argv.size()) return c.Run(Slice(c.argv, k), c.name());
  return UnknownStream(c.name());
}

// ip netns exec NS CMD…, ip vrf exec NAME CMD…
Stream Ip(Call& c) {
  if (Sub(c, 1) == "exec" && (Sub(c, 0) == "netns" || Sub(c, 0) == "vrf" || Sub(c, 0) == "-n")) return FromOperand(c, 3);
  return c.PassThrough();
}

// perf stat|record|trace|… [OPTIONS] CMD…
constexpr CommandSpec kPerfVerb = {"perf-verb", Family::kRunner, "eoptCFcGrIjm", "event output pid tid cpu call-graph freq count cgroup repeat interval-print mmap-pages"};
const CommandSpec* PerfVerb(std::string_view verb) {
  return verb == "stat" || verb == "record" || verb == "trace" || verb == "top" || verb == "sched" ? &kPerfVerb : nullptr;
}

Stream Perf(Call& c) {
  const std::string verb = Sub(c, 0);
  if (verb != "stat" && verb != "record" && verb != "trace") return c.PassThrough();
  if (const Option* o = FindOption(c.fact().options, {"-o", "--output"}); o && o->has_value) c.File(FileOp::kWrite, o->value);
  return FromOperand(c, 1);
}

// hyperfine 'CMD'…: every command (and --prepare/--setup/--cleanup/--conclude) is a shell string.
Stream Hyperfine(Call& c) {
  for (const Option& o : c.fact().options) {
    bool code = o.name == "-p" || o.name == "--prepare" || o.name == "-s" || o.name == "--setup" || o.name == "-c" ||
                o.name == "--cleanup" || o.name == "--conclude";
    if (code && o.has_value) c.RunCode(o.value, "hyperfine " + o.name, c.name());
    if (o.has_value && o.name.rfind("--export", 0) == 0) c.File(FileOp::kWrite, o.value);
  }
  for (uint32_t op : c.fact().operands) c.RunCode(c.argv[op], "hyperfine", c.name());
  return c.PassThrough();
}

// watchexec [OPTIONS] -- CMD ARGS… (a program), or watchexec [OPTIONS] 'CMD' (a shell string).
Stream Watchexec(Call& c) {
  if (auto dd = AfterDashDash(c)) return c.Run(Slice(c.argv, *dd), c.name());
  const auto& ops = c.fact().operands;
  if (ops.empty()) return c.PassThrough();
  return c.RunCode(JoinWords(c.argv, ops[0]), "watchexec", c.name());
}

// entr [-acdnprsz] UTILITY ARGS… (-s: UTILITY is a shell string).
Stream Entr(Call& c) {
  const auto& ops = c.fact().operands;
  if (ops.empty()) return c.PassThrough();
  if (HasOption(c.fact().options, {"-s"})) return c.RunCode(c.argv[ops[0]], "entr -s", c.name());
  return FromOperand(c, 0);
}

using F = Family;

constexpr CommandSpec kModels[] = {
    {.name = "poetry", .family = F::kRunner, .run = Subcommand, .verbs = RunVerbSpec},
    {.name = "uv", .family = F::kRunner, .run = Subcommand, .verbs = RunVerbSpec, .chdir = "--directory"},
    {.name = "pipenv", .family = F::kRunner, .run = Subcommand, .verbs = RunVerbSpec},
    {.name = "pdm", .family = F::kRunner, .run = Subcommand, .verbs = RunVerbSpec},
    {.name = "hatch", .family = F::kRunner, .run = Subcommand, .verbs = RunVerbSpec},
    {.name = "rye", .family = F::kRunner, .run = Subcommand, .verbs = RunVerbSpec},
    {.name = "bundle", .family = F::kRunner, .run = Subcommand, .verbs = RunVerbSpec},
    {.name = "pipx", .family = F::kRunner, .run = Subcommand, .verbs = RunVerbSpec},
    {"conda", F::kRunner, "", "", false, 0, 0, "", false, Subcommand, RunVerbSpec, "--cwd"},
    {"mamba", F::kRunner, "", "", false, 0, 0, "", false, Subcommand, RunVerbSpec, "--cwd"},
    {"micromamba", F::kRunner, "", "", false, 0, 0, "", false, Subcommand, RunVerbSpec, "--cwd"},
    {.name = "devbox", .family = F::kRunner, .run = Subcommand, .verbs = RunVerbSpec},
    {"mise", F::kRunner, "C", "cd", false, 0, 0, "", false, Subcommand, RunVerbSpec, "-C --cd"},
    {.name = "asdf", .family = F::kRunner, .run = Subcommand, .verbs = RunVerbSpec},
    {.name = "rbenv", .family = F::kRunner, .run = Subcommand, .verbs = RunVerbSpec},
    {.name = "pyenv", .family = F::kRunner, .run = Subcommand, .verbs = RunVerbSpec},
    {.name = "flatpak", .family = F::kRunner, .run = Subcommand, .verbs = RunVerbSpec},
    {.name = "toolbox", .family = F::kRunner, .run = Subcommand, .verbs = RunVerbSpec},
    {.name = "distrobox", .family = F::kRunner, .run = Subcommand, .verbs = RunVerbSpec},
    {"meson", F::kRunner, "C", "", false, 0, 0, "", false, BuildToolRun, RunVerbSpec, "-C"},
    {.name = "pixi", .family = F::kRunner, .run = BuildToolRun, .verbs = RunVerbSpec},
    {"npm", F::kNoFiles, "w", "prefix workspace userconfig registry loglevel cache", false, 0, 0, "", false, PackageManager, RunVerbSpec, "--prefix"},
    {"pnpm", F::kNoFiles, "CF", "dir filter filter-prod workspace-root reporter loglevel", false, 0, 0, "", false, PackageManager, RunVerbSpec, "-C --dir"},
    {"yarn", F::kNoFiles, "", "cwd", false, 0, 0, "", false, PackageManager, RunVerbSpec, "--cwd"},
    {"npx", F::kNoFiles, "pc", "package call", true, 0, 0, "", false, Npx},
    {"bunx", F::kRunner, "p", "package", true, 0, 0, "", false, Npx},
    {"pnpx", F::kRunner, "p", "package", true, 0, 0, "", false, Npx},
    {"uvx", F::kRunner, "p", "with from python", true, 0, 0, "", false, Npx},
    {.name = "direnv", .family = F::kRunner, .run = Direnv},
    {.name = "nix", .family = F::kRunner, .run = Nix, .verbs = RunVerbSpec},
    {.name = "nix-shell", .family = F::kRunner, .run = NixShell},
    {.name = "ld.so", .family = F::kRunner, .run = DynamicLoader},
    {.name = "bwrap", .family = F::kRunner, .run = Bwrap},
    {.name = "proto", .family = F::kRunner, .run = Proto},
    {.name = "ip", .family = F::kNoFiles, .run = Ip},
    {"perf", F::kRunner, "eopt", "event output pid tid cpu call-graph freq count cgroup repeat interval-print", false, 0, 0, "", false, Perf, PerfVerb},
    {"hyperfine", F::kRunner, "wmMrpcsPDLSun", "warmup min-runs max-runs runs prepare cleanup setup conclude parameter-scan parameter-step-size parameter-list shell time-unit export-json export-csv export-markdown export-asciidoc export-orgmode command-name style sort output input", false, 0, 0, "", false, Hyperfine},
    {"watchexec", F::kRunner, "wefidsE", "watch exts filter ignore debounce signal stop-signal stop-timeout shell env delay-run project-origin workdir on-busy-update filter-file emit-events-to", false, 0, 0, "", false, Watchexec},
    {"entr", F::kRunner, "", "", true, 0, 0, "", false, Entr},
};

}  // namespace

ModelTable RunnerCommands() { return kModels; }

}  // namespace warden::shell
