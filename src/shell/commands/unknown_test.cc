#include <gtest/gtest.h>

#include "shell/test_util.h"

namespace warden::shell {
namespace {

using namespace testing;

TEST(UnknownCommandsTest, OperandsAreGuessedReads) {
  Facts f = Analyze("frobnicate --level 3 notes.txt");
  const FileFact* r = FindFile(f, FileOp::kRead, "/home/dev/project/notes.txt");
  ASSERT_NE(r, nullptr) << Dump(f);
  EXPECT_TRUE(r->guessed);
}

TEST(UnknownCommandsTest, UrlsAreNotFiles) {
  Facts f = Analyze("frobnicate https://example.com/x");
  EXPECT_TRUE(f.files.empty()) << Dump(f);
}

TEST(UnknownCommandsTest, PathLikeOptionValuesAreGuessedReads) {
  Facts f = Analyze("frobnicate --config=~/.aws/credentials");
  EXPECT_NE(FindFile(f, FileOp::kRead, "/home/dev/.aws/credentials"), nullptr) << Dump(f);
}

}  // namespace
}  // namespace warden::shell
