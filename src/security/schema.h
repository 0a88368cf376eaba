// The shape an endpoint's JSON body must have — a small subset of JSON Schema (types,
// required properties, unknown properties refused, enums, string lengths, number ranges, array
// sizes) declared as constant data next to the endpoints (server/http_api.cc) — and its
// validator, which names the offending field as a JSON pointer ("/requests/3/kind").
// Immutable data; Validate is a pure function, thread-safe.
#pragma once

#include <boost/json/value.hpp>

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace warden::security {

struct Schema {
  enum class Type : uint8_t { kAny, kObject, kArray, kString, kInteger, kNumber, kBoolean };
  struct Property {
    std::string_view name;
    const Schema* schema;
    bool required = false;
  };

  Type type = Type::kAny;
  // kObject
  std::vector<Property> properties;
  bool additional_properties = false;  // unknown properties refused unless true
  // kArray
  const Schema* items = nullptr;
  size_t min_items = 0;
  size_t max_items = std::numeric_limits<size_t>::max();
  // kString
  size_t min_length = 0;
  size_t max_length = std::numeric_limits<size_t>::max();
  std::vector<std::string_view> enum_values;
  // kInteger / kNumber
  double minimum = -std::numeric_limits<double>::infinity();
  double maximum = std::numeric_limits<double>::infinity();
};

struct SchemaError {
  std::string field;    // JSON pointer, "" for the document itself
  std::string message;  // says what is wrong and what is expected; never echoes a long value
};

// True when `value` has the shape; otherwise false with the first problem in `error`.
bool Validate(const Schema& schema, const boost::json::value& value, SchemaError* error);

std::string_view TypeName(Schema::Type type);

}  // namespace warden::security
