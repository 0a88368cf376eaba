// `warden approvals`, `warden approve ID [--remember 10m]`, `warden deny ID [--reason …]`: a
// person answering the requests the policy sent to them. Answering needs the approver key
// (STATE_DIR/approver.key, 0600), which the default policy keeps from the ai context.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>

#include "core/json_text.h"
#include "cli/common.h"
#include "cli/daemon_flags.h"
#include "core/path.h"
#include "local/approver_key.h"
#include "local/client.h"

namespace warden::cli {
namespace {

namespace json = boost::json;

struct AnswerArgs {
  DaemonFlags daemon;
  std::string id;
  std::string remember;
  std::string reason;
  bool json = false;
};

// "90s", "10m", "2h", "1d" or plain seconds.
bool ParseDuration(const std::string& s, int64_t* seconds) {
  if (s.empty()) return false;
  size_t used = 0;
  long long n = 0;
  try {
    n = std::stoll(s, &used);
  } catch (...) {
    return false;
  }
  std::string unit = s.substr(used);
  int64_t mult = unit.empty() || unit == "s" ? 1 : unit == "m" ? 60 : unit == "h" ? 3600 : unit == "d" ? 86400 : 0;
  if (mult == 0 || n < 0) return false;
  *seconds = n * mult;
  return true;
}

Result<json::object> Call(const DaemonFlags& d, json::object m) {
  auto c = local::Client::Connect(d.Socket());
  if (!c.ok()) return c.status();
  return c->Call(m);
}

int Fail(const std::string& message, int code) {
  std::cerr << "warden: " << message << "\n";
  return code;
}

std::string ErrorOf(const json::object& r) {
  const json::value* e = r.if_contains("error");
  const json::value* msg = e && e->is_object() ? e->as_object().if_contains("message") : nullptr;
  return msg && msg->is_string() ? std::string(msg->as_string()) : JsonText(r);
}

int RunAnswer(const AnswerArgs& a, bool approve) {
  auto key = local::ReadApproverKey(a.daemon.StateDir());
  if (!key.ok()) return Fail(key.status().message(), kExitUsage);
  json::object m;
  m["op"] = approve ? "approve" : "deny";
  m["approval"] = a.id;
  m["key"] = *key;
  if (approve && !a.remember.empty()) {
    int64_t s = 0;
    if (!ParseDuration(a.remember, &s) || s > 86400) return Fail("--remember takes a duration up to 24h, like 10m", kExitUsage);
    m["remember_s"] = s;
  }
  if (!approve && !a.reason.empty()) m["reason"] = a.reason;
  auto r = Call(a.daemon, m);
  if (!r.ok()) return Fail(r.status().message(), kExitUnavailable);
  if (!r->at("ok").as_bool()) return Fail(ErrorOf(*r), kExitUsage);
  if (a.json) {
    PrintJson(*r);
  } else {
    std::cout << (approve ? "approved " : "denied ") << a.id << "\n";
  }
  return 0;
}

struct ListArgs {
  DaemonFlags daemon;
  bool json = false;
};

int RunList(const ListArgs& a) {
  json::object m;
  m["op"] = "approvals";
  auto r = Call(a.daemon, m);
  if (!r.ok()) return Fail(r.status().message(), kExitUnavailable);
  if (!r->at("ok").as_bool()) return Fail(ErrorOf(*r), kExitInternal);
  const json::array& list = r->at("approvals").as_array();
  if (a.json) {
    PrintJson(list);
    return 0;
  }
  if (list.empty()) std::cout << "no pending approvals\n";
  for (const auto& v : list) {
    const json::object& p = v.as_object();
    const json::object& req = p.at("request").as_object();
    std::string what = JsonText(req);
    if (req.contains("command")) {
      what = std::string(req.at("command").as_string());
    } else if (req.contains("argv")) {
      what = JsonText(req.at("argv"));
    } else if (const json::value* target = req.contains("url") ? req.if_contains("url") : req.if_contains("path")) {
      const json::value* verb = req.contains("op") ? req.if_contains("op") : req.if_contains("method");  // file or http
      if (target->is_string() && verb && verb->is_string()) {
        what = std::string(verb->as_string()) + " " + std::string(target->as_string());
      }
    }
    std::cout << p.at("approval_id").as_string().c_str() << "  pid " << p.at("pid").to_number<int64_t>() << "  "
              << static_cast<int64_t>(p.at("expires_in_s").to_number<double>()) << " s left\n"
              << "    " << what << "\n"
              << "    " << p.at("reason").as_string().c_str() << "\n";
  }
  return 0;
}

}  // namespace

void RegisterApprovals(CLI::App& app, Runner* run) {
  auto list = std::make_shared<ListArgs>();
  CLI::App* l = app.add_subcommand("approvals", "List the requests waiting for a person");
  AddDaemonFlags(l, &list->daemon);
  l->add_flag("--json", list->json, "Print a JSON array");
  l->footer("Examples:\n  warden approvals\n  warden approvals --json\n");
  l->callback([run, list] { *run = [list] { return RunList(*list); }; });

  auto ok = std::make_shared<AnswerArgs>();
  CLI::App* a = app.add_subcommand("approve", "Approve a pending request (needs the approver key)");
  AddDaemonFlags(a, &ok->daemon);
  a->add_option("id", ok->id, "The approval's id (warden approvals)")->required();
  a->add_option("--remember", ok->remember,
                "Also allow exactly this request (same command, directory, context) for this long: 10m, 2h (max 24h)");
  a->add_flag("--json", ok->json, "Print the daemon's reply");
  a->footer(R"(Only a person may approve: the approver key (STATE_DIR/approver.key, mode 0600) is required, and
the default policy denies the ai context reading it or running this command. --remember
applies to the exact normalized request, never to a command name.

Examples:
  warden approve a3
  warden approve a3 --remember 10m
)");
  a->callback([run, ok] { *run = [ok] { return RunAnswer(*ok, true); }; });

  auto no = std::make_shared<AnswerArgs>();
  CLI::App* d = app.add_subcommand("deny", "Deny a pending request (needs the approver key)");
  AddDaemonFlags(d, &no->daemon);
  d->add_option("id", no->id, "The approval's id (warden approvals)")->required();
  d->add_option("--reason", no->reason, "Told to the waiting client");
  d->add_flag("--json", no->json, "Print the daemon's reply");
  d->footer("Examples:\n  warden deny a3\n  warden deny a3 --reason 'not on the release branch'\n");
  d->callback([run, no] { *run = [no] { return RunAnswer(*no, false); }; });
}

}  // namespace warden::cli
