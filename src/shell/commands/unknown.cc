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
// Speculation happens only for a command without a model, two guesses deep at most, for at most
// kMaxStarts starts and the first kMaxWords words (more is a too_large signal): it costs nothing
// where every command is known. Besides suffixes and whole words, it reads the values glued to
// options (-c'…', --run=…, KEY=…), shell escapes (!cmd, \! cmd, %system cmd), and code of
// other languages in a word: the shell strings and argument vectors it hands to a shell and its
// string literals that read as command lines.
#include <cctype>

#include "core/path.h"
#include "core/strings.h"
#include "shell/analyzer_impl.h"
#include "shell/analyzer_util.h"
#include "shell/code_literals.h"
#include "shell/commands/families.h"

namespace warden::shell {
namespace {

constexpr size_t kMaxStarts = 64;
constexpr size_t kMaxWords = 512;
constexpr int kMaxSpeculationDepth = 2;  // a guess inside a guess: frob sh -c "frob2 'rm -rf ~'"

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

// Paths a word carries besides itself: a value glued to a short option (-o/x), after KEY= (of=/x,
// DEST=~/x), after @ (@/x: "read from"), or a file:// URL.
std::vector<std::string_view> PathCarriers(std::string_view w) {
  std::vector<std::string_view> out;
  auto pathy = [](std::string_view v) { return !v.empty() && (v[0] == '/' || v[0] == '~'); };
  if (w.size() > 2 && w[0] == '-' && w[1] != '-' && pathy(w.substr(2))) out.push_back(w.substr(2));
  if (size_t eq = w.find('='); eq != std::string_view::npos && w[0] != '-' && pathy(w.substr(eq + 1))) {
    out.push_back(w.substr(eq + 1));
  }
  if (w.size() > 1 && w[0] == '@' && pathy(w.substr(1))) out.push_back(w.substr(1));
  if (w.rfind("file://", 0) == 0 && pathy(w.substr(7))) out.push_back(w.substr(7));
  return out;
}

void UnknownAccess(Call& c) {
  const CommandFact& f = c.fact();
  std::string home = c.an.options().home;
  if (auto h = c.st.vars.find("HOME"); h != c.st.vars.end() && h->second.known) home = h->second.text;
  auto access = [&](std::string_view path, uint32_t arg) {
    c.an.AddFile(FileOp::kAccess, ExpandTilde(path, home), f.arg_bits[arg], false, f.name, c.index, c.st, true);
  };
  for (uint32_t op : f.operands) {
    const std::string& a = f.argv[op];
    SocketAddress(c, a, f.arg_bits[op]);
    if (!a.empty() && !IsUrl(a)) c.Operand(FileOp::kAccess, op, false, true);
  }
  for (const Option& o : f.options) {
    if (o.has_value && !o.value.empty() && !IsUrl(o.value) && PathLike(o.value)) access(o.value, o.arg_index);
  }
  for (uint32_t k = 1; k < f.argv.size() && k < kMaxWords; ++k) {
    for (std::string_view path : PathCarriers(f.argv[k])) access(path, k);
  }
}

// The texts a word may carry a command line in: the word, an option's glued or = value
// (-c'…', --run=…, KEY=…), the word after a shell escape (!cmd, \\! cmd, %system cmd).
std::vector<std::string_view> Carriers(std::string_view w) {
  std::vector<std::string_view> out = {w};
  if (w.size() > 2 && w[0] == '-' && w[1] != '-' && std::isalpha(static_cast<unsigned char>(w[1]))) out.push_back(w.substr(2));
  if (size_t eq = w.find('='); eq != std::string_view::npos && eq + 1 < w.size() && w.find(' ') > eq) {
    out.push_back(w.substr(eq + 1));
  }
  for (std::string_view escape : {"!", "\\!", ":!", "%system ", "%sx ", "!!"}) {
    if (w.substr(0, escape.size()) == escape) out.push_back(w.substr(escape.size()));
  }
  return out;
}

// One start: a command line read as shell, or a word that names a modelled program.
struct Starts {
  Call& c;
  const Ctx& inner;
  size_t used = 0;

  bool Full() const { return used >= kMaxStarts; }
  void Line(std::string_view text, std::string_view origin) {
    if (Full() || !LooksLikeCommandLine(text)) return;
    ++used;
    State copy = c.st;
    c.an.CodeString(PlainWord(std::string(text)), origin, copy, inner);
  }
  void Suffix(size_t k) {
    if (Full()) return;
    ++used;
    State copy = c.st;
    c.an.Exec(Slice(c.argv, k), copy, inner, Stream{});
  }
  // Code of some language in a word: the shell strings and argument vectors it hands to a
  // shell (system "…", `…`, ["rm", "-rf", "/"]), and string literals that read as command lines.
  void Code(std::string_view text) {
    if (Full() || text.find_first_of("\"'`(") == std::string_view::npos) return;
    ++used;
    State copy = c.st;
    c.an.ShellStringsInCode(text, c.name(), c.index, copy, inner);
    for (const auto& literal : LiteralStrings(text)) Line(literal, c.name());
  }
};

void Speculate(Call& c) {
  if (c.argv.size() > kMaxWords) {
    c.Signal(kSignalTooLarge, c.name() + " has " + std::to_string(c.argv.size()) +
                                  " arguments; those past the first " + std::to_string(kMaxWords) + " are not read");
  }
  Analyzer::Speculation speculation(c.an);
  Ctx inner = c.an.Inner(c.ctx, c.name(), false, "speculative");
  Starts starts{c, inner};
  const size_t last = std::min(c.argv.size(), kMaxWords);
  bool after_wrapper = false;  // the word before started a suffix and wraps the next command
  for (size_t k = 1; k < last && !starts.Full(); ++k) {
    const Expanded& w = c.argv[k];
    if (w.bits & kArgDynamic) continue;
    if (NamesModelledCommand(w.text)) {
      // `X sudo sudo …`: the suffix at the first wrapper already runs the ones after it.
      const bool wrapper = LookupCommand(Basename(w.text)).family == Family::kWrapper;
      if (!after_wrapper) starts.Suffix(k);
      after_wrapper = wrapper && (after_wrapper || starts.used > 0);
      continue;
    }
    after_wrapper = false;
    for (std::string_view text : Carriers(w.text)) starts.Line(text, c.name());
    starts.Code(w.text);
  }
}

}  // namespace

Stream Call::Unknown() {
  UnknownAccess(*this);
  if (an.speculation_depth() < kMaxSpeculationDepth) Speculate(*this);
  return PassThrough();
}

}  // namespace warden::shell
