#include <gtest/gtest.h>

#include "shell/test_util.h"

namespace warden::shell {
namespace {

using namespace testing;

TEST(EditCommandsTest, SedInPlaceWritesAndPlainSedReads) {
  Facts f = Analyze("sed -i 's/a/b/' conf; sed -n 1p notes");
  EXPECT_NE(FindFile(f, FileOp::kWrite, "/home/dev/project/conf"), nullptr) << Dump(f);
  EXPECT_NE(FindFile(f, FileOp::kRead, "/home/dev/project/notes"), nullptr) << Dump(f);
  EXPECT_EQ(FindFile(f, FileOp::kWrite, "/home/dev/project/notes"), nullptr) << Dump(f);
}

TEST(EditCommandsTest, SedScriptsRunAndWrite) {
  Facts f = Analyze("sed -n '1e rm -rf /' x; sed 'w /etc/passwd' y");
  EXPECT_TRUE(HasCommandLine(f, "rm -rf /")) << Dump(f);
  EXPECT_NE(FindFile(f, FileOp::kWrite, "/etc/passwd"), nullptr) << Dump(f);
}

TEST(EditCommandsTest, SedSubstituteExecute) {
  Facts f = Analyze("echo x | sed 's/x/rm -rf ~/e'");
  EXPECT_TRUE(HasSignal(f, kSignalDynamicScript)) << Dump(f);
  EXPECT_NE(FindFile(f, FileOp::kDelete, "/home/dev"), nullptr) << Dump(f);
}

TEST(EditCommandsTest, VimBangCommandsRun) {
  Facts f = Analyze("vim -c ':!rm -rf /' +q file.txt");
  EXPECT_TRUE(HasCommandLine(f, "rm -rf /")) << Dump(f);
  EXPECT_NE(FindFile(f, FileOp::kWrite, "/home/dev/project/file.txt"), nullptr) << Dump(f);
  EXPECT_TRUE(HasSignal(f, kSignalInlineCode)) << "+q is vim code: " << Dump(f);
}

TEST(EditCommandsTest, EditorsReadAndWrite) {
  Facts f = Analyze("nano ~/.bashrc");
  EXPECT_NE(FindFile(f, FileOp::kWrite, "/home/dev/.bashrc"), nullptr) << Dump(f);
  EXPECT_NE(FindFile(f, FileOp::kRead, "/home/dev/.bashrc"), nullptr) << Dump(f);
}

}  // namespace
}  // namespace warden::shell
