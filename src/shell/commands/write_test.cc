#include <gtest/gtest.h>

#include "shell/test_util.h"

namespace warden::shell {
namespace {

using namespace testing;

TEST(WriteCommandsTest, TeeWritesAndRemembersWhatItWrote) {
  Facts f = Analyze("echo 'rm -rf ~' | tee run.sh >/dev/null; bash run.sh");
  EXPECT_NE(FindFile(f, FileOp::kWrite, "/home/dev/project/run.sh"), nullptr) << Dump(f);
  EXPECT_NE(FindFile(f, FileOp::kDelete, "/home/dev"), nullptr) << "the script's text is known: " << Dump(f);
}

TEST(WriteCommandsTest, CreatorsWriteTheirOperands) {
  Facts f = Analyze("touch a; mkdir -p -m 700 b; truncate -s 0 c; sponge d");
  for (std::string_view p : {"a", "b", "c", "d"}) {
    EXPECT_NE(FindFile(f, FileOp::kWrite, "/home/dev/project/" + std::string(p)), nullptr) << p << ": " << Dump(f);
  }
  EXPECT_EQ(FindFile(f, FileOp::kWrite, "/home/dev/project/700"), nullptr) << "-m takes a value: " << Dump(f);
}

TEST(WriteCommandsTest, DdReadsIfAndWritesOf) {
  Facts f = Analyze("dd if=/dev/zero of=/dev/sda bs=1M");
  EXPECT_NE(FindFile(f, FileOp::kRead, "/dev/zero"), nullptr) << Dump(f);
  EXPECT_NE(FindFile(f, FileOp::kWrite, "/dev/sda"), nullptr) << Dump(f);
}

TEST(WriteCommandsTest, ModeChangersSkipTheModeAndRecurseWithR) {
  Facts f = Analyze("chmod -R 755 /etc; chown root:root file; chmod -w ro.txt");
  const FileFact* etc = FindFile(f, FileOp::kWrite, "/etc");
  ASSERT_NE(etc, nullptr) << Dump(f);
  EXPECT_TRUE(etc->recursive);
  EXPECT_EQ(FindFile(f, FileOp::kWrite, "/home/dev/project/755"), nullptr) << Dump(f);
  EXPECT_NE(FindFile(f, FileOp::kWrite, "/home/dev/project/file"), nullptr) << Dump(f);
  EXPECT_NE(FindFile(f, FileOp::kWrite, "/home/dev/project/ro.txt"), nullptr) << Dump(f);
}

TEST(WriteCommandsTest, PatchWritesBelowItsDirectory) {
  Facts f = Analyze("patch -p1 -d /opt/app < fix.diff");
  const FileFact* w = FindFile(f, FileOp::kWrite, "/opt/app/**");
  ASSERT_NE(w, nullptr) << Dump(f);
  EXPECT_TRUE(w->recursive);
}

}  // namespace
// A chmod that leaves group and others nothing changes no content and lets nobody in: no
// write, except on Warden's files, the agents' settings and what holds them (chmod 000 there
// switches Warden off).
TEST(WriteCommandsTest, TighteningChmodWritesNothingButKeepsOutOfWarden) {
  for (std::string_view cmd : {"chmod 600 ~/.ssh/id_rsa", "chmod 700 ~/.ssh", "chmod go-rwx ~/.ssh/config",
                               "chmod u=rw,go= ~/.netrc", "chmod 0400 .env"}) {
    Facts f = AnalyzeWithDaemon(cmd);
    EXPECT_TRUE(f.files.empty()) << cmd << ": " << Dump(f);
  }
  for (std::string_view cmd : {"chmod 000 ~/.config/warden/policy.yaml", "chmod 000 ~/.claude/settings.json",
                               "chmod -R 700 ~/.config", "chmod 000 ~/.claude.json", "chmod 600 .warden/policy.yaml",
                               "chmod 644 ~/.ssh/id_rsa", "chmod 755 /etc", "chmod u+x .git/hooks/pre-commit",
                               "chmod go+w ~/.bashrc", "chmod 4700 ~/bin/x", "chmod a=,g+w ~/.bashrc"}) {
    Facts f = AnalyzeWithDaemon(cmd);
    EXPECT_FALSE(f.files.empty()) << cmd << ": " << Dump(f);
  }
}

}  // namespace warden::shell
