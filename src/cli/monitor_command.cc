// `warden monitor`: the live view of decisions and pending approvals (src/tui/monitor.h).
#include "cli/common.h"
#include "cli/daemon_flags.h"
#include "tui/monitor.h"

namespace warden::cli {
namespace {

struct MonitorArgs {
  DaemonFlags daemon;
  size_t history = 1000;
  int measure_frames = 0;
};

}  // namespace

void RegisterMonitor(CLI::App& app, Runner* run) {
  auto args = std::make_shared<MonitorArgs>();
  CLI::App* cmd = app.add_subcommand("monitor", "Watch decisions live and answer pending approvals (terminal UI)");
  AddDaemonFlags(cmd, &args->daemon);
  cmd->add_option("--history", args->history, "Audit records to show from before the start (default 1000)");
  cmd->add_option("--measure-frames", args->measure_frames,
                  "Benchmark: render N frames off-screen over the loaded history, print frame times as JSON, exit");
  cmd->footer(R"(Keys: ↑ ↓ PgUp PgDn Home End move (End follows new decisions) · / filter by text · d cycle the
decision filter · k cycle the kind filter · Tab switch to the pending approvals · a approve once ·
A approve and remember the exact request for N minutes · x deny with a reason · q quit.
Answering needs the approver key in the state directory.

Examples:
  warden monitor
  warden monitor --history 100000
)");
  cmd->callback([run, args] {
    *run = [args] {
      tui::MonitorOptions o;
      o.socket = args->daemon.Socket();
      o.state_dir = args->daemon.StateDir();
      o.history = args->history;
      o.measure_frames = args->measure_frames;
      return tui::RunMonitor(o);
    };
  });
}

}  // namespace warden::cli
