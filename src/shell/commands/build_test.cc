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
// make's command line can hold makefile text: VAR=VALUE operands ($(shell …) runs; a command
// line a recipe may run is a guess), --file=<(…), and -C DIR moves the recipes.
TEST(BuildCommandsTest, MakeOverridesFilesAndDirectories) {
  EXPECT_TRUE(HasCommandLine(Analyze("make 'X:=$(shell rm -rf /tmp/a)'"), "rm -rf /tmp/a"));
  EXPECT_TRUE(HasCommandLine(Analyze("make CC='rm -rf /tmp/b;' all"), "rm -rf /tmp/b"));
  EXPECT_TRUE(HasCommandLine(Analyze("make --file=<(printf 'all:\\n\\trm -rf /tmp/c\\n')"), "rm -rf /tmp/c"));
  Facts f = Analyze("make -C / -f <(printf 'all:\\n\\trm -rf tmp/d\\n')");
  EXPECT_NE(FindFile(f, FileOp::kDelete, "/tmp/d"), nullptr) << Dump(f);
  Facts g = Analyze("make -j4 CFLAGS='-O2 -g' PREFIX=/usr/local all");
  EXPECT_TRUE(g.files.empty()) << Dump(g);
}

}  // namespace warden::shell
