// The approver key is read with the daemon's checks wherever it is read (approve, deny, the
// monitor, the daemon itself); files in a temporary state directory.
#include "local/approver_key.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

namespace warden::local {
namespace {

class ApproverKeyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/warden-approver-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
  }
  void TearDown() override { std::system(("rm -rf '" + dir_ + "'").c_str()); }
  void Write(const std::string& text, mode_t mode) {
    std::string p = ApproverKeyPath(dir_);
    ::unlink(p.c_str());
    std::ofstream(p) << text;
    ::chmod(p.c_str(), mode);
  }
  std::string dir_;
};

TEST_F(ApproverKeyTest, TheDaemonMakesItOnceAndEveryReaderGetsTheSame) {
  EXPECT_FALSE(ReadApproverKey(dir_).ok()) << "no key yet";
  auto made = LoadOrCreateApproverKey(dir_);
  ASSERT_TRUE(made.ok()) << made.status().message();
  EXPECT_EQ(made->size(), 64u);
  struct stat st {};
  ASSERT_EQ(::stat(ApproverKeyPath(dir_).c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto again = LoadOrCreateApproverKey(dir_);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *made);
  auto read = ReadApproverKey(dir_);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(*read, *made);
}

TEST_F(ApproverKeyTest, AKeyOthersCanReadIsRefused) {
  Write(std::string(64, 'a') + "\n", 0640);
  auto k = ReadApproverKey(dir_);
  ASSERT_FALSE(k.ok());
  EXPECT_NE(k.status().message().find("mode 0600"), std::string::npos) << k.status().message();
  EXPECT_FALSE(LoadOrCreateApproverKey(dir_).ok()) << "the daemon refuses it too";
}

TEST_F(ApproverKeyTest, ShortOrNonHexContentOrASymlinkIsRefused) {
  Write("abc\n", 0600);
  EXPECT_FALSE(ReadApproverKey(dir_).ok());
  Write(std::string(63, 'a') + "z\n", 0600);
  EXPECT_FALSE(ReadApproverKey(dir_).ok());
  Write(std::string(64, 'f') + "\n", 0600);
  EXPECT_TRUE(ReadApproverKey(dir_).ok());
  std::string real = dir_ + "/real.key";
  ::rename(ApproverKeyPath(dir_).c_str(), real.c_str());
  ASSERT_EQ(::symlink(real.c_str(), ApproverKeyPath(dir_).c_str()), 0);
  EXPECT_FALSE(ReadApproverKey(dir_).ok()) << "a symlink could point anywhere";
}

}  // namespace
}  // namespace warden::local
