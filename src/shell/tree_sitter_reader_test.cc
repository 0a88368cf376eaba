#include "shell/tree_sitter_reader.h"

#include <gtest/gtest.h>

#include <functional>

namespace warden::shell {
namespace {

std::string Ir(std::string_view source) { return DebugString(ReadWithTreeSitter(source).root); }

TEST(TreeSitterReaderTest, SimpleCommand) {
  EXPECT_EQ(Ir("rm -rf /"), R"((seq (cmd (w "rm") (w "-rf") (w "/")) ;))");
}

TEST(TreeSitterReaderTest, ListOperatorsAreKept) {
  EXPECT_EQ(Ir("a && b || c; d & e"),
            R"((seq (seq (cmd (w "a")) && (cmd (w "b")) || (cmd (w "c")) ;) ; (cmd (w "d")) & (cmd (w "e")) ;))");
}

TEST(TreeSitterReaderTest, PipelineOperators) {
  EXPECT_EQ(Ir("a | b |& c"), R"((seq (pipe (cmd (w "a")) | (cmd (w "b")) |& (cmd (w "c")) |) ;))");
}

TEST(TreeSitterReaderTest, QuotingBecomesWordParts) {
  EXPECT_EQ(Ir("\"r\"m '*' $'\\x41'"), R"((seq (cmd (w q"r" "m") (w q"*") (w q"A")) ;))");
}

TEST(TreeSitterReaderTest, ExpansionsInsideDoubleQuotesAreMarkedQuoted) {
  ParseResult r = ReadWithTreeSitter("echo \"$X\" $Y");
  const Node& cmd = r.root.children[0];
  ASSERT_EQ(cmd.words.size(), 3u);
  EXPECT_TRUE(cmd.words[1].parts[0].quoted);
  EXPECT_FALSE(cmd.words[2].parts[0].quoted);
}

TEST(TreeSitterReaderTest, HeredocWithPipelineContinuation) {
  EXPECT_EQ(Ir("cat <<'E' | sh\nrm -rf /\nE"),
            R"((seq (pipe (cmd (w "cat") (redir << (w "'E'") quoted (w q"rm -rf /\n"))) | (cmd (w "sh")) |) ;))");
}

TEST(TreeSitterReaderTest, SyntaxErrorsAreReportedAndRecovered) {
  ParseResult r = ReadWithTreeSitter("rm -rf / )");
  EXPECT_FALSE(r.errors.empty());
  EXPECT_NE(DebugString(r.root).find("\"rm\""), std::string::npos);
}

TEST(TreeSitterReaderTest, NestingLimit) {
  std::string deep;
  for (int i = 0; i < kMaxNesting + 50; ++i) deep += "(";
  deep += "x";
  for (int i = 0; i < kMaxNesting + 50; ++i) deep += ")";
  EXPECT_TRUE(ReadWithTreeSitter(deep).too_deep);
}

}  // namespace
// The grammar splits "> f <<< x" into a redirection, an error "<<" and "< x": read as the
// here-string it is, and not as a syntax error.
TEST(TreeSitterReaderTest, HereStringAfterAnOutputRedirection) {
  ParseResult r = ReadWithTreeSitter("cat > out.txt <<< 'x y'");
  EXPECT_TRUE(r.errors.empty());
  std::string ops;
  std::function<void(const Node&)> walk = [&](const Node& n) {
    for (const Redirect& d : n.redirects) ops += d.op + " ";
    for (const Node& c : n.children) walk(c);
  };
  walk(r.root);
  EXPECT_EQ(ops, "> <<< ");
  EXPECT_FALSE(ReadWithTreeSitter("cat > f <<< 'x' <<").errors.empty()) << "other errors still count";
}

}  // namespace warden::shell
