// For tests: a real redis-server of its own, on a Unix socket in a temporary directory (or a
// free loopback port), no persistence. Stop and Start again to test what a restart does.
#pragma once

#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

namespace warden::redis::testing {

class TestServer {
 public:
  explicit TestServer(bool tcp = false) : tcp_(tcp) {
    dir_ = std::filesystem::temp_directory_path() / ("warden-redis-test-" + std::to_string(getpid()) + "-" + std::to_string(counter_++));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    socket_ = (dir_ / "redis.sock").string();
    if (tcp_) port_ = FreePort();
  }
  ~TestServer() {
    Stop();
    std::filesystem::remove_all(dir_);
  }
  static bool Available() { return access("/usr/bin/redis-server", X_OK) == 0; }

  std::string Url() const { return tcp_ ? "redis://127.0.0.1:" + std::to_string(port_) : "unix://" + socket_; }

  bool Start() {
    pid_ = fork();
    if (pid_ == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive the test
      std::string port = std::to_string(tcp_ ? port_ : 0);
      std::vector<std::string> args{"/usr/bin/redis-server", "--port", port, "--bind", "127.0.0.1", "--unixsocket", socket_,
                                    "--save", "", "--appendonly", "no", "--dir", dir_.string(), "--loglevel", "warning",
                                    "--logfile", (dir_ / "redis.log").string()};
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    for (int i = 0; i < 400; ++i) {  // up to 4 s
      if (Connectable()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }
  void Stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
    unlink(socket_.c_str());
  }
  // SIGSTOP / SIGCONT: a Redis that does not answer (slow), without closing its connections.
  void Pause() { kill(pid_, SIGSTOP); }
  void Resume() { kill(pid_, SIGCONT); }

 private:
  bool Connectable() const {
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    socket_.copy(a.sun_path, sizeof a.sun_path - 1);
    bool ok = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    close(fd);
    return ok;
  }
  static int FreePort() {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t n = sizeof a;
    getsockname(fd, reinterpret_cast<sockaddr*>(&a), &n);
    close(fd);
    return ntohs(a.sin_port);
  }

  bool tcp_;
  int port_ = 0;
  std::filesystem::path dir_;
  std::string socket_;
  pid_t pid_ = -1;
  static inline int counter_ = 0;
};

}  // namespace warden::redis::testing
