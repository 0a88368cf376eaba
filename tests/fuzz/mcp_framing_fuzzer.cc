// MCP stdio framing (mcp_jsonrpc.h) on arbitrary bytes, fed in chunks the fuzzer chooses.
//
// Input: byte 0 picks the size cap (16..1036 bytes, small so that oversize lines are common),
// bytes 1..4 the chunk sizes (1..64, used in turn), the rest is the stream. Checks:
//   - the framer yields exactly what splitting the stream at "\n" by hand gives: each line
//     without "\n" and one "\r", blank lines skipped, lines over the cap reported with their
//     size and first 4 KiB;
//   - every line parses to a message that is either classified or says why not;
//   - the error answer to it is one line of valid JSON carrying the same id;
//   - RecoverId on any head returns valid JSON (a string, an integer or null), never crashes.
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "clients/mcp_jsonrpc.h"

namespace warden::mcp {
namespace {

namespace json = boost::json;

struct Event {
  bool oversize;
  size_t bytes;
  std::string text;  // the line, or the oversize line's head
  bool operator==(const Event& o) const { return oversize == o.oversize && bytes == o.bytes && text == o.text; }
};

bool Blank(std::string_view s) { return s.find_first_not_of(" \t\r\n") == std::string_view::npos; }

std::vector<Event> Expected(std::string_view stream, size_t cap) {
  std::vector<Event> events;
  size_t nl;
  while ((nl = stream.find('\n')) != std::string_view::npos) {
    std::string_view raw = stream.substr(0, nl);
    std::string_view line = raw;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.size() > cap) {
      events.push_back({true, raw.size(), std::string(raw.substr(0, kOversizeHeadBytes))});
    } else if (!Blank(line)) {
      events.push_back({false, line.size(), std::string(line)});
    }
    stream.remove_prefix(nl + 1);
  }
  return events;
}

json::value ParseOrTrap(std::string_view text) {
  json::parse_options options;
  options.max_depth = kMaxJsonDepth + 8;
  boost::system::error_code ec;
  json::value v = json::parse(text, ec, json::storage_ptr(), options);
  if (ec) __builtin_trap();
  return v;
}

void CheckRecoveredId(std::string_view head) {
  std::string id = RecoverId(head);
  json::value v = ParseOrTrap(id);
  if (!v.is_null() && !v.is_string() && !v.is_int64() && !v.is_uint64()) __builtin_trap();
  RecoverType(head);
}

void CheckErrorResponse(std::string_view id, std::string_view message, const json::value* data,
                        const json::value& expected_id) {
  std::string line = ErrorResponse(id, kInvalidRequest, message, data);
  if (line.find('\n') != std::string::npos) __builtin_trap();
  json::value v = ParseOrTrap(line);
  if (!v.is_object() || v.at("id") != expected_id) __builtin_trap();
  const json::value& error = v.at("error");
  if (error.at("code") != kInvalidRequest || !error.at("message").is_string()) __builtin_trap();
}

void CheckLine(std::string_view line, size_t cap) {
  if (line.size() > cap || line.find('\n') != std::string_view::npos || Blank(line)) __builtin_trap();
  Message m = ParseMessage(line);
  if (m.type == Message::Type::kInvalid) {
    if (m.error.empty()) __builtin_trap();
  } else if (!m.error.empty() || !m.json.is_object()) {
    __builtin_trap();
  }
  if ((m.type == Message::Type::kRequest || m.type == Message::Type::kResponse) && m.id.empty()) __builtin_trap();
  json::value expected_id = m.id.empty() ? json::value(nullptr) : m.json.at("id");
  // The line itself as the message text: arbitrary bytes must come out as valid JSON.
  CheckErrorResponse(m.id, line, m.json.is_object() ? &m.json : nullptr, expected_id);
  CheckRecoveredId(line.substr(0, kOversizeHeadBytes));
}

}  // namespace
}  // namespace warden::mcp

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace warden::mcp;
  if (size < 5) return 0;
  size_t cap = 16 + size_t{data[0]} * 4;
  const uint8_t* chunks = data + 1;
  std::string_view stream(reinterpret_cast<const char*>(data + 5), size - 5);

  LineFramer framer(cap);
  std::vector<Event> events;
  auto on_line = [&](std::string_view line) {
    CheckLine(line, cap);
    events.push_back({false, line.size(), std::string(line)});
  };
  auto on_oversize = [&](size_t bytes, std::string_view head) {
    if (bytes <= cap || head.size() != std::min(bytes, kOversizeHeadBytes)) __builtin_trap();
    CheckRecoveredId(head);
    CheckErrorResponse(RecoverId(head), "too large", nullptr, ParseOrTrap(RecoverId(head)));
    events.push_back({true, bytes, std::string(head)});
  };
  for (size_t at = 0, i = 0; at < stream.size(); ++i) {
    size_t n = std::min<size_t>(stream.size() - at, 1 + chunks[i % 4] % 64);
    framer.Feed(stream.substr(at, n), on_line, on_oversize);
    at += n;
  }
  if (events != Expected(stream, cap)) __builtin_trap();
  return 0;
}
