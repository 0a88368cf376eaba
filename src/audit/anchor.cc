#include "audit/anchor.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cerrno>
#include <cstring>

#include "audit/chain.h"
#include "audit/line.h"

namespace warden::audit {

namespace json = boost::json;

namespace {

constexpr size_t kAnchorKeys = 11;  // format, the nine fields, mac

Status Bad(std::string_view what) {
  return Status::ParseError("anchor.json: " + std::string(what));
}

bool IsLowerHash(std::string_view hex) {
  HashBytes bytes;
  return FromHex(hex, &bytes) && ToHex(bytes) == hex;
}

// True for a timestamp exactly as FormatTimestamp writes it.
bool IsCanonicalTs(std::string_view ts) {
  auto micros = ParseTimestamp(ts);
  return micros.ok() && FormatTimestamp(*micros) == ts;
}

Status ReadCount(const json::object& o, const char* key, uint64_t* out) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr) return Bad(std::string("\"") + key + "\" is missing");
  if (v->is_uint64()) {
    *out = v->get_uint64();
  } else if (v->is_int64() && v->get_int64() >= 0) {
    *out = static_cast<uint64_t>(v->get_int64());
  } else {
    return Bad(std::string("\"") + key + "\" is not an unsigned integer");
  }
  return Status::Ok();
}

Status ReadString(const json::object& o, const char* key, std::string* out) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || !v->is_string()) return Bad(std::string("\"") + key + "\" is missing or not a string");
  *out = std::string(v->get_string());
  return Status::Ok();
}

Status ReadFieldsOf(const json::object& o, Anchor* a) {
  std::string format;
  if (Status s = ReadString(o, "format", &format); !s.ok()) return s;
  if (format != kAnchorFormat) return Bad("unknown format \"" + format + "\"");
  for (auto [key, out] : {std::pair{"first_segment", &a->first_segment},
                          {"first_seq", &a->first_seq},
                          {"removed_segments", &a->removed_segments},
                          {"removed_records", &a->removed_records},
                          {"removed_bytes", &a->removed_bytes}}) {
    if (Status s = ReadCount(o, key, out); !s.ok()) return s;
  }
  for (auto [key, out] : {std::pair{"prev_hash", &a->prev_hash},
                          {"oldest_ts", &a->oldest_ts},
                          {"through_ts", &a->through_ts},
                          {"updated", &a->updated}}) {
    if (Status s = ReadString(o, key, out); !s.ok()) return s;
  }
  const json::value* mac = o.if_contains("mac");
  if (mac == nullptr || !(mac->is_null() || mac->is_string())) return Bad("\"mac\" is missing or not a string or null");
  a->mac = mac->is_string() ? std::string(mac->get_string()) : std::string();
  return Status::Ok();
}

Status CheckValues(const Anchor& a) {
  if (a.first_segment < 2) return Bad("\"first_segment\" must be at least 2");
  if (a.first_seq < 2 || a.first_seq == UINT64_MAX) return Bad("\"first_seq\" must be at least 2");
  if (a.removed_records != a.first_seq - 1) return Bad("\"removed_records\" is not first_seq - 1");
  if (a.removed_segments == 0 || a.removed_segments >= a.first_segment) {
    return Bad("\"removed_segments\" must be between 1 and first_segment - 1");
  }
  if (!IsLowerHash(a.prev_hash)) return Bad("\"prev_hash\" is not 64 lowercase hex digits");
  if (!a.mac.empty() && !IsLowerHash(a.mac)) return Bad("\"mac\" is not 64 lowercase hex digits");
  for (const std::string* ts : {&a.oldest_ts, &a.through_ts, &a.updated}) {
    if (!IsCanonicalTs(*ts)) return Bad("a timestamp is not of the form YYYY-MM-DDTHH:MM:SS.ffffffZ");
  }
  if (a.through_ts < a.oldest_ts) return Bad("\"through_ts\" is before \"oldest_ts\"");
  return Status::Ok();
}

json::object AnchorFields(const Anchor& a) {
  json::object o;
  o["first_segment"] = a.first_segment;
  o["first_seq"] = a.first_seq;
  o["prev_hash"] = a.prev_hash;
  o["removed_segments"] = a.removed_segments;
  o["removed_records"] = a.removed_records;
  o["removed_bytes"] = a.removed_bytes;
  o["oldest_ts"] = a.oldest_ts;
  o["through_ts"] = a.through_ts;
  o["updated"] = a.updated;
  return o;
}

Status WriteWhole(int fd, std::string_view data, const std::string& path) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::IoError(path + ": " + std::strerror(errno));
    done += static_cast<size_t>(n);
  }
  return Status::Ok();
}

Status SyncDir(const std::string& dir) {
  int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Status::IoError(dir + ": " + std::strerror(errno));
  int rc = fsync(fd);
  int err = errno;
  close(fd);
  return rc == 0 ? Status::Ok() : Status::IoError(dir + ": fsync: " + std::strerror(err));
}

Result<std::string> ReadSmallFile(const std::string& path, size_t limit) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) {
    int err = errno;
    if (err == ENOENT) return Status::NotFound(path + ": no such file");
    return Status::IoError(path + ": " + std::strerror(err));
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    return Status::IoError(path + ": not a regular file");
  }
  std::string out(limit + 1, '\0');
  size_t got = 0;
  while (got < out.size()) {
    ssize_t n = read(fd, out.data() + got, out.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  close(fd);
  if (got > limit) return Status::TooLarge(path + ": larger than " + std::to_string(limit) + " bytes");
  out.resize(got);
  return out;
}

Result<std::string> KeyFromHex(std::string_view text, const std::string& path) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  std::array<unsigned char, kAnchorKeyBytes> raw;
  size_t len = 0;
  if (text.size() != 2 * kAnchorKeyBytes ||
      sodium_hex2bin(raw.data(), raw.size(), text.data(), text.size(), nullptr, &len, nullptr) != 0 ||
      len != raw.size()) {
    return Status::InvalidArgument(path + " does not hold an audit anchor key (64 hex digits)");
  }
  return std::string(reinterpret_cast<const char*>(raw.data()), raw.size());
}

}  // namespace

Result<Anchor> ParseAnchor(std::string_view text) {
  if (text.size() > kMaxAnchorBytes) return Bad("larger than " + std::to_string(kMaxAnchorBytes) + " bytes");
  boost::system::error_code ec;
  json::value v = json::parse(json::string_view(text.data(), text.size()), ec);
  if (ec) return Bad("not valid JSON: " + ec.message());
  if (!v.is_object()) return Bad("not a JSON object");
  const json::object& o = v.get_object();
  if (o.size() != kAnchorKeys) return Bad("expected exactly the keys format, first_segment, …, updated, mac");
  Anchor a;
  if (Status s = ReadFieldsOf(o, &a); !s.ok()) return s;
  if (Status s = CheckValues(a); !s.ok()) return s;
  return a;
}

std::string SerializeAnchor(const Anchor& a) {
  json::object o;
  o["format"] = kAnchorFormat;
  for (const auto& kv : AnchorFields(a)) o[kv.key()] = kv.value();
  o["mac"] = a.mac.empty() ? json::value(nullptr) : json::value(a.mac);
  return json::serialize(o) + "\n";
}

std::string AnchorMacText(const Anchor& a) {
  std::string out = std::string(kAnchorFormat) + "\n";
  for (const auto& kv : AnchorFields(a)) {
    const json::value& v = kv.value();
    out += std::string(kv.key()) + "=" + (v.is_string() ? std::string(v.get_string()) : json::serialize(v)) + "\n";
  }
  return out;
}

std::string AnchorMac(const Anchor& a, std::string_view key) {
  std::string text = AnchorMacText(a);
  HashBytes mac;
  crypto_generichash(mac.data(), mac.size(), reinterpret_cast<const unsigned char*>(text.data()), text.size(),
                     reinterpret_cast<const unsigned char*>(key.data()), key.size());
  return ToHex(mac);
}

bool AnchorMacMatches(const Anchor& a, std::string_view key) {
  if (a.mac.size() != kHashHexSize) return false;
  std::string expected = AnchorMac(a, key);
  return sodium_memcmp(expected.data(), a.mac.data(), kHashHexSize) == 0;
}

Result<std::optional<Anchor>> ReadAnchor(const std::string& dir) {
  std::string path = dir + "/" + std::string(kAnchorFile);
  auto text = ReadSmallFile(path, kMaxAnchorBytes);
  if (!text.ok()) {
    if (text.status().code() == Status::Code::kNotFound) return std::optional<Anchor>();
    if (text.status().code() == Status::Code::kTooLarge) return Bad(text.status().message());
    return text.status();
  }
  auto anchor = ParseAnchor(*text);
  if (!anchor.ok()) return anchor.status();
  return std::optional<Anchor>(std::move(anchor).value());
}

Status WriteAnchor(const std::string& dir, const Anchor& anchor) {
  std::string path = dir + "/" + std::string(kAnchorFile);
  std::string tmp = dir + "/." + std::string(kAnchorFile) + ".tmp";
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return Status::IoError(tmp + ": " + std::strerror(errno));
  Status s = WriteWhole(fd, SerializeAnchor(anchor), tmp);
  if (s.ok() && fsync(fd) != 0) s = Status::IoError(tmp + ": fsync: " + std::strerror(errno));
  close(fd);
  if (s.ok() && rename(tmp.c_str(), path.c_str()) != 0) s = Status::IoError(path + ": rename: " + std::strerror(errno));
  if (!s.ok()) {
    unlink(tmp.c_str());
    return s;
  }
  return SyncDir(dir);
}

Result<std::optional<std::string>> LoadAnchorKey(const std::string& path) {
  auto text = ReadSmallFile(path, 256);
  if (!text.ok()) {
    if (text.status().code() == Status::Code::kNotFound) return std::optional<std::string>();
    return text.status();
  }
  auto key = KeyFromHex(*text, path);
  if (!key.ok()) return key.status();
  return std::optional<std::string>(std::move(key).value());
}

Result<std::string> LoadOrCreateAnchorKey(const std::string& path) {
  auto existing = LoadAnchorKey(path);
  if (!existing.ok()) return existing.status();
  if (*existing) return **existing;
  if (sodium_init() < 0) return Status::Internal("libsodium did not initialize");
  std::array<unsigned char, kAnchorKeyBytes> raw;
  randombytes_buf(raw.data(), raw.size());
  char hex[2 * kAnchorKeyBytes + 1];
  sodium_bin2hex(hex, sizeof hex, raw.data(), raw.size());
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0 && errno == EEXIST) {  // another process made it first
    auto made = LoadAnchorKey(path);
    if (!made.ok()) return made.status();
    if (*made) return **made;
  }
  if (fd < 0) return Status::IoError("cannot create " + path + ": " + std::strerror(errno));
  Status s = WriteWhole(fd, std::string(hex) + "\n", path);
  if (s.ok() && fsync(fd) != 0) s = Status::IoError(path + ": fsync: " + std::strerror(errno));
  close(fd);
  if (!s.ok()) return s;
  return std::string(reinterpret_cast<const char*>(raw.data()), raw.size());
}

Record RetentionRecord(const Anchor& anchor) {
  Record r;
  r.kind = "action";
  r.context = "service";
  r.decision = "allow";
  r.rule = std::string(kRetentionRule);
  r.subject = "warden";
  r.reason = "audit retention: the segments before " + std::to_string(anchor.first_segment) + " (records 1 to " +
             std::to_string(anchor.first_seq - 1) + ", " + anchor.oldest_ts + " to " + anchor.through_ts +
             ") are removed; the log now starts at seq " + std::to_string(anchor.first_seq);
  json::object request{{"action", kRetentionAction}};
  for (const auto& kv : AnchorFields(anchor)) request[kv.key()] = kv.value();
  r.request = std::move(request);
  return r;
}

std::optional<Anchor> ReadRetentionRecord(std::string_view line) {
  LineFields fields;
  FieldStorage storage;
  if (!ReadFields(line, &fields, &storage).ok() || !fields.has_rule || fields.rule != kRetentionRule ||
      fields.kind != "action") {
    return std::nullopt;
  }
  boost::system::error_code ec;
  json::value v = json::parse(json::string_view(line.data(), line.size()), ec);
  const json::value* request = !ec && v.is_object() ? v.get_object().if_contains("request") : nullptr;
  if (request == nullptr || !request->is_object()) return std::nullopt;
  json::object o = request->get_object();
  const json::value* action = o.if_contains("action");
  if (action == nullptr || !action->is_string() || action->get_string() != kRetentionAction) return std::nullopt;
  o.erase("action");
  o["format"] = kAnchorFormat;
  o["mac"] = nullptr;
  auto anchor = ParseAnchor(json::serialize(o));
  if (!anchor.ok()) return std::nullopt;
  return std::move(anchor).value();
}

}  // namespace warden::audit
