#include "core/strings.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace warden {
namespace {

using Views = std::vector<std::string_view>;

TEST(SplitTest, SplitsOnEverySeparator) {
  EXPECT_EQ(Split("a,b,c", ','), (Views{"a", "b", "c"}));
  EXPECT_EQ(Split("/usr/bin", '/'), (Views{"", "usr", "bin"}));
}

TEST(SplitTest, KeepsEmptyFields) {
  EXPECT_EQ(Split("a,,b", ','), (Views{"a", "", "b"}));
  EXPECT_EQ(Split(",", ','), (Views{"", ""}));
  EXPECT_EQ(Split("a,b,", ','), (Views{"a", "b", ""}));
}

TEST(SplitTest, EmptyInputIsOneEmptyField) { EXPECT_EQ(Split("", ','), (Views{""})); }

TEST(SplitTest, NoSeparatorIsOneField) { EXPECT_EQ(Split("abc", ','), (Views{"abc"})); }

TEST(SplitTest, PiecesViewTheInput) {
  std::string s = "key=value";
  Views parts = Split(s, '=');
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].data(), s.data());
  EXPECT_EQ(parts[1].data(), s.data() + 4);
}

TEST(TrimTest, RemovesSurroundingWhitespace) {
  EXPECT_EQ(Trim("  x  "), "x");
  EXPECT_EQ(Trim("\t\r\n\v\f x y \n"), "x y");
  EXPECT_EQ(Trim("x"), "x");
  EXPECT_EQ(Trim("a  b"), "a  b");
}

TEST(TrimTest, AllWhitespaceOrEmptyGivesEmpty) {
  EXPECT_EQ(Trim(""), "");
  EXPECT_EQ(Trim("   \t\n"), "");
}

TEST(TrimTest, LeavesNonAsciiAndNulAlone) {
  EXPECT_EQ(Trim("\xc2\xa0x\xc2\xa0"), "\xc2\xa0x\xc2\xa0");  // NBSP is not ASCII whitespace
  EXPECT_EQ(Trim(std::string_view(" \0 ", 3)), std::string_view("\0", 1));
}

TEST(TrimTest, ResultViewsTheInput) {
  std::string s = "  abc ";
  std::string_view t = Trim(s);
  EXPECT_EQ(t.data(), s.data() + 2);
  EXPECT_EQ(t.size(), 3u);
}

TEST(JoinTest, JoinsWithSeparator) {
  EXPECT_EQ(Join({"a", "b", "c"}, ", "), "a, b, c");
  EXPECT_EQ(Join({"a", "b"}, ""), "ab");
  EXPECT_EQ(Join({"only"}, ","), "only");
}

TEST(JoinTest, EmptyListAndEmptyParts) {
  EXPECT_EQ(Join({}, ","), "");
  EXPECT_EQ(Join({"", ""}, ","), ",");
  EXPECT_EQ(Join({"", "x", ""}, "/"), "/x/");
}

TEST(JoinTest, InvertsSplit) {
  std::string s = "a,,b,";
  std::vector<std::string> parts;
  for (auto v : Split(s, ',')) parts.emplace_back(v);
  EXPECT_EQ(Join(parts, ","), s);
}

TEST(ToLowerTest, LowersAsciiLetters) {
  EXPECT_EQ(ToLower("HeLLo"), "hello");
  EXPECT_EQ(ToLower("ABCXYZ"), "abcxyz");
  EXPECT_EQ(ToLower(""), "");
}

TEST(ToUpperTest, RaisesAsciiLettersOnly) {
  EXPECT_EQ(ToUpper("get-Post_1"), "GET-POST_1");
  EXPECT_EQ(ToUpper("\xc3\xa4"), "\xc3\xa4");
}

TEST(ToLowerTest, LeavesEverythingElse) {
  EXPECT_EQ(ToLower("a1-_@[`{"), "a1-_@[`{");
  EXPECT_EQ(ToLower("ÄÖÜ X"), "ÄÖÜ x");  // bytes of UTF-8 sequences are untouched
  EXPECT_EQ(ToLower("\xc3\x84"), "\xc3\x84");
}

TEST(EditDistanceTest, Basics) {
  EXPECT_EQ(EditDistance("", ""), 0u);
  EXPECT_EQ(EditDistance("abc", "abc"), 0u);
  EXPECT_EQ(EditDistance("a", "b"), 1u);
  EXPECT_EQ(EditDistance("abc", "abxc"), 1u);
  EXPECT_EQ(EditDistance("abc", "ac"), 1u);
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
  EXPECT_EQ(EditDistance("", "abc"), 3u);
  EXPECT_EQ(EditDistance("abc", ""), 3u);
}

TEST(EditDistanceTest, TranspositionCostsTwo) {
  // Plain Levenshtein, not Damerau.
  EXPECT_EQ(EditDistance("ab", "ba"), 2u);
}

TEST(EditDistanceTest, IsSymmetric) {
  for (auto [a, b] : std::vector<std::pair<std::string_view, std::string_view>>{
           {"kitten", "sitting"}, {"", "abc"}, {"flaw", "lawn"}, {"policy", "polcy"}}) {
    EXPECT_EQ(EditDistance(a, b), EditDistance(b, a)) << a << " / " << b;
  }
}

TEST(EditDistanceTest, ExactlyAtCapIsReturned) {
  EXPECT_EQ(EditDistance("abc", "xyz", 3), 3u);
  EXPECT_EQ(EditDistance("kitten", "sitting", 3), 3u);
  EXPECT_EQ(EditDistance("same", "same", 0), 0u);
}

TEST(EditDistanceTest, AboveCapReturnsCapPlusOne) {
  EXPECT_EQ(EditDistance("abc", "xyz", 2), 3u);
  EXPECT_EQ(EditDistance("kitten", "sitting", 1), 2u);
  EXPECT_EQ(EditDistance("a", "b", 0), 1u);
  EXPECT_EQ(EditDistance(std::string(12, 'a'), std::string(12, 'b')), 9u);  // default cap 8
}

TEST(EditDistanceTest, LengthDifferenceBeyondCap) {
  EXPECT_EQ(EditDistance("a", "abcdefghijklmn"), 9u);
  EXPECT_EQ(EditDistance("abcdefghijklmn", "", 3), 4u);
  EXPECT_EQ(EditDistance(std::string(5000, 'x'), "x"), 9u);
}

TEST(EditDistanceTest, LargeCapGivesTrueDistance) {
  EXPECT_EQ(EditDistance(std::string(40, 'a'), std::string(40, 'b'), 100), 40u);
  EXPECT_EQ(EditDistance("", std::string(30, 'z'), 1000), 30u);
}

TEST(ClosestMatchTest, FindsNearTypo) {
  EXPECT_EQ(ClosestMatch("comand", {"policy", "command", "rules"}), "command");
  EXPECT_EQ(ClosestMatch("decison", {"decision", "description"}), "decision");
  EXPECT_EQ(ClosestMatch("lx", {"cd", "ls"}), "ls");
}

TEST(ClosestMatchTest, NothingCloseEnough) {
  EXPECT_EQ(ClosestMatch("xyz", {"command", "policy"}), "");
  EXPECT_EQ(ClosestMatch("abcdef", {"abcxyz"}), "");  // distance 3 > 2
  EXPECT_EQ(ClosestMatch("ls", {"cd"}), "");            // short words allow only 1 edit
  EXPECT_EQ(ClosestMatch("abc", {"axy"}), "");
  EXPECT_EQ(ClosestMatch("anything", {}), "");
}

TEST(ClosestMatchTest, PrefersSmallerDistanceOverEarlierCandidate) {
  EXPECT_EQ(ClosestMatch("abcdef", {"abcdxy", "abcdeg"}), "abcdeg");
  EXPECT_EQ(ClosestMatch("rules", {"ruler", "rules"}), "rules");
}

TEST(ClosestMatchTest, TieGoesToFirstCandidate) {
  EXPECT_EQ(ClosestMatch("cat", {"bat", "hat"}), "bat");
  EXPECT_EQ(ClosestMatch("cat", {"hat", "bat"}), "hat");
}

TEST(IsValidUtf8Test, AcceptsWellFormed) {
  for (std::string_view s : {"", "plain ascii", "héllo", "日本語", "😀", "\xc2\x80", "\xdf\xbf", "\xe0\xa0\x80",
                             "\xef\xbf\xbf", "\xed\x9f\xbf", "\xee\x80\x80", "\xf0\x90\x80\x80", "\xf4\x8f\xbf\xbf"}) {
    EXPECT_TRUE(IsValidUtf8(s)) << testing::PrintToString(s);
  }
  EXPECT_TRUE(IsValidUtf8(std::string_view("a\0b", 3)));
}

TEST(IsValidUtf8Test, RejectsOverlongEncodings) {
  for (std::string_view s : {"\xc0\x80", "\xc0\xaf", "\xc1\xbf", "\xe0\x80\xaf", "\xe0\x9f\xbf", "\xf0\x80\x80\xaf",
                             "\xf0\x8f\xbf\xbf"}) {
    EXPECT_FALSE(IsValidUtf8(s)) << testing::PrintToString(s);
  }
}

TEST(IsValidUtf8Test, RejectsSurrogates) {
  for (std::string_view s : {"\xed\xa0\x80", "\xed\xaf\xbf", "\xed\xb0\x80", "\xed\xbf\xbf",
                             "\xed\xa0\xbd\xed\xb8\x80"}) {  // CESU-8 pair for U+1F600
    EXPECT_FALSE(IsValidUtf8(s)) << testing::PrintToString(s);
  }
}

TEST(IsValidUtf8Test, RejectsAboveMaxCodePoint) {
  for (std::string_view s : {"\xf4\x90\x80\x80", "\xf5\x80\x80\x80", "\xf7\xbf\xbf\xbf", "\xf8\x88\x80\x80\x80",
                             "\xfc\x84\x80\x80\x80\x80", "\xfe", "\xff"}) {
    EXPECT_FALSE(IsValidUtf8(s)) << testing::PrintToString(s);
  }
}

TEST(IsValidUtf8Test, RejectsTruncatedAndStraySequences) {
  for (std::string_view s : {"\xc3", "\xe6\x97", "\xf0\x9f\x98", "abc\xe6\x97", "\xe6\x97x", "\xf0\x9f\x98x",
                             "\x80", "a\xbfz", "\xc3\xa9\xa9"}) {
    EXPECT_FALSE(IsValidUtf8(s)) << testing::PrintToString(s);
  }
}

TEST(PrintableTest, PlainTextIsUnchanged) {
  EXPECT_EQ(Printable(""), "");
  EXPECT_EQ(Printable("rm -rf /tmp/x"), "rm -rf /tmp/x");
  EXPECT_EQ(Printable("héllo 日本 😀"), "héllo 日本 😀");
}

TEST(PrintableTest, ControlBytesAreEscaped) {
  EXPECT_EQ(Printable("\x1b[31mred"), "\\x1b[31mred");
  EXPECT_EQ(Printable("a\nb\tc"), "a\\nb\\tc");
  EXPECT_EQ(Printable("\r"), "\\x0d");
  EXPECT_EQ(Printable(std::string_view("\0", 1)), "\\x00");
  EXPECT_EQ(Printable("\x7f"), "\\x7f");
  EXPECT_EQ(Printable("\x01\x1f"), "\\x01\\x1f");
}

TEST(PrintableTest, InvalidUtf8IsEscapedBytewise) {
  EXPECT_EQ(Printable("\xff"), "\\xff");
  EXPECT_EQ(Printable("a\xc3"), "a\\xc3");
  EXPECT_EQ(Printable("\xc0\xaf"), "\\xc0\\xaf");
  EXPECT_EQ(Printable("\xed\xa0\x80"), "\\xed\\xa0\\x80");
  EXPECT_EQ(Printable("\xc3\xa9\xa9"), "\xc3\xa9\\xa9");
}

TEST(PrintableTest, OutputNeverHoldsRawControlOrInvalidBytes) {
  for (int b = 0; b < 256; ++b) {
    std::string in = "x" + std::string(1, static_cast<char>(b)) + "y";
    std::string out = Printable(in);
    EXPECT_TRUE(IsValidUtf8(out)) << b;
    for (char c : out) {
      auto u = static_cast<unsigned char>(c);
      EXPECT_TRUE(u >= 0x20 && u != 0x7f) << "byte " << b << " gave " << testing::PrintToString(out);
    }
  }
}

TEST(PrintableTest, CutsLongTextWithEllipsis) {
  EXPECT_EQ(Printable(std::string(200, 'a'), 10), "aaaaaaaaaa…");
  EXPECT_EQ(Printable(std::string(121, 'b')), std::string(120, 'b') + "…");
  EXPECT_EQ(Printable("abcdef", 0), "…");
}

TEST(PrintableTest, TextThatFitsHasNoEllipsis) {
  EXPECT_EQ(Printable("abcde", 5), "abcde");
  EXPECT_EQ(Printable(std::string(120, 'c')), std::string(120, 'c'));
  EXPECT_EQ(Printable("", 0), "");
  EXPECT_EQ(Printable("abcdef", 6), "abcdef");
  EXPECT_EQ(Printable("abcdef", 5), "abcde…");
}

TEST(PrintableTest, CutNeverSplitsACharacterOrEscape) {
  std::string out = Printable("ééééé", 3);
  EXPECT_TRUE(IsValidUtf8(out)) << out;
  EXPECT_EQ(out.rfind("é", 0), 0u);
  EXPECT_EQ(out.substr(out.size() - 3), "…");
  EXPECT_LT(out.size(), std::string("ééééé").size());
  std::string esc = Printable("ab\x01\x02\x03", 3);
  EXPECT_EQ(esc.rfind("ab\\x01", 0), 0u) << esc;
  EXPECT_EQ(esc.substr(esc.size() - 3), "…");
}

TEST(StringsTest, JsonSafeRepairsUtf8AndEscapesLineSeparators) {
  EXPECT_EQ(JsonSafe(R"({"a":"plain ascii text, long enough for words"})"), R"({"a":"plain ascii text, long enough for words"})");
  EXPECT_EQ(JsonSafe("{\"a\":\"caf\xc3\xa9 \xf0\x9f\x99\x82\"}"), "{\"a\":\"caf\xc3\xa9 \xf0\x9f\x99\x82\"}");
  // $'\uD800' gives the bytes of a lone surrogate; a cut sequence; an overlong '/'.
  EXPECT_EQ(JsonSafe("[\"\xed\xa0\x80\"]"), "[\"\\ufffd\\ufffd\\ufffd\"]");
  EXPECT_EQ(JsonSafe("[\"\xe2\x82\"]"), "[\"\\ufffd\\ufffd\"]");
  EXPECT_EQ(JsonSafe("[\"\xc0\xaf\"]"), "[\"\\ufffd\\ufffd\"]");
  EXPECT_EQ(JsonSafe("[\"a\xe2\x80\xa8" "b\xe2\x80\xa9" "c\"]"), "[\"a\\u2028b\\u2029c\"]");
  EXPECT_TRUE(IsValidUtf8(JsonSafe("[\"\xff\xfe 12345678 \xed\xbf\xbf\"]")));
}

}  // namespace
}  // namespace warden
