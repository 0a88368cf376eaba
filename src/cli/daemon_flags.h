// The flags every command that talks to the daemon or reads its state shares, with the
// defaults of local/paths.h (--socket, --state-dir, and $WARDEN_SOCKET / $WARDEN_STATE_DIR).
#pragma once

#include <CLI/CLI.hpp>

#include <string>

namespace warden::cli {

struct DaemonFlags {
  std::string socket;
  std::string state_dir;
  // The values to use: the flag, else the environment, else the default.
  std::string Socket() const;
  std::string StateDir() const;
};

void AddDaemonFlags(CLI::App* app, DaemonFlags* flags);

}  // namespace warden::cli
