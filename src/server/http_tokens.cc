#include "server/http_tokens.h"

#include <boost/json.hpp>

#include <chrono>

#include "core/json_text.h"
#include "audit/record.h"
#include "security/authn/token_store.h"

namespace warden::server {

namespace json = boost::json;

namespace {
int64_t UnixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}
std::string Rfc3339(int64_t unix_s) { return audit::FormatTimestamp(unix_s * 1'000'000); }
}  // namespace

json::object TokenJson(const security::TokenInfo& t, int64_t now) {
  json::object o;
  o["id"] = t.id;
  o["name"] = t.name;
  o["role"] = t.role;
  o["created"] = Rfc3339(t.created);
  o["expires"] = t.expires ? json::value(Rfc3339(t.expires)) : json::value(nullptr);
  o["state"] = t.revoked ? "revoked" : (t.expires && now >= t.expires) ? "expired" : "active";
  if (t.revoked) o["revoked"] = Rfc3339(t.revoked);
  return o;
}

void TokenEndpoint(security::TokenStore& tokens, security::Exchange& ex, std::string_view rest, HttpOut* out) {
  int64_t now = UnixNow();
  auto fail = [&](int status, std::string_view code, const std::string& message) {
    out->status = status;
    out->body = ErrorBody(code, message);
  };
  if (ex.method == "GET") {
    auto list = tokens.List();
    if (!list.ok()) return fail(500, "internal", list.status().message());
    json::array a;
    for (const auto& t : *list) a.push_back(TokenJson(t, now));
    json::object o;
    o["tokens"] = std::move(a);
    out->body = JsonText(o);
    return;
  }
  if (ex.method == "DELETE") {
    auto r = tokens.Revoke(rest.substr(1), now);
    if (!r.ok()) return fail(r.status().code() == Status::Code::kNotFound ? 404 : 409, "cannot-revoke", r.status().message());
    json::object o;
    o["revoked"] = TokenJson(*r, now);
    out->body = JsonText(o);
    return;
  }
  // POST: the validate stage checked the shape when it is on; check what matters here anyway.
  const json::object* body = ex.json.if_object();
  const json::value* role = body ? body->if_contains("role") : nullptr;
  if (!role || !role->is_string() || role->get_string().empty()) return fail(422, "invalid-field", "/role is required");
  std::string name;
  if (const json::value* n = body->if_contains("name"); n && n->is_string()) name = std::string(n->get_string());
  int64_t ttl = 24 * 3600;
  if (const json::value* t = body->if_contains("ttl"); t && t->is_string()) {
    auto parsed = security::ParseTokenTtl(std::string_view(t->get_string()));
    if (!parsed.ok()) {
      out->status = 422;
      out->body = ErrorBody("invalid-field", "/ttl: " + parsed.status().message(), "/ttl");
      return;
    }
    ttl = *parsed;
  }
  auto created = tokens.Create(std::string(role->get_string()), name, ttl, now);
  if (!created.ok()) return fail(422, "invalid-field", created.status().message());
  json::object o = TokenJson(created->info, now);
  o["token"] = created->secret;
  out->status = 201;
  out->body = JsonText(o);
}

}  // namespace warden::server
