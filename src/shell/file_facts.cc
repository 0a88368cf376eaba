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
  }
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
  for (const auto& s : out_->signals) {
    if (s.type == type && s.detail == detail) return;
  }
  if (out_->signals.size() >= kMaxSignals) return;
  out_->signals.push_back(SignalFact{std::string(type), std::move(detail), command});
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

}  // namespace warden::shell
