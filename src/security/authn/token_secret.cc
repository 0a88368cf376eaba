#include "security/authn/token_secret.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace warden::security {

std::string HexOf(const unsigned char* p, size_t n) {
  std::string out(n * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), p, n);
  out.pop_back();
  return out;
}

// The hash key: 32 random bytes as hex in token.key, 0600, created once (O_EXCL: two
// processes starting together agree on one key).
Result<TokenKey> LoadTokenKey(const std::string& dir) {
  std::string path = dir + "/token.key";
  std::array<unsigned char, 32> key{};
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd >= 0) {
    randombytes_buf(key.data(), key.size());
    std::string line = HexOf(key.data(), key.size()) + "\n";
    bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok) return Status::IoError("cannot write " + path);
    return key;
  }
  if (errno != EEXIST) return Status::IoError("cannot create " + path + ": " + std::strerror(errno));
  fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return Status::IoError("cannot read " + path + ": " + std::strerror(errno));
  struct stat st;
  char buf[80] = {};
  ssize_t n = ::fstat(fd, &st) == 0 ? ::read(fd, buf, 64) : -1;
  ::close(fd);
  if (st.st_uid != geteuid() || (st.st_mode & 077) != 0) {
    return Status::InvalidArgument(path + " must belong to this user with mode 0600 (whoever reads it can test guesses offline)");
  }
  size_t bin_len = 0;
  if (n != 64 || sodium_hex2bin(key.data(), key.size(), buf, 64, nullptr, &bin_len, nullptr) != 0 || bin_len != 32) {
    return Status::InvalidArgument(path + " does not hold a token key (64 hex digits)");
  }
  return key;
}

bool TokenWellFormed(std::string_view t) {
  if (t.size() != kTokenLength || t.substr(0, kTokenPrefix.size()) != kTokenPrefix) return false;
  for (char c : t.substr(kTokenPrefix.size())) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

std::string_view TokenProblemText(TokenProblem p) {
  switch (p) {
    case TokenProblem::kNone: return "valid";
    case TokenProblem::kMalformed: return "malformed (expected wdn_ and 43 base64url characters)";
    case TokenProblem::kUnknown: return "unknown";
    case TokenProblem::kExpired: return "expired";
    case TokenProblem::kRevoked: return "revoked";
    case TokenProblem::kUnavailable: return "not verifiable now (the token store is unavailable)";
  }
  return "?";
}

TokenHash HashToken(const TokenKey& key, std::string_view token) {
  TokenHash h;
  crypto_generichash(h.data(), h.size(), reinterpret_cast<const unsigned char*>(token.data()), token.size(), key.data(),
                     key.size());
  return h;
}

std::string NewTokenSecret() {
  unsigned char raw[32];
  randombytes_buf(raw, sizeof raw);
  char b64[64];
  sodium_bin2base64(b64, sizeof b64, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero(raw, sizeof raw);
  std::string secret = std::string(kTokenPrefix) + b64;
  sodium_memzero(b64, sizeof b64);
  return secret;
}

std::string TokenIdOf(const TokenHash& h) { return "tok_" + HexOf(h.data(), 6); }

Status CheckNewToken(const std::string& role, const std::string& name, int64_t ttl_s) {
  if (role.empty() || role.size() > 64) return Status::InvalidArgument("the role must be 1-64 characters");
  if (name.size() > 128) return Status::InvalidArgument("the name must be at most 128 characters");
  if (ttl_s < 0) return Status::InvalidArgument("the lifetime must not be negative");
  return Status::Ok();
}

TokenProblem ProblemAt(const TokenInfo& info, int64_t now) {
  if (info.revoked != 0) return TokenProblem::kRevoked;
  if (info.expires != 0 && now >= info.expires) return TokenProblem::kExpired;
  return TokenProblem::kNone;
}

}  // namespace warden::security
