// Landlock's access rights, by the kernel's own bit values (include/uapi/linux/landlock.h; the
// values are ABI and never change). Debian 12's headers stop at ABI 2, so they are spelled out
// here; landlock.cc masks them down to what the running kernel's ABI knows.
#pragma once

#include <cstdint>

namespace warden::sandbox {

namespace fs {
inline constexpr uint64_t kExecute = 1ULL << 0;
inline constexpr uint64_t kWriteFile = 1ULL << 1;
inline constexpr uint64_t kReadFile = 1ULL << 2;
inline constexpr uint64_t kReadDir = 1ULL << 3;
inline constexpr uint64_t kRemoveDir = 1ULL << 4;
inline constexpr uint64_t kRemoveFile = 1ULL << 5;
inline constexpr uint64_t kMakeChar = 1ULL << 6;
inline constexpr uint64_t kMakeDir = 1ULL << 7;
inline constexpr uint64_t kMakeReg = 1ULL << 8;
inline constexpr uint64_t kMakeSock = 1ULL << 9;
inline constexpr uint64_t kMakeFifo = 1ULL << 10;
inline constexpr uint64_t kMakeBlock = 1ULL << 11;
inline constexpr uint64_t kMakeSym = 1ULL << 12;
inline constexpr uint64_t kRefer = 1ULL << 13;     // ABI 2
inline constexpr uint64_t kTruncate = 1ULL << 14;  // ABI 3
inline constexpr uint64_t kIoctlDev = 1ULL << 15;  // ABI 5

inline constexpr uint64_t kRead = kExecute | kReadFile | kReadDir;
// What a regular file (not a directory) can carry in a rule.
inline constexpr uint64_t kFileOnly = kExecute | kWriteFile | kReadFile | kTruncate | kIoctlDev;
// Writing a writable root: everything except making devices.
inline constexpr uint64_t kWrite = kWriteFile | kRemoveDir | kRemoveFile | kMakeDir | kMakeReg | kMakeSock |
                                   kMakeFifo | kMakeSym | kRefer | kTruncate;
inline constexpr uint64_t kAll = (1ULL << 16) - 1;
}  // namespace fs

namespace net {
inline constexpr uint64_t kBindTcp = 1ULL << 0;     // ABI 4
inline constexpr uint64_t kConnectTcp = 1ULL << 1;  // ABI 4
}  // namespace net

namespace scope {
inline constexpr uint64_t kAbstractUnixSocket = 1ULL << 0;  // ABI 6
inline constexpr uint64_t kSignal = 1ULL << 1;              // ABI 6
}  // namespace scope

}  // namespace warden::sandbox
