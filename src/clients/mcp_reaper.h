// The reaper between `warden mcp` and its MCP server: the one process that makes sure nothing
// the server started outlives the proxy, however the proxy ends (SIGKILL included).
//
//   warden mcp (proxy) ── fork ──▶ reaper (PR_SET_CHILD_SUBREAPER) ── fork+exec ──▶ server ──▶ …
//
// The relay forks the reaper; the reaper forks and execs the server. As a child subreaper it
// inherits every process of the server's tree whose parent dies — one that called setsid() or
// double-forked included — so it can always find and kill them: they are its children, and a
// child's pid cannot be reused before its parent reaps it, so no kill can hit a stranger.
//
// The reaper ends the tree (SIGKILL to the server's group, then to each of its children over
// and over, reaping as it goes, until it has none left) and exits when
//   - the server exits (what the old relay did with the group, now reaching escaped processes);
//   - the proxy is gone: the control pipe, whose write end only the proxy holds, reads EOF —
//     on any death of the proxy, since the kernel closes its descriptors — and, as a second
//     signal, PR_SET_PDEATHSIG delivers SIGTERM when the proxy thread that forked it ends;
//   - it gets SIGTERM, SIGINT or SIGHUP itself.
// Its children are found by reading /proc/<pid>/stat for the processes whose parent it is (the
// kernel here lacks /proc/<pid>/task/<tid>/children; the scan works with any /proc).
//
// Protocol over two pipes:
//   control, proxy → reaper: one byte per request, the signal (SIGTERM or SIGKILL) to send to
//     the server's process group while the server runs; EOF means the proxy is gone;
//   report, reaper → proxy: ReaperMessages — kServerPid as soon as the server is forked (its
//     pid, or -errno when fork failed), kSignalSent once a requested signal has been sent (the
//     proxy waits for it, so that closing the server's stdin next cannot overtake the signal),
//     and kServerStatus, the server's wait status, when the whole tree is gone and the reaper
//     is about to exit.
//
// The reaper runs after fork() in a multi-threaded process and never execs, so it uses only
// async-signal-safe calls (raw system calls, no allocation, no locks, no C++ library); this
// starts no program image and needs no hidden mode of the warden binary. Before forking the
// server it closes what an exec would have (close-on-exec descriptors), so the server inherits
// what it did when the proxy forked it; after, it keeps its own two pipes and nothing else, so a
// pipe end it holds can never keep the server's stdin open or hide an EOF from the client.
// A request to signal the server goes to its group, or to the server alone when it has left it.
#pragma once

#include <sys/types.h>

#include <cstdint>

namespace warden::mcp {

// One report, written whole (8 bytes, so atomically) on the report pipe.
struct ReaperMessage {
  enum Kind : int32_t { kServerPid = 1, kSignalSent = 2, kServerStatus = 3 };
  int32_t kind = 0;
  int32_t value = 0;
};

struct ReaperSetup {
  const char* path = nullptr;   // the server's program, already resolved
  char* const* argv = nullptr;  // its argv, null-terminated
  char* const* envp = nullptr;  // its environment
  int server_stdin = -1;        // read end: becomes the server's fd 0
  int server_stdout = -1;       // write end: becomes the server's fd 1
  int exec_error = -1;          // write end (O_CLOEXEC): the server's execve errno on failure
  int control = -1;             // read end of the control pipe
  int report = -1;              // write end of the report pipe
  pid_t proxy = 0;              // the proxy's pid, taken before fork()
};

// Runs in the child of fork() and never returns. Every descriptor of `setup` must be O_CLOEXEC.
[[noreturn]] void RunReaper(const ReaperSetup& setup);

}  // namespace warden::mcp
