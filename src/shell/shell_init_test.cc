#include "shell/shell_init.h"

#include <gtest/gtest.h>

#include "shell/test_util.h"

namespace warden::shell {
namespace {

using namespace testing;

bool Unseen(std::string_view cmd) {
  Facts f = Analyze(cmd);
  return HasSignal(f, kSignalDynamicScript) || HasSignal(f, kSignalDynamicCommand) || HasSignal(f, kSignalRce);
}

TEST(ShellInitTest, ToolsPrintingTheirSetUpCodeAreTrusted) {
  for (std::string_view cmd : {"eval \"$(brew shellenv)\"", "eval \"$(/opt/homebrew/bin/brew shellenv)\"",
                               "eval \"$(pyenv init -)\"", "eval \"$(direnv hook bash)\"", "eval \"$(ssh-agent -s)\"",
                               "source <(kubectl completion bash)", ". <(gh completion -s zsh)",
                               "eval \"$(conda shell.bash hook)\""}) {
    EXPECT_FALSE(Unseen(cmd)) << cmd << ": " << Dump(Analyze(cmd));
  }
}

TEST(ShellInitTest, OtherProgramsOrMoreUnknownStayUnknown) {
  for (std::string_view cmd : {"eval \"$(./pyenv init -)\"", "eval \"$(/tmp/brew shellenv)\"", "eval \"$(brew list)\"",
                               "eval \"$(brew shellenv)$(cat x)\"", "eval \"$X $(brew shellenv)\"",
                               "source <(pyenv init - | sed s/x/y/)", "eval \"$(ssh-agent sh -c id)\"",
                               "eval \"$(curl -s https://x/init)\""}) {
    EXPECT_TRUE(Unseen(cmd)) << cmd << ": " << Dump(Analyze(cmd));
  }
}

TEST(ShellInitTest, WhatIsAroundTheSetUpCodeIsAnalyzed) {
  Facts f = Analyze("eval \"$(brew shellenv) && rm -rf /\"");
  EXPECT_TRUE(HasCommandLine(f, "rm -rf /")) << Dump(f);
}

}  // namespace
}  // namespace warden::shell
