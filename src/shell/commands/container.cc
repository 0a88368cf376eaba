// Container tools: `docker cp` (and podman, nerdctl) copies between a container (CONTAINER:PATH)
// and this machine, writing or reading local paths (whole trees); a bind mount (-v SRC:DST,
// --mount source=SRC) gives what runs inside the whole SRC tree: an access, a read when :ro;
// and what `run` runs inside is analyzed for what it does to the mounted trees.
#include <algorithm>
#include <optional>

#include "core/path.h"
#include "core/strings.h"
#include "shell/analyzer_impl.h"
#include "shell/analyzer_util.h"
#include "shell/commands/families.h"

namespace warden::shell {
namespace {

// CONTAINER:PATH (a colon before any slash, not a plain path).
bool InContainer(std::string_view s) {
  size_t colon = s.find(':');
  return colon != std::string_view::npos && colon > 0 && s[0] != '/' && s[0] != '.' && s[0] != '~' &&
         s.substr(0, colon).find('/') == std::string_view::npos;
}

// The operands after the subcommand words ("cp", or "container cp").
size_t AfterSubcommand(const CommandFact& f, std::string_view verb) {
  for (size_t k = 0; k < f.operands.size(); ++k) {
    if (f.argv[f.operands[k]] == verb) return k + 1;
  }
  return f.operands.size();
}

void Copy(Call& c) {
  const CommandFact& f = c.fact();
  size_t first = AfterSubcommand(f, "cp");
  if (first + 2 > f.operands.size()) return;
  uint32_t src = f.operands[first], dst = f.operands.back();
  if (!InContainer(f.argv[src]) && f.argv[src] != "-") c.Operand(FileOp::kRead, src, true);
  if (!InContainer(f.argv[dst]) && f.argv[dst] != "-") c.Operand(FileOp::kWrite, dst, true);
}

// The host side of a bind mount: -v SRC:DST[:ro], --volume=…, --mount type=bind,source=SRC[,readonly].
// A named volume (no '/', '~' or '.') is not a host path.
void Mount(Call& c, const Expanded& spec, bool long_form) {
  std::string src;
  bool read_only = false;
  if (long_form) {
    for (auto part : Split(spec.text, ',')) {
      if (part.rfind("source=", 0) == 0 || part.rfind("src=", 0) == 0) src = std::string(part.substr(part.find('=') + 1));
      read_only = read_only || part == "readonly" || part == "ro" || part == "readonly=true" || part == "ro=true";
    }
  } else {
    std::vector<std::string_view> parts = Split(spec.text, ':');
    src = std::string(parts[0]);
    read_only = parts.size() > 2 && (parts[2].find("ro") != std::string_view::npos);
  }
  if (src.empty() || (src[0] != '/' && src[0] != '~' && src[0] != '.' && !(spec.bits & kArgDynamic))) return;
  // The mount point itself is the fact (the policy names the trees that must not be mounted): a
  // recursive fact would make every mount of the workspace reach its .git/hooks.
  c.File(read_only ? FileOp::kRead : FileOp::kAccess, src, spec.bits & kArgDynamic, false, c.name() + " -v");
}

void Mounts(Call& c) {
  for (size_t k = 1; k < c.argv.size(); ++k) {
    const std::string& t = c.argv[k].text;
    const bool long_form = t == "--mount" || t.rfind("--mount=", 0) == 0;
    if ((t == "-v" || t == "--volume" || t == "--mount") && k + 1 < c.argv.size()) {
      Mount(c, c.argv[k + 1], long_form);
    } else if (t.rfind("--volume=", 0) == 0 || t.rfind("--mount=", 0) == 0) {
      Expanded value = c.argv[k];
      value.text = t.substr(t.find('=') + 1);
      Mount(c, value, long_form);
    }
  }
}

// Options of `docker run` (and podman's, nerdctl's) that take a value as the next word.
bool RunOptionTakesValue(std::string_view o) {
  static constexpr std::string_view kValued[] = {
      "-v", "--volume", "--mount", "-e", "--env", "--env-file", "-w", "--workdir", "--name", "-p", "--publish", "-u",
      "--user", "--entrypoint", "--network", "--net", "-l", "--label", "--add-host", "--device", "--cap-add",
      "--cap-drop", "--security-opt", "--ulimit", "--tmpfs", "-h", "--hostname", "--platform", "--pull", "--restart",
      "-m", "--memory", "--cpus", "--log-driver", "--log-opt", "--gpus", "--ipc", "--pid", "--runtime", "--shm-size",
      "--stop-signal", "--cidfile", "--dns", "--expose", "--group-add", "--label-file", "--link", "--userns", "--uts",
      "--volumes-from", "-a", "--attach", "--cgroup-parent", "--cpu-shares", "-c", "--health-cmd", "--mac-address"};
  return std::find(std::begin(kValued), std::end(kValued), o) != std::end(kValued);
}

// A bind mount of `docker run`: the host directory and where it appears in the container.
struct Bind {
  std::string host;
  std::string container;
};

// `docker run [OPTIONS] IMAGE [CMD ARGS…]`: the binds, the working directory, and CMD ARGS.
struct RunLine {
  std::vector<Bind> binds;
  std::string workdir;
  std::vector<Expanded> command;
};

std::optional<RunLine> ReadRun(const Call& c, const State& st) {
  const CommandFact& f = c.fact();
  if (f.operands.empty() || f.argv[f.operands[0]] != "run") return std::nullopt;
  RunLine run;
  size_t k = f.operands[0] + 1;
  for (; k < c.argv.size(); ++k) {
    const std::string& t = c.argv[k].text;
    if (t.empty() || t[0] != '-' || t == "-") break;  // the image
    const size_t eq = t.find('=');
    const std::string name = t.substr(0, eq);
    std::string value;
    if (eq != std::string::npos) {
      value = t.substr(eq + 1);
    } else if (RunOptionTakesValue(name) && k + 1 < c.argv.size()) {
      value = c.argv[++k].text;
      if (c.argv[k].bits & kArgDynamic) continue;
    } else {
      continue;
    }
    if (name == "-w" || name == "--workdir") run.workdir = value;
    if (name != "-v" && name != "--volume") continue;
    std::vector<std::string_view> parts = Split(value, ':');
    if (parts.size() < 2 || parts[0].empty() || parts[1].empty() || parts[1][0] != '/') continue;
    std::string host(parts[0]);
    if (host[0] == '~') host = ExpandTilde(host, c.an.options().home);
    if (host[0] != '/') {
      if (host[0] != '.' || st.cwd_unknown || st.cwds.size() != 1) continue;  // a named volume, or unknown
      host = JoinPath(st.cwds[0], host);
    }
    run.binds.push_back({NormalizePath(host), NormalizePath(parts[1])});
  }
  if (k + 1 >= c.argv.size() || run.binds.empty()) return std::nullopt;
  run.command.assign(c.argv.begin() + static_cast<std::ptrdiff_t>(k) + 1, c.argv.end());
  return run;
}

// `text` with each container path under a bind's mount point written as the host path it is
// (a whole path component: "/h" in "/h/x" or "cd /h;", not in "/hx"); the count of changes.
int ToHostPaths(std::string* text, const std::vector<Bind>& binds) {
  int changed = 0;
  auto boundary = [](char ch) { return ch == '/' || ch == ' ' || ch == '\t' || ch == '\n' || ch == '"' || ch == '\'' || ch == ';' || ch == '&' || ch == '|' || ch == ')' || ch == ':' || ch == '='; };
  for (const Bind& b : binds) {
    const std::string& from = b.container;
    for (size_t at = text->find(from); at != std::string::npos; at = text->find(from, at + 1)) {
      const bool starts = at == 0 || (boundary((*text)[at - 1]) && (*text)[at - 1] != '/');
      const size_t end = at + from.size();
      if (!starts || (from != "/" && end < text->size() && !boundary((*text)[end]))) continue;
      text->replace(at, from.size(), b.host);
      at += b.host.size() - 1;
      ++changed;
    }
  }
  return changed;
}

// What `docker run -v HOST:DIR … IMAGE CMD ARGS` does to this machine: CMD ARGS with paths
// under DIR written as paths under HOST (and -w under DIR as its directory), analyzed; of its
// file facts only those on the mounted trees are kept (the rest happens inside the container).
void RunInContainer(Call& c) {
  auto run = ReadRun(c, c.st);
  if (!run) return;
  int changed = 0;
  for (Expanded& w : run->command) changed += ToHostPaths(&w.text, run->binds);
  State inside = c.st;
  inside.cwds.clear();
  inside.cwd_unknown = true;
  if (!run->workdir.empty() && ToHostPaths(&run->workdir, run->binds) > 0) {
    inside.cwds = {run->workdir};
    inside.cwd_unknown = false;
    ++changed;
  }
  if (changed == 0) return;  // nothing it runs names a mounted path
  const size_t first = c.an.file_count();
  std::vector<std::string> roots;
  for (const Bind& b : run->binds) roots.push_back(b.host);
  c.an.Exec(std::move(run->command), inside, c.an.Inner(c.ctx, c.name() + " run", false), Stream{});
  c.an.KeepFilesUnder(first, roots);
}

Stream Container(Call& c) {
  const CommandFact& f = c.fact();
  const size_t n = f.operands.size();
  const bool cp = n > 0 && (f.argv[f.operands[0]] == "cp" || (n > 1 && f.argv[f.operands[0]] == "container" &&
                                                                f.argv[f.operands[1]] == "cp"));
  if (cp) Copy(c);
  Mounts(c);
  RunInContainer(c);
  return c.PassThrough();
}

using F = Family;

constexpr CommandSpec kModels[] = {
    {"docker", F::kNoFiles, "Hcl", "host context config log-level tlscacert tlscert tlskey", false, 0, 0, "", false, Container},
    {"podman", F::kNoFiles, "c", "connection url identity root runroot storage-driver log-level", false, 0, 0, "", false, Container},
    {.name = "nerdctl", .family = F::kNoFiles, .run = Container},
};

}  // namespace

ModelTable ContainerCommands() { return kModels; }

}  // namespace warden::shell
