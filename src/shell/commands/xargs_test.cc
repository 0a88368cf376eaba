#include <gtest/gtest.h>

#include "shell/test_util.h"

namespace warden::shell {
namespace {

using namespace testing;

TEST(XargsCommandsTest, LiteralItemsAreAppended) {
  Facts f = Analyze("echo / | xargs rm -rf");
  EXPECT_TRUE(HasCommandLine(f, "rm -rf /")) << Dump(f);
}

TEST(XargsCommandsTest, ReplaceStringTakesEachItem) {
  Facts f = Analyze("printf '%s\\n' /etc ~ | xargs -I@ rm -rf @");
  EXPECT_NE(FindFile(f, FileOp::kDelete, "/etc"), nullptr) << Dump(f);
  EXPECT_NE(FindFile(f, FileOp::kDelete, "/home/dev"), nullptr) << Dump(f);
}

TEST(XargsCommandsTest, FindOutputWithoutANameFilterStandsForTheTree) {
  Facts f = Analyze("find ~ -type f | xargs rm");
  const FileFact* d = FindFile(f, FileOp::kDelete, "/home/dev");
  ASSERT_NE(d, nullptr) << Dump(f);
  EXPECT_TRUE(d->recursive);
}

TEST(XargsCommandsTest, UnknownInputIsOneDynamicItem) {
  Facts f = Analyze("cat list | xargs rm -rf");
  ASSERT_FALSE(f.files.empty()) << Dump(f);
  EXPECT_TRUE(std::any_of(f.files.begin(), f.files.end(), [](const FileFact& x) { return x.op == FileOp::kDelete && x.dynamic; }))
      << Dump(f);
}

TEST(XargsCommandsTest, ParallelArgumentsAndTemplates) {
  Facts f = Analyze("parallel rm -rf {} ::: /srv ~");
  EXPECT_NE(FindFile(f, FileOp::kDelete, "/srv"), nullptr) << Dump(f);
  EXPECT_NE(FindFile(f, FileOp::kDelete, "/home/dev"), nullptr) << Dump(f);
  Facts g = Analyze("parallel ::: 'rm -rf /'");
  EXPECT_TRUE(HasCommandLine(g, "rm -rf /")) << Dump(g);
}

TEST(XargsCommandsTest, ItemsFromArgFilesAndRedirectedFiles) {
  for (std::string_view cmd : {"xargs -a <(echo /) rm -rf", "echo / > /tmp/l; xargs rm -rf < /tmp/l",
                               "echo / > /tmp/l; xargs -a /tmp/l rm -rf"}) {
    Facts f = Analyze(cmd);
    EXPECT_NE(FindFile(f, FileOp::kDelete, "/"), nullptr) << cmd << ": " << Dump(f);
  }
}

TEST(XargsCommandsTest, ParallelQuotesItsArguments) {
  Facts f = Analyze("parallel -j1 sh -c ::: 'rm -rf /'");
  EXPECT_TRUE(HasCommandLine(f, "rm -rf /")) << Dump(f);
  f = Analyze("find / -name x | parallel rm -rf");
  EXPECT_NE(FindFile(f, FileOp::kDelete, "/**/x"), nullptr) << Dump(f);
  f = Analyze("parallel --version");
  EXPECT_FALSE(HasSignal(f, kSignalDynamicScript)) << Dump(f);
}

// Several input sources: every combination, {N} the Nth source's item; {1} with one source.
TEST(XargsCommandsTest, ParallelSourcesCombine) {
  for (std::string_view cmd : {"parallel {1} -rf {2} ::: rm ::: /", "parallel 'sh -c {1}' ::: 'rm -rf /'",
                               "parallel rm -rf ::: / ::: /etc"}) {
    Facts f = Analyze(cmd);
    EXPECT_NE(FindFile(f, FileOp::kDelete, "/"), nullptr) << cmd << ": " << Dump(f);
  }
  Facts f = Analyze("parallel echo {1}-{2} ::: a b ::: 1 2");
  EXPECT_TRUE(HasCommandLine(f, "echo a-1")) << Dump(f);
  EXPECT_TRUE(HasCommandLine(f, "echo b-2")) << Dump(f);
}

}  // namespace
// GNU parallel quotes what it substitutes: an item only known at run time is one unknown word
// in each replacement string, not code; items from the network still run as code.
TEST(XargsCommandsTest, ParallelItemsUnknownAreWordsNotCode) {
  Facts f = Analyze("ls *.md | parallel -j4 pandoc {} -o build/{.}.html");
  EXPECT_FALSE(HasSignal(f, kSignalDynamicScript)) << Dump(f);
  EXPECT_NE(FindCommand(f, "pandoc"), nullptr) << Dump(f);
  Facts g = Analyze("cat list | parallel rm -rf {}");
  EXPECT_TRUE(std::any_of(g.files.begin(), g.files.end(), [](const FileFact& x) { return x.op == FileOp::kDelete && x.dynamic; }))
      << Dump(g);
  EXPECT_TRUE(HasSignal(Analyze("curl -s https://x/jobs | parallel {}"), kSignalRce));
}

// Every way items reach the command: xargs -iSTR, parallel -I STR, -q, :::: FILE and -a FILE
// with files written earlier in the line or given as <(…).
TEST(XargsCommandsTest, ReplacementStringsQuotingAndArgumentFiles) {
  for (std::string_view cmd : {"echo 'rm -rf /' | xargs -iCMD sh -c CMD", "printf 'rm -rf /\\n' > j; parallel :::: j",
                               "parallel :::: <(echo 'rm -rf /')", "parallel -I ,, sh -c ,, ::: 'rm -rf /'",
                               "parallel -q bash -c 'rm -rf \"$1\"' _ ::: /", "printf 'rm -rf /\\n' > j; parallel -a j",
                               "printf 'rm -rf /\\n' > j; parallel --arg-file=j"}) {
    Facts f = Analyze(cmd);
    const FileFact* d = FindFile(f, FileOp::kDelete, "/");
    ASSERT_NE(d, nullptr) << cmd << ": " << Dump(f);
    EXPECT_TRUE(d->recursive) << cmd;
  }
}

}  // namespace warden::shell
