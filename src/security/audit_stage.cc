#include <boost/json.hpp>

#include <algorithm>
#include <chrono>

#include "core/strings.h"
#include "security/stages.h"

namespace warden::security {

namespace json = boost::json;

namespace {
// The path without its query: queries carry tokens and signatures too often to be kept.
std::string_view PathOf(std::string_view target) {
  size_t q = target.find('?');
  return q == std::string_view::npos ? target : target.substr(0, q);
}
}  // namespace

audit::Record HttpAuditRecord(const Exchange& ex) {
  audit::Record rec;
  rec.kind = "http";
  rec.context = "service";
  bool refused = !ex.denied_by.empty() || ex.status >= 400;
  rec.decision = refused ? "deny" : "allow";
  if (!ex.denied_by.empty()) rec.rule = "http." + ex.denied_by;
  if (ex.principal.authenticated) rec.subject = ex.principal.id;
  if (ex.now_ns > 0) {
    int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
    rec.latency_ns = static_cast<uint64_t>(std::max<int64_t>(0, now - ex.now_ns));
  }
  rec.reason = !ex.error.message.empty() ? Printable(ex.error.message, 1024) : (refused ? "refused" : "served");
  json::object r;
  // The raw request line may hold any bytes: an audit line stays valid UTF-8 JSON.
  r["method"] = Printable(ex.method, 16);
  r["path"] = Printable(PathOf(ex.target), 1024);
  r["endpoint"] = ex.endpoint ? ex.endpoint->name : std::string_view("none");
  r["status"] = ex.status;
  r["client"] = ex.client_address;
  if (!ex.principal.method.empty()) r["auth"] = ex.principal.method;
  if (!ex.principal.role.empty()) r["role"] = ex.principal.role;
  rec.request = std::move(r);
  return rec;
}

void AuditStage::Finish(Exchange& ex) const {
  if (ex.decision_audited) return;
  (void)append_(HttpAuditRecord(ex));  // the caller counts failures; a refusal stays a refusal
}

}  // namespace warden::security
