// Rule predicates against facts. Each Match* returns whether the rule matches; when it does
// not and `why` is non-null, *why gets a short phrase saying which condition failed (for
// `warden explain`). Pure functions over immutable inputs; thread-safe.
#pragma once

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
};

// A path as the predicates see it.
struct PathView {
  std::string_view path;
  bool dynamic = false;
  bool glob = false;
  bool recursive = false;
  const Glob* pattern = nullptr;  // the path compiled as a glob, when `glob`
};

bool MatchPath(const CompiledPath& p, const PathView& v, const PathEnv& env, std::string* why);

bool MatchCommand(const CompiledRule& r, const shell::CommandFact& c, std::string_view line, const PathEnv& env,
                  std::string* why);
bool MatchFile(const CompiledRule& r, const shell::FileFact& f, const Glob* pattern, const PathEnv& env,
               std::string* why);
bool MatchSignal(const CompiledRule& r, const shell::SignalFact& s, std::string* why);
bool MatchAction(const CompiledRule& r, const Request& req, const std::vector<const RolePerms*>* roles,
                 std::string* why);

// The directory part of a glob path before its first pattern character ("/" for "/*").
std::string_view LiteralDir(std::string_view path);

}  // namespace warden::policy
