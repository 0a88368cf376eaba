// What the kernel sandbox of one context is to enforce, as the policy layers say it (the
// `sandbox:` section, docs/POLICY.md). Paths are still spelled as in the policy ("~/.cache",
// "$WORKSPACE/.git/hooks", "~/.ssh/**"); src/sandbox/plan resolves them for one run.
// Plain data, merged layer by layer by the compiler.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace warden::policy {

enum class SandboxNetwork : uint8_t { kOn, kLoopback, kOff };  // ordered: wider first
std::string_view SandboxNetworkName(SandboxNetwork n);

struct SandboxLimits {
  int64_t nproc = 4096;             // RLIMIT_NPROC: processes of the user (fork bombs)
  int64_t fsize = 16LL << 30;       // RLIMIT_FSIZE: the largest file written (bytes)
  int64_t nofile = 8192;            // RLIMIT_NOFILE
  int64_t core = 0;                 // RLIMIT_CORE: no core dumps of confined programs
};

struct SandboxSettings {
  bool enabled = false;
  SandboxNetwork network = SandboxNetwork::kOn;
  bool unix_sockets = true;          // false: socket(AF_UNIX) refused (socketpair still works)
  std::vector<std::string> writable;   // roots; writes only beneath these
  std::vector<std::string> protected_paths;  // read-only even inside writable roots
  std::vector<std::string> deny_read;  // not readable (globs; resolved at start)
  SandboxLimits limits;
  bool refuse_unsupported = true;    // false: run unconfined with a warning when the kernel cannot
};

}  // namespace warden::policy
