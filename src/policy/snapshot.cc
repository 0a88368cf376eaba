#include "policy/snapshot.h"

#include <algorithm>

#include "core/strings.h"

namespace warden::policy {

bool CompiledText::Match(std::string_view s) const {
  for (const auto& g : globs) {
    if (g.Match(s)) return true;
  }
  return regex && RE2::PartialMatch(s, regex->get());
}

bool HostPattern::Match(const HttpTarget& t) const {
  switch (type) {
    case Type::kLiteral: return t.host == literal;
    case Type::kGlob: return glob.Match(t.host);
    case Type::kNetwork: return network.Contains(t.ip);
  }
  return false;
}

bool RolePerms::Grants(std::string_view type, std::string_view action) const {
  if (all) return true;
  if (auto it = exact.find(type); it != exact.end() && it->second.find(action) != it->second.end()) return true;
  if (!any_action.empty() && any_action.find(type) != any_action.end()) return true;
  if (!any_type.empty() && any_type.find(action) != any_type.end()) return true;
  for (const auto& [t, a] : globs) {
    if (t.Match(type) && a.Match(action)) return true;
  }
  return false;
}

void PathTrie::Insert(std::string_view dir, uint32_t rule) {
  uint32_t node = 0;
  for (auto part : Split(dir, '/')) {
    if (part.empty()) continue;
    auto it = nodes_[node].children.find(part);
    if (it == nodes_[node].children.end()) {
      nodes_.emplace_back();
      uint32_t child = static_cast<uint32_t>(nodes_.size() - 1);
      nodes_[node].children.emplace(std::string(part), child);
      node = child;
    } else {
      node = it->second;
    }
  }
  auto& rules = nodes_[node].rules;
  if (rules.empty() || rules.back() != rule) rules.push_back(rule);
}

void PathTrie::Collect(std::string_view path, bool subtree, std::vector<uint32_t>* out) const {
  uint32_t node = 0;
  out->insert(out->end(), nodes_[0].rules.begin(), nodes_[0].rules.end());
  size_t i = 0;
  while (i < path.size()) {
    while (i < path.size() && path[i] == '/') ++i;
    size_t j = i;
    while (j < path.size() && path[j] != '/') ++j;
    if (j == i) break;
    auto it = nodes_[node].children.find(path.substr(i, j - i));
    if (it == nodes_[node].children.end()) return;
    node = it->second;
    out->insert(out->end(), nodes_[node].rules.begin(), nodes_[node].rules.end());
    i = j;
  }
  if (subtree) {
    for (const auto& [name, child] : nodes_[node].children) CollectBelow(child, out);
  }
}

void PathTrie::CollectBelow(uint32_t node, std::vector<uint32_t>* out) const {
  std::vector<uint32_t> stack{node};
  while (!stack.empty()) {
    uint32_t n = stack.back();
    stack.pop_back();
    out->insert(out->end(), nodes_[n].rules.begin(), nodes_[n].rules.end());
    for (const auto& [name, child] : nodes_[n].children) stack.push_back(child);
  }
}

void PathTrie::CollectAll(std::vector<uint32_t>* out) const { CollectBelow(0, out); }

}  // namespace warden::policy

namespace warden::policy {

JsonPointerTokens SplitJsonPointer(std::string_view pointer) {
  JsonPointerTokens out;
  if (pointer.empty()) return out;
  size_t i = pointer[0] == '/' ? 1 : 0;
  while (true) {
    size_t end = pointer.find('/', i);
    std::string_view raw = pointer.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i);
    std::string token;
    for (size_t k = 0; k < raw.size(); ++k) {
      if (raw[k] == '~' && k + 1 < raw.size() && (raw[k + 1] == '0' || raw[k + 1] == '1')) {
        token.push_back(raw[k + 1] == '0' ? '~' : '/');
        ++k;
      } else {
        token.push_back(raw[k]);
      }
    }
    out.push_back(std::move(token));
    if (end == std::string_view::npos) break;
    i = end + 1;
  }
  return out;
}

bool McpToolDecl::Applies(std::string_view server, std::string_view tool) const {
  auto any = [](const std::vector<Glob>& globs, std::string_view s) {
    return std::any_of(globs.begin(), globs.end(), [&](const Glob& g) { return g.Match(s); });
  };
  return (servers.empty() || any(servers, server)) && any(tools, tool);
}

}  // namespace warden::policy
