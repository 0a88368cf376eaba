// find ROOTS… EXPRESSION. The expression is read as find reads it (-o below implicit -a, !,
// parentheses) to learn which paths each action sees: -name/-iname narrow them to
// ROOT/**/NAME, -path to its pattern, alternatives join, negations narrow nothing; a path set
// nothing narrows is each root as a whole tree. -delete deletes its set, -exec/-execdir/-ok run
// their command with {} standing for their set, -print (or the implicit one when there is no
// action) is the output, -fprint and friends write a file.
#include <fnmatch.h>

#include <algorithm>
#include <optional>

#include "core/file_kinds.h"
#include "core/strings.h"
#include "shell/analyzer_impl.h"
#include "shell/analyzer_util.h"
#include "shell/commands/families.h"

namespace warden::shell {
namespace {

using Root = std::pair<std::string, uint8_t>;

// The paths a sub-expression can be true for: every path below the roots (`any`), or those
// matching one of `patterns` (relative to find's working directory, as find prints them).
struct PathSet {
  bool any = true;
  std::vector<Root> patterns;
};

PathSet Union(PathSet a, const PathSet& b) {
  if (a.any || b.any) return PathSet{};
  a.patterns.insert(a.patterns.end(), b.patterns.begin(), b.patterns.end());
  return a;
}

struct Action {
  enum class Kind { kExec, kDelete, kPrint } kind;
  PathSet paths;
  std::vector<Expanded> argv;  // kExec
};

// Primaries that take one argument (two for -fprintf) and narrow nothing Warden can use.
size_t ArgumentsOf(std::string_view tok) {
  static constexpr std::string_view kOne[] = {
      "-regex", "-iregex", "-newer", "-anewer", "-cnewer", "-size", "-mtime", "-mmin", "-atime", "-amin", "-ctime",
      "-cmin", "-user", "-group", "-uid", "-gid", "-perm", "-type", "-xtype", "-links", "-inum", "-samefile", "-lname",
      "-ilname", "-maxdepth", "-mindepth", "-regextype", "-used", "-context", "-fstype", "-printf", "-fprint",
      "-fprint0", "-fls", "-name", "-iname", "-path", "-ipath", "-wholename", "-iwholename", "-files0-from"};
  if (tok == "-fprintf") return 2;
  if (tok.rfind("-newer", 0) == 0 && tok.size() == 8) return 1;  // -newerXY REF
  return std::find(std::begin(kOne), std::end(kOne), tok) != std::end(kOne) ? 1 : 0;
}

// find's -iname: every letter matches either case.
std::string CaseFolded(std::string_view pattern) {
  std::string out;
  for (char ch : pattern) {
    const char lo = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    const char up = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    if (lo == up) {
      out += ch;
    } else {
      out += '[';
      out += lo;
      out += up;
      out += ']';
    }
  }
  return out;
}

std::string_view BaseName(std::string_view p) {
  while (p.size() > 1 && p.back() == '/') p.remove_suffix(1);
  const size_t slash = p.rfind('/');
  return slash == std::string_view::npos ? p : p.substr(slash + 1);
}

// The paths below `root` whose last component matches `name` (and the root itself when its
// own name matches, as find tests the roots too).
void AddNamed(const Root& root, const std::string& name, bool fold, PathSet* set) {
  const uint8_t bits = static_cast<uint8_t>((root.second & ~(kArgGlob | kArgTree)) | kArgPattern);
  std::string p = root.first;
  if (p.empty() || p.back() != '/') p += '/';
  const std::string leaf = fold ? CaseFolded(name) : name;
  // find's '*' matches a leading dot too, so `*.ts` also names `.env.ts`, which secret globs
  // such as `.env.*` then meet; a hidden file of a source kind is source, so such a pattern is
  // read as the visible files of that kind (core/file_kinds.h). `*.json`, `*.pem` keep the dot.
  set->patterns.emplace_back(p + "**/" + (IsSourceKindPattern(name) ? "[!.]" + leaf : leaf), bits);
  const std::string base(BaseName(root.first));
  if (fnmatch(name.c_str(), base.c_str(), fold ? FNM_CASEFOLD : 0) == 0) set->patterns.push_back(root);
}

// find -path PATTERN: '*' matches '/' too.
std::string FindPathPattern(std::string_view pattern) {
  std::string out;
  for (size_t i = 0; i < pattern.size(); ++i) {
    out += pattern[i];
    if (pattern[i] == '*' && (i + 1 >= pattern.size() || pattern[i + 1] != '*')) out += '*';
    if (pattern[i] == '*') {
      while (i + 1 < pattern.size() && pattern[i + 1] == '*') ++i;
    }
  }
  return out;
}

class ExpressionReader {
 public:
  ExpressionReader(Call& c, std::vector<Root> roots, size_t first)
      : c_(c), a_(c.fact().argv), bits_(c.fact().arg_bits), roots_(std::move(roots)), i_(first) {}

  // The actions in order, with the path set each sees; an implicit -print when there is none.
  std::vector<Action> Read() {
    PathSet all = Or(PathSet{});
    if (!has_action_) actions_.push_back(Action{Action::Kind::kPrint, all, {}});
    return std::move(actions_);
  }

 private:
  bool AtEnd() const { return i_ >= a_.size(); }
  bool Is(std::string_view tok) const { return !AtEnd() && a_[i_] == tok; }

  PathSet Or(const PathSet& in) {
    PathSet out = And(in);
    while (Is("-o") || Is("-or")) {
      ++i_;
      out = Union(std::move(out), And(in));
    }
    return out;
  }

  PathSet And(const PathSet& in) {
    PathSet cur = in;
    while (!AtEnd() && !Is("-o") && !Is("-or") && !Is(")")) {
      if (Is("-a") || Is("-and") || Is(",")) {
        ++i_;
        continue;
      }
      cur = Unary(cur);
    }
    return cur;
  }

  PathSet Unary(const PathSet& cur) {
    if (Is("!") || Is("-not")) {
      ++i_;
      (void)Unary(cur);  // its actions still run; what it excludes narrows nothing
      return cur;
    }
    if (Is("(")) {
      ++i_;
      PathSet inner = Or(cur);
      if (Is(")")) ++i_;
      return inner;
    }
    return Primary(cur);
  }

  PathSet Primary(const PathSet& cur) {
    const std::string& tok = a_[i_++];
    if (tok == "-exec" || tok == "-execdir" || tok == "-ok" || tok == "-okdir") {
      ReadExec(cur);
    } else if (tok == "-delete") {
      Act(Action::Kind::kDelete, cur);
    } else if (tok == "-print" || tok == "-print0" || tok == "-ls" || tok == "-printf") {
      Act(Action::Kind::kPrint, cur);
    } else if (tok == "-fprint" || tok == "-fprint0" || tok == "-fls" || tok == "-fprintf") {
      has_action_ = true;
      if (!AtEnd()) c_.File(FileOp::kWrite, a_[i_], bits_[i_], false, "find " + tok);
    } else if (tok == "-quit" || tok == "-prune") {
      has_action_ = has_action_ || tok == "-quit";
    }
    PathSet out = Narrow(tok, cur);
    i_ = std::min(a_.size(), i_ + ArgumentsOf(tok));
    return out;
  }

  // A name or path filter narrows a set nothing has narrowed yet (a narrowed set stays: it
  // already holds every path the filter could keep).
  PathSet Narrow(std::string_view tok, const PathSet& cur) {
    if (!cur.any || AtEnd()) return cur;
    const std::string& arg = a_[i_];
    PathSet out;
    out.any = false;
    if (tok == "-name" || tok == "-iname") {
      if (arg.find('/') != std::string::npos) return cur;
      for (const Root& r : roots_) AddNamed(r, arg, tok == "-iname", &out);
      return out;
    }
    if (tok == "-path" || tok == "-wholename" || tok == "-ipath" || tok == "-iwholename") {
      std::string p = FindPathPattern(arg);
      if (tok[1] == 'i') p = CaseFolded(p);
      const uint8_t bits = static_cast<uint8_t>((bits_[i_] & ~(kArgGlob | kArgTree)) | kArgPattern);
      for (const Root& r : roots_) {
        // The pattern is matched against the whole path find prints, which starts with the root.
        const bool anchored = p.rfind(r.first, 0) == 0 || p[0] != '*';
        std::string root = r.first;
        if (!root.empty() && root.back() != '/') root += '/';
        out.patterns.emplace_back(anchored ? p : root + p, bits);
      }
      return out;
    }
    return cur;
  }

  void Act(Action::Kind kind, const PathSet& paths) {
    has_action_ = true;
    actions_.push_back(Action{kind, paths, {}});
  }

  // -exec CMD … ; (or … {} +): the words of the command, up to its terminator.
  void ReadExec(const PathSet& cur) {
    std::vector<Expanded> inner;
    bool cut = false;  // more than 256 words: the rest is not copied (find -exec find -exec … nests)
    for (; !AtEnd() && a_[i_] != ";" && !(a_[i_] == "+" && !inner.empty() && inner.back().text == "{}"); ++i_) {
      if (inner.size() < 256) inner.push_back(PlainWord(a_[i_], bits_[i_]));
      cut = cut || inner.size() == 256;
    }
    if (cut) c_.Signal(kSignalTooLarge, "find -exec with more than 256 words was analyzed in part");
    if (!AtEnd()) ++i_;
    has_action_ = true;
    if (!inner.empty()) actions_.push_back(Action{Action::Kind::kExec, cur, std::move(inner)});
  }

  Call& c_;
  const std::vector<std::string>& a_;
  const std::vector<uint8_t>& bits_;
  std::vector<Root> roots_;
  size_t i_;
  bool has_action_ = false;
  std::vector<Action> actions_;
};

// The roots after find's own options (-H -L -P -O… -D DEBUG); "." when none is named.
size_t ReadRoots(const CommandFact& f, std::vector<Root>* roots) {
  const std::vector<std::string>& a = f.argv;
  size_t i = 1;
  while (i < a.size() && (a[i] == "-H" || a[i] == "-L" || a[i] == "-P" || a[i].rfind("-O", 0) == 0 || a[i] == "-D")) {
    if (a[i] == "-D") ++i;
    ++i;
  }
  if (i < a.size() && a[i] == "--") ++i;  // find -- ROOT…: the end of find's own options
  while (i < a.size() && !a[i].empty() && a[i][0] != '-' && a[i] != "(" && a[i] != "!") {
    roots->emplace_back(a[i], f.arg_bits[i]);
    ++i;
  }
  if (roots->empty()) roots->emplace_back(".", 0);
  return i;
}

// The paths of a set: each pattern, or each root as a whole tree.
std::vector<Root> Paths(const PathSet& set, const std::vector<Root>& roots) {
  if (!set.any) return set.patterns;
  std::vector<Root> out;
  for (const Root& r : roots) out.emplace_back(r.first, static_cast<uint8_t>(r.second | kArgTree));
  return out;
}

// The -exec command with {} replaced by `path`.
std::vector<Expanded> ExecFor(const std::vector<Expanded>& inner, const Root& path) {
  std::vector<Expanded> argv = inner;
  const auto& [text, bits] = path;
  for (auto& w : argv) {
    size_t at = w.text.find("{}");
    if (at == std::string::npos) continue;
    while (at != std::string::npos) {
      w.text.replace(at, 2, text);
      at = w.text.find("{}", at + text.size());
    }
    w.bits |= bits;
  }
  return argv;
}

// One pattern for a list of paths, for what reads find's output: the path itself, or
// alternatives of the paths resolved (or all relative to the working directory); otherwise
// every path there is.
Root Joined(Call& c, std::vector<Root> paths) {
  if (paths.size() == 1) return paths[0];
  if (paths.size() > 32) return {"/**", kArgPattern};  // a glob holds at most 64 alternatives
  uint8_t bits = kArgPattern;
  bool absolute = true, relative = true;
  std::string alternatives;
  for (auto& [text, b] : paths) {
    bool dynamic = false;
    std::vector<std::string> resolved = c.an.Resolve(text, c.st, &dynamic);
    if (!dynamic && resolved.size() == 1 && !resolved[0].empty() && resolved[0][0] == '/') text = resolved[0];
    const bool abs = !text.empty() && text[0] == '/';
    absolute = absolute && abs;
    relative = relative && !abs && text[0] != '~' && text[0] != '$' && text[0] != '{';
    bits |= b & (kArgTree | kArgWarden);
    if (!alternatives.empty()) alternatives += ',';
    alternatives += abs ? std::string_view(text).substr(1) : std::string_view(text);
  }
  if (!absolute && !relative) return {"/**", kArgPattern};
  return {(absolute ? "/{" : "{") + alternatives + "}", bits};
}

// -files0-from FILE: the roots are FILE's NUL- (or newline-) separated names, when its text is
// known (a <(…), a file written earlier); a root only known at run time otherwise.
void RootsFromFile(Call& c, size_t first, std::vector<Root>* roots) {
  const std::vector<std::string>& a = c.fact().argv;
  for (size_t k = first; k + 1 < a.size(); ++k) {
    if (a[k] != "-files0-from") continue;
    roots->clear();
    bool decoded = false;
    const std::optional<std::string> text = c.an.ScriptText(c.argv[k + 1], c.st, c.in, &decoded);
    if (text) {
      std::string names = *text;
      std::replace(names.begin(), names.end(), '\0', '\n');
      for (std::string_view name : Split(names, '\n')) {
        if (!name.empty() && roots->size() < 32) roots->emplace_back(std::string(name), 0);
      }
    }
    if (roots->empty()) roots->emplace_back("${files0-from}", kArgDynamic);
    return;
  }
}

Stream Find(Call& c) {
  std::vector<Root> roots;
  const size_t first = ReadRoots(c.fact(), &roots);
  RootsFromFile(c, first, &roots);
  std::vector<Action> actions = ExpressionReader(c, roots, first).Read();
  Ctx inner_ctx = c.an.Inner(c.ctx, "find", false, "find -exec");
  PathSet printed;
  printed.any = false;
  bool prints = false;
  for (const Action& a : actions) {
    if (a.kind == Action::Kind::kPrint) {
      printed = prints ? Union(std::move(printed), a.paths) : a.paths;
      prints = true;
      continue;
    }
    for (const Root& p : Paths(a.paths, roots)) {
      if (a.kind == Action::Kind::kDelete) c.File(FileOp::kDelete, p.first, p.second, true, "find -delete");
      if (a.kind == Action::Kind::kExec) c.an.Exec(ExecFor(a.argv, p), c.st, inner_ctx, Stream{});
    }
  }
  if (!prints) return UnknownStream("find");
  const Root out = Joined(c, Paths(printed, roots));
  Stream s = MakeStream(Stream::Kind::kPaths, "find", out.first);
  s.bits = out.second;
  return s;
}

constexpr CommandSpec kModels[] = {
    {.name = "find", .family = Family::kEffects, .run = Find},
};

}  // namespace

ModelTable FindCommands() { return kModels; }

}  // namespace warden::shell
