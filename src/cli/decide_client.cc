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
#include "local/client.h"
#include "local/decide.h"
#include "local/paths.h"
#include "local/protocol.h"
#include "server/redact.h"

namespace warden::cli {
namespace {

namespace json = boost::json;

Verdict FromDaemon(local::Client& c, const policy::Request& req, int wait_ms, bool if_watched) {
  // A person has to answer: say who to ask while waiting for the final line.
  auto announce = [wait_ms](const local::Pending& p) {
    std::string id = p.approval_id.empty() ? "?" : p.approval_id;
    std::cerr << "warden: waiting up to " << wait_ms / 1000 << " s for a person to approve " << id << " (" << p.reason
              << ")\n"
              << "        approve: warden approve " << id << "   deny: warden deny " << id << "   or use warden monitor\n";
  };
  local::DecideReply r = local::Decide(c, req, wait_ms, if_watched, announce);
  Verdict v;
  v.decided = r.decided;
  v.decision = r.decision;
  v.reason = std::move(r.reason);
  v.rule = std::move(r.rule);
  v.error = std::move(r.error);
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
    auto c = local::Client::Connect(socket);
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
  json::object request = local::RequestJson(req);
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
  Status made = local::PrivateDir(dir);
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
