#include "shell/code_literals.h"

#include <gtest/gtest.h>

namespace warden::shell {
namespace {

using Lists = std::vector<std::vector<std::string>>;

TEST(CodeLiteralsTest, QuoteOperatorsBecomeOrdinaryQuotes) {
  EXPECT_EQ(NormalizeQuoteOperators("system q(rm -rf /)"), "system \"rm -rf /\"");
  EXPECT_EQ(NormalizeQuoteOperators("system qq{rm (x) -rf}"), "system \"rm (x) -rf\"");
  EXPECT_EQ(NormalizeQuoteOperators("print qx|id|"), "print `id`");
  EXPECT_EQ(NormalizeQuoteOperators("%x(rm -rf /)"), "`rm -rf /`");
  EXPECT_EQ(NormalizeQuoteOperators("system(*%w(rm -rf /))"), "system(*(\"rm\", \"-rf\", \"/\"))");
  EXPECT_EQ(NormalizeQuoteOperators("q{say \"hi\"}"), "\"say \\\"hi\\\"\"");
}

TEST(CodeLiteralsTest, OrdinaryCodeIsUnchanged) {
  for (std::string_view code : {"sequence(1, 2)", "x = q + 1", "faq(1)", "$q = 2", "printf('%d', x)", "a % q(1)",
                                "qx", "q"}) {
    std::string out = NormalizeQuoteOperators(code);
    if (code == "a % q(1)") continue;  // q(1) after an operator is a quote in Perl; either reading is fine
    EXPECT_EQ(out, code) << code;
  }
}

TEST(CodeLiteralsTest, UnterminatedOperatorsEndAtTheEnd) {
  EXPECT_EQ(NormalizeQuoteOperators("qx(rm -rf"), "`rm -rf`");
}

TEST(CodeLiteralsTest, ListsOfLiteralsAreFound) {
  EXPECT_EQ(LiteralLists(R"(subprocess.run(["rm", "-rf", "/"]))"), (Lists{{"rm", "-rf", "/"}}));
  EXPECT_EQ(LiteralLists(R"(System.cmd("sh", ["-c", "rm -rf /"]))"), (Lists{{"sh", "-c", "rm -rf /"}}));
  EXPECT_EQ(LiteralLists(R"((run-program "/bin/rm" (list "-rf" "/")))"), (Lists{{"/bin/rm", "-rf", "/"}}));
  EXPECT_EQ(LiteralLists(R"(new ProcessBuilder(new String[]{"rm", "-rf", "/"}))"), (Lists{{"rm", "-rf", "/"}}));
  EXPECT_EQ(LiteralLists(R"(x = ['a\'b', "c\"d"])"), (Lists{{"a'b", "c\"d"}}));
}

TEST(CodeLiteralsTest, LiteralsSeparatedByCodeAreNotALlist) {
  EXPECT_TRUE(LiteralLists(R"(print("a") + f("b"))").empty());
  EXPECT_TRUE(LiteralLists(R"({"rm": "x"})").empty());
  EXPECT_TRUE(LiteralLists(R"(open("x"))").empty());
  EXPECT_TRUE(LiteralLists(R"(unterminated "a", "b)").empty());
}

TEST(CodeLiteralsTest, PathCallsName) {
  auto calls = PathCalls("import shutil; shutil.rmtree('/x'); os.remove(\"/y\"); open('/z', 'w'); open('/r')");
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_EQ(calls[0].path, "/x");
  EXPECT_TRUE(calls[0].recursive);
  EXPECT_EQ(calls[1].path, "/y");
  EXPECT_EQ(calls[2].op, FileOp::kWrite);
  EXPECT_EQ(calls[2].path, "/z");
  EXPECT_TRUE(PathCalls("s.replace('/etc/passwd', ''); f.write('/etc/x'); d.delete('/k')").empty());
  auto path = PathCalls("Path('/a').write_text('x'); Path('/b').unlink()");
  ASSERT_EQ(path.size(), 2u);
  EXPECT_EQ(path[1].op, FileOp::kDelete);
}

TEST(CodeLiteralsTest, HomeExpressionsBecomeTheHome) {
  EXPECT_EQ(WithHomeLiterals("shutil.rmtree(Path.home())", "/h"), "shutil.rmtree(\"/h\")");
  EXPECT_EQ(WithHomeLiterals("rm(homedir(); recursive=true)", "/h"), "rm(\"/h\"; recursive=true)");
  EXPECT_EQ(WithHomeLiterals("fs.rmSync(os.homedir())", "/h"), "fs.rmSync(\"/h\")");
  EXPECT_EQ(WithHomeLiterals("x = os.environ['HOME'] + '/.ssh'", "/h"), "x = \"/h\" + '/.ssh'");
  EXPECT_EQ(WithHomeLiterals("File.rm_rf(dirs::home_dir())", "/h"), "File.rm_rf(\"/h\")");
  EXPECT_EQ(WithHomeLiterals("print(1)", "/h"), "print(1)");
}

}  // namespace
TEST(CodeLiteralsTest, DecodingCallsOnLiteralsAreDecoded) {
  EXPECT_EQ(WithDecodedLiterals(R"(system(pack("H*","726d202f78")))"), R"(system("rm /x"))");
  EXPECT_EQ(WithDecodedLiterals(R"(execSync(Buffer.from('cm0gL3g=','base64').toString()))"), R"(execSync("rm /x"))");
  EXPECT_EQ(WithDecodedLiterals(R"(os.system(base64.b64decode(b'cm0gL3g=').decode()))"), R"(os.system("rm /x"))");
  EXPECT_EQ(WithDecodedLiterals(R"(os.system(bytes.fromhex("726d202f78").decode("utf-8")))"), R"(os.system("rm /x"))");
  EXPECT_EQ(WithDecodedLiterals(R"(system(Base64.decode64 'cm0gL3g='))"), R"(system("rm /x"))");
  EXPECT_EQ(WithDecodedLiterals(R"(exec(atob("cm0gL3g=")))"), R"(exec("rm /x"))");
  EXPECT_EQ(WithDecodedLiterals(R"(system(codecs.decode('ez /k', 'rot13')))"), R"(system("rm /x"))");
  EXPECT_EQ(WithDecodedLiterals(R"(system(['726d202f78'].pack('H*')))"), R"(system("rm /x"))");
  // Not a literal, or not decodable: as written.
  EXPECT_EQ(WithDecodedLiterals("b64decode(x)"), "b64decode(x)");
  EXPECT_EQ(WithDecodedLiterals("bytes.fromhex('zz')"), "bytes.fromhex('zz')");
  EXPECT_EQ(WithDecodedLiterals("print(1)"), "print(1)");
}

}  // namespace warden::shell
