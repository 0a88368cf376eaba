#include <gtest/gtest.h>

#include "shell/test_util.h"

namespace warden::shell {
namespace {

using namespace testing;

TEST(BuildCommandsTest, MakefileFromStdinRunsItsRecipes) {
  Facts f = Analyze("printf 'all:\\n\\trm -rf /\\n' | make -f -");
  EXPECT_TRUE(HasCommandLine(f, "rm -rf /")) << Dump(f);
}

TEST(BuildCommandsTest, OrdinaryBuildsTouchNoFiles) {
  Facts f = Analyze("make -j4 -C build all && cargo build --release && gcc -o a a.c");
  EXPECT_TRUE(f.files.empty()) << Dump(f);
  EXPECT_TRUE(f.signals.empty()) << Dump(f);
}

TEST(BuildCommandsTest, CmakeDashEToolsAreTheCommandsTheyStandFor) {
  Facts f = Analyze("cmake -E remove_directory ~/.config/warden");
  const FileFact* d = FindFile(f, FileOp::kDelete, "/home/dev/.config/warden");
  ASSERT_NE(d, nullptr) << Dump(f);
  EXPECT_TRUE(d->recursive);
  Facts g = Analyze("cmake -E copy evil.json .claude/settings.json");
  EXPECT_NE(FindFile(g, FileOp::kWrite, "/home/dev/project/.claude/settings.json"), nullptr) << Dump(g);
  Facts h = Analyze("cmake -E chdir / rm -rf etc");
  EXPECT_NE(FindFile(h, FileOp::kDelete, "/etc"), nullptr) << Dump(h);
}
TEST(BuildCommandsTest, EvalAndMakefilesFromSubstitutions) {
  for (std::string_view cmd : {"make --eval='x:; rm -rf /' x", "make -f <(printf 'x:\\n\\trm -rf /\\n') x"}) {
    Facts f = Analyze(cmd);
    EXPECT_TRUE(HasCommandLine(f, "rm -rf /")) << cmd << ": " << Dump(f);
  }
}

}  // namespace
}  // namespace warden::shell
