#include "policy/yaml_document.h"

#include <gtest/gtest.h>

#include "policy/loader.h"

namespace warden::policy {
namespace {

TEST(YamlDocumentTest, KeepsPositions) {
  YamlNode root;
  YamlError err;
  ASSERT_TRUE(ParseYaml("a: 1\nb:\n  - x\n  - 'y'\n", &root, &err));
  ASSERT_EQ(root.type, YamlNode::Type::kMapping);
  const YamlNode* b = root.Find("b");
  ASSERT_NE(b, nullptr);
  ASSERT_EQ(b->items.size(), 2u);
  EXPECT_EQ(b->items[1].mark.line, 4u);
  EXPECT_EQ(b->items[1].mark.column, 5u);
  EXPECT_TRUE(b->items[1].quoted);
  EXPECT_FALSE(b->items[0].quoted);
}

TEST(YamlDocumentTest, NullsKeepTheirText) {
  YamlNode root;
  YamlError err;
  ASSERT_TRUE(ParseYaml("[~, null, '~']", &root, &err));
  EXPECT_EQ(root.items[0].type, YamlNode::Type::kNull);
  EXPECT_EQ(root.items[0].scalar, "~");
  EXPECT_EQ(root.items[2].type, YamlNode::Type::kScalar);
}

TEST(YamlDocumentTest, RejectsAnchorsAliasesAndSecondDocuments) {
  YamlNode root;
  YamlError err;
  EXPECT_FALSE(ParseYaml("a: &x 1\nb: *x\n", &root, &err));
  EXPECT_NE(err.message.find("anchors"), std::string::npos);
  EXPECT_FALSE(ParseYaml("a: 1\n---\nb: 2\n", &root, &err));
  EXPECT_NE(err.message.find("one YAML document"), std::string::npos);
}

TEST(YamlDocumentTest, SyntaxErrorsHavePositions) {
  YamlNode root;
  YamlError err;
  EXPECT_FALSE(ParseYaml("a: [1, 2\nb: 3\n", &root, &err));
  EXPECT_GT(err.mark.line, 0u);
  EXPECT_FALSE(err.message.empty());
}

TEST(YamlDocumentTest, DeepNestingIsRefusedNotOverflowed) {
  std::string deep(100000, '[');
  YamlNode root;
  YamlError err;
  EXPECT_FALSE(ParseYaml(deep, &root, &err));
  EXPECT_NE(err.message.find("nested"), std::string::npos);
}

TEST(YamlDocumentTest, BinaryJunkIsAnError) {
  YamlNode root;
  YamlError err;
  EXPECT_FALSE(ParseYaml(std::string("a: \x01\x02\0\xff", 8), &root, &err));
}

}  // namespace
}  // namespace warden::policy

namespace warden::policy {
namespace {

YamlNode Parsed(std::string_view text) {
  YamlNode root;
  YamlError err;
  EXPECT_TRUE(ParseYaml(text, &root, &err)) << err.message;
  return root;
}

bool SameTree(const YamlNode& a, const YamlNode& b) {
  if (a.type != b.type || a.quoted != b.quoted || a.scalar != b.scalar || a.mark.line != b.mark.line ||
      a.mark.column != b.mark.column || a.items.size() != b.items.size() || a.entries.size() != b.entries.size()) {
    return false;
  }
  for (size_t i = 0; i < a.items.size(); ++i) {
    if (!SameTree(a.items[i], b.items[i])) return false;
  }
  for (size_t i = 0; i < a.entries.size(); ++i) {
    if (!SameTree(a.entries[i].first, b.entries[i].first) || !SameTree(a.entries[i].second, b.entries[i].second)) {
      return false;
    }
  }
  return true;
}

TEST(YamlTreeEncodingTest, RoundTripsEveryNodeKind) {
  YamlNode root = Parsed("a: 1\nb: [x, 'y', ~]\nc:\n  d: {e: \"f\"}\n  g: |\n    block\n    text\nh:\n");
  std::string bytes = EncodeYamlTree(root);
  YamlNode back;
  ASSERT_TRUE(DecodeYamlTree(bytes, &back));
  EXPECT_TRUE(SameTree(root, back));
}

// The embedded trees are what the embedded texts parse to (the build made them from these).
TEST(YamlTreeEncodingTest, EmbeddedTreesMatchEmbeddedTexts) {
  for (std::string_view name : {"default", "strict"}) {
    ASSERT_FALSE(EmbeddedPolicy(name).empty()) << name;
    YamlNode decoded;
    ASSERT_TRUE(DecodeYamlTree(EmbeddedPolicyTree(name), &decoded)) << name;
    EXPECT_TRUE(SameTree(Parsed(EmbeddedPolicy(name)), decoded)) << name;
  }
}

TEST(YamlTreeEncodingTest, RejectsTruncatedAndCorruptBytes) {
  std::string bytes = EncodeYamlTree(Parsed("a: [1, 2, {b: c}]\n"));
  YamlNode out;
  for (size_t n = 0; n < bytes.size(); ++n) EXPECT_FALSE(DecodeYamlTree(bytes.substr(0, n), &out)) << n;
  EXPECT_FALSE(DecodeYamlTree(bytes + "x", &out));
  std::string bad_type = bytes;
  bad_type[0] = 9;
  EXPECT_FALSE(DecodeYamlTree(bad_type, &out));
  // A huge child count with few bytes behind it is refused before anything is allocated.
  std::string huge("\x03\x00\x01\x01\x00\xff\xff\xff\xff\x0f", 10);
  EXPECT_FALSE(DecodeYamlTree(huge, &out));
}

TEST(YamlTreeEncodingTest, RejectsTooDeepNesting) {
  // 100 nested one-item sequences: type 2, not quoted, line 1, column 1, no scalar, 1 child.
  std::string bytes;
  for (int i = 0; i < 100; ++i) bytes += std::string("\x02\x00\x01\x01\x00\x01", 6);
  bytes += std::string("\x01\x00\x01\x01\x01x\x00", 7);
  YamlNode out;
  EXPECT_FALSE(DecodeYamlTree(bytes, &out));
}

}  // namespace
}  // namespace warden::policy
