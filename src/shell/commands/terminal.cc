// Terminal multiplexers and scripted terminals: `tmux new-session 'CMD'` (and new-window,
// split-window, respawn, run-shell, popup) runs a shell command; `screen CMD` runs a command;
// what `tmux send-keys` and `screen -X stuff` type into another shell runs there; `expect -c`
// spawns the programs its Tcl script names.
#include <re2/re2.h>

#include <algorithm>

#include "core/strings.h"
#include "shell/analyzer_impl.h"
#include "shell/analyzer_util.h"
#include "shell/commands/families.h"

namespace warden::shell {
namespace {

bool StartsCommand(std::string_view verb) {
  static constexpr std::string_view kNew[] = {"new-session", "new", "new-window", "neww", "split-window",
                                              "splitw", "respawn-pane", "respawnp", "respawn-window",
                                              "respawnw", "run-shell", "run", "display-popup", "popup"};
  return std::find(std::begin(kNew), std::end(kNew), verb) != std::end(kNew);
}

// The shell command is the last operand(s) after the verb's own options; `*dir` gets -c DIR
// (the directory it starts in).
size_t TmuxCommandStart(const std::vector<Expanded>& argv, size_t verb_at, std::string* dir) {
  const std::string& verb = argv[verb_at].text;
  const bool popup = verb == "display-popup" || verb == "popup";
  const std::string_view valued = popup ? "cdehstTwxyb" : "cFnstxyeSlTEw";
  size_t k = verb_at + 1;
  while (k < argv.size() && argv[k].text.size() > 1 && argv[k].text[0] == '-') {
    const std::string& t = argv[k].text;
    if (t.size() == 2 && valued.find(t[1]) != std::string_view::npos) {
      if (t[1] == 'c' && k + 1 < argv.size()) *dir = argv[k + 1].text;
      ++k;
    }
    ++k;
  }
  return k;
}

// tmux's own options before the command: -L NAME, -S SOCKET, -f FILE, -T FEATURES; -c CMD runs
// a shell command.
size_t TmuxVerbAt(const std::vector<Expanded>& argv, size_t* shell_command) {
  size_t k = 1;
  while (k < argv.size() && argv[k].text.size() > 1 && argv[k].text[0] == '-') {
    const std::string& t = argv[k].text;
    if (t == "-c" && k + 1 < argv.size()) *shell_command = k + 1;
    if (t == "-L" || t == "-S" || t == "-f" || t == "-T" || t == "-c") ++k;
    ++k;
  }
  return k;
}

// What is typed into another shell runs there as command lines — an unfinished line too, since
// the next send of Enter runs it; what depends on run-time values is not known.
Stream TypedKeys(Call& c, const Expanded& typed, std::string_view via) {
  if (typed.bits & kArgDynamic) {
    c.Signal(kSignalDynamicScript, std::string(via) + " types text only known at run time into another shell");
  }
  if (!typed.text.empty()) c.RunCode(typed.text, via, c.name());
  return UnknownStream(c.name());
}

// tmux send-keys [-lRMX] [-t PANE] [-N N] KEYS…: key names (Enter, C-m, Space, Tab) are keys, other
// words are typed as they are (-l: every word literally).
Expanded TmuxKeys(const std::vector<Expanded>& argv, size_t verb_at) {
  Expanded typed;
  bool literal = false;
  size_t k = verb_at + 1;
  for (; k < argv.size() && argv[k].text.size() > 1 && argv[k].text[0] == '-'; ++k) {
    const std::string& t = argv[k].text;
    literal = literal || t.find('l') != std::string::npos;
    if (t == "-t" || t == "-N" || t == "-c") ++k;
  }
  for (; k < argv.size(); ++k) {
    const std::string& key = argv[k].text;
    typed.bits |= argv[k].bits;
    if (!literal && (key == "Enter" || key == "C-m" || key == "KPEnter" || key == "C-j" || key == "^M")) {
      typed.text += '\n';
    } else if (!literal && key == "Space") {
      typed.text += ' ';
    } else if (!literal && key == "Tab") {
      typed.text += '\t';
    } else {
      typed.text += key;
    }
  }
  return typed;
}

// screen's stuff text: ^M, \n and \r end a line.
Expanded ScreenStuff(const Expanded& arg) {
  Expanded typed = arg;
  typed.text.clear();
  for (size_t i = 0; i < arg.text.size(); ++i) {
    const char ch = arg.text[i];
    const char next = i + 1 < arg.text.size() ? arg.text[i + 1] : 0;
    if ((ch == '\\' && (next == 'n' || next == 'r')) || (ch == '^' && next == 'M')) {
      typed.text += '\n';
      ++i;
    } else {
      typed.text += ch == '\r' ? '\n' : ch;
    }
  }
  return typed;
}

// if-shell [-bF] [-t T] SHELL-COMMAND TMUX-COMMAND [TMUX-COMMAND]: the first runs in a shell,
// the others are tmux commands (run-shell "…", new-window "…").
Stream TmuxIfShell(Call& c, size_t verb_at, int depth) {
  size_t k = verb_at + 1;
  while (k < c.argv.size() && c.argv[k].text.size() > 1 && c.argv[k].text[0] == '-') k += c.argv[k].text == "-t" ? 2 : 1;
  if (k < c.argv.size()) c.RunCode(c.argv[k], "tmux if-shell", c.name());
  for (size_t t = k + 1; t < c.argv.size() && depth < 4; ++t) {
    std::vector<Expanded> words = {PlainWord("tmux")};
    for (auto& w : SplitQuoted(c.argv[t].text)) words.push_back(PlainWord(w, c.argv[t].bits & kArgDynamic));
    c.Run(std::move(words), "tmux if-shell");
  }
  return UnknownStream(c.name());
}

// A tmux command given as one string (a hook, a config line): run as `tmux WORDS…`.
void TmuxCommandString(Call& c, const Expanded& text, std::string_view via) {
  std::vector<Expanded> words = {PlainWord("tmux")};
  for (auto& w : SplitQuoted(text.text)) words.push_back(PlainWord(w, text.bits & kArgDynamic));
  if (words.size() > 1) c.Run(std::move(words), via);
}

// A tmux configuration (-f FILE, source-file FILE): one tmux command per line, when its text is
// known (written earlier, a <(…)).
void TmuxConfig(Call& c, const Expanded& file) {
  bool decoded = false;
  auto text = c.an.ScriptText(file, c.st, c.in, &decoded);
  if (!text) return;
  for (auto line : Split(*text, '\n')) {
    if (!Trim(line).empty() && Trim(line)[0] != '#') TmuxCommandString(c, PlainWord(std::string(line)), "tmux config");
  }
}

Stream Tmux(Call& c) {
  for (size_t k = 1; k + 1 < c.argv.size() && c.argv[k].text.size() > 1 && c.argv[k].text[0] == '-'; ++k) {
    if (c.argv[k].text == "-f") TmuxConfig(c, c.argv[k + 1]);
  }
  // tmux A \; B: each command separately.
  for (size_t k = 1; k < c.argv.size(); ++k) {
    if (c.argv[k].text != ";" || k + 1 >= c.argv.size()) continue;
    std::vector<Expanded> rest = {PlainWord("tmux")};
    for (size_t r = k + 1; r < c.argv.size(); ++r) rest.push_back(c.argv[r]);
    c.Run(std::move(rest), "tmux ;");
    break;
  }
  size_t shell_command = 0;
  const size_t verb_at = TmuxVerbAt(c.argv, &shell_command);
  if (shell_command) return c.RunCode(c.argv[shell_command], "tmux -c", c.name());
  if (verb_at >= c.argv.size()) return UnknownStream(c.name());
  const std::string& verb = c.argv[verb_at].text;
  if (verb == "if-shell" || verb == "if") return TmuxIfShell(c, verb_at, 0);
  if ((verb == "source-file" || verb == "source") && verb_at + 1 < c.argv.size()) {
    for (size_t k = verb_at + 1; k < c.argv.size() && c.argv[k].text != ";"; ++k) {
      if (c.argv[k].text[0] != '-') TmuxConfig(c, c.argv[k]);
    }
    return UnknownStream(c.name());
  }
  if (verb == "set-hook" || verb == "bind-key" || verb == "bind") {
    // set-hook [-g] NAME COMMAND, bind-key KEY COMMAND…: the last word is a tmux command.
    size_t last = verb_at + 1;
    while (last + 1 < c.argv.size() && c.argv[last + 1].text != ";") ++last;
    if (last > verb_at + 1) TmuxCommandString(c, c.argv[last], "tmux " + verb);
    return UnknownStream(c.name());
  }
  if (StartsCommand(verb)) {
    std::string dir;
    size_t k = TmuxCommandStart(c.argv, verb_at, &dir);
    if (k >= c.argv.size()) return UnknownStream(c.name());
    State moved = c.st;
    if (!dir.empty()) c.an.ChangeDirectory({PlainWord("cd"), PlainWord(dir)}, moved);
    return c.an.CodeString(JoinWords(c.argv, k), "tmux " + verb, moved, c.an.Inner(c.ctx, c.name(), false));
  }
  if (verb == "send-keys" || verb == "send") return TypedKeys(c, TmuxKeys(c.argv, verb_at), "tmux send-keys");
  return UnknownStream(c.name());
}

Stream Screen(Call& c) {
  static constexpr std::string_view kScreenValued = "SctpLlhTX";
  size_t k = 1;
  while (k < c.argv.size() && c.argv[k].text.size() > 1 && c.argv[k].text[0] == '-') {
    const std::string& t = c.argv[k].text;
    if (t.size() == 2 && kScreenValued.find(t[1]) != std::string_view::npos) ++k;
    ++k;
  }
  // screen -S NAME -X stuff 'TEXT' types into a session; -X screen CMD / exec CMD run a program.
  for (size_t x = 1; x + 1 < c.argv.size(); ++x) {
    if (c.argv[x].text != "-X") continue;
    const std::string& verb = c.argv[x + 1].text;
    if (verb == "stuff" && x + 2 < c.argv.size()) return TypedKeys(c, ScreenStuff(c.argv[x + 2]), "screen stuff");
    if ((verb == "screen" || verb == "exec") && x + 2 < c.argv.size()) return c.Run(Slice(c.argv, x + 2), "screen -X");
    return UnknownStream(c.name());
  }
  if (k < c.argv.size()) return c.Run(Slice(c.argv, k), c.name());
  return UnknownStream(c.name());
}

// Tcl: its `spawn` lines start programs.
Stream Expect(Call& c) {
  static const RE2 kSpawn(R"((?:^|[;\n{])\s*spawn\s+([^;\n}]+))");
  for (size_t k = 1; k + 1 < c.argv.size(); ++k) {
    if (c.argv[k].text != "-c") continue;
    const std::string& script = c.argv[k + 1].text;
    c.Signal(kSignalInlineCode, "expect: " + script);
    re2::StringPiece input(script);
    std::string spawned;
    int guard = 0;
    while (guard++ < 64 && RE2::FindAndConsume(&input, kSpawn, &spawned)) c.RunCode(spawned, "expect spawn", c.name());
  }
  return UnknownStream(c.name());
}

constexpr CommandSpec kModels[] = {
    {.name = "tmux", .family = Family::kNoFiles, .run = Tmux},
    {.name = "screen", .family = Family::kNoFiles, .run = Screen},
    {.name = "expect", .family = Family::kRunner, .run = Expect},
};

}  // namespace

ModelTable TerminalCommands() { return kModels; }

}  // namespace warden::shell
