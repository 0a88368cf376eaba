// The approver key: 32 random bytes as hex in STATE_DIR/approver.key, mode 0600. Whoever can read
// it can answer the daemon's pending approvals (warden approve/deny, warden monitor); the default
// policy keeps the ai context from reading it. One reader for every side, with the daemon's
// checks: a regular file, not a symlink, owned by this user, nothing for group or others, 64 hex
// digits.
#pragma once

#include <string>

#include "core/status.h"

namespace warden::local {

std::string ApproverKeyPath(const std::string& state_dir);

// The key, checked as above; an error naming the path and what is wrong.
Result<std::string> ReadApproverKey(const std::string& state_dir);

// The daemon at start: the key, made (0600, fsynced) when there is none yet.
Result<std::string> LoadOrCreateApproverKey(const std::string& state_dir);

}  // namespace warden::local
