// The stages of the HTTP security stack, in chain order (DESIGN.md §2). Each is configured
// once and then only read (thread-safe); see stage.h for the contract.
//
//   AuthnStage      Authorization: Bearer wdn_… (token store) or a JWT (JWKS file) → the
//                   principal (a JWT's is "jwt:" + its sub); missing or bad credentials → 401
//                   with WWW-Authenticate.
//   RateLimitStage  GCRA per (token, or client address when anonymous) × endpoint class →
//                   429 with Retry-After and RateLimit-* headers; repeated offenders banned.
//   ValidateStage   the JSON body: parse errors → 400 with the byte offset; the endpoint's
//                   schema → 422 naming the field.
//   AuthzStage      the principal's role must grant the endpoint's permission ("api:check",
//                   "admin:tokens", …) in the policy's RBAC section → 403.
//   AuditStage      every request that did not already write a decision record gets one
//                   (refusals included), in the same hash-chained log as local decisions.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "audit/record.h"
#include "core/status.h"
#include "policy/snapshot.h"
#include "security/stage.h"

namespace warden::security {

class TokenStore;
class RateLimitStore;
class JwtVerifier;

class AuthnStage final : public Stage {
 public:
  // `failures` (may be null) is charged, class auth-failure, per bad credential from a client
  // address: brute-forcing tokens gets a client limited (429), then banned. `jwt` (may be
  // null) verifies bearer credentials shaped like a JWT; wdn_ tokens go to `tokens`.
  AuthnStage(std::shared_ptr<TokenStore> tokens, std::shared_ptr<RateLimitStore> failures,
             std::shared_ptr<const JwtVerifier> jwt = nullptr);
  std::string_view name() const override { return "authn"; }
  StageStatus Run(Exchange& ex) const override;

 private:
  StageStatus Refuse(Exchange& ex, std::string_view error, const std::string& description) const;
  StageStatus VerifyJwt(Exchange& ex, std::string_view token) const;
  std::shared_ptr<TokenStore> tokens_;
  std::shared_ptr<RateLimitStore> failures_;
  std::shared_ptr<const JwtVerifier> jwt_;
};

class RateLimitStage final : public Stage {
 public:
  explicit RateLimitStage(std::shared_ptr<RateLimitStore> limiter);
  std::string_view name() const override { return "ratelimit"; }
  StageStatus Run(Exchange& ex) const override;

 private:
  std::shared_ptr<RateLimitStore> limiter_;
};

class ValidateStage final : public Stage {
 public:
  std::string_view name() const override { return "validate"; }
  StageStatus Run(Exchange& ex) const override;
};

// Parses ex.body as JSON into ex.json; on failure fills ex.error (400, the byte offset).
// Also used by the endpoints themselves when the validate stage is off.
bool ParseJsonBody(Exchange& ex);

class AuthzStage final : public Stage {
 public:
  using SnapshotFn = std::function<std::shared_ptr<const policy::Snapshot>()>;
  explicit AuthzStage(SnapshotFn snapshot) : snapshot_(std::move(snapshot)) {}
  std::string_view name() const override { return "authz"; }
  StageStatus Run(Exchange& ex) const override;

 private:
  SnapshotFn snapshot_;
};

class AuditStage final : public Stage {
 public:
  using AppendFn = std::function<Status(audit::Record)>;
  explicit AuditStage(AppendFn append) : append_(std::move(append)) {}
  std::string_view name() const override { return "audit"; }
  StageStatus Run(Exchange&) const override { return StageStatus::kContinue; }
  void Finish(Exchange& ex) const override;

 private:
  AppendFn append_;
};

// The record AuditStage writes for an exchange (exposed for tests).
audit::Record HttpAuditRecord(const Exchange& ex);

}  // namespace warden::security
