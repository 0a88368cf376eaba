#include <gtest/gtest.h>

#include "shell/test_util.h"

namespace warden::shell {
namespace {

using namespace testing;

TEST(BuiltinCommandsTest, CdMovesLaterCommands) {
  Facts f = Analyze("cd / && rm -rf *");
  EXPECT_NE(FindFile(f, FileOp::kDelete, "/*"), nullptr) << Dump(f);
}

TEST(BuiltinCommandsTest, EvalAndSource) {
  Facts f = Analyze("eval 'rm -rf ~'");
  EXPECT_NE(FindFile(f, FileOp::kDelete, "/home/dev"), nullptr) << Dump(f);
  Facts g = Analyze("echo 'rm -rf /' > s; . ./s");
  EXPECT_TRUE(HasCommandLine(g, "rm -rf /")) << Dump(g);
}

TEST(BuiltinCommandsTest, AliasesExpand) {
  Facts f = Analyze("alias ls='rm -rf /'; ls");
  EXPECT_TRUE(HasCommandLine(f, "rm -rf /")) << Dump(f);
}

TEST(BuiltinCommandsTest, HashRenamesACommand) {
  Facts f = Analyze("hash -p /bin/rm ls; ls -rf /");
  EXPECT_NE(FindFile(f, FileOp::kDelete, "/"), nullptr) << Dump(f);
}

TEST(BuiltinCommandsTest, TrapCodeRuns) {
  Facts f = Analyze("trap 'rm -rf ~' EXIT");
  EXPECT_NE(FindFile(f, FileOp::kDelete, "/home/dev"), nullptr) << Dump(f);
}

TEST(BuiltinCommandsTest, SetDashDashSetsPositionalParameters) {
  Facts f = Analyze("set -- /etc; rm -rf \"$1\"");
  EXPECT_NE(FindFile(f, FileOp::kDelete, "/etc"), nullptr) << Dump(f);
}

TEST(BuiltinCommandsTest, WhichPrintsAPathAndMktempAPattern) {
  Facts f = Analyze("$(which rm) -rf /");
  EXPECT_NE(FindFile(f, FileOp::kDelete, "/"), nullptr) << Dump(f);
  Facts g = Analyze("d=$(mktemp -d); rm -rf \"$d\"");
  EXPECT_NE(FindFile(g, FileOp::kDelete, "/tmp/tmp.*"), nullptr) << Dump(g);
}

TEST(BuiltinCommandsTest, AtReadsCommandsFromItsInput) {
  Facts f = Analyze("echo 'rm -rf /' | at now + 1 minute");
  EXPECT_TRUE(HasCommandLine(f, "rm -rf /")) << Dump(f);
}

TEST(BuiltinCommandsTest, ReadMakesAVariableUnknown) {
  Facts f = Analyze("d=/tmp/x; read d; rm -rf \"$d\"");
  ASSERT_FALSE(f.files.empty()) << Dump(f);
  EXPECT_TRUE(f.files.back().dynamic) << Dump(f);
}

TEST(BuiltinCommandsTest, ReadAndMapfileTakeKnownInput) {
  for (std::string_view cmd : {"read -ra a <<< 'rm -rf /'; \"${a[@]}\"", "mapfile -t a <<< $'rm\\n-rf\\n/'; \"${a[@]}\"",
                               "read x y <<< 'rm -rf /'; $x $y", "echo / > /tmp/d; read d < /tmp/d; rm -rf $d"}) {
    Facts f = Analyze(cmd);
    EXPECT_NE(FindFile(f, FileOp::kDelete, "/"), nullptr) << cmd << ": " << Dump(f);
  }
  // Words from a variable are not tilde-expanded: this removes ./~, as bash does.
  Facts f = Analyze("read -r c <<< 'rm -rf ~'; $c");
  EXPECT_EQ(FindFile(f, FileOp::kDelete, "/home/dev"), nullptr) << Dump(f);
}

TEST(BuiltinCommandsTest, FcRunsHistoryLines) {
  Facts f = Analyze("history -s 'rm -rf /'; fc -s");
  EXPECT_TRUE(HasCommandLine(f, "rm -rf /")) << Dump(f);
  f = Analyze("history -s 'rm -rf /'; fc -e - rm");
  EXPECT_TRUE(HasCommandLine(f, "rm -rf /")) << Dump(f);
  EXPECT_TRUE(HasSignal(Analyze("fc -s"), kSignalDynamicScript));
  EXPECT_FALSE(HasSignal(Analyze("fc -l"), kSignalDynamicScript));
}

TEST(BuiltinCommandsTest, VariablesProgramsEvaluateLater) {
  for (std::string_view cmd : {"export GIT_PAGER='rm -rf /'; git log", "PAGER='rm -rf /'; export PAGER; man ls",
                               "PS4='$(rm -rf /)' bash -x s.sh", "BASH_ENV=<(echo 'rm -rf /') bash -c true",
                               "export BASH_ENV=/tmp/x; echo 'rm -rf /' > /tmp/x; bash s.sh",
                               "env 'BASH_FUNC_ls%%=() { rm -rf /; }' bash -c ls"}) {
    Facts f = Analyze(cmd);
    EXPECT_TRUE(HasCommandLine(f, "rm -rf /")) << cmd << ": " << Dump(f);
  }
  EXPECT_TRUE(HasSignal(Analyze("LD_PRELOAD=/tmp/x.so ls"), kSignalDynamicScript));
}

// What crontab installs and at schedules runs later: analyzed as if it ran now (a crontab's
// commands after their time fields; at's standard input or -f FILE, a <(…) included).
TEST(BuiltinCommandsTest, ScheduledCommandsAreAnalyzed) {
  for (std::string_view cmd : {"echo '*/5 * * * * rm -rf /' | crontab -", "printf '@daily rm -rf /\\n' > /tmp/c; crontab /tmp/c",
                               "crontab <(echo '0 0 * * 0 rm -rf /')", "at -f <(echo 'rm -rf /') now",
                               "echo 'rm -rf /' | batch"}) {
    Facts f = Analyze(cmd);
    EXPECT_TRUE(HasCommandLine(f, "rm -rf /")) << cmd << ": " << Dump(f);
  }
  Facts f = Analyze("printf 'SHELL=/bin/bash\\n# rm -rf /\\n0 3 * * * make backup\\n' | crontab -");
  EXPECT_FALSE(HasCommandLine(f, "rm -rf /")) << Dump(f);
  EXPECT_TRUE(HasCommandLine(f, "make backup")) << Dump(f);
}

// read and mapfile take their options into account, or leave the variables unknown: -d
// splits at another delimiter, mapfile -s/-n skip and cap, -C runs its callback; -u, -n, -O
// are not followed (never a wrong value taken for known).
TEST(BuiltinCommandsTest, ReadAndMapfileOptions) {
  for (std::string_view cmd : {"mapfile -d , -t L < <(printf 'rm,-rf,/'); \"${L[@]}\"",
                               "mapfile -t -s 1 L <<< $'x\\n/'; rm -rf \"${L[0]}\"",
                               "read -d , a <<< '/,x'; rm -rf \"$a\"",
                               "mapfile -t L <<< /; rm -rf \"${L[-1]}\""}) {
    Facts f = Analyze(cmd);
    EXPECT_TRUE(HasCommandLine(f, "rm -rf /")) << cmd << ": " << Dump(f);
  }
  Facts callback = Analyze("mapfile -C 'rm -rf' -c 1 L <<< /");
  EXPECT_TRUE(HasCommandLine(callback, "rm -rf 0 /")) << "the callback gets the index and the line: " << Dump(callback);
  for (std::string_view cmd : {"mapfile -t -O 5 L <<< /; rm -rf \"${L[0]}\"", "read -n 1 a <<< '/x'; rm -rf \"$a\""}) {
    Facts f = Analyze(cmd);
    EXPECT_FALSE(HasCommandLine(f, "rm -rf /")) << cmd << ": " << Dump(f);
    EXPECT_FALSE(HasCommandLine(f, "rm -rf /x")) << cmd << ": " << Dump(f);
  }
}

}  // namespace
}  // namespace warden::shell
