#include <gtest/gtest.h>

#include "shell/test_util.h"

namespace warden::shell {
namespace {

using namespace testing;

TEST(DebuggerCommandsTest, ShellCommandsAndArgs) {
  for (std::string_view cmd : {"gdb -batch -ex '!rm -rf /'", "gdb -ex 'shell rm -rf /' -ex quit", "gdb --args rm -rf /"}) {
    Facts f = Analyze(cmd);
    EXPECT_TRUE(HasCommandLine(f, "rm -rf /")) << cmd << ": " << Dump(f);
  }
}

TEST(DebuggerCommandsTest, OrdinaryDebuggingRunsNothing) {
  Facts f = Analyze("gdb -ex run -ex bt ./a.out");
  EXPECT_EQ(f.commands.size(), 1u) << Dump(f);
}

TEST(DebuggerCommandsTest, CommandsAndCommandFilesRunShells) {
  for (std::string_view cmd : {"gdb -batch -ex 'python import os; os.system(\"rm -rf /\")'", "gdb --eval-command='!rm -rf /'",
                               "gdb -batch -x <(echo 'shell rm -rf /')", "echo 'shell rm -rf /' > /tmp/c; gdb -x /tmp/c",
                               "lldb -o 'platform shell rm -rf /'"}) {
    Facts f = Analyze(cmd);
    EXPECT_TRUE(HasCommandLine(f, "rm -rf /")) << cmd << ": " << Dump(f);
  }
}

}  // namespace
// gdb commands by any unambiguous prefix (she), pipes (| CMD | SHELL) and the logging file.
TEST(DebuggerCommandsTest, AbbreviationsPipesAndLogging) {
  EXPECT_TRUE(HasCommandLine(Analyze("gdb -batch -ex 'she rm -rf /tmp/a'"), "rm -rf /tmp/a"));
  EXPECT_TRUE(HasCommandLine(Analyze("gdb -batch -ex '| echo | rm -rf /tmp/b'"), "rm -rf /tmp/b"));
  EXPECT_NE(FindFile(Analyze("gdb -ex 'set logging file ~/.bashrc' -ex 'set logging on'"), FileOp::kWrite,
                     "/home/dev/.bashrc"),
            nullptr);
}

}  // namespace warden::shell
