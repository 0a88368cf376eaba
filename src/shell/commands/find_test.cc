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
  const FileFact* d = FindFile(f, FileOp::kDelete, "/home/dev/project/**/*.pyc");
  ASSERT_NE(d, nullptr) << Dump(f);
  EXPECT_TRUE(d->glob);
}

TEST(FindCommandsTest, ExecRunsWithTheMatchedPaths) {
  Facts f = Analyze("find ~ -type f -exec rm {} \\;");
  const FileFact* d = FindFile(f, FileOp::kDelete, "/home/dev/**");
  ASSERT_NE(d, nullptr) << Dump(f);
  EXPECT_TRUE(d->recursive);
}

TEST(FindCommandsTest, FprintWrites) {
  Facts f = Analyze("find . -fprint /etc/list");
  EXPECT_NE(FindFile(f, FileOp::kWrite, "/etc/list"), nullptr) << Dump(f);
}

}  // namespace
}  // namespace warden::shell
