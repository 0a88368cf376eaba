#include "policy/request.h"

#include <boost/json.hpp>

#include <algorithm>

#include "core/strings.h"

namespace warden::policy {
namespace {

namespace json = boost::json;

class RequestReader {
 public:
  explicit RequestReader(const json::object& obj, RequestPresence* present) : obj_(obj), present_(present) {}

  Result<Request> Read() {
    Request r;
    const json::value* kind = obj_.if_contains("kind");
    if (!kind) return Status::InvalidArgument("request: 'kind' is missing (exec, file, http, mcp or action)");
    auto k = String(*kind, "kind");
    if (!k.ok()) return k.status();
    auto parsed = ParseKind(*k);
    if (!parsed) return Status::InvalidArgument("request: unknown kind '" + Printable(*k, 40) + "' (exec, file, http, mcp or action)");
    r.kind = *parsed;
    std::vector<std::string_view> allowed = {"kind", "context"};
    switch (r.kind) {
      case RequestKind::kExec: allowed.insert(allowed.end(), {"command", "argv", "cwd", "workspace", "home", "sandbox"}); break;
      case RequestKind::kFile: allowed.insert(allowed.end(), {"op", "path", "recursive", "cwd", "workspace", "home"}); break;
      case RequestKind::kAction: allowed.insert(allowed.end(), {"subject", "action", "resource"}); break;
      case RequestKind::kHttp: allowed.insert(allowed.end(), {"method", "url", "path", "cwd", "workspace", "home"}); break;
      case RequestKind::kMcp: allowed.insert(allowed.end(), {"server", "tool", "arguments", "cwd", "workspace", "home"}); break;
    }
    for (const auto& [key, v] : obj_) {
      (void)v;
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        std::string hint = ClosestMatch(key, allowed);
        return Status::InvalidArgument("request: unknown field '" + Printable(key, 40) + "' for kind " + *k +
                                       (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
      }
    }
    if (const json::value* c = obj_.if_contains("context")) {
      auto s = String(*c, "context");
      if (!s.ok()) return s.status();
      auto ctx = ParseContext(*s);
      if (!ctx) return Status::InvalidArgument("request: context must be ai, human or service, not '" + Printable(*s, 40) + "'");
      r.context = *ctx;
      if (present_) present_->context = true;
    }
    Status s;
    switch (r.kind) {
      case RequestKind::kExec: s = Exec(&r); break;
      case RequestKind::kFile: s = File(&r); break;
      case RequestKind::kAction: s = Action(&r); break;
      case RequestKind::kHttp: s = Http(&r); break;
      case RequestKind::kMcp: s = Mcp(&r); break;
    }
    if (!s.ok()) return s;
    return r;
  }

 private:
  static Result<std::string> String(const json::value& v, std::string_view field, size_t max = kMaxPathBytes) {
    if (!v.is_string()) return Status::InvalidArgument("request: '" + std::string(field) + "' must be a string");
    const json::string& s = v.get_string();
    if (s.size() > max) {
      return Status::InvalidArgument("request: '" + std::string(field) + "' is longer than " + std::to_string(max) +
                                     " bytes");
    }
    return std::string(s.data(), s.size());
  }

  Status Place(Request* r) {
    for (auto [name, target, flag] :
         {std::tuple{"cwd", &r->cwd, &RequestPresence::cwd}, std::tuple{"workspace", &r->workspace, &RequestPresence::workspace},
          std::tuple{"home", &r->home, &RequestPresence::home}}) {
      const json::value* v = obj_.if_contains(name);
      if (!v) continue;
      auto s = String(*v, name);
      if (!s.ok()) return s.status();
      if (s->empty() || s->front() != '/') {
        return Status::InvalidArgument(std::string("request: '") + name + "' must be an absolute path");
      }
      *target = std::move(s).value();
      if (present_) present_->*flag = true;
    }
    return Status::Ok();
  }

  Status Exec(Request* r) {
    if (const json::value* sb = obj_.if_contains("sandbox")) {
      auto s = String(*sb, "sandbox", 128);
      if (!s.ok()) return s.status();
      r->sandbox = std::move(s).value();
    }
    const json::value* cmd = obj_.if_contains("command");
    const json::value* argv = obj_.if_contains("argv");
    if (cmd && argv) return Status::InvalidArgument("request: give either 'command' or 'argv', not both");
    if (!cmd && !argv) return Status::InvalidArgument("request: an exec request needs 'command' (a string) or 'argv'");
    if (cmd) {
      auto s = String(*cmd, "command", kMaxRequestJsonBytes);
      if (!s.ok()) return s.status();
      r->command = std::move(s).value();
    } else {
      if (!argv->is_array()) return Status::InvalidArgument("request: 'argv' must be a list of strings");
      for (const auto& a : argv->get_array()) {
        auto s = String(a, "argv[]", kMaxRequestJsonBytes);
        if (!s.ok()) return s.status();
        r->argv.push_back(std::move(s).value());
      }
      if (r->argv.empty()) return Status::InvalidArgument("request: 'argv' must not be empty");
      r->has_argv = true;
    }
    return Place(r);
  }

  Status File(Request* r) {
    const json::value* op = obj_.if_contains("op");
    const json::value* path = obj_.if_contains("path");
    if (!op) return Status::InvalidArgument("request: a file request needs 'op' (read, write, delete or exec)");
    if (!path) return Status::InvalidArgument("request: a file request needs 'path'");
    auto o = String(*op, "op");
    if (!o.ok()) return o.status();
    if (*o == "read") {
      r->op = shell::FileOp::kRead;
    } else if (*o == "write") {
      r->op = shell::FileOp::kWrite;
    } else if (*o == "delete") {
      r->op = shell::FileOp::kDelete;
    } else if (*o == "exec") {
      r->op = shell::FileOp::kExec;
    } else {
      return Status::InvalidArgument("request: op must be read, write, delete or exec, not '" + Printable(*o, 40) + "'");
    }
    auto p = String(*path, "path");
    if (!p.ok()) return p.status();
    if (p->empty()) return Status::InvalidArgument("request: 'path' must not be empty");
    if (p->find('\0') != std::string::npos) return Status::InvalidArgument("request: 'path' contains a NUL byte");
    r->path = std::move(p).value();
    if (const json::value* rec = obj_.if_contains("recursive")) {
      if (!rec->is_bool()) return Status::InvalidArgument("request: 'recursive' must be true or false");
      r->recursive = rec->as_bool();
    }
    return Place(r);
  }

  Status Action(Request* r) {
    for (auto [name, target] : {std::pair{"subject", &r->subject}, std::pair{"action", &r->action}}) {
      const json::value* v = obj_.if_contains(name);
      if (!v) return Status::InvalidArgument(std::string("request: an action request needs '") + name + "'");
      auto s = String(*v, name, 1024);
      if (!s.ok()) return s.status();
      *target = std::move(s).value();
    }
    const json::value* res = obj_.if_contains("resource");
    if (!res) return Status::InvalidArgument("request: an action request needs 'resource' {type, id}");
    if (!res->is_object()) return Status::InvalidArgument("request: 'resource' must be an object {type, id}");
    for (const auto& [key, v] : res->get_object()) {
      (void)v;
      if (key != "type" && key != "id") {
        return Status::InvalidArgument("request: unknown field 'resource." + Printable(key, 40) + "' (type, id)");
      }
    }
    const json::value* type = res->get_object().if_contains("type");
    if (!type) return Status::InvalidArgument("request: 'resource.type' is missing");
    auto t = String(*type, "resource.type", 1024);
    if (!t.ok()) return t.status();
    r->resource_type = std::move(t).value();
    if (const json::value* id = res->get_object().if_contains("id")) {
      auto i = String(*id, "resource.id", 1024);
      if (!i.ok()) return i.status();
      r->resource_id = std::move(i).value();
    }
    return Status::Ok();
  }

  Status Http(Request* r) {
    const json::value* url = obj_.if_contains("url");
    const json::value* path = obj_.if_contains("path");
    if (url && path) return Status::InvalidArgument("request: give either 'url' or 'path', not both");
    if (!url && !path) {
      return Status::InvalidArgument("request: an http request needs 'url' (an absolute http or https URL) or 'path'");
    }
    auto text = String(url ? *url : *path, url ? "url" : "path", kMaxUrlBytes);
    if (!text.ok()) return text.status();
    auto target = url ? ParseHttpUrl(*text, "'url'") : ParseHttpPath(*text, "'path'");
    if (!target.ok()) return Status::InvalidArgument("request: " + target.status().message());
    r->http = std::move(target).value();
    if (const json::value* method = obj_.if_contains("method")) {
      auto m = String(*method, "method", kMaxMethodBytes);
      if (!m.ok()) return m.status();
      if (Status s = CheckHttpMethod(*m, "'method'"); !s.ok()) return Status::InvalidArgument("request: " + s.message());
      r->http.method = std::move(m).value();
    }
    return Place(r);
  }

  Status Mcp(Request* r) {
    for (auto [name, target] : {std::pair{"server", &r->server}, std::pair{"tool", &r->tool}}) {
      const json::value* v = obj_.if_contains(name);
      if (!v) return Status::InvalidArgument(std::string("request: an mcp request needs '") + name + "'");
      auto s = String(*v, name, kMaxNameBytes);
      if (!s.ok()) return s.status();
      if (s->empty()) return Status::InvalidArgument(std::string("request: '") + name + "' must not be empty");
      *target = std::move(s).value();
    }
    if (const json::value* a = obj_.if_contains("arguments")) {
      if (!a->is_object() && !a->is_null()) return Status::InvalidArgument("request: 'arguments' must be an object");
      r->arguments = a->is_null() ? json::value(json::object()) : *a;
    } else {
      r->arguments = json::object();
    }
    return Place(r);
  }

  const json::object& obj_;
  RequestPresence* present_;
};

}  // namespace

Result<Request> ParseRequestJson(std::string_view text, RequestPresence* present) {
  if (text.size() > kMaxRequestJsonBytes) {
    return Status::TooLarge("request: larger than " + std::to_string(kMaxRequestJsonBytes) + " bytes");
  }
  json::stream_parser parser;
  boost::system::error_code ec;
  size_t used = parser.write(text.data(), text.size(), ec);
  if (!ec) parser.finish(ec);
  if (ec) {
    return Status::ParseError("request: malformed JSON at byte " + std::to_string(used) + ": " + ec.message());
  }
  return ParseRequestValue(parser.release(), present);
}

Result<Request> ParseRequestValue(const json::value& v, RequestPresence* present) {
  if (!v.is_object()) return Status::InvalidArgument("request: must be a JSON object");
  if (present) *present = RequestPresence{};
  return RequestReader(v.get_object(), present).Read();
}

}  // namespace warden::policy
