// Terminal multiplexers and scripted terminals: `tmux new-session 'CMD'` (and new-window,
// split-window, respawn, run-shell, popup) runs a shell command; `screen CMD` runs a command;
// `tmux send-keys` types into another shell, which cannot be followed; `expect -c` spawns the
// programs its Tcl script names.
#include <re2/re2.h>

#include <algorithm>

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

// The shell command is the last operand(s) after the verb's own options.
size_t TmuxCommandStart(const std::vector<Expanded>& argv, size_t verb_at) {
  static constexpr std::string_view kTmuxValued = "cFnstxyeSlTEw";
  size_t k = verb_at + 1;
  while (k < argv.size() && argv[k].text.size() > 1 && argv[k].text[0] == '-') {
    char last = argv[k].text.back();
    if (kTmuxValued.find(last) != std::string_view::npos && argv[k].text.size() == 2) ++k;
    ++k;
  }
  return k;
}

Stream Tmux(Call& c) {
  const auto& ops = c.fact().operands;
  std::string verb = ops.empty() ? std::string() : c.argv[ops[0]].text;
  if (StartsCommand(verb)) {
    size_t k = TmuxCommandStart(c.argv, ops[0]);
    if (k < c.argv.size()) return c.RunCode(JoinWords(c.argv, k), "tmux " + verb, c.name());
    return UnknownStream(c.name());
  }
  if (verb == "send-keys" || verb == "send") {
    c.Signal(kSignalDynamicScript, "tmux send-keys types into another shell: what runs there is not known");
  }
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
