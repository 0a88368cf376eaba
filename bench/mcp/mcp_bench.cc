// Drives an MCP stdio server (or a proxy in front of one) with small JSON-RPC requests and
// measures (a) round-trip latency with one request in flight and (b) throughput with a window of
// requests in flight. bench/mcp/run.sh runs it against the echo server directly and through the
// relay and prints the difference.
//
//   warden_mcp_bench [--label L] [--messages N] [--warmup W] [--window K] [--throughput N]
//                    [--payload BYTES] -- COMMAND ARGS...
//
// Prints one JSON object per run: {"label", "messages", "p50_us", "p99_us", "p999_us", "max_us",
// "window", "throughput_messages", "msgs_per_s"}; a "message" is one request and its response.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Args {
  std::string label = "run";
  size_t messages = 20000, warmup = 2000, window = 64, throughput = 200000, payload = 64;
  std::vector<std::string> command;
};

[[noreturn]] void Usage(const char* why) {
  std::fprintf(stderr,
               "warden_mcp_bench: %s\nusage: warden_mcp_bench [--label L] [--messages N] [--warmup W] "
               "[--window K] [--throughput N] [--payload BYTES] -- COMMAND ARGS...\n",
               why);
  std::exit(2);
}

Args ParseArgs(int argc, char** argv) {
  Args args;
  int i = 1;
  for (; i < argc && std::string_view(argv[i]) != "--"; ++i) {
    std::string_view flag = argv[i];
    if (i + 1 >= argc) Usage("a flag needs a value");
    const char* value = argv[++i];
    if (flag == "--label") {
      args.label = value;
    } else if (flag == "--messages") {
      args.messages = std::strtoull(value, nullptr, 10);
    } else if (flag == "--warmup") {
      args.warmup = std::strtoull(value, nullptr, 10);
    } else if (flag == "--window") {
      args.window = std::max<size_t>(1, std::strtoull(value, nullptr, 10));
    } else if (flag == "--throughput") {
      args.throughput = std::strtoull(value, nullptr, 10);
    } else if (flag == "--payload") {
      args.payload = std::strtoull(value, nullptr, 10);
    } else {
      Usage("unknown flag");
    }
  }
  for (++i; i < argc; ++i) args.command.emplace_back(argv[i]);
  if (args.command.empty()) Usage("no command after --");
  return args;
}

// The command with its stdin and stdout on pipes.
struct Server {
  pid_t pid = -1;
  int in = -1, out = -1;
};

Server Start(const std::vector<std::string>& command) {
  int in[2], out[2];
  if (pipe(in) != 0 || pipe(out) != 0) std::perror("pipe"), std::exit(1);
  Server s;
  s.pid = fork();
  if (s.pid == 0) {
    dup2(in[0], 0);
    dup2(out[1], 1);
    for (int fd : {in[0], in[1], out[0], out[1]}) close(fd);
    std::vector<char*> argv;
    for (const std::string& a : command) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execvp(argv[0], argv.data());
    std::perror(argv[0]);
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  s.in = in[1];
  s.out = out[0];
  return s;
}

void WriteAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) std::perror("write"), std::exit(1);
    bytes.remove_prefix(static_cast<size_t>(n));
  }
}

// Reads responses; counts complete lines.
class LineReader {
 public:
  explicit LineReader(int fd) : fd_(fd) {}
  // Blocks until at least one more line is complete; returns how many were completed.
  size_t ReadLines() {
    while (true) {
      char buf[65536];
      ssize_t n = read(fd_, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) std::fprintf(stderr, "warden_mcp_bench: the server closed its stdout\n"), std::exit(1);
      size_t lines = static_cast<size_t>(std::count(buf, buf + n, '\n'));
      if (lines > 0) return lines;
    }
  }

 private:
  int fd_;
};

std::string Request(size_t id, const std::string& text) {
  return R"({"jsonrpc":"2.0","id":)" + std::to_string(id) +
         R"(,"method":"tools/call","params":{"name":"echo","arguments":{"text":")" + text + "\"}}}\n";
}

double Percentile(std::vector<double>& sorted, double p) {
  size_t index = static_cast<size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5);
  return sorted[std::min(index, sorted.size() - 1)];
}

}  // namespace

int main(int argc, char** argv) {
  signal(SIGPIPE, SIG_IGN);
  Args args = ParseArgs(argc, argv);
  Server server = Start(args.command);
  LineReader reader(server.out);
  std::string text(args.payload, 'x');
  size_t id = 1;

  // (a) one request in flight: the time from writing a request to reading its response.
  std::vector<double> us;
  us.reserve(args.messages);
  for (size_t i = 0; i < args.warmup + args.messages; ++i) {
    std::string request = Request(id++, text);
    auto start = Clock::now();
    WriteAll(server.in, request);
    reader.ReadLines();
    auto took = std::chrono::duration<double, std::micro>(Clock::now() - start).count();
    if (i >= args.warmup) us.push_back(took);
  }
  std::sort(us.begin(), us.end());

  // (b) a window of requests in flight: each response lets one more request go.
  auto start = Clock::now();
  size_t sent = 0, done = 0;
  std::string batch;
  for (; sent < std::min(args.window, args.throughput); ++sent) batch += Request(id++, text);
  WriteAll(server.in, batch);
  while (done < args.throughput) {
    size_t got = reader.ReadLines();
    done += got;
    batch.clear();
    for (size_t k = 0; k < got && sent < args.throughput; ++k, ++sent) batch += Request(id++, text);
    if (!batch.empty()) WriteAll(server.in, batch);
  }
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();

  close(server.in);
  int status = 0;
  waitpid(server.pid, &status, 0);
  std::printf(
      "{\"label\":\"%s\",\"messages\":%zu,\"p50_us\":%.1f,\"p99_us\":%.1f,\"p999_us\":%.1f,\"max_us\":%.1f,"
      "\"window\":%zu,\"throughput_messages\":%zu,\"msgs_per_s\":%.0f,\"exit\":%d}\n",
      args.label.c_str(), us.size(), Percentile(us, 0.5), Percentile(us, 0.99), Percentile(us, 0.999), us.back(),
      args.window, args.throughput, static_cast<double>(args.throughput) / seconds,
      WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
  return 0;
}
