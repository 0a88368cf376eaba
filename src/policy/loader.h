// Loading the layered policy: built-in profile → user file → repository file → --policy files,
// read, checked and compiled into one Snapshot. Every problem is in `diagnostics`; `snapshot`
// is null if any of them is an error (the caller keeps whatever policy it had).
//
//   built-in     policies/default.yaml (embedded); profile "strict" adds policies/strict.yaml;
//                profile "none" starts from nothing
//   user         $XDG_CONFIG_HOME/warden/policy.yaml, else ~/.config/warden/policy.yaml
//   repository   the first .warden/policy.yaml found from the working directory upward
//   command line each --policy FILE, in order
// Files larger than kMaxPolicyBytes are refused. Thread-safe (no shared state).
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/warden_self.h"
#include "policy/diagnostic.h"
#include "policy/policy_ast.h"
#include "policy/snapshot.h"
#include "policy/yaml_document.h"

namespace warden::policy {

inline constexpr size_t kMaxPolicyBytes = 16 * 1024 * 1024;

struct LoadOptions {
  std::string profile = "default";  // default | strict | none
  bool user_layer = true;
  bool repository_layer = true;
  std::string cwd;                  // where the repository search starts
  std::string home;                 // for the user file
  std::string config_home;          // $XDG_CONFIG_HOME, if set
  std::vector<std::string> files;   // --policy
  // Where Warden lives for this process ($WARDEN_CONFIG, $WARDEN_STATE, $WARDEN_RUNTIME in
  // rules); unset: from the environment.
  std::optional<WardenSelf> self;
  // Read the layers and merge only their `sandbox:` sections (no checks, no rules compiled):
  // the snapshot has `sandbox` and nothing else to decide with. For a client whose decisions
  // come from the daemon but whose sandbox is its own (a third of the cost of a full load).
  bool sandbox_only = false;
};

struct PolicyText {
  std::string path;
  LayerKind layer;
  std::string text;
  const YamlNode* tree = nullptr;  // parsed already (the built-in policies): read this, not text
};

struct LoadResult {
  std::shared_ptr<const Snapshot> snapshot;
  Diagnostics diagnostics;
  std::vector<PolicyFile> layers;
  bool ok() const { return snapshot != nullptr; }
};

LoadResult LoadPolicy(const LoadOptions& options);

// The same, from texts already in memory (tests, fuzzing, embedded policies); Warden's own
// locations from the environment unless given.
LoadResult LoadPolicyTexts(const std::vector<PolicyText>& texts);
LoadResult LoadPolicyTexts(const std::vector<PolicyText>& texts, const WardenSelf& self, bool sandbox_only = false);

// The built-in profile's texts ("default", "strict", "none"); false for an unknown name.
bool BuiltinProfile(std::string_view name, std::vector<PolicyText>* out);

// The embedded policy files by name ("default", "strict", "pack_disks", …), or "" if there is no
// such file.
std::string_view EmbeddedPolicy(std::string_view name);
// The same files parsed at build time (EncodeYamlTree bytes), or "".
std::string_view EmbeddedPolicyTree(std::string_view name);
// The names of every embedded file.
std::span<const std::string_view> EmbeddedPolicyNames();

// The built-in rule packs a policy's `packs:` can turn on (policies/packs/NAME.yaml), by name.
std::vector<std::string_view> BuiltinPackNames();

// Where the repository policy for `cwd` is, or "" if none.
std::string FindRepositoryPolicy(const std::string& cwd);

}  // namespace warden::policy
