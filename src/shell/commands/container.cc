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

// The short options of `run` that take a value, for -v/x attached and clusters (-tiv X).
constexpr std::string_view kRunShortValued = "vewpulhmac";

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
    } else if (t.size() > 2 && t[0] == '-' && t[1] != '-') {
      // -v/x:/y attached, -tiv /x:/y in a cluster: the letters before take no value
      const size_t v = t.find('v');
      if (v == std::string::npos || t.find_first_of(kRunShortValued, 1) != v) continue;
      Expanded value = v + 1 < t.size() ? c.argv[k] : (k + 1 < c.argv.size() ? c.argv[k + 1] : c.argv[k]);
      if (v + 1 < t.size()) value.text = t.substr(v + 1);
      if (!value.text.empty() && value.text[0] != '-') Mount(c, value, false);
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

// A bind from -v HOST:DIR[:opts] or --mount type=bind,source=HOST,target=DIR; false for a
// named volume or a host path not known.
bool ReadBind(std::string_view name, std::string_view value, const Call& c, const State& st, Bind* bind) {
  std::string host, dir;
  if (name == "--mount") {
    for (std::string_view part : Split(value, ',')) {
      const size_t eq = part.find('=');
      const std::string_view key = part.substr(0, eq), v = eq == std::string_view::npos ? "" : part.substr(eq + 1);
      if (key == "source" || key == "src") host = std::string(v);
      if (key == "target" || key == "destination" || key == "dst") dir = std::string(v);
    }
  } else {
    std::vector<std::string_view> parts = Split(value, ':');
    if (parts.size() < 2) return false;
    host = std::string(parts[0]);
    dir = std::string(parts[1]);
  }
  if (host.empty() || dir.empty() || dir[0] != '/') return false;
  if (host[0] == '~') host = ExpandTilde(host, c.an.options().home);
  if (host[0] != '/') {
    if (host[0] != '.' || st.cwd_unknown || st.cwds.size() != 1) return false;  // a named volume, or unknown
    host = JoinPath(st.cwds[0], host);
  }
  *bind = {NormalizePath(host), NormalizePath(dir)};
  return true;
}

// Where `run` is among the words: docker run, docker container run, docker compose run.
std::optional<size_t> RunVerb(const Call& c) {
  const CommandFact& f = c.fact();
  if (f.operands.empty()) return std::nullopt;
  const std::string& first = f.argv[f.operands[0]];
  if (first == "run") return f.operands[0];
  if ((first == "container" || first == "compose") && f.operands.size() > 1 && f.argv[f.operands[1]] == "run") {
    return f.operands[1];
  }
  return std::nullopt;
}

// One option word of `run` at argv[*k] (its value the next word when it takes one): name and value.
bool ReadRunOption(const Call& c, size_t* k, std::string* name, std::string* value) {
  const std::string& t = c.argv[*k].text;
  if (t.size() > 2 && t[1] == '-') {  // --name=value, --name value
    const size_t eq = t.find('=');
    *name = t.substr(0, eq);
    if (eq != std::string::npos) {
      *value = t.substr(eq + 1);
    } else if (RunOptionTakesValue(*name) && *k + 1 < c.argv.size()) {
      *value = c.argv[++*k].text;
    } else {
      value->clear();
    }
    return true;
  }
  // -v/x:/y, -tiv /x:/y, -e A=b: the first letter that takes a value takes the rest, or the next word
  for (size_t j = 1; j < t.size(); ++j) {
    if (kRunShortValued.find(t[j]) == std::string_view::npos) continue;
    *name = std::string("-") + t[j];
    if (j + 1 < t.size()) {
      *value = t.substr(j + 1);
    } else if (*k + 1 < c.argv.size()) {
      *value = c.argv[++*k].text;
    }
    return true;
  }
  name->clear();
  return true;
}

std::optional<RunLine> ReadRun(const Call& c, const State& st) {
  const std::optional<size_t> verb = RunVerb(c);
  if (!verb) return std::nullopt;
  RunLine run;
  std::string entrypoint;
  size_t k = *verb + 1;
  for (; k < c.argv.size(); ++k) {
    const std::string& t = c.argv[k].text;
    if (t.empty() || t[0] != '-' || t == "-") break;  // the image (or compose's service)
    std::string name, value;
    const size_t at = k;
    ReadRunOption(c, &k, &name, &value);
    if (k != at && (c.argv[k].bits & kArgDynamic)) continue;
    if (name == "-w" || name == "--workdir") run.workdir = value;
    if (name == "--entrypoint") entrypoint = value;
    // --device HOST[:DIR]: the host's device appears there; --privileged: every host device.
    if (name == "--device" && !value.empty() && value[0] == '/') {
      std::vector<std::string_view> parts = Split(value, ':');
      run.binds.push_back({std::string(parts[0]), std::string(parts.size() > 1 && !parts[1].empty() ? parts[1] : parts[0])});
    }
    if (name == "--privileged") run.binds.push_back({"/dev", "/dev"});
    Bind bind;
    if ((name == "-v" || name == "--volume" || name == "--mount") && ReadBind(name, value, c, st, &bind)) {
      run.binds.push_back(std::move(bind));
    }
  }
  if (k >= c.argv.size() || run.binds.empty()) return std::nullopt;
  if (!entrypoint.empty()) run.command.push_back(PlainWord(entrypoint));  // --entrypoint rm IMAGE -rf /h
  run.command.insert(run.command.end(), c.argv.begin() + static_cast<std::ptrdiff_t>(k) + 1, c.argv.end());
  if (run.command.empty()) return std::nullopt;
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
