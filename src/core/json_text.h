// Serialized JSON that is always valid UTF-8, with U+2028/U+2029 escaped (see JsonSafe): the
// JSON Warden writes for others to read — CLI output, the daemon's protocol, HTTP bodies, hook
// answers, MCP messages, the monitor — goes through it, so that text from a command line
// ($'\uD800', a cut multibyte sequence) cannot make a reader fail or split a line.
#pragma once

#include <boost/json.hpp>
#include <string>

#include "core/strings.h"

namespace warden {

inline std::string JsonText(const boost::json::value& v) { return JsonSafe(boost::json::serialize(v)); }

}  // namespace warden
