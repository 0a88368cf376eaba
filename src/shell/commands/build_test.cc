#include <gtest/gtest.h>

#include "shell/test_util.h"

namespace warden::shell {
namespace {

using namespace testing;

TEST(BuildCommandsTest, MakefileFromStdinRunsItsRecipes) {
  Facts f = Analyze("printf 'all:\\n\\trm -rf /\\n' | make -f -");
  EXPECT_TRUE(HasCommandLine(f, "rm -rf /")) << Dump(f);
}

TEST(BuildCommandsTest, OrdinaryBuildsTouchNoFiles) {
  Facts f = Analyze("make -j4 -C build all && cargo build --release && gcc -o a a.c");
  EXPECT_TRUE(f.files.empty()) << Dump(f);
  EXPECT_TRUE(f.signals.empty()) << Dump(f);
}

}  // namespace
}  // namespace warden::shell
