// Shell start-up code printed by an installed tool: `eval "$(brew shellenv)"`, `eval "$(pyenv
// init -)"`, `eval "$(direnv hook bash)"`, `eval "$(ssh-agent -s)"`, `source <(kubectl
// completion bash)`. What such a tool prints is only known at run time, but it is the tool's
// own set-up code (PATH, functions, completions): running it is trusting the tool, which the
// command already does. Only bare names found in PATH or the places package managers install
// to count (./pyenv, $X are not the tool), and only the subcommands that print set-up code.
#pragma once

#include "shell/facts.h"

namespace warden::shell {

bool PrintsShellInit(const CommandFact& f);

}  // namespace warden::shell
