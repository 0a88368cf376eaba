// Shell builtins (and a few commands) that change what the analysis knows: cd and friends,
// eval and source, alias and hash, trap, set and shift, read and unset, which/type (their
// output names a command) and mktemp (its output has a known shape), at/batch (they read the
// commands to run later). Builtins are matched by their exact name.
#include <algorithm>
#include <cstdlib>

#include "core/path.h"
#include "core/strings.h"
#include "shell/analyzer_impl.h"
#include "shell/analyzer_util.h"
#include "shell/commands/families.h"
#include "shell/self_protection.h"

namespace warden::shell {
namespace {


Stream ChangeDir(Call& c) {
  c.an.ChangeDirectory(c.argv, c.st);
  return Stream{};
}

Stream Eval(Call& c) {
  Expanded code = JoinWords(c.argv, 1);
  return c.an.CodeString(code, "eval", c.st, c.an.Inner(c.ctx, "eval", false), {}, c.in, true);
}

Stream Source(Call& c) {
  const CommandFact& f = c.fact();
  if (!f.operands.empty()) {
    Expanded arg = c.argv[f.operands[0]];
    c.an.ScriptFile(arg, c.name(), c.index, c.st, c.an.Inner(c.ctx, c.name(), false), c.in, true);
    // A virtualenv's bin/activate puts its bin directory first on PATH.
    const std::string_view base = Basename(arg.text);
    if (base.rfind("activate", 0) == 0 && arg.text.find('/') != std::string::npos) {
      c.an.PathChanged(PlainWord(arg.text.substr(0, arg.text.rfind('/'))), c.st, c.ctx);
    }
  }
  return UnknownStream();
}

Stream Alias(Call& c) {
  for (size_t k = 1; k < c.argv.size(); ++k) {
    size_t eq = c.argv[k].text.find('=');
    if (eq == std::string::npos) continue;
    Expanded value = c.argv[k];
    value.text = c.argv[k].text.substr(eq + 1);
    c.an.memory().aliases[c.argv[k].text.substr(0, eq)] = value.text;
    State copy = c.st;
    c.an.CodeString(value, "alias", copy, c.an.Inner(c.ctx, "alias", false));
  }
  return Stream{};
}

Stream Unalias(Call& c) {
  for (size_t k = 1; k < c.argv.size(); ++k) c.an.memory().aliases.erase(c.argv[k].text);
  return Stream{};
}

// hash -p /bin/rm ls: from now on "ls" runs /bin/rm.
Stream Hash(Call& c) {
  for (size_t k = 1; k + 2 < c.argv.size() + 1; ++k) {
    if (c.argv[k].text == "-p" && k + 2 < c.argv.size()) c.an.memory().hashed[c.argv[k + 2].text] = c.argv[k + 1].text;
  }
  return Stream{};
}

Stream Trap(Call& c) {
  size_t k = 1;
  while (k < c.argv.size() && (c.argv[k].text == "--" || c.argv[k].text == "-p" || c.argv[k].text == "-l")) ++k;
  if (k + 1 < c.argv.size() && c.argv[k].text != "-" && !c.argv[k].text.empty()) {
    c.an.CodeString(c.argv[k], "trap", c.st, c.an.Inner(c.ctx, "trap", false), {}, {}, true);
  }
  return Stream{};
}

}  // namespace

// Their output names the command: $(which rm) is a path ending in /rm.
Stream Which(Call& c) {
  std::string text;
  for (uint32_t op : c.fact().operands) {
    if (c.argv[op].bits & kArgDynamic) return Stream{};
    text += "/usr/bin/" + c.argv[op].text + "\n";
  }
  return LiteralStream(text, c.name());
}

namespace {

Stream Set(Call& c) {
  size_t k = 1;
  while (k < c.argv.size()) {
    const std::string& t = c.argv[k].text;
    if (t == "--") {
      SetPositional(c.st, c.argv, k + 1);
      return Stream{};
    }
    if (t.size() < 2 || (t[0] != '-' && t[0] != '+')) {
      SetPositional(c.st, c.argv, k);
      return Stream{};
    }
    if ((t == "-o" || t == "+o") && k + 1 < c.argv.size()) ++k;
    ++k;
  }
  return Stream{};
}

// shift [N]: the positional parameters move down by N (all unknown when they were).
Stream Shift(Call& c) {
  const size_t n = c.argv.size() > 1 ? static_cast<size_t>(std::max(0, std::atoi(c.argv[1].text.c_str()))) : 1;
  auto all = c.st.vars.find("@");
  if (all == c.st.vars.end() || !all->second.known || (c.argv.size() > 1 && (c.argv[1].bits & kArgDynamic))) {
    for (const char* p : kPositionalNames) c.st.vars[p] = Value{};
    return Stream{};
  }
  std::vector<Expanded> rest;
  for (size_t i = n; i < all->second.words.size(); ++i) rest.push_back(PlainWord(all->second.words[i], all->second.bits));
  SetPositional(c.st, rest, 0);
  return Stream{};
}

Stream Shopt(Call& c) {
  bool set = HasOption(c.fact().options, {"-s"});
  for (uint32_t op : c.fact().operands) {
    if (c.argv[op].text == "cdable_vars") c.an.memory().cdable_vars = set;
  }
  return Stream{};
}

// read NAMES from known text: the first line (up to -d's delimiter) split by IFS.
bool ReadLine(Call& c, const std::string& text, char separator, std::vector<std::string> names) {
  const CommandFact& f = c.fact();
  std::string line = text.substr(0, text.find(separator));
  std::string ifs = " \t\n";  // IFS=, read a b <<< 'x,y' splits where IFS says
  if (auto it = c.st.vars.find("IFS"); it != c.st.vars.end()) {
    if (!it->second.known) return false;
    ifs = it->second.text;
  }
  std::vector<std::string> fields = SplitFields(line, ifs);
  if (const Option* a = FindOption(f.options, {"-a"}); a && a->has_value) {
    std::vector<Expanded> items;
    for (auto& w : fields) items.push_back(PlainWord(w));
    SetArray(c.st, a->value, items);
    return true;
  }
  if (names.empty()) names.push_back("REPLY");
  for (size_t k = 0; k < names.size(); ++k) {
    std::string value = k < fields.size() ? fields[k] : "";
    if (k + 1 == names.size() && names.size() > 1) {  // the last name gets the rest of the line
      for (size_t r = k + 1; r < fields.size(); ++r) value += " " + fields[r];
    } else if (names.size() == 1) {
      value = std::string(Trim(line));
    }
    c.st.vars[names[k]] = Value{.text = value, .known = true};
  }
  return true;
}

// mapfile/readarray NAME from known text: one item per line (or per -d delimiter), -s N
// skipped, -n N at most; -C CALLBACK runs every -c lines with the index and the line.
void MapLines(Call& c, const std::string& text, char separator, const std::string& name) {
  const CommandFact& f = c.fact();
  std::vector<Expanded> items;
  for (auto piece : Split(text, separator)) items.push_back(PlainWord(std::string(piece)));
  if (!items.empty() && items.back().text.empty()) items.pop_back();
  auto number = [&](const char* option) -> long {
    const Option* o = FindOption(f.options, {option});
    return o && o->has_value ? std::strtol(o->value.c_str(), nullptr, 10) : 0;
  };
  const long skip = std::clamp(number("-s"), 0L, static_cast<long>(items.size()));
  items.erase(items.begin(), items.begin() + skip);
  if (const long most = number("-n"); most > 0 && most < static_cast<long>(items.size())) items.resize(static_cast<size_t>(most));
  if (const Option* cb = FindOption(f.options, {"-C"}); cb && cb->has_value) {
    const long quantum = std::max(number("-c"), 1L);
    for (size_t k = 0; k < items.size() && k < 16; ++k) {
      if ((k + 1) % static_cast<size_t>(quantum) == 0) {
        c.RunCode(cb->value + " " + std::to_string(k) + " " + SingleQuoted(items[k].text), "mapfile -C", c.name());
      }
    }
  }
  SetArray(c.st, name, items);
}

// read and mapfile from input whose text is known (a here-string, echo, a file written earlier):
// the variables get that text — `read -r c <<< 'rm -rf ~'; $c` runs rm.
bool ReadKnownInput(Call& c) {
  const Stream& in = c.in;
  std::optional<std::string> text;
  if (in.kind == Stream::Kind::kLiteral) text = in.text;
  if (in.kind == Stream::Kind::kFile) text = c.an.KnownContents(in.text, c.st);
  if (!text || in.warden) return false;
  const CommandFact& f = c.fact();
  std::vector<std::string> names;
  for (uint32_t op : f.operands) {
    if (!IsIdentifier(c.argv[op].text)) return false;
    names.push_back(c.argv[op].text);
  }
  const bool read = c.name() == "read";
  // -u FD (another input), read's -n/-N COUNT (characters) and -t, mapfile's -O (a sparse array): not followed.
  if (HasOption(f.options, {"-u"}) || (read && HasOption(f.options, {"-n", "-N", "-t"})) ||
      (!read && HasOption(f.options, {"-O"}))) {
    return false;
  }
  const Option* delim = FindOption(f.options, {"-d"});
  const char separator = delim == nullptr ? '\n' : (delim->value.empty() ? '\0' : delim->value[0]);
  if (read) return ReadLine(c, *text, separator, std::move(names));
  MapLines(c, *text, separator, names.empty() ? "MAPFILE" : names.back());
  return true;
}

// read, unset, mapfile, let, test, [, wait: their arguments may be evaluated (subscripts,
// arithmetic); the variables read or unset are no longer known.
Stream Evaluates(Call& c) {
  for (size_t k = 1; k < c.argv.size(); ++k) c.an.ScanEvaluated(c.argv[k].text, c.name(), c.st, c.ctx);
  const std::string& n = c.name();
  if (n == "getopts" && c.argv.size() > 2 && MentionsWardenVariable(c.argv[2].text)) {
    c.Signal(kSignalWardenTamper, "getopts assigns " + c.argv[2].text + ", which Warden's programs read");
  }
  if (n == "let") {
    for (size_t k = 1; k < c.argv.size(); ++k) {
      if (MentionsWardenVariable(c.argv[k].text)) c.Signal(kSignalWardenTamper, "let " + c.argv[k].text + ", which Warden's programs read");
    }
  }
  if (n == "read" || n == "mapfile" || n == "readarray" || n == "unset") {
    const bool path = std::any_of(c.argv.begin() + 1, c.argv.end(), [](const Expanded& w) { return w.text == "PATH"; });
    if (n == "read" && path && !c.in.text.empty()) c.an.PathChanged(PlainWord(c.in.text), c.st, c.ctx);  // read PATH <<< "/x:$PATH"
    if (n != "unset" && ReadKnownInput(c)) return Stream{};
    for (size_t k = 1; k < c.argv.size(); ++k) {
      if (MentionsWardenVariable(c.argv[k].text) || (n == "unset" && (c.argv[k].bits & kArgWarden))) {
        c.Signal(kSignalWardenTamper, n + " " + c.argv[k].text + ", which Warden's programs read");
      }
      if (!IsIdentifier(c.argv[k].text)) continue;
      Value v;
      if (n != "unset" && c.in.warden) v.bits = kArgWarden;  // read p < pidfile
      c.st.vars[c.argv[k].text] = v;
    }
  }
  return Stream{};
}

// enable -f FILE NAME: bash loads a shared object into itself and runs its code — LD_PRELOAD
// for the shell that decides.
Stream Enable(Call& c) {
  if (const Option* f = FindOption(c.fact().options, {"-f"}); f && f->has_value) {
    c.File(FileOp::kExec, f->value, c.fact().arg_bits[f->arg_index], false, "enable -f");
    c.Signal(kSignalDynamicScript, "enable -f loads " + Printable(f->value, 80) + " into the shell");
  }
  return Stream{};
}

// Its output is a new path with a known shape: /tmp/tmp.XXXXXXXXXX by default.
Stream Mktemp(Call& c) {
  const CommandFact& f = c.fact();
  std::string dir = "/tmp";
  Value scratch;
  if (const Value* t = c.an.Lookup("TMPDIR", c.st, &scratch)) {
    if (!t->known) return Stream{};
    dir = t->text;
  }
  std::string tmpl = "tmp.XXXXXXXXXX";
  bool in_dir = true;
  if (const Option* p = FindOption(f.options, {"-p", "--tmpdir"}); p && p->has_value) dir = p->value;
  if (!f.operands.empty()) {
    tmpl = c.argv[f.operands[0]].text;
    in_dir = HasOption(f.options, {"-p", "--tmpdir", "-t"});
  }
  size_t x = tmpl.find_last_not_of('X');
  tmpl = tmpl.substr(0, x == std::string::npos ? 0 : x + 1) + "*";
  bool dynamic = false;
  std::vector<std::string> abs = c.an.Resolve(in_dir ? JoinPath(dir, tmpl) : tmpl, c.st, &dynamic);
  if (dynamic || abs.size() != 1) return Stream{};
  Stream s = LiteralStream(abs[0] + "\n", "mktemp");
  s.bits = kArgPattern;
  return s;
}

// history -s LINE adds LINE to the history (fc can run it); -r/-n FILE read a history file.
Stream History(Call& c) {
  const CommandFact& f = c.fact();
  if (HasOption(f.options, {"-s"}) && !f.operands.empty()) {
    c.an.memory().history.push_back(JoinWords(c.argv, f.operands[0]).text);
  } else if (HasOption(f.options, {"-r", "-n"})) {
    c.an.memory().history.push_back("");  // lines from a file: not known
  }
  return Stream{};
}

// fc -s [OLD=NEW] [PREFIX] and fc -e - …: run a history line again; fc [-e EDITOR] edits lines
// and runs the result. Lines added with history -s in the same command are known; others not.
Stream Fc(Call& c) {
  const CommandFact& f = c.fact();
  if (HasOption(f.options, {"-l"})) return Stream{};
  const Option* e = FindOption(f.options, {"-e"});
  const bool again = HasOption(f.options, {"-s"}) || (e && e->has_value && e->value == "-");
  const auto& history = c.an.memory().history;
  std::string prefix;
  for (uint32_t op : f.operands) {
    if (c.argv[op].text.find('=') == std::string::npos) prefix = c.argv[op].text;
  }
  if (again) {
    for (auto it = history.rbegin(); it != history.rend(); ++it) {
      if (it->empty()) break;
      if (prefix.empty() || it->rfind(prefix, 0) == 0) return c.RunCode(*it, "fc -s", c.name());
    }
  }
  c.Signal(kSignalDynamicScript, "fc runs a command from the shell's history, which is not known here");
  return Stream{};
}

// They read the commands to run later from standard input (or -f FILE).
Stream At(Call& c) {
  Ctx inner = c.an.Inner(c.ctx, c.name(), false);
  if (const Option* f = FindOption(c.fact().options, {"-f"}); f && f->has_value) {
    c.an.ScriptFile(c.OptionValue(*f), c.name(), c.index, c.st, inner, c.in);
  } else {
    c.an.CodeStream(c.in, c.name(), c.index, c.st, inner);
  }
  return Stream{};
}

// The commands of a crontab's text: each line's command after its five time fields (or after
// an @reboot-style word); comments and VAR=value lines skipped.
std::vector<std::string> CrontabCommands(std::string_view text) {
  std::vector<std::string> out;
  for (std::string_view line : Split(text.substr(0, std::min<size_t>(text.size(), 64 * 1024)), '\n')) {
    line = Trim(line);
    if (line.empty() || line[0] == '#') continue;
    const size_t eq = line.find('='), blank = line.find_first_of(" \t");
    if (eq != std::string_view::npos && (blank == std::string_view::npos || eq < blank)) continue;  // SHELL=/bin/sh
    const int fields = line[0] == '@' ? 1 : 5;
    size_t at = 0;
    for (int k = 0; k < fields && at != std::string_view::npos; ++k) {
      at = line.find_first_of(" \t", at);
      if (at != std::string_view::npos) at = line.find_first_not_of(" \t", at);
    }
    if (at != std::string_view::npos) out.emplace_back(line.substr(at));
    if (out.size() >= 64) break;
  }
  return out;
}

// crontab FILE, crontab - (or no operand: standard input): the commands it schedules are what
// will run, analyzed as if run now. -l, -r, -e do not install a given text.
Stream Crontab(Call& c) {
  const CommandFact& f = c.fact();
  if (HasOption(f.options, {"-l", "-r", "-e", "-i"})) return Stream{};
  const Expanded file = f.operands.empty() ? PlainWord("-") : c.argv[f.operands[0]];
  if (!f.operands.empty()) c.Operand(FileOp::kRead, f.operands[0]);
  bool decoded = false;
  const std::optional<std::string> text = c.an.ScriptText(file, c.st, c.in, &decoded);
  if (!text) return Stream{};
  for (const std::string& command : CrontabCommands(*text)) c.RunCode(command, "crontab", c.name());
  return Stream{};
}

constexpr CommandSpec kModels[] = {
    {.name = "cd", .family = Family::kBuiltin, .run = ChangeDir},
    {.name = "pushd", .family = Family::kBuiltin, .run = ChangeDir},
    {.name = "popd", .family = Family::kBuiltin, .run = ChangeDir},
    {.name = "eval", .family = Family::kBuiltin, .run = Eval},
    {.name = "source", .family = Family::kBuiltin, .posix_order = true, .run = Source},
    {.name = ".", .family = Family::kBuiltin, .posix_order = true, .run = Source},
    {.name = "alias", .family = Family::kBuiltin, .run = Alias},
    {.name = "unalias", .family = Family::kBuiltin, .run = Unalias},
    {.name = "hash", .family = Family::kBuiltin, .run = Hash},
    {.name = "trap", .family = Family::kBuiltin, .run = Trap},
    {.name = "which", .family = Family::kBuiltin, .run = Which},
    {.name = "type", .family = Family::kBuiltin, .run = Which},
    {.name = "set", .family = Family::kBuiltin, .run = Set},
    {.name = "shift", .family = Family::kBuiltin, .run = Shift},
    {.name = "shopt", .family = Family::kBuiltin, .run = Shopt},
    {.name = "history", .family = Family::kBuiltin, .short_value = "d", .run = History},
    {.name = "fc", .family = Family::kBuiltin, .short_value = "e", .run = Fc},
    {.name = "read", .family = Family::kBuiltin, .short_value = "adinNptu", .run = Evaluates},
    {.name = "unset", .family = Family::kBuiltin, .run = Evaluates},
    {.name = "mapfile", .family = Family::kBuiltin, .short_value = "dnOsuCc", .run = Evaluates},
    {.name = "readarray", .family = Family::kBuiltin, .short_value = "dnOsuCc", .run = Evaluates},
    {.name = "let", .family = Family::kBuiltin, .run = Evaluates},
    {.name = "test", .family = Family::kBuiltin, .run = Evaluates},
    {.name = "[", .family = Family::kBuiltin, .run = Evaluates},
    {.name = "wait", .family = Family::kBuiltin, .run = Evaluates},
    {.name = "getopts", .family = Family::kBuiltin, .run = Evaluates},
    {.name = "mktemp", .family = Family::kBuiltin, .run = Mktemp},
    {.name = "enable", .family = Family::kBuiltin, .short_value = "f", .run = Enable},
    {.name = "at", .family = Family::kBuiltin, .short_value = "fqt", .run = At},
    {.name = "batch", .family = Family::kBuiltin, .short_value = "fq", .run = At},
    {.name = "crontab", .family = Family::kBuiltin, .short_value = "uc", .run = Crontab},
};

}  // namespace

ModelTable BuiltinCommands() { return kModels; }

}  // namespace warden::shell
