// gdb: `-ex '!CMD'`, `-ex 'shell CMD'` and `-ex 'pipe …'` run shell commands; `--args PROG …`
// runs the program.
#include "core/strings.h"
#include "shell/analyzer_impl.h"
#include "shell/analyzer_util.h"
#include "shell/commands/families.h"

namespace warden::shell {
namespace {

bool IsEvalFlag(std::string_view t) { return t == "-ex" || t == "--ex" || t == "-iex" || t == "--eval-command"; }

// The shell command a gdb command runs, if any.
void GdbShell(Call& c, const Expanded& word) {
  std::string_view cmd = Trim(word.text);
  Expanded e = word;
  if (!cmd.empty() && cmd[0] == '!') {
    e.text = std::string(cmd.substr(1));
  } else if (cmd.rfind("shell ", 0) == 0 || cmd.rfind("pipe ", 0) == 0) {
    e.text = std::string(cmd.substr(cmd.find(' ') + 1));
  } else {
    return;
  }
  c.RunCode(e, "gdb shell", c.name());
}

Stream Gdb(Call& c) {
  for (size_t k = 1; k + 1 < c.argv.size(); ++k) {
    if (IsEvalFlag(c.argv[k].text)) GdbShell(c, c.argv[k + 1]);
    if (c.argv[k].text == "--args") return c.Run(Slice(c.argv, k + 1), c.name());
  }
  return UnknownStream(c.name());
}

constexpr CommandSpec kModels[] = {
    {.name = "gdb", .family = Family::kRunner, .run = Gdb},
};

}  // namespace

ModelTable DebuggerCommands() { return kModels; }

}  // namespace warden::shell
