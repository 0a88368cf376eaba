#include "audit/record.h"

#include <boost/json/serializer.hpp>
#include <chrono>
#include <cmath>
#include <cstring>

#include "core/strings.h"

namespace warden::audit {

namespace json = boost::json;

namespace {

// Runs `serializer` (already reset to a value) to its end, appending to `out`.
void Drain(json::serializer& serializer, std::string* out) {
  char buf[512];
  while (!serializer.done()) {
    json::string_view chunk = serializer.read(buf, sizeof buf);
    out->append(chunk.data(), chunk.size());
  }
}

// One serializer per thread, reused: serialize() would build a new one and a new string for
// every value.
json::serializer& Serializer() {
  thread_local json::serializer serializer;
  return serializer;
}

void AppendString(std::string* out, std::string_view key, std::string_view value) {
  *out += key;
  Serializer().reset(json::string_view(value.data(), value.size()));
  Drain(Serializer(), out);
}

void ReplaceNonFinite(json::value* v) {
  if (v->is_double() && !std::isfinite(v->get_double())) {
    *v = nullptr;
  } else if (v->is_array()) {
    for (json::value& item : v->get_array()) ReplaceNonFinite(&item);
  } else if (v->is_object()) {
    for (auto& member : v->get_object()) ReplaceNonFinite(&member.value());
  }
}

void AppendValue(std::string* out, std::string_view key, const json::value& value) {
  *out += key;
  size_t at = out->size();
  Serializer().reset(&value);
  Drain(Serializer(), out);
  // Boost.JSON writes NaN and Infinity, which are not JSON: such numbers are stored as null.
  std::string_view text = std::string_view(*out).substr(at);
  if (text.find("NaN") != std::string_view::npos || text.find("Infinity") != std::string_view::npos) {
    json::value copy = value;
    ReplaceNonFinite(&copy);
    out->resize(at);
    Serializer().reset(&copy);
    Drain(Serializer(), out);
  }
}

void AppendOptional(std::string* out, std::string_view key, const std::optional<std::string>& value) {
  if (value) {
    AppendString(out, key, *value);
  } else {
    *out += key;
    *out += "null";
  }
}

// Howard Hinnant's days_from_civil / civil_from_days: the proleptic Gregorian calendar
// without gmtime_r, which takes glibc's time-zone lock.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

struct Civil {
  int64_t year;
  unsigned month, day;
};

Civil CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<int64_t>(yoe) + era * 400 + (m <= 2), m, d};
}

void PutDigits(char* out, uint64_t value, int width) {
  for (int i = width - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
}

// Reads exactly `width` digits at text[*pos]; false if they are not all digits.
bool ReadDigits(std::string_view text, size_t* pos, int width, int64_t* value) {
  if (*pos + static_cast<size_t>(width) > text.size()) return false;
  int64_t v = 0;
  for (int i = 0; i < width; ++i) {
    char c = text[*pos + static_cast<size_t>(i)];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *pos += static_cast<size_t>(width);
  *value = v;
  return true;
}

bool Expect(std::string_view text, size_t* pos, char c) {
  if (*pos >= text.size() || text[*pos] != c) return false;
  ++*pos;
  return true;
}

// ".ffffff" (any number of digits, kept to microseconds) if present.
bool ReadFraction(std::string_view text, size_t* pos, int64_t* micros) {
  *micros = 0;
  if (*pos >= text.size() || text[*pos] != '.') return true;
  ++*pos;
  int digits = 0;
  while (*pos < text.size() && text[*pos] >= '0' && text[*pos] <= '9') {
    if (digits < 6) *micros = *micros * 10 + (text[*pos] - '0');
    ++digits;
    ++*pos;
  }
  for (int i = digits; i < 6; ++i) *micros *= 10;
  return digits > 0;
}

// "Z", "z" or ±HH:MM, as seconds east of UTC.
bool ReadOffset(std::string_view text, size_t* pos, int64_t* offset_seconds) {
  *offset_seconds = 0;
  if (*pos < text.size() && (text[*pos] == 'Z' || text[*pos] == 'z')) {
    ++*pos;
    return true;
  }
  if (*pos >= text.size() || (text[*pos] != '+' && text[*pos] != '-')) return false;
  int64_t sign = text[*pos] == '-' ? -1 : 1;
  ++*pos;
  int64_t hh, mm;
  if (!ReadDigits(text, pos, 2, &hh) || !Expect(text, pos, ':') || !ReadDigits(text, pos, 2, &mm)) return false;
  if (hh > 23 || mm > 59) return false;
  *offset_seconds = sign * (hh * 3600 + mm * 60);
  return true;
}

Status BadTimestamp(std::string_view text) {
  return Status::InvalidArgument("'" + Printable(text) +
                                 "' is not a time: use RFC 3339 (2024-05-01T12:00:00Z), a date (2024-05-01) "
                                 "or an age (90s, 10m, 24h, 7d)");
}

}  // namespace

std::string SerializeRecordFields(const Record& r) {
  std::string out;
  out.reserve(512);
  AppendString(&out, "\"decision_id\":", r.decision_id);
  AppendString(&out, ",\"kind\":", r.kind);
  AppendString(&out, ",\"context\":", r.context);
  AppendString(&out, ",\"decision\":", r.decision);
  AppendOptional(&out, ",\"rule\":", r.rule);
  out += ",\"latency_ns\":";
  out += std::to_string(r.latency_ns);
  AppendString(&out, ",\"policy_revision\":", r.policy_revision);
  AppendOptional(&out, ",\"subject\":", r.subject);
  AppendString(&out, ",\"reason\":", r.reason);
  if (r.request_json.empty()) {
    AppendValue(&out, ",\"request\":", r.request);
  } else {
    out += ",\"request\":";
    out += r.request_json;
  }
  if (r.facts_json.empty()) {
    AppendValue(&out, ",\"facts\":", r.facts);
  } else {
    out += ",\"facts\":";
    out += r.facts_json;
  }
  return JsonSafe(std::move(out), /*escape=*/false);  // the reader's fast path takes fields as they are
}

std::string FormatTimestamp(int64_t unix_micros) {
  std::string out(kTimestampSize, '0');
  FormatTimestamp(unix_micros, out.data());
  return out;
}

void FormatTimestamp(int64_t unix_micros, char* out) {
  int64_t seconds = unix_micros / 1000000;
  int64_t micros = unix_micros % 1000000;
  if (micros < 0) {
    micros += 1000000;
    --seconds;
  }
  int64_t days = seconds / 86400;
  int64_t second_of_day = seconds % 86400;
  if (second_of_day < 0) {
    second_of_day += 86400;
    --days;
  }
  Civil c = CivilFromDays(days);
  std::memcpy(out, "0000-00-00T00:00:00.000000Z", kTimestampSize);
  PutDigits(&out[0], static_cast<uint64_t>(c.year < 0 ? 0 : c.year % 10000), 4);
  PutDigits(&out[5], c.month, 2);
  PutDigits(&out[8], c.day, 2);
  PutDigits(&out[11], static_cast<uint64_t>(second_of_day / 3600), 2);
  PutDigits(&out[14], static_cast<uint64_t>(second_of_day / 60 % 60), 2);
  PutDigits(&out[17], static_cast<uint64_t>(second_of_day % 60), 2);
  PutDigits(&out[20], static_cast<uint64_t>(micros), 6);
}

Result<int64_t> ParseTimestamp(std::string_view text) {
  size_t pos = 0;
  int64_t year, month, day, hour = 0, minute = 0, second = 0, micros = 0, offset = 0;
  if (!ReadDigits(text, &pos, 4, &year) || !Expect(text, &pos, '-') || !ReadDigits(text, &pos, 2, &month) ||
      !Expect(text, &pos, '-') || !ReadDigits(text, &pos, 2, &day)) {
    return BadTimestamp(text);
  }
  if (pos < text.size()) {
    if (text[pos] != 'T' && text[pos] != 't' && text[pos] != ' ') return BadTimestamp(text);
    ++pos;
    if (!ReadDigits(text, &pos, 2, &hour) || !Expect(text, &pos, ':') || !ReadDigits(text, &pos, 2, &minute) ||
        !Expect(text, &pos, ':') || !ReadDigits(text, &pos, 2, &second) || !ReadFraction(text, &pos, &micros) ||
        !ReadOffset(text, &pos, &offset) || pos != text.size()) {
      return BadTimestamp(text);
    }
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return BadTimestamp(text);
  }
  int64_t days = DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  int64_t seconds = days * 86400 + hour * 3600 + minute * 60 + second - offset;
  return seconds * 1000000 + micros;
}

Result<std::string> ParseSince(std::string_view text, int64_t now_micros) {
  if (text.size() >= 2 && text.size() <= 12) {
    char unit = text.back();
    int64_t per = unit == 's' ? 1 : unit == 'm' ? 60 : unit == 'h' ? 3600 : unit == 'd' ? 86400 : 0;
    size_t pos = 0;
    int64_t amount = 0;
    if (per != 0 && ReadDigits(text, &pos, static_cast<int>(text.size() - 1), &amount)) {
      return FormatTimestamp(now_micros - amount * per * 1000000);
    }
  }
  auto micros = ParseTimestamp(text);
  if (!micros.ok()) return micros.status();
  return FormatTimestamp(*micros);
}

int64_t NowMicros() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace warden::audit
