// Debuggers (gdb, lldb): commands given with -ex/-o or in command files (-x/-s FILE) can run
// shell commands (`!CMD`, `shell CMD`, `platform shell CMD`, `pipe`) and Python; `--args PROG …`
// runs the program; attaching to Warden's daemon is tampering.
#include "core/strings.h"
#include "shell/analyzer_impl.h"
#include "shell/analyzer_util.h"
#include "shell/commands/families.h"
#include "shell/self_protection.h"

namespace warden::shell {
namespace {

bool IsEvalFlag(std::string_view t) {
  return t == "-ex" || t == "--ex" || t == "-iex" || t == "--eval-command" || t == "--init-eval-command" ||
         t == "-o" || t == "--one-line" || t == "-O" || t == "--one-line-before-file" || t == "-k" ||
         t == "--one-line-on-crash";
}
bool IsScriptFlag(std::string_view t) {
  return t == "-x" || t == "--command" || t == "-ix" || t == "--init-command" || t == "-s" || t == "--source" ||
         t == "-S" || t == "--source-before-file";
}

// One debugger command (gdb or lldb): `!CMD`, `shell CMD`, `pipe … | CMD`, `platform shell CMD`
// run shell commands; `python CODE`, `py CODE`, `script CODE` and `call system("…")` run code
// whose process calls are read like any inline code.
// gdb takes any unambiguous prefix of a command: she, shel, shell.
bool GdbCommandWord(std::string_view cmd, std::string_view full, size_t shortest, std::string_view* rest) {
  const size_t end = cmd.find_first_of(" \t");
  const std::string_view word = cmd.substr(0, end);
  if (word.size() < shortest || word.size() > full.size() || full.substr(0, word.size()) != word) return false;
  *rest = end == std::string_view::npos ? std::string_view() : Trim(cmd.substr(end));
  return true;
}

// `set logging file FILE`: where logging (and the output of every command after it) goes.
void LoggingFile(Call& c, std::string_view cmd) {
  static constexpr std::string_view kPrefix = "set logging file ";
  if (cmd.rfind(kPrefix, 0) != 0) return;
  c.File(FileOp::kWrite, ExpandTilde(std::string(Trim(cmd.substr(kPrefix.size()))), c.an.options().home), 0, false,
         c.name() + " logging");
}

void DebuggerCommand(Call& c, const Expanded& word) {
  std::string_view cmd = Trim(word.text);
  Expanded e = word;
  std::string_view rest;
  LoggingFile(c, cmd);
  if (!cmd.empty() && cmd[0] == '!') {
    e.text = std::string(cmd.substr(1));
  } else if (GdbCommandWord(cmd, "shell", 3, &rest)) {
    e.text = std::string(rest);
  } else if (cmd.rfind("platform shell ", 0) == 0) {
    e.text = std::string(cmd.substr(15));
  } else if ((cmd.rfind("pipe ", 0) == 0 || (!cmd.empty() && cmd[0] == '|')) && cmd.find('|', 1) != std::string_view::npos) {
    e.text = std::string(cmd.substr(cmd.find('|', 1) + 1));  // pipe CMD | SHELL, | CMD | SHELL
  } else {
    c.an.ShellStringsInCode(cmd, "python", c.index, c.st, c.an.Inner(c.ctx, c.name(), false));
    return;
  }
  c.RunCode(e, c.name() + " shell", c.name());
}

// A command file (-x FILE, -s FILE): its lines, when its text is known; the file is run.
void CommandFile(Call& c, const Expanded& file) {
  c.File(FileOp::kExec, file.text, file.bits, false, c.name() + " -x");
  bool decoded = false;
  auto text = c.an.ScriptText(file, c.st, c.in, &decoded);
  if (!text) return;
  for (auto line : Split(*text, '\n')) DebuggerCommand(c, PlainWord(std::string(line)));
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
    if (t.rfind("--eval-command=", 0) == 0 || t.rfind("--one-line=", 0) == 0) {
      Expanded value = c.argv[k];
      value.text = t.substr(t.find('=') + 1);
      DebuggerCommand(c, value);
    }
    if (t.rfind("--command=", 0) == 0 || t.rfind("--source=", 0) == 0) {
      CommandFile(c, PlainWord(t.substr(t.find('=') + 1), c.argv[k].bits));
    }
    if (k + 1 < c.argv.size() && IsScriptFlag(t)) CommandFile(c, c.argv[k + 1]);
    if (k + 1 < c.argv.size() && IsEvalFlag(t)) {
      DebuggerCommand(c, c.argv[k + 1]);
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
    {.name = "lldb", .family = Family::kRunner, .run = Gdb},
    {.name = "cgdb", .family = Family::kRunner, .run = Gdb},
};

}  // namespace

ModelTable DebuggerCommands() { return kModels; }

}  // namespace warden::shell
