// Where the daemon and its clients meet: the socket path and the state directory, with the
// same defaults and environment overrides for every command (`serve`, `status`, `exec`,
// `hook`, `audit …`, `approve`, …):
//
//   state dir  --state-dir, else $WARDEN_STATE_DIR, else ~/.local/state/warden
//   socket     --socket, else $WARDEN_SOCKET, else $XDG_RUNTIME_DIR/warden/warden.sock, else
//              /run/user/UID/warden/warden.sock if it exists (a cleaned environment), else
//              <state dir>/warden.sock
//
// PrivateDir creates a directory (and its parents) for this user only. Not thread-safe (reads
// the environment).
#pragma once

#include <string>

#include "core/status.h"

namespace warden::local {

std::string DefaultStateDir();
std::string DefaultSocketPath();

// mkdir -p with mode 0700 for what it creates; an existing directory must belong to this
// user, and is narrowed to 0700 if it is wider. Anything else is an error naming the path.
Status PrivateDir(const std::string& dir);

}  // namespace warden::local
