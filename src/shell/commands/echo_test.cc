#include <gtest/gtest.h>

#include "shell/test_util.h"

namespace warden::shell {
namespace {

using namespace testing;

TEST(EchoCommandsTest, EchoEscapesAreDecoded) {
  Facts f = Analyze("echo -e 'rm -rf \\x2f' | sh");
  EXPECT_TRUE(HasCommandLine(f, "rm -rf /")) << Dump(f);
}

TEST(EchoCommandsTest, PrintfFormatsItsArguments) {
  Facts f = Analyze("printf '%s -rf %s' rm / | bash");
  EXPECT_TRUE(HasCommandLine(f, "rm -rf /")) << Dump(f);
}

TEST(EchoCommandsTest, PrintfDashVAssigns) {
  Facts f = Analyze("printf -v t '%s' /etc; rm -rf \"$t\"");
  EXPECT_NE(FindFile(f, FileOp::kDelete, "/etc"), nullptr) << Dump(f);
}

TEST(EchoCommandsTest, UnknownWordsMakeUnknownOutput) {
  Facts f = Analyze("echo \"$X\" | sh");
  EXPECT_TRUE(HasSignal(f, kSignalDynamicScript)) << Dump(f);
}

}  // namespace
}  // namespace warden::shell
