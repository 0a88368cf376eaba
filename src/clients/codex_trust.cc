#include "clients/codex_trust.h"

#include <sodium.h>

#include <boost/json.hpp>
#include <cstddef>
#include <vector>

namespace warden::clients {
namespace {

namespace json = boost::json;

// A TOML basic string: quotes and backslashes escaped, control characters as \uXXXX.
std::string TomlString(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f) {
      static const char kHex[] = "0123456789ABCDEF";
      out += "\\u00";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> out;
  for (size_t at = 0; at < text.size();) {
    size_t nl = text.find('\n', at);
    size_t end = nl == std::string_view::npos ? text.size() : nl + 1;
    out.push_back(text.substr(at, end - at));
    at = end;
  }
  return out;
}

std::string_view Trimmed(std::string_view line) {
  size_t b = line.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  size_t e = line.find_last_not_of(" \t\r\n");
  return line.substr(b, e - b + 1);
}

bool IsTableHeader(std::string_view line) { return Trimmed(line).starts_with("["); }

// The key of a `key = value` line, or "".
std::string_view KeyOf(std::string_view line) {
  std::string_view t = Trimmed(line);
  size_t eq = t.find('=');
  if (eq == std::string_view::npos || t.starts_with("#") || t.starts_with("[")) return {};
  return Trimmed(t.substr(0, eq));
}

// `toml` with `key = value` set inside the table whose header line is `header`: the key's line
// replaced, else added right after the header, else the table appended at the end.
std::string WithKeyInTable(std::string_view toml, std::string_view header, std::string_view key, std::string_view value) {
  const std::string assignment = std::string(key) + " = " + std::string(value) + "\n";
  std::vector<std::string> lines;
  for (std::string_view line : Lines(toml)) lines.emplace_back(line);
  if (!lines.empty() && !lines.back().ends_with("\n")) lines.back() += '\n';
  size_t table = 0;
  while (table < lines.size() && Trimmed(lines[table]) != header) ++table;
  if (table == lines.size()) {
    if (!lines.empty()) lines.emplace_back("\n");
    lines.push_back(std::string(header) + "\n");
    lines.push_back(assignment);
  } else {
    size_t at = table + 1;
    while (at < lines.size() && !IsTableHeader(lines[at]) && KeyOf(lines[at]) != key) ++at;
    if (at < lines.size() && KeyOf(lines[at]) == key) {
      lines[at] = assignment;
    } else {
      lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(table) + 1, assignment);
    }
  }
  std::string out;
  for (const auto& line : lines) out += line;
  return out;
}

}  // namespace

std::string CodexTrustedHash(const CodexHookGroup& group) {
  // Built in key order by hand: Codex hashes its own sorted, compact serialization.
  std::string text = "{\"event_name\":\"pre_tool_use\",\"hooks\":[{\"async\":false,\"command\":" +
                     json::serialize(json::string(group.command)) + ",\"timeout\":" + std::to_string(group.timeout_seconds) +
                     ",\"type\":\"command\"}],\"matcher\":" + json::serialize(json::string(group.matcher)) + "}";
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  static const char kHex[] = "0123456789abcdef";
  std::string out = "sha256:";
  for (unsigned char b : digest) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

std::string CodexTrustKey(std::string_view hooks_json, size_t group, size_t index) {
  return std::string(hooks_json) + ":pre_tool_use:" + std::to_string(group) + ":" + std::to_string(index);
}

std::string WithCodexTrust(std::string_view toml, std::string_view key, std::string_view hash) {
  return WithKeyInTable(toml, "[hooks.state." + TomlString(key) + "]", "trusted_hash", TomlString(hash));
}

std::string WithCodexHooksFeature(std::string_view toml) { return WithKeyInTable(toml, "[features]", "hooks", "true"); }

}  // namespace warden::clients
