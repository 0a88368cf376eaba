#include "policy/reader.h"

#include <algorithm>
#include <charconv>
#include <map>

#include "core/rate_spec.h"
#include "core/strings.h"
#include "policy/request.h"

namespace warden::policy {

std::string_view LayerName(LayerKind k) {
  switch (k) {
    case LayerKind::kBuiltin: return "built-in";
    case LayerKind::kUser: return "user";
    case LayerKind::kRepository: return "repository";
    case LayerKind::kCommandLine: return "command line";
  }
  return "?";
}

namespace {

using Type = YamlNode::Type;

// Keys allowed at each place, in the order docs/POLICY.md lists them.
const std::vector<std::string_view> kTopKeys = {"version", "name", "defaults", "disable", "packs", "rules",
                                                "roles", "subjects", "rate_limits", "mcp_tools", "tests",
                                                "sandbox"};
const std::vector<std::string_view> kSandboxKeys = {"enabled", "network", "unix_sockets", "writable", "protected",
                                                    "deny_read", "deny_read_rules", "limits", "unsupported"};
const std::vector<std::string_view> kSandboxLimitKeys = {"nproc", "fsize", "nofile", "core"};
const std::vector<std::string_view> kRuleKeys = {"id", "kind", "match", "decision", "reason",
                                                 "context", "priority", "final"};
const std::vector<std::string_view> kExecKeys = {"command", "subcommand", "flags", "args", "line", "stdin",
                                                 "privileged", "via", "cwd", "fact", "detail"};
const std::vector<std::string_view> kFileKeys = {"op", "path", "under", "outside", "is", "recursive",
                                                 "dynamic", "guessed", "glob", "direct", "command"};
const std::vector<std::string_view> kHttpKeys = {"method", "scheme", "host", "port", "path", "url"};
const std::vector<std::string_view> kMcpKeys = {"server", "tool", "args"};
const std::vector<std::string_view> kMcpToolKeys = {"server", "tool", "read", "write", "delete", "exec", "command"};
const std::vector<std::string_view> kActionKeys = {"subject", "action", "role", "resource"};
const std::vector<std::string_view> kResourceKeys = {"type", "id"};
const std::vector<std::string_view> kFlagsKeys = {"all", "any", "none"};
const std::vector<std::string_view> kArgsKeys = {"any", "all", "none", "min", "max"};
const std::vector<std::string_view> kArgKeys = {"glob", "regex", "path", "dynamic"};
const std::vector<std::string_view> kPathKeys = {"glob", "under", "outside", "is"};
const std::vector<std::string_view> kTextKeys = {"glob", "regex"};
const std::vector<std::string_view> kContextKeys = {"ai", "human", "service"};
const std::vector<std::string_view> kRoleKeys = {"allow"};
const std::vector<std::string_view> kSubjectKeys = {"roles"};
const std::vector<std::string_view> kTestKeys = {"name", "request", "expect", "rule"};

// Canonical text of a node (mapping keys sorted), to compare `match` blocks.
void Canonical(const YamlNode& n, std::string* out) {
  switch (n.type) {
    case Type::kNull: *out += "~"; break;
    case Type::kScalar:
      *out += '"';
      *out += n.scalar;
      *out += '"';
      break;
    case Type::kSequence:
      *out += '[';
      for (const auto& i : n.items) {
        Canonical(i, out);
        *out += ',';
      }
      *out += ']';
      break;
    case Type::kMapping: {
      std::map<std::string, const YamlNode*> sorted;
      for (const auto& [k, v] : n.entries) sorted[k.scalar] = &v;
      *out += '{';
      for (const auto& [k, v] : sorted) {
        *out += k + ':';
        Canonical(*v, out);
        *out += ',';
      }
      *out += '}';
      break;
    }
  }
}

// YAML → JSON text, so a test's request goes through the same parser as every request.
void ToJson(const YamlNode& n, std::string* out) {
  switch (n.type) {
    case Type::kNull: *out += "null"; break;
    case Type::kScalar: {
      *out += '"';
      for (char c : n.scalar) {
        switch (c) {
          case '"': *out += "\\\""; break;
          case '\\': *out += "\\\\"; break;
          case '\n': *out += "\\n"; break;
          case '\t': *out += "\\t"; break;
          case '\r': *out += "\\r"; break;
          default:
            if (static_cast<unsigned char>(c) < 0x20) {
              char buf[8];
              std::snprintf(buf, sizeof buf, "\\u%04x", c);
              *out += buf;
            } else {
              *out += c;
            }
        }
      }
      *out += '"';
      break;
    }
    case Type::kSequence:
      *out += '[';
      for (size_t i = 0; i < n.items.size(); ++i) {
        if (i) *out += ',';
        ToJson(n.items[i], out);
      }
      *out += ']';
      break;
    case Type::kMapping:
      *out += '{';
      for (size_t i = 0; i < n.entries.size(); ++i) {
        if (i) *out += ',';
        YamlNode key = n.entries[i].first;
        key.type = Type::kScalar;
        ToJson(key, out);
        *out += ':';
        ToJson(n.entries[i].second, out);
      }
      *out += '}';
      break;
  }
}

class Reader {
 public:
  Reader(const std::string& path, Diagnostics* diags) : path_(path), d_(diags) {}

  void File(const YamlNode& root, PolicyFile* out) {
    if (root.type == Type::kNull) {
      Error("missing-key", root.mark, "the policy file is empty", "start it with 'version: 1'");
      return;
    }
    if (!IsMapping(root, "a policy file")) return;
    CheckKeys(root, kTopKeys, "at the top level of a policy file");
    const YamlNode* version = root.Find("version");
    if (!version) {
      Error("missing-key", root.mark, "'version' is missing", "add 'version: 1'");
    } else if (auto v = Int(*version, "version")) {
      if (*v != 1) {
        Error("bad-version", version->mark, "version " + std::to_string(*v) + " is not supported",
              "this Warden reads version 1");
      }
      out->version = *v;
    }
    for (const auto& [k, v] : root.entries) {
      const std::string& key = k.scalar;
      if (key == "name") {
        if (auto s = Str(v, "name")) out->name = *s;
      } else if (key == "defaults") {
        Defaults(v, out);
      } else if (key == "disable") {
        out->disable = StrList(v, "disable");
      } else if (key == "packs") {
        out->packs = StrList(v, "packs");
      } else if (key == "rules") {
        Rules(v, out);
      } else if (key == "roles") {
        Roles(v, out);
      } else if (key == "subjects") {
        Subjects(v, out);
      } else if (key == "rate_limits") {
        RateLimits(v, out);
      } else if (key == "mcp_tools") {
        McpTools(v, out);
      } else if (key == "tests") {
        Tests(v, out);
      } else if (key == "sandbox") {
        Sandbox(v, out);
      }
    }
  }

 private:
  // ---- diagnostics and typed accessors ----
  void Error(std::string code, Mark mark, std::string message, std::string hint = {}) {
    d_->Error(std::move(code), path_, mark, std::move(message), std::move(hint));
  }

  bool IsMapping(const YamlNode& n, std::string_view what) {
    if (n.type == Type::kMapping) return true;
    Error("wrong-type", n.mark, std::string(what) + " must be a mapping (key: value), not " + YamlNode::TypeName(n.type));
    return false;
  }

  bool IsSequence(const YamlNode& n, std::string_view what) {
    if (n.type == Type::kSequence) return true;
    Error("wrong-type", n.mark, std::string(what) + " must be a list, not " + YamlNode::TypeName(n.type));
    return false;
  }

  void CheckKeys(const YamlNode& n, const std::vector<std::string_view>& allowed, std::string_view where) {
    std::vector<std::string_view> seen;
    for (const auto& [k, v] : n.entries) {
      if (k.type != Type::kScalar) {
        Error("wrong-type", k.mark, "a key must be a plain word");
        continue;
      }
      if (std::find(seen.begin(), seen.end(), k.scalar) != seen.end()) {
        Error("duplicate-key", k.mark, "key '" + k.scalar + "' appears twice " + std::string(where));
      }
      seen.push_back(k.scalar);
      if (std::find(allowed.begin(), allowed.end(), k.scalar) != allowed.end()) continue;
      std::string hint;
      std::string close = ClosestMatch(k.scalar, allowed);
      if (!close.empty()) {
        hint = "did you mean '" + close + "'?";
      } else {
        hint = "allowed: " + JoinViews(allowed);
      }
      Error("unknown-key", k.mark, "unknown key '" + Printable(k.scalar, 60) + "' " + std::string(where), hint);
    }
  }

  static std::string JoinViews(const std::vector<std::string_view>& v) {
    std::string out;
    for (size_t i = 0; i < v.size(); ++i) {
      if (i) out += ", ";
      out += v[i];
    }
    return out;
  }

  std::optional<std::string> Str(const YamlNode& n, std::string_view what) {
    if (n.type == Type::kScalar) return n.scalar;
    std::string hint;
    if (n.type == Type::kNull && n.scalar == "~") hint = "a bare ~ is YAML for nothing; write \"~\" for the home directory";
    Error("wrong-type", n.mark, std::string(what) + " must be a string, not " + YamlNode::TypeName(n.type), hint);
    return std::nullopt;
  }

  std::optional<bool> Bool(const YamlNode& n, std::string_view what) {
    if (n.type == Type::kScalar && !n.quoted) {
      if (n.scalar == "true" || n.scalar == "True") return true;
      if (n.scalar == "false" || n.scalar == "False") return false;
    }
    Error("wrong-type", n.mark, std::string(what) + " must be true or false");
    return std::nullopt;
  }

  std::optional<int> Int(const YamlNode& n, std::string_view what) {
    if (n.type == Type::kScalar && !n.quoted) {
      int v = 0;
      const char* b = n.scalar.data();
      const char* e = b + n.scalar.size();
      auto [p, ec] = std::from_chars(b, e, v);
      if (ec == std::errc() && p == e) return v;
    }
    Error("wrong-type", n.mark, std::string(what) + " must be a whole number");
    return std::nullopt;
  }

  // A string or a list of strings.
  Strings StrList(const YamlNode& n, std::string_view what) {
    Strings out;
    if (n.type == Type::kScalar) {
      out.push_back({n.scalar, n.mark});
    } else if (n.type == Type::kSequence) {
      for (const auto& i : n.items) {
        if (auto s = Str(i, std::string("each entry of ") + std::string(what))) out.push_back({*s, i.mark});
      }
    } else {
      Error("wrong-type", n.mark,
            std::string(what) + " must be a string or a list of strings, not " + YamlNode::TypeName(n.type));
    }
    return out;
  }

  std::optional<Decision> DecisionOf(const YamlNode& n, std::string_view what) {
    auto s = Str(n, what);
    if (!s) return std::nullopt;
    if (auto d = ParseDecision(*s)) return d;
    Error("bad-value", n.mark, std::string(what) + " must be allow, ask or deny, not '" + Printable(*s, 40) + "'");
    return std::nullopt;
  }

  // ---- sections ----
  void Defaults(const YamlNode& n, PolicyFile* out) {
    if (!IsMapping(n, "defaults")) return;
    CheckKeys(n, kContextKeys, "in defaults");
    for (const auto& [k, v] : n.entries) {
      auto ctx = ParseContext(k.scalar);
      if (!ctx) continue;
      if (auto d = DecisionOf(v, "the default for " + k.scalar)) {
        out->defaults[static_cast<size_t>(*ctx)] = Located<Decision>{*d, v.mark};
      }
    }
  }

  void Rules(const YamlNode& n, PolicyFile* out) {
    if (!IsSequence(n, "rules")) return;
    out->rules.reserve(out->rules.size() + n.items.size());  // rules are large: grow once
    for (const auto& r : n.items) Rule(r, out);
  }

  void Rule(const YamlNode& n, PolicyFile* out) {
    if (!IsMapping(n, "a rule")) return;
    CheckKeys(n, kRuleKeys, "in a rule");
    RuleSpec rule;
    rule.mark = n.mark;
    bool ok = true;
    if (const YamlNode* id = n.Find("id")) {
      if (auto s = Str(*id, "id")) {
        rule.id = {*s, id->mark};
        if (s->empty()) Error("bad-value", id->mark, "a rule id cannot be empty");
      } else {
        ok = false;
      }
    } else {
      Error("missing-key", n.mark, "this rule has no 'id'", "every rule needs a unique id");
      ok = false;
    }
    const YamlNode* kind = n.Find("kind");
    if (!kind) {
      Error("missing-key", n.mark, "rule '" + rule.id.value + "' has no 'kind'", "use exec, file, http, mcp or action");
      ok = false;
    } else if (auto s = Str(*kind, "kind")) {
      rule.kind_mark = kind->mark;
      if (auto k = ParseKind(*s)) {
        rule.kind = *k;
      } else {
        Error("bad-value", kind->mark, "unknown rule kind '" + Printable(*s, 40) + "'", "use exec, file, http, mcp or action");
        ok = false;
      }
    }
    if (const YamlNode* d = n.Find("decision")) {
      if (auto dec = DecisionOf(*d, "decision")) rule.decision = *dec;
    } else {
      Error("missing-key", n.mark, "rule '" + rule.id.value + "' has no 'decision'", "use allow, ask or deny");
    }
    if (const YamlNode* r = n.Find("reason")) {
      if (auto s = Str(*r, "reason")) rule.reason = *s;
    }
    if (const YamlNode* c = n.Find("context")) Contexts(*c, &rule);
    if (const YamlNode* p = n.Find("priority")) {
      if (auto v = Int(*p, "priority")) rule.priority = *v;
    }
    if (const YamlNode* f = n.Find("final")) {
      if (auto v = Bool(*f, "final")) rule.final = *v;
    }
    const YamlNode* match = n.Find("match");
    if (!match) {
      Error("missing-key", n.mark, "rule '" + rule.id.value + "' has no 'match'",
            "use 'match: {}' to match everything of its kind");
    } else if (ok) {
      rule.match_mark = match->mark;
      Canonical(*match, &rule.match_key);
      if (match->type == Type::kNull) {
        // "match:" with nothing: everything of the kind.
      } else if (IsMapping(*match, "match")) {
        switch (rule.kind) {
          case RequestKind::kExec: ExecMatchOf(*match, &rule.exec); break;
          case RequestKind::kFile: FileMatchOf(*match, &rule.file); break;
          case RequestKind::kAction: ActionMatchOf(*match, &rule.action); break;
          case RequestKind::kHttp: HttpMatchOf(*match, &rule.http); break;
          case RequestKind::kMcp: McpMatchOf(*match, &rule.mcp); break;
        }
      }
    }
    out->rules.push_back(std::move(rule));
  }

  void Contexts(const YamlNode& n, RuleSpec* rule) {
    rule->contexts = 0;
    rule->contexts_mark = n.mark;
    for (const auto& c : StrList(n, "context")) {
      if (auto ctx = ParseContext(c.value)) {
        rule->contexts |= ContextBit(*ctx);
      } else {
        Error("bad-value", c.mark, "unknown context '" + Printable(c.value, 40) + "'", "use ai, human or service");
      }
    }
  }

  void ExecMatchOf(const YamlNode& n, ExecMatch* m) {
    CheckKeys(n, kExecKeys, "in an exec match");
    for (const auto& [k, v] : n.entries) {
      const std::string& key = k.scalar;
      if (key == "command") {
        m->command = StrList(v, "command");
      } else if (key == "subcommand") {
        for (auto& s : StrList(v, "subcommand")) {
          std::vector<std::string> words;
          for (auto w : Split(s.value, ' ')) {
            if (!w.empty()) words.emplace_back(w);
          }
          if (words.empty()) Error("bad-value", s.mark, "a subcommand cannot be empty");
          m->subcommand.push_back({std::move(words), s.mark});
        }
      } else if (key == "flags") {
        Flags(v, &m->flags);
      } else if (key == "args") {
        Args(v, &m->args);
      } else if (key == "line") {
        Text(v, "line", &m->line);
      } else if (key == "stdin") {
        Text(v, "stdin", &m->stdin_text);
      } else if (key == "privileged") {
        m->privileged = Bool(v, "privileged");
      } else if (key == "via") {
        m->via = StrList(v, "via");
      } else if (key == "cwd") {
        Path(v, "cwd", &m->cwd);
      } else if (key == "fact") {
        m->fact = StrList(v, "fact");
        for (const auto& f : m->fact) {
          const auto& names = shell::SignalNames();
          if (std::find(names.begin(), names.end(), f.value) == names.end()) {
            std::string close = ClosestMatch(f.value, names);
            Error("bad-value", f.mark, "unknown fact '" + Printable(f.value, 40) + "'",
                  close.empty() ? "known: " + JoinViews(names) : "did you mean '" + close + "'?");
          }
        }
      } else if (key == "detail") {
        Text(v, "detail", &m->detail);
      }
    }
  }

  void FileMatchOf(const YamlNode& n, FileMatch* m) {
    CheckKeys(n, kFileKeys, "in a file match");
    for (const auto& [k, v] : n.entries) {
      const std::string& key = k.scalar;
      if (key == "op") {
        for (const auto& s : StrList(v, "op")) {
          if (s.value == "read") {
            m->ops.push_back({shell::FileOp::kRead, s.mark});
          } else if (s.value == "write") {
            m->ops.push_back({shell::FileOp::kWrite, s.mark});
          } else if (s.value == "delete") {
            m->ops.push_back({shell::FileOp::kDelete, s.mark});
          } else if (s.value == "exec") {
            m->ops.push_back({shell::FileOp::kExec, s.mark});
          } else if (s.value == "access") {
            m->ops.push_back({shell::FileOp::kAccess, s.mark});
          } else {
            Error("bad-value", s.mark, "unknown file operation '" + Printable(s.value, 40) + "'",
                  "use read, write, delete, exec or access");
          }
        }
      } else if (key == "path") {
        m->path.glob = StrList(v, "path");
      } else if (key == "under") {
        m->path.under = StrList(v, "under");
      } else if (key == "outside") {
        m->path.outside = StrList(v, "outside");
      } else if (key == "is") {
        m->path.is = StrList(v, "is");
      } else if (key == "recursive") {
        m->recursive = Bool(v, "recursive");
      } else if (key == "dynamic") {
        m->dynamic = Bool(v, "dynamic");
      } else if (key == "guessed") {
        m->guessed = Bool(v, "guessed");
      } else if (key == "glob") {
        m->glob = Bool(v, "glob");
      } else if (key == "direct") {
        if (auto b = Bool(v, "direct")) m->direct = *b;
      } else if (key == "command") {
        m->command = StrList(v, "command");
      }
    }
  }

  void ActionMatchOf(const YamlNode& n, ActionMatch* m) {
    CheckKeys(n, kActionKeys, "in an action match");
    for (const auto& [k, v] : n.entries) {
      const std::string& key = k.scalar;
      if (key == "subject") {
        m->subject = StrList(v, "subject");
      } else if (key == "action") {
        m->action = StrList(v, "action");
      } else if (key == "role") {
        m->role = StrList(v, "role");
      } else if (key == "resource") {
        if (!IsMapping(v, "resource")) continue;
        CheckKeys(v, kResourceKeys, "in resource");
        if (const YamlNode* t = v.Find("type")) m->resource_type = StrList(*t, "resource type");
        if (const YamlNode* i = v.Find("id")) m->resource_id = StrList(*i, "resource id");
      }
    }
  }

  void HttpMatchOf(const YamlNode& n, HttpMatch* m) {
    CheckKeys(n, kHttpKeys, "in an http match");
    for (const auto& [k, v] : n.entries) {
      const std::string& key = k.scalar;
      if (key == "method") {
        m->method = StrList(v, "method");
      } else if (key == "scheme") {
        for (auto& s : StrList(v, "scheme")) {
          s.value = ToLower(s.value);
          if (s.value != "http" && s.value != "https") {
            Error("bad-value", s.mark, "unknown scheme '" + Printable(s.value, 40) + "'", "use http or https");
            continue;
          }
          m->scheme.push_back(std::move(s));
        }
      } else if (key == "host") {
        m->host = StrList(v, "host");
      } else if (key == "port") {
        for (const auto& p : IntList(v, "port")) {
          if (p.value < 1 || p.value > 65535) {
            Error("bad-value", p.mark, "port " + std::to_string(p.value) + " is out of range", "ports are 1 to 65535");
            continue;
          }
          m->port.push_back(p);
        }
      } else if (key == "path") {
        m->path = StrList(v, "path");
        for (const auto& p : m->path) {
          if (p.value.empty() || (p.value[0] != '/' && p.value[0] != '*' && p.value[0] != '{')) {
            Error("bad-value", p.mark, "URL path pattern '" + Printable(p.value, 60) + "' does not start with '/'",
                  "write the path as the request sends it: \"/api/**\"");
          }
        }
      } else if (key == "url") {
        Text(v, "url", &m->url);
      }
    }
  }

  // match: {server: fs, tool: "write_*", args: {/path: {path: {under: [/etc]}}, /mode: {glob: "7*"}}}
  void McpMatchOf(const YamlNode& n, McpMatch* m) {
    CheckKeys(n, kMcpKeys, "in an mcp match");
    for (const auto& [k, v] : n.entries) {
      const std::string& key = k.scalar;
      if (key == "server") {
        m->server = StrList(v, "server");
      } else if (key == "tool") {
        m->tool = StrList(v, "tool");
      } else if (key == "args") {
        if (!IsMapping(v, "args (a JSON pointer → predicate map)")) continue;
        for (const auto& [pk, pv] : v.entries) {
          if (!JsonPointer(pk.scalar, pk.mark)) continue;
          McpArgSpec a;
          a.pointer = {pk.scalar, pk.mark};
          Arg(pv, "args." + pk.scalar, &a.arg);
          m->args.push_back(std::move(a));
        }
      }
    }
  }

  // RFC 6901, plus "*" as a whole segment for "every element".
  bool JsonPointer(const std::string& p, Mark mark) {
    if (p.empty() || p[0] != '/') {
      Error("bad-value", mark, "'" + Printable(p, 60) + "' is not a JSON pointer",
            "point into the tool's arguments from the top: \"/path\", \"/paths/*\", \"/options/mode\"");
      return false;
    }
    for (size_t i = 0; i < p.size(); ++i) {
      if (p[i] == '~' && (i + 1 >= p.size() || (p[i + 1] != '0' && p[i + 1] != '1'))) {
        Error("bad-value", mark, "JSON pointer '" + Printable(p, 60) + "' has a '~' not followed by 0 or 1",
              "write '~0' for '~' and '~1' for '/'");
        return false;
      }
    }
    return true;
  }

  // mcp_tools:
  //   - {server: "*", tool: [read_text_file, read_file], read: [/path]}
  //   - {tool: move_file, delete: /source, write: /destination}
  //   - {tool: run_command, command: /command}
  void McpTools(const YamlNode& n, PolicyFile* out) {
    if (!IsSequence(n, "mcp_tools")) return;
    for (const auto& t : n.items) {
      if (!IsMapping(t, "an mcp_tools entry")) continue;
      CheckKeys(t, kMcpToolKeys, "in an mcp_tools entry");
      McpToolSpec spec;
      spec.mark = t.mark;
      bool any = false;
      for (const auto& [k, v] : t.entries) {
        const std::string& key = k.scalar;
        Strings* pointers = nullptr;
        if (key == "server") {
          spec.server = StrList(v, "server");
        } else if (key == "tool") {
          spec.tool = StrList(v, "tool");
        } else if (key == "read") {
          pointers = &spec.paths[static_cast<size_t>(shell::FileOp::kRead)];
        } else if (key == "write") {
          pointers = &spec.paths[static_cast<size_t>(shell::FileOp::kWrite)];
        } else if (key == "delete") {
          pointers = &spec.paths[static_cast<size_t>(shell::FileOp::kDelete)];
        } else if (key == "exec") {
          pointers = &spec.paths[static_cast<size_t>(shell::FileOp::kExec)];
        } else if (key == "command") {
          pointers = &spec.commands;
        }
        if (!pointers) continue;
        for (auto& p : StrList(v, key)) {
          if (!JsonPointer(p.value, p.mark)) continue;
          pointers->push_back(std::move(p));
          any = true;
        }
      }
      if (spec.tool.empty()) {
        Error("missing-key", t.mark, "this mcp_tools entry has no 'tool'", "name the tools it describes (globs allowed)");
        continue;
      }
      if (!any) {
        Error("missing-key", t.mark, "this mcp_tools entry declares no argument",
              "list JSON pointers under read, write, delete, exec (paths) or command (shell commands)");
        continue;
      }
      out->mcp_tools.push_back(std::move(spec));
    }
  }

  // A whole number or a list of them.
  std::vector<Located<int>> IntList(const YamlNode& n, std::string_view what) {
    std::vector<Located<int>> out;
    if (n.type == Type::kSequence) {
      for (const auto& i : n.items) {
        if (auto v = Int(i, "each entry of " + std::string(what))) out.push_back({*v, i.mark});
      }
    } else if (auto v = Int(n, what)) {
      out.push_back({*v, n.mark});
    }
    return out;
  }

  void Flags(const YamlNode& n, FlagsSpec* f) {
    auto entries = [&](const YamlNode& list, std::string_view what,
                       std::vector<Located<std::vector<std::string>>>* out) {
      for (const auto& s : StrList(list, what)) {
        std::vector<std::string> alts;
        for (auto a : Split(s.value, '|')) {
          std::string flag(Trim(a));
          if (flag.size() < 2 || flag[0] != '-') {
            Error("bad-value", s.mark, "'" + Printable(flag, 40) + "' is not a flag",
                  "flags start with '-' (\"-r\", \"--force\"); separate spellings with '|'");
            continue;
          }
          alts.push_back(std::move(flag));
        }
        if (!alts.empty()) out->push_back({std::move(alts), s.mark});
      }
    };
    if (n.type == Type::kMapping) {
      CheckKeys(n, kFlagsKeys, "in flags");
      if (const YamlNode* a = n.Find("all")) entries(*a, "flags.all", &f->all);
      if (const YamlNode* a = n.Find("any")) entries(*a, "flags.any", &f->any);
      if (const YamlNode* a = n.Find("none")) entries(*a, "flags.none", &f->none);
    } else {
      entries(n, "flags", &f->all);
    }
  }

  void Args(const YamlNode& n, ArgsSpec* a) {
    if (!IsMapping(n, "args")) return;
    CheckKeys(n, kArgsKeys, "in args");
    if (const YamlNode* x = n.Find("any")) Arg(*x, "args.any", &a->any);
    if (const YamlNode* x = n.Find("all")) Arg(*x, "args.all", &a->all);
    if (const YamlNode* x = n.Find("none")) Arg(*x, "args.none", &a->none);
    if (const YamlNode* x = n.Find("min")) {
      if (auto v = Int(*x, "args.min")) a->min = Located<int>{*v, x->mark};
    }
    if (const YamlNode* x = n.Find("max")) {
      if (auto v = Int(*x, "args.max")) a->max = Located<int>{*v, x->mark};
    }
  }

  void Arg(const YamlNode& n, std::string_view what, ArgSpec* a) {
    a->present = true;
    a->mark = n.mark;
    if (!IsMapping(n, what)) return;
    CheckKeys(n, kArgKeys, "in " + std::string(what));
    if (const YamlNode* x = n.Find("glob")) a->text.glob = StrList(*x, "glob");
    if (const YamlNode* x = n.Find("regex")) {
      if (auto s = Str(*x, "regex")) a->text.regex = Located<std::string>{*s, x->mark};
    }
    if (const YamlNode* x = n.Find("path")) Path(*x, "path", &a->path);
    if (const YamlNode* x = n.Find("dynamic")) a->dynamic = Bool(*x, "dynamic");
  }

  void Path(const YamlNode& n, std::string_view what, PathSpec* p) {
    if (n.type != Type::kMapping) {
      p->glob = StrList(n, what);
      return;
    }
    CheckKeys(n, kPathKeys, "in " + std::string(what));
    if (const YamlNode* x = n.Find("glob")) p->glob = StrList(*x, "glob");
    if (const YamlNode* x = n.Find("under")) p->under = StrList(*x, "under");
    if (const YamlNode* x = n.Find("outside")) p->outside = StrList(*x, "outside");
    if (const YamlNode* x = n.Find("is")) p->is = StrList(*x, "is");
  }

  void Text(const YamlNode& n, std::string_view what, TextSpec* t) {
    if (n.type == Type::kScalar) {
      t->regex = Located<std::string>{n.scalar, n.mark};
      return;
    }
    if (!IsMapping(n, what)) return;
    CheckKeys(n, kTextKeys, "in " + std::string(what));
    if (const YamlNode* x = n.Find("glob")) t->glob = StrList(*x, "glob");
    if (const YamlNode* x = n.Find("regex")) {
      if (auto s = Str(*x, "regex")) t->regex = Located<std::string>{*s, x->mark};
    }
  }

  void Roles(const YamlNode& n, PolicyFile* out) {
    if (!IsMapping(n, "roles")) return;
    for (const auto& [k, v] : n.entries) {
      RoleSpec role;
      role.name = {k.scalar, k.mark};
      if (IsMapping(v, "role '" + k.scalar + "'")) {
        CheckKeys(v, kRoleKeys, "in role '" + k.scalar + "'");
        if (const YamlNode* a = v.Find("allow")) role.allow = StrList(*a, "allow");
      }
      out->roles.push_back(std::move(role));
    }
  }

  // rate_limits: {default: 100/min, expensive: "30/min, burst=10", ban: 5/1h, max-keys: 200000}
  // Each entry is a NAME=VALUE spec of core/rate_spec.h, checked here so that a bad value is
  // reported at its line and column.
  void RateLimits(const YamlNode& n, PolicyFile* out) {
    if (!IsMapping(n, "rate_limits")) return;
    std::vector<std::string_view> names(std::begin(kRateSpecNames), std::end(kRateSpecNames));
    for (const auto& [k, v] : n.entries) {
      if (std::find(names.begin(), names.end(), k.scalar) == names.end()) {
        std::string close = ClosestMatch(k.scalar, names);
        Error("unknown-key", k.mark, "'" + Printable(k.scalar, 60) + "' is not a rate limit",
              close.empty() ? "use default, expensive, auth-failure, ban or max-keys" : "did you mean '" + close + "'?");
        continue;
      }
      if (v.type != Type::kScalar) {
        Error("bad-type", v.mark, "rate_limits." + k.scalar + " must be a value such as 100/min", "");
        continue;
      }
      std::string spec = k.scalar + "=" + v.scalar;
      auto parsed = ParseRateSpec(spec);
      if (!parsed.ok()) {
        Error("bad-value", v.mark, parsed.status().message(), "");
        continue;
      }
      out->rate_limits.push_back({spec, v.mark});
    }
  }

  // sandbox: {CTX: {enabled, network, unix_sockets, writable, protected, deny_read,
  //                 deny_read_rules, limits: {nproc, fsize, nofile, core}, unsupported}}
  void Sandbox(const YamlNode& n, PolicyFile* out) {
    if (!IsMapping(n, "sandbox")) return;
    CheckKeys(n, kContextKeys, "in sandbox");
    for (const auto& [k, v] : n.entries) {
      auto ctx = ParseContext(k.scalar);
      if (!ctx || !IsMapping(v, "sandbox." + k.scalar)) continue;
      const std::string where = "sandbox." + k.scalar;
      CheckKeys(v, kSandboxKeys, "in " + where);
      SandboxSpec spec;
      spec.mark = v.mark;
      for (const auto& [sk, sv] : v.entries) {
        const std::string& key = sk.scalar;
        const std::string what = where + "." + key;
        if (key == "enabled") {
          if (auto b = Bool(sv, what)) spec.enabled = Located<bool>{*b, sv.mark};
        } else if (key == "network") {
          auto s = Str(sv, what);
          if (!s) continue;
          if (*s == "on") {
            spec.network = Located<SandboxNetwork>{SandboxNetwork::kOn, sv.mark};
          } else if (*s == "loopback") {
            spec.network = Located<SandboxNetwork>{SandboxNetwork::kLoopback, sv.mark};
          } else if (*s == "off") {
            spec.network = Located<SandboxNetwork>{SandboxNetwork::kOff, sv.mark};
          } else {
            Error("bad-value", sv.mark, what + " must be on, loopback or off, not '" + Printable(*s, 40) + "'");
          }
        } else if (key == "unix_sockets") {
          if (auto b = OnOff(sv, what)) spec.unix_sockets = Located<bool>{*b, sv.mark};
        } else if (key == "writable") {
          spec.writable = SandboxPaths(sv, what);
        } else if (key == "protected") {
          spec.protected_paths = SandboxPaths(sv, what);
        } else if (key == "deny_read") {
          spec.deny_read = SandboxPaths(sv, what);
        } else if (key == "deny_read_rules") {
          spec.deny_read_rules = StrList(sv, what);
        } else if (key == "limits") {
          SandboxLimitsOf(sv, what, &spec);
        } else if (key == "unsupported") {
          auto s = Str(sv, what);
          if (s && *s == "refuse") {
            spec.refuse_unsupported = Located<bool>{true, sv.mark};
          } else if (s && *s == "warn") {
            spec.refuse_unsupported = Located<bool>{false, sv.mark};
          } else if (s) {
            Error("bad-value", sv.mark, what + " must be refuse or warn, not '" + Printable(*s, 40) + "'",
                  "refuse: a kernel that cannot confine stops the run; warn: the run goes ahead unconfined");
          }
        }
      }
      out->sandbox[static_cast<size_t>(*ctx)] = std::move(spec);
    }
  }

  // on/off, or true/false.
  std::optional<bool> OnOff(const YamlNode& n, const std::string& what) {
    if (n.type == Type::kScalar && (n.scalar == "on" || n.scalar == "off")) return n.scalar == "on";
    return Bool(n, what);
  }

  // Paths of the sandbox: absolute, or starting with ~ or a $VARIABLE the sandbox knows.
  Strings SandboxPaths(const YamlNode& n, const std::string& what) {
    Strings out = StrList(n, what);
    for (const auto& p : out) {
      const std::string& s = p.value;
      bool ok = !s.empty() && (s[0] == '/' || s == "~" || s.rfind("~/", 0) == 0 || s.rfind("$HOME", 0) == 0 ||
                               s.rfind("$WORKSPACE", 0) == 0 || s.rfind("$TMPDIR", 0) == 0 || s.rfind("$CWD", 0) == 0 ||
                               s.rfind("$WARDEN_CONFIG", 0) == 0 || s.rfind("$WARDEN_STATE", 0) == 0 ||
                               s.rfind("$WARDEN_RUNTIME", 0) == 0);
      if (!ok) {
        Error("bad-value", p.mark, "'" + Printable(s, 60) + "' in " + what + " is not an anchored path",
              "start it with /, ~/, $HOME, $WORKSPACE, $TMPDIR, $CWD, $WARDEN_CONFIG, $WARDEN_STATE or $WARDEN_RUNTIME");
      }
    }
    return out;
  }

  void SandboxLimitsOf(const YamlNode& n, const std::string& what, SandboxSpec* spec) {
    if (!IsMapping(n, what)) return;
    CheckKeys(n, kSandboxLimitKeys, "in " + what);
    for (const auto& [k, v] : n.entries) {
      auto value = SizeOrCount(v, what + "." + k.scalar);
      if (!value) continue;
      Located<int64_t> lv{*value, v.mark};
      if (k.scalar == "nproc") spec->nproc = lv;
      if (k.scalar == "fsize") spec->fsize = lv;
      if (k.scalar == "nofile") spec->nofile = lv;
      if (k.scalar == "core") spec->core = lv;
    }
  }

  // A whole number, optionally with a K, M, G or T suffix (powers of 1024), or "unlimited" (-1).
  std::optional<int64_t> SizeOrCount(const YamlNode& n, const std::string& what) {
    if (n.type != Type::kScalar || n.scalar.empty()) {
      Error("wrong-type", n.mark, what + " must be a number such as 4096 or 16G, or unlimited");
      return std::nullopt;
    }
    if (n.scalar == "unlimited") return -1;
    std::string_view s = n.scalar;
    int64_t mult = 1;
    switch (s.back()) {
      case 'K': case 'k': mult = 1LL << 10; break;
      case 'M': case 'm': mult = 1LL << 20; break;
      case 'G': case 'g': mult = 1LL << 30; break;
      case 'T': case 't': mult = 1LL << 40; break;
      default: break;
    }
    if (mult != 1) s.remove_suffix(1);
    int64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size() || v < 0 || v > (INT64_MAX / mult)) {
      Error("bad-value", n.mark, what + " must be a number such as 4096 or 16G, or unlimited, not '" +
                                     Printable(n.scalar, 40) + "'");
      return std::nullopt;
    }
    return v * mult;
  }

  void Subjects(const YamlNode& n, PolicyFile* out) {
    if (!IsMapping(n, "subjects")) return;
    for (const auto& [k, v] : n.entries) {
      SubjectSpec subject;
      subject.name = {k.scalar, k.mark};
      if (IsMapping(v, "subject '" + k.scalar + "'")) {
        CheckKeys(v, kSubjectKeys, "in subject '" + k.scalar + "'");
        if (const YamlNode* r = v.Find("roles")) subject.roles = StrList(*r, "roles");
      }
      out->subjects.push_back(std::move(subject));
    }
  }

  void Tests(const YamlNode& n, PolicyFile* out) {
    if (!IsSequence(n, "tests")) return;
    for (const auto& t : n.items) {
      if (!IsMapping(t, "a test")) continue;
      CheckKeys(t, kTestKeys, "in a test");
      PolicyTest test;
      test.mark = t.mark;
      if (const YamlNode* x = t.Find("name")) {
        if (auto s = Str(*x, "name")) test.name = *s;
      }
      if (test.name.empty()) test.name = "test at line " + std::to_string(t.mark.line);
      const YamlNode* req = t.Find("request");
      const YamlNode* expect = t.Find("expect");
      if (!req) Error("missing-key", t.mark, "test '" + test.name + "' has no 'request'");
      if (!expect) Error("missing-key", t.mark, "test '" + test.name + "' has no 'expect'", "allow, ask or deny");
      if (!req || !expect) continue;
      auto d = DecisionOf(*expect, "expect");
      if (!d) continue;
      test.expect = *d;
      if (const YamlNode* r = t.Find("rule")) {
        if (r->type == Type::kNull) {
          test.expect_rule = std::string();
        } else if (auto s = Str(*r, "rule")) {
          test.expect_rule = *s;
        }
      }
      if (!IsMapping(*req, "request")) continue;
      std::string json;
      ToJson(*req, &json);
      auto parsed = ParseRequestJson(json, &test.present);
      if (!parsed.ok()) {
        Error("bad-value", req->mark, "test '" + test.name + "': " + parsed.status().message());
        continue;
      }
      test.request = std::move(parsed).value();
      out->tests.push_back(std::move(test));
    }
  }

  const std::string& path_;
  Diagnostics* d_;
};

// Line and column of the first byte that is not valid UTF-8.
Mark FirstInvalidUtf8(std::string_view text) {
  Mark m{1, 1};
  size_t i = 0;
  while (i < text.size()) {
    auto c = static_cast<unsigned char>(text[i]);
    size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    if (len == 0 || i + len > text.size() || !IsValidUtf8(text.substr(i, len))) return m;
    if (c == '\n') {
      ++m.line;
      m.column = 1;
    } else {
      ++m.column;
    }
    i += len;
  }
  return m;
}

}  // namespace

bool ReadPolicy(std::string_view text, const std::string& path, LayerKind layer, PolicyFile* out,
                Diagnostics* diags) {
  out->path = path;
  out->layer = layer;
  Diagnostics local;
  if (!IsValidUtf8(text)) {
    local.Error("bad-encoding", path, FirstInvalidUtf8(text), "the file is not UTF-8 text",
                "policy files are YAML in UTF-8");
    diags->Append(local);
    return false;
  }
  if (size_t nul = text.find('\0'); nul != std::string_view::npos) {
    Mark m{1, 1};
    for (size_t i = 0; i < nul; ++i) {
      if (text[i] == '\n') {
        ++m.line;
        m.column = 1;
      } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
        ++m.column;
      }
    }
    local.Error("bad-encoding", path, m, "the file contains a NUL byte", "policy files are YAML text");
    diags->Append(local);
    return false;
  }
  YamlNode root;
  YamlError err;
  if (!ParseYaml(text, &root, &err)) {
    local.Error("yaml-syntax", path, err.mark, err.message);
    diags->Append(local);
    return false;
  }
  Reader(path, &local).File(root, out);
  diags->Append(local);
  return !local.has_errors();
}

bool ReadPolicyTree(const YamlNode& root, const std::string& path, LayerKind layer, PolicyFile* out,
                    Diagnostics* diags) {
  out->path = path;
  out->layer = layer;
  Diagnostics local;
  Reader(path, &local).File(root, out);
  diags->Append(local);
  return !local.has_errors();
}

}  // namespace warden::policy
