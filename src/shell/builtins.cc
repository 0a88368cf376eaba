// Shell builtins (and a few commands) that change what the analyzer knows: cd and friends,
// eval and source, alias and hash, trap, set and shift, read and unset, echo and printf
// (their output is computed), which/command -v and mktemp (their output has a known shape),
// at/batch (they read commands). Everything else goes on to Exec's families.
#include <algorithm>
#include <optional>

#include "core/path.h"
#include "core/strings.h"
#include "shell/analyzer_impl.h"
#include "shell/analyzer_util.h"
#include "shell/literal.h"

namespace warden::shell {
namespace {

// printf's escapes in the format (and %b arguments): the ANSI-C set, plus \c (stop).
std::string Escapes(std::string_view s, bool* stop) {
  size_t cut = s.find("\\c");
  if (cut != std::string_view::npos) {
    *stop = true;
    s = s.substr(0, cut);
  }
  return DecodeAnsiC(s);
}

// Bash's printf, for the directives that matter here. nullopt for anything unusual.
std::optional<std::string> Printf(std::string_view format, const std::vector<std::string>& args) {
  std::string out;
  size_t used = 0;
  bool stop = false;
  for (int pass = 0; pass < 64; ++pass) {
    size_t start_used = used;
    for (size_t i = 0; i < format.size() && !stop; ++i) {
      char c = format[i];
      if (c == '\\') {
        size_t j = i + 1;
        while (j < format.size() && format[j] != '\\' && format[j] != '%' && j - i < 5) ++j;
        out += Escapes(format.substr(i, j - i), &stop);
        i = j - 1;
        continue;
      }
      if (c != '%') {
        out += c;
        continue;
      }
      size_t j = i + 1;
      while (j < format.size() && std::string_view("-+ #0123456789.").find(format[j]) != std::string_view::npos) ++j;
      if (j >= format.size()) return std::nullopt;
      char conv = format[j];
      i = j;
      if (conv == '%') {
        out += '%';
        continue;
      }
      std::string arg = used < args.size() ? args[used] : std::string();
      if (used < args.size()) ++used;
      switch (conv) {
        case 's': case 'q': case 'd': case 'i': case 'u': case 'x': case 'X': case 'o': case 'f': case 'e':
        case 'g': case 'E': case 'G':
          out += arg;
          break;
        case 'c':
          out += arg.substr(0, 1);
          break;
        case 'b':
          out += Escapes(arg, &stop);
          break;
        default:
          return std::nullopt;
      }
    }
    // The format is reused while arguments remain (and it consumed some).
    if (stop || used >= args.size() || used == start_used) break;
  }
  return out;
}

}  // namespace

Stream Analyzer::Echo(std::string_view name, const std::vector<Expanded>& argv, State& st) {
  size_t i = 1;
  bool escapes = false, newline = true;
  std::string var;  // printf -v VAR
  if (name == "echo") {
    while (i < argv.size() && argv[i].text.size() > 1 && argv[i].text[0] == '-' &&
           argv[i].text.find_first_not_of("neE", 1) == std::string::npos) {
      if (argv[i].text.find('n') != std::string::npos) newline = false;
      if (argv[i].text.find('e') != std::string::npos) escapes = true;
      if (argv[i].text.find('E') != std::string::npos) escapes = false;
      ++i;
    }
  } else {
    if (i + 1 < argv.size() && argv[i].text == "-v") {
      var = argv[i + 1].text;
      i += 2;
    }
    if (i < argv.size() && argv[i].text == "--") ++i;
  }
  std::vector<std::string> words;
  for (size_t k = i; k < argv.size(); ++k) {
    if (argv[k].taint.tainted()) return argv[k].taint;
    if (argv[k].bits & kArgDynamic) {
      if (!var.empty()) st.vars[var] = Value{};
      return UnknownStream(std::string(name));
    }
    words.push_back(argv[k].text);
  }
  std::string text;
  if (name == "echo") {
    text = Join(words, " ");
    if (escapes) {
      bool stop = false;
      text = Escapes(text, &stop);
      if (stop) newline = false;
    }
    if (newline) text += "\n";
  } else {
    if (words.empty()) return Stream{};
    std::vector<std::string> rest(words.begin() + 1, words.end());
    auto formatted = Printf(words[0], rest);
    if (!formatted) {
      if (!var.empty()) st.vars[var] = Value{};
      return UnknownStream("printf");
    }
    text = std::move(*formatted);
  }
  if (!var.empty()) {
    Value v;
    v.known = IsIdentifier(var);
    v.text = text;
    if (!IsIdentifier(var)) ScanEvaluated(var, "printf -v", st, Ctx{});
    st.vars[var] = v;
    return Stream{};
  }
  return LiteralStream(std::move(text), std::string(name));
}

bool Analyzer::Builtin(std::string_view name, int index, std::vector<Expanded>& argv, State& st, const Ctx& ctx,
                       const Stream& in, Stream* out) {
  *out = Stream{};
  auto scan_args = [&](size_t from) {
    for (size_t k = from; k < argv.size(); ++k) ScanEvaluated(argv[k].text, name, st, ctx);
  };
  if (name == "cd" || name == "pushd" || name == "popd") {
    ChangeDirectory(argv, st);
    return true;
  }
  if (name == "echo" || name == "printf") {
    *out = Echo(name, argv, st);
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
    *out = CodeString(code, "eval", st, Inner(ctx, "eval", false), {}, in, true);
    return true;
  }
  if (name == "source" || name == ".") {
    const CommandFact& f = Cmd(index);
    if (!f.operands.empty()) {
      Expanded arg = argv[f.operands[0]];
      ScriptFile(arg, name, index, st, Inner(ctx, std::string(name), false), in, true);
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
      aliases_[argv[k].text.substr(0, eq)] = value.text;
      State copy = st;
      CodeString(value, "alias", copy, Inner(ctx, "alias", false));
    }
    return true;
  }
  if (name == "unalias") {
    for (size_t k = 1; k < argv.size(); ++k) aliases_.erase(argv[k].text);
    return true;
  }
  if (name == "hash") {
    // hash -p /bin/rm ls: from now on "ls" runs /bin/rm.
    for (size_t k = 1; k + 2 < argv.size() + 1; ++k) {
      if (argv[k].text == "-p" && k + 2 < argv.size()) hashed_[argv[k + 2].text] = argv[k + 1].text;
    }
    return true;
  }
  if (name == "trap") {
    size_t k = 1;
    while (k < argv.size() && (argv[k].text == "--" || argv[k].text == "-p" || argv[k].text == "-l")) ++k;
    if (k + 1 < argv.size() && argv[k].text != "-" && !argv[k].text.empty()) {
      CodeString(argv[k], "trap", st, Inner(ctx, "trap", false), {}, {}, true);
    }
    return true;
  }
  if ((name == "exec" || name == "command" || name == "builtin") && argv.size() == 1) return true;
  if (name == "which" || name == "type" || (name == "command" && HasOption(Cmd(index).options, {"-v", "-V"}))) {
    // Their output names the command: $(which rm) is a path ending in /rm.
    std::string text;
    for (uint32_t op : Cmd(index).operands) {
      if (argv[op].bits & kArgDynamic) return true;
      text += "/usr/bin/" + argv[op].text + "\n";
    }
    *out = LiteralStream(text, std::string(name));
    return true;
  }
  if (name == "set") {
    // set -- a b, or set a b: new positional parameters.
    size_t k = 1;
    bool params = false;
    while (k < argv.size()) {
      const std::string& t = argv[k].text;
      if (t == "--") {
        params = true;
        ++k;
        break;
      }
      if (t.size() > 1 && (t[0] == '-' || t[0] == '+')) {
        if ((t == "-o" || t == "+o") && k + 1 < argv.size()) ++k;
        ++k;
        continue;
      }
      params = true;
      break;
    }
    if (params) {
      for (const char* p : {"1", "2", "3", "4", "5", "6", "7", "8", "9", "@", "*"}) st.vars.erase(p);
      Value all;
      all.known = true;
      for (size_t i = k; i < argv.size(); ++i) {
        Value v;
        v.known = !(argv[i].bits & kArgDynamic);
        v.text = argv[i].text;
        v.bits = argv[i].bits & (kArgGlob | kArgPattern | kArgTree);
        if (i - k + 1 <= 9) st.vars[std::to_string(i - k + 1)] = v;
        all.text += (i > k ? " " : "") + argv[i].text;
        all.known = all.known && v.known;
      }
      st.vars["@"] = all;
      st.vars["*"] = all;
    }
    return true;
  }
  if (name == "shift") {
    for (const char* p : {"1", "2", "3", "4", "5", "6", "7", "8", "9", "@", "*"}) st.vars[p] = Value{};
    return true;
  }
  if (name == "shopt") {
    bool set = HasOption(Cmd(index).options, {"-s"});
    for (uint32_t op : Cmd(index).operands) {
      if (argv[op].text == "cdable_vars") cdable_vars_ = set;
    }
    return true;
  }
  if (name == "read" || name == "unset" || name == "mapfile" || name == "readarray" || name == "let" ||
      name == "test" || name == "[" || name == "wait") {
    scan_args(1);
    if (name == "read" || name == "mapfile" || name == "readarray") {
      for (size_t k = 1; k < argv.size(); ++k) {
        if (IsIdentifier(argv[k].text)) st.vars[argv[k].text] = Value{};
      }
    } else if (name == "unset") {
      for (size_t k = 1; k < argv.size(); ++k) {
        if (IsIdentifier(argv[k].text)) st.vars[argv[k].text] = Value{};
      }
    }
    return true;
  }
  if (name == "mktemp") {
    // Its output is a new path with a known shape: /tmp/tmp.XXXXXXXXXX by default.
    const CommandFact& f = Cmd(index);
    std::string dir = "/tmp";
    Value scratch;
    if (const Value* t = Lookup("TMPDIR", st, &scratch)) {
      if (!t->known) return true;
      dir = t->text;
    }
    std::string tmpl = "tmp.XXXXXXXXXX";
    bool in_dir = true;
    if (const Option* p = FindOption(f.options, {"-p", "--tmpdir"}); p && p->has_value) dir = p->value;
    if (!f.operands.empty()) {
      tmpl = argv[f.operands[0]].text;
      in_dir = HasOption(f.options, {"-p", "--tmpdir", "-t"}) || tmpl.find('/') == std::string::npos;
      if (!HasOption(f.options, {"-p", "--tmpdir", "-t"})) in_dir = false;
    }
    size_t x = tmpl.find_last_not_of('X');
    tmpl = tmpl.substr(0, x == std::string::npos ? 0 : x + 1) + "*";
    std::string path = in_dir ? JoinPath(dir, tmpl) : tmpl;
    bool dynamic = false;
    std::vector<std::string> abs = Resolve(path, st, &dynamic);
    if (dynamic || abs.size() != 1) return true;
    Stream s = LiteralStream(abs[0] + "\n", "mktemp");
    s.bits = kArgPattern;
    *out = s;
    return true;
  }
  if (name == "at" || name == "batch") {
    // They read the commands to run later from standard input (or -f FILE).
    if (const Option* f = FindOption(Cmd(index).options, {"-f"}); f && f->has_value) {
      Expanded file;
      file.text = f->value;
      ScriptFile(file, name, index, st, Inner(ctx, std::string(name), false), in);
    } else {
      CodeStream(in, name, index, st, Inner(ctx, std::string(name), false));
    }
    return true;
  }
  return false;
}

void Analyzer::ChangeDirectory(const std::vector<Expanded>& argv, State& st) {
  std::string_view name = Basename(argv[0].text);
  Value old;
  if (st.cwds.size() == 1 && !st.cwd_unknown) {
    old.known = true;
    old.text = st.cwds[0];
  }
  auto unknown = [&] {
    st.cwds.clear();
    st.cwd_unknown = true;
    st.vars["OLDPWD"] = old;
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
  Value scratch;
  if (target == nullptr) {
    if (name == "pushd") return unknown();
    const Value* home = Lookup("HOME", st, &scratch);
    if (home == nullptr || !home->known) return unknown();
    st.cwds = {home->text};
    st.cwd_unknown = false;
    st.vars["OLDPWD"] = old;
    return;
  }
  if (target->text == "-") {
    const Value* prev = Lookup("OLDPWD", st, &scratch);
    if (!prev || !prev->known) return unknown();
    std::string to = prev->text;
    st.cwds = {to};
    st.cwd_unknown = false;
    st.vars["OLDPWD"] = old;
    return;
  }
  if ((target->bits & (kArgDynamic | kArgGlob)) || (target->text.size() > 1 && target->text[0] == '+')) {
    return unknown();
  }
  bool dynamic = false;
  std::vector<std::string> paths = Resolve(target->text, st, &dynamic);
  const std::string& t = target->text;
  bool searchable = t[0] != '/' && t.rfind("./", 0) != 0 && t.rfind("../", 0) != 0 && t != "." && t != "..";
  if (searchable) {
    // CDPATH may send a relative cd elsewhere; cdable_vars may read it as a variable.
    if (const Value* cdpath = Lookup("CDPATH", st, &scratch)) {
      if (!cdpath->known) return unknown();
      for (auto entry : Split(cdpath->text, ':')) {
        if (entry.empty()) continue;
        State probe = st;
        probe.cwds = {NormalizePath(std::string(entry))};
        probe.cwd_unknown = entry.front() != '/';
        bool d = false;
        for (auto& p : Resolve(t, probe, &d)) {
          if (!d && std::find(paths.begin(), paths.end(), p) == paths.end()) paths.push_back(p);
        }
      }
    }
    if (cdable_vars_ && IsIdentifier(t)) {
      if (const Value* v = Lookup(t, st, &scratch); v && v->known && !v->text.empty() && v->text[0] == '/') {
        paths.push_back(NormalizePath(v->text));
      }
    }
  }
  if (dynamic || paths.empty() || paths.size() > kMaxCwds) return unknown();
  for (auto& p : paths) p = FollowLinks(p);
  st.cwds = std::move(paths);
  st.cwd_unknown = false;
  st.vars["OLDPWD"] = old;
}

}  // namespace warden::shell
