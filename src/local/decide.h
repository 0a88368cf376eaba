// Asking the daemon for a decision over the local protocol (protocol.h), the one way every
// client does it (warden exec, shell, the hooks, warden mcp): the decide message, the interim
// "pending" line when a person has to answer, and the final reply parsed into a typed answer.
// A reply that is not a decision is "not decided", with why — never an allow.
#pragma once

#include <boost/json.hpp>

#include <functional>
#include <string>

#include "local/client.h"
#include "policy/request.h"
#include "policy/decision.h"

namespace warden::local {

struct DecideReply {
  bool decided = false;
  policy::Decision decision = policy::Decision::kDeny;
  std::string reason;
  std::string rule;
  std::string error;            // why nothing was decided
  bool transport_failed = false;  // the daemon did not answer (the connection is not usable)
};

// The approval a person is asked for while the client waits (the interim reply).
struct Pending {
  std::string approval_id;
  std::string reason;
};

// {"op":"decide","request":…} with wait_ms and if_watched when waiting.
boost::json::object DecideMessage(const policy::Request& req, int wait_ms, bool if_watched);

// A final reply line: {"ok":true,"decision":…} or an error reply.
DecideReply ParseDecideReply(const boost::json::object& reply);

// Sends the request and returns the final answer; on an interim "pending" reply calls
// `on_pending` (to tell the person what to approve) and waits up to wait_ms (+5 s) more.
DecideReply Decide(Client& c, const policy::Request& req, int wait_ms, bool if_watched,
                   const std::function<void(const Pending&)>& on_pending);

}  // namespace warden::local
