// Keys and signing helpers for the JWT tests (test-only): an HMAC secret, an RSA key generated
// with OpenSSL, and the Ed25519 key of RFC 8037 Appendix A.1, each with its JWK text, so tests
// can mint tokens the verifier must accept or refuse. Not thread-safe to construct; read-only after.
#pragma once

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <sodium.h>

#include <array>
#include <memory>
#include <string>
#include <string_view>

#include "security/jwt/base64url.h"

namespace warden::security::testing {

inline std::string B64(std::string_view bytes) {
  return EncodeBase64Url(bytes);
}

inline std::string HmacSha256(std::string_view key, std::string_view input) {
  crypto_auth_hmacsha256_state st;
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(input.data()), input.size());
  crypto_auth_hmacsha256_final(&st, mac);
  return std::string(reinterpret_cast<const char*>(mac), sizeof mac);
}

inline std::string BnBytes(EVP_PKEY* pkey, const char* name) {
  BIGNUM* bn = nullptr;
  EVP_PKEY_get_bn_param(pkey, name, &bn);
  std::string out(static_cast<size_t>(BN_num_bytes(bn)), '\0');
  BN_bn2bin(bn, reinterpret_cast<unsigned char*>(out.data()));
  BN_free(bn);
  return out;
}

struct RsaTestKey {
  explicit RsaTestKey(unsigned bits) : pkey(EVP_RSA_gen(bits), EVP_PKEY_free) {}

  std::string Jwk(std::string_view kid) const {
    std::string kid_member = kid.empty() ? "" : ",\"kid\":\"" + std::string(kid) + "\"";
    return "{\"kty\":\"RSA\"" + kid_member + ",\"n\":\"" + B64(BnBytes(pkey.get(), OSSL_PKEY_PARAM_RSA_N)) +
           "\",\"e\":\"" + B64(BnBytes(pkey.get(), OSSL_PKEY_PARAM_RSA_E)) + "\"}";
  }

  std::string Sign(std::string_view input) const {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    size_t len = 0;
    EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, pkey.get());
    EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(input.data()), input.size());
    std::string sig(len, '\0');
    EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                   reinterpret_cast<const unsigned char*>(input.data()), input.size());
    EVP_MD_CTX_free(ctx);
    sig.resize(len);
    return sig;
  }

  // The public key as DER SubjectPublicKeyInfo and as PEM: what an algorithm-confusion attack
  // feeds to HMAC as the "secret".
  std::string PublicDer() const {
    unsigned char* der = nullptr;
    int len = i2d_PUBKEY(pkey.get(), &der);
    std::string out(reinterpret_cast<const char*>(der), static_cast<size_t>(len));
    OPENSSL_free(der);
    return out;
  }
  std::string PublicPem() const {
    std::string der = PublicDer();
    std::string b64(sodium_base64_encoded_len(der.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(b64.data(), b64.size(), reinterpret_cast<const unsigned char*>(der.data()), der.size(),
                      sodium_base64_VARIANT_ORIGINAL);
    b64.pop_back();
    std::string pem = "-----BEGIN PUBLIC KEY-----\n";
    for (size_t i = 0; i < b64.size(); i += 64) pem += b64.substr(i, 64) + "\n";
    return pem + "-----END PUBLIC KEY-----\n";
  }

  std::shared_ptr<EVP_PKEY> pkey;
};

// RFC 8037 Appendix A.1.
inline constexpr std::string_view kRfc8037D = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A";
inline constexpr std::string_view kRfc8037X = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";

inline std::string Ed25519Sign(std::string_view input) {
  auto seed = DecodeBase64Url(kRfc8037D);
  std::array<unsigned char, crypto_sign_PUBLICKEYBYTES> pk;
  std::array<unsigned char, crypto_sign_SECRETKEYBYTES> sk;
  crypto_sign_seed_keypair(pk.data(), sk.data(), reinterpret_cast<const unsigned char*>(seed->data()));
  unsigned char sig[crypto_sign_BYTES];
  crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(input.data()), input.size(), sk.data());
  return std::string(reinterpret_cast<const char*>(sig), sizeof sig);
}

}  // namespace warden::security::testing
