#include "policy/matcher.h"

#include <boost/json.hpp>

#include <algorithm>
#include <charconv>

#include "core/file_kinds.h"
#include "core/path.h"
#include "core/strings.h"

namespace warden::policy {
namespace {

// Records why a rule did not match — built only when someone asked (explain), since matching
// runs for every candidate rule of every fact.
#define WHY_NOT(text)   \
  do {                  \
    if (why) *why = (text); \
    return false;       \
  } while (0)

std::string Quoted(std::string_view s) { return "'" + Printable(s, 60) + "'"; }

bool AnyGlob(const std::vector<Glob>& globs, std::string_view s) {
  return std::any_of(globs.begin(), globs.end(), [&](const Glob& g) { return g.Match(s); });
}

std::string StripSlash(std::string s) {
  if (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

// Whether everything the view stands for lies in the glob's tree ("DIR/**").
bool InTree(const AnchoredGlob& g, const PathView& v, const PathEnv& env) {
  if (!g.tree) return false;
  std::string root = g.anchor == Anchor::kAbsolute ? (g.tree_root.empty() ? std::string("/") : g.tree_root)
                                                   : env.Anchored(g.anchor, g.tree_root);
  std::string_view base = v.glob ? LiteralDir(v.path) : v.path;
  if (v.glob && base.empty()) return false;
  return IsUnder(base, root);
}

// Whether a pattern fact is literally the rule's glob (relative to its anchor): then every
// path it may touch matches. (A shell pattern matches no more than the same policy glob.)
bool SamePattern(const AnchoredGlob& g, const PathView& v, const PathEnv& env) {
  if (!v.glob || g.anchor == Anchor::kAnywhere) return false;
  if (g.anchor == Anchor::kAbsolute) return v.path == g.glob.pattern();
  const std::string& anchor = env.Base(g.anchor);
  if (!IsUnder(LiteralDir(v.path), anchor)) return false;
  std::string_view rel = std::string_view(v.path).substr(anchor == "/" ? 1 : anchor.size() + 1);
  return rel == g.glob.pattern();
}

// A bare-name rule for hidden files (.env.*, .secrets.*) against a pattern whose last component
// is a wildcard and a source kind (`build/**.html`, `src/*.ts`, what `$X.html` gives): they
// meet only if the rule's wildcard swallows the extension (.env.html). Files of a source kind
// are not secrets or settings (core/file_kinds.h), so that is no match.
bool SwallowsSourceKind(const AnchoredGlob& g, std::string_view path) {
  std::string_view rule = g.glob.pattern();
  rule = rule.substr(rule.rfind('/') == std::string_view::npos ? 0 : rule.rfind('/') + 1);
  const size_t slash = path.rfind('/');
  return !rule.empty() && rule[0] == '.' &&
         IsSourceKindPattern(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

// One anchored glob against the path: may it touch a match (certain=false), or is everything
// it touches a match (certain=true)?
bool GlobMatches(const AnchoredGlob& g, const PathView& v, const PathEnv& env, bool certain) {
  if (v.glob && v.pattern) {
    if (certain) return InTree(g, v, env) || (!v.recursive && SamePattern(g, v, env));
    // A pattern path (rm -rf /*, find ~ -name x -delete): does it reach what the rule names?
    const bool tree = v.recursive && v.subtree;
    if (g.anchor == Anchor::kAnywhere) return !SwallowsSourceKind(g, v.path) && g.glob.Intersects(*v.pattern);
    if (g.anchor == Anchor::kAbsolute) return g.glob.Intersects(tree ? *v.subtree : *v.pattern);
    const std::string& anchor = env.Base(g.anchor);
    std::string_view dir = LiteralDir(v.path);
    const size_t slot = static_cast<size_t>(g.anchor) - static_cast<size_t>(Anchor::kHome);
    if (v.patterns && IsUnder(dir, anchor)) {
      // Both relative to the anchor: no compilation per rule.
      const Glob* rel = v.patterns->Relative(slot, tree);
      if (rel) return g.glob.Intersects(*rel);
    }
    if (!IsUnder(anchor, dir) && !IsUnder(dir, anchor)) return false;  // disjoint trees
    std::string escaped = Glob::Escape(anchor);
    std::string pattern = g.glob.pattern().empty() ? escaped : (anchor == "/" ? "/" : escaped + "/") + g.glob.pattern();
    auto absolute = Glob::Compile(pattern, Glob::Mode::kPath);
    return absolute.ok() && absolute->Intersects(tree ? *v.subtree : *v.pattern);
  }
  if (v.recursive && certain) return InTree(g, v, env);
  if (g.anchor == Anchor::kAnywhere) {
    // Every match ends with the glob's literal suffix ("/id_rsa", ".pem"): most paths fail there.
    const std::string& suffix = g.glob.literal_suffix();
    if (!suffix.empty() && (v.path.size() < suffix.size() || v.path.compare(v.path.size() - suffix.size(), suffix.size(), suffix) != 0)) {
      return false;
    }
    return g.glob.Match(v.path);
  }
  const std::string& anchor = env.Base(g.anchor);
  std::string_view rel = v.path;
  bool inside = true;
  if (!anchor.empty()) {
    if (IsUnder(v.path, anchor)) {
      rel = v.path.size() == anchor.size() ? std::string_view() : v.path.substr(anchor == "/" ? 1 : anchor.size() + 1);
    } else {
      inside = false;
    }
  }
  if (inside && g.glob.Match(rel)) return true;
  // A recursive operation on a tree that contains the area the glob protects. (Globs that
  // name files anywhere, "**/.env", apply to the files named, not to every tree.)
  if (v.recursive) {
    std::string area = anchor.empty() ? g.prefix : (g.prefix.empty() ? anchor : JoinPath(anchor, g.prefix));
    if (!area.empty() && IsUnder(StripSlash(area), v.path)) return true;
  }
  return false;
}

}  // namespace

const std::string& PathEnv::Base(Anchor a) const {
  static const std::string kEmpty;
  switch (a) {
    case Anchor::kHome: return home;
    case Anchor::kWorkspace: return workspace;
    case Anchor::kCwd: return cwd;
    default: return kEmpty;
  }
}

std::string PathEnv::Anchored(Anchor a, std::string_view rel) const {
  const std::string* base = nullptr;
  switch (a) {
    case Anchor::kAbsolute: return std::string(rel);
    case Anchor::kHome: base = &home; break;
    case Anchor::kWorkspace: base = &workspace; break;
    case Anchor::kCwd: base = &cwd; break;
    case Anchor::kAnywhere: return std::string(rel);
  }
  if (rel.empty()) return *base;
  return NormalizePath(JoinPath(*base, rel));
}

std::string_view LiteralDir(std::string_view path) {
  size_t special = path.find_first_of("*?[{");
  std::string_view lit = path.substr(0, special);
  if (special == std::string_view::npos) return path;
  size_t slash = lit.rfind('/');
  if (slash == std::string_view::npos) return {};
  if (slash == 0) return "/";
  return lit.substr(0, slash);
}

bool MatchPath(const CompiledPath& p, const PathView& v, const PathEnv& env, std::string* why, bool certain) {
  if (p.empty()) return true;
  if (v.dynamic) WHY_NOT("the path " + Quoted(v.path) + " is only known at run time");
  const bool wide = v.glob || v.recursive;  // stands for more than one path
  std::string_view base = v.glob ? LiteralDir(v.path) : v.path;
  if (!p.globs.empty() && std::none_of(p.globs.begin(), p.globs.end(),
                                       [&](const AnchoredGlob& g) { return GlobMatches(g, v, env, certain); })) {
    WHY_NOT("path " + Quoted(v.path) + (certain && wide ? " is not entirely inside" : " matches none of") +
                         " the rule's globs");
  }
  if (!p.under.empty() && std::none_of(p.under.begin(), p.under.end(), [&](const Root& r) {
        std::string root = env.Anchored(r.anchor, r.rel);
        return IsUnder(base, root) || (!certain && wide && IsUnder(root, base));
      })) {
    WHY_NOT("path " + Quoted(v.path) + " is not under any of the rule's roots");
  }
  for (const Root& r : p.outside) {
    std::string root = env.Anchored(r.anchor, r.rel);
    if (IsUnder(base, root) || (certain && wide && IsUnder(root, base))) {
      WHY_NOT("path " + Quoted(v.path) + " is (or may be) under " + Quoted(root));
    }
  }
  if (!p.is.empty() && std::none_of(p.is.begin(), p.is.end(), [&](const Root& r) {
        std::string root = env.Anchored(r.anchor, r.rel);
        if (certain) return !wide && v.path == root;
        // "DIR/*" stands for everything in DIR: as good as DIR itself (rm -rf * at the top).
        if (v.glob && Basename(v.path) == "*" && LiteralDir(v.path) == root) return true;
        if (v.pattern) return v.pattern->Match(root) || (v.recursive && v.subtree && v.subtree->Match(root));
        return v.recursive ? IsUnder(root, v.path) : v.path == root;
      })) {
    WHY_NOT("path " + Quoted(v.path) + " is none of the rule's paths");
  }
  return true;
}

namespace {

bool HasFlag(const std::vector<shell::Option>& options, const std::vector<std::string>& alternatives) {
  for (const auto& o : options) {
    for (const auto& a : alternatives) {
      if (o.name == a) return true;
      // GNU long options may be abbreviated: "--recur" is "--recursive".
      if (o.name.size() >= 3 && o.name[1] == '-' && a.size() > o.name.size() && a.compare(0, o.name.size(), o.name) == 0) {
        return true;
      }
    }
  }
  return false;
}

std::string FlagText(const std::vector<std::string>& alternatives) { return Join(alternatives, "|"); }

bool MatchArg(const CompiledArg& a, const shell::CommandFact& c, uint32_t idx, const PathEnv& env, bool certain) {
  const std::string& text = c.argv[idx];
  uint8_t bits = c.arg_bits[idx];
  bool dynamic = bits & shell::kArgDynamic;
  if (a.dynamic && *a.dynamic != dynamic) return false;
  if (!a.text.empty() && !a.text.Match(text)) return false;
  if (a.path.empty()) return true;
  auto check = [&](const std::string& path, bool dyn) {
    shell::FileFact f;
    f.path = path;
    f.dynamic = dyn;
    f.glob = !dyn && (bits & (shell::kArgGlob | shell::kArgPattern));
    f.shell_glob = f.glob && !(bits & shell::kArgPattern);
    f.recursive = bits & shell::kArgTree;
    std::optional<Glob> pattern = f.glob ? FactPattern(f, false) : std::nullopt;
    std::optional<Glob> subtree = f.glob && f.recursive ? FactPattern(f, true) : std::nullopt;
    PathView v{path, dyn, f.glob, f.recursive, pattern ? &*pattern : nullptr, subtree ? &*subtree : nullptr};
    return MatchPath(a.path, v, env, nullptr, certain);
  };
  if (dynamic || text.empty()) return check(text, true);
  if (text.front() == '/') return check(NormalizePath(text), false);
  if (c.cwd_unknown || c.cwds.empty()) return check(text, true);
  return std::any_of(c.cwds.begin(), c.cwds.end(),
                     [&](const std::string& cwd) { return check(NormalizePath(JoinPath(cwd, text)), false); });
}

}  // namespace

bool MatchCommand(const CompiledRule& r, const shell::CommandFact& c, std::string_view line, const PathEnv& env,
                  std::string* why) {
  if ((!r.names.empty() || !r.name_globs.empty()) &&
      std::find(r.names.begin(), r.names.end(), c.name) == r.names.end() && !AnyGlob(r.name_globs, c.name)) {
    WHY_NOT("the command is " + Quoted(c.name));
  }
  if (c.dry_run && r.decision == Decision::kAsk && !r.final) WHY_NOT("the command is a dry run");
  const bool certain = r.decision == Decision::kAllow;
  size_t consumed = 0;
  if (!r.subcommands.empty()) {
    bool found = false;
    for (const auto& words : r.subcommands) {
      if (c.operands.size() < words.size()) continue;
      bool all = true;
      for (size_t i = 0; i < words.size() && all; ++i) all = c.argv[c.operands[i]] == words[i];
      if (all) {
        consumed = words.size();
        found = true;
        break;
      }
    }
    if (!found) {
      WHY_NOT(c.operands.empty() ? std::string("there is no subcommand")
                                          : "the subcommand is " + Quoted(c.argv[c.operands[0]]));
    }
  }
  for (const auto& f : r.flags_all) {
    if (!HasFlag(c.options, f)) WHY_NOT("flag " + FlagText(f) + " is not given");
  }
  if (!r.flags_any.empty() &&
      std::none_of(r.flags_any.begin(), r.flags_any.end(), [&](const auto& f) { return HasFlag(c.options, f); })) {
    WHY_NOT("none of the flags it looks for is given");
  }
  for (const auto& f : r.flags_none) {
    if (HasFlag(c.options, f)) WHY_NOT("flag " + FlagText(f) + " is given");
  }
  const size_t n = c.operands.size() - std::min(consumed, c.operands.size());
  if (r.args_min >= 0 && n < static_cast<size_t>(r.args_min)) WHY_NOT("too few arguments");
  if (r.args_max >= 0 && n > static_cast<size_t>(r.args_max)) WHY_NOT("too many arguments");
  auto args_begin = c.operands.begin() + static_cast<std::ptrdiff_t>(std::min(consumed, c.operands.size()));
  if (r.args_any.present &&
      std::none_of(args_begin, c.operands.end(), [&](uint32_t i) { return MatchArg(r.args_any, c, i, env, certain); })) {
    WHY_NOT("no argument matches args.any");
  }
  if (r.args_all.present &&
      !std::all_of(args_begin, c.operands.end(), [&](uint32_t i) { return MatchArg(r.args_all, c, i, env, certain); })) {
    WHY_NOT("not every argument matches args.all");
  }
  if (r.args_none.present &&
      std::any_of(args_begin, c.operands.end(), [&](uint32_t i) { return MatchArg(r.args_none, c, i, env, !certain); })) {
    WHY_NOT("an argument matches args.none");
  }
  if (!r.line.empty() && !r.line.Match(line)) WHY_NOT("the command line does not match 'line'");
  if (!r.stdin_text.empty() && !(c.stdin_known && r.stdin_text.Match(c.stdin_text))) {
    WHY_NOT(c.stdin_known ? "its input does not match 'stdin'" : "its input is not known");
  }
  if (r.privileged && *r.privileged != c.privileged) {
    WHY_NOT(c.privileged ? "it runs with privileges" : "it does not run with privileges");
  }
  if (!r.via.empty() && std::none_of(c.via.begin(), c.via.end(), [&](const std::string& v) { return AnyGlob(r.via, v); })) {
    WHY_NOT("it is not run through the wrappers listed in 'via'");
  }
  if (!r.cwd.empty()) {
    bool ok = c.cwd_unknown || c.cwds.empty()
                  ? MatchPath(r.cwd, PathView{"?", true}, env, nullptr)
                  : std::any_of(c.cwds.begin(), c.cwds.end(),
                                [&](const std::string& d) { return MatchPath(r.cwd, PathView{d}, env, nullptr); });
    if (!ok) WHY_NOT("its working directory does not match 'cwd'");
  }
  return true;
}

const Glob* FactPatterns::Relative(size_t slot, bool tree) const {
  if (slot >= 3 || relative_text[slot].empty()) return nullptr;
  if (!tried_[slot][tree]) {
    tried_[slot][tree] = true;
    auto g = Glob::Compile(relative_text[slot], mode, tree);
    if (g.ok()) compiled_[slot][tree] = std::move(g).value();
  }
  return compiled_[slot][tree] ? &*compiled_[slot][tree] : nullptr;
}

std::optional<Glob> FactPattern(const shell::FileFact& f, bool subtree) {
  auto g = Glob::Compile(f.path, f.shell_glob ? Glob::Mode::kShell : Glob::Mode::kPath, subtree);
  if (!g.ok()) return std::nullopt;
  return std::move(g).value();
}

bool MatchFile(const CompiledRule& r, const shell::FileFact& f, const FactPatterns* patterns, const PathEnv& env,
               std::string* why) {
  const Glob* pattern = patterns ? patterns->absolute : nullptr;
  const Glob* subtree = patterns ? patterns->absolute_tree : nullptr;
  if (r.ops && !(r.ops & (1u << static_cast<unsigned>(f.op)))) {
    WHY_NOT("the operation is " + std::string(shell::FileOpName(f.op)));
  }
  if (r.recursive && *r.recursive != f.recursive) WHY_NOT(f.recursive ? "it is recursive" : "it is not recursive");
  if (r.dynamic && *r.dynamic != f.dynamic) {
    WHY_NOT(f.dynamic ? "the path is only known at run time" : "the path is known");
  }
  if (r.guessed && *r.guessed != f.guessed) WHY_NOT(f.guessed ? "the access is a guess" : "the access is certain");
  if (r.glob && *r.glob != f.glob) WHY_NOT(f.glob ? "the path is a pattern" : "the path is not a pattern");
  if (!r.sources.empty() && !AnyGlob(r.sources, f.source)) WHY_NOT("it comes from " + Quoted(f.source));
  // Allow rules must hold for every path the fact may touch; deny and ask rules for any.
  const bool certain = r.decision == Decision::kAllow;
  if (r.direct && f.glob) WHY_NOT("the rule matches named paths, and this is a pattern");
  // direct: only the path itself, not what lies below it.
  const bool recursive = f.recursive && !r.direct;
  PathView v{f.path, f.dynamic, f.glob, recursive, pattern, recursive ? subtree : nullptr, patterns};
  if (f.lexical.empty()) return MatchPath(r.path, v, env, why, certain);
  // Through a symlink: the real path and the written one. A deny/ask rule matching either
  // applies; an allow rule must hold for both.
  PathView lex{f.lexical, f.dynamic, f.glob, recursive, nullptr, nullptr};
  if (certain) return MatchPath(r.path, v, env, why, true) && MatchPath(r.path, lex, env, why, true);
  return MatchPath(r.path, v, env, why, false) || MatchPath(r.path, lex, env, nullptr, false);
}

bool MatchSignal(const CompiledRule& r, const shell::SignalFact& s, std::string* why) {
  if (std::find(r.signals.begin(), r.signals.end(), s.type) == r.signals.end()) WHY_NOT("the fact is " + s.type);
  if (!r.detail.empty() && !r.detail.Match(s.detail)) WHY_NOT("the detail does not match");
  return true;
}

bool MatchAction(const CompiledRule& r, const Request& req, const std::vector<const RolePerms*>* roles,
                 std::string* why) {
  if (!r.subjects.empty() && !AnyGlob(r.subjects, req.subject)) WHY_NOT("the subject is " + Quoted(req.subject));
  if (!r.actions.empty() && !AnyGlob(r.actions, req.action)) WHY_NOT("the action is " + Quoted(req.action));
  if (!r.resource_types.empty() && !AnyGlob(r.resource_types, req.resource_type)) {
    WHY_NOT("the resource type is " + Quoted(req.resource_type));
  }
  if (!r.resource_ids.empty() && !AnyGlob(r.resource_ids, req.resource_id)) {
    WHY_NOT("the resource id is " + Quoted(req.resource_id));
  }
  if (!r.roles.empty()) {
    bool has = roles && std::any_of(roles->begin(), roles->end(), [&](const RolePerms* p) {
                 return std::find(r.roles.begin(), r.roles.end(), p->name) != r.roles.end();
               });
    if (!has) WHY_NOT("the subject has none of the roles");
  }
  return true;
}

bool MatchHttp(const CompiledRule& r, const HttpTarget& t, std::string* why) {
  if (!r.methods.empty() && !AnyGlob(r.methods, t.method)) WHY_NOT("the method is " + Quoted(t.method));
  const bool wants_place = r.schemes != 0 || !r.hosts.empty() || !r.ports.empty();
  if (wants_place && !t.has_host()) WHY_NOT("the request names no scheme, host or port (only a path)");
  if (r.schemes != 0 && !(r.schemes & (t.scheme == "https" ? 2 : 1))) WHY_NOT("the scheme is " + t.scheme);
  if (!r.hosts.empty() &&
      std::none_of(r.hosts.begin(), r.hosts.end(), [&](const HostPattern& h) { return h.Match(t); })) {
    WHY_NOT("the host is " + Quoted(t.host));
  }
  if (!r.ports.empty() && std::find(r.ports.begin(), r.ports.end(), t.port) == r.ports.end()) {
    WHY_NOT("the port is " + std::to_string(t.port));
  }
  if (!r.url_paths.empty() && !AnyGlob(r.url_paths, t.path)) WHY_NOT("the path is " + Quoted(t.path));
  if (!r.url.empty() && !r.url.Match(t.url)) WHY_NOT("the URL does not match 'url'");
  return true;
}

void CollectPointer(const boost::json::value& root, const JsonPointerTokens& tokens,
                    std::vector<const boost::json::value*>* out) {
  // Iterative over a small explicit stack: a pointer is short, "*" fans out.
  struct Step {
    const boost::json::value* v;
    size_t depth;
  };
  std::vector<Step> stack{{&root, 0}};
  while (!stack.empty()) {
    Step s = stack.back();
    stack.pop_back();
    if (s.depth == tokens.size()) {
      out->push_back(s.v);
      continue;
    }
    const std::string& t = tokens[s.depth];
    if (s.v->is_object()) {
      const auto& o = s.v->get_object();
      if (t == "*") {
        for (const auto& [k, v] : o) stack.push_back({&v, s.depth + 1});
      } else if (const boost::json::value* v = o.if_contains(t)) {
        stack.push_back({v, s.depth + 1});
      }
    } else if (s.v->is_array()) {
      const auto& a = s.v->get_array();
      if (t == "*") {
        for (const auto& v : a) stack.push_back({&v, s.depth + 1});
        continue;
      }
      size_t idx = 0;
      auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), idx);
      if (ec == std::errc() && p == t.data() + t.size() && !t.empty() && (t == "0" || t[0] != '0') && idx < a.size()) {
        stack.push_back({&a[idx], s.depth + 1});
      }
    }
  }
}

std::string JsonText(const boost::json::value& v) {
  if (v.is_string()) return std::string(v.get_string());
  return boost::json::serialize(v);
}

bool MatchMcp(const CompiledRule& r, const Request& req, const PathEnv& env, std::string* why) {
  if (!r.mcp_servers.empty() && !AnyGlob(r.mcp_servers, req.server)) WHY_NOT("the server is " + Quoted(req.server));
  if (!r.mcp_tools.empty() && !AnyGlob(r.mcp_tools, req.tool)) WHY_NOT("the tool is " + Quoted(req.tool));
  std::vector<const boost::json::value*> values;
  for (const McpArgPredicate& p : r.mcp_args) {
    values.clear();
    CollectPointer(req.arguments, p.tokens, &values);
    if (values.empty()) WHY_NOT("the arguments have no " + p.pointer);
    const bool certain = r.decision == Decision::kAllow;
    auto holds = [&](const boost::json::value* v) {
      std::string text = JsonText(*v);
      if (!p.arg.text.empty() && !p.arg.text.Match(text)) return false;
      if (p.arg.path.empty()) return true;
      if (!v->is_string() || text.empty() || text.find('\0') != std::string::npos) return false;
      std::string path = ResolvePath(text, env.cwd, env.home);
      PathView view{path, false, false, false, nullptr, nullptr};
      return MatchPath(p.arg.path, view, env, nullptr, certain);
    };
    // An allow rule needs every selected value to satisfy it; deny and ask need one.
    bool ok = certain ? std::all_of(values.begin(), values.end(), holds) : std::any_of(values.begin(), values.end(), holds);
    if (!ok) WHY_NOT(p.pointer + " does not match");
  }
  return true;
}

}  // namespace warden::policy
