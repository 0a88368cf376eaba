#include <gtest/gtest.h>

#include "shell/test_util.h"

namespace warden::shell {
namespace {

using namespace testing;

TEST(DeleteCommandsTest, RmIsRecursiveOnlyWithR) {
  Facts f = Analyze("rm -rf build; rm old.log");
  const FileFact* tree = FindFile(f, FileOp::kDelete, "/home/dev/project/build");
  ASSERT_NE(tree, nullptr) << Dump(f);
  EXPECT_TRUE(tree->recursive);
  const FileFact* one = FindFile(f, FileOp::kDelete, "/home/dev/project/old.log");
  ASSERT_NE(one, nullptr) << Dump(f);
  EXPECT_FALSE(one->recursive);
}

TEST(DeleteCommandsTest, LongAndAbbreviatedRecursiveFlags) {
  for (std::string_view cmd : {"rm --recursive --force /srv", "rm --recur /srv", "rm -R /srv"}) {
    Facts f = Analyze(cmd);
    const FileFact* d = FindFile(f, FileOp::kDelete, "/srv");
    ASSERT_NE(d, nullptr) << cmd << ": " << Dump(f);
    EXPECT_TRUE(d->recursive) << cmd;
  }
}

TEST(DeleteCommandsTest, RimrafAlwaysRecursesAndShredWritesUnlessRemoving) {
  Facts f = Analyze("rimraf dist; shred secret.txt; shred -u gone.txt");
  ASSERT_NE(FindFile(f, FileOp::kDelete, "/home/dev/project/dist"), nullptr) << Dump(f);
  EXPECT_TRUE(FindFile(f, FileOp::kDelete, "/home/dev/project/dist")->recursive);
  EXPECT_NE(FindFile(f, FileOp::kWrite, "/home/dev/project/secret.txt"), nullptr) << Dump(f);
  EXPECT_NE(FindFile(f, FileOp::kDelete, "/home/dev/project/gone.txt"), nullptr) << Dump(f);
}

TEST(DeleteCommandsTest, OptionsAfterOperandsStillCount) {
  Facts f = Analyze("rm ~ -r -f");
  const FileFact* d = FindFile(f, FileOp::kDelete, "/home/dev");
  ASSERT_NE(d, nullptr) << Dump(f);
  EXPECT_TRUE(d->recursive);
}

}  // namespace
}  // namespace warden::shell
