// The seccomp programs built into Warden: libseccomp's output for each network setting and
// unix_sockets value (seccomp_program.h), written as data when Warden is built by
// seccomp_gen.cc. Generated source: build/src/sandbox/seccomp_builtin.cc.
#pragma once

#include <cstddef>
#include <cstdint>

#include "policy/sandbox_settings.h"

namespace warden::sandbox {

struct BuiltinSeccomp {
  policy::SandboxNetwork network;
  bool unix_sockets;
  const uint8_t* bpf;  // struct sock_filter instructions
  size_t size;         // bytes
};

extern const BuiltinSeccomp kBuiltinSeccomp[];
extern const size_t kBuiltinSeccompCount;

}  // namespace warden::sandbox
