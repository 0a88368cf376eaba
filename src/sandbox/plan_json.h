// Renderings of a plan for `warden explain --sandbox`: JSON (stable keys) and text.
#pragma once

#include <boost/json.hpp>

#include <string>

#include "sandbox/plan.h"

namespace warden::sandbox {

// `landlock_abi`: the running kernel's (0: none), to say what of the plan it enforces.
boost::json::object PlanJson(const Plan& plan, int landlock_abi);
std::string PlanText(const Plan& plan, int landlock_abi);

}  // namespace warden::sandbox
