// escape: one attempt to get out of `warden sandbox`, named by its first argument, made with
// the system calls themselves (no shell, no libc wrapper that could retry another way).
// An argument "env:NAME" is the value of $NAME. Exit 0 = the attempt WORKED (an escape, when run confined), 1 = refused by the kernel (the
// error is printed as "refused: NAME (text)"), 2 = usage or an unexpected setup error.
// Used by escape_test.sh (as the attacker) and by everyday_test.sh (as positive controls).
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *ErrnoName(int e) {
  switch (e) {
    case EACCES: return "EACCES";
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case EROFS: return "EROFS";
    case EXDEV: return "EXDEV";
    case EBUSY: return "EBUSY";
    case EAGAIN: return "EAGAIN";
    case ECONNREFUSED: return "ECONNREFUSED";
    case ENOSYS: return "ENOSYS";
    case ESRCH: return "ESRCH";
    case EAFNOSUPPORT: return "EAFNOSUPPORT";
    case EINVAL: return "EINVAL";
    case ENOTDIR: return "ENOTDIR";
    case ELOOP: return "ELOOP";
    default: return "E?";
  }
}

// The attempt failed: say how, exit 1.
static int Refused(const char *what) {
  int e = errno;
  printf("refused: %s: %s (%s)\n", what, ErrnoName(e), strerror(e));
  return 1;
}

static int Escaped(const char *what) {
  printf("ESCAPED: %s\n", what);
  return 0;
}

static int WriteAll(int fd, const char *what) {
  static const char kLine[] = "escaped by escape.c\n";
  if (write(fd, kLine, sizeof kLine - 1) < 0) return Refused(what);
  close(fd);
  return Escaped(what);
}

static int ReadSome(int fd, const char *what) {
  char buf[64];
  if (read(fd, buf, sizeof buf) < 0) return Refused(what);
  close(fd);
  return Escaped(what);
}

static int Open(const char *path, int flags) {
  return open(path, flags, 0644);
}

static int CmdWrite(char **a) {
  int fd = Open(a[0], O_WRONLY | O_CREAT | O_APPEND);
  return fd < 0 ? Refused("open for writing") : WriteAll(fd, "write");
}

static int CmdRead(char **a) {
  int fd = Open(a[0], O_RDONLY);
  return fd < 0 ? Refused("open for reading") : ReadSome(fd, "read");
}

// openat() below a directory opened with O_PATH (no access right checked at that open).
static int CmdOpathOpenat(char **a) {
  int dfd = open(a[0], O_PATH | O_DIRECTORY);
  if (dfd < 0) return Refused("open O_PATH");
  int w = a[2][0] == 'w';
  int fd = openat(dfd, a[1], w ? (O_WRONLY | O_CREAT | O_APPEND) : O_RDONLY, 0644);
  if (fd < 0) return Refused("openat below an O_PATH descriptor");
  return w ? WriteAll(fd, "openat write") : ReadSome(fd, "openat read");
}

// An O_PATH descriptor of the file, reopened for writing through /proc/self/fd/N.
static int CmdOpathReopen(char **a) {
  int pfd = open(a[0], O_PATH);
  if (pfd < 0) return Refused("open O_PATH");
  char proc[64];
  snprintf(proc, sizeof proc, "/proc/self/fd/%d", pfd);
  int fd = open(proc, O_WRONLY | O_APPEND);
  return fd < 0 ? Refused("reopen /proc/self/fd for writing") : WriteAll(fd, "reopen write");
}

static int CmdLink(char **a) {
  return link(a[0], a[1]) < 0 ? Refused("link") : Escaped("link");
}

static int CmdRename(char **a) {
  return rename(a[0], a[1]) < 0 ? Refused("rename") : Escaped("rename");
}

static int CmdChmod(char **a) {
  return chmod(a[0], (mode_t)strtol(a[1], NULL, 8)) < 0 ? Refused("chmod") : Escaped("chmod");
}

static int CmdTruncate(char **a) {
  return truncate(a[0], 0) < 0 ? Refused("truncate") : Escaped("truncate");
}

static int CmdUtime(char **a) {
  struct timeval tv[2] = {{946684800, 0}, {946684800, 0}};  // 2000-01-01
  return utimes(a[0], tv) < 0 ? Refused("utimes") : Escaped("utimes");
}

static int CmdMknodFifo(char **a) {
  return mknod(a[0], S_IFIFO | 0666, 0) < 0 ? Refused("mknod fifo") : Escaped("mknod fifo");
}

// A character device with /dev/null's numbers: harmless if it appears, but a process that can
// make device nodes can make any (a disk's), and then write it through a writable root.
static int CmdMknodChr(char **a) {
  return mknod(a[0], S_IFCHR | 0666, makedev(1, 3)) < 0 ? Refused("mknod char device")
                                                         : Escaped("mknod char device");
}

static int CmdUnixConnect(char **a) {
  int s = socket(AF_UNIX, SOCK_STREAM, 0);
  if (s < 0) return Refused("socket(AF_UNIX)");
  struct sockaddr_un sun = {.sun_family = AF_UNIX};
  snprintf(sun.sun_path, sizeof sun.sun_path, "%s", a[0]);
  if (connect(s, (struct sockaddr *)&sun, sizeof sun) < 0) return Refused("connect(AF_UNIX)");
  return Escaped("connect(AF_UNIX)");
}

static int CmdTcpConnect(char **a) {
  struct sockaddr_storage ss = {0};
  socklen_t len;
  int family = strchr(a[0], ':') ? AF_INET6 : AF_INET;
  if (family == AF_INET) {
    struct sockaddr_in *in = (struct sockaddr_in *)&ss;
    in->sin_family = AF_INET;
    in->sin_port = htons((unsigned short)atoi(a[1]));
    inet_pton(AF_INET, a[0], &in->sin_addr);
    len = sizeof *in;
  } else {
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons((unsigned short)atoi(a[1]));
    inet_pton(AF_INET6, a[0], &in6->sin6_addr);
    len = sizeof *in6;
  }
  int s = socket(family, SOCK_STREAM, 0);
  if (s < 0) return Refused("socket(AF_INET*)");
  if (connect(s, (struct sockaddr *)&ss, len) < 0) return Refused("connect(TCP)");
  return Escaped("connect(TCP)");
}

static int CmdUdpSend(char **a) {
  struct sockaddr_in in = {.sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(a[1]))};
  inet_pton(AF_INET, a[0], &in.sin_addr);
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  if (s < 0) return Refused("socket(AF_INET, SOCK_DGRAM)");
  if (sendto(s, "escaped\n", 8, 0, (struct sockaddr *)&in, sizeof in) < 0) return Refused("sendto(UDP)");
  return Escaped("sendto(UDP)");
}

static int CmdKill(char **a) {
  return kill((pid_t)atoi(a[0]), atoi(a[1])) < 0 ? Refused("kill") : Escaped("kill");
}

static int CmdPtrace(char **a) {
  pid_t pid = (pid_t)atoi(a[0]);
  if (ptrace(PTRACE_ATTACH, pid, 0, 0) < 0) return Refused("ptrace(PTRACE_ATTACH)");
  ptrace(PTRACE_DETACH, pid, 0, 0);
  return Escaped("ptrace(PTRACE_ATTACH)");
}

static int CmdPtraceSeize(char **a) {
  pid_t pid = (pid_t)atoi(a[0]);
  if (ptrace(PTRACE_SEIZE, pid, 0, 0) < 0) return Refused("ptrace(PTRACE_SEIZE)");
  ptrace(PTRACE_DETACH, pid, 0, 0);
  return Escaped("ptrace(PTRACE_SEIZE)");
}

// Reads another process's memory without ptrace(2) (PTRACE_MODE_ATTACH is still checked).
static int CmdVmRead(char **a) {
  char buf[16];
  struct iovec local = {buf, sizeof buf};
  struct iovec remote = {(void *)0x400000, sizeof buf};
  if (process_vm_readv((pid_t)atoi(a[0]), &local, 1, &remote, 1, 0) < 0 && errno != EFAULT)
    return Refused("process_vm_readv");
  return Escaped("process_vm_readv");
}

// Copies a descriptor out of another process (the daemon's listening socket, say).
static int CmdPidfdGetfd(char **a) {
#if defined(SYS_pidfd_open) && defined(SYS_pidfd_getfd)
  int pidfd = (int)syscall(SYS_pidfd_open, atoi(a[0]), 0);
  if (pidfd < 0) return Refused("pidfd_open");
  int fd = (int)syscall(SYS_pidfd_getfd, pidfd, atoi(a[1]), 0);
  if (fd < 0) return Refused("pidfd_getfd");
  return Escaped("pidfd_getfd");
#else
  (void)a;
  errno = ENOSYS;
  return Refused("pidfd_getfd");
#endif
}

static int CmdMount(char **a) {
  return mount("none", a[0], "tmpfs", 0, NULL) < 0 ? Refused("mount") : Escaped("mount");
}

static int CmdUmount(char **a) {
  return umount2(a[0], MNT_DETACH) < 0 ? Refused("umount2") : Escaped("umount2");
}

static int CmdUnshare(char **a) {
  (void)a;
  return unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0 ? Refused("unshare") : Escaped("unshare");
}

// io_uring runs its operations without seccomp seeing them (socket, connect, openat…).
static int CmdIoUring(char **a) {
  (void)a;
#ifdef SYS_io_uring_setup
  char params[120] = {0};  // struct io_uring_params, zeroed
  int fd = (int)syscall(SYS_io_uring_setup, 4, params);
  if (fd < 0) return Refused("io_uring_setup");
  return Escaped("io_uring_setup");
#else
  errno = ENOSYS;
  return Refused("io_uring_setup");
#endif
}

// A fork bomb with a ceiling: forks children that wait on a pipe until `max` exist or fork
// fails. Exit 1 (refused) if the kernel stopped it first; the children go as the pipe closes.
static int CmdForkBomb(char **a) {
  int max = atoi(a[0]), made = 0, p[2];
  if (pipe(p) < 0) return 2;
  for (; made < max; made++) {
    pid_t pid = fork();
    if (pid < 0) break;
    if (pid == 0) {
      char c;
      close(p[1]);
      (void)!read(p[0], &c, 1);
      _exit(0);
    }
  }
  int e = errno;
  close(p[1]);
  while (wait(NULL) > 0) {
  }
  printf("forked %d of %d\n", made, max);
  errno = e;
  return made < max ? Refused("fork") : Escaped("fork bomb reached its ceiling");
}

struct Command {
  const char *name;
  int args;
  int (*run)(char **);
};

static const struct Command kCommands[] = {
    {"write", 1, CmdWrite},           {"read", 1, CmdRead},
    {"opath-openat", 3, CmdOpathOpenat}, {"opath-reopen", 1, CmdOpathReopen},
    {"link", 2, CmdLink},             {"rename", 2, CmdRename},
    {"chmod", 2, CmdChmod},           {"truncate", 1, CmdTruncate},
    {"utime", 1, CmdUtime},           {"mknod-fifo", 1, CmdMknodFifo},
    {"mknod-chr", 1, CmdMknodChr},    {"unix-connect", 1, CmdUnixConnect},
    {"tcp-connect", 2, CmdTcpConnect}, {"udp-send", 2, CmdUdpSend},
    {"kill", 2, CmdKill},             {"ptrace", 1, CmdPtrace},
    {"ptrace-seize", 1, CmdPtraceSeize}, {"vm-read", 1, CmdVmRead},
    {"pidfd-getfd", 2, CmdPidfdGetfd}, {"mount", 1, CmdMount},
    {"umount", 1, CmdUmount},         {"unshare", 0, CmdUnshare},
    {"io-uring", 0, CmdIoUring},      {"forkbomb", 1, CmdForkBomb},
};

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  // "env:NAME" stands for $NAME: the attempt's paths hidden from an analyzer that reads argv, so
  // that `warden exec --sandbox` lets it run and the kernel layer is what answers.
  for (int i = 2; i < argc; i++) {
    if (strncmp(argv[i], "env:", 4) == 0) {
      const char *v = getenv(argv[i] + 4);
      argv[i] = (char *)(v ? v : "");
    }
  }
  for (size_t i = 0; argc >= 2 && i < sizeof kCommands / sizeof kCommands[0]; i++) {
    if (strcmp(argv[1], kCommands[i].name) == 0) {
      if (argc - 2 != kCommands[i].args) break;
      return kCommands[i].run(argv + 2);
    }
  }
  fprintf(stderr, "usage: escape COMMAND ARGS… (see escape.c)\n");
  return 2;
}
