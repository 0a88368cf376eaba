// What an audit record or an event says of a request (the daemon's side of the local protocol,
// local/protocol.h): the request JSON with secrets redacted (server/redact.h) and long commands
// cut. Pure functions; thread-safe.
#pragma once

#include <boost/json.hpp>

#include <string>

#include "policy/request.h"

namespace warden::server {

// What an audit record or an event says of a request: RequestJson with every string redacted
// (server/redact.h) and a command over 4 KiB cut, with "truncated": true.
boost::json::object RequestSummary(const policy::Request& req);
// The same, serialized (byte for byte what json::serialize(RequestSummary(req)) gives), written
// directly: the audit path's form, without a JSON tree to build and throw away.
std::string RequestSummaryJson(const policy::Request& req);

}  // namespace warden::server
