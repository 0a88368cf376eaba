// The audit log's hash chain.
//
// What is hashed. For a record line L (record.h) that ends with `,"hash":"<64 hex>"}`, the
// hashed text B is L with that member cut off and the object closed again, i.e.
//
//   B = L[0 .. L.size() - 75) + "}"      (75 = size of `,"hash":"` + 64 hex + `"}`)
//
// which is the record serialized without its `hash` field (the `prev_hash` field included).
// The record's hash is
//
//   hash = hex(BLAKE2b-256(P || B))      (libsodium crypto_generichash, 32-byte output, no key)
//
// where P is the 32 raw bytes of the previous record's hash (hex-decoded; for the first record
// of the log, 32 zero bytes, written as 64 '0' characters in `prev_hash`). Hex is lowercase.
// Because the chain is unkeyed, it detects edits, removals and reordering made without
// recomputing every later hash; it is not a signature.
//
// All functions are pure and thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace warden::audit {

inline constexpr size_t kHashBytes = 32;
inline constexpr size_t kHashHexSize = 64;
using HashBytes = std::array<uint8_t, kHashBytes>;

// The prev_hash of the first record: 64 '0' characters.
inline constexpr std::string_view kZeroHashHex = "0000000000000000000000000000000000000000000000000000000000000000";

// The size of `,"hash":"<64 hex>"}`, the suffix every line ends with (before its newline).
inline constexpr size_t kHashSuffixSize = 75;

// The hash of a record whose text without the `hash` member is `body` (ending in "}").
HashBytes HashRecord(const HashBytes& prev, std::string_view body);

// As HashRecord, over `body_without_brace` followed by "}": the hashed text of a line, given the
// line up to its `,"hash":` member, without copying it.
HashBytes HashLinePrefix(const HashBytes& prev, std::string_view body_without_brace);

std::string ToHex(const HashBytes& bytes);
// Writes 64 lowercase hex characters to `out`.
void ToHex(const HashBytes& bytes, char* out);
// False unless `hex` is exactly 64 hex digits (either case).
bool FromHex(std::string_view hex, HashBytes* bytes);

}  // namespace warden::audit
