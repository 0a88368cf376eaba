#include "security/schema.h"

#include <boost/json.hpp>

#include <cmath>

namespace warden::security {

namespace json = boost::json;
using Type = Schema::Type;

std::string_view TypeName(Type type) {
  switch (type) {
    case Type::kAny: return "any value";
    case Type::kObject: return "an object";
    case Type::kArray: return "an array";
    case Type::kString: return "a string";
    case Type::kInteger: return "an integer";
    case Type::kNumber: return "a number";
    case Type::kBoolean: return "true or false";
  }
  return "?";
}

namespace {

std::string_view KindOf(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null: return "null";
    case json::kind::bool_: return "a boolean";
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_: return "a number";
    case json::kind::string: return "a string";
    case json::kind::array: return "an array";
    case json::kind::object: return "an object";
  }
  return "?";
}

// JSON pointer escaping (RFC 6901): "~" → "~0", "/" → "~1".
void AppendToken(std::string* path, std::string_view token) {
  path->push_back('/');
  for (char c : token) {
    if (c == '~') path->append("~0");
    else if (c == '/') path->append("~1");
    else path->push_back(c);
  }
}

std::string Shown(std::string_view s) {
  if (s.size() > 40) return std::string(s.substr(0, 40)) + "…";
  return std::string(s);
}

class Validator {
 public:
  explicit Validator(SchemaError* error) : error_(error) {}

  bool Check(const Schema& s, const json::value& v) {
    switch (s.type) {
      case Type::kAny: return true;
      case Type::kObject: return v.is_object() ? Object(s, v.get_object()) : Fail("must be " + std::string(TypeName(s.type)) + ", not " + std::string(KindOf(v)));
      case Type::kArray: return v.is_array() ? Array(s, v.get_array()) : Fail("must be an array, not " + std::string(KindOf(v)));
      case Type::kString: return v.is_string() ? String(s, v.get_string()) : Fail("must be a string, not " + std::string(KindOf(v)));
      case Type::kBoolean: return v.is_bool() ? true : Fail("must be true or false, not " + std::string(KindOf(v)));
      case Type::kInteger:
      case Type::kNumber: return Number(s, v);
    }
    return Fail("has an unknown schema type");
  }

 private:
  bool Fail(std::string message) {
    error_->field = path_;
    error_->message = std::move(message);
    return false;
  }

  bool Object(const Schema& s, const json::object& o) {
    for (const auto& p : s.properties) {
      if (p.required && !o.contains(p.name)) {
        size_t mark = path_.size();
        AppendToken(&path_, p.name);
        bool r = Fail("is required");
        path_.resize(mark);
        return r;
      }
    }
    for (const auto& [key, value] : o) {
      const Schema* sub = nullptr;
      for (const auto& p : s.properties) {
        if (p.name == key) sub = p.schema;
      }
      size_t mark = path_.size();
      AppendToken(&path_, key);
      if (!sub && !s.additional_properties) return Fail("is not a known field (known: " + Known(s) + ")");
      if (sub && !Check(*sub, value)) return false;
      path_.resize(mark);
    }
    return true;
  }

  static std::string Known(const Schema& s) {
    std::string out;
    for (const auto& p : s.properties) {
      if (!out.empty()) out += ", ";
      out += p.name;
    }
    return out.empty() ? "none" : out;
  }

  bool Array(const Schema& s, const json::array& a) {
    if (a.size() < s.min_items) return Fail("must have at least " + std::to_string(s.min_items) + " items");
    if (a.size() > s.max_items) return Fail("must have at most " + std::to_string(s.max_items) + " items, not " + std::to_string(a.size()));
    if (!s.items) return true;
    for (size_t i = 0; i < a.size(); ++i) {
      size_t mark = path_.size();
      path_ += "/" + std::to_string(i);
      if (!Check(*s.items, a[i])) return false;
      path_.resize(mark);
    }
    return true;
  }

  bool String(const Schema& s, std::string_view str) {
    if (str.size() < s.min_length) return Fail(s.min_length == 1 ? "must not be empty" : "must be at least " + std::to_string(s.min_length) + " bytes long");
    if (str.size() > s.max_length) return Fail("must be at most " + std::to_string(s.max_length) + " bytes long, not " + std::to_string(str.size()));
    if (s.enum_values.empty()) return true;
    std::string allowed;
    for (auto e : s.enum_values) {
      if (e == str) return true;
      if (!allowed.empty()) allowed += ", ";
      allowed += e;
    }
    return Fail("must be one of " + allowed + ", not \"" + Shown(str) + "\"");
  }

  bool Number(const Schema& s, const json::value& v) {
    double d;
    if (v.is_int64()) d = static_cast<double>(v.get_int64());
    else if (v.is_uint64()) d = static_cast<double>(v.get_uint64());
    else if (v.is_double() && s.type == Type::kNumber) d = v.get_double();
    else if (v.is_double() && std::trunc(v.get_double()) == v.get_double()) d = v.get_double();
    else return Fail("must be " + std::string(TypeName(s.type)) + ", not " + std::string(KindOf(v)));
    if (d < s.minimum || d > s.maximum) {
      return Fail("must be between " + Num(s.minimum) + " and " + Num(s.maximum) + ", not " + Num(d));
    }
    return true;
  }

  static std::string Num(double d) {
    if (std::isinf(d)) return d < 0 ? "-inf" : "inf";
    if (std::trunc(d) == d && std::fabs(d) < 1e15) return std::to_string(static_cast<int64_t>(d));
    return std::to_string(d);
  }

  SchemaError* error_;
  std::string path_;
};

}  // namespace

bool Validate(const Schema& schema, const json::value& value, SchemaError* error) {
  return Validator(error).Check(schema, value);
}

}  // namespace warden::security
