// The seccomp programs built into Warden are what libseccomp builds now, for every variant; and
// each variant is there. (What a loaded filter refuses is tested on a real confined child in
// confine_test.cc.)
#include <gtest/gtest.h>
#include <linux/filter.h>

#include <set>
#include <utility>
#include <vector>

#include "sandbox/seccomp_builtin.h"
#include "sandbox/seccomp_program.h"

namespace warden::sandbox {
namespace {

using policy::SandboxNetwork;

TEST(SeccompBuiltin, EveryVariantIsBuiltIn) {
  std::set<std::pair<SandboxNetwork, bool>> seen;
  for (size_t i = 0; i < kBuiltinSeccompCount; ++i) {
    const auto& b = kBuiltinSeccomp[i];
    EXPECT_TRUE(seen.insert({b.network, b.unix_sockets}).second) << "variant built in twice";
    EXPECT_GT(b.size, 0u);
    EXPECT_EQ(b.size % sizeof(sock_filter), 0u);
    EXPECT_LE(b.size / sizeof(sock_filter), static_cast<size_t>(BPF_MAXINSNS));
    EXPECT_EQ(reinterpret_cast<uintptr_t>(b.bpf) % alignof(sock_filter), 0u);
  }
  EXPECT_EQ(seen.size(), 6u);
}

TEST(SeccompBuiltin, MatchesWhatLibseccompBuildsNow) {
  for (size_t i = 0; i < kBuiltinSeccompCount; ++i) {
    const auto& b = kBuiltinSeccomp[i];
    std::vector<uint8_t> now;
    ASSERT_TRUE(BuildSeccompProgram(b.network, b.unix_sockets, &now).ok());
    EXPECT_EQ(now, std::vector<uint8_t>(b.bpf, b.bpf + b.size))
        << "network " << policy::SandboxNetworkName(b.network) << ", unix_sockets " << b.unix_sockets;
  }
}

// Loopback is a network namespace, not a filter: it refuses what "on" refuses. Every other
// pair of variants refuses different calls.
TEST(SeccompBuiltin, VariantsDifferWhereTheSettingsDo) {
  auto program = [](SandboxNetwork n, bool unix_sockets) {
    for (size_t i = 0; i < kBuiltinSeccompCount; ++i) {
      const auto& b = kBuiltinSeccomp[i];
      if (b.network == n && b.unix_sockets == unix_sockets) return std::vector<uint8_t>(b.bpf, b.bpf + b.size);
    }
    return std::vector<uint8_t>();
  };
  for (bool u : {true, false}) EXPECT_EQ(program(SandboxNetwork::kOn, u), program(SandboxNetwork::kLoopback, u));
  std::set<std::vector<uint8_t>> distinct;
  for (SandboxNetwork n : {SandboxNetwork::kOn, SandboxNetwork::kOff}) {
    for (bool u : {true, false}) distinct.insert(program(n, u));
  }
  EXPECT_EQ(distinct.size(), 4u);
}

}  // namespace
}  // namespace warden::sandbox
