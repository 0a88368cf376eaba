// JWK Sets (RFC 7517 §5): the local file of public keys (and HMAC secrets) that JWT bearer
// tokens are checked against.
//
// Supported keys, one JWS algorithm each:
//   kty "oct"  → HS256  ("k": the secret, at least 32 bytes, RFC 7518 §3.2)
//   kty "RSA"  → RS256  ("n", "e": 2048 to 8192 bits, 2^16 < e < 2^256, SP 800-56B public check)
//   kty "OKP"  → EdDSA  (crv "Ed25519", "x": 32 bytes)
// A key is *skipped*, with a note saying why, when it is not for signatures ("use" other than
// "sig", "key_ops" without "verify"), names an algorithm Warden does not verify (e.g. "RS512"),
// or has a kty/crv Warden does not know (RFC 7517 §5: ignore what is not understood). A key
// Warden does handle but that is broken — a field missing or not base64url, a short RSA modulus,
// "alg" naming another key type, private members ("d", …) in an RSA/OKP key, a repeated "kid" —
// fails the whole load: a typo must not silently remove a key, and a set without any usable key
// is an error too. Errors read `<source>: keys[2]: "n" is not base64url`.
//
// The loaded keys are immutable: RSA keys are built into EVP_PKEY objects once, here, and are
// only read afterwards (OpenSSL allows concurrent read-only use of an EVP_PKEY; each verification
// makes its own EVP_MD_CTX). An HMAC secret is kept only as the HMAC state keyed with it
// (which saves hashing the key pads per token), wiped from memory when its Jwk is destroyed.
#pragma once

#include <openssl/types.h>
#include <sodium/crypto_auth_hmacsha256.h>

#include <array>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace warden::security {

enum class JwkType { kOct, kRsa, kOkp };

struct Jwk {
  JwkType type = JwkType::kOct;
  std::string kid;                          // "" when the JWK has none
  size_t index = 0;                         // position in "keys", for messages
  crypto_auth_hmacsha256_state hmac{};      // kOct: HMAC-SHA256 already keyed with "k"
  std::shared_ptr<EVP_PKEY> rsa;            // kRsa: the public key (read-only after load)
  size_t rsa_bytes = 0;                     // kRsa: modulus size = RS256 signature size
  std::array<unsigned char, 32> ed25519{};  // kOkp: the Ed25519 public key

  Jwk() = default;
  Jwk(Jwk&&) = default;
  Jwk& operator=(Jwk&&) = default;
  ~Jwk();
};

struct JwkSet {
  std::vector<Jwk> keys;             // usable keys, in file order
  std::vector<std::string> skipped;  // "<source>: keys[3]: kty \"EC\" is not supported; key skipped"
};

inline constexpr size_t kMaxJwksBytes = 1 << 20;
// Bounds the work a token without "kid" can cause: it is tried against every key of its type.
inline constexpr size_t kMaxJwks = 100;

// The JWS "alg" a key of this type verifies: "HS256", "RS256" or "EdDSA".
std::string_view JwkAlgorithm(JwkType type);

Result<JwkSet> ParseJwks(std::string_view json, std::string_view source_name);

}  // namespace warden::security
