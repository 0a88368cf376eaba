// Rule predicates against facts. Each Match* returns whether the rule matches; when it does
// not and `why` is non-null, *why gets a short phrase saying which condition failed (for
// `warden explain`). Pure functions over immutable inputs; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/glob.h"
#include "policy/request.h"
#include "policy/snapshot.h"
#include "shell/facts.h"

namespace warden::policy {

// The request's places, normalized, that anchored patterns resolve against.
struct PathEnv {
  std::string cwd;
  std::string workspace;
  std::string home;
  std::string Anchored(Anchor a, std::string_view rel) const;
  const std::string& Base(Anchor a) const;  // home, workspace or cwd ("" for absolute)
};

// A fact's pattern, compiled once per evaluation: as written, relative to each anchor it
// lies under, and for recursive facts also matching everything below. The evaluator fills
// one per pattern fact; the matcher uses it to intersect with anchored rule globs without
// compiling anything per rule.
struct FactPatterns {
  const Glob* absolute = nullptr;
  const Glob* absolute_tree = nullptr;
  // By anchor (home, workspace, cwd): the pattern relative to it, "" if it does not lie there.
  // Compiled the first time a rule anchored there asks (most candidate rules never do).
  std::string relative_text[3];
  Glob::Mode mode = Glob::Mode::kPath;
  const Glob* Relative(size_t slot, bool tree) const;

 private:
  mutable std::optional<Glob> compiled_[3][2];
  mutable bool tried_[3][2] = {};
};

// A path as the predicates see it.
struct PathView {
  std::string_view path;
  bool dynamic = false;
  bool glob = false;
  bool recursive = false;
  const Glob* pattern = nullptr;  // the path compiled as a glob, when `glob`
  const Glob* subtree = nullptr;  // … also matching everything below, when `glob` and `recursive`
  const FactPatterns* patterns = nullptr;  // relative compilations, when available
};

// Compiles a fact's pattern path: bash semantics for shell globs, policy semantics for the
// patterns Warden makes (find ROOT/**/NAME). Null when it does not compile.
std::optional<Glob> FactPattern(const shell::FileFact& f, bool subtree);

// `certain` asks whether every path the view may stand for satisfies the predicate (used for
// allow rules); otherwise whether some path may (deny and ask rules). They differ only for
// patterns and recursive operations.
bool MatchPath(const CompiledPath& p, const PathView& v, const PathEnv& env, std::string* why, bool certain = false);

bool MatchCommand(const CompiledRule& r, const shell::CommandFact& c, std::string_view line, const PathEnv& env,
                  std::string* why);
bool MatchFile(const CompiledRule& r, const shell::FileFact& f, const FactPatterns* patterns, const PathEnv& env,
               std::string* why);
bool MatchSignal(const CompiledRule& r, const shell::SignalFact& s, std::string* why);
bool MatchAction(const CompiledRule& r, const Request& req, const std::vector<const RolePerms*>* roles,
                 std::string* why);
// Allocates nothing unless `why` is asked for.
bool MatchHttp(const CompiledRule& r, const HttpTarget& t, std::string* why);

// An mcp tool call: server, tool and every `args` predicate (each pointer's values: any may
// satisfy it; an absent one does not).
bool MatchMcp(const CompiledRule& r, const Request& req, const PathEnv& env, std::string* why);

// The values a JSON pointer (SplitJsonPointer) selects in `root`; "*" takes every element of
// an array or object. Absent → nothing.
void CollectPointer(const boost::json::value& root, const JsonPointerTokens& tokens,
                    std::vector<const boost::json::value*>* out);
// A JSON value as text predicates see it: a string as is, anything else as JSON.
std::string JsonText(const boost::json::value& v);

// The directory part of a glob path before its first pattern character ("/" for "/*").
std::string_view LiteralDir(std::string_view path);

}  // namespace warden::policy
