#include "cli/daemon_flags.h"

#include "local/paths.h"

namespace warden::cli {

std::string DaemonFlags::Socket() const { return socket.empty() ? local::DefaultSocketPath() : socket; }
std::string DaemonFlags::StateDir() const { return state_dir.empty() ? local::DefaultStateDir() : state_dir; }

void AddDaemonFlags(CLI::App* app, DaemonFlags* flags) {
  app->add_option("--socket", flags->socket,
                  "The daemon's socket (default: $WARDEN_SOCKET, else $XDG_RUNTIME_DIR/warden/warden.sock, "
                  "else STATE_DIR/warden.sock)")
      ->type_name("PATH");
  app->add_option("--state-dir", flags->state_dir,
                  "Warden's state directory (default: $WARDEN_STATE_DIR, else ~/.local/state/warden)")
      ->type_name("DIR");
}

}  // namespace warden::cli
