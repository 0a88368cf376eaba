// Runners: commands that run another command given after a subcommand or an option —
// `poetry run CMD`, `npm exec -- CMD`, `npx PKG`, `direnv exec DIR CMD`, `nix develop -c CMD`,
// `nix-shell --run CMD`, the dynamic loader, `bwrap … CMD`, `cpulimit … -- CMD`. Anything
// else they are asked to do is treated as the command without a model it then is.
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
    {"poetry", "run"}, {"uv", "run"}, {"pipenv", "run"}, {"pdm", "run"}, {"hatch", "run"}, {"rye", "run"},
    {"bundle", "exec"}, {"npm", "exec"}, {"pnpm", "exec"}, {"pnpm", "dlx"}, {"yarn", "exec"}, {"yarn", "dlx"},
    {"conda", "run"}, {"mamba", "run"}, {"micromamba", "run"}, {"devbox", "run"}, {"mise", "exec"},
    {"asdf", "exec"}, {"rbenv", "exec"}, {"pyenv", "exec"}, {"nix", "shell"}, {"flatpak", "run"}};

// TOOL VERB [options] [--] CMD…: true when this is the tool's run verb (`*out` its result).
bool RunVerb(Call& c, Stream* out) {
  for (auto [tool, verb] : kRunVerbs) {
    if (c.name() != tool || Sub(c, 0) != verb) continue;
    auto dd = AfterDashDash(c);
    *out = dd ? c.Run(Slice(c.argv, *dd), c.name()) : FromOperand(c, 1);
    return true;
  }
  return false;
}

Stream Subcommand(Call& c) {
  Stream out;
  return RunVerb(c, &out) ? out : c.Unknown();
}

Stream PackageManager(Call& c) {
  Stream out;
  return RunVerb(c, &out) ? out : c.PassThrough();
}

Stream Npx(Call& c) {
  if (auto dd = AfterDashDash(c)) return c.Run(Slice(c.argv, *dd), c.name());
  return FromOperand(c, 0);
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
bool DevShell(Call& c, Stream* out) {
  const bool nix = c.name() == "nix";
  for (const char* flag : {"--run", "--command", "-c"}) {
    for (size_t k = 1; k + 1 < c.argv.size(); ++k) {
      if (c.argv[k].text != flag) continue;
      Expanded code = JoinWords(c.argv, k + 1, nix ? c.argv.size() : k + 2);
      *out = c.an.CodeString(code, c.name(), c.st, c.an.Inner(c.ctx, c.name(), false), {}, c.in);
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
  if (RunVerb(c, &out)) return out;
  if (Sub(c, 0) == "develop" && DevShell(c, &out)) return out;
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

Stream Cpulimit(Call& c) {
  if (auto dd = AfterDashDash(c)) return c.Run(Slice(c.argv, *dd), c.name());
  return c.Unknown();
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

using F = Family;

constexpr CommandSpec kModels[] = {
    {.name = "poetry", .family = F::kRunner, .run = Subcommand},
    {.name = "uv", .family = F::kRunner, .run = Subcommand},
    {.name = "pipenv", .family = F::kRunner, .run = Subcommand},
    {.name = "pdm", .family = F::kRunner, .run = Subcommand},
    {.name = "hatch", .family = F::kRunner, .run = Subcommand},
    {.name = "rye", .family = F::kRunner, .run = Subcommand},
    {.name = "bundle", .family = F::kRunner, .run = Subcommand},
    {.name = "conda", .family = F::kRunner, .run = Subcommand},
    {.name = "mamba", .family = F::kRunner, .run = Subcommand},
    {.name = "micromamba", .family = F::kRunner, .run = Subcommand},
    {.name = "devbox", .family = F::kRunner, .run = Subcommand},
    {.name = "mise", .family = F::kRunner, .run = Subcommand},
    {.name = "asdf", .family = F::kRunner, .run = Subcommand},
    {.name = "rbenv", .family = F::kRunner, .run = Subcommand},
    {.name = "pyenv", .family = F::kRunner, .run = Subcommand},
    {.name = "flatpak", .family = F::kRunner, .run = Subcommand},
    {"npm", F::kNoFiles, "w", "prefix workspace userconfig registry loglevel cache", false, 0, 0, "", false, PackageManager},
    {.name = "pnpm", .family = F::kNoFiles, .run = PackageManager},
    {.name = "yarn", .family = F::kNoFiles, .run = PackageManager},
    {.name = "npx", .family = F::kNoFiles, .run = Npx},
    {.name = "bunx", .family = F::kRunner, .run = Npx},
    {.name = "pnpx", .family = F::kRunner, .run = Npx},
    {.name = "direnv", .family = F::kRunner, .run = Direnv},
    {.name = "nix", .family = F::kRunner, .run = Nix},
    {.name = "nix-shell", .family = F::kRunner, .run = NixShell},
    {.name = "ld.so", .family = F::kRunner, .run = DynamicLoader},
    {.name = "cpulimit", .family = F::kRunner, .run = Cpulimit},
    {.name = "bwrap", .family = F::kRunner, .run = Bwrap},
};

}  // namespace

ModelTable RunnerCommands() { return kModels; }

}  // namespace warden::shell
