#include <gtest/gtest.h>

#include "shell/test_util.h"

namespace warden::shell {
namespace {

using namespace testing;

TEST(RunnerCommandsTest, RunVerbsRunTheirCommand) {
  for (std::string_view cmd : {"poetry run rm -rf /", "uv run -- rm -rf /", "npm exec -- rm -rf /", "pnpm dlx rm -rf /",
                               "bundle exec rm -rf /", "npx rm -rf /"}) {
    Facts f = Analyze(cmd);
    EXPECT_TRUE(HasCommandLine(f, "rm -rf /")) << cmd << ": " << Dump(f);
  }
}

TEST(RunnerCommandsTest, OtherVerbsAreNotRuns) {
  Facts f = Analyze("npm install left-pad");
  EXPECT_EQ(f.commands.size(), 1u) << Dump(f);
  EXPECT_TRUE(f.files.empty()) << "npm's operands are no files: " << Dump(f);
}

TEST(RunnerCommandsTest, DevShellsRunTheirStrings) {
  for (std::string_view cmd : {"nix-shell -p jq --run 'rm -rf /'", "nix develop -c rm -rf /", "direnv exec . rm -rf /"}) {
    Facts f = Analyze(cmd);
    EXPECT_TRUE(HasCommandLine(f, "rm -rf /")) << cmd << ": " << Dump(f);
  }
}

TEST(RunnerCommandsTest, LoaderSandboxAndLimiterRunTheirProgram) {
  for (std::string_view cmd : {"/lib64/ld-linux-x86-64.so.2 /bin/rm -rf /", "bwrap --bind / / --dev /dev rm -rf /",
                               "cpulimit -l 50 -- rm -rf /"}) {
    Facts f = Analyze(cmd);
    EXPECT_NE(FindFile(f, FileOp::kDelete, "/"), nullptr) << cmd << ": " << Dump(f);
  }
}

}  // namespace
}  // namespace warden::shell
