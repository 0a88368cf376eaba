#include <gtest/gtest.h>

#include <algorithm>

#include "shell/command_model.h"
#include "shell/test_util.h"

namespace warden::shell {
namespace {

using namespace testing;

TEST(GitCommandsTest, CleanDeletesEverythingBelowUnlessDryRun) {
  Facts f = Analyze("git clean -fdx");
  EXPECT_NE(FindFile(f, FileOp::kDelete, "/home/dev/project/**"), nullptr) << Dump(f);
  Facts g = Analyze("git clean -n");
  EXPECT_TRUE(g.files.empty()) << Dump(g);
}

TEST(GitCommandsTest, DashCMovesTheSubcommand) {
  Facts f = Analyze("git -C /srv/repo clean -f");
  EXPECT_NE(FindFile(f, FileOp::kDelete, "/srv/repo/**"), nullptr) << Dump(f);
}

TEST(GitCommandsTest, ConfigValuesThatRunCommands) {
  for (std::string_view cmd : {"git -c core.pager='rm -rf /' log", "git -c alias.x='!rm -rf /' x",
                               "git config core.fsmonitor 'rm -rf /'", "git -c core.sshCommand='rm -rf /' fetch"}) {
    Facts f = Analyze(cmd);
    EXPECT_TRUE(HasCommandLine(f, "rm -rf /")) << cmd << ": " << Dump(f);
  }
}

TEST(GitCommandsTest, UploadPackRuns) {
  Facts f = Analyze("git clone --upload-pack='rm -rf ~' host:repo");
  EXPECT_NE(FindFile(f, FileOp::kDelete, "/home/dev"), nullptr) << Dump(f);
  Facts push = Analyze("git push -u origin main");
  EXPECT_EQ(push.commands.size(), 1u) << "push -u takes no command: " << Dump(push);
}

TEST(GitCommandsTest, RestoreAndCheckoutOfPathsWrite) {
  Facts f = Analyze("git checkout -- src/a.c; git restore b.c");
  EXPECT_NE(FindFile(f, FileOp::kWrite, "/home/dev/project/src/a.c"), nullptr) << Dump(f);
  EXPECT_NE(FindFile(f, FileOp::kWrite, "/home/dev/project/b.c"), nullptr) << Dump(f);
}

TEST(GitCommandsTest, ConfigWritesItsFileForKeysThatRunThings) {
  Facts f = Analyze("git config --global core.hooksPath /tmp/h");
  EXPECT_NE(FindFile(f, FileOp::kWrite, "/home/dev/.gitconfig"), nullptr) << Dump(f);
  EXPECT_TRUE(HasSignal(f, kSignalDynamicScript)) << Dump(f);
  f = Analyze("git config --global user.name me");
  EXPECT_EQ(FindFile(f, FileOp::kWrite, "/home/dev/.gitconfig"), nullptr) << "user.name runs nothing: " << Dump(f);
}

TEST(GitCommandsTest, SubcommandsRunTheCommandsTheyAreGiven) {
  for (std::string_view cmd : {"git rebase --exec 'rm -rf /' HEAD~3", "git rebase -x 'rm -rf /' main",
                               "git submodule foreach --recursive 'rm -rf /'", "git bisect run rm -rf /",
                               "git difftool --extcmd='rm -rf /'", "git clone 'ext::sh -c rm% -rf% /' x",
                               "git -c url.'ext::sh -c rm% -rf% /'.insteadOf=https:// fetch https://x",
                               "GIT_CONFIG_PARAMETERS=\"'core.pager'='rm -rf /'\" git log",
                               "GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=core.sshCommand GIT_CONFIG_VALUE_0='rm -rf /' git fetch",
                               "git -c remote.origin.uploadpack='rm -rf /' fetch origin"}) {
    Facts f = Analyze(cmd);
    EXPECT_TRUE(HasCommandLine(f, "rm -rf /")) << cmd << ": " << Dump(f);
  }
}

TEST(GitCommandsTest, DashedNamesAndDashDashAreGit) {
  for (std::string_view cmd : {"git-reset --hard", "git -- reset --hard"}) {
    Facts f = Analyze(cmd);
    const bool reset = std::any_of(f.commands.begin(), f.commands.end(), [](const CommandFact& c) {
      return c.name == "git" && c.argv.size() > 2 && c.argv[1] == "reset" && c.argv[2] == "--hard";
    });
    EXPECT_TRUE(reset) << cmd << ": " << Dump(f);
  }
}

TEST(GitCommandsTest, SubcommandOptionsTakeTheirValues) {
  Facts f = Analyze("git checkout -bfix");
  const CommandFact* g = FindCommand(f, "git");
  ASSERT_NE(g, nullptr);
  EXPECT_FALSE(HasOption(g->options, {"-f", "--force"})) << "-bfix names a branch: " << Dump(f);
  Facts c = Analyze("git config -f ~/.gitconfig core.pager 'rm -rf /'");
  EXPECT_NE(FindFile(c, FileOp::kWrite, "/home/dev/.gitconfig"), nullptr) << Dump(c);
  EXPECT_TRUE(HasCommandLine(c, "rm -rf /")) << Dump(c);
}

TEST(GitCommandsTest, CheckoutOfRevisionPathsWritesThem) {
  Facts f = Analyze("git checkout HEAD~3 src/main.c docs/");
  EXPECT_NE(FindFile(f, FileOp::kWrite, "/home/dev/project/src/main.c"), nullptr) << Dump(f);
  EXPECT_NE(FindFile(f, FileOp::kWrite, "/home/dev/project/docs"), nullptr) << Dump(f);
  Facts g = Analyze("git checkout feature/x");
  EXPECT_TRUE(g.files.empty()) << "a branch switch: " << Dump(g);
}
TEST(GitCommandsTest, CheckoutAndRestoreOfPathsOverwriteThem) {
  for (std::string_view cmd : {"git checkout -- src/app.py", "git checkout HEAD src/app.py", "git checkout src/app.py",
                               "git restore src/app.py", "git restore -W -S src/app.py"}) {
    Facts f = Analyze(cmd);
    EXPECT_NE(FindFile(f, FileOp::kWrite, "/home/dev/project/src/app.py"), nullptr) << cmd << ": " << Dump(f);
  }
  for (std::string_view cmd : {"git restore --staged src/app.py", "git checkout feature/login", "git checkout v1.2.3",
                               "git checkout -b fix src/app.py"}) {
    Facts f = Analyze(cmd);
    for (const auto& file : f.files) EXPECT_NE(file.op, FileOp::kWrite) << cmd << ": " << Dump(f);
  }
}

}  // namespace
// Configuration files the command line writes and points git at (GIT_CONFIG_GLOBAL, HOME's
// .gitconfig, …) are read like -c settings; git VERB runs a git-VERB script written earlier in
// --exec-path.
TEST(GitCommandsTest, ConfigFilesAndExternalCommandsWrittenEarlier) {
  EXPECT_TRUE(HasCommandLine(Analyze("printf '[alias]\\n\\tzap = !rm -rf /tmp/a\\n' > /tmp/gc; GIT_CONFIG_GLOBAL=/tmp/gc git zap"),
                             "rm -rf /tmp/a"));
  EXPECT_TRUE(HasCommandLine(
      Analyze("printf '[core]\\n\\tfsmonitor = rm -rf /tmp/b\\n' > /tmp/h/.gitconfig; HOME=/tmp/h git status"),
      "rm -rf /tmp/b"));
  EXPECT_TRUE(HasCommandLine(Analyze("printf 'rm -rf /tmp/c\\n' > /tmp/git-zap; git --exec-path=/tmp zap"), "rm -rf /tmp/c"));
}

// A hook or a .git/config written earlier in the line is what git runs: the hooks of the verb
// (githooks(5)), `git hook run NAME`, aliases and settings of the repository's config.
TEST(GitCommandsTest, RepositoryFilesWrittenEarlierRun) {
  for (std::string_view cmd : {"printf '#!/bin/sh\\nrm -rf /\\n' > .git/hooks/post-checkout; git switch -c x",
                               "echo 'rm -rf /' > .git/hooks/pre-commit; git commit -qm x",
                               "echo 'rm -rf /' > .git/hooks/pre-push && git push",
                               "echo 'rm -rf /' > .git/hooks/x; git hook run x",
                               "printf '[alias]\\n  z = !rm -rf /\\n' >> .git/config; git z",
                               "printf '[core]\\nsshCommand = rm -rf /\\n' > .git/config; git fetch"}) {
    Facts f = Analyze(cmd);
    EXPECT_TRUE(HasCommandLine(f, "rm -rf /")) << cmd << ": " << Dump(f);
  }
  // Wherever git looks for hooks: core.hooksPath, --git-dir, a template, a parent directory's
  // .git (git -C sub), a .git file's gitdir:, a submodule's; and hooks every ref change runs.
  for (std::string_view cmd : {"echo 'rm -rf /' > /tmp/h/pre-commit; git -c core.hooksPath=/tmp/h commit -m x",
                               "echo 'rm -rf /' > /tmp/r/hooks/pre-commit; git --git-dir=/tmp/r commit -m x",
                               "echo 'rm -rf /' > /tmp/t/hooks/post-checkout; git clone --template=/tmp/t https://h/r.git",
                               "echo 'rm -rf /' > .git/hooks/pre-commit; git -C src commit -m x",
                               "echo 'gitdir: /tmp/g' > w/.git; echo 'rm -rf /' > /tmp/g/hooks/pre-commit; git -C w commit -m x",
                               "echo 'rm -rf /' > .git/modules/lib/hooks/post-checkout; git submodule update --init",
                               "echo 'rm -rf /' > .git/hooks/reference-transaction; git branch tmp",
                               "printf '[core]\\n fsmonitor = \"rm -rf\" \"/\"\\n' >> .git/config; git status",
                               "printf '[core]\\n fsmonitor = rm -rf /\\n' > /tmp/i; printf '[include]\\n path = /tmp/i\\n' >> .git/config; git status"}) {
    Facts f = Analyze(cmd);
    EXPECT_TRUE(HasCommandLine(f, "rm -rf /")) << cmd << ": " << Dump(f);
  }
  Facts f = Analyze("echo 'rm -rf /' > .git/hooks/pre-push; git commit -m x");
  EXPECT_FALSE(HasCommandLine(f, "rm -rf /")) << "commit does not run pre-push: " << Dump(f);
}

// An alias set earlier in the line runs as git runs it: "!CMD ARGS" in a shell, else git
// with its words.
TEST(GitCommandsTest, AliasesSetEarlierRun) {
  EXPECT_TRUE(HasCommandLine(Analyze("git config alias.x '!rm -rf'; git x /"), "rm -rf /"));
  Facts f = Analyze("git config alias.ci commit; echo 'rm -rf /' > .git/hooks/pre-commit; git ci -m x");
  EXPECT_TRUE(HasCommandLine(f, "rm -rf /")) << Dump(f);
  f = Analyze("git config alias.lg 'log --oneline'; git lg -5");
  EXPECT_TRUE(HasCommandLine(f, "git log --oneline -5")) << Dump(f);
}

}  // namespace warden::shell
