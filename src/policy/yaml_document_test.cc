#include "policy/yaml_document.h"

#include <gtest/gtest.h>

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
