#include <gtest/gtest.h>

#include <set>

#include "shell/command_model.h"
#include "shell/commands/families.h"

namespace warden::shell {
namespace {

TEST(CommandTableTest, EveryNameHasOneModel) {
  std::set<std::string_view> seen;
  for (auto table : AllFamilies()) {
    for (const CommandSpec& s : table) {
      EXPECT_TRUE(seen.insert(s.name).second) << "'" << s.name << "' is in two tables";
      EXPECT_FALSE(s.name.empty());
    }
  }
}

TEST(CommandTableTest, VersionedAndDottedNamesFindTheirFamily) {
  EXPECT_EQ(LookupCommand("python3.12").name, "python");
  EXPECT_EQ(LookupCommand("mkfs.ext4").name, "mkfs");
  EXPECT_EQ(LookupCommand("ld-linux-x86-64.so.2").name, "ld.so");
  EXPECT_EQ(LookupCommand("ksh93").family, Family::kShell);
  EXPECT_EQ(LookupCommand("bash5.2").family, Family::kShell);
  EXPECT_EQ(LookupCommand("ruby3.2").family, Family::kInterpreter);
  EXPECT_EQ(LookupCommand("no-such-tool").family, Family::kUnknown);
}

TEST(CommandTableTest, BuiltinsOnlyByTheirExactName) {
  EXPECT_EQ(LookupCommand("cd").family, Family::kBuiltin);
  EXPECT_EQ(LookupCommand("cd.sh").family, Family::kUnknown) << "a script named cd.sh is not the builtin";
}

}  // namespace
}  // namespace warden::shell
