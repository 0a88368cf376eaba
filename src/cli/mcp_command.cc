// `warden mcp [flags] -- SERVER_COMMAND ARGS…`: the MCP security proxy (stdio). An MCP client
// starts Warden in place of the server; Warden starts the server and relays JSON-RPC both ways
// (clients/mcp_relay.h), deciding each tools/call by the policy, pinning tool descriptions and
// scanning what comes back (clients/mcp_proxy.h). Decisions go to the daemon when it runs
// (audited there, and an ask waits for a person), else they are made in-process (an ask is then
// refused with the reason). `warden mcp pins` and `warden mcp accept` manage the pins.
//
// stdout belongs to the protocol: everything Warden has to say goes to stderr (the client's
// log of the server), one line per event, prefixed "warden mcp[NAME]:".
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <iostream>
#include <mutex>
#include <optional>
#include <thread>

#include "core/json_text.h"
#include "audit/record.h"
#include "cli/common.h"
#include "cli/daemon_flags.h"
#include "cli/decide_client.h"
#include "clients/mcp_proxy.h"
#include "core/path.h"
#include "core/rate_spec.h"
#include "core/strings.h"
#include "scan/scanner.h"
#include "security/ratelimit/rate_limiter.h"
#include "local/client.h"
#include "local/decide.h"
#include "local/protocol.h"
#include "local/paths.h"

namespace warden::cli {
namespace {

namespace json = boost::json;

struct McpArgs {
  DecideOptions decide;
  std::string name;
  std::string context = "ai";
  size_t max_message_bytes = mcp::kDefaultMaxMessageBytes;
  std::string rate_limit;
  bool no_scan = false;
  bool no_pins = false;
  bool block_injection = false;
  bool refuse_non_json = false;
  int wait_s = 120;
  bool quiet = false;
  // pins / accept
  std::string server;
  std::string tool;
  bool json = false;
};

// Sends the proxy's own events to the daemon's audit log (op "record"), off the relay's
// thread. Without a daemon they are only said on stderr. Bounded: a daemon that stops
// answering costs events, never the relay.
class AuditSink {
 public:
  // The sending thread owns a reference: the sink lives until the process ends (ExitNow), so
  // nothing destroys it (its mutex and condition variable) under the waiting thread.
  static std::shared_ptr<AuditSink> Start(std::string socket, std::string server, std::string context) {
    std::shared_ptr<AuditSink> s(new AuditSink(std::move(socket), std::move(server), std::move(context)));
    std::thread([s] { s->Run(); }).detach();
    return s;
  }
  void Add(const mcp::ProxyEvent& e) {
    std::lock_guard<std::mutex> lock(mu_);
    if (queue_.size() >= 4096) return;
    queue_.push_back(e);
    cv_.notify_one();
  }

 private:
  AuditSink(std::string socket, std::string server, std::string context)
      : socket_(std::move(socket)), server_(std::move(server)), context_(std::move(context)) {}

  void Run() {
    std::optional<local::Client> client;
    bool gone = false;
    while (true) {
      mcp::ProxyEvent e;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [&] { return !queue_.empty(); });
        e = std::move(queue_.front());
        queue_.pop_front();
      }
      if (!client) {
        if (gone) continue;
        auto c = local::Client::Connect(socket_);
        if (!c.ok()) {
          gone = true;  // no daemon: stderr has the events
          continue;
        }
        client.emplace(std::move(c).value());
      }
      json::object event{{"kind", "mcp"}, {"server", server_}, {"tool", e.tool}, {"type", e.type},
                         {"decision", e.decision.empty() ? std::string("allow") : e.decision},
                         {"detail", e.detail.substr(0, 2000)}, {"context", context_}};
      auto r = client->Call(json::object{{"op", "record"}, {"event", std::move(event)}}, 2000);
      if (!r.ok()) client.reset();
    }
  }

  std::string socket_, server_, context_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<mcp::ProxyEvent> queue_;
};

// Decides the proxy's tool calls (on its worker thread): through the daemon when one runs —
// one connection kept open, audited there, an ask waits for a person — else in-process with
// the policy loaded once (an ask is refused: nobody can approve it). A daemon that appears
// later is used from then on (tried at most once a second); one that goes away falls back.
std::function<mcp::ProxyVerdict(const policy::Request&)> Decider(const McpArgs& a, const std::string& prefix) {
  struct State {
    DecideOptions o;
    std::string prefix;
    std::optional<local::Client> client;
    std::chrono::steady_clock::time_point next_try{};
    policy::LoadResult loaded;
    std::shared_ptr<const policy::Snapshot> snap;
    bool announced = false;
  };
  auto st = std::make_shared<State>();
  st->o = a.decide;
  st->o.wait_ms = a.wait_s * 1000;
  st->prefix = prefix;
  return [st](const policy::Request& req) {
    mcp::ProxyVerdict v;
    auto now = std::chrono::steady_clock::now();
    if (!st->o.no_daemon && !st->client && now >= st->next_try) {
      auto c = local::Client::Connect(st->o.daemon.Socket());
      if (c.ok()) {
        st->client.emplace(std::move(c).value());
        st->announced = false;
      } else {
        st->next_try = now + std::chrono::seconds(1);
      }
    }
    if (st->client) {
      auto announce = [st](const local::Pending& p) {
        std::cerr << st->prefix << "waiting up to " << st->o.wait_ms / 1000 << " s for a person: warden approve "
                  << (p.approval_id.empty() ? "?" : p.approval_id) << " (or warden monitor)\n";
      };
      local::DecideReply r = local::Decide(*st->client, req, st->o.wait_ms, false, announce);
      if (!r.decided) {
        st->client.reset();
        v.error = std::move(r.error);
        return v;
      }
      v.decided = true;
      v.decision = r.decision;
      v.reason = std::move(r.reason);
      v.rule = std::move(r.rule);
      return v;
    }
    if (!st->announced) {
      std::cerr << st->prefix << "no daemon; deciding in-process (an ask is refused: nobody can approve it)\n";
      st->announced = true;
    }
    if (!st->snap) {
      WardenSelf self = WardenSelf::FromEnvironment(st->o.daemon.socket, st->o.daemon.state_dir);
      st->snap = LoadFromFlags(st->o.policy, req.cwd, false, &st->loaded, &self);
    }
    if (!st->snap) {
      v.error = "the policy has errors";
      return v;
    }
    policy::Outcome out = policy::Evaluate(*st->snap, req);
    v.decided = true;
    v.decision = out.decision;
    v.reason = out.reason;
    v.rule = out.rule_id;
    if (v.decision == policy::Decision::kAsk) {
      v.reason += " (needs a person's approval, and no daemon runs to ask one: start `warden serve`)";
    }
    return v;
  };
}

int64_t UnixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

int Fail(const std::string& message, int code) {
  std::cerr << "warden mcp: " << message << "\n";
  return code;
}

// A name for the server when --name is not given: the package or script it runs
// ("npx -y @modelcontextprotocol/server-filesystem /d" → "server-filesystem").
std::string DefaultName(const std::vector<std::string>& argv) {
  static const char* kRunners[] = {"npx", "node", "uvx", "uv", "python", "python3", "bunx", "bun", "deno", "pnpm", "yarn", "docker"};
  size_t i = 0;
  std::string first(Basename(argv[0]));
  for (const char* r : kRunners) {
    if (first == r) {
      for (i = 1; i < argv.size() && (argv[i].empty() || argv[i][0] == '-' || argv[i] == "run" || argv[i] == "dlx"); ++i) {
      }
      if (i == argv.size()) i = 0;
      break;
    }
  }
  std::string n(Basename(argv[i]));
  if (size_t at = n.find('@', 1); at != std::string::npos) n.resize(at);  // "pkg@1.2.3"
  for (std::string_view ext : {".js", ".mjs", ".py", ".ts"}) {
    if (n.size() > ext.size() && n.ends_with(ext)) n.resize(n.size() - ext.size());
  }
  return n.empty() ? "server" : n;
}

int RunProxy(const McpArgs& a) {
  const auto& argv = CommandTail();
  if (!HasCommandTail() || argv.empty() || argv[0].empty()) {
    return Fail("no server command: warden mcp [--name NAME] -- SERVER_COMMAND ARGS…", kExitUsage);
  }
  auto ctx = policy::ParseContext(a.context);
  if (!ctx) return Fail("unknown context '" + a.context + "': use ai, human or service", kExitUsage);
  if (a.max_message_bytes < 1024) return Fail("--max-message-bytes must be at least 1024", kExitUsage);
  const std::string name = a.name.empty() ? DefaultName(argv) : a.name;
  if (name.size() > policy::kMaxNameBytes) return Fail("--name is longer than 256 bytes", kExitUsage);
  const std::string prefix = "warden mcp[" + Printable(name, 60) + "]: ";

  std::unique_ptr<mcp::PinStore> pins;
  if (!a.no_pins) {
    std::string dir = a.decide.daemon.StateDir();
    if (Status s = local::PrivateDir(dir); !s.ok()) return Fail(s.message(), kExitInternal);
    auto p = mcp::PinStore::Open(dir);
    if (!p.ok()) return Fail(p.status().message() + " (--no-pins runs without pinning)", kExitInternal);
    pins = std::move(p).value();
  }
  std::unique_ptr<security::RateLimiter> limiter;
  if (!a.rate_limit.empty()) {
    security::RateLimitConfig cfg;
    if (Status s = security::ApplyRateLimitSpec("default=" + a.rate_limit, &cfg); !s.ok()) {
      return Fail("--rate-limit: " + s.message(), kExitUsage);
    }
    cfg.ban_after = 0;
    cfg.max_keys = 4096;
    limiter = std::make_unique<security::RateLimiter>(cfg);
  }

  mcp::ProxyOptions o;
  o.server = name;
  o.context = *ctx;
  o.cwd = CurrentDir();
  o.home = HomeDir();
  o.workspace = FindWorkspace(o.cwd);
  o.pins = pins.get();
  o.scanner = a.no_scan ? nullptr : &scan::Scanner::Default();
  o.block_injection = a.block_injection;
  o.refuse_non_json = a.refuse_non_json;
  o.limiter = limiter.get();
  o.decide = Decider(a, prefix);
  o.decide_inline = a.decide.no_daemon;  // in-process only: microseconds, never a wait
  const bool quiet = a.quiet;
  std::shared_ptr<AuditSink> sink;
  if (!a.decide.no_daemon) sink = AuditSink::Start(a.decide.daemon.Socket(), name, a.context);
  o.on_event = [prefix, quiet, sink](const mcp::ProxyEvent& e) {
    // Calls are audited by the daemon when it decides them; the rest is recorded here.
    if (sink && e.type != "call") sink->Add(e);
    if (quiet && e.decision != "deny") return;
    if (e.type == "call" && e.decision == "allow") return;
    std::cerr << prefix << e.type << (e.tool.empty() ? "" : " " + Printable(e.tool, 80)) << ": " << e.detail << "\n";
  };

  mcp::Relay relay;
  mcp::Proxy proxy(&relay, std::move(o));
  mcp::RelayOptions ro;
  ro.argv = argv;
  ro.max_message_bytes = a.max_message_bytes;
  auto status = relay.Run(ro);
  if (!status.ok()) return Fail(status.status().message(), mcp::ExitCodeForRunError(status.status()));
  return *status;
}

Result<std::unique_ptr<mcp::PinStore>> OpenPins(const McpArgs& a) {
  std::string dir = a.decide.daemon.StateDir();
  if (Status s = local::PrivateDir(dir); !s.ok()) return s;
  return mcp::PinStore::Open(dir);
}

std::string When(int64_t unix_s) { return unix_s ? audit::FormatTimestamp(unix_s * 1'000'000) : "-"; }

int RunPins(const McpArgs& a) {
  auto store = OpenPins(a);
  if (!store.ok()) return Fail(store.status().message(), kExitInternal);
  auto pins = (*store)->List(a.server);
  if (!pins.ok()) return Fail(pins.status().message(), kExitInternal);
  if (a.json) {
    json::array out;
    for (const auto& p : *pins) {
      json::object o{{"server", p.server}, {"tool", p.tool}, {"status", p.changed ? "changed" : "pinned"},
                     {"hash", p.hash}, {"description", p.description}, {"first_seen", When(p.first_seen)},
                     {"accepted", p.accepted ? json::value(When(p.accepted)) : json::value(nullptr)}};
      if (p.changed) {
        o["changed_at"] = When(p.changed_at);
        o["new_hash"] = p.seen_hash;
        o["new_description"] = p.seen_description;
      }
      out.push_back(std::move(o));
    }
    PrintJson(out);
    return 0;
  }
  if (pins->empty()) {
    std::cout << "no pinned tools" << (a.server.empty() ? "" : " for server '" + a.server + "'") << "\n";
    return 0;
  }
  size_t changed = 0;
  for (const auto& p : *pins) {
    std::cout << (p.changed ? "CHANGED " : "pinned  ") << p.server << " " << p.tool << "  " << p.hash.substr(0, 12)
              << "  since " << When(p.first_seen) << "\n";
    if (p.changed) {
      ++changed;
      std::cout << "        was: " << Printable(p.description, 200) << "\n"
                << "        now: " << Printable(p.seen_description, 200) << "\n"
                << "        accept: warden mcp accept " << p.server << " " << p.tool << "\n";
    }
  }
  std::cout << pins->size() << " tools, " << changed << " changed\n";
  return 0;
}

int RunAccept(const McpArgs& a) {
  auto store = OpenPins(a);
  if (!store.ok()) return Fail(store.status().message(), kExitInternal);
  auto p = (*store)->Accept(a.server, a.tool, UnixNow());
  if (!p.ok()) return Fail(p.status().message(), p.status().code() == Status::Code::kNotFound ? 1 : kExitInternal);
  if (a.json) {
    PrintJson(json::object{{"server", p->server}, {"tool", p->tool}, {"hash", p->hash}, {"status", "pinned"}});
  } else {
    std::cout << "accepted: " << p->server << " " << p->tool << " is pinned at " << p->hash.substr(0, 12) << "\n";
  }
  return 0;
}

}  // namespace

void RegisterMcp(CLI::App& app, Runner* run) {
  auto args = std::make_shared<McpArgs>();
  CLI::App* cmd = app.add_subcommand("mcp", "Run an MCP server behind Warden (stdio): policy per tool, pinning, scanning");
  AddDaemonFlags(cmd, &args->decide.daemon);
  AddPolicyFlags(cmd, &args->decide.policy);
  cmd->add_option("--name", args->name, "The server's name in policies, pins and the audit log (default: from the command)");
  cmd->add_option("--context", args->context, "Who is acting: ai (default), human or service");
  cmd->add_flag("--no-daemon", args->decide.no_daemon, "Decide in-process even if the daemon runs (an ask is refused)");
  cmd->add_option("--max-message-bytes", args->max_message_bytes, "Longest JSON-RPC line either way (default 16777216)");
  cmd->add_option("--rate-limit", args->rate_limit, "Per-tool limit, e.g. 60/min or \"10/s, burst=20\" (default: none)");
  cmd->add_option("--wait", args->wait_s, "On ask, wait this many seconds for a person (daemon only; default 120)");
  cmd->add_flag("--no-scan", args->no_scan, "Do not scan results and descriptions (no redaction)");
  cmd->add_flag("--no-pins", args->no_pins, "Do not pin tool descriptions");
  cmd->add_flag("--block-injection", args->block_injection,
                "Withhold results (and hide tools) that hold prompt-injection markers instead of flagging them");
  cmd->add_flag("--refuse-non-json", args->refuse_non_json,
                "Drop server output lines that are not JSON instead of passing them on with secrets redacted");
  cmd->add_flag("-q,--quiet", args->quiet, "Say on stderr only what was refused");
  cmd->footer(R"(An MCP client starts Warden instead of the server. Each tools/call is decided by the policy
(kind mcp: server, tool, arguments; path and command arguments by the file and command rules,
see docs/POLICY.md) before it reaches the server: a denied call gets a JSON-RPC error
(-32001) with the reason and is never forwarded. Tools are pinned on first sight (name,
description, input schema): a changed tool is hidden and refused until accepted. Results have
secrets redacted ([REDACTED:aws-access-key]) and terminal escapes stripped — so have the server's
notifications and any output line that is not JSON (--refuse-non-json drops those); prompt-injection
markers are flagged on stderr and in the audit log. A line over --max-message-bytes gets a
-32002 error and the proxy keeps running. Decisions go to the daemon when it runs.

Examples:
  warden mcp --name filesystem -- npx -y @modelcontextprotocol/server-filesystem ~/project
  warden mcp --name github --rate-limit 30/min -- docker run -i --rm ghcr.io/github/github-mcp-server
  warden mcp pins                          list pinned tools (CHANGED ones wait for you)
  warden mcp accept filesystem read_file   accept a tool's new description

Claude Code (.mcp.json) / Cursor (~/.cursor/mcp.json):
  {"mcpServers": {"filesystem": {"command": "warden",
     "args": ["mcp", "--name", "filesystem", "--", "npx", "-y", "@modelcontextprotocol/server-filesystem", "/home/me/project"]}}}

Exit status: the server's (128 + signal if it was killed); 127 when it cannot be started.)");

  CLI::App* pins = cmd->add_subcommand("pins", "List pinned tools and changes waiting to be accepted");
  pins->add_option("--server", args->server, "Only this server's tools");
  pins->add_flag("--json", args->json, "Print a JSON array");
  AddDaemonFlags(pins, &args->decide.daemon);
  pins->callback([run, args] { *run = [args] { return RunPins(*args); }; });

  CLI::App* accept = cmd->add_subcommand("accept", "Accept a changed tool: its new description becomes the pin");
  accept->add_option("server", args->server, "The server's name (as in warden mcp pins)")->required();
  accept->add_option("tool", args->tool, "The tool's name")->required();
  accept->add_flag("--json", args->json, "Print a JSON object");
  AddDaemonFlags(accept, &args->decide.daemon);
  accept->callback([run, args] { *run = [args] { return RunAccept(*args); }; });

  cmd->callback([run, args, pins, accept] {
    if (pins->parsed() || accept->parsed()) return;
    *run = [args] { return RunProxy(*args); };
  });
}

}  // namespace warden::cli
