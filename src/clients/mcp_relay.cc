#include "clients/mcp_relay.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/json.hpp>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "clients/mcp_reaper.h"

extern char** environ;

namespace warden::mcp {

namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kReadChunk = 64 * 1024;
// Without pidfd_open (Linux < 5.3) the loop checks for the server's exit this often.
constexpr int kReapPollMs = 50;
// How long a signal for the server may take the reaper to send (it answers in microseconds;
// the bound is for a reaper that is itself stopped).
constexpr std::chrono::milliseconds kSignalSentWait{1000};

// Signal handlers only bump a counter and wake the loop through its eventfd.
std::atomic<int> g_signal_count{0};
std::atomic<int> g_last_signal{0};
std::atomic<int> g_signal_wake_fd{-1};

void OnSignal(int sig) {
  int saved = errno;
  g_last_signal.store(sig);
  g_signal_count.fetch_add(1);
  int fd = g_signal_wake_fd.load();
  uint64_t one = 1;
  if (fd >= 0) (void)!write(fd, &one, sizeof one);
  errno = saved;
}

std::string Errno(int err) {
  return std::strerror(err);
}

bool IsExecutableFile(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(path.c_str(), X_OK) == 0;
}

// Looks argv[0] up like a shell: a name with a '/' is used as it is, others are searched in
// PATH. Returns the path, or sets *err to ENOENT (nowhere) or EACCES (found, not executable).
std::string ResolveCommand(const std::string& name, int* err) {
  *err = 0;
  if (name.find('/') != std::string::npos) return name;
  const char* env_path = getenv("PATH");
  std::string_view path = env_path != nullptr ? env_path : "/usr/local/bin:/usr/bin:/bin";
  bool seen = false;
  while (true) {
    size_t colon = path.find(':');
    std::string dir(path.substr(0, colon));
    std::string candidate = (dir.empty() ? std::string(".") : dir) + "/" + name;
    if (IsExecutableFile(candidate)) return candidate;
    seen = seen || access(candidate.c_str(), F_OK) == 0;
    if (colon == std::string_view::npos) break;
    path.remove_prefix(colon + 1);
  }
  *err = seen ? EACCES : ENOENT;
  return name;
}

Status RunError(const std::string& name, int err) {
  std::string msg = "cannot run '" + name + "': " + Errno(err);
  if (err == ENOENT || err == ENOTDIR) return Status::NotFound(std::move(msg));
  return Status::InvalidArgument(std::move(msg));
}

int StatusToExitCode(int wait_status) {
  if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
  if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
  return 1;
}

void SetNonBlocking(int fd) {
  int flags = fcntl(fd, F_GETFL);
  if (flags >= 0 && (flags & O_NONBLOCK) == 0) fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

void CloseFd(int& fd) {
  if (fd >= 0) close(fd);
  fd = -1;
}

void CloseBoth(const std::array<int, 2>& pipe_fds) {
  for (int fd : pipe_fds) close(fd);
}

// Reads exactly one int32 from a blocking pipe. False on EOF (or an error) before it.
bool ReadInt32(int fd, int32_t* value) {
  char buf[sizeof(int32_t)];
  size_t got = 0;
  while (got < sizeof buf) {
    ssize_t n = read(fd, buf + got, sizeof buf - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    got += static_cast<size_t>(n);
  }
  std::memcpy(value, buf, sizeof buf);
  return true;
}

// The reaper's next report, waiting at most timeout_ms (-1: no limit). False on timeout or EOF.
bool ReadReport(int fd, int timeout_ms, ReaperMessage* message) {
  pollfd ready{fd, POLLIN, 0};
  int n;
  do {
    n = poll(&ready, 1, timeout_ms);
  } while (n < 0 && errno == EINTR);
  if (n <= 0) return false;
  // Written whole by the reaper (8 bytes on a pipe), so either all of it is there or EOF.
  return ReadInt32(fd, &message->kind) && ReadInt32(fd, &message->value);
}

int MsUntil(Clock::time_point t) {
  auto ms = std::chrono::ceil<std::chrono::milliseconds>(t - Clock::now()).count();
  return static_cast<int>(std::clamp<int64_t>(ms, 0, 1 << 30));
}

}  // namespace

std::string_view DirectionName(Direction direction) {
  return direction == Direction::kClientToServer ? "client→server" : "server→client";
}

int ExitCodeForRunError(const Status& status) {
  if (status.code() == Status::Code::kNotFound) return 127;
  if (status.code() == Status::Code::kInvalidArgument) return 126;
  return 1;
}

// Process-wide signal dispositions for the duration of Run, put back by the destructor.
class Relay::SignalScope {
 public:
  SignalScope(bool handle_signals, int wake_fd) {
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &ignore, &old_pipe_);
    if (!handle_signals) return;
    int expected = -1;
    if (!g_signal_wake_fd.compare_exchange_strong(expected, wake_fd)) return;  // another Relay has them
    owns_signals_ = true;
    struct sigaction on {};
    on.sa_handler = OnSignal;
    sigemptyset(&on.sa_mask);
    on.sa_flags = SA_RESTART;
    for (size_t i = 0; i < kSignals.size(); ++i) sigaction(kSignals[i], &on, &old_[i]);
  }
  ~SignalScope() {
    if (owns_signals_) {
      for (size_t i = 0; i < kSignals.size(); ++i) sigaction(kSignals[i], &old_[i], nullptr);
      g_signal_wake_fd.store(-1);
    }
    sigaction(SIGPIPE, &old_pipe_, nullptr);
  }
  SignalScope(const SignalScope&) = delete;
  SignalScope& operator=(const SignalScope&) = delete;

 private:
  static constexpr std::array<int, 3> kSignals{SIGTERM, SIGINT, SIGHUP};
  bool owns_signals_ = false;
  struct sigaction old_pipe_ {};
  std::array<struct sigaction, 3> old_{};
};

Relay::Relay() : read_buf_(new char[kReadChunk]) {
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
}

Relay::~Relay() {
  if (wake_fd_ >= 0) close(wake_fd_);
}

void Relay::Post(std::function<void()> fn) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    posted_.push_back(std::move(fn));
  }
  uint64_t one = 1;
  (void)!write(wake_fd_, &one, sizeof one);
}

void Relay::SendToServer(std::string_view line) {
  if (server_in_ < 0) {
    ++stats_.dropped_to_server;
    return;
  }
  to_server_.bytes.append(line);
  to_server_.bytes += '\n';
  ++stats_.lines_to_server;
}

void Relay::SendToClient(std::string_view line) {
  if (!client_out_open_) {
    ++stats_.dropped_to_client;
    return;
  }
  to_client_.bytes.append(line);
  to_client_.bytes += '\n';
  ++stats_.lines_to_client;
}

void Relay::DefaultOnOversize(Direction direction, size_t bytes, std::string_view head) {
  std::string id = RecoverId(head);
  if (id == "null") return;
  Message::Type type = RecoverType(head);
  bool response =
      type == Message::Type::kResponse || (type == Message::Type::kInvalid && direction == Direction::kServerToClient);
  boost::json::value data = {{"bytes", bytes}, {"limit", options_.max_message_bytes}};
  std::string text = "message too large for Warden's MCP proxy: " + std::to_string(bytes) + " bytes, the limit is " +
                     std::to_string(options_.max_message_bytes);
  std::string error = ErrorResponse(id, kMessageTooLarge, text, &data);
  // A request is answered to its sender; a response is replaced toward its destination.
  bool to_client = (direction == Direction::kClientToServer) != response;
  if (to_client) {
    SendToClient(error);
  } else {
    SendToServer(error);
  }
}

Result<int> Relay::Run(const RelayOptions& options) {
  if (options.argv.empty()) return Status::InvalidArgument("no server command");
  if (wake_fd_ < 0) return Status::IoError("eventfd: " + Errno(errno));
  options_ = options;
  client_framer_ = LineFramer(options.max_message_bytes);
  server_framer_ = LineFramer(options.max_message_bytes);
  SignalScope signals(options.handle_signals, wake_fd_);
  signals_seen_ = g_signal_count.load();

  int client_out_flags = fcntl(options.client_out, F_GETFL);
  Status spawned = Spawn(options);
  if (!spawned.ok()) return spawned;
  SetNonBlocking(options.client_out);

  Loop();

  if (reaper_ > 0 && !server_exited_) {  // only if the loop was left early; normally reaped
    CloseFd(control_);                   // EOF: the reaper ends the server's tree and exits
    ReapServer(/*block=*/true);
  }
  CloseFd(server_in_);
  CloseFd(server_out_);
  CloseFd(pidfd_);
  if (client_out_flags >= 0) fcntl(options.client_out, F_SETFL, client_out_flags);
  {
    std::lock_guard<std::mutex> lock(mu_);
    posted_.clear();
  }
  if (!loop_error_.ok()) return loop_error_;
  return exit_status_;
}

Status Relay::Spawn(const RelayOptions& options) {
  int resolve_err = 0;
  std::string path = ResolveCommand(options.argv[0], &resolve_err);
  if (resolve_err != 0) return RunError(options.argv[0], resolve_err);

  std::vector<char*> argv;
  for (const std::string& arg : options.argv) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);

  // The server's stdin and stdout, its exec errno, the control and report pipes (mcp_reaper.h).
  std::array<std::array<int, 2>, 5> pipes;
  for (size_t i = 0; i < pipes.size(); ++i) {
    if (pipe2(pipes[i].data(), O_CLOEXEC) == 0) continue;
    int e = errno;
    for (size_t j = 0; j < i; ++j) CloseBoth(pipes[j]);
    return Status::IoError("pipe: " + Errno(e));
  }
  auto& [in, out, err, control, report] = pipes;
  ReaperSetup setup{path.c_str(), argv.data(), environ, in[0], out[1], err[1], control[0], report[1], getpid()};
  pid_t pid = fork();
  if (pid == 0) RunReaper(setup);
  int fork_errno = errno;
  for (int fd : {in[0], out[1], err[1], control[0], report[1]}) close(fd);
  if (pid < 0) {
    for (int fd : {in[1], out[0], err[0], control[1], report[0]}) close(fd);
    return Status::IoError("fork: " + Errno(fork_errno));
  }
  setpgid(pid, pid);  // also in the reaper: whichever runs first
  reaper_ = pid;
  server_in_ = in[1];
  server_out_ = out[0];
  control_ = control[1];
  report_ = report[0];

  ReaperMessage forked;
  bool started = ReadReport(report_, -1, &forked) && forked.kind == ReaperMessage::kServerPid && forked.value > 0;
  int32_t exec_errno = 0;
  bool exec_failed = started && ReadInt32(err[0], &exec_errno);  // EOF: the exec succeeded
  close(err[0]);
  if (!started || exec_failed) {
    ReapServer(/*block=*/true);
    CloseFd(server_in_);
    CloseFd(server_out_);
    if (exec_failed) return RunError(options.argv[0], exec_errno);
    if (forked.value < 0) return Status::IoError("fork: " + Errno(-forked.value));
    return Status::IoError("the server's reaper ended before starting it");
  }
  server_ = forked.value;
  SetNonBlocking(server_in_);
  SetNonBlocking(server_out_);
  SetNonBlocking(control_);
#ifdef SYS_pidfd_open
  pidfd_ = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
#endif
  return Status::Ok();
}

void Relay::Loop() {
  RunPosted();  // what was posted before Run
  Flush();
  while (phase_ != Phase::kDone) {
    pollfd fds[6];
    int n = 0;
    auto add = [&](int fd, short events) -> pollfd* {
      if (fd < 0 || events == 0) return nullptr;
      fds[n] = pollfd{fd, events, 0};
      return &fds[n++];
    };
    bool read_client = client_in_open_ && phase_ == Phase::kRelaying && to_server_.size() < kQueueHighWater;
    bool read_server = to_client_.size() < kQueueHighWater;
    pollfd* wake = add(wake_fd_, POLLIN);
    pollfd* cin = read_client ? add(options_.client_in, POLLIN) : nullptr;
    pollfd* sout = read_server ? add(server_out_, POLLIN) : nullptr;
    if (client_out_open_ && to_client_.size() > 0) add(options_.client_out, POLLOUT);
    if (to_server_.size() > 0) add(server_in_, POLLOUT);
    pollfd* child = add(pidfd_, POLLIN);

    int ready = poll(fds, static_cast<nfds_t>(n), PollTimeoutMs());
    if (ready < 0 && errno != EINTR) {
      loop_error_ = Status::IoError("poll: " + Errno(errno));
      break;
    }
    if (ready > 0) {
      if (wake != nullptr && wake->revents != 0) DrainWakeups();
      if (cin != nullptr && cin->revents != 0) ReadClient();
      if (sout != nullptr && sout->revents != 0) ReadServer(/*until_eof=*/false);
    }
    Flush();
    if (child != nullptr ? child->revents != 0 : pidfd_ < 0) ReapServer(/*block=*/false);
    CheckDeadlines();
    if (server_exited_) FinishAfterExit();
  }
}

int Relay::PollTimeoutMs() const {
  int timeout = -1;
  if (phase_ == Phase::kStopping) {
    if (!term_sent_)
      timeout = MsUntil(term_at_);
    else if (!kill_sent_)
      timeout = MsUntil(kill_at_);
  }
  if (pidfd_ < 0) timeout = timeout < 0 ? kReapPollMs : std::min(timeout, kReapPollMs);
  return timeout;
}

void Relay::ReadClient() {
  ssize_t n = read(options_.client_in, read_buf_.get(), kReadChunk);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
  if (n <= 0) {
    client_in_open_ = false;  // EOF, or an error such as EIO: no more requests either way
    BeginStop();
    return;
  }
  client_framer_.Feed(
      std::string_view(read_buf_.get(), static_cast<size_t>(n)),
      [this](std::string_view line) {
        ++stats_.lines_from_client;
        if (on_client_line) {
          on_client_line(line);
        } else {
          SendToServer(line);
        }
      },
      [this](size_t bytes, std::string_view head) { Oversize(Direction::kClientToServer, bytes, head); });
}

void Relay::ReadServer(bool until_eof) {
  // After the server's exit the pipe holds at most its capacity (≤ 1 MiB); the bound stops a
  // writer outside the group from keeping the relay here.
  int reads_left = until_eof ? 1 + (1 << 20) / static_cast<int>(kReadChunk) : 1;
  while (server_out_ >= 0 && reads_left-- > 0) {
    ssize_t n = read(server_out_, read_buf_.get(), kReadChunk);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return;
    if (n <= 0) {
      CloseFd(server_out_);  // the server cannot answer any more: stop
      TellServerGone();
      BeginStop();
      return;
    }
    server_framer_.Feed(
        std::string_view(read_buf_.get(), static_cast<size_t>(n)),
        [this](std::string_view line) {
          ++stats_.lines_from_server;
          if (on_server_line) {
            on_server_line(line);
          } else {
            SendToClient(line);
          }
        },
        [this](size_t bytes, std::string_view head) { Oversize(Direction::kServerToClient, bytes, head); });
  }
}

void Relay::Oversize(Direction direction, size_t bytes, std::string_view head) {
  ++(direction == Direction::kClientToServer ? stats_.oversize_from_client : stats_.oversize_from_server);
  if (on_oversize) {
    on_oversize(direction, bytes, head);
  } else {
    DefaultOnOversize(direction, bytes, head);
  }
}

void Relay::BeginStop() {
  if (phase_ != Phase::kRelaying) return;
  phase_ = Phase::kStopping;
  term_at_ = Clock::now() + options_.shutdown_grace;
  kill_at_ = term_at_ + options_.shutdown_grace;
  if (to_server_.size() == 0) CloseServerStdin();
}

void Relay::Flush() {
  if (server_in_ >= 0 && to_server_.size() > 0 && !WriteQueue(server_in_, to_server_)) {
    CloseServerStdin();  // EPIPE: the server closed its stdin; it may still answer what it has
  }
  if (phase_ == Phase::kStopping && to_server_.size() == 0) CloseServerStdin();
  if (client_out_open_ && to_client_.size() > 0 && !WriteQueue(options_.client_out, to_client_)) {
    client_out_open_ = false;  // the client is gone: nobody to relay to
    to_client_ = Queue();
    BeginStop();
  }
}

bool Relay::WriteQueue(int fd, Queue& q) {
  while (q.size() > 0) {
    ssize_t n = write(fd, q.bytes.data() + q.sent, q.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) break;
    if (n < 0) return false;
    q.sent += static_cast<size_t>(n);
  }
  if (q.size() == 0) {
    q.bytes.clear();
    q.sent = 0;
    if (q.bytes.capacity() > kQueueHighWater) std::string().swap(q.bytes);
  } else if (q.sent > kQueueHighWater / 2) {
    q.bytes.erase(0, q.sent);
    q.sent = 0;
  }
  return true;
}

void Relay::CloseServerStdin() {
  if (server_in_ < 0) return;
  stats_.dropped_to_server += static_cast<uint64_t>(std::count(
      to_server_.bytes.begin() + static_cast<std::ptrdiff_t>(to_server_.sent), to_server_.bytes.end(), '\n'));
  to_server_ = Queue();
  CloseFd(server_in_);
}

void Relay::RunPosted() {
  std::vector<std::function<void()>> fns;
  {
    std::lock_guard<std::mutex> lock(mu_);
    fns.swap(posted_);
  }
  for (auto& fn : fns) fn();
}

void Relay::DrainWakeups() {
  uint64_t count;
  while (read(wake_fd_, &count, sizeof count) > 0) {
  }
  int signals = g_signal_count.load();
  if (signals != signals_seen_) {
    signals_seen_ = signals;
    HandleSignal(g_last_signal.load());
  }
  RunPosted();
}

void Relay::HandleSignal(int sig) {
  stats_.signal = sig;
  if (term_sent_) {  // a second signal: no more waiting
    KillGroup(SIGKILL);
    kill_sent_ = true;
    return;
  }
  // The signal goes first: closing the server's stdin first would let a server that exits on
  // end of input finish with 0 before the signal reaches it, hiding why the relay stopped.
  KillGroup(SIGTERM);
  term_sent_ = true;
  BeginStop();
  kill_at_ = Clock::now() + options_.shutdown_grace;
}

void Relay::CheckDeadlines() {
  if (phase_ != Phase::kStopping || server_exited_) return;
  auto now = Clock::now();
  if (!term_sent_ && now >= term_at_) {
    CloseServerStdin();
    KillGroup(SIGTERM);
    term_sent_ = true;
  }
  if (!kill_sent_ && now >= kill_at_) {
    KillGroup(SIGKILL);
    kill_sent_ = true;
  }
}

void Relay::KillGroup(int sig) {
  // The reaper sends it: it alone knows whether the server's pid (the group's id) is still its.
  if (control_ < 0 || server_exited_ || server_status_reported_) return;
  auto byte = static_cast<unsigned char>(sig);
  if (write(control_, &byte, 1) != 1) return;
  // Wait until it is sent, so that what comes next (the server's stdin closed) cannot reach a
  // server that exits at end of input before the signal does. The answer is kSignalSent, or
  // kServerStatus when the reaper was already ending the tree.
  ReaperMessage message;
  if (ReadReport(report_, static_cast<int>(kSignalSentWait.count()), &message) &&
      message.kind == ReaperMessage::kServerStatus) {
    NoteServerStatus(message.value);
  }
}

void Relay::NoteServerStatus(int wait_status) {
  server_status_reported_ = true;
  server_wait_status_ = wait_status;
}

void Relay::ReapServer(bool block) {
  if (reaper_ <= 0 || server_exited_) return;
  int reaper_status = 0;
  pid_t pid;
  do {
    pid = waitpid(reaper_.load(), &reaper_status, block ? 0 : WNOHANG);
  } while (pid < 0 && errno == EINTR);
  if (pid != reaper_.load()) return;
  // The reaper exits once the server and everything it started are gone, after reporting the
  // server's status; without a report (the reaper itself was killed) its own status stands in.
  ReaperMessage message;
  while (!server_status_reported_ && ReadReport(report_, 0, &message)) {
    if (message.kind == ReaperMessage::kServerStatus) NoteServerStatus(message.value);
  }
  exit_status_ = StatusToExitCode(server_status_reported_ ? server_wait_status_ : reaper_status);
  server_exited_ = true;
  CloseFd(control_);
  CloseFd(report_);
}

void Relay::TellServerGone() {
  if (server_gone_told_) return;
  server_gone_told_ = true;
  if (on_server_gone) on_server_gone();
}

void Relay::FinishAfterExit() {
  ReadServer(/*until_eof=*/true);  // what it wrote before exiting
  CloseServerStdin();
  CloseFd(server_out_);
  TellServerGone();
  auto deadline = Clock::now() + options_.shutdown_grace;
  while (client_out_open_ && to_client_.size() > 0) {
    pollfd fd{options_.client_out, POLLOUT, 0};
    int timeout = MsUntil(deadline);
    if (poll(&fd, 1, timeout) == 0 && timeout == 0) break;
    if (!WriteQueue(options_.client_out, to_client_)) break;
  }
  phase_ = Phase::kDone;
}

}  // namespace warden::mcp
