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

TEST(RunnerCommandsTest, PackageVersionsAndCallStringsAreRuns) {
  Facts f = Analyze("npx -y rimraf@5.0.0 /etc");
  EXPECT_NE(FindFile(f, FileOp::kDelete, "/etc"), nullptr) << Dump(f);
  for (std::string_view cmd : {"npm exec -c 'rm -rf /'", "npx -c 'rm -rf /'", "uvx --from x==1 rm -rf /",
                               "pipx run --spec x rm -rf /", "ip netns exec ns1 rm -rf /", "perf stat -- rm -rf /",
                               "hyperfine --runs 1 'rm -rf /'", "watchexec -- rm -rf /", "toolbox run rm -rf /"}) {
    Facts g = Analyze(cmd);
    EXPECT_NE(FindFile(g, FileOp::kDelete, "/"), nullptr) << cmd << ": " << Dump(g);
  }
}

TEST(RunnerCommandsTest, OrdinaryToolRunsHaveNoFileEffects) {
  Facts f = Analyze("uvx ruff@0.4 check");
  for (const auto& file : f.files) EXPECT_TRUE(file.op == FileOp::kAccess || file.op == FileOp::kRead) << Dump(f);
  EXPECT_NE(FindCommand(f, "ruff"), nullptr) << Dump(f);
}

}  // namespace
}  // namespace warden::shell
