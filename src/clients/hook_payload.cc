#include "clients/hook_payload.h"

#include <utility>

#include "core/json_text.h"
#include "core/path.h"
#include "core/strings.h"

namespace warden::clients::hook_internal {
namespace {

// Deep enough for any real tool_input; deeper payloads are refused, not recursed into.
constexpr std::size_t kMaxJsonDepth = 64;
// A policy's reason is short; this only keeps a pathological one from flooding the agent.
constexpr std::size_t kMaxReasonBytes = 2000;

}  // namespace

std::string Fields::Name(std::string_view key) const {
  return where_.empty() ? std::string(key) : where_ + "." + std::string(key);
}

const json::value* Fields::Find(std::string_view key) const {
  const json::value* v = object_->if_contains(key);
  return v == nullptr || v->is_null() ? nullptr : v;
}

Result<std::string> Fields::AsString(const json::value& v, std::string_view key, size_t max) const {
  if (!v.is_string()) return Status::InvalidArgument(Name(key) + " must be a string");
  const json::string& s = v.get_string();
  if (s.size() > max) {
    return Status::TooLarge(Name(key) + " is longer than " + std::to_string(max) + " bytes");
  }
  return std::string(s.data(), s.size());
}

Result<std::string> Fields::String(std::string_view key, size_t max) const {
  const json::value* v = Find(key);
  if (v == nullptr) return Status::InvalidArgument(Name(key) + " is missing");
  return AsString(*v, key, max);
}

Result<std::optional<std::string>> Fields::OptionalString(std::string_view key, size_t max) const {
  const json::value* v = Find(key);
  if (v == nullptr) return std::optional<std::string>();
  auto s = AsString(*v, key, max);
  if (!s.ok()) return s.status();
  return std::optional<std::string>(std::move(s).value());
}

Result<std::optional<std::string>> Fields::OptionalStringAlias(std::initializer_list<std::string_view> keys,
                                                               size_t max) const {
  for (std::string_view key : keys) {
    if (Find(key) != nullptr) return OptionalString(key, max);
  }
  return std::optional<std::string>();
}

Result<std::string> Fields::StringAlias(std::initializer_list<std::string_view> keys, size_t max) const {
  auto s = OptionalStringAlias(keys, max);
  if (!s.ok()) return s.status();
  if (!s->has_value()) return Status::InvalidArgument(Name(*keys.begin()) + " is missing");
  return std::move(**s);
}

Result<Fields> Fields::Object(std::string_view key) const {
  const json::value* v = Find(key);
  if (v == nullptr) return Status::InvalidArgument(Name(key) + " is missing");
  if (!v->is_object()) return Status::InvalidArgument(Name(key) + " must be an object");
  return Fields(v->get_object(), Name(key));
}

Result<json::object> ParsePayload(std::string_view text) {
  if (text.size() > kMaxHookInputBytes) {
    return Status::TooLarge("the hook payload is larger than " + std::to_string(kMaxHookInputBytes) + " bytes");
  }
  // A UTF-8 byte order mark before the JSON (cursor-agent sends one) is not part of it.
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  if (Trim(text).empty()) {
    return Status::InvalidArgument("the hook payload is empty (expected the agent's JSON on stdin)");
  }
  json::parse_options options;
  options.max_depth = kMaxJsonDepth;
  json::stream_parser parser({}, options);
  boost::system::error_code ec;
  size_t used = parser.write(text.data(), text.size(), ec);
  if (!ec) parser.finish(ec);
  if (ec) {
    return Status::ParseError("the hook payload is malformed JSON at byte " + std::to_string(used) + ": " +
                              ec.message());
  }
  json::value v = parser.release();
  if (!v.is_object()) return Status::InvalidArgument("the hook payload must be a JSON object");
  return std::move(v.get_object());
}

Result<Place> PlaceFor(const std::optional<std::string>& cwd, std::string_view field,
                       const std::optional<std::string>& workspace, const HookDefaults& defaults) {
  Place place;
  place.context = defaults.context;
  place.home = defaults.home.empty() ? "/" : NormalizePath(defaults.home);
  if (cwd.has_value() && !cwd->empty()) {
    if (cwd->front() != '/') return Status::InvalidArgument(std::string(field) + " must be an absolute path");
    if (cwd->find('\0') != std::string::npos) {
      return Status::InvalidArgument(std::string(field) + " contains a NUL byte");
    }
    place.cwd = NormalizePath(*cwd);
  } else if (!defaults.cwd.empty() && defaults.cwd.front() == '/') {
    place.cwd = NormalizePath(defaults.cwd);
  } else {
    return Status::InvalidArgument(std::string(field) + " is missing (and no default working directory is set)");
  }
  if (workspace.has_value() && !workspace->empty() && workspace->front() == '/') {
    place.workspace = NormalizePath(*workspace);
  } else if (!defaults.workspace.empty()) {
    place.workspace = NormalizePath(defaults.workspace);
  } else if (defaults.find_workspace) {
    place.workspace = defaults.find_workspace(place.cwd);
  } else {
    place.workspace = place.cwd;
  }
  return place;
}

policy::Request ExecRequest(const Place& place, std::string command) {
  policy::Request r;
  r.kind = policy::RequestKind::kExec;
  r.context = place.context;
  r.command = std::move(command);
  r.cwd = place.cwd;
  r.workspace = place.workspace;
  r.home = place.home;
  return r;
}

Result<policy::Request> FileRequest(const Place& place, shell::FileOp op, std::string_view path,
                                    std::string_view field) {
  if (path.empty()) return Status::InvalidArgument(std::string(field) + " is empty");
  if (path.find('\0') != std::string_view::npos) {
    return Status::InvalidArgument(std::string(field) + " contains a NUL byte");
  }
  policy::Request r;
  r.kind = policy::RequestKind::kFile;
  r.context = place.context;
  r.op = op;
  r.path = ResolvePath(path, place.cwd, place.home);
  r.cwd = place.cwd;
  r.workspace = place.workspace;
  r.home = place.home;
  return r;
}

Result<policy::Request> HttpRequest(const Place& place, std::string_view url, std::string_view field) {
  auto target = policy::ParseHttpUrl(url, field);
  if (!target.ok()) return target.status();
  policy::Request r;
  r.kind = policy::RequestKind::kHttp;
  r.context = place.context;
  r.http = std::move(target).value();
  r.cwd = place.cwd;
  r.workspace = place.workspace;
  r.home = place.home;
  return r;
}

Result<policy::Request> McpRequest(const Place& place, std::string_view tool, const json::object& arguments) {
  // mcp__SERVER__TOOL: the server's name ends at the first "__" after the prefix.
  std::string_view rest = tool.substr(5);
  size_t sep = rest.find("__");
  if (sep == std::string_view::npos || sep == 0 || sep + 2 >= rest.size()) {
    return Status::InvalidArgument("tool_name '" + Printable(tool, 80) + "' is not mcp__SERVER__TOOL");
  }
  if (rest.size() > 2 * policy::kMaxNameBytes) return Status::InvalidArgument("tool_name is too long");
  policy::Request r;
  r.kind = policy::RequestKind::kMcp;
  r.context = place.context;
  r.server = std::string(rest.substr(0, sep));
  r.tool = std::string(rest.substr(sep + 2));
  r.arguments = arguments;
  r.cwd = place.cwd;
  r.workspace = place.workspace;
  r.home = place.home;
  return r;
}

Result<policy::Request> AgentToolRequest(const Place& place, Agent agent, std::string_view tool,
                                         const json::object& arguments) {
  if (tool.empty() || tool.size() > policy::kMaxNameBytes) {
    return Status::InvalidArgument("tool_name must be 1 to " + std::to_string(policy::kMaxNameBytes) + " bytes");
  }
  policy::Request r;
  r.kind = policy::RequestKind::kMcp;
  r.context = place.context;
  r.server = std::string(AgentName(agent)) + std::string(kAgentToolServerSuffix);
  r.tool = std::string(tool);
  r.arguments = arguments;
  r.cwd = place.cwd;
  r.workspace = place.workspace;
  r.home = place.home;
  return r;
}

static Result<std::vector<policy::Request>> PatchRequests(std::string_view patch, const Place& place,
                                                          std::string_view field) {
  static constexpr std::pair<std::string_view, shell::FileOp> kMarkers[] = {
      {"*** Add File: ", shell::FileOp::kWrite},
      {"*** Update File: ", shell::FileOp::kWrite},
      {"*** Move to: ", shell::FileOp::kWrite},
      {"*** Delete File: ", shell::FileOp::kDelete},
  };
  std::vector<policy::Request> out;
  for (std::string_view line : Split(patch, '\n')) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    for (const auto& [marker, op] : kMarkers) {
      if (line.substr(0, marker.size()) != marker) continue;
      auto request = FileRequest(place, op, Trim(line.substr(marker.size())), "a path in " + std::string(field));
      if (!request.ok()) return request.status();
      out.push_back(std::move(request).value());
    }
  }
  if (out.empty()) {
    return Status::InvalidArgument(std::string(field) +
                                   " names no file (no '*** Add File:', '*** Update File:' or '*** Delete File:' line)");
  }
  return out;
}

Result<HookCall> PatchCall(HookCall&& call, std::string_view patch, const Place& place, std::string_view field) {
  auto requests = PatchRequests(patch, place, field);
  if (!requests.ok()) return requests.status();
  call.requests = std::move(requests).value();
  return call;
}

HookCall Unsupported(HookCall&& call, std::string why) {
  call.requests.clear();
  call.unsupported = std::move(why);
  return call;
}

bool IsMcpTool(std::string_view tool) {
  return tool.size() > 5 && tool.substr(0, 5) == "mcp__";
}

std::string Explain(policy::Decision decision, std::string_view reason, std::string_view rule) {
  std::string out;
  switch (decision) {
    case policy::Decision::kAllow:
      out = "Warden allowed this";
      break;
    case policy::Decision::kAsk:
      out = "Warden asks for approval";
      break;
    case policy::Decision::kDeny:
      out = "Warden denied this";
      break;
  }
  if (!reason.empty()) out += ": " + std::string(reason.substr(0, kMaxReasonBytes));
  if (!rule.empty()) out += " [" + std::string(rule.substr(0, 200)) + "]";
  return out;
}

std::string ExplainError(std::string_view message) {
  return "Warden blocked this call: " + std::string(message.substr(0, kMaxReasonBytes));
}

std::string JsonLine(const json::object& object) {
  return JsonText(object) + "\n";
}

}  // namespace warden::clients::hook_internal
