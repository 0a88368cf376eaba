#include "policy/loader.h"

#include "policy/sandbox_merge.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>

#include "core/file.h"
#include "core/path.h"
#include "core/strings.h"
#include "policy/checks.h"
#include "policy/compiler.h"
#include "policy/reader.h"

namespace warden::policy {
namespace {

bool IsFile(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::string Revision(const std::vector<PolicyText>& texts) {
  uint64_t h = 1469598103934665603ULL;  // FNV-1a
  auto mix = [&](std::string_view s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= 1099511628211ULL;
    }
    h ^= 0xff;
    h *= 1099511628211ULL;
  };
  for (const auto& t : texts) {
    mix(t.path);
    mix(t.text);
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace

std::string FindRepositoryPolicy(const std::string& cwd) {
  std::string dir = NormalizePath(cwd.empty() ? "/" : cwd);
  for (;;) {
    std::string candidate = JoinPath(dir, ".warden/policy.yaml");
    if (IsFile(candidate)) return candidate;
    if (dir == "/" || dir.empty()) return {};
    size_t slash = dir.rfind('/');
    dir = slash == 0 ? "/" : dir.substr(0, slash);
  }
}

namespace {

// The build-time tree of an embedded policy, decoded once per process on first use (a
// default-profile check never pays for strict); null if it does not decode (then the text is
// parsed as usual).
const YamlNode* BuiltinTree(std::string_view name) {
  static std::mutex mu;
  static std::map<std::string, std::unique_ptr<YamlNode>, std::less<>> trees;
  std::lock_guard<std::mutex> lock(mu);
  if (auto it = trees.find(name); it != trees.end()) return it->second.get();
  auto tree = std::make_unique<YamlNode>();
  if (!DecodeYamlTree(EmbeddedPolicyTree(name), tree.get())) tree.reset();
  return trees.emplace(std::string(name), std::move(tree)).first->second.get();
}

constexpr std::string_view kPackPrefix = "pack_";

// Pack "vcs-hosting" is embedded as "pack_vcs_hosting" (an identifier).
std::string EmbeddedPackName(std::string_view pack) {
  std::string name = std::string(kPackPrefix) + std::string(pack);
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

// Each layer's packs, read from their embedded files and placed just after the first layer
// that turns them on, as layers of the same kind (later layers can override or disable their
// non-final rules); a pack turned on again later is already there. An unknown name is an error.
void ExpandPacks(std::vector<PolicyFile>* layers, std::vector<PolicyText>* pack_texts, Diagnostics* diags) {
  std::vector<PolicyFile> out;
  std::vector<std::string> included;
  std::vector<std::string_view> known = BuiltinPackNames();
  for (auto& file : *layers) {
    const Strings packs = file.packs;
    const LayerKind layer = file.layer;
    const std::string path = file.path;
    out.push_back(std::move(file));
    for (const auto& pack : packs) {
      if (std::find(included.begin(), included.end(), pack.value) != included.end()) continue;
      const std::string embedded = EmbeddedPackName(pack.value);
      if (std::find(known.begin(), known.end(), pack.value) == known.end()) {
        std::string hint = ClosestMatch(pack.value, known);
        diags->Error("unknown-pack", path, pack.mark, "no rule pack is named '" + pack.value + "'",
                     hint.empty() ? "warden policy packs lists them" : "did you mean '" + hint + "'?");
        continue;
      }
      included.push_back(pack.value);
      PolicyText text{"<builtin:pack/" + pack.value + ">", layer, std::string(EmbeddedPolicy(embedded)),
                      BuiltinTree(embedded)};
      PolicyFile packed;
      if (text.tree ? ReadPolicyTree(*text.tree, text.path, text.layer, &packed, diags)
                    : ReadPolicy(text.text, text.path, text.layer, &packed, diags)) {
        out.push_back(std::move(packed));
        pack_texts->push_back(std::move(text));
      }
    }
  }
  *layers = std::move(out);
}

}  // namespace

std::vector<std::string_view> BuiltinPackNames() {
  // The names as written in policies: pack_vcs_hosting is "vcs-hosting".
  static const std::vector<std::string> kNames = [] {
    std::vector<std::string> names;
    for (std::string_view name : EmbeddedPolicyNames()) {
      if (name.substr(0, kPackPrefix.size()) != kPackPrefix) continue;
      std::string pack(name.substr(kPackPrefix.size()));
      std::replace(pack.begin(), pack.end(), '_', '-');
      names.push_back(std::move(pack));
    }
    return names;
  }();
  return {kNames.begin(), kNames.end()};
}

bool BuiltinProfile(std::string_view name, std::vector<PolicyText>* out) {
  if (name == "none") return true;
  if (name != "default" && name != "strict") return false;
  out->push_back({"<builtin:default>", LayerKind::kBuiltin, std::string(EmbeddedPolicy("default")), BuiltinTree("default")});
  if (name == "strict") {
    out->push_back({"<builtin:strict>", LayerKind::kBuiltin, std::string(EmbeddedPolicy("strict")), BuiltinTree("strict")});
  }
  return true;
}

LoadResult LoadPolicyTexts(const std::vector<PolicyText>& texts) {
  return LoadPolicyTexts(texts, WardenSelf::FromEnvironment());
}

LoadResult LoadPolicyTexts(const std::vector<PolicyText>& texts, const WardenSelf& self, bool sandbox_only) {
  LoadResult result;
  bool read_ok = true;
  for (const auto& t : texts) {
    PolicyFile file;
    bool ok = t.tree ? ReadPolicyTree(*t.tree, t.path, t.layer, &file, &result.diagnostics)
                     : ReadPolicy(t.text, t.path, t.layer, &file, &result.diagnostics);
    if (!ok) read_ok = false;
    result.layers.push_back(std::move(file));
  }
  if (!read_ok) return result;
  std::vector<PolicyText> pack_texts;
  ExpandPacks(&result.layers, &pack_texts, &result.diagnostics);
  if (result.diagnostics.has_errors()) return result;
  if (sandbox_only) {
    auto snap = std::make_shared<Snapshot>();
    snap->self = self;
    snap->sandbox = MergeSandbox(result.layers, SandboxRuleLookup(result.layers), nullptr);
    result.snapshot = std::move(snap);
    return result;
  }
  std::vector<PolicyText> all_texts = texts;
  all_texts.insert(all_texts.end(), pack_texts.begin(), pack_texts.end());
  // The built-in layers alone were checked when they were written (BuiltinPolicyTest loads
  // them as ordinary files and asserts no diagnostic); any other layer brings the checks back.
  const bool builtin_only = std::all_of(texts.begin(), texts.end(), [](const PolicyText& t) { return t.layer == LayerKind::kBuiltin; });
  if (!builtin_only) RunChecks(result.layers, &result.diagnostics);
  if (result.diagnostics.has_errors()) return result;
  result.snapshot = Compile(result.layers, Revision(all_texts), self, &result.diagnostics);
  return result;
}

LoadResult LoadPolicy(const LoadOptions& options) {
  std::vector<PolicyText> texts;
  LoadResult failed;
  if (!BuiltinProfile(options.profile, &texts)) {
    failed.diagnostics.Error("bad-value", "<profile>", {}, "unknown profile '" + options.profile + "'",
                             "use default, strict or none");
    return failed;
  }
  auto add_file = [&](const std::string& path, LayerKind layer, bool must_exist) {
    auto data = ReadFileLimited(path, kMaxPolicyBytes);
    if (data.ok()) {
      texts.push_back({path, layer, std::move(data).value()});
      return;
    }
    if (!must_exist && data.status().code() == Status::Code::kNotFound) return;
    std::string code = data.status().code() == Status::Code::kTooLarge ? "file-too-large" : "io-error";
    std::string hint = code == "file-too-large" ? "policy files are limited to 16 MiB"
                       : data.status().code() == Status::Code::kInvalidArgument ? "a policy must be a regular file"
                                                                                 : "";
    failed.diagnostics.Error(code, path, {}, "cannot read the policy: " + data.status().message(), hint);
  };
  if (options.user_layer) {
    std::string base = !options.config_home.empty() ? options.config_home
                                                    : (options.home.empty() ? std::string() : JoinPath(options.home, ".config"));
    if (!base.empty()) add_file(JoinPath(base, "warden/policy.yaml"), LayerKind::kUser, false);
  }
  if (options.repository_layer) {
    std::string repo = FindRepositoryPolicy(options.cwd);
    if (!repo.empty()) add_file(repo, LayerKind::kRepository, true);
  }
  for (const auto& f : options.files) add_file(f, LayerKind::kCommandLine, true);
  if (failed.diagnostics.has_errors()) return failed;
  return LoadPolicyTexts(texts, options.self ? *options.self : WardenSelf::FromEnvironment(), options.sandbox_only);
}

}  // namespace warden::policy
