#include "server/approval_queue.h"

#include "core/json_text.h"
#include "local/protocol.h"
#include "server/redact.h"
#include "server/request_summary.h"

namespace warden::server {

namespace json = boost::json;

std::string RememberKey(const policy::Request& req) {
  std::string k = std::string(policy::KindName(req.kind)) + "\x1f" + std::string(policy::ContextName(req.context)) + "\x1f" + req.cwd + "\x1f";
  if (req.kind == policy::RequestKind::kExec) {
    if (req.has_argv) {
      for (const auto& a : req.argv) k += a + "\x1e";
    } else {
      bool space = false;  // runs of blanks collapsed, ends trimmed
      for (char c : req.command) {
        if (c == ' ' || c == '\t') {
          space = true;
          continue;
        }
        if (space && k.back() != '\x1f') k += ' ';
        space = false;
        k += c;
      }
    }
    return k;
  }
  switch (req.kind) {  // every kind names what it does in full: a remembered ask covers nothing more
    case policy::RequestKind::kExec: break;
    case policy::RequestKind::kFile:
      k += std::string(shell::FileOpName(req.op)) + (req.recursive ? "\x1fR" : "") + "\x1f" + req.path;
      break;
    case policy::RequestKind::kHttp: k += req.http.method + "\x1f" + req.http.url; break;
    case policy::RequestKind::kAction:
      k += req.subject + "\x1f" + req.action + "\x1f" + req.resource_type + "\x1f" + req.resource_id;
      break;
    case policy::RequestKind::kMcp: k += JsonText(local::RequestJson(req)); break;  // the whole request
  }
  return k;
}

std::string LocalApprovalQueue::Open(ApprovalAsk ask) {
  auto p = std::make_shared<Pending>();
  p->remember_key = RememberKey(ask.req);
  p->created = std::chrono::system_clock::now();
  p->deadline = Clock::now() + std::chrono::milliseconds(ask.wait_ms);
  p->timer = std::make_unique<boost::asio::steady_timer>(io_, std::chrono::milliseconds(ask.wait_ms));
  int64_t wait_ms = ask.wait_ms;
  p->ask = std::move(ask);
  {
    std::lock_guard<std::mutex> lock(mu_);
    p->id = "a" + std::to_string(next_++);
    pending_[p->id] = p;
  }
  p->timer->async_wait([this, id = p->id, wait_ms](const boost::system::error_code& ec) {
    if (ec) return;
    bool found = false;
    Resolve(id, {false, "nobody approved it within " + std::to_string(wait_ms / 1000) + " s"}, 0, &found);
  });
  return p->id;
}

void LocalApprovalQueue::Resolve(const std::string& id, const ApprovalAnswer& answer, int64_t remember_s, bool* found) {
  std::shared_ptr<Pending> p;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = pending_.find(id);
    if (it == pending_.end()) return;  // already resolved (a timer racing an answer)
    p = std::move(it->second);
    pending_.erase(it);
    if (answer.allow && remember_s > 0) remembered_[p->remember_key] = Clock::now() + std::chrono::seconds(remember_s);
  }
  *found = true;
  p->timer->cancel();
  if (p->ask.deliver) p->ask.deliver(p->id, answer);
}

Status LocalApprovalQueue::Answer(const std::string& id, const ApprovalAnswer& answer, int64_t remember_s) {
  bool found = false;
  Resolve(id, answer, remember_s, &found);
  if (!found) return Status::NotFound("no pending approval " + id.substr(0, 64) + " (answered, expired, or never asked)");
  return Status::Ok();
}

json::array LocalApprovalQueue::List() {
  json::array list;
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [id, p] : pending_) {
    json::object a;
    a["approval_id"] = id;
    a["request"] = RequestSummary(p->ask.req);
    a["reason"] = RedactSecrets(std::string_view(p->ask.outcome.at("reason").as_string()));
    a["rule"] = p->ask.outcome.at("rule");
    a["pid"] = p->ask.pid;
    a["created"] = std::chrono::duration_cast<std::chrono::seconds>(p->created.time_since_epoch()).count();
    a["expires_in_s"] = std::chrono::duration<double>(p->deadline - Clock::now()).count();
    list.push_back(std::move(a));
  }
  return list;
}

bool LocalApprovalQueue::Remembered(const policy::Request& req) {
  std::string key = RememberKey(req);
  std::lock_guard<std::mutex> lock(mu_);
  auto it = remembered_.find(key);
  if (it == remembered_.end()) return false;
  if (it->second < Clock::now()) {
    remembered_.erase(it);
    return false;
  }
  return true;
}

size_t LocalApprovalQueue::pending() {
  std::lock_guard<std::mutex> lock(mu_);
  return pending_.size();
}

size_t LocalApprovalQueue::remembered() {
  std::lock_guard<std::mutex> lock(mu_);
  return remembered_.size();
}

}  // namespace warden::server
