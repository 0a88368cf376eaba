// Confine() for real, in a forked child per test (a confined process stays confined): the
// child tries what the plan forbids and allows, and reports each result in its exit status.
// Everything it touches is a decoy in a temporary directory.
#include "sandbox/confine.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sched.h>
#include <sys/mount.h>
#include <dirent.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <linux/vm_sockets.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>

#include "sandbox/landlock.h"

namespace warden::sandbox {
namespace {

class ConfineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (LandlockAbi() <= 0) GTEST_SKIP() << "no Landlock in this kernel";
    char tmpl[] = "/tmp/warden-confine-XXXXXX";
    root_ = ::mkdtemp(tmpl);
    for (const char* d : {"/home", "/home/.ssh", "/ws", "/ws/.git", "/ws/.git/hooks", "/outside"}) {
      ::mkdir((root_ + d).c_str(), 0700);
    }
    Write("/home/.ssh/id_ed25519", "decoy key");
    Write("/ws/.git/hooks/pre-commit", "#!/bin/sh\n");
    Write("/outside/file", "decoy");
    place_.home = root_ + "/home";
    place_.workspace = root_ + "/ws";
    place_.cwd = root_ + "/ws";
    place_.tmpdir = root_ + "/ws";
    settings_.enabled = true;
    settings_.writable = {"$WORKSPACE"};
    settings_.protected_paths = {"$WORKSPACE/.git/hooks"};
    settings_.deny_read = {"~/.ssh"};
  }
  void TearDown() override {
    if (!root_.empty()) std::system(("rm -rf '" + root_ + "'").c_str());
  }
  void Write(const std::string& rel, const std::string& text) { std::ofstream(root_ + rel) << text; }
  std::string Read(const std::string& rel) {
    std::ifstream in(root_ + rel);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  // Runs `body` confined in a child; returns the child's exit status (-1: killed).
  int RunConfined(const std::function<int()>& body) {
    Plan plan = MakePlan(settings_, place_);
    pid_t pid = ::fork();
    if (pid == 0) {
      ConfineResult r = Confine(plan);
      if (!r.status.ok()) ::_exit(100);
      ::_exit(body());
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  // What a sandboxed program sees: a write outside is EROFS (the mount) or EACCES (Landlock); a
  // covered path is not there (ENOENT).
  static bool Refused(int err) { return err == EACCES || err == EROFS || err == ENOENT || err == EPERM; }

  // errno of an open, 0 if it worked.
  static int OpenErr(const std::string& path, int flags) {
    int fd = ::open(path.c_str(), flags | O_CLOEXEC, 0600);
    if (fd < 0) return errno;
    ::close(fd);
    return 0;
  }

  std::string root_;
  Place place_;
  policy::SandboxSettings settings_;
};

TEST_F(ConfineTest, WritesGoOnlyBeneathWritableRoots) {
  std::string root = root_;
  int rc = RunConfined([root] {
    if (OpenErr(root + "/ws/new.txt", O_WRONLY | O_CREAT) != 0) return 1;     // inside: fine
    if (OpenErr(root + "/ws/new.txt", O_WRONLY | O_APPEND) != 0) return 2;    // and again
    if (!Refused(OpenErr(root + "/outside/new", O_WRONLY | O_CREAT))) return 3;
    if (!Refused(OpenErr(root + "/outside/file", O_WRONLY | O_TRUNC))) return 4;
    if (::unlink((root + "/outside/file").c_str()) == 0) return 5;
    if (::rename((root + "/outside/file").c_str(), (root + "/ws/stolen").c_str()) == 0) return 6;
    return 0;
  });
  EXPECT_EQ(rc, 0);
  EXPECT_EQ(Read("/outside/file"), "decoy");
}

TEST_F(ConfineTest, ProtectedPathsStayReadOnlyAndCannotBeRenamedAway) {
  std::string root = root_;
  int rc = RunConfined([root] {
    if (OpenErr(root + "/ws/.git/hooks/pre-commit", O_WRONLY | O_TRUNC) == 0) return 1;
    if (OpenErr(root + "/ws/.git/hooks/post-checkout", O_WRONLY | O_CREAT) == 0) return 2;
    if (::rename((root + "/ws/.git").c_str(), (root + "/ws/old-git").c_str()) == 0) return 3;
    if (::rename((root + "/ws/.git/hooks").c_str(), (root + "/ws/hooks2").c_str()) == 0) return 4;
    if (OpenErr(root + "/ws/.git/HEAD", O_WRONLY | O_CREAT) != 0) return 5;  // the rest of .git is writable
    if (::link((root + "/ws/.git/hooks/pre-commit").c_str(), (root + "/ws/hook-link").c_str()) == 0) return 6;
    return 0;
  });
  EXPECT_EQ(rc, 0);
  EXPECT_EQ(Read("/ws/.git/hooks/pre-commit"), "#!/bin/sh\n");
}

TEST_F(ConfineTest, DeniedPathsCannotBeReadNorLinkedIntoTheWorkspace) {
  std::string root = root_;
  int rc = RunConfined([root] {
    if (!Refused(OpenErr(root + "/home/.ssh/id_ed25519", O_RDONLY))) return 1;
    if (!Refused(OpenErr("/proc/self/root" + root + "/home/.ssh/id_ed25519", O_RDONLY))) return 2;
    if (::link((root + "/home/.ssh/id_ed25519").c_str(), (root + "/ws/k").c_str()) == 0) return 3;
    if (::symlink((root + "/home/.ssh/id_ed25519").c_str(), (root + "/ws/s").c_str()) != 0) return 4;
    if (!Refused(OpenErr(root + "/ws/s", O_RDONLY))) return 5;  // a link resolves to the covered path
    if (OpenErr("/etc/hostname", O_RDONLY) != 0 && OpenErr("/etc/passwd", O_RDONLY) != 0) return 6;
    return 0;
  });
  EXPECT_EQ(rc, 0);
}

TEST_F(ConfineTest, MetadataOutsideWritableRootsCannotChange) {
  std::string root = root_;
  int rc = RunConfined([root] {
    if (::chmod((root + "/outside/file").c_str(), 0666) == 0) return 1;
    if (::chmod((root + "/home/.ssh").c_str(), 0755) == 0) return 2;
    if (::utimes((root + "/outside/file").c_str(), nullptr) == 0) return 3;
    if (::chown((root + "/outside/file").c_str(), 1, 1) == 0) return 4;
    if (::chmod((root + "/ws").c_str(), 0755) != 0) return 5;  // inside: fine
    return 0;
  });
  EXPECT_EQ(rc, 0);
  struct stat st {};
  ASSERT_EQ(::stat((root_ + "/outside/file").c_str(), &st), 0);
  EXPECT_NE(st.st_mode & 0777, 0666u);
}

TEST_F(ConfineTest, ADeniedDirectoryCannotBeListedNorItsSocketsReached) {
  int listener = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::string path = root_ + "/home/.ssh/agent.sock";
  ASSERT_LT(path.size(), sizeof(addr.sun_path));
  std::strcpy(addr.sun_path, path.c_str());
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(::listen(listener, 4), 0);
  int rc = RunConfined([addr] {
    int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) == 0) return 1;
    DIR* d = ::opendir(addr.sun_path);  // the socket's directory: listable would show the key's name
    std::string dir(addr.sun_path);
    dir.resize(dir.rfind('/'));
    d = ::opendir(dir.c_str());
    if (d != nullptr) {
      while (struct dirent* e = ::readdir(d)) {
        if (std::string(e->d_name) == "id_ed25519") return 2;
      }
      ::closedir(d);
    }
    return 0;
  });
  ::close(listener);
  EXPECT_EQ(rc, 0);
}

TEST_F(ConfineTest, AMissingProtectedDirectoryCannotBeCreatedInside) {
  settings_.protected_paths.push_back("$WORKSPACE/.claude/");
  place_.make_missing_protected_dirs = true;
  std::string root = root_;
  int rc = RunConfined([root] {
    if (OpenErr(root + "/ws/.claude/settings.json", O_WRONLY | O_CREAT) == 0) return 1;
    if (::rmdir((root + "/ws/.claude").c_str()) == 0) return 2;
    if (::rename((root + "/ws/.claude").c_str(), (root + "/ws/x").c_str()) == 0) return 3;
    return 0;
  });
  EXPECT_EQ(rc, 0);
  struct stat st {};
  EXPECT_NE(::stat((root_ + "/ws/.claude/settings.json").c_str(), &st), 0);
}

TEST_F(ConfineTest, AHomeInsideAWritableRootStaysReadOnlyExceptItsWritableRoots) {
  ::mkdir((root_ + "/home/.cache").c_str(), 0700);
  settings_.writable = {"$WORKSPACE", root_, "~/.cache"};  // the home lies under a writable root
  std::string root = root_;
  int rc = RunConfined([root] {
    if (OpenErr(root + "/home/.bashrc", O_WRONLY | O_CREAT) == 0) return 1;
    if (OpenErr(root + "/home/.cache/x", O_WRONLY | O_CREAT) != 0) return 2;
    if (OpenErr(root + "/elsewhere", O_WRONLY | O_CREAT) != 0) return 3;  // the rest of the root is writable
    if (OpenErr(root + "/ws/y", O_WRONLY | O_CREAT) != 0) return 4;
    return 0;
  });
  EXPECT_EQ(rc, 0);
}

TEST_F(ConfineTest, NetworkOffRefusesInternetSockets) {
  settings_.network = policy::SandboxNetwork::kOff;
  int rc = RunConfined([] {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd >= 0 || errno != EACCES) return 1;
    fd = ::socket(AF_INET6, SOCK_DGRAM, 0);
    if (fd >= 0 || errno != EACCES) return 2;
    // The family with high bits set: the kernel reads an int, the filter must too.
    fd = static_cast<int>(::syscall(SYS_socket, (1UL << 32) | AF_INET, SOCK_DGRAM, 0));
    if (fd >= 0 || errno != EACCES) return 4;
    fd = ::socket(AF_VSOCK, SOCK_STREAM, 0);
    if (fd >= 0 || errno != EACCES) return 5;
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) return 3;  // pipes between processes still work
    // Every family below netlink's but Unix, one by one; above it, all of them (and any value).
    for (int family : {AF_UNSPEC, AF_AX25, AF_IPX, AF_APPLETALK, AF_X25, AF_DECnet, AF_KEY, AF_PACKET, AF_CAN,
                       AF_BLUETOOTH, AF_ALG, AF_XDP, AF_MCTP}) {
      fd = ::socket(family, SOCK_DGRAM, 0);
      if (fd >= 0 || errno != EACCES) return 10;
    }
    fd = static_cast<int>(::syscall(SYS_socket, 0x7fffffffUL, SOCK_DGRAM, 0));
    if (fd >= 0 || errno != EACCES) return 11;
    fd = ::socket(AF_NETLINK, SOCK_RAW, 0);  // the kernel's own (ip route, udev) stays
    if (fd < 0) return 12;
    fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0) return 13;
    return 0;
  });
  EXPECT_EQ(rc, 0);
}

// Covered directories share one empty tmpfs; a later cover may hide the first one (a denied
// directory inside another denied directory, listed first): every cover still holds.
TEST_F(ConfineTest, NestedDeniedDirectoriesAreAllCovered) {
  for (const char* d : {"/home/.ssh/keys", "/home/.aws"}) ::mkdir((root_ + d).c_str(), 0700);
  Write("/home/.ssh/keys/k", "decoy");
  Write("/home/.aws/credentials", "decoy");
  settings_.deny_read = {"~/.ssh/keys", "~/.ssh", "~/.aws"};
  std::string root = root_;
  int rc = RunConfined([root] {
    for (const char* f : {"/home/.ssh/keys/k", "/home/.ssh/id_ed25519", "/home/.aws/credentials"}) {
      if (OpenErr(root + f, O_RDONLY) == 0) return 1;
    }
    return 0;
  });
  EXPECT_EQ(rc, 0) << "100: the sandbox could not be applied";
}

// The caller's mounts may be shared (systemd makes / shared): nothing the sandbox mounts may
// propagate back. In a private namespace whose mounts are all shared (a decoy host), a confined
// child covers ~/.ssh; the namespace outside it must not see the cover.
TEST_F(ConfineTest, ItsMountsDoNotReachTheCallersNamespace) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to make a shared decoy namespace";
  Plan plan = MakePlan(settings_, place_);
  std::string covered = root_ + "/home/.ssh";
  pid_t host = ::fork();
  if (host == 0) {
    if (::unshare(CLONE_NEWNS) != 0 || ::mount(nullptr, "/", nullptr, MS_REC | MS_SHARED, nullptr) != 0) ::_exit(10);
    int ready[2], done[2];
    if (::pipe(ready) != 0 || ::pipe(done) != 0) ::_exit(11);
    pid_t child = ::fork();
    if (child == 0) {
      if (!Confine(plan).status.ok()) ::_exit(100);
      char c = 1;
      (void)!::write(ready[1], &c, 1);
      (void)!::read(done[0], &c, 1);  // stays confined (its mounts in place) until the host has looked
      ::_exit(0);
    }
    char c = 0;
    if (::read(ready[0], &c, 1) != 1) ::_exit(12);
    std::ifstream in("/proc/self/mountinfo");
    std::string line;
    int leaked = 0;
    while (std::getline(in, line)) leaked += line.find(" " + covered + " ") != std::string::npos;
    (void)!::write(done[1], &c, 1);
    int status = 0;
    ::waitpid(child, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) ::_exit(13);
    ::_exit(leaked == 0 ? 0 : 1);
  }
  int status = 0;
  ::waitpid(host, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "1: the cover of ~/.ssh propagated to the caller's namespace";
}

TEST_F(ConfineTest, MountsAndNamespacesAreRefused) {
  int rc = RunConfined([] {
    if (::unshare(CLONE_NEWNS) == 0) return 1;
    if (::umount2("/", MNT_DETACH) == 0) return 2;
    return 0;
  });
  EXPECT_EQ(rc, 0);
}

}  // namespace
}  // namespace warden::sandbox
