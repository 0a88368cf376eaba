#include "shell/literal.h"

#include <gtest/gtest.h>

namespace warden::shell {
namespace {

std::string Text(const Word& w) {
  std::string out;
  for (const auto& p : w.parts) out += p.text;
  return out;
}

TEST(LiteralTest, UnquotedBackslashMakesTheNextCharLiteral) {
  Word w;
  AppendUnquoted("r\\m", &w);
  EXPECT_EQ(Text(w), "rm");
  ASSERT_EQ(w.parts.size(), 2u);
  EXPECT_FALSE(w.parts[0].quoted);
  EXPECT_TRUE(w.parts[1].quoted);
}

TEST(LiteralTest, EscapedGlobCharacterIsQuoted) {
  Word w;
  AppendUnquoted("a\\*", &w);
  ASSERT_EQ(w.parts.size(), 2u);
  EXPECT_EQ(w.parts[1].text, "*");
  EXPECT_TRUE(w.parts[1].quoted);
}

TEST(LiteralTest, LineContinuationDisappears) {
  Word w;
  AppendUnquoted("r\\\nm", &w);
  EXPECT_EQ(Text(w), "rm");
}

TEST(LiteralTest, DoubleQuoteEscapes) {
  Word w;
  AppendDoubleQuotedText("a\\$b\\\"c\\d\\\ne", &w);
  EXPECT_EQ(Text(w), "a$b\"c\\de");
}

TEST(LiteralTest, HeredocEscapesLeaveQuotesAlone) {
  Word w;
  AppendHeredocText("\\\"x\\$y", &w);
  EXPECT_EQ(Text(w), "\\\"x$y");
}

TEST(LiteralTest, AnsiC) {
  EXPECT_EQ(DecodeAnsiC("\\x72\\x6d"), "rm");
  EXPECT_EQ(DecodeAnsiC("\\162m"), "rm");
  EXPECT_EQ(DecodeAnsiC("a\\tb\\n"), "a\tb\n");
  EXPECT_EQ(DecodeAnsiC("\\u00e9"), "\xc3\xa9");
  EXPECT_EQ(DecodeAnsiC("\\cA"), "\x01");
  EXPECT_EQ(DecodeAnsiC("\\'q\\\\"), "'q\\");
  EXPECT_EQ(DecodeAnsiC("\\q"), "\\q");
}

TEST(LiteralTest, MergeJoinsSameQuoting) {
  Word w;
  AppendQuotedText("a", &w);
  AppendQuotedText("", &w);
  AppendQuotedText("b", &w);
  MergeTextParts(&w);
  ASSERT_EQ(w.parts.size(), 1u);
  EXPECT_EQ(w.parts[0].text, "ab");
}

}  // namespace
}  // namespace warden::shell
