#include "shell/analyzer.h"

#include <glob.h>

#include <algorithm>
#include <optional>

#include "core/path.h"
#include "core/strings.h"
#include "shell/analyzer_impl.h"
#include "shell/analyzer_util.h"
#include "shell/parser.h"

namespace warden::shell {

// argv with the normalized name first: "/usr/bin/rm -rf /" reads "rm -rf /", so `line`
// rules do not depend on how the command was spelled.
std::string CommandFact::Line() const {
  if (argv.empty()) return {};
  std::string out = name;
  for (size_t i = 1; i < argv.size(); ++i) {
    out += ' ';
    out += argv[i];
  }
  return out;
}

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
  if (Trim(source).empty()) {
    Signal(kSignalEmpty, "empty command");
    return;
  }
  std::string_view visible = source;
  if (size_t nul = source.find('\0'); nul != std::string_view::npos) {
    // A shell given this string sees only what comes before the NUL byte.
    Signal(kSignalParseError, "the command contains a NUL byte; a shell would run only what comes before it");
    visible = source.substr(0, nul);
  }
  if (visible.size() > opt_.max_bytes) {
    Signal(kSignalTooLarge, "the command is " + std::to_string(source.size()) + " bytes; only the first " +
                                std::to_string(opt_.max_bytes) + " were analyzed");
    visible = visible.substr(0, opt_.max_bytes);
    if (size_t nl = visible.rfind('\n'); nl != std::string_view::npos && nl > 0) visible = visible.substr(0, nl);
  }
  State st = InitialState(opt_);
  Script(visible, st, Ctx{}, Stream{});
  AnalyzeUncalledFunctions();
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
    e.text = a.substr(0, a.find('\0'));
    if (a.find('\0') != std::string::npos) Signal(kSignalParseError, "an argument contains a NUL byte");
    words.push_back(std::move(e));
  }
  Exec(std::move(words), st, Ctx{}, Stream{});
  AnalyzeUncalledFunctions();
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
  if (!HasWordJoin(source)) return ScriptOnce(source, st, ctx, in);
  // bash removes "\<newline>" before it splits words, so "r\<newline>m" is "rm"; tree-sitter
  // reads it as two words. Analyze both readings and keep both sets of facts: the union is
  // what either reading could run.
  State copy = st;
  ScriptOnce(source, copy, ctx, in);
  std::string joined;
  for (size_t i = 0; i < source.size(); ++i) {
    if (source[i] == '\\' && i + 1 < source.size() && source[i + 1] == '\n') {
      ++i;
      continue;
    }
    joined += source[i];
  }
  Stream s = ScriptOnce(joined, st, ctx, in);
  Merge(st, copy);
  return s;
}

Stream Analyzer::ScriptOnce(std::string_view source, State& st, const Ctx& ctx, const Stream& in) {
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
  std::vector<std::pair<std::string, bool>> outputs;
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
    case Node::Kind::kTest: {
      // [[ a -eq b ]] evaluates its operands' values as arithmetic.
      Value scratch;
      for (const auto& w : n.words) {
        for (const auto& p : w.parts) {
          if (p.kind != WordPart::Kind::kParam || !p.op.empty()) continue;
          if (const Value* v = Lookup(p.text, st, &scratch); v && v->known) ScanEvaluated(v->text, "[[ … ]]", st, ctx);
        }
        if (w.parts.size() == 1 && w.parts[0].kind == WordPart::Kind::kText) {
          // A quoted operand such as 'a[$(cmd)]' is evaluated by -v and arithmetic operators.
          ScanEvaluated(w.parts[0].text, "[[ … ]]", st, ctx);
          if (IsIdentifier(w.parts[0].text)) {
            if (const Value* v = Lookup(w.parts[0].text, st, &scratch); v && v->known) {
              ScanEvaluated(v->text, "[[ … ]]", st, ctx);
            }
          }
        }
      }
      ScanWords(n.words, st, ctx);
      for (const auto& c : n.children) out = Maybe(c, st, ctx, input);
      break;
    }
    case Node::Kind::kIf:
    case Node::Kind::kLoop:
    case Node::Kind::kCase:
      ScanWords(n.words, st, ctx);
      for (const auto& c : n.children) out = Maybe(c, st, ctx, input);
      break;
    case Node::Kind::kFor: out = For(n, st, ctx, input); break;
    case Node::Kind::kFunction: Function(n, st, ctx); break;
    case Node::Kind::kError:
      ScanWords(n.words, st, ctx);
      for (const auto& c : n.children) out = Maybe(c, st, ctx, input);
      if (!n.text.empty() && n.text[0] == '{' && n.text.find(',') != std::string::npos &&
          n.text.find('}') != std::string::npos) {
        // "{rm,-rf,/}" at the start of a command: bash brace-expands it into a command line
        // that the grammar does not recognize. Read the text as plain words.
        Word w;
        WordPart p;
        p.text = n.text.substr(0, n.text.find_first_of(" \t\n;&|"));
        w.parts.push_back(p);
        std::vector<Expanded> argv = ExpandWords({w}, st, ctx);
        for (const auto& word : n.words) {
          if (&word == &n.words.front()) continue;
          auto more = ExpandWords({word}, st, ctx);
          argv.insert(argv.end(), more.begin(), more.end());
        }
        State copy = st;
        Exec(std::move(argv), copy, ctx, input);
      }
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
    Outputs(outputs, out, st);
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
  // Variables: what both sides agree on stays known (nothing to do if they share storage).
  bool differ = false;
  for (const auto& [name, v] : into.vars) {
    auto it = other.vars.find(name);
    if (it == other.vars.end() || it->second.known != v.known || it->second.text != v.text) differ = true;
  }
  if (differ) {
    for (auto& [name, v] : into.vars.Mutable()) {
      auto it = other.vars.find(name);
      if (it == other.vars.end() || it->second.known != v.known || it->second.text != v.text) {
        v.known = false;
        if (it != other.vars.end() && it->second.taint.tainted()) v.taint = it->second.taint;
      }
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
  std::vector<Expanded> items = ExpandWords(n.words, st, ctx);
  bool all_known = std::none_of(items.begin(), items.end(), [](const Expanded& e) { return e.bits & kArgDynamic; });
  if (n.children.empty()) return Stream{};
  const Node& body = n.children[0];
  Stream out;
  // Literal lists run once per value, as long as nested loops stay small.
  int product = ctx.loop_product * static_cast<int>(std::max<size_t>(items.size(), 1));
  if (all_known && items.size() <= kMaxLoopItems && product <= kMaxLoopProduct) {
    Ctx c = ctx;
    c.loop_product = product;
    for (const auto& item : items) {
      State copy = st;
      Value v;
      v.text = item.text;
      v.known = true;
      v.bits = item.bits;
      copy.vars[n.text] = v;
      out = Walk(body, copy, c, in);
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
  FunctionDef& def = functions_[n.text];
  def.body = std::make_shared<Node>(n.children[0]);
  def.state = st;
  def.ctx = ctx;
}

Stream Analyzer::CallFunction(const std::string& name, const std::vector<Expanded>& argv, State& st, const Ctx& ctx,
                              const Stream& in) {
  FunctionDef& def = functions_[name];
  def.called = true;
  if (std::find(call_stack_.begin(), call_stack_.end(), name) != call_stack_.end()) {
    if (ctx.concurrent) {
      Signal(kSignalForkBomb, "function '" + name + "' starts copies of itself in the background or a pipeline");
    }
    return UnknownStream(name);
  }
  if (static_cast<int>(call_stack_.size()) >= kMaxCallDepth) {
    Signal(kSignalDepthLimit, "functions call each other more than " + std::to_string(kMaxCallDepth) + " levels deep");
    return UnknownStream(name);
  }
  std::shared_ptr<Node> body = def.body;  // keep alive if redefined while running
  // Positional parameters for the call; the caller's come back afterwards.
  std::map<std::string, Value> saved;
  for (const char* k : {"1", "2", "3", "4", "5", "6", "7", "8", "9", "@", "*", "#"}) {
    if (auto it = st.vars.find(k); it != st.vars.end()) saved[k] = it->second;
    st.vars.erase(k);
  }
  Value all;
  all.known = true;
  for (size_t i = 1; i < argv.size() && i < 10; ++i) {
    Value v;
    v.known = !(argv[i].bits & kArgDynamic);
    v.text = argv[i].text;
    v.bits = argv[i].bits & (kArgGlob | kArgTree | kArgPattern);
    v.taint = argv[i].taint;
    st.vars[std::to_string(i)] = v;
    all.text += (i > 1 ? " " : "") + argv[i].text;
    all.known = all.known && v.known;
  }
  st.vars["@"] = all;
  st.vars["*"] = all;
  call_stack_.push_back(name);
  Stream out = Walk(*body, st, Inner(ctx, "", false, "function " + name), in);
  call_stack_.pop_back();
  for (const char* k : {"1", "2", "3", "4", "5", "6", "7", "8", "9", "@", "*", "#"}) st.vars.erase(k);
  for (auto& [k, v] : saved) st.vars[k] = v;
  return out;
}

void Analyzer::AnalyzeUncalledFunctions() {
  // A function never called here may still be called later (or by a script it is sourced
  // into): analyze its body once, with unknown arguments.
  for (bool again = true; again;) {
    again = false;
    for (auto& [name, def] : functions_) {
      if (def.called || !def.body) continue;
      def.called = true;
      State st = def.state;
      std::vector<Expanded> none{Expanded{}};
      none[0].text = name;
      Value unknown;
      for (const char* k : {"1", "2", "3", "@", "*"}) st.vars[k] = unknown;
      call_stack_.push_back(name);
      std::shared_ptr<Node> body = def.body;  // keep alive if redefined while running
      Walk(*body, st, Inner(def.ctx, "", false, "function " + name), Stream{});
      call_stack_.pop_back();
      again = true;
      break;
    }
  }
}

void Analyzer::ScanWords(const std::vector<Word>& words, State& st, const Ctx& ctx) {
  for (const auto& w : words) Expand(w, st, ctx);
}

Stream Analyzer::Redirects(const std::vector<Redirect>& redirects, State& st, const Ctx& ctx, const Stream& in,
                           std::vector<std::pair<std::string, bool>>* outputs) {
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
      if (r.fd <= 1 && !(t.bits & kArgDynamic)) outputs->emplace_back(t.text, r.op == ">>" || r.op == "&>>");
    }
  }
  return input;
}

// What a command's output does to the files it is redirected to: they hold known text, or
// they are downloads (then running them is running downloaded code).
void Analyzer::Outputs(const std::vector<std::pair<std::string, bool>>& outputs, const Stream& out, const State& st) {
  for (const auto& [path, append] : outputs) {
    bool dynamic = false;
    for (const auto& p : Resolve(path, st, &dynamic)) {
      if (dynamic) break;
      std::string real = FollowLinks(p);
      if (out.tainted()) tainted_[real] = out.source;
      if (out.kind == Stream::Kind::kLiteral) {
        contents_[real] = append && contents_.count(real) ? contents_[real] + out.text : out.text;
      } else {
        contents_.erase(real);
      }
    }
  }
}

void Analyzer::Assign(const std::string& name, const Expanded& value, bool nameref, State& st, const Ctx& ctx) {
  Value val;
  if (nameref) {
    // declare -n r=HOME: r is another name for HOME.
    Value scratch;
    if (const Value* target = Lookup(value.text, st, &scratch)) val = *target;
    st.vars[name] = val;
    return;
  }
  val.known = !(value.bits & kArgDynamic) && value.text.size() <= kMaxValueBytes && IsIdentifier(name);
  if (val.known) val.text = value.text;
  val.bits = value.bits & (kArgGlob | kArgPattern | kArgTree);
  val.taint = value.taint;
  st.vars[name] = std::move(val);
  // Values the shell itself evaluates later: prompts and PROMPT_COMMAND, and array
  // subscripts in values assigned to integer variables or used in arithmetic.
  if (name == "PROMPT_COMMAND") {
    CodeString(value, "PROMPT_COMMAND", st, ctx, {}, {}, true);
  } else if (name == "PS0" || name == "PS1" || name == "PS2" || name == "PS4") {
    ScanEvaluated(value.text, name, st, ctx);
  } else if (value.text.find("[$(") != std::string::npos || value.text.find("[`") != std::string::npos) {
    ScanEvaluated(value.text, "subscript", st, ctx);
  }
}

Stream Analyzer::Simple(const Node& n, State& st, const Ctx& ctx, const Stream& in) {
  std::vector<std::pair<std::string, Expanded>> assigns;
  for (const auto& a : n.assignments) {
    Expanded v = Expand(a.value, st, ctx, true);
    if (a.array || a.append) v.bits |= kArgDynamic;
    assigns.emplace_back(a.name, std::move(v));
  }
  std::vector<Expanded> argv = ExpandWords(n.words, st, ctx);
  std::vector<std::pair<std::string, bool>> outputs;
  Stream input = Redirects(n.redirects, st, ctx, in, &outputs);

  if (argv.empty() || n.declaration) {
    bool nameref = false;
    for (size_t i = 1; i < argv.size(); ++i) {
      const std::string& t = argv[i].text;
      if (t.size() > 1 && t[0] == '-' && t.find('n') != std::string::npos) nameref = true;
    }
    for (auto& [name, v] : assigns) Assign(name, v, nameref, st, ctx);
    if (n.declaration && !argv.empty()) {
      // export/declare/local: the arguments may hold subscripts that get evaluated.
      for (size_t i = 1; i < argv.size(); ++i) ScanEvaluated(argv[i].text, argv[0].text, st, ctx);
      return Stream{};
    }
    if (argv.empty()) {
      if (!outputs.empty()) {
        Outputs(outputs, input, st);
        return Stream{};
      }
      return input.kind == Stream::Kind::kLiteral ? input : Stream{};
    }
  }
  // "(( expr ))" reads as a command whose only word is arithmetic: nothing runs.
  if (n.words.size() == 1 && n.words[0].parts.size() == 1 && n.words[0].parts[0].kind == WordPart::Kind::kArith) {
    return Stream{};
  }
  // Variables set for this command only (VAR=val cmd) that make tools run commands.
  static constexpr std::string_view kCommandVars[] = {
      "GIT_SSH_COMMAND", "GIT_EXTERNAL_DIFF", "GIT_EDITOR", "GIT_PAGER", "GIT_SEQUENCE_EDITOR", "GIT_ASKPASS",
      "SSH_ASKPASS", "EDITOR", "VISUAL", "PAGER", "MANPAGER", "BROWSER", "LESSOPEN", "LESSCLOSE", "BASH_ENV",
      "ENV", "PROMPT_COMMAND", "SUDO_ASKPASS"};
  for (const auto& [name, v] : assigns) {
    if (std::find(std::begin(kCommandVars), std::end(kCommandVars), name) != std::end(kCommandVars)) {
      std::string code = v.text;
      if (!code.empty() && code[0] == '|') code.erase(0, 1);  // LESSOPEN='|cmd %s'
      Expanded c = v;
      c.text = code;
      CodeString(c, name, st, ctx);
    }
  }
  // VAR=value cmd: the variables hold for this command only (a builtin like cd sees them).
  std::vector<std::pair<std::string, std::optional<Value>>> saved;
  for (const auto& [name, v] : assigns) {
    if (!IsIdentifier(name)) continue;
    auto it = st.vars.find(name);
    saved.emplace_back(name, it == st.vars.end() ? std::nullopt : std::optional<Value>(it->second));
    Value val;
    val.known = !(v.bits & kArgDynamic);
    val.text = val.known ? v.text : std::string();
    st.vars[name] = val;
  }
  Stream out = Exec(std::move(argv), st, ctx, input);
  for (auto it = saved.rbegin(); it != saved.rend(); ++it) {
    if (it->second) {
      st.vars[it->first] = *it->second;
    } else {
      st.vars.erase(it->first);
    }
  }
  if (!outputs.empty()) {
    Outputs(outputs, out, st);
    return Stream{};
  }
  return out;
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
  if (argv.empty()) return Stream{};
  // Each wrapper level copies the rest of the line: unbounded, it is quadratic memory and deep
  // recursion ("sudo sudo sudo …", "find -exec find -exec …").
  if (exec_nesting_ >= kMaxExecNesting) {
    Signal(kSignalDepthLimit, "commands nested more than " + std::to_string(kMaxExecNesting) +
                                  " levels deep (sudo, env, xargs, find -exec, …) were not analyzed");
    return UnknownStream();
  }
  ++exec_nesting_;
  struct Unnest {
    int* nesting;
    ~Unnest() { --*nesting; }
  } unnest{&exec_nesting_};
  const Expanded& head = argv[0];
  if (head.bits & kArgDynamic) {
    if (head.taint.tainted()) {
      Signal(kSignalRce, "runs a command whose name comes from " + head.taint.source);
    }
    Signal(kSignalDynamicCommand, "the command '" + Printable(head.text, 60) + "' is only known at run time");
    return UnknownStream();
  }
  if (head.bits & kArgGlob) {
    // bash expands the pattern against the files here; the first match is the command.
    if (opt_.resolve_symlinks && head.text.find('/') != std::string::npos) {
      std::vector<std::string> matches;
      glob_t g{};
      std::string pattern = head.text;
      if (pattern.front() != '/' && !st.cwd_unknown && st.cwds.size() == 1) pattern = JoinPath(st.cwds[0], pattern);
      if (pattern.front() == '/' && glob(pattern.c_str(), 0, nullptr, &g) == 0) {
        for (size_t i = 0; i < g.gl_pathc && i < 16; ++i) matches.emplace_back(g.gl_pathv[i]);
      }
      globfree(&g);
      if (!matches.empty()) {
        std::vector<Expanded> expanded;
        for (auto& m : matches) {
          Expanded e;
          e.text = std::move(m);
          expanded.push_back(std::move(e));
        }
        for (size_t i = 1; i < argv.size(); ++i) expanded.push_back(argv[i]);
        return Exec(std::move(expanded), st, ctx, in);
      }
    }
    Signal(kSignalDynamicCommand, "the command name '" + Printable(head.text, 60) + "' is a glob pattern");
    return UnknownStream();
  }
  if (head.text.empty()) return Stream{};
  std::string name(Basename(head.text));
  const bool plain_name = head.text.find('/') == std::string::npos;
  // Aliases, functions and `hash -p` come before commands (for names without a '/').
  if (plain_name && ctx.depth <= opt_.max_depth) {
    if (auto a = aliases_.find(name); a != aliases_.end()) {
      std::string code = a->second;
      for (size_t i = 1; i < argv.size(); ++i) {
        std::string quoted = "'";
        for (char c : argv[i].text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
        code += " " + quoted + "'";
      }
      Expanded e;
      e.text = code;
      std::string alias_name = name;
      aliases_.erase(a);  // an alias is not expanded inside its own expansion
      Stream s = CodeString(e, "alias " + alias_name, st, ctx, {}, in, true);
      return s;
    }
    if (functions_.count(name)) return CallFunction(name, argv, st, ctx, in);
    if (auto h = hashed_.find(name); h != hashed_.end()) name = std::string(Basename(h->second));
  }
  if (!plain_name) {
    // A binary copied or linked earlier in the same command keeps its original name.
    bool dynamic = false;
    for (const auto& p : Resolve(head.text, st, &dynamic)) {
      if (dynamic) break;
      std::string real = FollowLinks(p);
      if (auto it = exec_names_.find(real); it != exec_names_.end()) {
        name = it->second;
      } else if (real != p) {
        name = std::string(Basename(real));
      }
    }
  }
  const CommandSpec& spec = LookupCommand(name);
  int idx = AddCommand(argv, name, spec, st, ctx, in);

  if (!plain_name) {
    AddFile(FileOp::kExec, head.text, head.bits, false, "exec", idx, st);
    Expanded self = head;
    ScriptFile(self, "exec", idx, st, Inner(ctx, "", false), in);
  }
  Stream out;
  if (Builtin(name, idx, argv, st, ctx, in, &out)) return out;
  if (spec.family != Family::kWrapper && spec.family != Family::kShell && spec.family != Family::kInterpreter) {
    bool handled = false;
    out = Runner(idx, argv, st, ctx, in, &handled);
    if (handled) return out;
  }
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

int Analyzer::AddCommand(const std::vector<Expanded>& argv, const std::string& name, const CommandSpec& spec,
                         const State& st, const Ctx& ctx, const Stream& in) {
  CommandFact f;
  f.name = name;
  for (const auto& a : argv) {
    f.argv.push_back(a.text);
    f.arg_bits.push_back(a.bits);
  }
  size_t stop;
  // tar/ar/ps take old-style bundled options without a dash ("tar xzf a.tgz").
  const bool bundled = (spec.name == "tar" || name == "ar") && f.argv.size() > 1 && !f.argv[1].empty() &&
                       f.argv[1][0] != '-' &&
                       f.argv[1].find_first_not_of("abcdfhijklmnoprstuvwxzABCGJKLMNOPSTUVWXZ") == std::string::npos;
  if (bundled) {
    std::vector<std::string> dashed = f.argv;
    dashed[1] = "-" + dashed[1];
    ParseOptions(spec, dashed, 1, &f.options, &f.operands, &stop);
  } else {
    ParseOptions(spec, f.argv, 1, &f.options, &f.operands, &stop);
  }
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

std::string Analyzer::FollowLinks(std::string path) const {
  for (int hops = 0; hops < 8 && !links_.empty(); ++hops) {
    bool changed = false;
    for (const auto& [link, target] : links_) {
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
  for (const auto& p : Resolve(path, st, &dynamic)) tainted_[FollowLinks(p)] = std::string(source);
}

bool Analyzer::IsTainted(std::string_view path, const State& st, std::string* source) const {
  if (tainted_.empty()) return false;
  bool dynamic = false;
  for (const auto& p : Resolve(path, st, &dynamic)) {
    auto it = tainted_.find(FollowLinks(p));
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
