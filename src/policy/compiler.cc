#include "policy/compiler.h"

#include "policy/sandbox_merge.h"

#include <algorithm>

#include "core/path.h"
#include "core/strings.h"

namespace warden::policy {
namespace {

bool HasGlobSyntax(std::string_view s) { return s.find_first_of("*?[{\\") != std::string_view::npos; }

std::string EscapeGlob(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (std::string_view("*?[]{}\\").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

// "$WARDEN_STATE/x" → "<state dir>/x" (and $WARDEN_CONFIG, $WARDEN_RUNTIME, $WARDEN_SOCKET, ${…} forms): Warden's
// own places for this process. `escape` for glob patterns. Anything else is returned as is.
std::string ExpandSelf(std::string_view text, const WardenSelf& self, bool escape) {
  const std::pair<std::string_view, const std::string*> kVars[] = {
      {"$WARDEN_CONFIG", &self.config_dir}, {"${WARDEN_CONFIG}", &self.config_dir},
      {"$WARDEN_STATE", &self.state_dir},   {"${WARDEN_STATE}", &self.state_dir},
      {"$WARDEN_RUNTIME", &self.runtime_dir}, {"${WARDEN_RUNTIME}", &self.runtime_dir},
      {"$WARDEN_SOCKET", &self.socket},     {"${WARDEN_SOCKET}", &self.socket}};
  for (auto [name, value] : kVars) {
    if (text.substr(0, name.size()) != name || (text.size() > name.size() && text[name.size()] != '/')) continue;
    std::string base = value->empty() ? std::string("/nonexistent/warden") : NormalizePath(*value);
    return (escape ? EscapeGlob(base) : base) + std::string(text.substr(name.size()));
  }
  return std::string(text);
}

// Splits "$NAME/rest", "~/rest" into an anchor and the rest ("" for the anchor itself).
bool SplitAnchor(std::string_view text, Anchor* anchor, std::string_view* rest, std::string* error) {
  auto after = [&](size_t n) {
    std::string_view r = text.substr(n);
    if (!r.empty() && r.front() == '/') r.remove_prefix(1);
    *rest = r;
  };
  auto starts = [&](std::string_view prefix) {
    return text.substr(0, prefix.size()) == prefix && (text.size() == prefix.size() || text[prefix.size()] == '/');
  };
  if (!text.empty() && text.front() == '/') {
    *anchor = Anchor::kAbsolute;
    *rest = text;
    return true;
  }
  if (starts("~")) {
    *anchor = Anchor::kHome;
    after(1);
    return true;
  }
  static constexpr std::pair<std::string_view, Anchor> kVars[] = {
      {"$HOME", Anchor::kHome}, {"${HOME}", Anchor::kHome}, {"$WORKSPACE", Anchor::kWorkspace},
      {"${WORKSPACE}", Anchor::kWorkspace}, {"$CWD", Anchor::kCwd}, {"${CWD}", Anchor::kCwd}};
  for (auto [name, a] : kVars) {
    if (starts(name)) {
      *anchor = a;
      after(name.size());
      return true;
    }
  }
  if (!text.empty() && text.front() == '$') {
    *error = "unknown variable in '" + std::string(text) +
             "' (use $HOME, $WORKSPACE, $CWD, $WARDEN_CONFIG, $WARDEN_STATE or $WARDEN_RUNTIME)";
    return false;
  }
  if (text.substr(0, 1) == "~") {
    *error = "'~user' paths are not supported in policies; write the absolute path";
    return false;
  }
  *anchor = Anchor::kWorkspace;
  *rest = text;
  return true;
}

class RuleCompiler {
 public:
  RuleCompiler(const PolicyFile& file, const WardenSelf& self, Diagnostics* d) : file_(file), self_(self), d_(d) {}

  CompiledRule Compile(const RuleSpec& spec) {
    CompiledRule r;
    r.id = spec.id.value;
    r.kind = spec.kind;
    r.decision = spec.decision;
    r.reason = spec.reason;
    r.contexts = spec.contexts;
    r.priority = spec.priority;
    r.final = spec.final;
    r.file = file_.path;
    r.mark = spec.id.mark;
    r.layer = file_.layer;
    rule_ = &spec;
    switch (spec.kind) {
      case RequestKind::kExec: Exec(spec.exec, &r); break;
      case RequestKind::kFile: File(spec.file, &r); break;
      case RequestKind::kAction: Action(spec.action, &r); break;
      case RequestKind::kHttp: Http(spec.http, &r); break;
      case RequestKind::kMcp: Mcp(spec.mcp, &r); break;
      default: break;
    }
    return r;
  }

 private:
  void Exec(const ExecMatch& m, CompiledRule* r) {
    for (const auto& c : m.command) {
      if (HasGlobSyntax(c.value)) {
        if (auto g = GlobOf(c, Glob::Mode::kText)) r->name_globs.push_back(std::move(*g));
      } else {
        r->names.push_back(c.value);
      }
    }
    for (const auto& s : m.subcommand) r->subcommands.push_back(s.value);
    for (const auto& f : m.flags.all) r->flags_all.push_back(f.value);
    for (const auto& f : m.flags.any) r->flags_any.push_back(f.value);
    for (const auto& f : m.flags.none) r->flags_none.push_back(f.value);
    r->args_any = Arg(m.args.any);
    r->args_all = Arg(m.args.all);
    r->args_none = Arg(m.args.none);
    if (m.args.min) r->args_min = m.args.min->value;
    if (m.args.max) r->args_max = m.args.max->value;
    r->line = Text(m.line);
    r->stdin_text = Text(m.stdin_text);
    r->privileged = m.privileged;
    for (const auto& v : m.via) {
      if (auto g = GlobOf(v, Glob::Mode::kText)) r->via.push_back(std::move(*g));
    }
    r->cwd = Path(m.cwd);
    for (const auto& f : m.fact) r->signals.push_back(f.value);
    r->detail = Text(m.detail);
  }

  void File(const FileMatch& m, CompiledRule* r) {
    for (const auto& op : m.ops) r->ops |= static_cast<uint8_t>(1u << static_cast<unsigned>(op.value));
    r->path = Path(m.path);
    r->recursive = m.recursive;
    r->dynamic = m.dynamic;
    r->guessed = m.guessed;
    r->glob = m.glob;
    r->direct = m.direct;
    for (const auto& c : m.command) {
      if (auto g = GlobOf(c, Glob::Mode::kText)) r->sources.push_back(std::move(*g));
    }
  }

  void Action(const ActionMatch& m, CompiledRule* r) {
    auto globs = [&](const Strings& in, std::vector<Glob>* out) {
      for (const auto& s : in) {
        if (auto g = GlobOf(s, Glob::Mode::kText)) out->push_back(std::move(*g));
      }
    };
    globs(m.subject, &r->subjects);
    globs(m.action, &r->actions);
    globs(m.resource_type, &r->resource_types);
    globs(m.resource_id, &r->resource_ids);
    for (const auto& role : m.role) r->roles.push_back(role.value);
  }

  void Http(const HttpMatch& m, CompiledRule* r) {
    for (const auto& method : m.method) {
      if (auto g = GlobOf({ToUpper(method.value), method.mark}, Glob::Mode::kText)) r->methods.push_back(std::move(*g));
    }
    for (const auto& s : m.scheme) r->schemes |= s.value == "https" ? 2 : 1;
    for (const auto& h : m.host) {
      if (auto p = HostOf(h)) r->hosts.push_back(std::move(*p));
    }
    for (const auto& p : m.port) r->ports.push_back(static_cast<uint16_t>(p.value));
    for (const auto& p : m.path) {
      if (auto g = GlobOf(p, Glob::Mode::kPath)) r->url_paths.push_back(std::move(*g));
      // "/admin/**" is the whole tree, /admin itself included (as for file rules).
      const std::string& text = p.value;
      if (text.size() > 3 && text.ends_with("/**")) {
        if (auto g = GlobOf({text.substr(0, text.size() - 3), p.mark}, Glob::Mode::kPath)) {
          r->url_paths.push_back(std::move(*g));
        }
      }
    }
    r->url = Text(m.url);
  }

  void Mcp(const McpMatch& m, CompiledRule* r) {
    for (const auto& s : m.server) {
      if (auto g = GlobOf(s, Glob::Mode::kText)) r->mcp_servers.push_back(std::move(*g));
    }
    for (const auto& s : m.tool) {
      if (auto g = GlobOf(s, Glob::Mode::kText)) r->mcp_tools.push_back(std::move(*g));
    }
    for (const auto& a : m.args) {
      r->mcp_args.push_back({a.pointer.value, SplitJsonPointer(a.pointer.value), Arg(a.arg)});
    }
  }

  // A host glob (lowercased; an IP address written canonically, brackets dropped) or a network.
  std::optional<HostPattern> HostOf(const Located<std::string>& h) {
    HostPattern p;
    std::string text = ToLower(h.value);
    if (text.find('/') != std::string::npos) {
      auto net = ParseIpNetwork(text);
      if (!net) {
        d_->Error("bad-value", file_.path, h.mark,
                  "rule '" + rule_->id.value + "': '" + Printable(h.value, 60) + "' is not a network",
                  "write a network as ADDRESS/BITS (\"10.0.0.0/8\", \"fc00::/7\"); hosts have no '/'");
        return std::nullopt;
      }
      p.type = HostPattern::Type::kNetwork;
      p.network = *net;
      return p;
    }
    if (text.size() > 2 && text.front() == '[' && text.back() == ']' && text.find(':') != std::string::npos) {
      text = text.substr(1, text.size() - 2);  // "[::1]": an IPv6 address, not a character class
    }
    if (!text.empty() && text.back() == '.') text.pop_back();
    if (auto ip = ParseIpAddress(text)) text = FormatIpAddress(*ip);
    if (!HasGlobSyntax(text)) {
      if (text.empty()) {
        d_->Error("bad-value", file_.path, h.mark, "rule '" + rule_->id.value + "': an empty host");
        return std::nullopt;
      }
      p.literal = std::move(text);
      return p;
    }
    auto g = GlobOf({text, h.mark}, Glob::Mode::kText);
    if (!g) return std::nullopt;
    p.type = HostPattern::Type::kGlob;
    p.glob = std::move(*g);
    return p;
  }

  CompiledArg Arg(const ArgSpec& a) {
    CompiledArg c;
    c.present = a.present;
    c.text = Text(a.text);
    c.path = Path(a.path);
    c.dynamic = a.dynamic;
    return c;
  }

  CompiledText Text(const TextSpec& t) {
    CompiledText c;
    for (const auto& g : t.glob) {
      if (auto glob = GlobOf(g, Glob::Mode::kText)) c.globs.push_back(std::move(*glob));
    }
    if (t.regex && file_.layer == LayerKind::kBuiltin) {
      c.regex = std::make_shared<LazyRegex>(t.regex->value);  // see LazyRegex
    } else if (t.regex) {
      auto re = std::make_unique<RE2>(t.regex->value, LazyRegex::Options());
      if (!re->ok()) {
        d_->Error("bad-regex", file_.path, t.regex->mark,
                  "rule '" + rule_->id.value + "': invalid regular expression: " + re->error(),
                  "RE2 syntax: no backreferences or lookaround");
      } else {
        c.regex = std::make_shared<LazyRegex>(std::move(re));
      }
    }
    return c;
  }

  CompiledPath Path(const PathSpec& p) {
    CompiledPath c;
    for (const auto& written : p.glob) {
      Located<std::string> g{ExpandSelf(written.value, self_, true), written.mark};
      Anchor anchor;
      std::string_view rest;
      std::string error;
      if (!SplitAnchor(g.value, &anchor, &rest, &error)) {
        d_->Error("bad-glob", file_.path, g.mark, "rule '" + rule_->id.value + "': " + error);
        continue;
      }
      std::string pattern(rest);
      if (anchor == Anchor::kWorkspace && g.value.find('/') == std::string::npos && g.value.substr(0, 1) != "$") {
        anchor = Anchor::kAnywhere;  // a bare name: in any directory
        pattern = "**/" + pattern;
      } else if (anchor == Anchor::kWorkspace && g.value.substr(0, 3) == "**/") {
        anchor = Anchor::kAnywhere;
      }
      Located<std::string> located{pattern, g.mark};
      auto glob = GlobOf(located, Glob::Mode::kPath);
      if (!glob) continue;
      AnchoredGlob ag;
      ag.anchor = anchor;
      std::string prefix = glob->literal_prefix();
      size_t slash = prefix.rfind('/');
      ag.prefix = slash == std::string::npos ? std::string() : prefix.substr(0, slash + 1);
      if (glob->is_literal()) ag.prefix = prefix;
      // "DIR/**" (or "**"): a whole tree, which lets allow rules cover recursive operations.
      const std::string& pat = glob->pattern();
      if (anchor != Anchor::kAnywhere && pat.size() >= 2 && pat.compare(pat.size() - 2, 2, "**") == 0 &&
          prefix.size() == pat.size() - 2 && (prefix.empty() || prefix.back() == '/')) {
        ag.tree = true;
        ag.tree_root = prefix.empty() ? std::string() : prefix.substr(0, prefix.size() - 1);
      }
      ag.glob = std::move(*glob);
      c.globs.push_back(std::move(ag));
    }
    auto roots = [&](const Strings& in, std::vector<Root>* out) {
      for (const auto& s : in) {
        Root root;
        std::string error;
        if (!ParseRoot(s.value, self_, &root, &error)) {
          d_->Error("bad-value", file_.path, s.mark, "rule '" + rule_->id.value + "': " + error);
          continue;
        }
        out->push_back(std::move(root));
      }
    };
    roots(p.under, &c.under);
    roots(p.outside, &c.outside);
    roots(p.is, &c.is);
    return c;
  }

  std::optional<Glob> GlobOf(const Located<std::string>& s, Glob::Mode mode) {
    auto g = Glob::Compile(s.value, mode);
    if (!g.ok()) {
      d_->Error("bad-glob", file_.path, s.mark,
                "rule '" + rule_->id.value + "': bad pattern '" + Printable(s.value, 60) + "': " + g.status().message());
      return std::nullopt;
    }
    return std::move(g).value();
  }

  const PolicyFile& file_;
  const WardenSelf& self_;
  Diagnostics* d_;
  const RuleSpec* rule_ = nullptr;
};

void AddPermission(RolePerms* role, const std::string& perm, size_t* count) {
  ++*count;
  if (perm == "*" || perm == "*:*") {
    role->all = true;
    return;
  }
  size_t colon = perm.find(':');
  if (colon == std::string::npos) return;
  std::string type = perm.substr(0, colon), action = perm.substr(colon + 1);
  bool type_glob = HasGlobSyntax(type), action_glob = HasGlobSyntax(action);
  if (!type_glob && action == "*") {
    role->any_action.insert(type);
  } else if (type == "*" && !action_glob) {
    role->any_type.insert(action);
  } else if (!type_glob && !action_glob) {
    role->exact[type].insert(action);
  } else {
    auto t = Glob::Compile(type, Glob::Mode::kText);
    auto a = Glob::Compile(action, Glob::Mode::kText);
    if (t.ok() && a.ok()) role->globs.emplace_back(std::move(t).value(), std::move(a).value());
  }
}

void IndexFileRule(const CompiledRule& r, uint32_t idx, FileIndex* index) {
  const CompiledPath& p = r.path;
  if (!p.outside.empty() || (p.globs.empty() && p.under.empty() && p.is.empty())) {
    index->always.push_back(idx);
    return;
  }
  if (!p.globs.empty()) {
    for (const auto& g : p.globs) {
      if (g.anchor == Anchor::kAnywhere) {
        std::string_view pat = g.glob.pattern();
        if (pat.substr(0, 3) == "**/") {
          std::string_view rest = pat.substr(3);
          if (!HasGlobSyntax(rest) && rest.find('/') == std::string_view::npos) {
            index->basename[std::string(rest)].push_back(idx);
            continue;
          }
          if (rest.substr(0, 2) == "*." && !HasGlobSyntax(rest.substr(2)) && rest.find('/') == std::string_view::npos) {
            index->extension[std::string(rest.substr(2))].push_back(idx);
            continue;
          }
          if (rest.find('/') == std::string_view::npos) {
            size_t special = rest.find_first_of("*?[{\\");
            if (special != std::string_view::npos && special > 0) {
              index->name_prefix.emplace_back(std::string(rest.substr(0, special)), idx);
              continue;
            }
          }
        }
        index->anywhere.push_back(idx);
        continue;
      }
      index->tries[static_cast<size_t>(g.anchor)].Insert(g.prefix, idx);
    }
    return;
  }
  for (const auto* roots : {&p.under, &p.is}) {
    for (const auto& root : *roots) index->tries[static_cast<size_t>(root.anchor)].Insert(root.rel, idx);
  }
}

void IndexHttpRule(const CompiledRule& r, uint32_t idx, Snapshot* snap) {
  const bool literal = !r.hosts.empty() && std::all_of(r.hosts.begin(), r.hosts.end(), [](const HostPattern& h) {
    return h.type == HostPattern::Type::kLiteral;
  });
  if (!literal) {
    snap->http_any.push_back(idx);
    return;
  }
  for (const auto& h : r.hosts) {
    auto& list = snap->http_by_host[h.literal];
    if (list.empty() || list.back() != idx) list.push_back(idx);
  }
}

void Dedupe(std::vector<uint32_t>* v) {
  std::sort(v->begin(), v->end());
  v->erase(std::unique(v->begin(), v->end()), v->end());
}

}  // namespace

bool ParseRoot(std::string_view written, const WardenSelf& self, Root* root, std::string* error) {
  if (written.empty()) {
    *error = "an empty path";
    return false;
  }
  // A leading ${NAME} is an anchor, not a brace pattern.
  std::string_view after_anchor = written;
  if (written.substr(0, 2) == "${" && written.find('}') != std::string_view::npos) {
    after_anchor = written.substr(written.find('}') + 1);
  }
  if (HasGlobSyntax(after_anchor)) {
    *error = "'" + std::string(written) + "' is a pattern; under/outside/is take plain paths (use path: for globs)";
    return false;
  }
  std::string expanded = ExpandSelf(written, self, false);
  std::string_view text = expanded;
  std::string_view rest;
  if (!SplitAnchor(text, &root->anchor, &rest, error)) return false;
  root->rel = root->anchor == Anchor::kAbsolute ? NormalizePath(rest) : NormalizePath(rest);
  if (root->rel == ".") root->rel.clear();
  if (root->anchor != Anchor::kAbsolute && root->rel.substr(0, 2) == "..") {
    *error = "'" + std::string(text) + "' leaves its anchor with '..'";
    return false;
  }
  return true;
}

std::shared_ptr<const Snapshot> Compile(const std::vector<PolicyFile>& layers, std::string revision,
                                        const WardenSelf& self, Diagnostics* diags) {
  auto snap = std::make_shared<Snapshot>();
  snap->revision = std::move(revision);
  snap->self = self;
  Diagnostics local;
  // Effective rules, in order; a later rule with the same id replaces the earlier one.
  std::vector<std::pair<const RuleSpec*, const PolicyFile*>> effective;
  StringMap<size_t> by_id;
  for (const auto& file : layers) {
    for (const auto& id : file.disable) {
      if (auto it = by_id.find(id.value); it != by_id.end()) effective[it->second].first = nullptr;
    }
    for (const auto& r : file.rules) {
      if (auto it = by_id.find(r.id.value); it != by_id.end()) effective[it->second].first = nullptr;
      by_id[r.id.value] = effective.size();
      effective.emplace_back(&r, &file);
    }
    snap->sources.push_back({file.path, file.layer, file.name, file.rules.size()});
    if (file.layer != LayerKind::kRepository) {  // a cloned repository does not set a service's limits
      for (const auto& spec : file.rate_limits) snap->rate_limits.push_back(spec.value);
    }
    for (int c = 0; c < kContextCount; ++c) {
      const auto& def = file.defaults[static_cast<size_t>(c)];
      if (!def) continue;
      Decision& current = snap->defaults[static_cast<size_t>(c)];
      if (file.layer == LayerKind::kRepository && def->value < current) continue;
      current = def->value;
    }
  }
  snap->sandbox = MergeSandbox(layers, SandboxRuleLookup(layers), nullptr);
  snap->rules.reserve(effective.size());  // compiled rules are large: grow once
  for (const auto& [spec, file] : effective) {
    if (spec == nullptr) continue;
    snap->rules.push_back(RuleCompiler(*file, self, &local).Compile(*spec));
  }
  // RBAC
  StringMap<RolePerms*> roles;
  for (const auto& file : layers) {
    for (const auto& role : file.roles) {
      RolePerms*& perms = roles[role.name.value];
      if (perms == nullptr) {
        snap->roles.push_back(std::make_unique<RolePerms>());
        perms = snap->roles.back().get();
        perms->name = role.name.value;
      }
      for (const auto& p : role.allow) AddPermission(perms, p.value, &snap->permission_count);
    }
  }
  for (const auto& [name, perms] : roles) snap->role_by_name.emplace(name, perms);
  for (const auto& file : layers) {
    for (const auto& subject : file.subjects) {
      auto& list = snap->subjects[subject.name.value];
      for (const auto& role : subject.roles) {
        auto it = roles.find(role.value);
        if (it == roles.end()) continue;  // reported by RoleCheck
        if (std::find(list.begin(), list.end(), it->second) == list.end()) list.push_back(it->second);
      }
    }
  }
  // MCP tool declarations
  for (const auto& file : layers) {
    for (const auto& spec : file.mcp_tools) {
      McpToolDecl decl;
      bool ok = true;
      auto globs = [&](const Strings& in, std::vector<Glob>* out) {
        for (const auto& s : in) {
          auto g = Glob::Compile(s.value, Glob::Mode::kText);
          if (!g.ok()) {
            local.Error("bad-glob", file.path, s.mark,
                        "mcp_tools: bad pattern '" + Printable(s.value, 60) + "': " + g.status().message());
            ok = false;
            continue;
          }
          out->push_back(std::move(g).value());
        }
      };
      globs(spec.server, &decl.servers);
      globs(spec.tool, &decl.tools);
      for (size_t op = 0; op < spec.paths.size(); ++op) {
        for (const auto& p : spec.paths[op]) decl.paths[op].push_back(SplitJsonPointer(p.value));
      }
      for (const auto& p : spec.commands) decl.commands.push_back(SplitJsonPointer(p.value));
      if (ok) snap->mcp_tools.push_back(std::move(decl));
    }
  }
  // Indexes
  for (uint32_t i = 0; i < snap->rules.size(); ++i) {
    const CompiledRule& r = snap->rules[i];
    switch (r.kind) {
      case RequestKind::kExec:
        if (r.is_signal_rule()) {
          for (const auto& s : r.signals) snap->signal_by_type[s].push_back(i);
        } else if (r.names.empty() && r.name_globs.empty()) {
          snap->exec_any.push_back(i);
        } else {
          const bool by_subcommand = !r.subcommands.empty() && r.name_globs.empty() &&
                                     std::none_of(r.subcommands.begin(), r.subcommands.end(),
                                                  [](const auto& words) { return words.empty(); });
          for (const auto& n : r.names) {
            if (!by_subcommand) {
              snap->exec_by_name[n].push_back(i);
              continue;
            }
            for (const auto& words : r.subcommands) snap->exec_by_subcommand[SubcommandKey(n, words[0])].push_back(i);
          }
          if (!r.name_globs.empty()) {
            snap->exec_glob_names.push_back(i);
            for (const auto& g : r.name_globs) snap->exec_glob_keys.push_back({g.literal_prefix(), i});
          }
        }
        break;
      case RequestKind::kFile: IndexFileRule(r, i, &snap->files); break;
      case RequestKind::kAction: snap->action_rules.push_back(i); break;
      case RequestKind::kHttp: IndexHttpRule(r, i, snap.get()); break;
      case RequestKind::kMcp: snap->mcp_rules.push_back(i); break;
    }
  }
  for (auto& [name, list] : snap->exec_by_name) Dedupe(&list);
  for (auto& [key, list] : snap->exec_by_subcommand) Dedupe(&list);
  for (auto& [name, list] : snap->files.basename) Dedupe(&list);
  for (auto& [name, list] : snap->files.extension) Dedupe(&list);
  Dedupe(&snap->files.anywhere);
  diags->Append(local);
  if (local.has_errors()) return nullptr;
  return snap;
}

}  // namespace warden::policy
