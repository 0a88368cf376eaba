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

}  // namespace
}  // namespace warden::shell
