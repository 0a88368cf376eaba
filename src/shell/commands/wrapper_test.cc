#include <gtest/gtest.h>

#include "shell/test_util.h"

namespace warden::shell {
namespace {

using namespace testing;

TEST(WrapperCommandsTest, WrappedCommandsAreFound) {
  for (std::string_view cmd : {"sudo -u root rm -rf /", "nice -n 10 rm -rf /", "timeout -s KILL 5 rm -rf /",
                               "nohup rm -rf / &", "stdbuf -o0 rm -rf /", "chroot /mnt rm -rf /",
                               "ionice -c 3 rm -rf /", "setsid rm -rf /", "strace -o log rm -rf /"}) {
    Facts f = Analyze(cmd);
    EXPECT_TRUE(HasCommandLine(f, "rm -rf /")) << cmd << ": " << Dump(f);
  }
}

TEST(WrapperCommandsTest, PrivilegeIsRecorded) {
  Facts f = Analyze("doas rm x");
  const CommandFact* rm = FindCommand(f, "rm");
  ASSERT_NE(rm, nullptr) << Dump(f);
  EXPECT_TRUE(rm->privileged);
  EXPECT_EQ(rm->via, std::vector<std::string>{"doas"});
}

TEST(WrapperCommandsTest, CodeFlagsAreShellStrings) {
  for (std::string_view cmd : {"su -c 'rm -rf /' root", "flock /tmp/l -c 'rm -rf /'", "script -q -c 'rm -rf /' /dev/null",
                               "sg wheel 'rm -rf /'", "watch 'rm -rf /'"}) {
    Facts f = Analyze(cmd);
    EXPECT_TRUE(HasCommandLine(f, "rm -rf /")) << cmd << ": " << Dump(f);
  }
}

TEST(WrapperCommandsTest, SudoChdirMovesTheCommand) {
  Facts f = Analyze("sudo -D /etc rm -rf .");
  EXPECT_NE(FindFile(f, FileOp::kDelete, "/etc"), nullptr) << Dump(f);
}

TEST(WrapperCommandsTest, CommandDashVPrintsAPath) {
  Facts f = Analyze("$(command -v rm) -rf /");
  EXPECT_NE(FindFile(f, FileOp::kDelete, "/"), nullptr) << Dump(f);
}

TEST(WrapperCommandsTest, PrivilegeAndEnvironmentWrappersRunTheirProgram) {
  for (std::string_view cmd : {"setpriv --reuid=1000 rm -rf /", "gosu root rm -rf /", "su-exec root rm -rf /",
                               "chpst -u nobody rm -rf /", "envdir ./env rm -rf /", "eatmydata rm -rf /",
                               "proot -r /tmp/r rm -rf /", "flatpak-spawn --host rm -rf /",
                               "systemd-inhibit --what=idle rm -rf /", "dtach -n /tmp/s rm -rf /", "timelimit -t 5 rm -rf /",
                               "dbus-run-session -- rm -rf /", "lxc-attach -n c1 -- rm -rf /", "schroot -c s -- rm -rf /"}) {
    Facts f = Analyze(cmd);
    EXPECT_NE(FindFile(f, FileOp::kDelete, "/"), nullptr) << cmd << ": " << Dump(f);
  }
}

}  // namespace
}  // namespace warden::shell
