// The policy reader: YAML text → PolicyFile, reporting every schema problem (unknown key,
// wrong type, missing key, bad value) with its position. It does not compile patterns or
// look across rules; the checkers and the compiler do that.
//
// File format, version 1 (docs/POLICY.md has the same table with examples):
//
//   version: 1                           required
//   name: STRING                         optional, shown by `warden policy check`
//   defaults: {ai|human|service: DECISION}
//   disable: [RULE_ID, …]                turn off rules of earlier layers (not final ones)
//   rules: [RULE, …]
//   roles: {ROLE: {allow: ["TYPE:ACTION", …]}}         "*" wildcards in either part
//   subjects: {SUBJECT: {roles: [ROLE, …]}}
//   rate_limits: {default|expensive|auth-failure: "N/UNIT[, burst=B]", ban: "N/DURATION"|off,
//                 max-keys: N}          the HTTP API's limits (core/rate_spec.h)
//   tests: [{name, request: REQUEST, expect: DECISION, rule: RULE_ID|null}, …]
//
//   RULE     = id: STRING              required, unique in the file
//              kind: exec|file|http|action  required (mcp: reserved)
//              match: MATCH            required (may be {} for "everything")
//              decision: allow|ask|deny  required
//              reason: STRING          shown to the agent / person
//              context: CTX | [CTX…]   ai, human, service; default all
//              priority: INT           default 0; higher wins, then deny > ask > allow
//              final: BOOL             later layers and higher priorities cannot loosen it
//
//   exec MATCH   command: NAME|[…] (globs)   subcommand: "push"|["volume prune", …]
//                flags: [F…] | {all: [F…], any: [F…], none: [F…]}   F = "-r|-R|--recursive"
//                args: {any|all|none: ARG, min: INT, max: INT}
//                line: TEXT   stdin: TEXT   privileged: BOOL   via: NAME|[…]   cwd: PATH
//                fact: SIGNAL|[…]   detail: TEXT      (signal rules: no command keys)
//   file MATCH   op: read|write|delete|exec|access|[…]   path: GLOB|[…]   under|outside|is: [ROOT…]
//                recursive: BOOL   dynamic: BOOL   guessed: BOOL   glob: BOOL   direct: BOOL
//                command: NAME|[…]
//   http MATCH   method: GLOB|[…]   scheme: http|https|[…]   host: HOST|[…]   port: INT|[…]
//                path: GLOB|[…] (a URL path: '*' within a segment, '**' across)   url: TEXT
//   action MATCH subject|action|role: GLOB|[…]   resource: {type: GLOB|[…], id: GLOB|[…]}
//   ARG          glob: GLOB|[…]   regex: RE2   path: PATH   dynamic: BOOL
//   PATH         glob: GLOB|[…]   under|outside|is: [ROOT…]   (or just a GLOB / list of GLOBs)
//   TEXT         glob: GLOB|[…]   regex: RE2   (or just an RE2 string)
//   ROOT         /abs, ~, ~/x, $HOME, $WORKSPACE, $CWD, $WARDEN_CONFIG, $WARDEN_STATE,
//                $WARDEN_RUNTIME, each optionally followed by /sub/path (globs too)
//   HOST         a glob, case-insensitive ("*.example.com", "localhost", "::1", "[::1]"), or a
//                network in CIDR notation ("10.0.0.0/8", "fc00::/7")
#pragma once

#include <string>
#include <string_view>

#include "policy/diagnostic.h"
#include "policy/policy_ast.h"
#include "policy/yaml_document.h"

namespace warden::policy {

// Reads `text` into `out`. Problems go to `diags`; returns false if any error was reported.
bool ReadPolicy(std::string_view text, const std::string& path, LayerKind layer, PolicyFile* out,
                Diagnostics* diags);

// The same from a tree parsed earlier (the built-in policies, parsed at build time).
bool ReadPolicyTree(const YamlNode& root, const std::string& path, LayerKind layer, PolicyFile* out,
                    Diagnostics* diags);

}  // namespace warden::policy
