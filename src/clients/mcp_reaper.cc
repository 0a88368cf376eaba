#include "clients/mcp_reaper.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

namespace warden::mcp {

namespace {

// Everything in this file runs in a child of fork() of a multi-threaded process, before or
// without exec: async-signal-safe calls only — no allocation, no locks, no stdio, no C++ library.

// While ending the tree, how long to wait for a SIGCHLD before looking for children again.
constexpr int kSweepWaitMs = 10;
// Without a signalfd (it could not be created) the watch loop polls for exits this often.
constexpr int kNoSignalfdPollMs = 50;
// The signals the reaper reads from its signalfd; all but SIGCHLD make it end the tree.
constexpr int kWatchedSignals[] = {SIGTERM, SIGINT, SIGHUP, SIGCHLD};
// Offsets in struct linux_dirent64 (getdents64(2)).
constexpr size_t kDirentReclen = 16, kDirentName = 19;

void Report(int fd, int32_t kind, int32_t value) {
  ReaperMessage message;
  message.kind = kind;
  message.value = value;
  ssize_t n;
  do {  // at most PIPE_BUF bytes: written whole or not at all; an error means no proxy is left
    n = write(fd, &message, sizeof message);
  } while (n < 0 && errno == EINTR);
}

void CloseRange(unsigned first, unsigned last) {
  if (first > last) return;
#ifdef SYS_close_range
  if (syscall(SYS_close_range, first, last, 0) == 0) return;
#endif
  constexpr unsigned kMaxCloses = 1U << 20;
  rlimit limit{};  // kernels before 5.9: one close per possible descriptor
  unsigned cap = getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < kMaxCloses
                     ? static_cast<unsigned>(limit.rlim_cur)
                     : kMaxCloses;
  for (unsigned fd = first; fd <= last && fd < cap; ++fd) close(static_cast<int>(fd));
}

// Closes every descriptor but those in keep (negative entries are ignored; keep is sorted here).
void CloseAllBut(int* keep, int n) {
  for (int i = 1; i < n; ++i) {
    for (int j = i; j > 0 && keep[j - 1] > keep[j]; --j) {
      int t = keep[j];
      keep[j] = keep[j - 1];
      keep[j - 1] = t;
    }
  }
  unsigned next = 0;
  for (int i = 0; i < n; ++i) {
    if (keep[i] < 0 || static_cast<unsigned>(keep[i]) < next) continue;
    if (static_cast<unsigned>(keep[i]) > next) CloseRange(next, static_cast<unsigned>(keep[i]) - 1);
    next = static_cast<unsigned>(keep[i]) + 1;
  }
  CloseRange(next, ~0U);
}

// A /proc entry's name as a number (a pid, a descriptor); -1 when it is not one.
int ParseNumber(const char* name) {
  if (*name == '\0') return -1;
  int64_t value = 0;
  for (const char* p = name; *p != '\0'; ++p) {
    if (*p < '0' || *p > '9' || value > (1 << 30)) return -1;
    value = value * 10 + (*p - '0');
  }
  return static_cast<int>(value);
}

// Calls fn(name) for each entry of the directory open as dir_fd. False when it cannot be read.
template <typename Fn>
bool ForEachEntry(int dir_fd, Fn fn) {
  alignas(8) char buf[8192];
  int64_t n;
  while ((n = syscall(SYS_getdents64, dir_fd, buf, sizeof buf)) > 0) {
    for (int64_t off = 0; off < n;) {
      uint16_t reclen;
      memcpy(&reclen, buf + off + kDirentReclen, sizeof reclen);
      fn(buf + off + kDirentName);
      off += reclen;
    }
  }
  return n == 0;
}

bool Contains(const int* fds, int n, int fd) {
  for (int i = 0; i < n; ++i) {
    if (fds[i] == fd) return true;
  }
  return false;
}

// Closes the descriptors marked close-on-exec, but those in keep, so that the server inherits
// what an exec in the proxy would have passed on. False when /proc/self/fd cannot be read.
bool CloseCloexecBut(const int* keep, int n) {
  int dir = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) return false;
  bool listed = ForEachEntry(dir, [&](const char* name) {
    int fd = ParseNumber(name);
    if (fd < 0 || fd == dir || Contains(keep, n, fd)) return;
    int flags = fcntl(fd, F_GETFD);
    if (flags >= 0 && (flags & FD_CLOEXEC) != 0) close(fd);
  });
  close(dir);
  return listed;
}

// The parent of /proc/<name> ("pid (comm) state ppid …"), or -1.
pid_t ParentOf(int proc_dir, const char* name) {
  char path[32];
  size_t len = strnlen(name, 20);
  if (len == 0 || len >= 20) return -1;
  memcpy(path, name, len);
  memcpy(path + len, "/stat", 6);
  int fd = openat(proc_dir, path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  char text[160];  // comm is at most 15 bytes: the ppid is well inside
  ssize_t n;
  do {
    n = read(fd, text, sizeof text);
  } while (n < 0 && errno == EINTR);
  close(fd);
  if (n <= 0) return -1;
  ssize_t paren = n - 1;
  while (paren >= 0 && text[paren] != ')') --paren;  // comm may hold ')'; nothing after it does
  ssize_t i = paren + 4;                             // ") S " then the ppid
  if (paren < 0 || i >= n) return -1;
  int64_t ppid = 0;
  for (; i < n && text[i] >= '0' && text[i] <= '9'; ++i) ppid = ppid * 10 + (text[i] - '0');
  return static_cast<pid_t>(ppid);
}

// SIGKILL to every process whose parent is `self`. Such a pid cannot be reused before `self`
// reaps it, so the kill reaches the process that was read. False when /proc cannot be read.
bool KillChildren(pid_t self) {
  int dir = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) return false;
  bool listed = ForEachEntry(dir, [&](const char* name) {
    pid_t pid = ParseNumber(name);
    if (pid > 0 && ParentOf(dir, name) == self) kill(pid, SIGKILL);
  });
  close(dir);
  return listed;
}

struct ServerState {
  pid_t pid = 0;
  bool exited = false;
  int wait_status = 0;
};

// Reaps every child that has exited (the server's status is kept). False once none is left.
bool ReapExited(ServerState* server) {
  while (true) {
    int status = 0;
    pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid > 0) {
      if (pid == server->pid) {
        server->exited = true;
        server->wait_status = status;
      }
      continue;
    }
    if (pid == 0) return true;
    if (errno != EINTR) return false;  // ECHILD
  }
}

// Empties the signalfd. True if it held SIGTERM, SIGINT or SIGHUP (SIGCHLD only wakes).
bool DrainSignals(int events) {
  bool stop = false;
  signalfd_siginfo info;
  while (events >= 0 && read(events, &info, sizeof info) == sizeof info) {
    stop = stop || info.ssi_signo != SIGCHLD;
  }
  return stop;
}

// Passes the proxy's requests on to the server's group. False on EOF: the proxy is gone.
bool ForwardRequests(int control, int report, const ServerState& server) {
  unsigned char bytes[16];
  ssize_t n = read(control, bytes, sizeof bytes);
  if (n < 0) return errno == EINTR || errno == EAGAIN;
  for (ssize_t i = 0; i < n; ++i) {
    int sig = bytes[i];
    // The server alone when it has left its group (setsid), or the group would be empty.
    bool valid = sig == SIGTERM || sig == SIGKILL;
    if (valid && !server.exited && kill(-server.pid, sig) != 0 && errno == ESRCH) kill(server.pid, sig);
    Report(report, ReaperMessage::kSignalSent, sig);
  }
  return n > 0;
}

// Until the server exits, the proxy is gone or the reaper is told to stop.
void Watch(int control, int report, int events, ServerState* server) {
  while (!server->exited) {
    pollfd fds[2] = {{control, POLLIN, 0}, {events, POLLIN, 0}};  // poll skips a negative fd
    int ready = poll(fds, 2, events >= 0 ? -1 : kNoSignalfdPollMs);
    if (ready < 0 && errno != EINTR) return;
    if (DrainSignals(events)) return;
    ReapExited(server);
    if (ready > 0 && fds[0].revents != 0 && !ForwardRequests(control, report, *server)) return;
  }
}

// SIGKILL to the server's group at once, then to each child of the reaper, again and again —
// each death hands the reaper the dead one's children — reaping, until it has none left.
void KillTree(int events, ServerState* server) {
  if (!server->exited) {
    kill(-server->pid, SIGKILL);
    kill(server->pid, SIGKILL);  // in case it left its group
  }
  pid_t self = getpid();
  while (true) {
    bool found = KillChildren(self);
    if (!ReapExited(server)) return;
    if (!found && server->exited) return;  // no /proc: the group was all that could be reached
    pollfd fd{events, POLLIN, 0};
    poll(&fd, 1, kSweepWaitMs);
    DrainSignals(events);
  }
}

// The server: its own process group, SIGKILL when the reaper dies, clean signals, stdio, exec.
[[noreturn]] void ExecServer(const ReaperSetup& s, pid_t reaper) {
  setpgid(0, 0);
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != reaper) _exit(127);  // the reaper died before prctl took effect
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigaction(SIGPIPE, &dfl, nullptr);  // ignored in the reaper; an ignored signal survives exec
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  // Via fds above 2, so that neither dup2 is a no-op that would keep FD_CLOEXEC.
  int in = fcntl(s.server_stdin, F_DUPFD, 3);
  int out = fcntl(s.server_stdout, F_DUPFD, 3);
  if (in < 0 || out < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0) {
    int e = errno;
    (void)!write(s.exec_error, &e, sizeof e);
    _exit(127);
  }
  close(in);
  close(out);
  execve(s.path, s.argv, s.envp);
  int e = errno;
  (void)!write(s.exec_error, &e, sizeof e);
  _exit(e == ENOENT ? 127 : 126);
}

// Signals: TERM/INT/HUP (PR_SET_PDEATHSIG's included) and CHLD are read from a signalfd, so
// blocked first — before the proxy's handlers, inherited by fork, could run here.
int TakeSignals() {
  sigset_t watched;
  sigemptyset(&watched);
  for (int sig : kWatchedSignals) sigaddset(&watched, sig);
  sigprocmask(SIG_SETMASK, &watched, nullptr);
  struct sigaction act {};
  act.sa_handler = SIG_DFL;  // SIGCHLD ignored would make the kernel reap children itself
  for (int sig : kWatchedSignals) sigaction(sig, &act, nullptr);
  act.sa_handler = SIG_IGN;  // the report pipe may have no reader left
  sigaction(SIGPIPE, &act, nullptr);
  return signalfd(-1, &watched, SFD_NONBLOCK | SFD_CLOEXEC);
}

}  // namespace

[[noreturn]] void RunReaper(const ReaperSetup& s) {
  int events = TakeSignals();
  // Its own group: a kill of the proxy's group (Ctrl-C, an agent ending its child's group)
  // must not take the reaper down before it has ended the tree.
  setpgid(0, 0);
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (getppid() != s.proxy) _exit(1);  // the proxy died before prctl took effect
  prctl(PR_SET_CHILD_SUBREAPER, 1);
  prctl(PR_SET_NAME, "warden-reaper");
  int keep[] = {0, 1, 2, s.server_stdin, s.server_stdout, s.exec_error, s.control, s.report, events};
  constexpr int kKeep = sizeof keep / sizeof keep[0];
  if (!CloseCloexecBut(keep, kKeep)) CloseAllBut(keep, kKeep);  // without /proc: stdio only

  ServerState server;
  pid_t self = getpid();
  server.pid = fork();
  if (server.pid == 0) ExecServer(s, self);
  int fork_errno = errno;
  // The reaper keeps its pipes and nothing else: the server's stdin and stdout are the server's
  // alone (their EOFs reach both sides), the client's descriptors the proxy's.
  int mine[] = {s.control, s.report, events};
  CloseAllBut(mine, sizeof mine / sizeof mine[0]);
  if (server.pid < 0) {
    Report(s.report, ReaperMessage::kServerPid, -fork_errno);
    _exit(1);
  }
  setpgid(server.pid, server.pid);  // also in the server: the group exists before any kill
  Report(s.report, ReaperMessage::kServerPid, server.pid);

  Watch(s.control, s.report, events, &server);
  KillTree(events, &server);
  Report(s.report, ReaperMessage::kServerStatus, server.wait_status);
  _exit(0);
}

}  // namespace warden::mcp
