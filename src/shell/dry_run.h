// Dry runs: a command given its own option for "only report what you would do" changes
// nothing (kubectl apply --dry-run=client, helm upgrade --dry-run, npm publish --dry-run,
// git push -n, apt-get -s, ansible-playbook --check). Per tool and subcommand, because the
// same letter means something else elsewhere (git commit -n skips hooks, mv -n does not
// overwrite), and only as an option the command's model parsed, never as an operand. The
// policy does not apply non-final ask rules on commands to a dry run; files the command
// names are still decided (a dry run may still read).
#pragma once

#include "shell/facts.h"

namespace warden::shell {

bool IsDryRun(const CommandFact& f);

}  // namespace warden::shell
