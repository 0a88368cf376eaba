// A YAML document as a small tree whose every node remembers where it was written, built
// from libyaml's event stream. It is what the policy reader walks.
//
// Deliberately limited, for a security configuration: anchors, aliases and multiple
// documents are rejected (no "billion laughs"), nesting is capped at kMaxYamlDepth and the
// node count at kMaxYamlNodes. Scalars keep their text and whether they were quoted; typing
// (bool, int) is left to the reader. Building is iterative, so no input can exhaust the stack.
// Values are plain data; not synchronized.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace warden::policy {

inline constexpr int kMaxYamlDepth = 64;
inline constexpr size_t kMaxYamlNodes = 4'000'000;

struct Mark {
  uint32_t line = 0;    // 1-based; 0 when unknown
  uint32_t column = 0;  // 1-based
};

struct YamlNode {
  enum class Type : uint8_t { kNull, kScalar, kSequence, kMapping };
  Type type = Type::kNull;
  Mark mark;
  std::string scalar;
  bool quoted = false;  // written in quotes (or as a block scalar): always a string
  std::vector<YamlNode> items;                          // kSequence
  std::vector<std::pair<YamlNode, YamlNode>> entries;  // kMapping, in document order

  // Defined out of line: inline (constexpr) ones make clang instantiate ~vector<pair<YamlNode,
  // YamlNode>> while that pair is still incomplete.
  YamlNode();
  YamlNode(const YamlNode&);
  YamlNode(YamlNode&&) noexcept;
  YamlNode& operator=(const YamlNode&);
  YamlNode& operator=(YamlNode&&) noexcept;
  ~YamlNode();

  const YamlNode* Find(std::string_view key) const;
  static const char* TypeName(Type t);
};

struct YamlError {
  Mark mark;
  std::string message;
};

// Parses `text` (one document). Returns false and fills `error` on the first problem.
bool ParseYaml(std::string_view text, YamlNode* root, YamlError* error);

// A parsed tree as compact bytes and back: the built-in policies are parsed at build time
// (tools/pack_policies.cc) so that a `warden check` process does not run the YAML parser on
// them. DecodeYamlTree checks every length and count, and the depth, against the input.
std::string EncodeYamlTree(const YamlNode& root);
bool DecodeYamlTree(std::string_view bytes, YamlNode* root);

}  // namespace warden::policy
