#include <gtest/gtest.h>

#include "shell/test_util.h"

namespace warden::shell {
namespace {

using namespace testing;

TEST(TerminalCommandsTest, TmuxNewSessionRunsItsCommand) {
  for (std::string_view cmd : {"tmux new-session -d -s x 'rm -rf /'", "tmux new -d rm -rf /", "tmux split-window 'rm -rf /'"}) {
    Facts f = Analyze(cmd);
    EXPECT_TRUE(HasCommandLine(f, "rm -rf /")) << cmd << ": " << Dump(f);
  }
}

TEST(TerminalCommandsTest, TypedKeysRunInTheOtherShell) {
  for (std::string_view cmd : {"tmux send-keys -t x 'rm -rf /' Enter", "tmux send -t 0 rm Space -rf Space / C-m",
                               "tmux send-keys -l 'rm -rf /'", "screen -S s -X stuff 'rm -rf /\\n'",
                               "screen -S s -X stuff 'rm -rf /^M'", "screen -S s -X exec rm -rf /"}) {
    Facts f = Analyze(cmd);
    EXPECT_TRUE(HasCommandLine(f, "rm -rf /")) << cmd << ": " << Dump(f);
  }
  Facts f = Analyze("tmux send-keys -t x \"$CMD\" Enter");
  EXPECT_TRUE(HasSignal(f, kSignalDynamicScript)) << Dump(f);
}

TEST(TerminalCommandsTest, ScreenRunsItsProgram) {
  Facts f = Analyze("screen -d -m rm -rf /");
  EXPECT_TRUE(HasCommandLine(f, "rm -rf /")) << Dump(f);
}

TEST(TerminalCommandsTest, ExpectSpawns) {
  Facts f = Analyze("expect -c 'spawn rm -rf /; interact'");
  EXPECT_TRUE(HasCommandLine(f, "rm -rf /")) << Dump(f);
  EXPECT_TRUE(HasSignal(f, kSignalInlineCode)) << Dump(f);
}

}  // namespace
// tmux commands from a configuration (-f, source-file), a hook or a binding, and after \;.
TEST(TerminalCommandsTest, TmuxCommandsFromFilesHooksAndSequences) {
  EXPECT_TRUE(HasCommandLine(Analyze("tmux -f <(echo 'run-shell \"rm -rf /tmp/a\"') new -d"), "rm -rf /tmp/a"));
  EXPECT_TRUE(HasCommandLine(Analyze("tmux source-file <(echo 'run-shell \"rm -rf /tmp/b\"')"), "rm -rf /tmp/b"));
  EXPECT_TRUE(HasCommandLine(Analyze("tmux set-hook -g session-created 'run-shell \"rm -rf /tmp/c\"' \\; new -d"),
                             "rm -rf /tmp/c"));
  EXPECT_TRUE(HasCommandLine(Analyze("tmux new -d \\; run-shell 'rm -rf /tmp/d'"), "rm -rf /tmp/d"));
}

}  // namespace warden::shell
