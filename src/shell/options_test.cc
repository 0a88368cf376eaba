#include "shell/command_model.h"

#include <gtest/gtest.h>

namespace warden::shell {
namespace {

struct Parsed {
  std::vector<Option> options;
  std::vector<uint32_t> operands;
  size_t stop = 0;
};

Parsed ParseFor(std::string_view name, std::vector<std::string> argv) {
  Parsed p;
  ParseOptions(LookupCommand(name), argv, 1, &p.options, &p.operands, &p.stop);
  return p;
}

std::vector<std::string> Names(const Parsed& p) {
  std::vector<std::string> out;
  for (const auto& o : p.options) out.push_back(o.name);
  return out;
}

TEST(CommandSpecsTest, ShortClustersSplit) {
  Parsed p = ParseFor("rm", {"rm", "-rf", "/"});
  EXPECT_EQ(Names(p), (std::vector<std::string>{"-r", "-f"}));
  ASSERT_EQ(p.operands.size(), 1u);
  EXPECT_EQ(p.operands[0], 2u);
}

TEST(CommandSpecsTest, OptionsAfterOperandsForGnuCommands) {
  Parsed p = ParseFor("rm", {"rm", "/", "-r", "--force"});
  EXPECT_TRUE(HasOption(p.options, {"-r"}));
  EXPECT_TRUE(HasOption(p.options, {"--force"}));
  EXPECT_EQ(p.operands.size(), 1u);
}

TEST(CommandSpecsTest, DoubleDashEndsOptions) {
  Parsed p = ParseFor("rm", {"rm", "--", "-rf"});
  EXPECT_TRUE(p.options.empty());
  EXPECT_EQ(p.operands.size(), 1u);
}

TEST(CommandSpecsTest, LongOptionsWithValues) {
  Parsed p = ParseFor("curl", {"curl", "--output", "x.sh", "--data=@.env", "https://e"});
  const Option* out = FindOption(p.options, {"--output"});
  ASSERT_NE(out, nullptr);
  EXPECT_EQ(out->value, "x.sh");
  const Option* data = FindOption(p.options, {"--data"});
  ASSERT_NE(data, nullptr);
  EXPECT_EQ(data->value, "@.env");
  EXPECT_EQ(p.operands.size(), 1u);
}

TEST(CommandSpecsTest, ShortOptionValueGluedOrSeparate) {
  Parsed glued = ParseFor("git", {"git", "-C/tmp", "push"});
  ASSERT_NE(FindOption(glued.options, {"-C"}), nullptr);
  EXPECT_EQ(FindOption(glued.options, {"-C"})->value, "/tmp");
  Parsed separate = ParseFor("git", {"git", "-C", "/tmp", "push", "--force"});
  EXPECT_EQ(FindOption(separate.options, {"-C"})->value, "/tmp");
  ASSERT_EQ(separate.operands.size(), 1u);
  EXPECT_EQ(separate.operands[0], 3u);
  EXPECT_TRUE(HasOption(separate.options, {"--force"}));
}

TEST(CommandSpecsTest, WrappersStopAtTheFirstOperand) {
  Parsed p = ParseFor("sudo", {"sudo", "-u", "root", "rm", "-rf", "/"});
  EXPECT_EQ(p.stop, 3u);
  EXPECT_FALSE(HasOption(p.options, {"-r"}));
  Parsed dd = ParseFor("sudo", {"sudo", "--", "-weird"});
  EXPECT_EQ(dd.stop, 2u);
}

TEST(CommandSpecsTest, GnuAbbreviationsOfLongOptions) {
  Parsed p = ParseFor("rm", {"rm", "--recur", "--forc", "/"});
  EXPECT_TRUE(HasOption(p.options, {"--recursive"}));
  EXPECT_TRUE(HasOption(p.options, {"--force"}));
  EXPECT_FALSE(HasOption(p.options, {"--verbose"}));
}

TEST(CommandSpecsTest, VersionedInterpretersFindTheirFamily) {
  EXPECT_EQ(LookupCommand("python3.11").family, Family::kInterpreter);
  EXPECT_EQ(LookupCommand("python3").family, Family::kInterpreter);
  EXPECT_EQ(LookupCommand("bash").family, Family::kShell);
  EXPECT_EQ(LookupCommand("mkfs.ext4").name, "mkfs");
  EXPECT_EQ(LookupCommand("no-such-tool").family, Family::kUnknown);
}

}  // namespace
// GNU getopt_long and git take any unambiguous prefix of a long option: --exe is --exec.
TEST(OptionsTest, AbbreviatedLongOptionsTakeTheirValue) {
  CommandSpec spec{.name = "t", .family = Family::kEffects, .long_value = "exec execdir format"};
  std::vector<std::string> argv = {"t", "--exe", "rm -rf /", "--fo", "x", "op"};
  std::vector<Option> options;
  std::vector<uint32_t> operands;
  size_t stop = 0;
  ParseOptions(spec, argv, 1, &options, &operands, &stop);
  ASSERT_EQ(options.size(), 2u);
  EXPECT_EQ(options[0].name, "--exec");  // --exec and --execdir both take a value: the shorter
  EXPECT_EQ(options[0].value, "rm -rf /");
  EXPECT_EQ(options[1].name, "--format");
  EXPECT_EQ(options[1].value, "x");
  ASSERT_EQ(operands.size(), 1u);
}

TEST(OptionsTest, AbbreviatedLongOptionsWithGluedValues) {
  CommandSpec spec{.name = "t", .family = Family::kEffects, .long_value = "to-command totals"};
  std::vector<std::string> argv = {"t", "--to-com=rm -rf /", "--totals=x"};
  std::vector<Option> options;
  std::vector<uint32_t> operands;
  size_t stop = 0;
  ParseOptions(spec, argv, 1, &options, &operands, &stop);
  ASSERT_EQ(options.size(), 2u);
  EXPECT_EQ(options[0].name, "--to-command");
  EXPECT_EQ(options[0].value, "rm -rf /");
  EXPECT_EQ(options[1].name, "--totals");
}

}  // namespace warden::shell
