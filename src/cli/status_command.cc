// `warden status [--json]`: whether the daemon runs, its policy revision and load errors,
// uptime, counts, the audit queue, pending approvals, the socket's connections and limits, the
// HTTP API, and the --fail-open runs
// recorded in the state directory.
#include <fstream>
#include <iostream>

#include "core/json_text.h"
#include "cli/common.h"
#include "cli/daemon_flags.h"
#include "cli/decide_client.h"
#include "local/client.h"

namespace warden::cli {
namespace {

namespace json = boost::json;

struct StatusArgs {
  DaemonFlags daemon;
  bool json = false;
};

// An audit outage (every decision denied until the log can be written), earlier outages, and a
// problem the writer found in its last segment at start.
void PrintAuditHealth(const json::object& audit) {
  auto num = [&](const char* k) { return audit.contains(k) ? audit.at(k).to_number<uint64_t>() : 0; };
  auto str = [&](const char* k) { return audit.contains(k) ? std::string(audit.at(k).as_string()) : std::string(); };
  bool healthy = !audit.contains("healthy") || audit.at("healthy").as_bool();
  if (!healthy) {
    std::cout << "audit    OUTAGE since " << str("outage_since") << ": every decision is denied until the log can be "
              << "written (" << num("refused_in_outages") << " refused, " << num("retries") << " retries): "
              << str("last_error") << "\n";
  } else if (num("outages") > 0) {
    std::cout << "audit    " << num("outages") << " outage(s) this run, " << num("outage_ms") << " ms in all, "
              << num("refused_in_outages") << " decisions refused; last: " << str("last_error") << "\n";
  }
  if (audit.contains("problem_at_start")) {
    std::cout << "audit    WARNING at start: " << str("problem_at_start") << " (run `warden audit verify`)\n";
  }
}

void PrintStatusText(const json::object& s) {
  const auto& pol = s.at("policy").as_object();
  const auto& c = s.at("counts").as_object();
  std::cout << "warden " << s.at("version").as_string().c_str() << " serving on " << s.at("socket").as_string().c_str() << " (pid "
            << s.at("pid").as_int64() << ", up " << static_cast<int64_t>(s.at("uptime_s").to_number<double>()) << " s)\n"
            << "policy   revision " << pol.at("revision").as_string().c_str() << ", " << pol.at("rules").to_number<int64_t>()
            << " rules, " << pol.at("repository_policies").to_number<int64_t>() << " repository policies loaded\n";
  for (const auto& e : pol.at("load_errors").as_array()) {
    const auto& d = e.as_object();
    std::cout << "  last reload failed: " << d.at("file").as_string().c_str() << ":" << d.at("line").to_number<int64_t>()
              << ": " << d.at("message").as_string().c_str() << "\n";
  }
  std::cout << "counts   " << c.at("decisions").to_number<uint64_t>() << " decisions (" << c.at("allow").to_number<uint64_t>()
            << " allow, " << c.at("ask").to_number<uint64_t>() << " ask, " << c.at("deny").to_number<uint64_t>()
            << " deny), " << c.at("errors").to_number<uint64_t>() << " errors, " << c.at("connections").to_number<uint64_t>()
            << " connections, " << c.at("refused").to_number<uint64_t>() << " refused\n"
            << "audit    " << (s.at("audit").at("enabled").as_bool() ? "" : "off, ") << "queue depth "
            << s.at("audit").at("queue_depth").to_number<int64_t>() << ", "
            << (s.at("audit").as_object().contains("records_written") ? s.at("audit").at("records_written").to_number<uint64_t>() : 0)
            << " records written this run\n"
            << "approvals " << s.at("approvals").at("pending").to_number<int64_t>() << " pending\n";
  PrintAuditHealth(s.at("audit").as_object());
  if (const json::value* r = s.at("audit").as_object().if_contains("retention"); r && r->is_object()) {
    const auto& o = r->as_object();
    auto num = [&](const char* k) { return o.contains(k) ? o.at(k).to_number<uint64_t>() : 0; };
    std::cout << "retention " << num("segments_compressed") << " segments compressed, " << num("segments_removed")
              << " removed (" << num("records_removed") << " records, " << num("bytes_removed") << " bytes); the log is "
              << num("bytes") << " bytes" << (o.contains("last_error") ? ", last pass failed: " : "")
              << (o.contains("last_error") ? o.at("last_error").as_string().c_str() : "") << "\n";
  }
  if (const json::value* sc = s.if_contains("connections"); sc && sc->is_object()) {
    auto num = [](const json::object& o, const char* k) { return o.contains(k) ? o.at(k).to_number<int64_t>() : 0; };
    const auto& o = sc->as_object();
    std::cout << "socket   " << num(o, "open") << " connections open, " << num(o, "buffered_in_bytes")
              << " bytes unfinished, " << num(o, "buffered_out_bytes") << " bytes unsent; "
              << num(c, "backpressure_pauses") << " paused, " << num(c, "read_timeouts") << "/"
              << num(c, "write_timeouts") << "/" << num(c, "idle_timeouts") << " read/write/idle timeouts, "
              << num(c, "input_limit_closes") << " closed at the input limit\n";
  }
  if (const json::value* h = s.if_contains("http"); h && h->is_object()) {
    const auto& o = h->as_object();
    std::string stages;
    for (const auto& st : o.at("stages").as_array()) stages += (stages.empty() ? "" : ", ") + std::string(st.as_string());
    auto num = [&](const char* k) { return o.contains(k) ? o.at(k).to_number<uint64_t>() : 0; };
    std::cout << "http     " << o.at("listen").as_string().c_str() << " (stages: " << (stages.empty() ? "none" : stages)
              << "), " << num("connections_open") << " connections open, " << num("tokens") << " tokens, "
              << num("ratelimit_keys") << " rate-limit keys\n";
  }
  if (const json::value* sh = s.if_contains("shared"); sh && sh->is_object()) {
    const auto& o = sh->as_object();
    auto num = [](const json::object& x, const char* k) { return x.contains(k) ? x.at(k).to_number<uint64_t>() : 0; };
    const auto& f = o.at("on_failure").as_object();
    std::cout << "shared   " << o.at("redis").as_string().c_str() << " as " << o.at("instance_id").as_string().c_str() << ": "
              << (o.at("connected").as_bool() ? "connected" : "NOT CONNECTED (retrying)") << "; when away: tokens "
              << f.at("tokens").as_string().c_str() << ", rate limits " << f.at("rate_limits").as_string().c_str() << "; "
              << num(o, "disconnects") << " disconnects, " << num(o, "errors") << " errors, " << num(o, "round_trips")
              << " round trips";
    if (const json::value* t = o.if_contains("tokens"); t && t->is_object()) {
      std::cout << ", " << num(t->as_object(), "refused_unavailable") << " tokens refused while away";
    }
    if (const json::value* r = o.if_contains("rate_limits"); r && r->is_object()) {
      std::cout << ", " << num(r->as_object(), "refused_while_away") << " rate-limited requests refused while away";
    }
    std::cout << "\n";
  }
}

// Runs that went ahead only because of --fail-open / WARDEN_FAIL_OPEN=1 (clients record them in
// the state directory, daemon or not).
json::object FailOpenJson(const std::string& state_dir) {
  FailOpenSummary f = ReadFailOpen(state_dir);
  json::object o;
  o["count"] = f.count;
  o["file"] = state_dir + "/" + kFailOpenFile;
  if (!f.last.empty()) {
    boost::system::error_code ec;
    json::value last = json::parse(f.last, ec);
    o["last"] = ec ? json::value(f.last) : std::move(last);
  }
  return o;
}

void PrintFailOpenText(const json::object& f) {
  uint64_t n = f.at("count").to_number<uint64_t>();
  if (n == 0) return;
  std::cout << "fail-open " << n << " run" << (n == 1 ? "" : "s") << " went ahead undecided (" << f.at("file").as_string().c_str()
            << ")";
  if (const json::value* last = f.if_contains("last"); last && last->is_object() && last->as_object().contains("ts")) {
    std::cout << ", last at " << last->at("ts").as_string().c_str();
  }
  std::cout << "\n";
}

int RunStatus(const StatusArgs& a) {
  std::string socket = a.daemon.Socket();
  json::object fail_open = FailOpenJson(a.daemon.StateDir());
  auto c = local::Client::Connect(socket);
  if (!c.ok()) {
    if (a.json) {
      json::object o;
      o["running"] = false;
      o["socket"] = socket;
      o["error"] = c.status().message();
      o["fail_open"] = std::move(fail_open);
      PrintJson(o);
    } else {
      std::cerr << "warden: " << c.status().message() << " (start it with 'warden serve')\n";
      PrintFailOpenText(fail_open);
    }
    return kExitUnavailable;
  }
  json::object m;
  m["op"] = "status";
  auto r = c->Call(m);
  if (!r.ok() || !(*r)["ok"].is_bool() || !(*r)["ok"].as_bool()) {
    std::cerr << "warden: the daemon did not answer status: " << (r.ok() ? JsonText(*r) : r.status().message()) << "\n";
    return kExitUnavailable;
  }
  json::object s = std::move(*r);
  s.erase("ok");
  s["running"] = true;
  s["fail_open"] = std::move(fail_open);
  if (a.json) {
    PrintJson(s);
  } else {
    PrintStatusText(s);
    PrintFailOpenText(s.at("fail_open").as_object());
  }
  return 0;
}

}  // namespace

void RegisterStatus(CLI::App& app, Runner* run) {
  auto args = std::make_shared<StatusArgs>();
  CLI::App* cmd = app.add_subcommand("status", "Show whether the daemon runs, its policy, load errors and counts");
  AddDaemonFlags(cmd, &args->daemon);
  cmd->add_flag("--json", args->json, "Print one JSON object");
  cmd->footer(R"(Exit status: 0 when the daemon answers, 69 when it does not run.

Examples:
  warden status
  warden status --json | jq .policy.load_errors
)");
  cmd->callback([run, args] { *run = [args] { return RunStatus(*args); }; });
}

}  // namespace warden::cli
