#include "audit/line.h"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <charconv>
#include <cstring>

#include "audit/record.h"
#include "core/strings.h"

namespace warden::audit {

namespace json = boost::json;

namespace {

constexpr std::string_view kPrevHashKey = ",\"prev_hash\":\"";
constexpr std::string_view kHashKey = "\",\"hash\":\"";
// `,"prev_hash":"<64>","hash":"<64>"}`
constexpr size_t kHashesTailSize = kPrevHashKey.size() + kHashHexSize + kHashKey.size() + kHashHexSize + 2;

// A cursor over a line for the fast path: each step either matches and advances, or fails.
class Cursor {
 public:
  explicit Cursor(std::string_view line) : s_(line) {}

  bool Literal(std::string_view lit) {
    if (s_.size() - pos_ < lit.size() || std::memcmp(s_.data() + pos_, lit.data(), lit.size()) != 0) return false;
    pos_ += lit.size();
    return true;
  }

  bool Unsigned(uint64_t* value) {
    const char* first = s_.data() + pos_;
    auto [end, ec] = std::from_chars(first, s_.data() + s_.size(), *value);
    if (ec != std::errc() || end == first || (*first == '0' && end - first > 1)) return false;
    pos_ += static_cast<size_t>(end - first);
    return true;
  }

  // The body of a string whose opening quote was consumed, up to its closing quote, which
  // is consumed too. Fails on an escape, since the view would then not be the value.
  bool PlainString(std::string_view* value) {
    const void* quote = std::memchr(s_.data() + pos_, '"', s_.size() - pos_);
    if (quote == nullptr) return false;
    size_t end = static_cast<size_t>(static_cast<const char*>(quote) - s_.data());
    *value = s_.substr(pos_, end - pos_);
    if (value->find('\\') != std::string_view::npos) return false;
    pos_ = end + 1;
    return true;
  }

  // Skips a string whose opening quote was consumed, escapes included.
  bool SkipString() {
    for (size_t i = pos_; i < s_.size(); ++i) {
      if (s_[i] == '\\') {
        ++i;
      } else if (s_[i] == '"') {
        pos_ = i + 1;
        return true;
      }
    }
    return false;
  }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

bool IsHex(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

Status FieldError(std::string_view name, std::string_view expected) {
  return Status::ParseError("\"" + std::string(name) + "\" is missing or not " + std::string(expected));
}

Status StringField(const json::object& o, std::string_view name, std::string* out) {
  const json::value* v = o.if_contains(name);
  if (v == nullptr || !v->is_string()) return FieldError(name, "a string");
  *out = v->get_string();
  return Status::Ok();
}

Status SeqField(const json::object& o, uint64_t* seq) {
  const json::value* v = o.if_contains("seq");
  if (v != nullptr && v->is_uint64()) {
    *seq = v->get_uint64();
  } else if (v != nullptr && v->is_int64() && v->get_int64() >= 0) {
    *seq = static_cast<uint64_t>(v->get_int64());
  } else {
    return FieldError("seq", "an unsigned integer");
  }
  return Status::Ok();
}

Status RuleField(const json::object& o, LineFields* out, std::string* storage) {
  const json::value* v = o.if_contains("rule");
  if (v != nullptr && v->is_null()) {
    out->has_rule = false;
    out->rule = {};
    return Status::Ok();
  }
  if (v == nullptr || !v->is_string()) return FieldError("rule", "a string or null");
  *storage = v->get_string();
  out->has_rule = true;
  out->rule = *storage;
  return Status::Ok();
}

}  // namespace

void AppendLine(uint64_t seq, int64_t ts_micros, std::string_view fields, HashBytes* prev, std::string* out) {
  size_t start = out->size();
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, seq);
  (void)ec;
  char ts[kTimestampSize];
  FormatTimestamp(ts_micros, ts);
  out->append("{\"seq\":").append(digits, end).append(",\"ts\":\"").append(ts, sizeof ts).append("\",").append(fields);
  out->append(kPrevHashKey);
  size_t prev_at = out->size();
  out->resize(prev_at + kHashHexSize);
  ToHex(*prev, out->data() + prev_at);
  out->push_back('"');
  *prev = HashLinePrefix(*prev, std::string_view(*out).substr(start));
  out->append(",\"hash\":\"");
  size_t hash_at = out->size();
  out->resize(hash_at + kHashHexSize);
  ToHex(*prev, out->data() + hash_at);
  out->append("\"}\n");
}

bool ExtractFields(std::string_view line, LineFields* out) {
  Cursor c(line);
  std::string_view ts;
  if (!c.Literal("{\"seq\":") || !c.Unsigned(&out->seq) || !c.Literal(",\"ts\":\"") || !c.PlainString(&ts) ||
      ts.size() != kTimestampSize || !c.Literal(",\"decision_id\":\"") || !c.SkipString() ||
      !c.Literal(",\"kind\":\"") || !c.PlainString(&out->kind) || !c.Literal(",\"context\":\"") ||
      !c.PlainString(&out->context) || !c.Literal(",\"decision\":\"") || !c.PlainString(&out->decision) ||
      !c.Literal(",\"rule\":")) {
    return false;
  }
  out->ts = ts;
  out->has_rule = !c.Literal("null");
  if (out->has_rule) return c.Literal("\"") && c.PlainString(&out->rule);
  out->rule = {};
  return true;
}

bool ExtractHashes(std::string_view line, std::string_view* prev_hash, std::string_view* hash) {
  if (line.size() < kHashesTailSize) return false;
  std::string_view tail = line.substr(line.size() - kHashesTailSize);
  if (tail.substr(0, kPrevHashKey.size()) != kPrevHashKey) return false;
  std::string_view prev = tail.substr(kPrevHashKey.size(), kHashHexSize);
  std::string_view rest = tail.substr(kPrevHashKey.size() + kHashHexSize);
  if (rest.substr(0, kHashKey.size()) != kHashKey || rest.substr(rest.size() - 2) != "\"}") return false;
  std::string_view own = rest.substr(kHashKey.size(), kHashHexSize);
  if (!IsHex(prev) || !IsHex(own)) return false;
  *prev_hash = prev;
  *hash = own;
  return true;
}

Status ParseFields(std::string_view line, LineFields* out, FieldStorage* storage) {
  boost::system::error_code ec;
  json::value v = json::parse(json::string_view(line.data(), line.size()), ec);
  if (ec) return Status::ParseError("not valid JSON: " + ec.message());
  if (!v.is_object()) return Status::ParseError("not a JSON object");
  const json::object& o = v.get_object();
  Status s = SeqField(o, &out->seq);
  if (s.ok()) s = StringField(o, "ts", &storage->ts);
  if (s.ok()) s = StringField(o, "kind", &storage->kind);
  if (s.ok()) s = StringField(o, "context", &storage->context);
  if (s.ok()) s = StringField(o, "decision", &storage->decision);
  if (s.ok()) s = RuleField(o, out, &storage->rule);
  if (!s.ok()) return s;
  out->ts = storage->ts;
  out->kind = storage->kind;
  out->context = storage->context;
  out->decision = storage->decision;
  return Status::Ok();
}

Status ReadFields(std::string_view line, LineFields* out, FieldStorage* storage) {
  if (ExtractFields(line, out)) return Status::Ok();
  return ParseFields(line, out, storage);
}

bool LineHashMatches(std::string_view line, const HashBytes& prev) {
  std::string_view prev_hex, hash_hex;
  HashBytes expected;
  if (!ExtractHashes(line, &prev_hex, &hash_hex) || !FromHex(hash_hex, &expected)) return false;
  return HashLinePrefix(prev, line.substr(0, line.size() - kHashSuffixSize)) == expected;
}

}  // namespace warden::audit
