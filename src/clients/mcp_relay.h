// The stdio relay under `warden mcp`: an MCP client (the agent) starts Warden in place of an MCP
// server; the relay starts the server and passes newline-delimited JSON-RPC both ways. Every
// complete line from either side goes to a handler, which forwards it, replaces it, answers it
// itself or drops it (mcp_jsonrpc.h has the framing and the message parser).
//
//   client (agent) ── client_in ──▶ on_client_line ── SendToServer ──▶ server stdin
//   client (agent) ◀── client_out ── SendToClient ◀── on_server_line ◀── server stdout
//
// The server runs in its own process group with its stderr inherited (its logs reach the
// client's log), under a reaper process (mcp_reaper.h) that the relay forks first: a child
// subreaper that inherits whatever the server's tree orphans, and ends that whole tree — the
// group, and processes that left it with setsid() or a double fork — when the server exits,
// when the relay ends, and when the proxy dies in any way, SIGKILL included (its control pipe
// reads EOF). So wrappers such as `npx` leave no orphans. Signals to the server go through it.
//
// One loop thread (the one calling Run) does all I/O with non-blocking fds and poll(); the
// handlers run on it. Each direction has its own outgoing queue; while a queue holds more than
// kQueueHighWater bytes the relay stops reading from the side that fills it (backpressure), so a
// peer that does not read slows only its own direction. Lines longer than max_message_bytes are
// never buffered whole: on_oversize gets their size and first 4 KiB.
//
// How it ends:
//   - client EOF (or a broken client_out): what is queued for the server is written, the server's
//     stdin is closed; if the server has not exited after shutdown_grace it gets SIGTERM (the
//     group), after another shutdown_grace SIGKILL;
//   - server stdout EOF: the same, since the server can no longer answer;
//   - SIGTERM, SIGINT or SIGHUP to the proxy: SIGTERM to the server's group at once, SIGKILL
//     after shutdown_grace; a second signal sends SIGKILL at once;
//   - server exit: the reaper kills what the server left behind and reports its status; what
//     it wrote before exiting is read and relayed, what is queued for the client is written (for
//     at most shutdown_grace), the status returned.
//
// Process-wide effects while Run runs: SIGPIPE is ignored and SIGTERM/SIGINT/SIGHUP have handlers
// (when handle_signals); the previous dispositions are restored when Run returns. So only one
// Relay with handle_signals may run at a time in a process (a second one runs without). client_out
// is made O_NONBLOCK for the duration (its flags are restored), which also affects descriptors
// sharing its open file, e.g. a stderr that is the same terminal.
//
// Thread-safety: Post may be called from any thread at any time; everything else belongs to the
// loop thread (handlers call SendToServer/SendToClient from inside Run).
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "clients/mcp_jsonrpc.h"
#include "core/status.h"

namespace warden::mcp {

enum class Direction { kClientToServer, kServerToClient };
std::string_view DirectionName(Direction direction);  // "client→server", "server→client"

// Stop reading from a side while the queue it feeds holds more than this.
inline constexpr size_t kQueueHighWater = size_t{4} << 20;

struct RelayOptions {
  std::vector<std::string> argv;  // the server command; argv[0] is looked up in PATH like a shell
  size_t max_message_bytes = kDefaultMaxMessageBytes;
  int client_in = 0;   // read by the relay; not closed by it
  int client_out = 1;  // written by the relay; not closed by it
  std::chrono::milliseconds shutdown_grace{2000};
  bool handle_signals = true;  // SIGTERM/SIGINT/SIGHUP to the proxy stop the server (see above)
};

// What went through, for logs and metrics. Read after Run (or from handlers).
struct RelayStats {
  uint64_t lines_from_client = 0, lines_from_server = 0;
  uint64_t lines_to_server = 0, lines_to_client = 0;
  uint64_t oversize_from_client = 0, oversize_from_server = 0;
  uint64_t dropped_to_server = 0, dropped_to_client = 0;  // sent after that side was gone
  int signal = 0;                                         // the signal that stopped the proxy, 0 if none
};

class Relay {
 public:
  Relay();
  ~Relay();
  Relay(const Relay&) = delete;
  Relay& operator=(const Relay&) = delete;

  // Called on the loop thread for every complete line (no "\n") from the client / the server.
  // The line is valid only during the call. The handler calls SendToServer / SendToClient any
  // number of times (the original line, a replacement, an answer of its own) or nothing (drop).
  // Unset: the line is forwarded unchanged.
  std::function<void(std::string_view line)> on_client_line, on_server_line;
  // A line longer than max_message_bytes, by its total size and first 4 KiB. Unset:
  // DefaultOnOversize.
  std::function<void(Direction, size_t bytes, std::string_view head)> on_oversize;
  // Called once, on the loop thread, when the server can answer nothing more (its stdout ended
  // or it exited), after every line it wrote went to on_server_line and before what is queued
  // for the client is flushed: the place to answer requests it left unanswered.
  std::function<void()> on_server_gone;

  // The default oversize handling: when the head shows an id (RecoverId), the peer waiting for
  // an answer gets a kMessageTooLarge error with that id — a request is answered to its sender,
  // a response is replaced by the error toward its destination (so the request it answers
  // fails instead of hanging). When the head shows neither a method nor a result, the likely
  // case is assumed: a request from the client, a response from the server. Without an id (a
  // notification, or unknowable) the line is dropped. The error's data is
  // {"bytes": N, "limit": max_message_bytes}.
  void DefaultOnOversize(Direction direction, size_t bytes, std::string_view head);

  // Queue one line (a "\n" is appended) toward the server / the client. Loop thread only.
  // After that side is gone the line is dropped and counted.
  void SendToServer(std::string_view line);
  void SendToClient(std::string_view line);

  // Runs fn on the loop thread soon (wakes the loop); for decisions made elsewhere, such as an
  // approval that takes minutes. Thread-safe. Functions posted before Run run when it starts;
  // ones still pending when Run returns are destroyed without running.
  void Post(std::function<void()> fn);

  // Starts the server and relays until the relay ends (see above). Returns the exit status to
  // use: the server's exit code, or 128 + the signal that killed it. Errors: the command cannot
  // be run — NotFound "cannot run 'X': No such file or directory" (a shell exits 127) or
  // InvalidArgument "cannot run 'X': Permission denied" (126), see ExitCodeForRunError — or a
  // system call failed (IoError). Call once per Relay.
  Result<int> Run(const RelayOptions& options);

  const RelayStats& stats() const { return stats_; }
  // Thread-safe (Run sets them on its thread).
  pid_t server_pid() const { return server_.load(); }  // 0 before Run starts it
  pid_t reaper_pid() const { return reaper_.load(); }  // the server's parent (mcp_reaper.h); 0 before Run

 private:
  struct Queue {
    std::string bytes;
    size_t sent = 0;  // bytes[0, sent) are written
    size_t size() const { return bytes.size() - sent; }
  };
  enum class Phase { kRelaying, kStopping, kDone };
  class SignalScope;

  Status Spawn(const RelayOptions& options);
  void Loop();
  int PollTimeoutMs() const;
  void ReadClient();
  void ReadServer(bool until_eof);
  void Oversize(Direction direction, size_t bytes, std::string_view head);
  void BeginStop();
  void TellServerGone();
  void Flush();
  static bool WriteQueue(int fd, Queue& q);
  void CloseServerStdin();
  void RunPosted();
  void DrainWakeups();
  void HandleSignal(int sig);
  void CheckDeadlines();
  void KillGroup(int sig);
  void NoteServerStatus(int wait_status);
  void ReapServer(bool block);
  void FinishAfterExit();

  RelayOptions options_;
  RelayStats stats_;
  LineFramer client_framer_{kDefaultMaxMessageBytes}, server_framer_{kDefaultMaxMessageBytes};
  Queue to_server_, to_client_;
  std::unique_ptr<char[]> read_buf_;
  Status loop_error_;

  int wake_fd_ = -1;     // eventfd: Post and signal handlers write to it
  int server_in_ = -1;   // write end of the server's stdin
  int server_out_ = -1;  // read end of the server's stdout
  int control_ = -1;     // write end of the reaper's control pipe: signals for the server
  int report_ = -1;      // read end of the reaper's report pipe: the server's pid, then status
  int pidfd_ = -1;       // readable when the reaper exits (-1 on kernels without pidfd_open)
  std::atomic<pid_t> reaper_{0};  // the relay's child; the server is the reaper's
  std::atomic<pid_t> server_{0};
  bool client_in_open_ = true, client_out_open_ = true;
  bool server_exited_ = false;
  bool server_status_reported_ = false;  // the reaper's kServerStatus has been read
  int server_wait_status_ = 0;
  bool server_gone_told_ = false;  // on_server_gone has been called
  int exit_status_ = 0;            // 128 + signal when killed
  Phase phase_ = Phase::kRelaying;
  std::chrono::steady_clock::time_point term_at_, kill_at_;
  bool term_sent_ = false, kill_sent_ = false;
  int signals_seen_ = 0;

  std::mutex mu_;
  std::vector<std::function<void()>> posted_;  // GUARDED_BY(mu_)
};

// The exit status a shell would use for a Run error: 127 (not found), 126 (not executable), 1.
int ExitCodeForRunError(const Status& status);

}  // namespace warden::mcp
