// A simple command after expansion: its name resolved the way bash would (aliases, functions,
// `hash -p`, a binary copied or linked earlier in the same string, a glob in the name), its
// CommandFact recorded with the options its model parses, then its model's handler.
#include <glob.h>

#include <algorithm>

#include "core/path.h"
#include "core/strings.h"
#include "shell/analyzer_impl.h"
#include "shell/dry_run.h"
#include "shell/shell_init.h"
#include "shell/analyzer_util.h"
#include "shell/self_protection.h"

namespace warden::shell {

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
  Stream out;
  if (!ExecHeadKnown(argv, st, ctx, in, &out)) return out;
  const Expanded& head = argv[0];
  if (head.text.empty()) return Stream{};
  std::string name(Basename(head.text));
  const bool plain_name = head.text.find('/') == std::string::npos;
  // Aliases, functions and `hash -p` come before commands (for names without a '/').
  const bool defined = !mem_.aliases.empty() || !functions_.empty() || !mem_.hashed.empty();  // most lines define none
  if (plain_name && defined && ctx.depth <= opt_.max_depth && ExecAliasOrFunction(&name, argv, st, ctx, in, &out)) return out;
  if (!plain_name) name = ProgramName(head, st);
  const CommandSpec& spec = LookupCommand(name);
  int idx = AddCommand(argv, name, spec, st, ctx, in);
  if (!plain_name) {
    AddFile(FileOp::kExec, head.text, head.bits, false, "exec", idx, st);
    Expanded self = head;
    ScriptFile(self, "exec", idx, st, Inner(ctx, "", false), in, false, argv);  // ./run.sh ARGS: its $0, $1…
  } else if (!mem_.contents.empty()) {
    ScriptsInPath(head.text, argv, idx, st, ctx, in);
  }
  Call call{*this, idx, argv, st, ctx, in};
  out = Dispatch(spec, call);
  out.shell_init = PrintsShellInit(Cmd(idx));
  CommandsInSettings(idx, st, ctx, in);
  FilesInOptions(idx, spec, st);
  // What a lookup of Warden prints names Warden, through whatever filters it passes — unless
  // a filter keeps only lines that cannot be Warden's (ps aux | grep node).
  const bool filtered = in.warden && FiltersOutWarden(idx, spec);
  if (RefersToWarden(idx, spec) || (in.warden && !filtered)) {
    out.warden = true;
  } else if (filtered) {
    out.warden = false;
  }
  return out;
}

// The patterns a process lookup or a text filter matches: every operand of pgrep/pkill/pidof/
// killall; a filter's -e values, or else its first operand (its other operands are files).
static std::vector<std::string_view> ProcessPatterns(const CommandFact& f, bool line_filter) {
  std::vector<std::string_view> out;
  bool given = false;
  for (const Option& o : f.options) {
    static constexpr std::string_view kGiven[] = {"-e", "--regexp", "--expression", "-f", "--file"};
    if (!line_filter || std::find(std::begin(kGiven), std::end(kGiven), o.name) == std::end(kGiven)) continue;
    given = true;
    if (o.has_value && o.name != "-f" && o.name != "--file") out.push_back(o.value);
  }
  if (given) return out;
  for (uint32_t op : f.operands) {
    out.push_back(f.argv[op]);
    if (line_filter) break;
  }
  return out;
}

// The directories of PATH as this command line set it, as far as known: all of them for a
// known value, those before the first expansion for PATH=/x:$PATH; none when PATH was not set
// here (the inherited PATH holds no file written in this line).
std::vector<std::string> Analyzer::PathDirectories(const State& st) const {
  auto it = st.vars.find("PATH");
  if (it == st.vars.end()) return {};
  const Value& v = it->second;
  std::vector<std::string> dirs;
  if (v.known) {
    for (auto d : Split(v.text, ':')) dirs.emplace_back(d.empty() ? "." : d);
    return dirs;
  }
  const size_t last = v.known_start.rfind(':');
  if (last == std::string::npos) return {};
  for (auto d : Split(std::string_view(v.known_start).substr(0, last), ':')) dirs.emplace_back(d.empty() ? "." : d);
  return dirs;
}

[[gnu::noinline]] void Analyzer::PathChanged(const Expanded& value, State& st, const Ctx& ctx) {
  if (mem_.contents.empty()) return;
  // The directories the value names, whatever else it holds: /x in "/x:$PATH",
  // "/x${PATH:+:$PATH}", "$PATH:/x".
  std::vector<std::string> dirs;
  std::string token;
  for (char ch : value.text + ":") {
    if (ch == ':' || ch == '{' || ch == '}' || ch == '+' || ch == '$') {
      if (!token.empty() && token.find_first_of(" \t\n") == std::string::npos) dirs.push_back(token);
      token.clear();
      continue;
    }
    token += ch;
  }
  for (const std::string& dir : dirs) {
    bool dynamic = false;
    for (const std::string& resolved : Resolve(dir, st, &dynamic)) {
      if (dynamic) break;
      for (const auto& [file, text] : mem_.contents) {
        const size_t slash = file.rfind('/');
        if (slash == std::string::npos || file.substr(0, std::max<size_t>(slash, 1)) != resolved ||
            !mem_.path_scripts.insert(file).second) {
          continue;
        }
        Speculation guess(*this);  // which command runs it is not known: any may
        CodeString(PlainWord(text), "PATH script " + file, st, Inner(ctx, "", false));
      }
    }
  }
}

// A command found by name in a PATH directory where this command line wrote a script of that
// name (PATH=/tmp:$PATH ls after writing /tmp/ls): the script is what runs, with its arguments.
[[gnu::noinline]] void Analyzer::ScriptsInPath(const std::string& name, const std::vector<Expanded>& argv, int index, State& st,
                             const Ctx& ctx, const Stream& in) {
  for (const std::string& dir : PathDirectories(st)) {
    const std::string file = JoinPath(dir, name);
    if (!KnownContents(file, st)) continue;
    AddFile(FileOp::kExec, file, 0, false, "exec", index, st);
    ScriptFile(PlainWord(file), "exec", index, st, Inner(ctx, "", false), in, false, argv);
    return;  // the first one found is what runs
  }
}

// grep PATTERN (not -v) over lines that name Warden keeps only the lines its pattern matches.
bool Analyzer::FiltersOutWarden(int index, const CommandSpec& spec) const {
  const CommandFact& f = Cmd(index);
  static constexpr std::string_view kGreps[] = {"grep", "egrep", "fgrep", "rg", "ag"};
  const std::string_view family = spec.name;
  if (std::find(std::begin(kGreps), std::end(kGreps), family) == std::end(kGreps)) return false;
  if (HasOption(f.options, {"-v", "--invert-match"})) return false;
  const std::vector<std::string_view> patterns = ProcessPatterns(f, true);
  if (patterns.empty()) return false;
  // Sound only for a plain word that names something else: a pattern that matches other parts
  // of a line (a number, pid=, the user's name) keeps Warden's line too.
  const std::string user(Basename(opt_.home));
  for (std::string_view p : patterns) {
    bool plain = p.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./ ") == std::string::npos;
    size_t letters = std::count_if(p.begin(), p.end(), [](char ch) { return std::isalpha(static_cast<unsigned char>(ch)); });
    if (!plain || letters < 3 || PatternMatchesWarden(p, opt_.self, true) || p.find(user) != std::string::npos) return false;
  }
  return true;
}

// ps without a narrowing selection, pgrep of a user's (or every) process, pgrep -v: Warden's
// daemon is among what they list.
static bool ListsEveryProcess(const CommandFact& f) {
  if (f.name == "ps") {
    return !HasOption(f.options, {"-p", "--pid", "-C", "-q", "--quick-pid", "--ppid", "--sid"});
  }
  if (f.name != "pgrep" && f.name != "pidof") return false;
  if (HasOption(f.options, {"-v", "--inverse"})) return true;
  return f.name == "pgrep" && f.operands.empty();
}

// Whether the command looks Warden up: Warden's own program, an argument naming it (its name,
// its directories, its socket), a process pattern that matches it, or a value from such a lookup.
bool Analyzer::RefersToWarden(int index, const CommandSpec& spec) const {
  const CommandFact& f = Cmd(index);
  if (IsWardenProgram(f.name)) return true;
  // A file this command reads that names Warden, or that an earlier lookup of Warden filled.
  // Its files are the last ones added: it has just run, and only it and what it ran added since.
  for (auto it = out_->files.rbegin(); it != out_->files.rend() && it->command >= index; ++it) {
    if (it->command != index || it->op != FileOp::kRead) continue;
    if (NamesWarden(it->path, opt_.self) || mem_.warden_files.count(it->path)) return true;
  }
  if (ListsEveryProcess(f)) return true;
  // A wrapper's words after its own options are the wrapped command's, checked when it runs
  // (sudo sudo … would check them once per level).
  const bool wrapper = spec.family == Family::kWrapper;
  const size_t words = wrapper ? std::min<size_t>(f.argv.size(), 16) : f.argv.size();
  for (size_t i = 1; i < words; ++i) {
    if ((f.arg_bits[i] & kArgWarden) || NamesWarden(f.argv[i], opt_.self)) return true;
  }
  // Process patterns: pgrep/pkill/pidof/killall name patterns (command lines with -f), and the
  // patterns of text filters, which see `ps` lines (command lines too).
  static constexpr std::string_view kNamePatterns[] = {"pgrep", "pkill", "pidof", "killall"};
  static constexpr std::string_view kLinePatterns[] = {"grep", "egrep", "fgrep", "rg", "ag", "awk", "gawk",
                                                       "mawk", "nawk", "sed"};
  const std::string_view family = spec.name;
  const bool names = std::find(std::begin(kNamePatterns), std::end(kNamePatterns), family) != std::end(kNamePatterns);
  const bool lines = std::find(std::begin(kLinePatterns), std::end(kLinePatterns), family) != std::end(kLinePatterns);
  if (!names && !lines) return false;
  const bool full = lines || HasOption(f.options, {"-f", "--full"});
  for (std::string_view pattern : ProcessPatterns(f, lines)) {
    if (PatternMatchesWarden(pattern, opt_.self, full)) return true;
  }
  // A name pattern only known at run time may be Warden's name.
  return names && std::any_of(f.operands.begin(), f.operands.end(), [&](uint32_t op) { return f.arg_bits[op] & kArgDynamic; });
}

Stream Analyzer::Dispatch(const CommandSpec& spec, Call& call) {
  if (spec.run) return spec.run(call);
  if (spec.family == Family::kUnknown) return call.Unknown();
  return call.PassThrough();
}

// False when the command's name is not known before it runs (a variable, a substitution) or
// is a glob; `*out` is then the result. A glob that matches files here runs the first match.
bool Analyzer::ExecHeadKnown(const std::vector<Expanded>& argv, State& st, const Ctx& ctx, const Stream& in,
                             Stream* out) {
  const Expanded& head = argv[0];
  if (head.bits & kArgDynamic) {
    if (head.taint.tainted()) Signal(kSignalRce, "runs a command whose name comes from " + head.taint.source);
    Signal(kSignalDynamicCommand, "the command '" + Printable(head.text, 60) + "' is only known at run time");
    *out = UnknownStream();
    return false;
  }
  if (!(head.bits & kArgGlob)) return true;
  // bash expands the pattern against the files here; the first match is the command.
  std::vector<Expanded> expanded;
  if (opt_.resolve_symlinks && head.text.find('/') != std::string::npos) {
    std::string pattern = head.text;
    if (pattern.front() != '/' && !st.cwd_unknown && st.cwds.size() == 1) pattern = JoinPath(st.cwds[0], pattern);
    glob_t g{};
    if (pattern.front() == '/' && glob(pattern.c_str(), 0, nullptr, &g) == 0) {
      for (size_t i = 0; i < g.gl_pathc && i < 16; ++i) expanded.push_back(PlainWord(g.gl_pathv[i]));
    }
    globfree(&g);
  }
  if (!expanded.empty()) {
    for (size_t i = 1; i < argv.size(); ++i) expanded.push_back(argv[i]);
    *out = Exec(std::move(expanded), st, ctx, in);
    return false;
  }
  Signal(kSignalDynamicCommand, "the command name '" + Printable(head.text, 60) + "' is a glob pattern");
  *out = UnknownStream();
  return false;
}

// True when an alias or a function of that name ran (`*out` is its output); a `hash -p` entry
// renames the command.
[[gnu::noinline]] bool Analyzer::ExecAliasOrFunction(std::string* name, const std::vector<Expanded>& argv, State& st,
                                   const Ctx& ctx, const Stream& in, Stream* out) {
  if (auto a = mem_.aliases.find(*name); a != mem_.aliases.end()) {
    std::string code = a->second;
    for (size_t i = 1; i < argv.size(); ++i) {
      std::string quoted = "'";
      for (char c : argv[i].text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
      code += " " + quoted + "'";
    }
    std::string alias_name = *name;
    mem_.aliases.erase(a);  // an alias is not expanded inside its own expansion
    *out = CodeString(PlainWord(code), "alias " + alias_name, st, ctx, {}, in, true);
    return true;
  }
  if (functions_.count(*name)) {
    *out = CallFunction(*name, argv, st, ctx, in);
    return true;
  }
  if (auto h = mem_.hashed.find(*name); h != mem_.hashed.end()) {
    // hash -p FILE NAME: NAME runs FILE — a script written earlier when its text is known.
    if (KnownContents(h->second, st)) {
      ScriptFile(PlainWord(h->second), "hash -p", -1, st, Inner(ctx, "", false), in, false, argv);
    }
    *name = std::string(Basename(h->second));
  }
  return false;
}

// The name a program run by path goes by: a binary copied or linked earlier in the same
// command keeps its original name.
std::string Analyzer::ProgramName(const Expanded& head, const State& st) const {
  std::string name(Basename(head.text));
  bool dynamic = false;
  for (const auto& p : Resolve(head.text, st, &dynamic)) {
    if (dynamic) break;
    std::string real = FollowLinks(p);
    if (auto it = mem_.exec_names.find(real); it != mem_.exec_names.end()) {
      name = it->second;
    } else if (real != p) {
      name = std::string(Basename(real));
    }
  }
  return name;
}

int Analyzer::AddCommand(const std::vector<Expanded>& argv, const std::string& name, const CommandSpec& spec,
                         const State& st, const Ctx& ctx, const Stream& in) {
  CommandFact f;
  f.name = name;
  f.argv.reserve(argv.size());
  f.arg_bits.reserve(argv.size());
  for (const auto& a : argv) {
    f.argv.push_back(a.text);
    f.arg_bits.push_back(a.bits);
  }
  size_t stop;
  // tar/ar take old-style bundled options without a dash ("tar xzf a.tgz").
  const bool bundled = (spec.name == "tar" || spec.name == "bsdtar" || name == "ar") && f.argv.size() > 1 && !f.argv[1].empty() &&
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
  f.speculative = speculating();
  f.dry_run = IsDryRun(f);
  if (in.kind == Stream::Kind::kLiteral) {
    f.stdin_text = in.text.substr(0, kMaxStdinText);
    f.stdin_known = true;
  }
  out_->commands.push_back(std::move(f));
  return static_cast<int>(out_->commands.size() - 1);
}

}  // namespace warden::shell
