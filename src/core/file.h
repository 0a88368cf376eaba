// Reading whole files with a size limit, for policy files and request files.
#pragma once

#include <cstddef>
#include <string>

#include "core/status.h"

namespace warden {

// Reads `path` whole. Fails with kNotFound, kIoError (with strerror text) or kTooLarge when
// the file is bigger than `max_bytes`.
Result<std::string> ReadFileLimited(const std::string& path, size_t max_bytes);

}  // namespace warden
