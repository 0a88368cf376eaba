// Reading whole files with a size limit, for policy files, keys and request files.
#pragma once

#include <cstddef>
#include <string>

#include "core/status.h"

namespace warden {

// What ReadFileLimited accepts at `path`.
enum class FileKinds {
  // Regular files only. A FIFO, socket, device or directory is refused without ever waiting on
  // it: the file is opened O_NONBLOCK and checked with fstat before the first read, so a FIFO
  // put where a policy file is expected cannot make the daemon or a hook hang. For policy
  // files, keys and every file Warden reads configuration from.
  kRegularOnly,
  // Pipes and devices too, read until end of file: a request given as `@/dev/stdin`.
  kAnyReadable,
};

// Reads `path` whole. Fails with kNotFound, kIoError (with strerror text), kInvalidArgument
// (not a regular file, under kRegularOnly; the message names what it is) or kTooLarge when the
// file is bigger than `max_bytes`.
Result<std::string> ReadFileLimited(const std::string& path, size_t max_bytes,
                                    FileKinds kinds = FileKinds::kRegularOnly);

}  // namespace warden
