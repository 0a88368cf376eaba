// Where the script stands: cd, pushd and popd (and the directory options of sudo -D, env -C,
// git -C, tar -C) move the tracked working directories — through CDPATH, cdable_vars, `cd -`
// and links made earlier — or make them unknown when the target is.
#include <algorithm>

#include "core/path.h"
#include "core/strings.h"
#include "shell/analyzer_impl.h"
#include "shell/analyzer_util.h"

namespace warden::shell {
namespace {

// The directory operand of cd/pushd (after -L, -P, -e, -@ and "--"), or null.
const Expanded* CdTarget(const std::vector<Expanded>& argv) {
  for (size_t i = 1; i < argv.size(); ++i) {
    const std::string& t = argv[i].text;
    if (t == "--") return i + 1 < argv.size() ? &argv[i + 1] : nullptr;
    if (t.size() > 1 && t[0] == '-') continue;
    return &argv[i];
  }
  return nullptr;
}

// A relative name that is not ./ or ../: CDPATH and cdable_vars may send it elsewhere.
bool Searchable(std::string_view t) {
  return !t.empty() && t[0] != '/' && t.rfind("./", 0) != 0 && t.rfind("../", 0) != 0 && t != "." && t != "..";
}

}  // namespace

void Analyzer::ChangeDirectory(const std::vector<Expanded>& argv, State& st) {
  std::string_view name = Basename(argv[0].text);
  Value old;
  if (st.cwds.size() == 1 && !st.cwd_unknown) {
    old.known = true;
    old.text = st.cwds[0];
  }
  auto moved = [&](std::vector<std::string> to) {
    st.cwds = std::move(to);
    st.cwd_unknown = st.cwds.empty();
    st.vars["OLDPWD"] = old;
  };
  if (name == "popd") return moved({});
  const Expanded* target = CdTarget(argv);
  Value scratch;
  if (target == nullptr) {
    const Value* home = Lookup("HOME", st, &scratch);
    if (name == "pushd" || home == nullptr || !home->known) return moved({});
    return moved({home->text});
  }
  if (target->text == "-") {
    const Value* prev = Lookup("OLDPWD", st, &scratch);
    return moved(prev && prev->known ? std::vector<std::string>{prev->text} : std::vector<std::string>{});
  }
  if ((target->bits & (kArgDynamic | kArgGlob)) || (target->text.size() > 1 && target->text[0] == '+')) {
    return moved({});
  }
  bool dynamic = false;
  std::vector<std::string> paths = Resolve(target->text, st, &dynamic);
  if (Searchable(target->text) && !SearchPaths(target->text, st, &paths)) return moved({});
  if (dynamic || paths.empty() || paths.size() > kMaxCwds) return moved({});
  for (auto& p : paths) p = FollowLinks(p);
  moved(std::move(paths));
}

// Adds the directories CDPATH and cdable_vars could send `cd t` to; false when CDPATH is unknown.
bool Analyzer::SearchPaths(const std::string& t, const State& st, std::vector<std::string>* paths) const {
  Value scratch;
  if (const Value* cdpath = Lookup("CDPATH", st, &scratch)) {
    if (!cdpath->known) return false;
    for (auto entry : Split(cdpath->text, ':')) {
      if (entry.empty()) continue;
      State probe = st;
      probe.cwds = {NormalizePath(std::string(entry))};
      probe.cwd_unknown = entry.front() != '/';
      bool d = false;
      for (auto& p : Resolve(t, probe, &d)) {
        if (!d && std::find(paths->begin(), paths->end(), p) == paths->end()) paths->push_back(p);
      }
    }
  }
  if (mem_.cdable_vars && IsIdentifier(t)) {
    if (const Value* v = Lookup(t, st, &scratch); v && v->known && !v->text.empty() && v->text[0] == '/') {
      paths->push_back(NormalizePath(v->text));
    }
  }
  return true;
}

}  // namespace warden::shell
