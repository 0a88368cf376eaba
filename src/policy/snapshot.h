// The compiled policy: immutable once built, shared read-only by every evaluation (and, in
// the daemon, swapped whole on reload). Rules are indexed so that evaluating a fact only
// looks at rules that could match it:
//   exec rules    by normalized command name (plus the few with glob names or none)
//   signal rules  by signal type
//   file rules    by literal path prefix in one trie per anchor (/, ~, $WORKSPACE, $CWD),
//                 by basename ("**/.env") and by extension ("**/*.pem")
//   http rules    by literal host (plus those with host globs, networks or no host)
//   mcp rules     not indexed (few per policy)
//   RBAC          subject → roles → permission sets (hash lookups)
// Thread-safety: all members are const after Compile(); concurrent reads are safe.
#pragma once

#include <re2/re2.h>

#include <array>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/warden_self.h"
#include "core/glob.h"
#include "policy/decision.h"
#include "policy/http_target.h"
#include "policy/policy_ast.h"
#include "policy/sandbox_settings.h"

namespace warden::policy {

// The key of exec_by_subcommand: the command's name and its first operand.
inline std::string SubcommandKey(std::string_view name, std::string_view first) {
  std::string key(name);
  key += '\x1f';
  key += first;
  return key;
}

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
template <typename V>
using StringMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;
using StringSet = std::unordered_set<std::string, StringHash, std::equal_to<>>;

// An RE2 compiled on first use. The built-in policies hold some large regexes that most
// decisions never reach (a hook process makes one decision); their syntax is checked by the
// tests, so compiling them at load time would only cost start-up. Regexes of other layers are
// compiled at load time (so that errors are reported then) and handed over already built.
// Thread-safe: the first users race on std::call_once.
class LazyRegex {
 public:
  explicit LazyRegex(std::string pattern) : pattern_(std::move(pattern)) {}
  explicit LazyRegex(std::unique_ptr<RE2> built) : pattern_(built->pattern()), re_(std::move(built)) {
    std::call_once(once_, [] {});
  }
  static RE2::Options Options() {
    RE2::Options o;
    o.set_log_errors(false);
    return o;
  }
  const RE2& get() const {
    std::call_once(once_, [this] { re_ = std::make_unique<RE2>(pattern_, Options()); });
    return *re_;
  }
  const std::string& pattern() const { return pattern_; }

 private:
  std::string pattern_;
  mutable std::once_flag once_;
  mutable std::unique_ptr<RE2> re_;
};

struct CompiledText {
  std::vector<Glob> globs;
  std::shared_ptr<const LazyRegex> regex;
  bool empty() const { return globs.empty() && !regex; }
  bool Match(std::string_view s) const;  // any glob, or the regex (partial match)
};

// Where a path pattern or root is anchored; resolved against the request at evaluation.
enum class Anchor : uint8_t { kAbsolute, kHome, kWorkspace, kCwd, kAnywhere };

struct AnchoredGlob {
  Anchor anchor = Anchor::kAbsolute;
  Glob glob;            // relative to the anchor (kAnywhere: matched against the whole path)
  std::string prefix;   // literal directory prefix relative to the anchor ("" if none)
  bool tree = false;    // the glob is "DIR/**": everything below DIR (tree_root), relative to the anchor
  std::string tree_root;
};

struct Root {
  Anchor anchor = Anchor::kAbsolute;
  std::string rel;  // absolute path (kAbsolute) or path below the anchor ("" for the anchor itself)
};

struct CompiledPath {
  std::vector<AnchoredGlob> globs;
  std::vector<Root> under, outside, is;
  bool empty() const { return globs.empty() && under.empty() && outside.empty() && is.empty(); }
};

struct CompiledArg {
  bool present = false;
  CompiledText text;
  CompiledPath path;
  std::optional<bool> dynamic;
};

// One `host:` entry of an http rule.
struct HostPattern {
  enum class Type : uint8_t { kLiteral, kGlob, kNetwork };
  Type type = Type::kLiteral;
  std::string literal;  // lowercased; an IP address in canonical form, IPv6 without brackets
  Glob glob;            // lowercased
  IpNetwork network;
  bool Match(const HttpTarget& t) const;
};

// A JSON pointer split into unescaped tokens; "*" stands for every element.
using JsonPointerTokens = std::vector<std::string>;
JsonPointerTokens SplitJsonPointer(std::string_view pointer);

// One `args:` predicate of an mcp rule.
struct McpArgPredicate {
  std::string pointer;  // as written, for messages
  JsonPointerTokens tokens;
  CompiledArg arg;
};

// An `mcp_tools:` declaration, compiled.
struct McpToolDecl {
  std::vector<Glob> servers;  // empty: every server
  std::vector<Glob> tools;
  std::array<std::vector<JsonPointerTokens>, 4> paths;  // by shell::FileOp
  std::vector<JsonPointerTokens> commands;
  bool Applies(std::string_view server, std::string_view tool) const;
};

struct CompiledRule {
  // identity
  std::string id;
  RequestKind kind = RequestKind::kExec;
  Decision decision = Decision::kDeny;
  std::string reason;
  uint8_t contexts = kAllContexts;
  int priority = 0;
  bool final = false;
  std::string file;
  Mark mark;
  LayerKind layer = LayerKind::kBuiltin;
  // exec: commands
  std::vector<std::string> names;        // literal command names
  std::vector<Glob> name_globs;          // glob command names
  std::vector<std::vector<std::string>> subcommands;
  std::vector<std::vector<std::string>> flags_all, flags_any, flags_none;
  CompiledArg args_any, args_all, args_none;
  int args_min = -1, args_max = -1;
  CompiledText line, stdin_text;
  std::optional<bool> privileged;
  std::vector<Glob> via;
  CompiledPath cwd;
  // exec: signals
  std::vector<std::string> signals;
  CompiledText detail;
  // file
  uint8_t ops = 0;  // bit per shell::FileOp; 0 = any
  CompiledPath path;
  std::optional<bool> recursive, dynamic, guessed, glob;
  bool direct = false;
  std::vector<Glob> sources;
  // action
  std::vector<Glob> subjects, actions, resource_types, resource_ids;
  std::vector<std::string> roles;
  // http
  std::vector<Glob> methods;  // uppercased
  uint8_t schemes = 0;        // bit 0: http, bit 1: https; 0 = any
  std::vector<HostPattern> hosts;
  std::vector<uint16_t> ports;
  std::vector<Glob> url_paths;
  CompiledText url;
  // mcp
  std::vector<Glob> mcp_servers, mcp_tools;
  std::vector<McpArgPredicate> mcp_args;

  bool is_signal_rule() const { return !signals.empty(); }
};

// Permissions of one role, ready for lookup.
struct RolePerms {
  std::string name;
  bool all = false;                        // "*" or "*:*"
  StringMap<StringSet> exact;              // type → actions
  StringSet any_action;                    // "type:*"
  StringSet any_type;                      // "*:action"
  std::vector<std::pair<Glob, Glob>> globs;  // other patterns ("doc*:read")
  bool Grants(std::string_view type, std::string_view action) const;
};

class PathTrie {
 public:
  void Insert(std::string_view dir, uint32_t rule);
  // Rules stored at `path`'s ancestors (and at path); with `subtree`, also everything below.
  void Collect(std::string_view path, bool subtree, std::vector<uint32_t>* out) const;
  void CollectAll(std::vector<uint32_t>* out) const;
  bool empty() const { return nodes_.size() <= 1 && (nodes_.empty() || nodes_[0].rules.empty()); }

 private:
  struct Node {
    StringMap<uint32_t> children;
    std::vector<uint32_t> rules;
  };
  void CollectBelow(uint32_t node, std::vector<uint32_t>* out) const;
  std::vector<Node> nodes_{Node{}};
};

struct FileIndex {
  std::array<PathTrie, 4> tries;  // indexed by Anchor (kAbsolute … kCwd)
  StringMap<std::vector<uint32_t>> basename;
  StringMap<std::vector<uint32_t>> extension;
  // "**/.env.*", "**/service-account*.json": by the literal start of the name.
  std::vector<std::pair<std::string, uint32_t>> name_prefix;
  std::vector<uint32_t> anywhere;  // other kAnywhere globs (always considered)
  std::vector<uint32_t> always;    // cannot be indexed by path
};

struct PolicySource {
  std::string path;
  LayerKind layer;
  std::string name;
  size_t rules = 0;
};

class Snapshot {
 public:
  std::vector<CompiledRule> rules;
  std::array<Decision, kContextCount> defaults{Decision::kAllow, Decision::kAllow, Decision::kDeny};
  std::vector<PolicySource> sources;
  std::string revision;
  WardenSelf self;  // where Warden lives for the process that compiled this (the analyzer protects it)

  // indexes (rule indices into `rules`)
  StringMap<std::vector<uint32_t>> exec_by_name;
  // Rules naming commands and subcommands ("git" + "push"), keyed by SubcommandKey(name, first
  // word): tried only for commands with that first operand.
  StringMap<std::vector<uint32_t>> exec_by_subcommand;
  std::vector<uint32_t> exec_glob_names;
  // The name globs of the rules in exec_glob_names, flat and in rule order, so that a
  // command's candidates are found without touching the rules: each glob's literal prefix. (The
  // exact names of those rules are in exec_by_name.)
  struct GlobName {
    std::string key;
    uint32_t rule;
  };
  std::vector<GlobName> exec_glob_keys;
  std::vector<uint32_t> exec_any;
  StringMap<std::vector<uint32_t>> signal_by_type;
  FileIndex files;
  std::vector<uint32_t> action_rules;
  StringMap<std::vector<uint32_t>> http_by_host;  // rules whose hosts are all literal
  std::vector<uint32_t> http_any;                 // the other http rules
  std::vector<uint32_t> mcp_rules;
  std::vector<McpToolDecl> mcp_tools;  // in layer order
  StringMap<std::vector<const RolePerms*>> subjects;
  std::vector<std::unique_ptr<RolePerms>> roles;
  StringMap<const RolePerms*> role_by_name;  // a token's or JWT's role (HTTP API authorization)
  // The HTTP API's rate limits: "NAME=VALUE" specs (core/rate_spec.h) of every layer but the
  // repository's, in layer order — applied in order, a later one wins.
  std::vector<std::string> rate_limits;
  // The kernel sandbox of each context (policy/sandbox_merge.h), by Context.
  std::array<SandboxSettings, kContextCount> sandbox;

  size_t permission_count = 0;  // RBAC permission entries, for reports
};

}  // namespace warden::policy
