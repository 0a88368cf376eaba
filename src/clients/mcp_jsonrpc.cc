#include "clients/mcp_jsonrpc.h"

#include <boost/json.hpp>
#include <cmath>
#include <optional>

#include "core/json_text.h"
#include "core/strings.h"

namespace warden::mcp {

namespace json = boost::json;

namespace {

bool IsJsonSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool IsBlank(std::string_view s) {
  for (char c : s) {
    if (!IsJsonSpace(c)) return false;
  }
  return true;
}

}  // namespace

void LineFramer::Feed(std::string_view bytes, const OnLine& on_line, const OnOversize& on_oversize) {
  while (!bytes.empty()) {
    size_t nl = bytes.find('\n');
    if (nl == std::string_view::npos) {
      KeepPartial(bytes);
      return;
    }
    EndLine(bytes.substr(0, nl), on_line, on_oversize);
    bytes.remove_prefix(nl + 1);
  }
}

void LineFramer::EndLine(std::string_view tail, const OnLine& on_line, const OnOversize& on_oversize) {
  if (discarding_) {
    KeepPartial(tail);
    size_t total = discarded_;
    std::string head = std::move(head_);
    discarding_ = false;
    discarded_ = 0;
    head_.clear();
    on_oversize(total, head);
    return;
  }
  if (partial_.empty()) {
    Deliver(tail, on_line, on_oversize);
    return;
  }
  if (partial_.size() + tail.size() > max_bytes_ + 1) {
    size_t total = partial_.size() + tail.size();
    std::string head = MakeHead(partial_, tail);
    ReleasePartial();
    on_oversize(total, head);
    return;
  }
  partial_.append(tail);
  Deliver(partial_, on_line, on_oversize);
  ReleasePartial();
}

void LineFramer::Deliver(std::string_view line, const OnLine& on_line, const OnOversize& on_oversize) {
  std::string_view raw = line;
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.size() > max_bytes_) {
    on_oversize(raw.size(), raw.substr(0, kOversizeHeadBytes));
    return;
  }
  if (IsBlank(line)) return;
  on_line(line);
}

void LineFramer::KeepPartial(std::string_view tail) {
  if (discarding_) {
    discarded_ += tail.size();
    if (head_.size() < kOversizeHeadBytes) head_.append(tail.substr(0, kOversizeHeadBytes - head_.size()));
    return;
  }
  if (partial_.size() + tail.size() > max_bytes_ + 1) {
    StartDiscarding(partial_, tail);
    return;
  }
  partial_.append(tail);
}

std::string LineFramer::MakeHead(std::string_view first, std::string_view second) {
  std::string head(first.substr(0, kOversizeHeadBytes));
  head.append(second.substr(0, kOversizeHeadBytes - head.size()));
  return head;
}

void LineFramer::StartDiscarding(std::string_view first, std::string_view second) {
  head_ = MakeHead(first, second);
  discarding_ = true;
  discarded_ = first.size() + second.size();
  ReleasePartial();
}

void LineFramer::ReleasePartial() {
  // A buffer grown by one big line is not kept for the small ones after it.
  if (partial_.capacity() > (size_t{1} << 20)) {
    std::string().swap(partial_);
  } else {
    partial_.clear();
  }
}

std::string_view MessageTypeName(Message::Type type) {
  switch (type) {
    case Message::Type::kRequest:
      return "request";
    case Message::Type::kNotification:
      return "notification";
    case Message::Type::kResponse:
      return "response";
    case Message::Type::kInvalid:
      return "invalid";
  }
  return "invalid";
}

namespace {

// A usable id as JSON text: a string or an integer (or null where allow_null); nullopt otherwise.
std::optional<std::string> IdText(const json::value& id, bool allow_null) {
  if (id.is_string() || id.is_int64() || id.is_uint64()) return JsonText(id);
  if (id.is_null() && allow_null) return std::string("null");
  return std::nullopt;
}

// Fills in type/method/id of a message whose JSON is an object, or sets `error`.
void ClassifyObject(const json::object& obj, Message& m) {
  const json::value* version = obj.if_contains("jsonrpc");
  if (version == nullptr || !version->is_string() || version->get_string() != "2.0") {
    m.error = "\"jsonrpc\" must be \"2.0\"";
    return;
  }
  const json::value* id = obj.if_contains("id");
  const json::value* method = obj.if_contains("method");
  if (id != nullptr) {
    if (auto text = IdText(*id, /*allow_null=*/method == nullptr)) m.id = std::move(*text);
    if (m.id.empty()) {
      m.error = "\"id\" must be a string or an integer";
      return;
    }
  }
  bool has_result = obj.contains("result");
  const json::value* error = obj.if_contains("error");
  if (method != nullptr) {
    if (!method->is_string()) {
      m.error = "\"method\" must be a string";
      return;
    }
    m.method = method->get_string();
    if (has_result || error != nullptr) {
      m.error = "a request or notification has no \"result\" or \"error\"";
      return;
    }
    const json::value* params = obj.if_contains("params");
    if (params != nullptr && !params->is_object() && !params->is_array()) {
      m.error = "\"params\" must be an object or an array";
      return;
    }
    m.type = id != nullptr ? Message::Type::kRequest : Message::Type::kNotification;
    return;
  }
  if (id == nullptr) {
    m.error = "neither \"method\" nor \"id\": not a request, notification or response";
    return;
  }
  if (has_result == (error != nullptr)) {
    m.error = "a response has exactly one of \"result\" and \"error\"";
    return;
  }
  if (error != nullptr && !error->is_object()) {
    m.error = "\"error\" must be an object";
    return;
  }
  m.type = Message::Type::kResponse;
}

json::parse_options ParseOptions() {
  json::parse_options options;
  options.max_depth = kMaxJsonDepth;
  return options;
}

}  // namespace

Message ParseMessage(std::string_view line) {
  // One parser per thread: its internal stack is reused instead of reallocated per message.
  thread_local json::parser parser(json::storage_ptr(), ParseOptions());
  Message m;
  parser.reset();
  boost::system::error_code ec;
  size_t consumed = parser.write(line.data(), line.size(), ec);
  if (ec) {
    m.error = "invalid JSON at byte " + std::to_string(consumed) + ": " + ec.message();
    m.not_json = true;
    parser.reset();
    return m;
  }
  m.json = parser.release();
  if (m.json.is_array()) {
    m.error = "a JSON-RPC batch (array): MCP 2025-06-18 removed batching, send one message per line";
  } else if (!m.json.is_object()) {
    m.error = "not a JSON object";
  } else {
    ClassifyObject(m.json.get_object(), m);
  }
  return m;
}

namespace {

// Scanning the first bytes of a line that was cut off: each function returns the index just
// past what it scanned, or npos when the head ends first or the text is not JSON.
constexpr size_t kNpos = std::string_view::npos;

size_t SkipSpace(std::string_view s, size_t i) {
  while (i < s.size() && IsJsonSpace(s[i])) ++i;
  return i;
}

size_t ScanString(std::string_view s, size_t i) {  // s[i] == '"'
  for (++i; i < s.size(); ++i) {
    if (s[i] == '\\') {
      ++i;
    } else if (s[i] == '"') {
      return i + 1;
    }
  }
  return kNpos;
}

size_t ScanScalar(std::string_view s, size_t i) {
  size_t start = i;
  while (i < s.size() && !IsJsonSpace(s[i]) && s[i] != ',' && s[i] != '}' && s[i] != ']') ++i;
  if (i == s.size() || i == start) return kNpos;  // possibly cut off, or nothing there
  return i;
}

size_t ScanNested(std::string_view s, size_t i) {  // s[i] is '{' or '['
  int depth = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c == '"') {
      i = ScanString(s, i);
      if (i == kNpos) return kNpos;
      continue;
    }
    if (c == '{' || c == '[') ++depth;
    if ((c == '}' || c == ']') && --depth == 0) return i + 1;
    ++i;
  }
  return kNpos;
}

size_t ScanValue(std::string_view s, size_t i) {
  if (i >= s.size()) return kNpos;
  if (s[i] == '"') return ScanString(s, i);
  if (s[i] == '{' || s[i] == '[') return ScanNested(s, i);
  return ScanScalar(s, i);
}

// A top-level member of the object the head starts: found says whether the key was seen, value
// is its complete raw text (empty when the head ends inside it).
struct HeadMember {
  bool found = false;
  std::string_view value;
};

HeadMember FindTopLevelMember(std::string_view head, std::string_view key) {
  size_t i = SkipSpace(head, 0);
  if (i >= head.size() || head[i] != '{') return {};
  ++i;
  while (true) {
    i = SkipSpace(head, i);
    if (i >= head.size() || head[i] != '"') return {};
    size_t key_end = ScanString(head, i);
    if (key_end == kNpos) return {};
    std::string_view this_key = head.substr(i + 1, key_end - i - 2);
    i = SkipSpace(head, key_end);
    if (i >= head.size() || head[i] != ':') return {};
    i = SkipSpace(head, i + 1);
    size_t value_end = ScanValue(head, i);
    if (this_key == key) return {true, value_end == kNpos ? std::string_view() : head.substr(i, value_end - i)};
    if (value_end == kNpos) return {};
    i = SkipSpace(head, value_end);
    if (i >= head.size() || head[i] != ',') return {};
    ++i;
  }
}

}  // namespace

std::string RecoverId(std::string_view head) {
  HeadMember id = FindTopLevelMember(head, "id");
  if (id.value.empty()) return "null";
  boost::system::error_code ec;
  json::value v = json::parse(id.value, ec);
  if (ec) return "null";
  std::optional<std::string> text = IdText(v, /*allow_null=*/true);
  return text ? *text : "null";
}

Message::Type RecoverType(std::string_view head) {
  if (FindTopLevelMember(head, "method").found) {
    return FindTopLevelMember(head, "id").found ? Message::Type::kRequest : Message::Type::kNotification;
  }
  if (FindTopLevelMember(head, "result").found || FindTopLevelMember(head, "error").found) {
    return Message::Type::kResponse;
  }
  return Message::Type::kInvalid;
}

namespace {

// Length of the valid UTF-8 sequence at s[0], or 0 when it is not one (RFC 3629 table 3-7).
size_t Utf8SequenceLength(std::string_view s) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char b0 = byte(0);
  size_t len = 0;
  unsigned char lo = 0x80, hi = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (s.size() < len || byte(1) < lo || byte(1) > hi) return 0;
  for (size_t k = 2; k < len; ++k) {
    if (byte(k) < 0x80 || byte(k) > 0xBF) return 0;
  }
  return len;
}

void AppendControl(std::string& out, unsigned char c) {
  static const char kHex[] = "0123456789abcdef";
  switch (c) {
    case '\n':
      out += "\\n";
      return;
    case '\r':
      out += "\\r";
      return;
    case '\t':
      out += "\\t";
      return;
    case '\b':
      out += "\\b";
      return;
    case '\f':
      out += "\\f";
      return;
    default:
      out += "\\u00";
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
  }
}

// True when JsonText(v) is valid JSON: it writes non-finite numbers as Infinity/NaN and
// copies string bytes as they are.
bool SerializesToValidJson(const json::value& v) {
  switch (v.kind()) {
    case json::kind::double_:
      return std::isfinite(v.get_double());
    case json::kind::string:
      return IsValidUtf8(v.get_string());
    case json::kind::array:
      for (const json::value& e : v.get_array()) {
        if (!SerializesToValidJson(e)) return false;
      }
      return true;
    case json::kind::object:
      for (const auto& kv : v.get_object()) {
        if (!IsValidUtf8(kv.key()) || !SerializesToValidJson(kv.value())) return false;
      }
      return true;
    default:
      return true;
  }
}

}  // namespace

void AppendJsonString(std::string& out, std::string_view s) {
  out += '"';
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (c < 0x20) {
        AppendControl(out, c);
      } else if (c == '"' || c == '\\') {
        out += '\\';
        out += static_cast<char>(c);
      } else {
        out += static_cast<char>(c);
      }
      ++i;
      continue;
    }
    size_t len = Utf8SequenceLength(s.substr(i));
    if (len == 0) {
      out += "\\ufffd";
      ++i;
    } else {
      out.append(s.substr(i, len));
      i += len;
    }
  }
  out += '"';
}

std::string ErrorResponse(std::string_view id_json, int code, std::string_view message, const json::value* data) {
  std::string out = R"({"jsonrpc":"2.0","id":)";
  out += id_json.empty() ? std::string_view("null") : id_json;
  out += R"(,"error":{"code":)";
  out += std::to_string(code);
  out += R"(,"message":)";
  AppendJsonString(out, message);
  if (data != nullptr && SerializesToValidJson(*data)) {
    out += R"(,"data":)";
    out += JsonText(*data);
  }
  out += "}}";
  return out;
}

}  // namespace warden::mcp
