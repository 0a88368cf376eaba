// Internal to src/scan: the single pass that finds every detector's anchors (detector.h).
//
// Each anchor is indexed by its pivot, two adjacent bytes of its literal (for a one-byte
// literal, that byte followed by any byte). Pivots are chosen among an anchor's rarer pairs
// ("sw" for "password", "-B" for "-----BEGIN ", "yJ" for "eyJ"); an anchor whose literal folds
// case is indexed under every case of its pivot. The pass tests the pair at each position
// against the index and, only where a pair is indexed, compares the anchors of that pair and
// verifies those whose literal is there.
//
// Two ways to test the pairs, with the same result:
//   - scalar: each position's pair against a 64 Kbit table (8 KiB, in L1);
//   - AVX2, when the CPU has it: 32 positions at a time, each byte looked up by its two
//     nibbles in four 16-entry tables (vpshufb) that give, for the first and the second byte of
//     a pair, a bit per bucket of pivots; a position whose two bytes share a bucket is checked
//     against the 64 Kbit table. Pivots are grouped into the 8 buckets at construction so that
//     few ordinary pairs share a bucket (a greedy merge weighted by byte frequencies of text).
//
// Immutable once built; Run may be called from any number of threads.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "scan/detector.h"

namespace warden::scan::internal {

// Every detector's anchors.
std::vector<Anchor> AllAnchors();

class AnchorIndex {
 public:
  explicit AnchorIndex(std::vector<Anchor> anchors);

  // Verifies every anchor found in ctx.text(), in text order; stops early once ctx.done().
  void Run(Context& ctx) const;
  // The same with the scalar pair test only (for CPUs without AVX2, and to check the other).
  void RunScalar(Context& ctx) const { RunScalarFrom(ctx, 0); }

 private:
  bool Indexed(uint32_t pair) const { return (bits_[pair >> 6] >> (pair & 63)) & 1; }
  // Verifies the anchors of the pair at i; returns where to resume.
  size_t VerifyAt(Context& ctx, size_t i, uint32_t pair) const;
  void RunScalarFrom(Context& ctx, size_t i) const;
  void RunAvx2(Context& ctx) const;
  void BuildBuckets();

  std::vector<Anchor> anchors_;
  std::array<uint64_t, 1024> bits_{};
  std::vector<uint32_t> first_;  // 65537 entries: pair p's anchors are order_[first_[p], first_[p + 1])
  std::vector<uint16_t> order_;
  // Bucket bits by nibble: [0] first byte's low nibble, [1] its high nibble, [2] and [3] the
  // second byte's. Each 16-entry table is stored twice (vpshufb looks up within 128-bit lanes).
  alignas(32) std::array<std::array<uint8_t, 32>, 4> nibbles_{};
  bool avx2_ = false;
};

}  // namespace warden::scan::internal
