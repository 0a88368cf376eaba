// Tool pinning for `warden mcp` (trust on first use): the first time a server lists a tool,
// its name, description and input schema are hashed and stored in the state DB
// (<state_dir>/warden.db, table mcp_pins). A later listing with a different hash marks the
// pin changed: the proxy hides that tool from tools/list and refuses calls to it until a
// person accepts the new version (`warden mcp accept SERVER TOOL`), which makes it the pin.
//
// The hash is BLAKE2b-256 over the tool's name, description and inputSchema in a canonical
// form (object keys sorted, no whitespace), so a server that reorders keys is not "changed".
// Thread-safety: one PinStore per thread (the proxy uses it on its loop thread only).
#pragma once

#include <sqlite3.h>

#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace warden::mcp {

struct Pin {
  std::string server, tool;
  std::string hash;          // hex, the accepted version
  std::string description;   // the accepted description
  int64_t first_seen = 0;    // unix seconds
  int64_t accepted = 0;      // unix seconds of the last accept (0: pinned on first use)
  bool changed = false;      // a later listing differed
  std::string seen_hash;     // … its hash and description, waiting for a person
  std::string seen_description;
  int64_t changed_at = 0;
};

enum class PinCheck { kNew, kSame, kChanged };

// Canonical JSON (sorted keys) of a tool's identity and its hash.
std::string ToolHash(const boost::json::value& tool);

class PinStore {
 public:
  static Result<std::unique_ptr<PinStore>> Open(const std::string& state_dir);
  ~PinStore();
  PinStore(const PinStore&) = delete;
  PinStore& operator=(const PinStore&) = delete;

  // Records a listed tool: pins it when new, marks the pin changed when the hash differs,
  // clears a pending change when the tool is back to the pinned version.
  Result<PinCheck> Observe(std::string_view server, std::string_view tool, std::string_view hash,
                           std::string_view description, int64_t now);
  // Whether calls to the tool are refused (its pin is changed and not accepted). Answered
  // from memory: the set of changed pins is re-read from the DB at most once a second (so an
  // accept by another process takes effect within a second); this store's own Observe and
  // Accept update it at once. A call costs a hash lookup, not a query.
  Result<bool> Blocked(std::string_view server, std::string_view tool);
  Result<std::vector<Pin>> List(std::string_view server = {});
  // Makes the pending version the pin. NotFound when there is no pin or no pending change.
  Result<Pin> Accept(std::string_view server, std::string_view tool, int64_t now);
  // Forgets a pin (the next listing pins the tool afresh).
  Status Forget(std::string_view server, std::string_view tool);

 private:
  PinStore() = default;
  Status RefreshBlocked();
  sqlite3* db_ = nullptr;
  std::string path_;
  std::set<std::pair<std::string, std::string>, std::less<>> blocked_;  // (server, tool) changed
  std::chrono::steady_clock::time_point blocked_read_{};
};

}  // namespace warden::mcp
