#include "core/rate_spec.h"

namespace warden {

namespace {

constexpr int64_t kSecond = 1'000'000'000;

std::string Quote(std::string_view s) { return "\"" + std::string(s.substr(0, 80)) + "\""; }

bool ParseCount(std::string_view s, uint64_t* out) {
  if (s.empty() || s.size() > 12) return false;
  uint64_t n = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  *out = n;
  return true;
}

bool ParseUnit(std::string_view u, int64_t* ns) {
  if (u == "s" || u == "sec" || u == "second") *ns = kSecond;
  else if (u == "m" || u == "min" || u == "minute") *ns = 60 * kSecond;
  else if (u == "h" || u == "hour") *ns = 3600 * kSecond;
  else return false;
  return true;
}

// "30m", "1h", "2d", "90s"
bool ParseDuration(std::string_view s, int64_t* ns) {
  if (s.size() < 2) return false;
  uint64_t n;
  if (!ParseCount(s.substr(0, s.size() - 1), &n) || n == 0 || n > 1'000'000) return false;
  int64_t unit;
  switch (s.back()) {
    case 's': unit = kSecond; break;
    case 'm': unit = 60 * kSecond; break;
    case 'h': unit = 3600 * kSecond; break;
    case 'd': unit = 86400 * kSecond; break;
    default: return false;
  }
  *ns = static_cast<int64_t>(n) * unit;
  return true;
}

Result<RateSpec> ParseBan(std::string_view value, RateSpec spec, const std::string& quoted) {
  auto bad = [&](const std::string& why) { return Status::InvalidArgument("rate limit " + quoted + ": " + why); };
  if (value == "off") {
    spec.kind = RateSpec::Kind::kBanOff;
    return spec;
  }
  size_t slash = value.find('/');
  if (slash == std::string_view::npos || !ParseCount(value.substr(0, slash), &spec.count) || spec.count == 0 ||
      spec.count > 1'000'000) {
    return bad("ban needs TIMES/DURATION (e.g. 5/1h) or off");
  }
  if (!ParseDuration(value.substr(slash + 1), &spec.period_ns)) {
    return bad("unknown duration " + Quote(value.substr(slash + 1)) + " (use 90s, 30m, 1h or 2d)");
  }
  spec.kind = RateSpec::Kind::kBan;
  return spec;
}

Result<RateSpec> ParseClass(std::string_view value, RateSpec spec, const std::string& quoted) {
  auto bad = [&](const std::string& why) { return Status::InvalidArgument("rate limit " + quoted + ": " + why); };
  std::string_view burst_part;
  if (size_t comma = value.find(','); comma != std::string_view::npos) {
    burst_part = value.substr(comma + 1);
    value = value.substr(0, comma);
    while (!burst_part.empty() && burst_part.front() == ' ') burst_part.remove_prefix(1);
  }
  size_t slash = value.find('/');
  if (slash == std::string_view::npos) return bad("expected COUNT/UNIT, e.g. 100/min");
  if (!ParseCount(value.substr(0, slash), &spec.count) || spec.count == 0) return bad("the count must be a whole number > 0");
  if (!ParseUnit(value.substr(slash + 1), &spec.period_ns)) {
    return bad("unknown unit " + Quote(value.substr(slash + 1)) + " (use s, min or h)");
  }
  if (spec.count > static_cast<uint64_t>(spec.period_ns)) return bad("more than one request per nanosecond");
  if (!burst_part.empty()) {
    if (burst_part.substr(0, 6) != "burst=" || !ParseCount(burst_part.substr(6), &spec.burst) || spec.burst == 0) {
      return bad("expected burst=N (N > 0) after the comma");
    }
  }
  spec.kind = RateSpec::Kind::kClass;
  return spec;
}

}  // namespace

Result<RateSpec> ParseRateSpec(std::string_view text) {
  std::string quoted = Quote(text);
  size_t eq = text.find('=');
  if (eq == std::string_view::npos) {
    return Status::InvalidArgument("rate limit " + quoted + ": expected NAME=VALUE, e.g. default=100/min");
  }
  RateSpec spec;
  spec.name = std::string(text.substr(0, eq));
  std::string_view value = text.substr(eq + 1);
  if (spec.name == "max-keys") {
    if (!ParseCount(value, &spec.count) || spec.count < 1024) {
      return Status::InvalidArgument("rate limit " + quoted + ": max-keys must be a number ≥ 1024");
    }
    spec.kind = RateSpec::Kind::kMaxKeys;
    return spec;
  }
  if (spec.name == "ban") return ParseBan(value, std::move(spec), quoted);
  if (spec.name == "default" || spec.name == "expensive" || spec.name == "auth-failure") {
    return ParseClass(value, std::move(spec), quoted);
  }
  return Status::InvalidArgument("rate limit " + quoted + ": unknown name " + Quote(spec.name) +
                                 " (default, expensive, auth-failure, ban, max-keys)");
}

}  // namespace warden
