#include <boost/json.hpp>

#include "security/schema.h"
#include "security/stages.h"

namespace warden::security {

namespace json = boost::json;

bool ParseJsonBody(Exchange& ex) {
  if (ex.json_parsed) return true;
  if (ex.body.empty()) {
    ex.error = {400, "bad-json", "the request needs a JSON body", ""};
    return false;
  }
  json::stream_parser p;
  boost::system::error_code ec;
  size_t used = p.write(ex.body.data(), ex.body.size(), ec);
  if (!ec) p.finish(ec);
  if (ec) {
    ex.error = {400, "bad-json", "the body is not valid JSON: " + ec.message() + " at byte " + std::to_string(used), ""};
    return false;
  }
  ex.json = p.release();
  ex.json_parsed = true;
  return true;
}

StageStatus ValidateStage::Run(Exchange& ex) const {
  if (!ex.endpoint || !ex.endpoint->json_body) return StageStatus::kContinue;
  if (!ParseJsonBody(ex)) return StageStatus::kDeny;
  if (!ex.endpoint->schema) return StageStatus::kContinue;
  SchemaError err;
  if (Validate(*ex.endpoint->schema, ex.json, &err)) return StageStatus::kContinue;
  std::string where = err.field.empty() ? "the body" : err.field;
  ex.error = {422, "invalid-field", where + " " + err.message, err.field};
  return StageStatus::kDeny;
}

}  // namespace warden::security
