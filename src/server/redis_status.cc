#include "server/redis_status.h"

namespace warden::server {

namespace json = boost::json;

uint64_t SharedRoundTrips(const SharedStores& s) {
  uint64_t n = 0;
  if (s.limiter) n += s.limiter->redis_counts().round_trips.load();
  if (s.events) n += s.events->counts().round_trips.load();
  return n;
}

json::object SharedStatusJson(const SharedStores& s) {
  const redis::Client& c = s.hub->commands();
  json::object o;
  o["redis"] = c.address().Describe();
  o["connected"] = s.hub->connected();
  o["instance_id"] = s.hub->instance_id();
  o["prefix"] = s.hub->prefix();
  o["on_failure"] = json::object{{"tokens", s.token_failure == security::TokenFailureMode::kClosed ? "closed" : "cached"},
                                 {"rate_limits", s.rate_failure == security::RateFailureMode::kLocal ? "local" : "closed"},
                                 {"approvals", "local"},
                                 {"events", "local"}};
  o["commands"] = c.counts().commands.load();
  o["errors"] = c.counts().errors.load();
  o["timeouts"] = c.counts().timeouts.load();
  o["connects"] = c.counts().connects.load();
  o["disconnects"] = c.counts().disconnects.load();
  o["round_trips"] = SharedRoundTrips(s);
  if (s.tokens) {
    o["tokens"] = json::object{{"loaded", s.tokens->loaded()},
                               {"refused_unavailable", s.tokens->counts().refused_unavailable.load()},
                               {"changes_received", s.tokens->counts().changes_received.load()},
                               {"reloads", s.tokens->counts().reloads.load()}};
  }
  if (s.limiter) {
    const auto& r = s.limiter->redis_counts();
    o["rate_limits"] = json::object{{"round_trips", r.round_trips.load()},     {"scripts", r.scripts.load()},
                                    {"failed", r.failed.load()},               {"checks_while_away", r.checks_while_away.load()},
                                    {"refused_while_away", r.refused_while_away.load()}, {"bans_received", r.bans_received.load()}};
  }
  if (s.events) {
    o["events"] = json::object{{"published", s.events->counts().published.load()},
                               {"received", s.events->counts().received.load()},
                               {"dropped", s.events->counts().dropped.load()}};
  }
  if (s.approvals) {
    o["approvals"] = json::object{{"opened_locally_only", s.approvals->counts().opened_locally_only.load()},
                                  {"answers_received", s.approvals->counts().answers_received.load()},
                                  {"failed", s.approvals->counts().failed.load()}};
  }
  return o;
}

void AddSharedGauges(const SharedStores& s, std::vector<GaugeValue>* out) {
  const redis::Client& c = s.hub->commands();
  auto add = [&](const char* name, const char* help, uint64_t v, bool counter = true) {
    out->push_back({name, help, static_cast<double>(v), counter});
  };
  out->push_back({"warden_redis_connected", "1 while both connections to Redis are up.", s.hub->connected() ? 1.0 : 0.0});
  add("warden_redis_commands_total", "Commands sent to Redis.", c.counts().commands.load());
  add("warden_redis_errors_total", "Redis commands that failed (error reply, lost connection, timeout).", c.counts().errors.load());
  add("warden_redis_timeouts_total", "Redis commands without a reply in time.", c.counts().timeouts.load());
  add("warden_redis_disconnects_total", "Connections to Redis lost.", c.counts().disconnects.load());
  add("warden_redis_round_trips_total", "Redis round trips of the rate limiter and the event bus.", SharedRoundTrips(s));
  if (s.tokens) {
    add("warden_redis_tokens_refused_unavailable_total", "Bearer tokens not verified because Redis was away (tokens: closed).",
        s.tokens->counts().refused_unavailable.load());
  }
  if (s.limiter) {
    add("warden_redis_ratelimit_checks_while_away_total", "Rate-limit checks made while Redis was away.",
        s.limiter->redis_counts().checks_while_away.load());
    add("warden_redis_ratelimit_refused_while_away_total", "Requests refused because Redis was away (rate limits: closed).",
        s.limiter->redis_counts().refused_while_away.load());
  }
  if (s.events) add("warden_redis_events_dropped_total", "Events not sent to other instances.", s.events->counts().dropped.load());
  if (s.approvals) {
    add("warden_redis_approvals_local_only_total", "Approvals opened while Redis was away (answerable on this instance only).",
        s.approvals->counts().opened_locally_only.load());
  }
}

}  // namespace warden::server
