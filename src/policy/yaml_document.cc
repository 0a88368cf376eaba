#include "policy/yaml_document.h"

#include <yaml.h>

#include <memory>

namespace warden::policy {

YamlNode::YamlNode() = default;
YamlNode::YamlNode(const YamlNode&) = default;
YamlNode::YamlNode(YamlNode&&) noexcept = default;
YamlNode& YamlNode::operator=(const YamlNode&) = default;
YamlNode& YamlNode::operator=(YamlNode&&) noexcept = default;
YamlNode::~YamlNode() = default;

const YamlNode* YamlNode::Find(std::string_view key) const {
  for (const auto& [k, v] : entries) {
    if (k.type == Type::kScalar && k.scalar == key) return &v;
  }
  return nullptr;
}

const char* YamlNode::TypeName(Type t) {
  switch (t) {
    case Type::kNull: return "nothing";
    case Type::kScalar: return "a scalar";
    case Type::kSequence: return "a list";
    case Type::kMapping: return "a mapping";
  }
  return "?";
}

namespace {

Mark ToMark(const yaml_mark_t& m) { return Mark{static_cast<uint32_t>(m.line + 1), static_cast<uint32_t>(m.column + 1)}; }

struct ParserDeleter {
  void operator()(yaml_parser_t* p) const {
    yaml_parser_delete(p);
    delete p;
  }
};

// A container being filled, and for mappings the key waiting for its value.
struct Frame {
  YamlNode node;
  bool have_key = false;
  YamlNode key;
};

class Builder {
 public:
  bool Build(std::string_view text, YamlNode* root, YamlError* error) {
    std::unique_ptr<yaml_parser_t, ParserDeleter> parser(new yaml_parser_t);
    if (!yaml_parser_initialize(parser.get())) return Fail(error, {}, "out of memory");
    yaml_parser_set_input_string(parser.get(), reinterpret_cast<const unsigned char*>(text.data()), text.size());
    bool have_root = false;
    int documents = 0;
    for (;;) {
      yaml_event_t ev;
      if (!yaml_parser_parse(parser.get(), &ev)) {
        std::string problem = parser->problem ? parser->problem : "malformed YAML";
        if (parser->context) problem = std::string(parser->context) + ": " + problem;
        return Fail(error, ToMark(parser->problem_mark), problem);
      }
      std::unique_ptr<yaml_event_t, void (*)(yaml_event_t*)> guard(&ev, yaml_event_delete);
      Mark mark = ToMark(ev.start_mark);
      switch (ev.type) {
        case YAML_STREAM_START_EVENT:
        case YAML_DOCUMENT_END_EVENT:
          break;
        case YAML_STREAM_END_EVENT:
          if (!have_root) root->type = YamlNode::Type::kNull;
          return true;
        case YAML_DOCUMENT_START_EVENT:
          if (++documents > 1) return Fail(error, mark, "only one YAML document per policy file is allowed");
          break;
        case YAML_ALIAS_EVENT:
          return Fail(error, mark, "YAML aliases (*name) are not allowed in policy files");
        case YAML_SCALAR_EVENT: {
          if (ev.data.scalar.anchor) return Fail(error, mark, "YAML anchors (&name) are not allowed in policy files");
          YamlNode n;
          n.type = YamlNode::Type::kScalar;
          n.mark = mark;
          n.scalar.assign(reinterpret_cast<const char*>(ev.data.scalar.value), ev.data.scalar.length);
          n.quoted = ev.data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
          if (!n.quoted && (n.scalar.empty() || n.scalar == "~" || n.scalar == "null" || n.scalar == "Null" ||
                            n.scalar == "NULL")) {
            n.type = YamlNode::Type::kNull;  // the text stays, for messages ("~")
          }
          if (!Add(std::move(n), root, &have_root, error)) return false;
          break;
        }
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT: {
          bool seq = ev.type == YAML_SEQUENCE_START_EVENT;
          const yaml_char_t* anchor = seq ? ev.data.sequence_start.anchor : ev.data.mapping_start.anchor;
          if (anchor) return Fail(error, mark, "YAML anchors (&name) are not allowed in policy files");
          if (stack_.size() >= static_cast<size_t>(kMaxYamlDepth)) {
            return Fail(error, mark, "nested more than " + std::to_string(kMaxYamlDepth) + " levels deep");
          }
          if (!Count(error, mark)) return false;
          Frame f;
          f.node.type = seq ? YamlNode::Type::kSequence : YamlNode::Type::kMapping;
          f.node.mark = mark;
          stack_.push_back(std::move(f));
          break;
        }
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT: {
          YamlNode done = std::move(stack_.back().node);
          stack_.pop_back();
          if (!Add(std::move(done), root, &have_root, error)) return false;
          break;
        }
        case YAML_NO_EVENT:
          break;
      }
    }
  }

 private:
  bool Count(YamlError* error, Mark mark) {
    if (++nodes_ <= kMaxYamlNodes) return true;
    return Fail(error, mark, "more than " + std::to_string(kMaxYamlNodes) + " YAML nodes");
  }

  bool Add(YamlNode n, YamlNode* root, bool* have_root, YamlError* error) {
    if (n.type == YamlNode::Type::kScalar || n.type == YamlNode::Type::kNull) {
      if (!Count(error, n.mark)) return false;
    }
    if (stack_.empty()) {
      *root = std::move(n);
      *have_root = true;
      return true;
    }
    Frame& top = stack_.back();
    if (top.node.type == YamlNode::Type::kSequence) {
      top.node.items.push_back(std::move(n));
    } else if (!top.have_key) {
      if (n.type == YamlNode::Type::kSequence || n.type == YamlNode::Type::kMapping) {
        return Fail(error, n.mark, "a mapping key must be a plain value, not " + std::string(YamlNode::TypeName(n.type)));
      }
      top.key = std::move(n);
      top.have_key = true;
    } else {
      top.node.entries.emplace_back(std::move(top.key), std::move(n));
      top.have_key = false;
    }
    return true;
  }

  static bool Fail(YamlError* error, Mark mark, std::string message) {
    error->mark = mark;
    error->message = std::move(message);
    return false;
  }

  std::vector<Frame> stack_;
  size_t nodes_ = 0;
};

}  // namespace

bool ParseYaml(std::string_view text, YamlNode* root, YamlError* error) {
  *root = YamlNode{};
  return Builder().Build(text, root, error);
}

// Encoding, depth first: type, quoted, line, column, scalar length + bytes, child count, the
// children (a mapping's as key, value, key, value, …). Numbers are LEB128 varints.
namespace {

void PutVarint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

void Encode(const YamlNode& n, std::string* out) {
  out->push_back(static_cast<char>(n.type));
  out->push_back(n.quoted ? 1 : 0);
  PutVarint(n.mark.line, out);
  PutVarint(n.mark.column, out);
  PutVarint(n.scalar.size(), out);
  out->append(n.scalar);
  if (n.type == YamlNode::Type::kSequence) {
    PutVarint(n.items.size(), out);
    for (const auto& item : n.items) Encode(item, out);
  } else if (n.type == YamlNode::Type::kMapping) {
    PutVarint(n.entries.size(), out);
    for (const auto& [k, v] : n.entries) {
      Encode(k, out);
      Encode(v, out);
    }
  } else {
    PutVarint(0, out);
  }
}

class Decoder {
 public:
  explicit Decoder(std::string_view in) : in_(in) {}

  bool Node(YamlNode* n, int depth) {
    if (depth > kMaxYamlDepth || in_.size() < 2) return false;
    auto type = static_cast<uint8_t>(in_[0]);
    if (type > static_cast<uint8_t>(YamlNode::Type::kMapping)) return false;
    n->type = static_cast<YamlNode::Type>(type);
    n->quoted = in_[1] != 0;
    in_.remove_prefix(2);
    uint64_t line, column, length, count;
    if (!Varint(&line) || !Varint(&column) || !Varint(&length) || length > in_.size()) return false;
    n->mark = Mark{static_cast<uint32_t>(line), static_cast<uint32_t>(column)};
    n->scalar.assign(in_.substr(0, length));
    in_.remove_prefix(length);
    if (!Varint(&count) || count > in_.size()) return false;  // every node takes bytes
    if (n->type == YamlNode::Type::kSequence) {
      n->items.resize(count);
      for (auto& item : n->items) {
        if (!Node(&item, depth + 1)) return false;
      }
    } else if (n->type == YamlNode::Type::kMapping) {
      n->entries.resize(count);
      for (auto& [k, v] : n->entries) {
        if (!Node(&k, depth + 1) || !Node(&v, depth + 1)) return false;
      }
    } else if (count != 0) {
      return false;
    }
    return true;
  }
  bool done() const { return in_.empty(); }

 private:
  bool Varint(uint64_t* v) {
    *v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (in_.empty()) return false;
      auto b = static_cast<uint8_t>(in_[0]);
      in_.remove_prefix(1);
      *v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return true;
    }
    return false;
  }
  std::string_view in_;
};

}  // namespace

std::string EncodeYamlTree(const YamlNode& root) {
  std::string out;
  Encode(root, &out);
  return out;
}

bool DecodeYamlTree(std::string_view bytes, YamlNode* root) {
  *root = YamlNode{};
  Decoder d(bytes);
  if (d.Node(root, 0) && d.done()) return true;
  *root = YamlNode{};
  return false;
}

}  // namespace warden::policy
