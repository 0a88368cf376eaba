// `warden monitor`: an ncurses view of the daemon's decisions as they happen, with filters,
// the selected decision's details, and the pending approvals a person can answer (approve
// once, approve and remember the exact request for N minutes, deny with a reason).
//
// Events are kept as their JSON lines (one string each) and parsed only when shown, so the
// list stays a virtual list: a frame costs the rows on screen, not the events held. With
// `history`, the newest records of the audit log are loaded first.
//
// Not thread-safe: one thread runs the whole UI.
#pragma once

#include <cstdint>
#include <string>

namespace warden::tui {

struct MonitorOptions {
  std::string socket;
  std::string state_dir;     // the approver key and the audit log
  size_t history = 1000;     // audit records to load at start (0: none)
  // Benchmark mode: render this many frames (scrolling through everything) off-screen, print
  // one JSON object with the frame times, and exit. 0: interactive.
  int measure_frames = 0;
};

// Runs until the user quits (q); returns a process exit status.
int RunMonitor(const MonitorOptions& options);

}  // namespace warden::tui
