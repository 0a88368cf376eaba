#include "security/jwt/jwks.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <sodium.h>

#include <boost/json.hpp>
#include <optional>
#include <utility>

#include "core/strings.h"
#include "security/jwt/base64url.h"
#include "security/jwt/strict_json.h"

namespace warden::security {
namespace {

namespace json = boost::json;

constexpr size_t kMinRsaBits = 2048;
constexpr size_t kMaxRsaBits = 8192;  // bounds the cost of one verification
constexpr size_t kMinHmacKeyBytes = 32;

// What became of one entry of "keys": a usable key, a note saying why it was skipped, or an
// error that fails the load.
struct EntryOutcome {
  std::optional<Jwk> key;
  std::string skipped;
  std::string error;
};

EntryOutcome Error(std::string message) {
  return {std::nullopt, "", std::move(message)};
}
EntryOutcome Skip(std::string why) {
  return {std::nullopt, std::move(why), ""};
}

std::string Quoted(std::string_view untrusted) {
  return "\"" + Printable(untrusted, 40) + "\"";
}

// The string member `name`, or nullptr when absent; `error` is set when present but not a string.
const json::string* StringMember(const json::object& jwk, std::string_view name, std::string* error) {
  const json::value* v = jwk.if_contains(name);
  if (!v) return nullptr;
  if (!v->is_string()) *error = "\"" + std::string(name) + "\" must be a string";
  return v->if_string();
}

// A required base64url member, decoded; `error` is set when it is missing or not base64url.
std::optional<std::string> Base64Member(const json::object& jwk, std::string_view name, std::string* error) {
  const json::string* s = StringMember(jwk, name, error);
  if (!error->empty()) return std::nullopt;
  if (!s) {
    *error = "\"" + std::string(name) + "\" is missing";
    return std::nullopt;
  }
  auto bytes = DecodeBase64Url(std::string_view(s->data(), s->size()));
  if (!bytes) *error = "\"" + std::string(name) + "\" is not base64url (unpadded, A-Z a-z 0-9 - _)";
  return bytes;
}

// The key type an "alg" value belongs to, "" for values Warden has never heard of.
std::string_view KtyOfAlg(std::string_view alg) {
  if (alg.starts_with("HS")) return "oct";
  if (alg.starts_with("RS") || alg.starts_with("PS")) return "RSA";
  if (alg.starts_with("ES")) return "EC";
  if (alg == "EdDSA" || alg == "Ed25519" || alg == "Ed448") return "OKP";
  return "";
}

// "use", "key_ops" and "alg" decide whether a key of a known type is one to verify with: when
// not, *skip says why; a contradiction ("alg" of another key type) sets *error.
void CheckPurpose(const json::object& jwk, JwkType type, std::string_view kty, std::string* skip, std::string* error) {
  const json::string* use = StringMember(jwk, "use", error);
  if (!error->empty()) return;
  if (use && *use != "sig") {
    *skip = "\"use\" is " + Quoted(*use) + ", not \"sig\"";
    return;
  }
  if (const json::value* ops = jwk.if_contains("key_ops")) {
    const json::array* list = ops->if_array();
    if (!list) {
      *error = "\"key_ops\" must be an array of strings";
      return;
    }
    bool verify = false;
    for (const json::value& op : *list) verify = verify || (op.is_string() && op.get_string() == "verify");
    if (!verify) {
      *skip = "\"key_ops\" does not include \"verify\"";
      return;
    }
  }
  const json::string* alg = StringMember(jwk, "alg", error);
  if (!error->empty() || !alg || *alg == JwkAlgorithm(type)) return;
  std::string_view alg_kty = KtyOfAlg(std::string_view(alg->data(), alg->size()));
  if (!alg_kty.empty() && alg_kty != kty) {
    *error = "\"alg\" " + Quoted(*alg) + " is not an algorithm for kty " + Quoted(kty);
  } else {
    *skip = "\"alg\" " + Quoted(*alg) + " is not supported (only " + std::string(JwkAlgorithm(type)) + " for kty " +
            Quoted(kty) + ")";
  }
}

// A public-key JWK that carries private members is refused: a verifier needs none, and a
// private key in a verification key file is a leak waiting to happen.
std::string PrivateMemberError(const json::object& jwk) {
  for (std::string_view name : {"d", "p", "q", "dp", "dq", "qi", "oth"}) {
    if (jwk.contains(name)) {
      return "holds the private member \"" + std::string(name) +
             "\"; put only the public key (without it) in this file";
    }
  }
  return "";
}

EntryOutcome OctKey(const json::object& jwk, Jwk key) {
  std::string error;
  auto k = Base64Member(jwk, "k", &error);
  if (!k) return Error(error);
  size_t size = k->size();
  crypto_auth_hmacsha256_init(&key.hmac, reinterpret_cast<const unsigned char*>(k->data()), size);
  sodium_memzero(k->data(), k->size());
  if (size < kMinHmacKeyBytes) {
    return Error("\"k\" is " + std::to_string(size) + " bytes; HS256 needs at least " +
                 std::to_string(kMinHmacKeyBytes) + " (RFC 7518 §3.2)");
  }
  return {std::move(key), "", ""};
}

struct BnFree {
  void operator()(BIGNUM* b) const { BN_free(b); }
};
using BnPtr = std::unique_ptr<BIGNUM, BnFree>;

// EVP_PKEY_fromdata with the OpenSSL 3 parameter API (the RSA_* setters are deprecated).
std::shared_ptr<EVP_PKEY> BuildRsaKey(const std::string& n, const std::string& e) {
  BnPtr bn_n(BN_bin2bn(reinterpret_cast<const unsigned char*>(n.data()), static_cast<int>(n.size()), nullptr));
  BnPtr bn_e(BN_bin2bn(reinterpret_cast<const unsigned char*>(e.data()), static_cast<int>(e.size()), nullptr));
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  OSSL_PARAM* params = nullptr;
  if (bn_n && bn_e && bld && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn_n.get()) == 1 &&
      OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, bn_e.get()) == 1) {
    params = OSSL_PARAM_BLD_to_param(bld);
  }
  EVP_PKEY* pkey = nullptr;
  EVP_PKEY_CTX* ctx = params ? EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr) : nullptr;
  if (ctx && EVP_PKEY_fromdata_init(ctx) == 1) EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params);
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_free(params);
  OSSL_PARAM_BLD_free(bld);
  return std::shared_ptr<EVP_PKEY>(pkey, EVP_PKEY_free);
}

// SP 800-56B's 2^16 < e < 2^256, odd. OpenSSL outside FIPS mode accepts any odd e > 1 (e = 3
// for "legacy purposes"); small exponents have a history of forgeries against lax verifiers.
bool IsAcceptedExponent(const std::string& e) {
  BnPtr bn(BN_bin2bn(reinterpret_cast<const unsigned char*>(e.data()), static_cast<int>(e.size()), nullptr));
  int bits = bn ? BN_num_bits(bn.get()) : 0;
  return bn && BN_is_odd(bn.get()) && bits > 16 && bits <= 256;
}

// n odd, no small prime factors (OpenSSL's SP 800-56B partial public-key validation).
bool PassesPublicCheck(EVP_PKEY* pkey) {
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr);
  bool ok = ctx && EVP_PKEY_public_check(ctx) == 1;
  EVP_PKEY_CTX_free(ctx);
  return ok;
}

EntryOutcome RsaKey(const json::object& jwk, Jwk key) {
  if (std::string e = PrivateMemberError(jwk); !e.empty()) return Error(e);
  std::string error;
  auto n = Base64Member(jwk, "n", &error);
  if (!n) return Error(error);
  auto e = Base64Member(jwk, "e", &error);
  if (!e) return Error(error);
  if (n->size() > kMaxRsaBits / 8 + 1) return Error("the RSA key is larger than 8192 bits");
  if (!IsAcceptedExponent(*e)) return Error("\"e\" must be odd and from 65537 to 2^256 (SP 800-56B)");
  key.rsa = BuildRsaKey(*n, *e);
  if (!key.rsa) return Error("\"n\" and \"e\" do not form an RSA public key");
  auto bits = static_cast<size_t>(EVP_PKEY_get_bits(key.rsa.get()));
  if (bits < kMinRsaBits || bits > kMaxRsaBits) {
    return Error("the RSA key has " + std::to_string(bits) + " bits; 2048 to 8192 are accepted");
  }
  if (!PassesPublicCheck(key.rsa.get())) {
    return Error("not a valid RSA public key (OpenSSL's SP 800-56B public-key check failed)");
  }
  key.rsa_bytes = static_cast<size_t>(EVP_PKEY_get_size(key.rsa.get()));
  return {std::move(key), "", ""};
}

EntryOutcome OkpKey(const json::object& jwk, Jwk key) {
  std::string error;
  const json::string* crv = StringMember(jwk, "crv", &error);
  if (!error.empty()) return Error(error);
  if (!crv) return Error("\"crv\" is missing (kty \"OKP\" needs crv \"Ed25519\")");
  if (*crv != "Ed25519") return Skip("crv " + Quoted(*crv) + " is not supported (only \"Ed25519\")");
  if (std::string e = PrivateMemberError(jwk); !e.empty()) return Error(e);
  auto x = Base64Member(jwk, "x", &error);
  if (!x) return Error(error);
  if (x->size() != key.ed25519.size()) return Error("\"x\" is " + std::to_string(x->size()) + " bytes, not 32");
  std::copy(x->begin(), x->end(), key.ed25519.begin());
  return {std::move(key), "", ""};
}

EntryOutcome ParseEntry(const json::value& entry, size_t index) {
  const json::object* jwk = entry.if_object();
  if (!jwk) return Error("must be an object");
  std::string error;
  const json::string* kty = StringMember(*jwk, "kty", &error);
  if (!error.empty()) return Error(error);
  if (!kty) return Error("\"kty\" is missing");
  JwkType type;
  if (*kty == "oct") {
    type = JwkType::kOct;
  } else if (*kty == "RSA") {
    type = JwkType::kRsa;
  } else if (*kty == "OKP") {
    type = JwkType::kOkp;
  } else {
    return Skip("kty " + Quoted(*kty) + " is not supported (oct, RSA, OKP are)");
  }
  std::string skip;
  CheckPurpose(*jwk, type, std::string_view(kty->data(), kty->size()), &skip, &error);
  if (!error.empty()) return Error(error);
  if (!skip.empty()) return Skip(skip);
  Jwk key;
  key.type = type;
  key.index = index;
  const json::string* kid = StringMember(*jwk, "kid", &error);
  if (!error.empty()) return Error(error);
  if (kid) key.kid.assign(kid->data(), kid->size());
  if (type == JwkType::kOct) return OctKey(*jwk, std::move(key));
  if (type == JwkType::kRsa) return RsaKey(*jwk, std::move(key));
  return OkpKey(*jwk, std::move(key));
}

std::string Where(std::string_view source, size_t index) {
  return std::string(source) + ": keys[" + std::to_string(index) + "]: ";
}

// Two keys with one kid would make the key a token names ambiguous.
Status CheckKidUnique(const JwkSet& set, const Jwk& key, std::string_view source) {
  if (key.kid.empty()) return Status::Ok();
  for (const Jwk& other : set.keys) {
    if (other.kid == key.kid) {
      return Status::InvalidArgument(Where(source, key.index) + "kid " + Quoted(key.kid) + " is already used by keys[" +
                                     std::to_string(other.index) + "]");
    }
  }
  return Status::Ok();
}

Result<const json::array*> KeysArray(const StrictJsonResult& doc, std::string_view source) {
  std::string src(source);
  if (!doc.ok()) {
    std::string dup = doc.duplicate ? " " + Quoted(doc.duplicate_key) : "";
    return Status::ParseError(src + ": " + doc.error + dup);
  }
  const json::object* top = doc.value.if_object();
  const json::value* keys = top ? top->if_contains("keys") : nullptr;
  if (!keys) return Status::InvalidArgument(src + ": a JWK Set is an object {\"keys\": [...]}; \"keys\" is missing");
  if (!keys->is_array()) return Status::InvalidArgument(src + ": \"keys\" must be an array");
  if (keys->get_array().size() > kMaxJwks) {
    return Status::TooLarge(src + ": more than " + std::to_string(kMaxJwks) + " keys");
  }
  return &keys->get_array();
}

}  // namespace

Jwk::~Jwk() {
  sodium_memzero(&hmac, sizeof hmac);
}

std::string_view JwkAlgorithm(JwkType type) {
  switch (type) {
    case JwkType::kOct:
      return "HS256";
    case JwkType::kRsa:
      return "RS256";
    case JwkType::kOkp:
      return "EdDSA";
  }
  return "";
}

Result<JwkSet> ParseJwks(std::string_view json_text, std::string_view source_name) {
  if (sodium_init() < 0) return Status::Internal("libsodium did not initialize");
  if (json_text.size() > kMaxJwksBytes) {
    return Status::TooLarge(std::string(source_name) + ": larger than " + std::to_string(kMaxJwksBytes) + " bytes");
  }
  StrictJsonResult doc = ParseStrictJson(json_text);
  auto keys = KeysArray(doc, source_name);  // points into doc
  if (!keys.ok()) return keys.status();
  JwkSet set;
  for (size_t i = 0; i < (*keys)->size(); ++i) {
    EntryOutcome outcome = ParseEntry((**keys)[i], i);
    if (!outcome.error.empty()) return Status::InvalidArgument(Where(source_name, i) + outcome.error);
    if (!outcome.skipped.empty()) set.skipped.push_back(Where(source_name, i) + outcome.skipped + "; key skipped");
    if (!outcome.key) continue;
    if (Status s = CheckKidUnique(set, *outcome.key, source_name); !s.ok()) return s;
    set.keys.push_back(std::move(*outcome.key));
  }
  if (set.keys.empty()) {
    return Status::InvalidArgument(std::string(source_name) + ": no usable signing key (HS256 oct, RS256 RSA or " +
                                   "EdDSA Ed25519 OKP)" + (set.skipped.empty() ? "" : "; " + set.skipped.front()));
  }
  return set;
}

}  // namespace warden::security
