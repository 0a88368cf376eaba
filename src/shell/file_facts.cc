// Facts: file accesses resolved against the tracked working directories and the links made
// earlier in the same string (and, when allowed, this machine's symlinks); signals, each
// recorded once; downloads remembered so that running them later is seen.
#include <algorithm>

#include "core/path.h"
#include "core/strings.h"
#include "shell/analyzer_impl.h"
#include "shell/analyzer_util.h"

namespace warden::shell {

std::vector<std::string> Analyzer::Resolve(std::string_view text, const State& st, bool* dynamic) const {
  if (text.empty()) return {};
  if (text.front() == '/') return {NormalizePath(text)};
  if (st.cwd_unknown || st.cwds.empty()) {
    *dynamic = true;
    return {std::string(text)};
  }
  std::vector<std::string> out;
  for (const auto& cwd : st.cwds) {
    std::string p = NormalizePath(JoinPath(cwd, text));
    if (std::find(out.begin(), out.end(), p) == out.end()) out.push_back(std::move(p));
  }
  return out;
}

std::string Analyzer::FollowLinks(std::string path) const {
  for (int hops = 0; hops < 8 && !mem_.links.empty(); ++hops) {
    bool changed = false;
    for (const auto& [link, target] : mem_.links) {
      if (!IsUnder(path, link)) continue;
      path = NormalizePath(target + path.substr(link.size()));
      changed = true;
      break;
    }
    if (!changed) break;
  }
  return path;
}

void Analyzer::AddFile(FileOp op, std::string_view text, uint8_t bits, bool recursive, std::string_view source,
                       int command, const State& st, bool guessed) {
  if (text.empty() || out_->files.size() >= kMaxFiles) return;
  bool dynamic = bits & kArgDynamic;
  std::vector<std::string> paths = dynamic ? std::vector<std::string>{std::string(text)} : Resolve(text, st, &dynamic);
  for (auto& p : paths) {
    FileFact f;
    f.op = op;
    f.recursive = recursive || (bits & kArgTree);
    f.dynamic = dynamic;
    f.glob = bits & (kArgGlob | kArgPattern);
    f.shell_glob = f.glob && !(bits & kArgPattern);
    f.guessed = guessed;
    f.speculative = speculating();
    f.source = std::string(source);
    f.command = command;
    if (!dynamic && !p.empty() && p.front() == '/') {
      std::string real = FollowLinks(p);
      // Standard streams and /proc/self are links to wherever this process writes: not files.
      bool special = IsUnder(p, "/dev") || IsUnder(p, "/proc/self");
      if (real == p && !f.glob && opt_.resolve_symlinks && !special) real = resolver_.Resolve(p);
      if (real != p) {
        f.lexical = p;
        p = std::move(real);
      }
    }
    f.path = std::move(p);
    out_->files.push_back(std::move(f));
    if (dynamic && op != FileOp::kRead && op != FileOp::kExec) AddDynamicPattern(out_->files.back(), text, st);
  }
}

namespace {

// A path with parts only known at run time, as a pattern: each unknown part (${X}, $(…),
// $((…)), an unknown item) may be anything, '/' included. Empty when nothing is unknown.
std::string DynamicPattern(std::string_view text) {
  std::string out;
  bool any = false;
  for (size_t i = 0; i < text.size(); ++i) {
    size_t end = std::string_view::npos;
    if (text.compare(i, 2, "${") == 0) end = text.find('}', i);
    if (text.compare(i, 5, "$((…") == 0) end = text.find("))", i) == std::string_view::npos ? end : text.find("))", i) + 1;
    if (text.compare(i, 5, "$(…)") == 0) end = i + 4;
    if (text.compare(i, 3, "…") == 0) end = i + 2;
    if (end != std::string_view::npos) {
      out += "**";
      any = true;
      i = end;
      continue;
    }
    if (std::string_view("*?[]{}\\").find(text[i]) != std::string_view::npos) out += '\\';
    out += text[i];
  }
  return any ? out : std::string();
}

}  // namespace

// A write, delete or access of a path with unknown parts but a deep known start
// (~/.config/ward${x}en/policy.yaml): a pattern fact too, so rules about the places it may
// reach apply. A shallow start (${OUT}/log, /tmp/$X) says nothing and adds nothing.
void Analyzer::AddDynamicPattern(const FileFact& dynamic_fact, std::string_view text, const State& st) {
  std::string pattern = DynamicPattern(text);
  if (pattern.empty() || pattern.rfind("**", 0) == 0) return;  // an unknown start may be anywhere
  bool dyn = false;
  auto resolved = Resolve(pattern, st, &dyn);
  if (dyn || resolved.size() != 1) return;
  const std::string& p = resolved[0];
  size_t star = p.find("**");
  if (star == std::string::npos) return;
  // Deep enough to say where: something named below the home directory (~/.cl${x}…), or three
  // levels from / (/etc/app/${X} says nothing more than /etc/app).
  std::string_view known = std::string_view(p).substr(0, star);
  const std::string& home = opt_.home;
  bool below_home = known.size() > home.size() + 1 && known.substr(0, home.size() + 1) == home + "/";
  bool deep = below_home || std::count(known.begin(), known.end(), '/') >= 4;
  if (!deep) return;
  FileFact g = dynamic_fact;
  g.dynamic = false;
  g.glob = true;
  g.shell_glob = false;
  g.path = p;
  g.lexical.clear();
  out_->files.push_back(std::move(g));
}

void Analyzer::AddOperandFile(FileOp op, int index, uint32_t arg, bool recursive, std::string_view source,
                              const State& st, bool guessed) {
  const CommandFact& f = Cmd(index);
  if (arg >= f.argv.size()) return;
  std::string text = f.argv[arg];
  uint8_t bits = f.arg_bits[arg];
  AddFile(op, text, bits, recursive, source, index, st, guessed);
}

void Analyzer::Signal(std::string_view type, std::string detail, int command) {
  if (speculating() && IsAnalysisProblem(type)) return;
  for (const auto& s : out_->signals) {
    if (s.type == type && s.detail == detail) return;
  }
  if (out_->signals.size() >= kMaxSignals) return;
  out_->signals.push_back(SignalFact{std::string(type), std::move(detail), command, speculating()});
}

void Analyzer::Taint(std::string_view path, uint8_t bits, const State& st, std::string_view source) {
  if (bits & kArgDynamic) return;
  bool dynamic = false;
  for (const auto& p : Resolve(path, st, &dynamic)) mem_.tainted[FollowLinks(p)] = std::string(source);
}

bool Analyzer::IsTainted(std::string_view path, const State& st, std::string* source) const {
  if (mem_.tainted.empty()) return false;
  bool dynamic = false;
  for (const auto& p : Resolve(path, st, &dynamic)) {
    auto it = mem_.tainted.find(FollowLinks(p));
    if (it != mem_.tainted.end()) {
      *source = it->second;
      return true;
    }
  }
  return false;
}

void Analyzer::KeepFilesUnder(size_t first, const std::vector<std::string>& roots) {
  auto& files = out_->files;
  if (first >= files.size()) return;
  auto outside = [&](const FileFact& f) {
    if (f.dynamic) return true;
    const std::string_view path = f.glob ? std::string_view(f.path).substr(0, f.path.find_first_of("*?[{")) : f.path;
    return std::none_of(roots.begin(), roots.end(), [&](const std::string& r) { return IsUnder(path, r); });
  };
  files.erase(std::remove_if(files.begin() + static_cast<std::ptrdiff_t>(first), files.end(), outside), files.end());
}

}  // namespace warden::shell
