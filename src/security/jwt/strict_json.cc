#include "security/jwt/strict_json.h"

#include <algorithm>
#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/value_stack.hpp>
#include <vector>

namespace warden::security {
namespace {

namespace json = boost::json;

// Builds the value like Boost.JSON's own parser handler does, and remembers the keys of every
// object still open (one flat list, `object_starts_` marking where each object's keys begin) so
// a repeated one can be refused when the object closes.
class DuplicateRefusingHandler {
 public:
  DuplicateRefusingHandler() : stack_(json::storage_ptr(), temp_, sizeof temp_) {}

  static constexpr std::size_t max_object_size = json::object::max_size();
  static constexpr std::size_t max_array_size = json::array::max_size();
  static constexpr std::size_t max_key_size = json::string::max_size();
  static constexpr std::size_t max_string_size = json::string::max_size();

  json::value Release() { return stack_.release(); }
  bool found_duplicate() const { return found_duplicate_; }
  const std::string& duplicate() const { return duplicate_; }

  bool on_document_begin(json::error_code&) {
    stack_.reset();
    return true;
  }
  bool on_document_end(json::error_code&) { return true; }
  bool on_object_begin(json::error_code&) {
    object_starts_.push_back(keys_.size());
    return true;
  }
  bool on_object_end(std::size_t n, json::error_code& ec) {
    auto first = keys_.begin() + static_cast<std::ptrdiff_t>(object_starts_.back());
    if (!RefuseDuplicates(first, keys_.end(), ec)) return false;
    keys_.erase(first, keys_.end());
    object_starts_.pop_back();
    stack_.push_object(n);
    return true;
  }
  bool on_array_begin(json::error_code&) { return true; }
  bool on_array_end(std::size_t n, json::error_code&) {
    stack_.push_array(n);
    return true;
  }
  bool on_key_part(json::string_view s, std::size_t, json::error_code&) {
    stack_.push_chars(s);
    key_.append(s.data(), s.size());
    return true;
  }
  bool on_key(json::string_view s, std::size_t, json::error_code&) {
    stack_.push_key(s);
    key_.append(s.data(), s.size());
    keys_.push_back(std::move(key_));
    key_.clear();
    return true;
  }
  bool on_string_part(json::string_view s, std::size_t, json::error_code&) {
    stack_.push_chars(s);
    return true;
  }
  bool on_string(json::string_view s, std::size_t, json::error_code&) {
    stack_.push_string(s);
    return true;
  }
  bool on_number_part(json::string_view, json::error_code&) { return true; }
  bool on_int64(std::int64_t i, json::string_view, json::error_code&) {
    stack_.push_int64(i);
    return true;
  }
  bool on_uint64(std::uint64_t u, json::string_view, json::error_code&) {
    stack_.push_uint64(u);
    return true;
  }
  bool on_double(double d, json::string_view, json::error_code&) {
    stack_.push_double(d);
    return true;
  }
  bool on_bool(bool b, json::error_code&) {
    stack_.push_bool(b);
    return true;
  }
  bool on_null(json::error_code&) {
    stack_.push_null();
    return true;
  }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }

 private:
  // Sorting once per object keeps this O(n log n): the header is parsed before the signature
  // is checked, so an attacker chooses how many keys there are.
  using KeyIt = std::vector<std::string>::iterator;
  bool RefuseDuplicates(KeyIt first, KeyIt last, json::error_code& ec) {
    std::sort(first, last);
    auto dup = std::adjacent_find(first, last);
    if (dup == last) return true;
    found_duplicate_ = true;
    duplicate_ = *dup;
    ec = json::error::syntax;  // any error stops the parser; duplicate_ says which it was
    return false;
  }

  // Scratch space for the value stack, so a small document is built without growing it.
  unsigned char temp_[2048];
  json::value_stack stack_;
  std::vector<std::string> keys_;
  std::vector<size_t> object_starts_;
  std::string key_;
  std::string duplicate_;
  bool found_duplicate_ = false;
};

}  // namespace

StrictJsonResult ParseStrictJson(std::string_view text, size_t max_depth) {
  json::parse_options options;
  options.max_depth = max_depth;
  json::basic_parser<DuplicateRefusingHandler> parser(options);
  json::error_code ec;
  size_t used = parser.write_some(false, text.data(), text.size(), ec);
  StrictJsonResult result;
  const DuplicateRefusingHandler& handler = parser.handler();
  if (handler.found_duplicate()) {
    result.error = "duplicate key";
    result.duplicate = true;
    result.duplicate_key = handler.duplicate();
  } else if (ec) {
    result.error = "not valid JSON (" + ec.message() + ")";
  } else if (used != text.size()) {
    result.error = "not valid JSON (extra data after the value)";
  } else {
    result.value = parser.handler().Release();
  }
  return result;
}

}  // namespace warden::security
