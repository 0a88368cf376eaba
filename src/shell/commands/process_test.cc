#include <gtest/gtest.h>

#include "shell/test_util.h"

namespace warden::shell {
namespace {

using namespace testing;

TEST(ProcessCommandsTest, KillsThatReachTheDaemon) {
  for (std::string_view cmd :
       {"kill 4242", "kill -9 4242", "kill -STOP 4242", "kill -s TERM -- 4242", "kill $(pgrep warden)",
        "kill -9 $(pgrep -f 'warden serve')", "kill $(pidof warden-serve)", "kill -9 $(warden status --json | jq .pid)",
        "pid=$(pgrep -f w.rden); kill $pid", "ps aux | grep [w]arden | awk '{print $2}' | xargs kill -9",
        "kill $(cat ~/.local/state/warden/daemon.pid)", "pkill warden", "pkill ward", "pkill -f serve",
        "pkill -9 -f 'w[a]rden'", "killall warden-serve", "killall -u dev", "pkill -u dev", "pkill -v bash",
        "fuser -k /run/user/1000/warden/warden.sock", "systemctl --user stop warden", "systemctl --user kill 'ward*'",
        "systemctl --user mask warden.service", "loginctl terminate-user dev", "renice -n 19 -p 4242"}) {
    Facts f = AnalyzeWithDaemon(cmd);
    EXPECT_TRUE(HasSignal(f, kSignalWardenTamper)) << cmd << ": " << Dump(f);
  }
}

TEST(ProcessCommandsTest, OrdinaryKillsAreNotTamper) {
  for (std::string_view cmd : {"kill %1", "kill 31337", "pkill -f 'npm run dev'", "pkill node", "killall python3",
                               "kill $(lsof -t -i:3000)", "sleep 9 & kill $!", "pgrep -a warden",
                               "systemctl --user restart pipewire", "fuser -k 3000/tcp", "pkill -u dev node"}) {
    Facts f = AnalyzeWithDaemon(cmd);
    EXPECT_FALSE(HasSignal(f, kSignalWardenTamper)) << cmd << ": " << Dump(f);
  }
}

}  // namespace
}  // namespace warden::shell
