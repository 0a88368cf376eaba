// Call: the shorthands command handlers use, each a thin layer over the analyzer's services.
#include "core/strings.h"
#include "shell/analyzer_impl.h"
#include "shell/analyzer_util.h"
#include "shell/self_protection.h"

namespace warden::shell {

const CommandFact& Call::fact() const { return an.Cmd(index); }

void Call::Operand(FileOp op, uint32_t arg, bool recursive, bool guessed) {
  an.AddOperandFile(op, index, arg, recursive, name(), st, guessed);
}

void Call::Operands(size_t first, FileOp op, bool recursive) {
  const CommandFact& f = fact();
  for (size_t k = first; k < f.operands.size(); ++k) {
    if (f.argv[f.operands[k]] != "-") an.AddOperandFile(op, index, f.operands[k], recursive, f.name, st);
  }
}

void Call::File(FileOp op, std::string_view path, uint8_t bits, bool recursive, std::string_view source) {
  an.AddFile(op, path, bits, recursive, source.empty() ? std::string_view(name()) : source, index, st);
}

void Call::Signal(std::string_view type, std::string detail) { an.Signal(type, std::move(detail), index); }

void Call::Socket(std::string_view path, uint8_t bits, std::string_view how) {
  an.AddFile(FileOp::kAccess, path, bits, false, how, index, st);
  // A socket only known at run time (or found by a lookup of Warden) may be Warden's.
  if (NamesWarden(path, an.options().self) || (bits & (kArgWarden | kArgDynamic))) {
    Signal(kSignalWardenTamper, std::string(how) + " talks to a socket that is or may be Warden's (" + std::string(path) + ")");
  }
}

namespace {

// The directory a command's chdir option (its row's `chdir`: systemd-run --working-directory,
// unshare --wd, uv run --directory, …) names, if it has one.
const Option* ChdirOption(const Call& c) {
  const CommandSpec& spec = LookupCommand(c.name());
  if (spec.chdir.empty()) return nullptr;
  for (const Option& o : c.fact().options) {
    if (!o.has_value) continue;
    for (std::string_view name : Split(spec.chdir, ' ')) {
      if (o.name == name) return &o;
    }
  }
  return nullptr;
}

}  // namespace

State* Call::RunState(State* moved) const {
  const Option* dir = ChdirOption(*this);
  if (dir == nullptr) return &st;
  *moved = st;
  an.ChangeDirectory({PlainWord("cd"), PlainWord(dir->value, fact().arg_bits[dir->arg_index] & kArgDynamic)}, *moved);
  return moved;
}

Expanded Call::OptionValue(const Option& o) const {
  const size_t at = o.arg_index + 1;
  // (--file=<(…) reads as "--file=" and the <(…) word: the value is the next word then.)
  if (at < argv.size() && (argv[at].text == o.value || (o.value.empty() && argv[at].procsub))) return argv[at];
  Expanded glued = o.arg_index < argv.size() ? argv[o.arg_index] : PlainWord(o.value);  // --file=<(…) keeps its <(…)
  glued.text = o.value;
  return glued;
}

Stream Call::Run(std::vector<Expanded> words, std::string_view via) {
  State moved;
  return an.Exec(std::move(words), *RunState(&moved), an.Inner(ctx, via, false), in);
}

Stream Call::RunCode(const Expanded& code, std::string_view origin, std::string_view via, const Stream& input) {
  State moved;
  return an.CodeString(code, origin, *RunState(&moved), an.Inner(ctx, via, false), {}, input);
}

Stream Call::RunCode(std::string text, std::string_view origin, std::string_view via, const Stream& input) {
  return RunCode(PlainWord(std::move(text)), origin, via, input);
}

Stream Call::PassThrough() const { return in.tainted() ? in : UnknownStream(name()); }

Expanded JoinWords(const std::vector<Expanded>& argv, size_t from, size_t to) {
  Expanded code;
  to = std::min(to, argv.size());
  for (size_t k = from; k < to; ++k) {
    if (k > from) code.text += ' ';
    code.text += argv[k].text;
    code.bits |= argv[k].bits;
    if (argv[k].taint.tainted()) code.taint = argv[k].taint;
  }
  return code;
}

std::vector<Expanded> Slice(const std::vector<Expanded>& argv, size_t from) {
  return std::vector<Expanded>(argv.begin() + static_cast<std::ptrdiff_t>(std::min(from, argv.size())), argv.end());
}

Expanded PlainWord(std::string text, uint8_t bits) {
  Expanded e;
  e.text = std::move(text);
  e.bits = bits;
  return e;
}

}  // namespace warden::shell
