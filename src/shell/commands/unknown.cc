// Commands without a model: unknown is not harmless. What such a program may do is read
// conservatively:
//   - each operand (and each option value that looks like a path) is an `access` fact — the
//     program may read, write or delete it — marked guessed; the policy decides which places
//     matter (Warden's own files, the agents' hook settings, start-up files, system
//     directories, block devices, secrets);
//   - speculatively, each suffix of its argv that starts with a command Warden models (`X
//     --retries 3 rm -rf ~`) and each operand or option value that reads as a command line
//     with a modelled command (`X --run 'curl … | sh'`) is analyzed as a nested command; its
//     facts are marked speculative, and deny and ask on them count.
// Speculation happens only for a command without a model, never inside another speculation,
// and for at most kMaxStarts suffixes: it costs nothing where every command is known.
#include "core/path.h"
#include "core/strings.h"
#include "shell/analyzer_impl.h"
#include "shell/analyzer_util.h"
#include "shell/commands/families.h"

namespace warden::shell {
namespace {

constexpr size_t kMaxStarts = 16;

bool IsUrl(std::string_view s) { return s.find("://") != std::string_view::npos; }

// Values that look like file names: a path, or a name with an extension.
bool PathLike(std::string_view v) {
  return v[0] == '/' || v[0] == '~' || v.find('/') != std::string_view::npos ||
         (v.find('.') != std::string_view::npos && v.find(' ') == std::string_view::npos);
}

// "unix:/path", "ws+unix:/path", "unix:///path": a socket address.
void SocketAddress(Call& c, const std::string& word, uint8_t bits) {
  std::string lower = ToLower(word);
  size_t at = lower.find("unix:");
  if (at == std::string::npos) return;
  std::string_view path = std::string_view(word).substr(at + 5);
  while (path.size() > 1 && path[0] == '/' && path[1] == '/') path.remove_prefix(1);
  if (!path.empty() && (path[0] == '/' || (bits & kArgDynamic))) c.Socket(path.substr(0, path.find_first_of(",?")), bits, c.name());
}

void UnknownAccess(Call& c) {
  const CommandFact& f = c.fact();
  for (uint32_t op : f.operands) {
    const std::string& a = f.argv[op];
    SocketAddress(c, a, f.arg_bits[op]);
    if (!a.empty() && !IsUrl(a)) c.Operand(FileOp::kAccess, op, false, true);
  }
  for (const Option& o : f.options) {
    if (!o.has_value || o.value.empty() || IsUrl(o.value) || !PathLike(o.value)) continue;
    std::string home = c.an.options().home;
    if (auto h = c.st.vars.find("HOME"); h != c.st.vars.end() && h->second.known) home = h->second.text;
    c.an.AddFile(FileOp::kAccess, ExpandTilde(o.value, home), f.arg_bits[o.arg_index], false, f.name, c.index, c.st,
                 true);
  }
}

// A word that names a command Warden has a model for.
bool Modelled(std::string_view word) {
  if (word.empty() || word[0] == '-' || word.size() > 256) return false;
  return LookupCommand(Basename(word)).family != Family::kUnknown;
}

// Text that reads as a command line: a modelled command first, or after ; && || | & (words
// are split at blanks and those operators, quotes ignored: this only decides whether to look).
bool LooksLikeCommandLine(std::string_view text) {
  if (text.find_first_of(" \t\n;|&") == std::string_view::npos) return false;
  bool at_start = true;
  size_t i = 0;
  while (i < text.size()) {
    size_t end = text.find_first_of(" \t\n;|&", i);
    if (end == std::string_view::npos) end = text.size();
    std::string_view word = text.substr(i, end - i);
    while (!word.empty() && (word.front() == '(' || word.front() == '{' || word.front() == '"' || word.front() == '\'')) {
      word.remove_prefix(1);
    }
    if (!word.empty()) {
      if (at_start && Modelled(word)) return true;
      at_start = false;
    }
    if (end < text.size() && std::string_view(";|&").find(text[end]) != std::string_view::npos) at_start = true;
    i = end + 1;
  }
  return false;
}

void Speculate(Call& c) {
  Analyzer::Speculation speculation(c.an);
  Ctx inner = c.an.Inner(c.ctx, c.name(), false, "speculative");
  size_t starts = 0;
  for (size_t k = 1; k < c.argv.size() && starts < kMaxStarts; ++k) {
    const Expanded& w = c.argv[k];
    if (w.bits & kArgDynamic) continue;
    State copy = c.st;
    if (Modelled(w.text)) {
      ++starts;
      c.an.Exec(Slice(c.argv, k), copy, inner, Stream{});
    } else if (LooksLikeCommandLine(w.text)) {
      ++starts;
      c.an.CodeString(w, c.name(), copy, inner);
    }
  }
  for (const Option& o : c.fact().options) {
    if (!o.has_value || starts >= kMaxStarts || !LooksLikeCommandLine(o.value)) continue;
    ++starts;
    State copy = c.st;
    c.an.CodeString(PlainWord(o.value), c.name() + " " + o.name, copy, inner);
  }
}

}  // namespace

Stream Call::Unknown() {
  UnknownAccess(*this);
  if (!an.speculating()) Speculate(*this);
  return PassThrough();
}

}  // namespace warden::shell
