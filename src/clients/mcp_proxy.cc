#include "clients/mcp_proxy.h"

#include <boost/json.hpp>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "core/json_text.h"
#include "core/strings.h"
#include "scan/scanner.h"
#include "security/ratelimit/rate_limiter.h"

namespace warden::mcp {
namespace {

namespace json = boost::json;

// Client requests whose answers are looked at; a server that never answers must not grow
// this without bound.
constexpr size_t kMaxPending = 100000;

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

int64_t UnixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Findings of one payload, summed up for an event (names only, never the text).
struct FindingSummary {
  std::map<std::string, int> secrets, injection, invisible;
  int ansi = 0;
  void Add(const std::vector<scan::Finding>& fs) {
    for (const auto& f : fs) {
      switch (f.category) {
        case scan::Category::kSecret: ++secrets[std::string(f.detector)]; break;
        case scan::Category::kInjection: ++injection[std::string(f.detector)]; break;
        case scan::Category::kInvisible: ++invisible[std::string(f.detector)]; break;
        case scan::Category::kAnsi: ++ansi; break;
      }
    }
  }
  static std::string List(const std::map<std::string, int>& m) {
    std::string s;
    for (const auto& [k, n] : m) s += (s.empty() ? "" : ", ") + k + (n > 1 ? " ×" + std::to_string(n) : "");
    return s;
  }
  bool flagged() const { return !injection.empty() || !invisible.empty(); }
  std::string Flags() const {
    std::string s = List(injection);
    std::string inv = List(invisible);
    if (!inv.empty()) s += (s.empty() ? "" : ", ") + inv;
    return s;
  }
};

// Cleans every string in v (keys are left alone); true when something changed.
bool CleanStrings(const scan::Scanner& sc, json::value& v, FindingSummary* sum, int depth = 0) {
  if (depth > kMaxJsonDepth) return false;
  bool changed = false;
  switch (v.kind()) {
    case json::kind::string: {
      std::string_view text = v.get_string();
      std::vector<scan::Finding> fs;
      std::string clean = sc.Clean(text, &fs);
      if (!fs.empty()) {
        sum->Add(fs);
        if (clean != text) {
          v = json::string(clean);
          changed = true;
        }
      }
      break;
    }
    case json::kind::array:
      for (auto& x : v.get_array()) changed |= CleanStrings(sc, x, sum, depth + 1);
      break;
    case json::kind::object:
      for (auto& [k, x] : v.get_object()) changed |= CleanStrings(sc, x, sum, depth + 1);
      break;
    default: break;
  }
  return changed;
}

}  // namespace

std::string DenialMessage(std::string_view tool, const ProxyVerdict& v) {
  if (!v.decided) return "Warden blocked tool '" + Printable(tool, 80) + "': nothing was decided (" + v.error + ")";
  std::string s = v.decision == policy::Decision::kAsk ? "Warden needs a person to approve tool '" : "Warden denied tool '";
  s += Printable(tool, 80) + "': " + v.reason;
  if (!v.rule.empty()) s += " [" + v.rule + "]";
  return s;
}

// One thread that decides calls in arrival order. Shared with the thread itself, so that a
// decision still waiting for a person when the proxy ends finds the relay gone (relay == null)
// instead of a dangling pointer.
struct Proxy::Worker {
  struct Job {
    std::string id, tool, line;
    policy::Request request;
  };
  std::mutex mu;
  std::condition_variable cv;
  std::deque<Job> jobs;
  bool stop = false;
  Relay* relay = nullptr;
  Proxy* proxy = nullptr;
  std::function<ProxyVerdict(const policy::Request&)> decide;

  static void Run(std::shared_ptr<Worker> w) {
    while (true) {
      Job job;
      {
        std::unique_lock<std::mutex> lock(w->mu);
        w->cv.wait(lock, [&] { return w->stop || !w->jobs.empty(); });
        if (w->stop) return;
        job = std::move(w->jobs.front());
        w->jobs.pop_front();
      }
      ProxyVerdict v;
      if (w->decide) {
        v = w->decide(job.request);
      } else {
        v.error = "no decision function";
      }
      std::lock_guard<std::mutex> lock(w->mu);
      if (w->stop || w->relay == nullptr) return;
      Proxy* proxy = w->proxy;
      w->relay->Post([proxy, job = std::move(job), v = std::move(v)] { proxy->Finish(job.id, job.tool, job.line, v); });
    }
  }
};

Proxy::Proxy(Relay* relay, ProxyOptions options) : relay_(relay), o_(std::move(options)) {
  worker_ = std::make_shared<Worker>();
  worker_->relay = relay_;
  worker_->proxy = this;
  worker_->decide = o_.decide;
  std::thread(Worker::Run, worker_).detach();
  relay_->on_client_line = [this](std::string_view line) { OnClientLine(line); };
  relay_->on_server_line = [this](std::string_view line) { OnServerLine(line); };
  relay_->on_server_gone = [this] { OnServerGone(); };
}

Proxy::~Proxy() {
  {
    std::lock_guard<std::mutex> lock(worker_->mu);
    worker_->stop = true;
    worker_->relay = nullptr;
    worker_->proxy = nullptr;
  }
  worker_->cv.notify_all();
}

void Proxy::Event(std::string type, std::string tool, std::string decision, std::string detail) {
  if (o_.on_event) o_.on_event(ProxyEvent{std::move(type), std::move(tool), std::move(decision), std::move(detail)});
}

void Proxy::OnClientLine(std::string_view line) {
  Message m = ParseMessage(line);
  if (m.not_json) {
    // Not JSON at all: JSON-RPC's parse error, answered here rather than handed to a server
    // that may drop it silently. The id is recovered from the line's head when it has one, so
    // a client waiting for that id is not left waiting; otherwise null, as JSON-RPC says.
    ++counts_.client_garbage;
    relay_->SendToClient(ErrorResponse(RecoverId(line), kParseError, "Parse error: " + m.error));
    Event("error", "", "deny", "a client line that is not JSON: " + m.error);
    return;
  }
  if (m.type != Message::Type::kRequest) {
    relay_->SendToServer(line);  // notifications, responses to the server's requests, and JSON the server will answer
    return;
  }
  if (m.method == "tools/call") {
    ToolCall(line, m);
    return;
  }
  if ((m.method == "tools/list" && o_.pins) || (o_.scanner && (m.method == "resources/read" || m.method == "prompts/get"))) {
    if (pending_.size() >= kMaxPending) pending_.clear();
    pending_[m.id] = Pending{m.method, {}};
  }
  SendRequestToServer(line, m.id);
}

void Proxy::SendRequestToServer(std::string_view line, const std::string& id) {
  if (!id.empty() && outstanding_.size() < kMaxPending) outstanding_.insert(id);
  relay_->SendToServer(line);
}

void Proxy::ServerNonJson(std::string_view line, const Message& m) {
  ++counts_.server_non_json;
  if (o_.refuse_non_json) {
    Event("non-json", "", "deny", "dropped a server line that is not JSON (" + std::to_string(line.size()) + " bytes; " + m.error + ")");
    return;
  }
  if (!o_.scanner) {
    relay_->SendToClient(line);
    return;
  }
  std::vector<scan::Finding> fs;
  std::string clean = o_.scanner->Clean(line, &fs);
  FindingSummary sum;
  sum.Add(fs);
  if (!sum.secrets.empty()) {
    ++counts_.redacted_results;
    Event("redacted", "", "", "server output that is not JSON: redacted " + FindingSummary::List(sum.secrets));
  }
  relay_->SendToClient(clean);
}

bool Proxy::ScanServerMessage(Message& m) {
  if (!o_.scanner) return false;
  FindingSummary sum;
  bool changed = CleanStrings(*o_.scanner, m.json, &sum);
  if (!sum.secrets.empty()) {
    ++counts_.redacted_results;
    Event("redacted", "", "", "server " + std::string(MessageTypeName(m.type)) + (m.method.empty() ? "" : " " + m.method) +
                                  ": redacted " + FindingSummary::List(sum.secrets));
  }
  return changed;
}

void Proxy::OnServerGone() {
  for (const std::string& id : outstanding_) {
    relay_->SendToClient(ErrorResponse(id, kServerGone, "the MCP server exited before answering this request"));
  }
  if (!outstanding_.empty()) {
    Event("error", "", "deny", std::to_string(outstanding_.size()) + " request(s) unanswered: the server exited");
  }
  outstanding_.clear();
}

void Proxy::ToolCall(std::string_view line, const Message& m) {
  ++counts_.calls;
  const json::object* params = m.json.as_object().if_contains("params") ? m.json.as_object().at("params").if_object() : nullptr;
  const json::value* name = params ? params->if_contains("name") : nullptr;
  if (name == nullptr || !name->is_string() || name->get_string().empty() ||
      name->get_string().size() > policy::kMaxNameBytes) {
    relay_->SendToClient(ErrorResponse(m.id, kInvalidParams, "tools/call needs params.name, the tool's name (a string)"));
    Event("error", "", "deny", "tools/call without a tool name");
    return;
  }
  std::string tool(name->get_string());
  const json::value* args = params->if_contains("arguments");
  if (args && !args->is_object() && !args->is_null()) {
    relay_->SendToClient(ErrorResponse(m.id, kInvalidParams, "tools/call: params.arguments must be an object"));
    Event("error", tool, "deny", "arguments not an object");
    return;
  }
  if (o_.pins) {
    auto blocked = o_.pins->Blocked(o_.server, tool);
    if (!blocked.ok() || *blocked) {
      ++counts_.pin_blocked;
      std::string why = blocked.ok() ? "tool '" + Printable(tool, 80) + "' of server '" + Printable(o_.server, 60) +
                                           "' changed since it was pinned; a person must accept it first: warden mcp accept " +
                                           o_.server + " " + tool
                                     : "the pin store failed: " + blocked.status().message();
      json::value data = json::object{{"decision", "deny"}, {"reason", why}, {"rule", "mcp-pin"}};
      relay_->SendToClient(ErrorResponse(m.id, kPolicyDenied, "Warden blocked this call: " + why, &data));
      Event("pin-blocked", tool, "deny", why);
      return;
    }
  }
  if (o_.limiter) {
    security::RateDecision r = o_.limiter->Check(o_.server + "\x1f" + tool, 0, NowNs());
    if (!r.allowed) {
      ++counts_.rate_limited;
      int64_t retry_s = (r.retry_after_ns + 999'999'999) / 1'000'000'000;
      std::string why = "tool '" + Printable(tool, 80) + "' is called more often than its rate limit (" +
                        std::to_string(r.limit) + " per period); retry in " + std::to_string(retry_s) + " s";
      json::value data = json::object{{"decision", "deny"}, {"reason", why}, {"rule", "mcp-rate-limit"}, {"retry_after_s", retry_s}};
      relay_->SendToClient(ErrorResponse(m.id, kPolicyDenied, "Warden refused this call: " + why, &data));
      Event("rate-limited", tool, "deny", why);
      return;
    }
  }
  policy::Request req;
  req.kind = policy::RequestKind::kMcp;
  req.context = o_.context;
  req.server = o_.server;
  req.tool = tool;
  req.arguments = args && args->is_object() ? *args : json::value(json::object());
  req.cwd = o_.cwd;
  req.workspace = o_.workspace;
  req.home = o_.home;
  if (o_.decide_inline) {
    ProxyVerdict v = o_.decide ? o_.decide(req) : ProxyVerdict{};
    Finish(m.id, tool, std::string(line), v);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(worker_->mu);
    worker_->jobs.push_back(Worker::Job{m.id, tool, std::string(line), std::move(req)});
  }
  worker_->cv.notify_one();
}

void Proxy::Finish(const std::string& id, const std::string& tool, const std::string& line, const ProxyVerdict& v) {
  if (v.decided && v.decision == policy::Decision::kAllow) {
    ++counts_.allowed;
    if (o_.scanner) {
      if (pending_.size() >= kMaxPending) pending_.clear();
      pending_[id] = Pending{"tools/call", tool};
    }
    SendRequestToServer(line, id);
    Event("call", tool, "allow", v.reason);
    return;
  }
  ++counts_.denied;
  std::string message = DenialMessage(tool, v);
  json::object data{{"decision", v.decided ? std::string(policy::DecisionName(v.decision)) : std::string("deny")},
                    {"reason", v.decided ? v.reason : v.error}};
  data["rule"] = v.rule.empty() ? json::value(nullptr) : json::value(v.rule);
  json::value d = std::move(data);
  relay_->SendToClient(ErrorResponse(id, kPolicyDenied, message, &d));
  Event("call", tool, v.decided ? std::string(policy::DecisionName(v.decision)) : "deny", message);
}

void Proxy::OnServerLine(std::string_view line) {
  if (pending_.empty() && outstanding_.empty() && !o_.scanner && !o_.refuse_non_json) {
    relay_->SendToClient(line);
    return;
  }
  Message m = ParseMessage(line);
  if (m.not_json) {
    ServerNonJson(line, m);
    return;
  }
  if (m.type != Message::Type::kResponse) {
    // Notifications (log messages, progress), requests to the client, JSON that is not
    // JSON-RPC: scanned like results, since they reach the agent all the same.
    if (ScanServerMessage(m)) {
      relay_->SendToClient(JsonText(m.json));
    } else {
      relay_->SendToClient(line);
    }
    return;
  }
  outstanding_.erase(m.id);
  auto it = pending_.find(m.id);
  if (it == pending_.end()) {
    relay_->SendToClient(line);
    return;
  }
  Pending p = std::move(it->second);
  pending_.erase(it);
  if (!m.json.as_object().contains("result")) {
    relay_->SendToClient(line);
    return;
  }
  bool changed = p.method == "tools/list" ? ToolsList(m.json) : ScanResult(p, m.json);
  if (!changed) {
    relay_->SendToClient(line);
    return;
  }
  relay_->SendToClient(JsonText(m.json));
}

bool Proxy::ToolsList(json::value& msg) {
  json::value& result = msg.as_object()["result"];
  json::array* tools = result.is_object() && result.as_object().contains("tools") ? result.as_object()["tools"].if_array() : nullptr;
  if (tools == nullptr) return false;
  bool changed = false;
  const int64_t now = UnixNow();
  json::array kept;
  kept.reserve(tools->size());
  for (auto& t : *tools) {
    const json::value* name = t.is_object() ? t.as_object().if_contains("name") : nullptr;
    if (name == nullptr || !name->is_string()) {
      kept.push_back(std::move(t));
      continue;
    }
    std::string tool(name->get_string());
    const json::value* desc = t.as_object().if_contains("description");
    std::string description = desc && desc->is_string() ? std::string(desc->get_string()) : std::string();
    if (o_.pins) {
      auto check = o_.pins->Observe(o_.server, tool, ToolHash(t), description, now);
      if (!check.ok() || *check == PinCheck::kChanged) {
        ++counts_.hidden_tools;
        changed = true;
        Event("pin-changed", tool, "deny",
              check.ok() ? "tool '" + tool + "' changed since it was pinned (description or input schema); hidden until " +
                               "a person runs: warden mcp accept " + o_.server + " " + tool
                         : "the pin store failed: " + check.status().message());
        continue;
      }
      if (*check == PinCheck::kNew) Event("pin-new", tool, "", "pinned on first use");
    }
    if (o_.scanner) {
      FindingSummary sum;
      if (CleanStrings(*o_.scanner, t, &sum)) changed = true;
      if (sum.flagged()) {
        Event("injection", tool, o_.block_injection ? "deny" : "",
              "the tool's description or schema holds " + sum.Flags() + (o_.block_injection ? "; tool hidden" : ""));
        if (o_.block_injection) {
          ++counts_.hidden_tools;
          changed = true;
          continue;
        }
      }
      if (!sum.secrets.empty() || sum.ansi) {
        Event("redacted", tool, "", "tool description: " + FindingSummary::List(sum.secrets) + (sum.ansi ? " escapes stripped" : ""));
      }
    }
    kept.push_back(std::move(t));
  }
  if (changed) *tools = std::move(kept);
  return changed;
}

bool Proxy::ScanResult(const Pending& p, json::value& msg) {
  if (!o_.scanner) return false;
  json::value& result = msg.as_object()["result"];
  FindingSummary sum;
  bool changed = CleanStrings(*o_.scanner, result, &sum);
  const std::string what = p.method == "tools/call" ? "result of tool '" + p.tool + "'" : p.method + " result";
  if (!sum.secrets.empty() || sum.ansi) {
    ++counts_.redacted_results;
    std::string detail = what + ":";
    if (!sum.secrets.empty()) detail += " redacted " + FindingSummary::List(sum.secrets) + ";";
    if (sum.ansi) detail += " " + std::to_string(sum.ansi) + " escape sequence(s) stripped;";
    detail.pop_back();
    Event("redacted", p.tool, "", detail);
  }
  if (sum.flagged()) {
    ++counts_.injection_results;
    Event("injection", p.tool, o_.block_injection ? "deny" : "",
          what + " holds " + sum.Flags() + (o_.block_injection ? "; replaced by an error" : "; flagged, passed on"));
    if (o_.block_injection) {
      json::value data = json::object{{"decision", "deny"}, {"reason", "prompt-injection markers"}, {"rule", "mcp-injection"}};
      std::string id_text = JsonText(msg.as_object()["id"]);
      json::value err = json::parse(ErrorResponse(id_text, kPolicyDenied,
                                                  "Warden withheld the " + what + ": it holds " + sum.Flags(), &data));
      msg = std::move(err);
      return true;
    }
  }
  return changed;
}

}  // namespace warden::mcp
