#include <gtest/gtest.h>

#include "shell/test_util.h"

namespace warden::shell {
namespace {

using namespace testing;

TEST(PathNamesCommandsTest, DirnameAndBasenameAreComputed) {
  Facts f = Analyze("rm -rf \"$(dirname ~/.ssh/id_rsa)\"");
  EXPECT_NE(FindFile(f, FileOp::kDelete, "/home/dev/.ssh"), nullptr) << Dump(f);
  f = Analyze("cd /etc && rm -rf \"$(basename /x/ssh)\"");
  EXPECT_NE(FindFile(f, FileOp::kDelete, "/etc/ssh"), nullptr) << Dump(f);
}

TEST(PathNamesCommandsTest, RealpathAndPwdPrintKnownPaths) {
  Facts f = Analyze("rm -rf \"$(realpath ~)\"");
  EXPECT_NE(FindFile(f, FileOp::kDelete, "/home/dev"), nullptr) << Dump(f);
  f = Analyze("cd / && rm -rf \"$(pwd)\"");
  EXPECT_NE(FindFile(f, FileOp::kDelete, "/"), nullptr) << Dump(f);
}

TEST(PathNamesCommandsTest, UnknownInputStaysUnknown) {
  Facts f = Analyze("rm -rf \"$(dirname \"$X\")\"");
  EXPECT_EQ(FindFile(f, FileOp::kDelete, "/"), nullptr) << Dump(f);
}

}  // namespace
}  // namespace warden::shell
