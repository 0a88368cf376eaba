#include <gtest/gtest.h>

#include "shell/test_util.h"

namespace warden::shell {
namespace {

using namespace testing;

TEST(SearchCommandsTest, GrepReadsFilesAfterThePattern) {
  Facts f = Analyze("grep -n TODO src/main.c");
  EXPECT_NE(FindFile(f, FileOp::kRead, "/home/dev/project/src/main.c"), nullptr) << Dump(f);
  EXPECT_EQ(FindFile(f, FileOp::kRead, "/home/dev/project/TODO"), nullptr) << Dump(f);
}

TEST(SearchCommandsTest, RecursiveGrepReadsTrees) {
  Facts f = Analyze("grep -r password ~/.aws");
  const FileFact* r = FindFile(f, FileOp::kRead, "/home/dev/.aws");
  ASSERT_NE(r, nullptr) << Dump(f);
  EXPECT_TRUE(r->recursive);
}

TEST(SearchCommandsTest, RipgrepRecursesFromHereWithoutAPath) {
  Facts f = Analyze("rg -e secret");
  const FileFact* r = FindFile(f, FileOp::kRead, "/home/dev/project");
  ASSERT_NE(r, nullptr) << Dump(f);
  EXPECT_TRUE(r->recursive);
}

TEST(SearchCommandsTest, PatternFileIsRead) {
  Facts f = Analyze("grep -f patterns.txt log");
  EXPECT_NE(FindFile(f, FileOp::kRead, "/home/dev/project/patterns.txt"), nullptr) << Dump(f);
  EXPECT_NE(FindFile(f, FileOp::kRead, "/home/dev/project/log"), nullptr) << Dump(f);
}

}  // namespace
}  // namespace warden::shell
