#include "cli/decide_client.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iostream>

#include "core/json_text.h"
#include "audit/record.h"
#include "server/client.h"
#include "server/paths.h"
#include "server/protocol.h"
#include "server/redact.h"

namespace warden::cli {
namespace {

namespace json = boost::json;

Verdict FromDaemon(server::Client& c, const policy::Request& req, int wait_ms, bool if_watched) {
  Verdict v;
  json::object m;
  m["op"] = "decide";
  m["request"] = server::RequestJson(req);
  if (wait_ms > 0) m["wait_ms"] = wait_ms;
  if (wait_ms > 0 && if_watched) m["if_watched"] = true;
  auto r = c.Call(m);
  if (r.ok() && r->contains("pending") && r->at("pending").is_bool() && r->at("pending").as_bool()) {
    // A person has to answer: say who to ask and wait for the final line.
    std::string id = r->at("approval_id").is_string() ? std::string(r->at("approval_id").as_string()) : "?";
    std::cerr << "warden: waiting up to " << wait_ms / 1000 << " s for a person to approve " << id << " ("
              << (r->at("reason").is_string() ? std::string(r->at("reason").as_string()) : std::string()) << ")\n"
              << "        approve: warden approve " << id << "   deny: warden deny " << id << "   or use warden monitor\n";
    r = c.Next(wait_ms + 5000);
  }
  if (!r.ok()) {
    v.error = "the daemon did not answer: " + r.status().message();
    return v;
  }
  const json::object& o = *r;
  const json::value* ok = o.if_contains("ok");
  if (ok == nullptr || !ok->is_bool() || !ok->as_bool()) {
    const json::value* err = o.if_contains("error");
    const json::value* msg = err && err->is_object() ? err->as_object().if_contains("message") : nullptr;
    v.error = "the daemon could not decide: " + (msg && msg->is_string() ? std::string(msg->as_string()) : JsonText(o));
    return v;
  }
  const json::value* d = o.if_contains("decision");
  const json::value* reason = o.if_contains("reason");
  const json::value* rule = o.if_contains("rule");
  if (d == nullptr || !d->is_string()) {
    v.error = "the daemon's reply has no decision";
    return v;
  }
  std::string_view name = d->as_string();
  if (name != "allow" && name != "ask" && name != "deny") {
    v.error = "the daemon's reply has an unknown decision";
    return v;
  }
  v.decided = true;
  v.decision = name == "allow" ? policy::Decision::kAllow : name == "ask" ? policy::Decision::kAsk : policy::Decision::kDeny;
  if (reason && reason->is_string()) v.reason = std::string(reason->as_string());
  if (rule && rule->is_string()) v.rule = std::string(rule->as_string());
  return v;
}

Verdict InProcess(const DecideOptions& o, const policy::Request& req) {
  Verdict v;
  v.in_process = true;
  static policy::LoadResult loaded;  // kept to the end: one-shot commands leave with ExitNow/exec
  WardenSelf self = WardenSelf::FromEnvironment(o.daemon.socket, o.daemon.state_dir);
  auto snap = o.snapshot ? o.snapshot : LoadFromFlags(o.policy, req.cwd, false, &loaded, &self);
  if (!snap) {
    v.error = "the policy has errors";
    return v;
  }
  policy::Outcome out = policy::Evaluate(*snap, req);
  v.decided = true;
  v.decision = out.decision;
  v.reason = out.reason;
  v.rule = out.rule_id;
  return v;
}

}  // namespace

Verdict DecideRequest(const DecideOptions& o, const policy::Request& req) {
  if (!o.no_daemon) {
    std::string socket = o.daemon.Socket();
    auto c = server::Client::Connect(socket);
    if (c.ok()) return FromDaemon(*c, req, o.wait_ms, o.if_watched);
    if (c.status().code() != Status::Code::kNotFound) {
      Verdict v;
      v.error = c.status().message();
      return v;
    }
    if (!o.quiet) std::cerr << "warden: no daemon on " << socket << "; deciding in-process\n";
  }
  return InProcess(o, req);
}

void RecordFailOpen(const DaemonFlags& daemon, const policy::Request& req, const std::string& error) {
  const std::string dir = daemon.StateDir();
  const std::string path = dir + "/" + kFailOpenFile;
  json::object request = server::RequestJson(req);
  if (json::value* c = request.if_contains("command"); c && c->is_string()) *c = server::RedactSecrets(c->as_string());
  if (json::value* a = request.if_contains("argv"); a && a->is_array()) {
    for (json::value& w : a->as_array()) {
      if (w.is_string()) w = server::RedactSecrets(w.as_string());
    }
  }
  json::object line;
  int64_t now = std::chrono::duration_cast<std::chrono::microseconds>(
                    std::chrono::system_clock::now().time_since_epoch()).count();
  line["ts"] = audit::FormatTimestamp(now);
  line["pid"] = static_cast<int64_t>(getpid());
  line["uid"] = static_cast<int64_t>(getuid());
  line["request"] = std::move(request);
  line["error"] = server::RedactSecrets(error);
  std::string text = JsonText(line) + "\n";
  Status made = server::PrivateDir(dir);
  int fd = made.ok() ? ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600) : -1;
  // One write of the whole line: O_APPEND keeps concurrent writers' lines whole.
  bool written = fd >= 0 && ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  if (fd >= 0) ::close(fd);
  if (!written) {
    std::cerr << "warden: could not record this fail-open run in " << path << ": "
              << (made.ok() ? std::string(strerror(errno)) : made.message()) << "\n";
  }
}

FailOpenSummary ReadFailOpen(const std::string& state_dir) {
  FailOpenSummary s;
  std::ifstream in(state_dir + "/" + kFailOpenFile);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    s.count++;
    s.last = line;
  }
  return s;
}

}  // namespace warden::cli
