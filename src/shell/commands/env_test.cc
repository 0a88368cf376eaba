#include <gtest/gtest.h>

#include "shell/test_util.h"

namespace warden::shell {
namespace {

using namespace testing;

TEST(EnvCommandsTest, SkipsOptionsAndAssignments) {
  for (std::string_view cmd : {"env rm -rf /", "env -i A=1 B=2 rm -rf /", "env -u HOME -- rm -rf /", "env --unset X rm -rf /"}) {
    Facts f = Analyze(cmd);
    EXPECT_TRUE(HasCommandLine(f, "rm -rf /")) << cmd << ": " << Dump(f);
  }
}

TEST(EnvCommandsTest, SplitStringBecomesWords) {
  for (std::string_view cmd : {"env -S 'rm -rf /'", "env --split-string='rm -rf /'", "env -iS'rm -rf /'"}) {
    Facts f = Analyze(cmd);
    EXPECT_TRUE(HasCommandLine(f, "rm -rf /")) << cmd << ": " << Dump(f);
  }
}

TEST(EnvCommandsTest, ChdirMovesTheCommand) {
  Facts f = Analyze("env -C /etc rm -rf .");
  EXPECT_NE(FindFile(f, FileOp::kDelete, "/etc"), nullptr) << Dump(f);
  Facts g = Analyze("env --chdir=/ rm -rf *");
  EXPECT_NE(FindFile(g, FileOp::kDelete, "/*"), nullptr) << Dump(g);
}

}  // namespace
}  // namespace warden::shell
