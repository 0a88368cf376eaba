#include <gtest/gtest.h>

#include "shell/test_util.h"

namespace warden::shell {
namespace {

using namespace testing;

TEST(NoFileCommandsTest, InformationToolsTouchNoFiles) {
  Facts f = Analyze("ls -la ~/.ssh; stat /etc/passwd; du -sh /var; ps aux");
  EXPECT_TRUE(f.files.empty()) << Dump(f);
}

TEST(NoFileCommandsTest, GlobalOptionsWithValuesFindTheSubcommand) {
  Facts f = Analyze("kubectl -n prod delete pod x; docker -H tcp://h:2375 rm -f c");
  const CommandFact* k = FindCommand(f, "kubectl");
  ASSERT_NE(k, nullptr);
  ASSERT_FALSE(k->operands.empty());
  EXPECT_EQ(k->argv[k->operands[0]], "delete") << Dump(f);
  const CommandFact* d = FindCommand(f, "docker");
  ASSERT_NE(d, nullptr);
  ASSERT_FALSE(d->operands.empty());
  EXPECT_EQ(d->argv[d->operands[0]], "rm") << Dump(f);
}

}  // namespace
}  // namespace warden::shell
