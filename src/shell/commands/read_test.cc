#include <gtest/gtest.h>

#include "shell/test_util.h"

namespace warden::shell {
namespace {

using namespace testing;

TEST(ReadCommandsTest, ReadersReadTheirOperands) {
  Facts f = Analyze("cat a; head -n 5 b; tail -f c; wc -l d; sha256sum e; diff f g");
  for (std::string_view p : {"a", "b", "c", "d", "e", "f", "g"}) {
    EXPECT_NE(FindFile(f, FileOp::kRead, "/home/dev/project/" + std::string(p)), nullptr) << p << ": " << Dump(f);
  }
  EXPECT_EQ(FindFile(f, FileOp::kRead, "/home/dev/project/5"), nullptr) << "-n takes a value: " << Dump(f);
}

TEST(ReadCommandsTest, DecodedDataPipedToAShellIsRemoteCodeLike) {
  Facts f = Analyze("echo cm0gLXJmIH4= | base64 -d | sh");
  EXPECT_TRUE(HasSignal(f, kSignalRce)) << Dump(f);
}

TEST(ReadCommandsTest, CatOfAFileWrittenEarlierPrintsItsText) {
  Facts f = Analyze("echo 'rm -rf /' > x; cat x | sh");
  const FileFact* d = FindFile(f, FileOp::kDelete, "/");
  ASSERT_NE(d, nullptr) << Dump(f);
  EXPECT_TRUE(d->recursive);
}

TEST(ReadCommandsTest, SortOutputAndUniqSecondOperandWrite) {
  Facts f = Analyze("sort -o out.txt in.txt; uniq in.txt dedup.txt");
  EXPECT_NE(FindFile(f, FileOp::kWrite, "/home/dev/project/out.txt"), nullptr) << Dump(f);
  EXPECT_NE(FindFile(f, FileOp::kWrite, "/home/dev/project/dedup.txt"), nullptr) << Dump(f);
  EXPECT_NE(FindFile(f, FileOp::kRead, "/home/dev/project/in.txt"), nullptr) << Dump(f);
}

TEST(ReadCommandsTest, JqSkipsItsFilter) {
  Facts f = Analyze("jq .name package.json");
  EXPECT_NE(FindFile(f, FileOp::kRead, "/home/dev/project/package.json"), nullptr) << Dump(f);
  EXPECT_EQ(FindFile(f, FileOp::kRead, "/home/dev/project/.name"), nullptr) << Dump(f);
}

TEST(ReadCommandsTest, WritersThatLookLikeReaders) {
  Facts f = Analyze("yq -i '.a = 1' conf.yaml; xxd -r dump.hex out.bin; iconv -f utf-8 -t ascii -o /etc/motd in.txt");
  EXPECT_NE(FindFile(f, FileOp::kWrite, "/home/dev/project/conf.yaml"), nullptr) << Dump(f);
  EXPECT_NE(FindFile(f, FileOp::kWrite, "/home/dev/project/out.bin"), nullptr) << Dump(f);
  EXPECT_NE(FindFile(f, FileOp::kWrite, "/etc/motd"), nullptr) << Dump(f);
  Facts g = Analyze("echo 726d202d7266202f | xxd -r -p | sh");
  EXPECT_TRUE(HasSignal(g, kSignalRce)) << Dump(g);
}
TEST(ReadCommandsTest, ManPagerRuns) {
  Facts f = Analyze("man -P 'rm -rf /' ls");
  EXPECT_TRUE(HasCommandLine(f, "rm -rf /")) << Dump(f);
}

}  // namespace
// Text Warden can compute is computed: tr -d SET (escapes too), cut -c LIST, openssl base64 -d.
TEST(ReadCommandsTest, KnownTextThroughFilters) {
  EXPECT_TRUE(HasCommandLine(Analyze("echo 'rm -rf /tmpX/a' | tr -d X | bash"), "rm -rf /tmp/a"));
  EXPECT_TRUE(HasCommandLine(Analyze("echo 'Xrm -rf /tmp/b' | cut -c2- | bash"), "rm -rf /tmp/b"));
  EXPECT_TRUE(HasCommandLine(Analyze("echo cm0gLXJmIC90bXAvYw== | openssl base64 -d | sh"), "rm -rf /tmp/c"));
  EXPECT_TRUE(HasCommandLine(Analyze("printf 'rm\\t-rf /tmp/d' | tr '\\t' ' ' | sh"), "rm -rf /tmp/d"));
}

}  // namespace warden::shell
