#include <gtest/gtest.h>

#include "shell/test_util.h"

namespace warden::shell {
namespace {

using namespace testing;

TEST(CopyCommandsTest, CopyReadsSourcesAndWritesDestination) {
  Facts f = Analyze("cp a.txt b.txt");
  EXPECT_NE(FindFile(f, FileOp::kRead, "/home/dev/project/a.txt"), nullptr) << Dump(f);
  EXPECT_NE(FindFile(f, FileOp::kWrite, "/home/dev/project/b.txt"), nullptr) << Dump(f);
}

TEST(CopyCommandsTest, IntoADirectoryWritesDestSlashName) {
  Facts f = Analyze("cp -r src/ conf.yaml /etc/app/");
  EXPECT_NE(FindFile(f, FileOp::kWrite, "/etc/app/conf.yaml"), nullptr) << Dump(f);
  const FileFact* r = FindFile(f, FileOp::kRead, "/home/dev/project/src");
  ASSERT_NE(r, nullptr) << Dump(f);
  EXPECT_TRUE(r->recursive);
}

TEST(CopyCommandsTest, TargetDirectoryOption) {
  Facts f = Analyze("cp -t /etc/cron.d job");
  EXPECT_NE(FindFile(f, FileOp::kWrite, "/etc/cron.d/job"), nullptr) << Dump(f);
}

TEST(CopyCommandsTest, MoveDeletesItsSources) {
  Facts f = Analyze("mv ~/.ssh /tmp/x");
  const FileFact* d = FindFile(f, FileOp::kDelete, "/home/dev/.ssh");
  ASSERT_NE(d, nullptr) << Dump(f);
  EXPECT_TRUE(d->recursive);
}

TEST(CopyCommandsTest, CopiedProgramKeepsItsName) {
  Facts f = Analyze("cp /bin/rm ./x && ./x -rf /");
  const FileFact* d = FindFile(f, FileOp::kDelete, "/");
  ASSERT_NE(d, nullptr) << Dump(f);
  EXPECT_TRUE(d->recursive);
}

TEST(CopyCommandsTest, LinksAreFollowedLater) {
  Facts f = Analyze("ln -s ~ h && rm -rf h/");
  EXPECT_NE(FindFile(f, FileOp::kDelete, "/home/dev"), nullptr) << Dump(f);
}

TEST(CopyCommandsTest, InstallDirectoryCreatesIt) {
  Facts f = Analyze("install -d /usr/local/share/x");
  EXPECT_NE(FindFile(f, FileOp::kWrite, "/usr/local/share/x"), nullptr) << Dump(f);
}

TEST(CopyCommandsTest, ReplacingALinkReplacesWhatLiesBelow) {
  Facts f = Analyze("ln -sfn /tmp/evil ~/.config");
  const FileFact* w = FindFile(f, FileOp::kWrite, "/home/dev/.config");
  ASSERT_NE(w, nullptr) << Dump(f);
  EXPECT_TRUE(w->recursive);
}
}  // namespace
}  // namespace warden::shell
