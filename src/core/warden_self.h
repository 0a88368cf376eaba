// Where Warden itself lives for this process — its configuration, its state, its socket — as
// the environment and the flags in effect say, and the daemon's process ids when known. The
// policy's $WARDEN_CONFIG, $WARDEN_STATE and $WARDEN_RUNTIME resolve to these, and the shell
// analyzer protects them (and the processes) wherever they are:
//
//   config   $XDG_CONFIG_HOME/warden, else ~/.config/warden
//   state    --state-dir, else $WARDEN_STATE_DIR, else ~/.local/state/warden
//   socket   --socket, else $WARDEN_SOCKET, else $XDG_RUNTIME_DIR/warden/warden.sock, else
//            /run/user/UID/warden/warden.sock if it exists (a cleaned environment), else
//            <state>/warden.sock
//   runtime  the socket's directory, when it is Warden's own (named warden*, or the state
//            directory); "" when the socket lies in a shared directory such as /tmp
//
// Plain values, paths absolute and normalized (FromEnvironment makes them so; a hand-built one
// must be). FromEnvironment reads the environment (not thread-safe against setenv).
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace warden {

struct WardenSelf {
  std::string config_dir;
  std::string state_dir;
  std::string socket;
  std::string runtime_dir;
  std::vector<int> pids;  // the daemon's, when known (the daemon itself adds its own)
  // The environment variables behind these locations, as this process saw them (the analysis
  // starts from them: "$XDG_RUNTIME_DIR/warden/warden.sock" is a known path).
  std::vector<std::pair<std::string, std::string>> env;

  // `socket_flag` and `state_dir_flag` are the --socket and --state-dir in effect, "" if none.
  static WardenSelf FromEnvironment(const std::string& socket_flag = {}, const std::string& state_dir_flag = {});
  // The directories above that are set and absolute, without duplicates; "" in the other
  // slots. Views into this object, no allocation (the analyzer asks for every word).
  std::array<std::string_view, 3> Directories() const;
};

// The defaults above, each from the environment.
std::string DefaultWardenStateDir();
std::string DefaultWardenSocket(const std::string& state_dir);
std::string DefaultWardenConfigDir();

}  // namespace warden
