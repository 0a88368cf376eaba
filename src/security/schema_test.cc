#include "security/schema.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace warden::security {
namespace {

namespace json = boost::json;
using Type = Schema::Type;

const Schema kName{.type = Type::kString, .min_length = 1, .max_length = 8};
const Schema kColor{.type = Type::kString, .enum_values = {"red", "blue"}};
const Schema kCount{.type = Type::kInteger, .minimum = 0, .maximum = 10};
const Schema kItem{.type = Type::kObject, .properties = {{"name", &kName, true}, {"color", &kColor}, {"n", &kCount}}};
const Schema kItems{.type = Type::kArray, .items = &kItem, .min_items = 1, .max_items = 3};
const Schema kDoc{.type = Type::kObject, .properties = {{"items", &kItems, true}}};

std::string Problem(std::string_view text) {
  SchemaError e;
  if (Validate(kDoc, json::parse(text), &e)) return "ok";
  return e.field + " " + e.message;
}

TEST(SchemaTest, NamesTheFieldThatIsWrong) {
  EXPECT_EQ(Problem(R"({"items":[{"name":"a","color":"red","n":3}]})"), "ok");
  EXPECT_EQ(Problem(R"({})"), "/items is required");
  EXPECT_EQ(Problem(R"({"items":[]})"), "/items must have at least 1 items");
  EXPECT_EQ(Problem(R"({"items":[{"name":"a"},{"name":""}]})"), "/items/1/name must not be empty");
  EXPECT_EQ(Problem(R"({"items":[{"name":"a","color":"green"}]})"), "/items/0/color must be one of red, blue, not \"green\"");
  EXPECT_EQ(Problem(R"({"items":[{"name":"a","n":11}]})"), "/items/0/n must be between 0 and 10, not 11");
  EXPECT_EQ(Problem(R"({"items":[{"name":"a","n":1.5}]})"), "/items/0/n must be an integer, not a number");
  EXPECT_EQ(Problem(R"({"items":[{"name":7}]})"), "/items/0/name must be a string, not a number");
  EXPECT_EQ(Problem(R"({"items":[{"name":"a","x/y":1}]})"), "/items/0/x~1y is not a known field (known: name, color, n)");
  EXPECT_EQ(Problem(R"({"items":[{"name":"123456789"}]})"), "/items/0/name must be at most 8 bytes long, not 9");
  EXPECT_EQ(Problem(R"([1])"), " must be an object, not an array");
}

}  // namespace
}  // namespace warden::security
