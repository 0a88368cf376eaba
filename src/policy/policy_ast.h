// The policy AST: one PolicyFile per layer, as the reader understood it, every value still
// carrying its position. The checkers read it; the compiler turns the layers into a Snapshot.
// Plain data.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "policy/decision.h"
#include "policy/request.h"
#include "policy/sandbox_settings.h"
#include "policy/yaml_document.h"
#include "shell/facts.h"

namespace warden::policy {

template <typename T>
struct Located {
  T value{};
  Mark mark;
};

using Strings = std::vector<Located<std::string>>;

// Where a policy file comes from; later layers add to (and may override) earlier ones.
enum class LayerKind : uint8_t { kBuiltin, kUser, kRepository, kCommandLine };
std::string_view LayerName(LayerKind k);

// Predicates on a path (a file fact, an exec operand read as a path, a cwd).
struct PathSpec {
  Strings glob;     // any of these globs (anchored: /, ~/, $HOME/, $WORKSPACE/, $CWD/, **/; bare name = any dir)
  Strings under;    // equal to or below any of these roots
  Strings outside;  // below none of these roots
  Strings is;       // exactly one of these paths
  bool empty() const { return glob.empty() && under.empty() && outside.empty() && is.empty(); }
};

// Predicates on a text (an argument, the command line, stdin, a signal's detail).
struct TextSpec {
  Strings glob;
  std::optional<Located<std::string>> regex;
  bool empty() const { return glob.empty() && !regex; }
};

// One argument predicate: all given parts must hold.
struct ArgSpec {
  bool present = false;
  Mark mark;
  TextSpec text;
  PathSpec path;
  std::optional<bool> dynamic;
};

struct ArgsSpec {
  ArgSpec any, all, none;
  std::optional<Located<int>> min, max;
  bool empty() const { return !any.present && !all.present && !none.present && !min && !max; }
};

// Each entry lists alternative spellings ("-r|-R|--recursive").
struct FlagsSpec {
  std::vector<Located<std::vector<std::string>>> all, any, none;
  bool empty() const { return all.empty() && any.empty() && none.empty(); }
};

struct ExecMatch {
  Strings command;
  std::vector<Located<std::vector<std::string>>> subcommand;  // each: words ("volume prune")
  FlagsSpec flags;
  ArgsSpec args;
  TextSpec line;
  TextSpec stdin_text;
  std::optional<bool> privileged;
  Strings via;
  PathSpec cwd;
  Strings fact;  // signal types: the rule matches signals instead of commands
  TextSpec detail;
};

struct FileMatch {
  std::vector<Located<shell::FileOp>> ops;
  PathSpec path;
  std::optional<bool> recursive, dynamic, guessed, glob;
  // direct: match only paths the fact names itself — not the contents of a tree it recurses
  // into, nor what a pattern (rm -rf *, tar -x DIR) may include.
  bool direct = false;
  Strings command;  // the command that produced the fact ("request" for file requests)
};

struct ActionMatch {
  Strings subject, action, resource_type, resource_id, role;
};

struct HttpMatch {
  Strings method;  // globs, case-insensitive
  std::vector<Located<std::string>> scheme;  // "http" / "https", checked by the reader
  Strings host;    // globs (case-insensitive) or CIDR networks
  std::vector<Located<int>> port;
  Strings path;    // path globs ('*' within a segment, '**' across)
  TextSpec url;    // the whole normalized URL
};

// One `args:` entry of an mcp rule: a JSON pointer into the tool call's arguments ("/path";
// "*" as a segment stands for every element: "/paths/*") and what its value must satisfy.
struct McpArgSpec {
  Located<std::string> pointer;
  ArgSpec arg;
};

struct McpMatch {
  Strings server;  // globs over the server's name (warden mcp --name, or mcp__SERVER__ in hooks)
  Strings tool;    // globs over the tool's name
  std::vector<McpArgSpec> args;  // all must hold
};

// An `mcp_tools:` entry: which arguments of which tools name files (read, write, delete,
// exec) or hold shell commands. Those values are decided by the file rules and the shell
// analysis as well as by the mcp rules.
struct McpToolSpec {
  Mark mark;
  Strings server;  // globs; none = every server
  Strings tool;    // globs; at least one
  std::array<Strings, 4> paths;  // JSON pointers, by shell::FileOp
  Strings commands;              // JSON pointers to shell command strings
};

struct RuleSpec {
  Located<std::string> id;
  Mark mark;
  RequestKind kind = RequestKind::kExec;
  Mark kind_mark;
  Decision decision = Decision::kDeny;
  std::string reason;
  uint8_t contexts = kAllContexts;
  Mark contexts_mark;
  int priority = 0;
  bool final = false;
  std::string match_key;  // canonical text of `match`, to find duplicates
  Mark match_mark;
  ExecMatch exec;
  FileMatch file;
  ActionMatch action;
  HttpMatch http;
  McpMatch mcp;
};

struct RoleSpec {
  Located<std::string> name;
  Strings allow;
};

struct SubjectSpec {
  Located<std::string> name;
  Strings roles;
};

struct PolicyTest {
  std::string name;
  Mark mark;
  Request request;
  RequestPresence present;
  Decision expect = Decision::kAllow;
  std::optional<std::string> expect_rule;  // "" means: decided by a default
};

// One context's `sandbox:` entry in one layer: only what this layer says; the compiler merges
// layers (a repository layer may only tighten, layer_check.cc).
struct SandboxSpec {
  Mark mark;
  std::optional<Located<bool>> enabled;
  std::optional<Located<SandboxNetwork>> network;
  std::optional<Located<bool>> unix_sockets;
  Strings writable, protected_paths, deny_read, deny_read_rules;
  std::optional<Located<int64_t>> nproc, fsize, nofile, core;
  std::optional<Located<bool>> refuse_unsupported;
};

struct PolicyFile {
  std::string path;  // as shown in messages ("<builtin:default>" for embedded ones)
  LayerKind layer = LayerKind::kCommandLine;
  int version = 0;
  std::string name;
  std::array<std::optional<Located<Decision>>, kContextCount> defaults;
  std::vector<RuleSpec> rules;
  std::vector<RoleSpec> roles;
  std::vector<SubjectSpec> subjects;
  Strings rate_limits;  // "NAME=VALUE" specs (core/rate_spec.h), checked by the reader
  std::vector<McpToolSpec> mcp_tools;
  std::vector<PolicyTest> tests;
  Strings disable;
  Strings packs;  // built-in rule packs this layer turns on (policies/packs/NAME.yaml)
  std::array<std::optional<SandboxSpec>, kContextCount> sandbox;
};

}  // namespace warden::policy
