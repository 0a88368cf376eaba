// gdb: `-ex '!CMD'`, `-ex 'shell CMD'` and `-ex 'pipe …'` run shell commands; `--args PROG …`
// runs the program.
#include "core/strings.h"
#include "shell/analyzer_impl.h"
#include "shell/analyzer_util.h"
#include "shell/commands/families.h"
#include "shell/self_protection.h"

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

// gdb -p PID, --pid=PID, `gdb PROGRAM PID`, -ex 'attach PID': a debugger attached to Warden's
// daemon can change what it decides.
void Attaches(Call& c, const Expanded& pid) {
  if ((pid.bits & kArgWarden) || pid.taint.tainted() || IsWardenPid(pid.text, c.an.options())) {
    c.Signal(kSignalWardenTamper, c.name() + " attaches to Warden's daemon (pid " + pid.text + ")");
  }
}

Stream Gdb(Call& c) {
  for (size_t k = 1; k < c.argv.size(); ++k) {
    const std::string& t = c.argv[k].text;
    if (k + 1 < c.argv.size() && IsEvalFlag(t)) {
      GdbShell(c, c.argv[k + 1]);
      if (MentionsWardenVariable(c.argv[k + 1].text)) {
        c.Signal(kSignalWardenTamper, "gdb sets a WARDEN_ variable in a running process");
      }
      std::string_view cmd = Trim(c.argv[k + 1].text);
      if (cmd.rfind("attach ", 0) == 0) Attaches(c, PlainWord(std::string(Trim(cmd.substr(7))), c.argv[k + 1].bits));
    }
    if ((t == "-p" || t == "--pid") && k + 1 < c.argv.size()) Attaches(c, c.argv[k + 1]);
    if (t.rfind("--pid=", 0) == 0) Attaches(c, PlainWord(t.substr(6), c.argv[k].bits));
    if (t == "--args" && k + 1 < c.argv.size()) return c.Run(Slice(c.argv, k + 1), c.name());
  }
  const auto& ops = c.fact().operands;
  if (ops.size() == 2) Attaches(c, c.argv[ops[1]]);  // gdb PROGRAM PID
  return UnknownStream(c.name());
}

constexpr CommandSpec kModels[] = {
    {.name = "gdb", .family = Family::kRunner, .run = Gdb},
};

}  // namespace

ModelTable DebuggerCommands() { return kModels; }

}  // namespace warden::shell
