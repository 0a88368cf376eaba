#include <gtest/gtest.h>

#include "shell/test_util.h"

namespace warden::shell {
namespace {

using namespace testing;

TEST(ShellCommandsTest, DashCRunsTheString) {
  for (std::string_view cmd : {"bash -c 'rm -rf /'", "sh -ec 'rm -rf /'", "zsh -c 'rm -rf /'", "dash -c 'rm -rf /'",
                               "fish --command 'rm -rf /'"}) {
    Facts f = Analyze(cmd);
    EXPECT_TRUE(HasCommandLine(f, "rm -rf /")) << cmd << ": " << Dump(f);
  }
}

TEST(ShellCommandsTest, ArgumentsBecomePositionalParameters) {
  Facts f = Analyze("bash -c 'rm -rf \"$1\"' _ /etc");
  EXPECT_NE(FindFile(f, FileOp::kDelete, "/etc"), nullptr) << Dump(f);
}

TEST(ShellCommandsTest, StdinIsTheScript) {
  Facts f = Analyze("echo 'rm -rf ~' | sh");
  EXPECT_NE(FindFile(f, FileOp::kDelete, "/home/dev"), nullptr) << Dump(f);
  Facts g = Analyze("bash -s <<'EOF'\nrm -rf /\nEOF");
  EXPECT_TRUE(HasCommandLine(g, "rm -rf /")) << Dump(g);
}

TEST(ShellCommandsTest, ScriptFileIsExecuted) {
  Facts f = Analyze("bash deploy.sh");
  EXPECT_NE(FindFile(f, FileOp::kExec, "/home/dev/project/deploy.sh"), nullptr) << Dump(f);
}

TEST(ShellCommandsTest, CodeGluedToTheFlagRuns) {
  for (std::string_view cmd : {"sh -c'rm -rf /'", "bash -xc'rm -rf /'"}) {
    Facts f = Analyze(cmd);
    EXPECT_TRUE(HasCommandLine(f, "rm -rf /")) << cmd << ": " << Dump(f);
  }
  Facts f = Analyze("bash -cx 'ls'");
  EXPECT_TRUE(HasCommandLine(f, "ls")) << Dump(f);
}

}  // namespace
}  // namespace warden::shell
