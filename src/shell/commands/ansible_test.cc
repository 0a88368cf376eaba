#include <gtest/gtest.h>

#include "shell/test_util.h"

namespace warden::shell {
namespace {

using namespace testing;

TEST(AnsibleCommandsTest, ShellModulesRunTheirArguments) {
  for (std::string_view cmd : {"ansible localhost -m shell -a 'rm -rf /'", "ansible all -m command -a 'rm -rf /'",
                               "ansible localhost -m ansible.builtin.raw -a 'rm -rf /'",
                               "ansible -i hosts web --module-name=shell --args='rm -rf /'"}) {
    Facts f = Analyze(cmd);
    EXPECT_NE(FindFile(f, FileOp::kDelete, "/"), nullptr) << cmd << ": " << Dump(f);
  }
}

TEST(AnsibleCommandsTest, FileModulesHaveTheirEffects) {
  Facts f = Analyze("ansible all -m file -a 'path=/etc state=absent'");
  EXPECT_NE(FindFile(f, FileOp::kDelete, "/etc"), nullptr) << Dump(f);
  f = Analyze("ansible all -m copy -a 'src=x dest=/etc/sudoers'");
  EXPECT_NE(FindFile(f, FileOp::kWrite, "/etc/sudoers"), nullptr) << Dump(f);
}

TEST(AnsibleCommandsTest, ReadOnlyModulesHaveNone) {
  Facts f = Analyze("ansible all -m ping");
  EXPECT_TRUE(f.files.empty()) << Dump(f);
}

}  // namespace
}  // namespace warden::shell
