#include "shell/text_programs.h"

#include <gtest/gtest.h>

namespace warden::shell {
namespace {

std::string SedOut(std::vector<std::string> scripts, std::string_view input, bool extended = false, bool quiet = false) {
  auto run = EvaluateSed(scripts, extended, quiet, input);
  if (!run) return "<not evaluated>";
  return run->output ? *run->output : "<unknown>";
}

TEST(TextProgramsTest, SedSubstitutions) {
  EXPECT_EQ(SedOut({"s/X/ /g"}, "rmX-rfX~"), "rm -rf ~\n");
  EXPECT_EQ(SedOut({"s/X/ /"}, "rmX-rfX~\n"), "rm -rfX~\n");
  EXPECT_EQ(SedOut({"s/a/b/; s/b/c/"}, "a\n"), "c\n");
  EXPECT_EQ(SedOut({"s/a/b/", "s/b/c/"}, "a\nb\n"), "c\nc\n");
  EXPECT_EQ(SedOut({"s|/|_|g"}, "/x/y"), "_x_y\n");
  EXPECT_EQ(SedOut({"s/\\(r.\\)\\(m\\)/\\2\\1/"}, "rxm"), "mrx\n");  // BRE groups
  EXPECT_EQ(SedOut({"s/(a+)/[\\1]/"}, "caab", true), "c[aa]b\n");  // ERE
  EXPECT_EQ(SedOut({"s/a+/X/"}, "aa+"), "aX\n");                 // BRE: + is literal
  EXPECT_EQ(SedOut({"s/.*/& &/"}, "ab"), "ab ab\n");
  EXPECT_EQ(SedOut({"s/x/A\\nB/"}, "x"), "A\nB\n");
  EXPECT_EQ(SedOut({"s/X/Y/I"}, "x"), "Y\n");
  EXPECT_EQ(SedOut({"s/a/b/p"}, "a\nc\n", false, true), "b\n");
  EXPECT_EQ(SedOut({"d"}, "a\n"), "");
  EXPECT_EQ(SedOut({"c rm -rf ~"}, "a\nb\n"), "rm -rf ~\nrm -rf ~\n");
}

TEST(TextProgramsTest, SedCommandsItRuns) {
  auto run = EvaluateSed({"s/x/rm -rf ~/", "e"}, false, false, "x\n");
  ASSERT_TRUE(run);
  ASSERT_EQ(run->executed.size(), 1u);
  EXPECT_EQ(run->executed[0], "rm -rf ~");
  EXPECT_FALSE(run->output) << "what e runs prints what it prints";
  run = EvaluateSed({"s/.*/rm -rf \\/tmp\\/&/e"}, false, false, "a\n");
  ASSERT_TRUE(run);
  ASSERT_EQ(run->executed.size(), 1u);
  EXPECT_EQ(run->executed[0], "rm -rf /tmp/a");
  run = EvaluateSed({"e touch /tmp/f"}, false, false, "a\n");
  ASSERT_TRUE(run);
  ASSERT_EQ(run->executed.size(), 1u);
  EXPECT_EQ(run->executed[0], "touch /tmp/f");
}

TEST(TextProgramsTest, SedWhatIsNotEvaluated) {
  EXPECT_FALSE(EvaluateSed({"1s/a/b/"}, false, false, "a"));  // an address
  EXPECT_FALSE(EvaluateSed({"/a/d"}, false, false, "a"));
  EXPECT_FALSE(EvaluateSed({"s/a/b/2"}, false, false, "a"));  // a count
  EXPECT_FALSE(EvaluateSed({"s/a/b/w out"}, false, false, "a"));
  EXPECT_FALSE(EvaluateSed({"y/ab/cd/"}, false, false, "a"));
  EXPECT_FALSE(EvaluateSed({"s/a/b"}, false, false, "a"));       // unterminated
  EXPECT_FALSE(EvaluateSed({"s/(/x/"}, true, false, "a"));       // not a regex
  EXPECT_FALSE(EvaluateSed({"s/a/\\3/"}, false, false, "a"));    // no such group
  EXPECT_FALSE(EvaluateSed({"s/a/b/"}, false, false, std::string(100000, 'a')));
  std::string doubling;
  for (int i = 0; i < 40; ++i) doubling += "s/x/xx/g;";
  EXPECT_FALSE(EvaluateSed({doubling}, false, false, "x")) << "2^40 bytes: stopped at the limits";
}

TEST(TextProgramsTest, AwkOutput) {
  EXPECT_EQ(AwkOutput("BEGIN{print \"rm -rf ~\"}", std::nullopt), "rm -rf ~\n");
  EXPECT_EQ(AwkOutput("BEGIN { print \"a\", \"b\"; print \"c\" \"d\" }", std::nullopt), "a b\ncd\n");
  EXPECT_EQ(AwkOutput("BEGIN{printf \"%s -rf %s\\n\", \"rm\", \"~\"}", std::nullopt), "rm -rf ~\n");
  EXPECT_EQ(AwkOutput("BEGIN{print(\"x\")}", std::nullopt), "x\n");
  EXPECT_EQ(AwkOutput("BEGIN {\n  print \"a\"\n  print \"b\"\n}", std::nullopt), "a\nb\n");
  EXPECT_FALSE(AwkOutput("{print $1}", std::nullopt));
  EXPECT_FALSE(AwkOutput("BEGIN{print x}", std::nullopt));
  EXPECT_FALSE(AwkOutput("BEGIN{print \"a\" | \"sh\"}", std::nullopt));
  EXPECT_FALSE(AwkOutput("BEGIN{print \"a\" > \"f\"}", std::nullopt));
  EXPECT_FALSE(AwkOutput("BEGIN{printf \"%d\", \"1\"}", std::nullopt));
  EXPECT_FALSE(AwkOutput("BEGIN{print \"a\"} {print}", std::nullopt));
  EXPECT_EQ(AwkOutput("{print \"rm -rf ~\"}", 2), "rm -rf ~\nrm -rf ~\n") << "once per input line";
  EXPECT_EQ(AwkOutput("BEGIN{print \"a\"} {print \"b\"} END{print \"c\"}", 1), "a\nb\nc\n");
  EXPECT_FALSE(AwkOutput("{print \"b\"}", std::nullopt)) << "input lines not known";
  EXPECT_FALSE(AwkOutput("/x/ {print \"b\"}", 1)) << "a pattern";
}

TEST(TextProgramsTest, AwkVariablesBecomeLiterals) {
  EXPECT_EQ(WithAwkVariables("BEGIN{system(c)}", {{"c", "rm -rf ~"}}), "BEGIN{system(\"rm -rf ~\")}");
  EXPECT_EQ(WithAwkVariables("{print \"c\", c, cc}", {{"c", "a\"b"}}), "{print \"c\", \"a\\\"b\", cc}");
  EXPECT_EQ(WithAwkVariables("BEGIN{print x}", {}), "BEGIN{print x}");
}

TEST(TextProgramsTest, AwkProgramStrings) {
  using Vars = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(AwkStringAssignments("BEGIN{c=\"rm -rf ~\"; if (c == \"x\") d = \"y\"}"), (Vars{{"c", "rm -rf ~"}, {"d", "y"}}));
  EXPECT_EQ(AwkStringAssignments("{n = $1; s = \"a\" }"), (Vars{{"s", "a"}}));
  EXPECT_EQ(JoinedAwkLiterals("print \"x\" | (\"s\" \"h\")"), "print \"x\" | (\"sh\")");
  EXPECT_EQ(JoinedAwkLiterals("print > \"/h\" \"/.ssh/k\""), "print > \"/h/.ssh/k\"");
  EXPECT_EQ(JoinedAwkLiterals("print \"a\", \"b\""), "print \"a\", \"b\"");
  EXPECT_EQ(WithoutAwkLiteralPipes("BEGIN{while((\"git tag\" | getline t)>0) print t}"), "BEGIN{while((getline t)>0) print t}");
  EXPECT_EQ(WithoutAwkLiteralPipes("{print $1 | \"sort\"}"), "{print}");
  EXPECT_EQ(WithoutAwkLiteralPipes("{print $0 | c}"), "{print $0 | c}");
}

TEST(TextProgramsTest, DoubleQuotedValues) {
  EXPECT_EQ(DoubleQuotedValue("\"rm -rf ~\""), "rm -rf ~");
  EXPECT_EQ(DoubleQuotedValue("\"a\\tb\\n\\\"\\\\\\/\""), "a\tb\n\"\\/");
  EXPECT_EQ(DoubleQuotedValue("\"\\u0072\\u006d\""), "rm");
  EXPECT_EQ(DoubleQuotedValue("\"\\162\\155\""), "rm");
  EXPECT_EQ(DoubleQuotedValue("\"\\u00e9\""), "\xc3\xa9");
  EXPECT_FALSE(DoubleQuotedValue("\"a\" + \"b\""));
  EXPECT_FALSE(DoubleQuotedValue("'a'"));
  EXPECT_FALSE(DoubleQuotedValue("\"\\u00\""));
}

}  // namespace
}  // namespace warden::shell
