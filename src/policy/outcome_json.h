// The JSON form of a decision, shared by every front end that prints or sends one (warden
// check --json, the daemon's decide reply, the audit log): decision, rule, reason, kind,
// context, facts (each with its own decision and rule) and the policy revision. Pure.
#pragma once

#include <boost/json.hpp>

#include "policy/diagnostic.h"
#include "policy/evaluator.h"
#include "policy/request.h"
#include "policy/snapshot.h"

namespace warden::policy {

// An http fact shows the request's target, so it needs `req`; without it, only its type.
boost::json::array FactsJson(const Outcome& out, const Request* req = nullptr);
boost::json::object OutcomeJson(const Outcome& out, const Request& req, const Snapshot& snap);
// One load diagnostic: severity, code, file, line, column, message and (when there is one) hint.
boost::json::object DiagnosticJson(const Diagnostic& d);

}  // namespace warden::policy
