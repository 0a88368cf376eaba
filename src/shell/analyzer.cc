#include "shell/analyzer.h"

#include <algorithm>
#include <optional>

#include "core/path.h"
#include "core/strings.h"
#include "shell/analyzer_impl.h"
#include "shell/parser.h"

namespace warden::shell {
namespace {

constexpr size_t kMaxStdinText = 64 * 1024;
constexpr size_t kMaxSignals = 64;
constexpr size_t kMaxFiles = 4096;

Stream UnknownStream(std::string source = {}) {
  Stream s;
  s.kind = Stream::Kind::kUnknown;
  s.source = std::move(source);
  return s;
}

Stream LiteralStream(std::string text, std::string source) {
  Stream s;
  s.kind = Stream::Kind::kLiteral;
  s.text = std::move(text);
  s.source = std::move(source);
  return s;
}

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\n'; }

// Unquoted characters that make a word a pattern: * ? [ and a brace expansion ({a,b} or
// {1..3}); a lone "{}" stays literal, as in bash.
bool HasGlobChar(std::string_view s) {
  if (s.find_first_of("*?[") != std::string_view::npos) return true;
  for (size_t open = s.find('{'); open != std::string_view::npos; open = s.find('{', open + 1)) {
    size_t close = s.find('}', open);
    if (close == std::string_view::npos) return false;
    std::string_view body = s.substr(open + 1, close - open - 1);
    if (body.find(',') != std::string_view::npos || body.find("..") != std::string_view::npos) return true;
  }
  return false;
}

bool IsIdentifier(std::string_view s) {
  if (s.empty() || (s[0] >= '0' && s[0] <= '9')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

std::string StripTrailingNewlines(std::string s) {
  while (!s.empty() && s.back() == '\n') s.pop_back();
  return s;
}

// Splits like `env -S` and the shell's IFS splitting: blanks separate, quotes group.
std::vector<std::string> SplitBlanks(std::string_view s) {
  std::vector<std::string> out;
  std::string cur;
  bool in_word = false;
  char quote = 0;
  for (char c : s) {
    if (quote) {
      if (c == quote) {
        quote = 0;
      } else {
        cur += c;
      }
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      in_word = true;
      continue;
    }
    if (IsBlank(c)) {
      if (in_word) out.push_back(std::move(cur));
      cur.clear();
      in_word = false;
      continue;
    }
    cur += c;
    in_word = true;
  }
  if (in_word) out.push_back(std::move(cur));
  return out;
}

}  // namespace

std::string CommandFact::Line() const { return Join(argv, " "); }

std::string_view FileOpName(FileOp op) {
  switch (op) {
    case FileOp::kRead: return "read";
    case FileOp::kWrite: return "write";
    case FileOp::kDelete: return "delete";
    case FileOp::kExec: return "exec";
  }
  return "?";
}

const std::vector<std::string_view>& SignalNames() {
  static const std::vector<std::string_view> kNames = {
      kSignalRce, kSignalUpload, kSignalParseError, kSignalDepthLimit, kSignalDynamicCommand,
      kSignalDynamicScript, kSignalForkBomb, kSignalTooLarge, kSignalUnknownConstruct, kSignalEmpty,
      kSignalInlineCode};
  return kNames;
}

Analyzer::Analyzer(const AnalyzeOptions& options, Facts* out) : opt_(options), out_(out) {}

// ---- entry points ----------------------------------------------------------------------------

namespace {

// A line continuation with no blank on either side: it joins two pieces of one word.
bool HasWordJoin(std::string_view s) {
  for (size_t i = 1; i + 2 < s.size(); ++i) {
    if (s[i] == '\\' && s[i + 1] == '\n' && !IsBlank(s[i - 1]) && !IsBlank(s[i + 2])) return true;
  }
  return false;
}

State InitialState(const AnalyzeOptions& o) {
  State st;
  st.cwds.push_back(NormalizePath(o.cwd.empty() ? "/" : o.cwd));
  Value home;
  home.text = o.home;
  home.known = true;
  st.vars["HOME"] = home;
  return st;
}

}  // namespace

void Analyzer::RunString(std::string_view source) {
  if (source.size() > opt_.max_bytes) {
    Signal(kSignalTooLarge, "the command is " + std::to_string(source.size()) + " bytes; analysis stops at " +
                                std::to_string(opt_.max_bytes));
    return;
  }
  if (source.find('\0') != std::string_view::npos) {
    Signal(kSignalParseError, "the command contains a NUL byte, which no shell can pass on");
  }
  if (Trim(source).empty()) {
    Signal(kSignalEmpty, "empty command");
    return;
  }
  State st = InitialState(opt_);
  Script(source, st, Ctx{}, Stream{});
  // bash removes "\<newline>" before it splits words, so "r\<newline>m" is "rm"; tree-sitter
  // reads it as two words. When such a join occurs, analyze the joined text too and keep both
  // sets of facts: the union is what either reading could run.
  if (HasWordJoin(source)) {
    std::string joined;
    for (size_t i = 0; i < source.size(); ++i) {
      if (source[i] == '\\' && i + 1 < source.size() && source[i + 1] == '\n') {
        ++i;
        continue;
      }
      joined += source[i];
    }
    State again = InitialState(opt_);
    Script(joined, again, Ctx{}, Stream{});
  }
  if (out_->commands.empty() && out_->files.empty() && out_->signals.empty()) {
    Signal(kSignalEmpty, "nothing to run (only comments or blanks)");
  }
}

void Analyzer::RunArgv(const std::vector<std::string>& argv) {
  if (argv.empty() || (argv.size() == 1 && argv[0].empty())) {
    Signal(kSignalEmpty, "empty argv");
    return;
  }
  State st = InitialState(opt_);
  std::vector<Expanded> words;
  for (const auto& a : argv) {
    Expanded e;
    e.text = a;
    if (a.find('\0') != std::string::npos) Signal(kSignalParseError, "an argument contains a NUL byte");
    words.push_back(std::move(e));
  }
  Exec(std::move(words), st, Ctx{}, Stream{});
}

Facts AnalyzeCommand(std::string_view command, const AnalyzeOptions& options) {
  Facts facts;
  Analyzer(options, &facts).RunString(command);
  return facts;
}

Facts AnalyzeArgv(const std::vector<std::string>& argv, const AnalyzeOptions& options) {
  Facts facts;
  Analyzer(options, &facts).RunArgv(argv);
  return facts;
}

// ---- statements ------------------------------------------------------------------------------

Stream Analyzer::Script(std::string_view source, State& st, const Ctx& ctx, const Stream& in) {
  if (ctx.depth > opt_.max_depth) {
    Signal(kSignalDepthLimit, "shell code nested more than " + std::to_string(opt_.max_depth) +
                                  " levels deep (bash -c, eval, …) was not analyzed");
    return UnknownStream();
  }
  ParseResult pr = Parse(source);
  size_t shown = 0;
  for (const auto& e : pr.errors) {
    if (++shown > 3) break;
    Signal(kSignalParseError, e.message + " (offset " + std::to_string(e.offset) + ")");
  }
  if (pr.too_deep) Signal(kSignalDepthLimit, "the command nests deeper than the parser follows");
  return Walk(pr.root, st, ctx, in);
}

Stream Analyzer::Walk(const Node& n, State& st, const Ctx& ctx, const Stream& in) {
  if (!Budget()) return UnknownStream();
  if (n.kind == Node::Kind::kSimple) return Simple(n, st, ctx, in);
  std::vector<std::string> outputs;
  Stream input = Redirects(n.redirects, st, ctx, in, &outputs);
  Stream out;
  switch (n.kind) {
    case Node::Kind::kSequence: out = Sequence(n, st, ctx, input); break;
    case Node::Kind::kPipeline: out = Pipeline(n, st, ctx, input); break;
    case Node::Kind::kSubshell: {
      State copy = st;
      for (const auto& c : n.children) out = Walk(c, copy, ctx, input);
      break;
    }
    case Node::Kind::kGroup:
    case Node::Kind::kNegated:
      for (const auto& c : n.children) out = Walk(c, st, ctx, input);
      break;
    case Node::Kind::kIf:
    case Node::Kind::kLoop:
    case Node::Kind::kCase:
    case Node::Kind::kTest:
      ScanWords(n.words, st, ctx);
      for (const auto& c : n.children) out = Maybe(c, st, ctx, input);
      break;
    case Node::Kind::kFor: out = For(n, st, ctx, input); break;
    case Node::Kind::kFunction: Function(n, st, ctx); break;
    case Node::Kind::kError:
      ScanWords(n.words, st, ctx);
      for (const auto& c : n.children) out = Maybe(c, st, ctx, input);
      out = UnknownStream();
      break;
    case Node::Kind::kUnknown:
      Signal(kSignalUnknownConstruct, "the shell construct '" + n.text + "' is not understood");
      ScanWords(n.words, st, ctx);
      for (const auto& c : n.children) out = Maybe(c, st, ctx, input);
      out = UnknownStream();
      break;
    case Node::Kind::kSimple: break;
  }
  if (!outputs.empty()) {
    if (out.tainted()) {
      for (const auto& p : outputs) Taint(p, 0, st, out.source);
    }
    return Stream{};
  }
  return out;
}

Stream Analyzer::Sequence(const Node& n, State& st, const Ctx& ctx, const Stream& in) {
  Stream last, taint;
  size_t produced = 0;
  for (size_t i = 0; i < n.children.size(); ++i) {
    const Node& child = n.children[i];
    std::string_view before = i > 0 && i - 1 < n.ops.size() ? std::string_view(n.ops[i - 1]) : ";";
    bool background = i < n.ops.size() && n.ops[i] == "&";
    Stream s;
    if (background) {
      Ctx c = ctx;
      c.concurrent = true;
      State copy = st;
      s = Walk(child, copy, c, in);
    } else if (before == "&&" || before == "||") {
      s = Maybe(child, st, ctx, in);
    } else {
      s = Walk(child, st, ctx, in);
    }
    if (s.kind != Stream::Kind::kNone) {
      ++produced;
      last = s;
    }
    if (s.tainted()) taint = s;
  }
  if (taint.tainted()) return taint;
  if (produced > 1) return UnknownStream();
  return last;
}

Stream Analyzer::Pipeline(const Node& n, State& st, const Ctx& ctx, const Stream& in) {
  Stream s = in;
  Ctx c = ctx;
  if (n.children.size() > 1) c.concurrent = true;
  for (const auto& child : n.children) {
    State copy = st;  // every stage runs in a subshell
    s = Walk(child, copy, c, s);
  }
  return s;
}

Stream Analyzer::Maybe(const Node& n, State& st, const Ctx& ctx, const Stream& in) {
  State copy = st;
  Stream s = Walk(n, copy, ctx, in);
  Merge(st, copy);
  return s;
}

void Analyzer::Merge(State& into, const State& other) {
  for (const auto& c : other.cwds) {
    if (std::find(into.cwds.begin(), into.cwds.end(), c) == into.cwds.end()) into.cwds.push_back(c);
  }
  into.cwd_unknown = into.cwd_unknown || other.cwd_unknown || into.cwds.size() > kMaxCwds;
  if (into.cwds.size() > kMaxCwds) into.cwds.clear();
  for (auto& [name, v] : into.vars) {
    auto it = other.vars.find(name);
    if (it == other.vars.end() || it->second.known != v.known || it->second.text != v.text) {
      v.known = false;
      if (it != other.vars.end() && it->second.taint.tainted()) v.taint = it->second.taint;
    }
  }
  for (const auto& [name, v] : other.vars) {
    if (into.vars.find(name) == into.vars.end()) {
      Value u;
      u.taint = v.taint;
      into.vars.emplace(name, u);
    }
  }
}

Stream Analyzer::For(const Node& n, State& st, const Ctx& ctx, const Stream& in) {
  std::vector<Expanded> items;
  bool all_known = true;
  for (const auto& w : n.words) {
    Expanded e = Expand(w, st, ctx);
    if ((e.bits & kArgDynamic) || e.split) all_known = false;
    items.push_back(std::move(e));
  }
  const Node& body = n.children.empty() ? n : n.children[0];
  if (n.children.empty()) return Stream{};
  Stream out;
  if (all_known && items.size() <= kMaxLoopItems) {
    for (const auto& item : items) {
      State copy = st;
      Value v;
      v.text = item.text;
      v.known = true;
      v.bits = item.bits;
      copy.vars[n.text] = v;
      out = Walk(body, copy, ctx, in);
      Merge(st, copy);
    }
    return out;
  }
  State copy = st;
  Value v;
  for (const auto& item : items) {
    if (item.taint.tainted()) v.taint = item.taint;
  }
  copy.vars[n.text] = v;
  out = Walk(body, copy, ctx, in);
  Merge(st, copy);
  return out;
}

void Analyzer::Function(const Node& n, State& st, const Ctx& ctx) {
  if (n.children.empty()) return;
  functions_.push_back(n.text);
  State copy = st;
  Walk(n.children[0], copy, Inner(ctx, "", false, "function " + n.text), Stream{});
  functions_.pop_back();
}

void Analyzer::ScanWords(const std::vector<Word>& words, State& st, const Ctx& ctx) {
  for (const auto& w : words) Expand(w, st, ctx);
}

Stream Analyzer::Redirects(const std::vector<Redirect>& redirects, State& st, const Ctx& ctx, const Stream& in,
                           std::vector<std::string>* outputs) {
  Stream input = in;
  for (const auto& r : redirects) {
    if (r.op == "<<" || r.op == "<<-") {
      Expanded body = Expand(r.heredoc, st, ctx);
      if (body.bits & kArgDynamic) {
        input = body.taint.tainted() ? body.taint : UnknownStream("here-document");
      } else {
        input = LiteralStream(body.text, "here-document");
      }
      continue;
    }
    Expanded t = Expand(r.target, st, ctx);
    if (r.op == "<<<") {
      if (t.bits & kArgDynamic) {
        input = t.taint.tainted() ? t.taint : UnknownStream("here-string");
      } else {
        input = LiteralStream(t.text + "\n", "here-string");
      }
      continue;
    }
    bool fd_dup = (r.op == ">&" || r.op == "<&") &&
                  (t.text == "-" || (!t.text.empty() && t.text.find_first_not_of("0123456789-") == std::string::npos));
    if (fd_dup) continue;
    std::string source = "redirect " + r.op;
    if (r.op == "<") {
      if (t.procsub) {
        input = t.procsub_stream;
        continue;
      }
      AddFile(FileOp::kRead, t.text, t.bits, false, source, -1, st);
      Stream f;
      f.kind = Stream::Kind::kFile;
      f.text = t.text;
      f.source = "file";
      input = f;
    } else if (r.op == "<>") {
      AddFile(FileOp::kRead, t.text, t.bits, false, source, -1, st);
      AddFile(FileOp::kWrite, t.text, t.bits, false, source, -1, st);
    } else {
      if (t.procsub) continue;  // > >(cmd): the command was analyzed during expansion
      AddFile(FileOp::kWrite, t.text, t.bits, false, source, -1, st);
      if (r.fd <= 1) outputs->push_back(t.text);
    }
  }
  return input;
}

Stream Analyzer::Simple(const Node& n, State& st, const Ctx& ctx, const Stream& in) {
  std::vector<std::pair<std::string, Expanded>> assigns;
  for (const auto& a : n.assignments) {
    Expanded v = Expand(a.value, st, ctx, true);
    if (a.array || a.append) v.bits |= kArgDynamic;
    assigns.emplace_back(a.name, std::move(v));
  }
  std::vector<Expanded> argv;
  for (const auto& w : n.words) argv.push_back(Expand(w, st, ctx));
  std::vector<std::string> outputs;
  Stream input = Redirects(n.redirects, st, ctx, in, &outputs);

  if (argv.empty() || n.declaration) {
    for (auto& [name, v] : assigns) {
      Value val;
      val.known = !(v.bits & kArgDynamic) && v.text.size() <= kMaxValueBytes && IsIdentifier(name);
      if (val.known) val.text = v.text;
      val.bits = v.bits & kArgGlob;
      val.taint = v.taint;
      st.vars[name] = std::move(val);
    }
    if (n.declaration && !argv.empty()) {
      // "export X" without a value, "local -r y": the named variables become unknown to us only
      // if they were never assigned; nothing runs.
      return Stream{};
    }
    if (argv.empty()) return input.kind == Stream::Kind::kLiteral ? input : Stream{};
  }
  // "(( expr ))" reads as a command whose only word is arithmetic: nothing runs.
  if (n.words.size() == 1 && n.words[0].parts.size() == 1 &&
      n.words[0].parts[0].kind == WordPart::Kind::kArith) {
    return Stream{};
  }
  Stream out = Exec(std::move(argv), st, ctx, input);
  if (!outputs.empty()) {
    if (out.tainted()) {
      for (const auto& p : outputs) Taint(p, 0, st, out.source);
    }
    return Stream{};
  }
  return out;
}

// ---- words -----------------------------------------------------------------------------------

Expanded Analyzer::Expand(const Word& w, State& st, const Ctx& ctx, bool assignment) {
  Expanded e;
  for (size_t i = 0; i < w.parts.size(); ++i) {
    const WordPart& p = w.parts[i];
    switch (p.kind) {
      case WordPart::Kind::kText: {
        std::string_view text = p.text;
        if (!p.quoted && i == 0 && !text.empty() && text.front() == '~') {
          size_t slash = text.find('/');
          std::string_view prefix = text.substr(0, slash);
          bool whole = slash != std::string_view::npos || w.parts.size() == 1;
          if (whole && (prefix.size() == 1 || IsIdentifier(prefix.substr(1)))) {
            const auto home = st.vars.find("HOME");
            std::string base = home != st.vars.end() && home->second.known ? home->second.text : opt_.home;
            e.text += ExpandTilde(prefix, base);
            if (home != st.vars.end() && !home->second.known && prefix.size() == 1) e.bits |= kArgDynamic;
            text = slash == std::string_view::npos ? std::string_view() : text.substr(slash);
          }
        }
        if (!p.quoted && HasGlobChar(text) && !assignment) e.bits |= kArgGlob;
        e.text += text;
        break;
      }
      case WordPart::Kind::kParam: ExpandParam(p, st, ctx, &e); break;
      case WordPart::Kind::kCommandSub: {
        Stream s = Substitute(p.body, st, ctx);
        if (s.kind == Stream::Kind::kLiteral) {
          std::string out = StripTrailingNewlines(s.text);
          if (!p.quoted && out.find_first_of(" \t\n") != std::string::npos) e.split = true;
          e.text += out;
        } else {
          e.bits |= kArgDynamic;
          if (s.tainted()) e.taint = s;
          e.text += "$(…)";
        }
        break;
      }
      case WordPart::Kind::kProcessSub: {
        Ctx c = Inner(ctx, "", false, p.direction == '>' ? ">(…)" : "<(…)");
        State copy = st;
        Stream s;
        Stream feed = p.direction == '>' ? UnknownStream() : Stream{};
        for (const auto& b : p.body) s = Walk(b, copy, c, feed);
        e.procsub = true;
        e.procsub_stream = p.direction == '<' ? s : Stream{};
        e.text += "/dev/fd/63";
        break;
      }
      case WordPart::Kind::kArith:
        ScanWords(p.inner, st, ctx);
        e.bits |= kArgDynamic;
        e.text += "$((…))";
        break;
      case WordPart::Kind::kOpaque:
        ScanWords(p.inner, st, ctx);
        e.bits |= kArgDynamic;
        e.text += "?";
        break;
    }
  }
  return e;
}

void Analyzer::ExpandParam(const WordPart& p, State& st, const Ctx& ctx, Expanded* out) {
  ScanWords(p.inner, st, ctx);
  const Value* v = nullptr;
  Value pwd;
  auto it = st.vars.find(p.text);
  if (it != st.vars.end()) {
    v = &it->second;
  } else if (p.text == "PWD" && st.cwds.size() == 1 && !st.cwd_unknown) {
    pwd.text = st.cwds[0];
    pwd.known = true;
    v = &pwd;
  }
  bool plain = p.op.empty();
  bool use_value = plain || ((p.op == ":-" || p.op == "-" || p.op == ":=" || p.op == "=") && v && v->known &&
                             (!v->text.empty() || p.op.size() == 1));
  if (v && v->known && use_value) {
    if (!p.quoted && v->text.find_first_of(" \t\n") != std::string::npos) out->split = true;
    out->text += v->text;
    out->bits |= v->bits;
    return;
  }
  out->bits |= kArgDynamic;
  if (v && v->taint.tainted()) out->taint = v->taint;
  out->text += "${" + p.text + "}";
}

Stream Analyzer::Substitute(const std::vector<Node>& body, State& st, const Ctx& ctx) {
  State copy = st;
  Ctx c = Inner(ctx, "", false, "$(…)");
  Stream s;
  for (const auto& b : body) s = Walk(b, copy, c, Stream{});
  return s;
}

// ---- commands --------------------------------------------------------------------------------

Ctx Analyzer::Inner(const Ctx& ctx, std::string_view via, bool privileged, std::string_view origin) const {
  Ctx c = ctx;
  if (!via.empty()) c.via.emplace_back(via);
  c.privileged = c.privileged || privileged;
  if (!origin.empty()) c.origin = ctx.origin.empty() ? std::string(origin) : ctx.origin + " › " + std::string(origin);
  return c;
}

Stream Analyzer::Exec(std::vector<Expanded> argv, State& st, const Ctx& ctx, const Stream& in) {
  if (!Budget()) return UnknownStream();
  // Unquoted expansions with blanks become several words.
  if (std::any_of(argv.begin(), argv.end(), [](const Expanded& e) { return e.split; })) {
    std::vector<Expanded> split;
    for (auto& e : argv) {
      if (!e.split) {
        split.push_back(std::move(e));
        continue;
      }
      for (auto& piece : SplitBlanks(e.text)) {
        Expanded x = e;
        x.split = false;
        x.text = std::move(piece);
        split.push_back(std::move(x));
      }
    }
    argv = std::move(split);
  }
  if (argv.empty()) return Stream{};
  const Expanded& head = argv[0];
  if (head.bits & kArgDynamic) {
    if (head.taint.tainted()) {
      Signal(kSignalRce, "runs a command whose name comes from " + head.taint.source);
    }
    Signal(kSignalDynamicCommand, "the command '" + Printable(head.text, 60) + "' is only known at run time");
    return UnknownStream();
  }
  if (head.bits & kArgGlob) {
    Signal(kSignalDynamicCommand, "the command name '" + Printable(head.text, 60) + "' is a glob pattern");
    return UnknownStream();
  }
  if (head.text.empty()) return Stream{};
  std::string name(Basename(head.text));
  const CommandSpec& spec = LookupCommand(name);
  int idx = AddCommand(argv, spec, st, ctx, in);

  if (head.text.find('/') != std::string::npos) {
    AddFile(FileOp::kExec, head.text, head.bits, false, "exec", idx, st);
    std::string source;
    if (IsTainted(head.text, st, &source)) {
      Signal(kSignalRce, "runs " + head.text + ", downloaded by " + source + " earlier in the command", idx);
    }
  }
  if (ctx.concurrent && std::find(functions_.begin(), functions_.end(), name) != functions_.end()) {
    Signal(kSignalForkBomb, "function '" + name + "' starts copies of itself in the background or a pipeline",
           idx);
  }
  Stream out;
  if (Builtin(name, idx, argv, st, ctx, in, &out)) return out;
  switch (spec.family) {
    case Family::kWrapper: return Wrapper(spec, idx, argv, st, ctx, in);
    case Family::kShell: return Shell(spec, idx, argv, st, ctx, in);
    case Family::kInterpreter: return Interpreter(spec, idx, argv, st, ctx, in);
    case Family::kEffects: return Effects(idx, st, ctx, in);
    case Family::kNoFiles: return in.tainted() ? in : UnknownStream(name);
    case Family::kUnknown:
      GuessedReads(idx, st);
      return in.tainted() ? in : UnknownStream(name);
  }
  return UnknownStream();
}

int Analyzer::AddCommand(const std::vector<Expanded>& argv, const CommandSpec& spec, const State& st,
                         const Ctx& ctx, const Stream& in) {
  CommandFact f;
  f.name = std::string(Basename(argv[0].text));
  for (const auto& a : argv) {
    f.argv.push_back(a.text);
    f.arg_bits.push_back(a.bits);
  }
  size_t stop;
  ParseOptions(spec, f.argv, 1, &f.options, &f.operands, &stop);
  f.cwds = st.cwds;
  f.cwd_unknown = st.cwd_unknown;
  f.via = ctx.via;
  f.privileged = ctx.privileged;
  f.origin = ctx.origin;
  f.depth = ctx.depth;
  if (in.kind == Stream::Kind::kLiteral) {
    f.stdin_text = in.text.substr(0, kMaxStdinText);
    f.stdin_known = true;
  }
  out_->commands.push_back(std::move(f));
  return static_cast<int>(out_->commands.size() - 1);
}

bool Analyzer::Builtin(std::string_view name, int index, std::vector<Expanded>& argv, State& st, const Ctx& ctx,
                       const Stream& in, Stream* out) {
  *out = Stream{};
  if (name == "cd" || name == "pushd" || name == "popd") {
    ChangeDirectory(argv, st);
    return true;
  }
  if (name == "echo" || name == "printf") {
    size_t i = 1;
    if (name == "echo") {
      while (i < argv.size() && argv[i].text.size() > 1 && argv[i].text[0] == '-' &&
             argv[i].text.find_first_not_of("neE", 1) == std::string::npos) {
        ++i;
      }
    }
    std::string text;
    for (size_t k = i; k < argv.size(); ++k) {
      if (argv[k].taint.tainted()) {
        *out = argv[k].taint;
        return true;
      }
      if (argv[k].bits & kArgDynamic) {
        *out = UnknownStream(std::string(name));
        return true;
      }
      if (k > i) text += ' ';
      text += argv[k].text;
    }
    *out = LiteralStream(text + (name == "echo" ? "\n" : ""), std::string(name));
    return true;
  }
  if (name == "eval") {
    Expanded code;
    for (size_t k = 1; k < argv.size(); ++k) {
      if (k > 1) code.text += ' ';
      code.text += argv[k].text;
      code.bits |= argv[k].bits;
      if (argv[k].taint.tainted()) code.taint = argv[k].taint;
    }
    *out = CodeString(code, "eval", st, Inner(ctx, "eval", false));
    return true;
  }
  if (name == "source" || name == ".") {
    const CommandFact& f = Cmd(index);
    if (!f.operands.empty()) {
      Expanded arg = argv[f.operands[0]];
      ScriptFile(arg, name, index, st, Inner(ctx, std::string(name), false), in);
    }
    *out = UnknownStream();
    return true;
  }
  if (name == "alias") {
    for (size_t k = 1; k < argv.size(); ++k) {
      size_t eq = argv[k].text.find('=');
      if (eq == std::string::npos) continue;
      Expanded value = argv[k];
      value.text = argv[k].text.substr(eq + 1);
      CodeString(value, "alias", st, Inner(ctx, "alias", false));
    }
    return true;
  }
  if (name == "trap") {
    if (argv.size() >= 3 && argv[1].text != "-" && !argv[1].text.empty()) {
      CodeString(argv[1], "trap", st, Inner(ctx, "trap", false));
    }
    return true;
  }
  if ((name == "exec" || name == "command" || name == "builtin") && argv.size() == 1) return true;
  if (name == "command" && HasOption(Cmd(index).options, {"-v", "-V"})) return true;
  if (name == "read" || name == "unset" || name == "mapfile" || name == "readarray") {
    for (size_t k = 1; k < argv.size(); ++k) {
      if (IsIdentifier(argv[k].text)) st.vars[argv[k].text] = Value{};
    }
    return true;
  }
  return false;
}

void Analyzer::ChangeDirectory(const std::vector<Expanded>& argv, State& st) {
  std::string_view name = Basename(argv[0].text);
  auto unknown = [&] {
    st.cwds.clear();
    st.cwd_unknown = true;
  };
  if (name == "popd") return unknown();
  const Expanded* target = nullptr;
  for (size_t i = 1; i < argv.size(); ++i) {
    const std::string& t = argv[i].text;
    if (t == "--") {
      if (i + 1 < argv.size()) target = &argv[i + 1];
      break;
    }
    if (t.size() > 1 && t[0] == '-') continue;  // -L, -P, -e, -@
    target = &argv[i];
    break;
  }
  if (target == nullptr) {
    if (name == "pushd") return unknown();
    auto home = st.vars.find("HOME");
    if (home == st.vars.end() || !home->second.known) return unknown();
    st.cwds = {home->second.text};
    st.cwd_unknown = false;
    return;
  }
  if ((target->bits & kArgDynamic) || target->text == "-" || (target->text.size() > 1 && target->text[0] == '+')) {
    return unknown();
  }
  if (target->bits & kArgGlob) return unknown();
  bool dynamic = false;
  std::vector<std::string> paths = Resolve(target->text, st, &dynamic);
  if (dynamic || paths.empty()) return unknown();
  st.cwds = std::move(paths);
  st.cwd_unknown = false;
}

Stream Analyzer::Wrapper(const CommandSpec& spec, int index, std::vector<Expanded>& argv, State& st,
                         const Ctx& ctx, const Stream& in) {
  const std::string name = Cmd(index).name;
  if (name == "env") return Env(index, argv, st, ctx, in);
  if (name == "xargs") return Xargs(index, argv, st, ctx, in);
  std::vector<std::string> texts;
  for (const auto& a : argv) texts.push_back(a.text);
  std::vector<Option> options;
  std::vector<uint32_t> operands;
  size_t stop;
  ParseOptions(spec, texts, 1, &options, &operands, &stop);
  Ctx inner = Inner(ctx, name, spec.privileged);

  if (spec.code_flag) {
    std::string short_flag = std::string("-") + spec.code_flag;
    std::string long_flag = spec.code_long.empty() ? std::string("-c") : "--" + std::string(spec.code_long);
    if (const Option* o = FindOption(options, {short_flag, long_flag}); o && o->has_value) {
      // The value is either glued to the flag or the next word.
      size_t at = (texts[o->arg_index] == short_flag || texts[o->arg_index] == long_flag) ? o->arg_index + 1
                                                                                         : o->arg_index;
      Expanded code = at < argv.size() ? argv[at] : Expanded{};
      code.text = o->value;
      return CodeString(code, name + " -c", st, inner);
    }
  }
  if (name == "watch" && !HasOption(options, {"-x", "--exec"})) {
    Expanded code;
    for (size_t k = stop; k < argv.size(); ++k) {
      if (k > stop) code.text += ' ';
      code.text += argv[k].text;
      code.bits |= argv[k].bits;
      if (argv[k].taint.tainted()) code.taint = argv[k].taint;
    }
    if (code.text.empty()) return UnknownStream();
    return CodeString(code, "watch", st, inner);
  }
  size_t start = stop + static_cast<size_t>(spec.skip_operands);
  if (name == "sg" && start < argv.size()) {
    Expanded code;
    for (size_t k = start; k < argv.size(); ++k) {
      if (k > start) code.text += ' ';
      code.text += argv[k].text;
      code.bits |= argv[k].bits;
    }
    return CodeString(code, "sg", st, inner);
  }
  if (name == "flock" && stop < argv.size()) {
    AddFile(FileOp::kWrite, argv[stop].text, argv[stop].bits, false, "flock", index, st);
  }
  if (start >= argv.size()) return UnknownStream(name);
  // "flock FILE -c CMD": the command flag may also follow the wrapper's own operands.
  if (spec.code_flag && start + 1 < argv.size() &&
      (argv[start].text == std::string("-") + spec.code_flag ||
       (!spec.code_long.empty() && argv[start].text == "--" + std::string(spec.code_long)))) {
    return CodeString(argv[start + 1], name + " -c", st, inner);
  }
  std::vector<Expanded> rest(argv.begin() + static_cast<std::ptrdiff_t>(start), argv.end());
  return Exec(std::move(rest), st, inner, in);
}

Stream Analyzer::Env(int index, std::vector<Expanded>& argv, State& st, const Ctx& ctx, const Stream& in) {
  (void)index;
  std::vector<Expanded> words(argv.begin() + 1, argv.end());
  std::optional<Expanded> chdir;
  size_t i = 0;
  bool options_done = false;
  auto value_of = [&](std::string_view opt_short, std::string_view opt_long, Expanded* value) -> bool {
    const std::string& t = words[i].text;
    if (t == opt_short || t == opt_long) {
      if (i + 1 < words.size()) *value = words[++i];
      return true;
    }
    if (!opt_long.empty() && t.rfind(std::string(opt_long) + "=", 0) == 0) {
      *value = words[i];
      value->text = t.substr(opt_long.size() + 1);
      return true;
    }
    if (t.size() > 2 && t.rfind(opt_short, 0) == 0) {
      *value = words[i];
      value->text = t.substr(2);
      return true;
    }
    return false;
  };
  while (i < words.size()) {
    const std::string t = words[i].text;
    if (!options_done && t == "--") {
      options_done = true;
      ++i;
      continue;
    }
    if (!options_done && t.size() > 1 && t[0] == '-') {
      Expanded value;
      const bool separate = t == "-S" || t == "--split-string";
      if (value_of("-S", "--split-string", &value)) {
        // env -S 'cmd args': the string is split into words that replace it.
        size_t flag_at = separate ? i - 1 : i;
        std::vector<Expanded> replaced(words.begin(), words.begin() + static_cast<std::ptrdiff_t>(flag_at));
        for (auto& piece : SplitBlanks(value.text)) {
          Expanded x = value;
          x.text = std::move(piece);
          replaced.push_back(std::move(x));
        }
        for (size_t k = i + 1; k < words.size(); ++k) replaced.push_back(words[k]);
        words = std::move(replaced);
        i = flag_at;
        continue;
      }
      if (value_of("-C", "--chdir", &value)) {
        chdir = value;
        ++i;
        continue;
      }
      if (value_of("-u", "--unset", &value) || value_of("-P", "", &value)) {
        ++i;
        continue;
      }
      ++i;  // -i, -0, -v, --ignore-environment, --null, --debug, --*-signal
      continue;
    }
    size_t eq = t.find('=');
    if (eq != std::string::npos && eq > 0 && IsIdentifier(std::string_view(t).substr(0, eq))) {
      ++i;  // NAME=VALUE for the child's environment
      continue;
    }
    break;
  }
  if (i >= words.size()) return UnknownStream("env");
  std::vector<Expanded> rest(words.begin() + static_cast<std::ptrdiff_t>(i), words.end());
  Ctx inner = Inner(ctx, "env", false);
  if (chdir) {
    State moved = st;
    std::vector<Expanded> cd{Expanded{}, *chdir};
    cd[0].text = "cd";
    ChangeDirectory(cd, moved);
    return Exec(std::move(rest), moved, inner, in);
  }
  return Exec(std::move(rest), st, inner, in);
}

Stream Analyzer::Xargs(int index, std::vector<Expanded>& argv, State& st, const Ctx& ctx, const Stream& in) {
  (void)index;
  const CommandSpec& spec = LookupCommand("xargs");
  std::vector<std::string> texts;
  for (const auto& a : argv) texts.push_back(a.text);
  std::vector<Option> options;
  std::vector<uint32_t> operands;
  size_t stop;
  ParseOptions(spec, texts, 1, &options, &operands, &stop);
  std::string replace;
  if (const Option* o = FindOption(options, {"-I", "--replace"}); o) replace = o->has_value ? o->value : "{}";
  if (HasOption(options, {"-i"})) replace = "{}";

  Expanded item;
  if (in.kind == Stream::Kind::kPaths) {
    item.text = in.text;
    item.bits = kArgTree | (HasGlobChar(in.text) ? kArgPattern : 0);
  } else if (in.kind == Stream::Kind::kLiteral && !in.text.empty()) {
    item.text = std::string(Trim(in.text));
    item.split = replace.empty();
  } else {
    item.text = "…";
    item.bits = kArgDynamic;
    if (in.tainted()) item.taint = in;
  }
  std::vector<Expanded> inner(argv.begin() + static_cast<std::ptrdiff_t>(stop), argv.end());
  if (inner.empty()) {
    Expanded echo;
    echo.text = "echo";
    inner.push_back(echo);
  }
  if (!replace.empty()) {
    for (auto& w : inner) {
      size_t at = w.text.find(replace);
      if (at == std::string::npos) continue;
      while (at != std::string::npos) {
        w.text.replace(at, replace.size(), item.text);
        at = w.text.find(replace, at + item.text.size());
      }
      w.bits |= item.bits;
      if (item.taint.tainted()) w.taint = item.taint;
    }
  } else {
    inner.push_back(item);
  }
  return Exec(std::move(inner), st, Inner(ctx, "xargs", false, "xargs"), Stream{});
}

Stream Analyzer::Shell(const CommandSpec& spec, int index, const std::vector<Expanded>& argv, State& st,
                       const Ctx& ctx, const Stream& in) {
  const std::vector<Option> options = Cmd(index).options;
  const std::vector<uint32_t> operands = Cmd(index).operands;
  const std::string name = Cmd(index).name;
  Ctx inner = Inner(ctx, name, false);
  std::string short_flag = std::string("-") + spec.code_flag;
  bool has_c = HasOption(options, {short_flag}) ||
               (!spec.code_long.empty() && HasOption(options, {"--" + std::string(spec.code_long)}));
  if (has_c) {
    if (operands.empty()) return UnknownStream();
    std::vector<Expanded> params;
    for (size_t k = 1; k < operands.size(); ++k) params.push_back(argv[operands[k]]);
    return CodeString(argv[operands[0]], name + " -c", st, inner, params);
  }
  if (!HasOption(options, {"-s"}) && !operands.empty()) {
    ScriptFile(argv[operands[0]], name, index, st, inner, in);
    return UnknownStream(name);
  }
  return CodeStream(in, name, index, st, inner);
}

Stream Analyzer::Interpreter(const CommandSpec& spec, int index, const std::vector<Expanded>& argv, State& st,
                             const Ctx& ctx, const Stream& in) {
  const std::vector<Option> options = Cmd(index).options;
  const std::vector<uint32_t> operands = Cmd(index).operands;
  const std::string name = Cmd(index).name;
  const std::string family(spec.name);
  Ctx inner = Inner(ctx, name, false);
  auto code_from = [&](size_t first_operand) {
    Expanded code;
    for (size_t k = first_operand; k < operands.size(); ++k) {
      const Expanded& a = argv[operands[k]];
      if (k > first_operand) code.text += ' ';
      code.text += a.text;
      code.bits |= a.bits;
      if (a.taint.tainted()) code.taint = a.taint;
    }
    return code;
  };
  auto inline_code = [&](const Expanded& code) {
    if (code.bits & kArgDynamic) {
      if (code.taint.tainted()) {
        Signal(kSignalRce, name + " runs code from " + code.taint.source, index);
      } else {
        Signal(kSignalDynamicScript, name + " runs code that is only known at run time", index);
      }
    }
    // The code itself, unescaped (policies match it); printing escapes it.
    Signal(kSignalInlineCode, name + ": " + code.text.substr(0, 16 * 1024), index);
  };
  if (family == "awk" || family == "gawk" || family == "mawk" || family == "nawk") {
    if (const Option* f = FindOption(options, {"-f", "--file"}); f && f->has_value) {
      AddFile(FileOp::kRead, f->value, 0, false, name, index, st);
      for (uint32_t op : operands) AddOperandFile(FileOp::kRead, index, op, false, name, st);
    } else if (!operands.empty()) {
      Expanded program = argv[operands[0]];
      inline_code(program);
      for (size_t k = 1; k < operands.size(); ++k) {
        if (argv[operands[k]].text.find('=') == std::string::npos) {
          AddOperandFile(FileOp::kRead, index, operands[k], false, name, st);
        }
      }
    }
    return in.tainted() ? in : UnknownStream(name);
  }
  if (family == "deno") {
    if (!operands.empty() && (argv[operands[0]].text == "run" || argv[operands[0]].text == "eval")) {
      bool eval = argv[operands[0]].text == "eval";
      if (operands.size() > 1) {
        const Expanded& target = argv[operands[1]];
        if (eval) {
          inline_code(code_from(1));
        } else if (target.text.rfind("http://", 0) == 0 || target.text.rfind("https://", 0) == 0) {
          Signal(kSignalRce, "deno runs code straight from " + target.text, index);
        } else {
          ScriptFile(target, name, index, st, inner, in);
        }
      }
    }
    return UnknownStream(name);
  }
  std::vector<std::string_view> code_flags;
  std::string short_flag = spec.code_flag ? std::string("-") + spec.code_flag : std::string();
  std::string long_flag = spec.code_long.empty() ? std::string() : "--" + std::string(spec.code_long);
  const Option* code_opt = nullptr;
  if (!short_flag.empty()) code_opt = FindOption(options, {short_flag});
  if (!code_opt && !long_flag.empty()) code_opt = FindOption(options, {long_flag});
  if (!code_opt && (family == "node" || family == "nodejs" || family == "bun")) {
    code_opt = FindOption(options, {"-p", "--print"});
  }
  if (code_opt) {
    if (code_opt->has_value) {
      Expanded code;
      code.text = code_opt->value;
      code.bits = Cmd(index).arg_bits[code_opt->arg_index];
      inline_code(code);
    } else if (!operands.empty()) {
      inline_code(code_from(0));
    }
    return UnknownStream(name);
  }
  if (HasOption(options, {"-m"})) return UnknownStream(name);  // python -m module
  if (!operands.empty() && argv[operands[0]].text != "-") {
    ScriptFile(argv[operands[0]], name, index, st, inner, in);
    for (size_t k = 1; k < operands.size(); ++k) {
      AddOperandFile(FileOp::kRead, index, operands[k], false, name, st, true);
    }
    return UnknownStream(name);
  }
  if (in.kind == Stream::Kind::kLiteral) {
    Expanded code;
    code.text = in.text;
    inline_code(code);
    return UnknownStream(name);
  }
  CodeStream(in, name, index, st, inner);
  return UnknownStream(name);
}

Stream Analyzer::CodeString(const Expanded& code, std::string_view origin, State& st, const Ctx& ctx,
                            const std::vector<Expanded>& params) {
  Ctx c = Inner(ctx, "", false, origin);
  c.depth = ctx.depth + 1;
  if (code.bits & kArgDynamic) {
    if (code.taint.tainted()) {
      Signal(kSignalRce, std::string(origin) + " runs code from " + code.taint.source);
    } else {
      Signal(kSignalDynamicScript,
             std::string(origin) + " runs code that is only known at run time: " + Printable(code.text, 80));
    }
  }
  // Analyze what is visible, with unknown parts left as ${…} / $(…) placeholders.
  State copy = st;
  if (!params.empty()) {
    Value all;
    all.known = true;
    for (size_t i = 0; i < params.size(); ++i) {
      Value v;
      v.known = !(params[i].bits & kArgDynamic);
      v.text = v.known ? params[i].text : std::string();
      v.bits = params[i].bits & (kArgGlob | kArgTree | kArgPattern);
      v.taint = params[i].taint;
      copy.vars[std::to_string(i)] = v;
      if (i == 0) continue;
      if (i > 1) all.text += ' ';
      all.text += params[i].text;
      all.known = all.known && v.known;
      all.bits |= v.bits;
    }
    copy.vars["@"] = all;
    copy.vars["*"] = all;
    Value count;
    count.known = true;
    count.text = std::to_string(params.size() - 1);
    copy.vars["#"] = count;
  }
  return Script(code.text, copy, c, Stream{});
}

Stream Analyzer::CodeStream(const Stream& s, std::string_view sink, int index, State& st, const Ctx& ctx) {
  switch (s.kind) {
    case Stream::Kind::kNone: return UnknownStream(std::string(sink));
    case Stream::Kind::kLiteral: {
      Ctx c = Inner(ctx, "", false, std::string(sink) + " < " + (s.source.empty() ? "input" : s.source));
      c.depth = ctx.depth + 1;
      State copy = st;
      return Script(s.text, copy, c, Stream{});
    }
    case Stream::Kind::kFetched:
    case Stream::Kind::kDecoded:
      Signal(kSignalRce, std::string(sink) + " runs code piped from " + s.source, index);
      return UnknownStream(std::string(sink));
    case Stream::Kind::kFile: {
      AddFile(FileOp::kExec, s.text, 0, false, sink, index, st);
      std::string source;
      if (IsTainted(s.text, st, &source)) {
        Signal(kSignalRce, std::string(sink) + " runs " + s.text + ", downloaded by " + source, index);
      }
      return UnknownStream(std::string(sink));
    }
    case Stream::Kind::kPaths:
    case Stream::Kind::kUnknown:
      Signal(kSignalDynamicScript,
             std::string(sink) + " runs commands read from the output of " +
                 (s.source.empty() ? std::string("another command") : "'" + s.source + "'"),
             index);
      return UnknownStream(std::string(sink));
  }
  return UnknownStream();
}

void Analyzer::ScriptFile(const Expanded& arg, std::string_view sink, int index, State& st, const Ctx& ctx,
                          const Stream& in) {
  if (arg.procsub) {
    CodeStream(arg.procsub_stream, sink, index, st, ctx);
    return;
  }
  if (arg.text == "/dev/stdin" || arg.text == "-") {
    CodeStream(in, sink, index, st, ctx);
    return;
  }
  if (arg.taint.tainted()) Signal(kSignalRce, std::string(sink) + " runs a script named by " + arg.taint.source, index);
  AddFile(FileOp::kExec, arg.text, arg.bits, false, sink, index, st);
  std::string source;
  if (IsTainted(arg.text, st, &source)) {
    Signal(kSignalRce, std::string(sink) + " runs " + arg.text + ", downloaded by " + source + " earlier", index);
  }
}

// ---- facts -----------------------------------------------------------------------------------

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
    if (!dynamic && !f.glob && opt_.resolve_symlinks && !p.empty() && p.front() == '/') {
      std::string real = ResolveSymlinks(p);
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
  for (const auto& p : Resolve(path, st, &dynamic)) tainted_[p] = std::string(source);
}

bool Analyzer::IsTainted(std::string_view path, const State& st, std::string* source) const {
  if (tainted_.empty()) return false;
  bool dynamic = false;
  for (const auto& p : Resolve(path, st, &dynamic)) {
    auto it = tainted_.find(p);
    if (it != tainted_.end()) {
      *source = it->second;
      return true;
    }
  }
  return false;
}

bool Analyzer::Budget() {
  if (++steps_ <= opt_.max_commands * 8 && out_->commands.size() < opt_.max_commands) return true;
  if (!budget_reported_) {
    budget_reported_ = true;
    Signal(kSignalTooLarge, "analysis stopped after " + std::to_string(out_->commands.size()) +
                                " commands (budget " + std::to_string(opt_.max_commands) + ")");
  }
  return false;
}

}  // namespace warden::shell
