#include "policy/outcome_json.h"

namespace warden::policy {

namespace json = boost::json;

namespace {

void HttpFact(const Request* req, json::object* o) {
  (*o)["type"] = "http";
  if (req == nullptr) return;
  const HttpTarget& t = req->http;
  (*o)["method"] = t.method;
  (*o)["url"] = t.url;
  if (t.has_host()) {
    (*o)["scheme"] = t.scheme;
    (*o)["host"] = t.host;
    (*o)["port"] = t.port;
  }
  (*o)["path"] = t.path;
}

}  // namespace

json::array FactsJson(const Outcome& out, const Request* req) {
  json::array facts;
  for (const auto& v : out.verdicts) {
    json::object o;
    switch (v.type) {
      case FactType::kCommand: {
        const auto& c = out.facts.commands[v.index];
        o["type"] = "command";
        o["name"] = c.name;
        json::array argv;
        for (const auto& a : c.argv) argv.emplace_back(a);
        o["argv"] = std::move(argv);
        json::array cwds;
        for (const auto& d : c.cwds) cwds.emplace_back(d);
        o["cwd"] = c.cwd_unknown ? json::value(nullptr) : json::value(std::move(cwds));
        if (!c.via.empty()) {
          json::array via;
          for (const auto& w : c.via) via.emplace_back(w);
          o["via"] = std::move(via);
        }
        if (c.privileged) o["privileged"] = true;
        if (!c.origin.empty()) o["origin"] = c.origin;
        if (c.speculative) o["speculative"] = true;
        if (c.dry_run) o["dry_run"] = true;
        break;
      }
      case FactType::kFile: {
        const auto& f = out.facts.files[v.index];
        o["type"] = "file";
        o["op"] = std::string(shell::FileOpName(f.op));
        o["path"] = f.path;
        if (!f.lexical.empty()) o["lexical_path"] = f.lexical;
        o["recursive"] = f.recursive;
        if (f.dynamic) o["dynamic"] = true;
        if (f.glob) o["glob"] = true;
        if (f.guessed) o["guessed"] = true;
        if (f.speculative) o["speculative"] = true;
        o["source"] = f.source;
        break;
      }
      case FactType::kSignal: {
        const auto& s = out.facts.signals[v.index];
        o["type"] = "signal";
        o["signal"] = s.type;
        o["detail"] = s.detail;
        if (s.speculative) o["speculative"] = true;
        break;
      }
      case FactType::kAction:
        o["type"] = "action";
        if (!v.role.empty()) o["role"] = v.role;
        break;
      case FactType::kHttp: HttpFact(req, &o); break;
      case FactType::kMcp:
        o["type"] = "mcp";
        if (req) {
          o["server"] = req->server;
          o["tool"] = req->tool;
        }
        break;
    }
    o["decision"] = std::string(DecisionName(v.decision));
    o["rule"] = v.rule ? json::value(v.rule->id) : json::value(nullptr);
    facts.push_back(std::move(o));
  }
  return facts;
}

json::object OutcomeJson(const Outcome& out, const Request& req, const Snapshot& snap) {
  json::object o;
  o["decision"] = std::string(DecisionName(out.decision));
  o["rule"] = out.rule_id.empty() ? json::value(nullptr) : json::value(out.rule_id);
  o["reason"] = out.reason;
  o["kind"] = std::string(KindName(req.kind));
  o["context"] = std::string(ContextName(req.context));
  o["facts"] = FactsJson(out, &req);
  o["policy_revision"] = snap.revision;
  return o;
}

json::object DiagnosticJson(const Diagnostic& d) {
  json::object o;
  o["severity"] = d.severity == Severity::kError ? "error" : "warning";
  o["code"] = d.code;
  o["file"] = d.file;
  o["line"] = d.mark.line;
  o["column"] = d.mark.column;
  o["message"] = d.message;
  if (!d.hint.empty()) o["hint"] = d.hint;
  return o;
}

}  // namespace warden::policy
