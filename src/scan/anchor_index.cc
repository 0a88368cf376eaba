#include "scan/anchor_index.h"

#include <algorithm>
#include <cassert>

#if defined(__x86_64__)
#include <immintrin.h>
#define WARDEN_SCAN_AVX2 1
#endif

namespace warden::scan::internal {
namespace {

bool LiteralAt(std::string_view text, size_t at, const Anchor& a) {
  if (text.size() - at < a.literal.size()) return false;
  if (!a.fold) return text.compare(at, a.literal.size(), a.literal) == 0;
  for (size_t k = 0; k < a.literal.size(); ++k) {
    if (Lower(text[at + k]) != Lower(a.literal[k])) return false;
  }
  return true;
}

// The byte and, when it is a letter and the anchor folds case, its other case.
std::vector<uint8_t> Cases(char c, bool fold) {
  char lower = Lower(c);
  char upper = lower >= 'a' && lower <= 'z' ? static_cast<char>(lower - 'a' + 'A') : lower;
  if (fold && lower != upper) return {static_cast<uint8_t>(lower), static_cast<uint8_t>(upper)};
  return {static_cast<uint8_t>(c)};
}

// The pairs (first << 8 | second) an anchor is indexed under.
std::vector<uint32_t> Pairs(const Anchor& a) {
  std::vector<uint32_t> out;
  if (a.literal.size() == 1) {
    for (uint8_t first : Cases(a.literal[0], a.fold)) {
      for (uint32_t second = 0; second < 256; ++second) out.push_back(uint32_t{first} << 8 | second);
    }
    return out;
  }
  for (uint8_t first : Cases(a.literal[a.pivot], a.fold)) {
    for (uint8_t second : Cases(a.literal[a.pivot + 1], a.fold)) out.push_back(uint32_t{first} << 8 | second);
  }
  return out;
}

// How often a byte occurs in text, roughly (English letter frequencies, spaces, digits,
// punctuation; other bytes rare). Only the ratios matter: they steer the bucket grouping.
double ByteWeight(unsigned b) {
  static constexpr double kLetters[26] = {8.2, 1.5, 2.8, 4.3, 12.7, 2.2, 2.0, 6.1, 7.0, 0.15, 0.8,  4.0, 2.4,
                                          6.7, 7.5, 1.9, 0.1, 6.0,  6.3, 9.1, 2.8, 1.0, 2.4,  0.15, 2.0, 0.07};
  if (b >= 'a' && b <= 'z') return kLetters[b - 'a'];
  if (b >= 'A' && b <= 'Z') return kLetters[b - 'A'] / 8;
  if (b == ' ') return 15;
  if (b >= '0' && b <= '9') return 0.6;
  if (b == '\n' || b == '"' || b == '.' || b == ',' || b == '_' || b == ':' || b == '/') return 1;
  if (b > ' ' && b < 0x7f) return 0.3;
  if (b >= 0x80) return 0.05;
  return 0.01;
}

const std::array<double, 256>& Weights() {
  static const std::array<double, 256> weights = [] {
    std::array<double, 256> w{};
    for (unsigned b = 0; b < 256; ++b) w[b] = ByteWeight(b);
    return w;
  }();
  return weights;
}

// A bucket of pivots: the nibbles of their first and second bytes. Every byte whose two
// nibbles are in the sets passes for a first (second) byte of the bucket.
struct Bucket {
  uint16_t lo1 = 0, hi1 = 0, lo2 = 0, hi2 = 0;

  void Add(uint32_t pair) {
    lo1 |= 1u << ((pair >> 8) & 15);
    hi1 |= 1u << (pair >> 12);
    lo2 |= 1u << (pair & 15);
    hi2 |= 1u << ((pair >> 4) & 15);
  }
  Bucket Merged(const Bucket& o) const {
    return {static_cast<uint16_t>(lo1 | o.lo1), static_cast<uint16_t>(hi1 | o.hi1), static_cast<uint16_t>(lo2 | o.lo2),
            static_cast<uint16_t>(hi2 | o.hi2)};
  }
  bool operator==(const Bucket&) const = default;
  // How often an ordinary pair of bytes would pass for one of the bucket's pivots.
  double Cost() const { return Weight(lo1, hi1) * Weight(lo2, hi2); }

  static double Weight(uint16_t lo, uint16_t hi) {
    double w = 0;
    for (unsigned hs = hi; hs != 0; hs &= hs - 1) {
      unsigned h = static_cast<unsigned>(__builtin_ctz(hs));
      for (unsigned ls = lo; ls != 0; ls &= ls - 1) w += Weights()[h << 4 | static_cast<unsigned>(__builtin_ctz(ls))];
    }
    return w;
  }
};

// Groups the buckets into `n` by repeatedly merging the two whose merge adds the least cost.
std::vector<Bucket> MergeBuckets(std::vector<Bucket> buckets, size_t n) {
  std::vector<double> cost;
  for (const auto& b : buckets) cost.push_back(b.Cost());
  while (buckets.size() > n) {
    size_t best_a = 0, best_b = 1;
    double best = -1;
    for (size_t a = 0; a < buckets.size(); ++a) {
      for (size_t b = a + 1; b < buckets.size(); ++b) {
        double added = buckets[a].Merged(buckets[b]).Cost() - cost[a] - cost[b];
        if (best < 0 || added < best) {
          best = added;
          best_a = a;
          best_b = b;
        }
      }
    }
    buckets[best_a] = buckets[best_a].Merged(buckets[best_b]);
    cost[best_a] = buckets[best_a].Cost();
    buckets.erase(buckets.begin() + static_cast<std::ptrdiff_t>(best_b));
    cost.erase(cost.begin() + static_cast<std::ptrdiff_t>(best_b));
  }
  return buckets;
}

}  // namespace

AnchorIndex::AnchorIndex(std::vector<Anchor> anchors) : anchors_(std::move(anchors)) {
  assert(anchors_.size() < UINT16_MAX);
  std::vector<std::vector<uint16_t>> by_pair(65536);
  for (size_t k = 0; k < anchors_.size(); ++k) {
    assert(!anchors_[k].literal.empty() &&
           (anchors_[k].literal.size() == 1 || anchors_[k].pivot + 1u < anchors_[k].literal.size()));
    for (uint32_t pair : Pairs(anchors_[k])) {
      bits_[pair >> 6] |= uint64_t{1} << (pair & 63);
      auto& list = by_pair[pair];
      if (std::find(list.begin(), list.end(), k) == list.end()) list.push_back(static_cast<uint16_t>(k));
    }
  }
  first_.resize(65537);
  for (uint32_t p = 0; p < 65536; ++p) {
    first_[p] = static_cast<uint32_t>(order_.size());
    order_.insert(order_.end(), by_pair[p].begin(), by_pair[p].end());
  }
  first_[65536] = static_cast<uint32_t>(order_.size());
  BuildBuckets();
#if WARDEN_SCAN_AVX2
  avx2_ = __builtin_cpu_supports("avx2");
#endif
}

void AnchorIndex::BuildBuckets() {
  std::vector<Bucket> buckets;
  for (const Anchor& a : anchors_) {
    Bucket b;
    for (uint32_t pair : Pairs(a)) b.Add(pair);
    if (std::find(buckets.begin(), buckets.end(), b) == buckets.end()) buckets.push_back(b);
  }
  buckets = MergeBuckets(std::move(buckets), 8);
  for (size_t k = 0; k < buckets.size(); ++k) {
    const Bucket& b = buckets[k];
    const uint16_t sets[4] = {b.lo1, b.hi1, b.lo2, b.hi2};
    for (size_t t = 0; t < 4; ++t) {
      for (unsigned nibble = 0; nibble < 16; ++nibble) {
        if (!(sets[t] >> nibble & 1)) continue;
        nibbles_[t][nibble] |= static_cast<uint8_t>(1u << k);
        nibbles_[t][nibble + 16] |= static_cast<uint8_t>(1u << k);
      }
    }
  }
}

size_t AnchorIndex::VerifyAt(Context& ctx, size_t i, uint32_t pair) const {
  size_t resume = i + 1;
  for (uint32_t k = first_[pair]; k < first_[pair + 1]; ++k) {
    const Anchor& a = anchors_[order_[k]];
    size_t pivot = a.literal.size() == 1 ? 0 : a.pivot;
    if (i < pivot || !LiteralAt(ctx.text(), i - pivot, a)) continue;
    resume = std::max(resume, a.verify(ctx, i - pivot, a));
    if (ctx.done()) break;
  }
  return resume;
}

void AnchorIndex::RunScalarFrom(Context& ctx, size_t i) const {
  const auto* p = reinterpret_cast<const uint8_t*>(ctx.text().data());
  const size_t n = ctx.size();
  while (i + 1 < n) {
    uint32_t pair = uint32_t{p[i]} << 8 | p[i + 1];
    if (!Indexed(pair)) {
      ++i;
      continue;
    }
    i = VerifyAt(ctx, i, pair);
    if (ctx.done()) return;
  }
  // The last byte pairs with a virtual NUL, so that a one-byte anchor (ESC) is seen there too.
  if (i + 1 == n && Indexed(uint32_t{p[i]} << 8)) VerifyAt(ctx, i, uint32_t{p[i]} << 8);
}

void AnchorIndex::Run(Context& ctx) const {
#if WARDEN_SCAN_AVX2
  if (avx2_) return RunAvx2(ctx);
#endif
  RunScalarFrom(ctx, 0);
}

#if WARDEN_SCAN_AVX2
namespace {

// Bucket bits of the 32 bytes at q, as first (lo, hi: the first byte's tables) or second
// bytes of a pair.
__attribute__((target("avx2"))) inline __m256i BucketBits(const uint8_t* q, __m256i lo, __m256i hi) {
  const __m256i low_nibble = _mm256_set1_epi8(0x0f);
  __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q));
  __m256i l = _mm256_shuffle_epi8(lo, _mm256_and_si256(v, low_nibble));
  __m256i h = _mm256_shuffle_epi8(hi, _mm256_and_si256(_mm256_srli_epi16(v, 4), low_nibble));
  return _mm256_and_si256(l, h);
}

}  // namespace

__attribute__((target("avx2"))) void AnchorIndex::RunAvx2(Context& ctx) const {
  const auto* p = reinterpret_cast<const uint8_t*>(ctx.text().data());
  const size_t n = ctx.size();
  const auto* tables = reinterpret_cast<const __m256i*>(nibbles_.data());
  const __m256i lo1 = _mm256_load_si256(tables), hi1 = _mm256_load_si256(tables + 1);
  const __m256i lo2 = _mm256_load_si256(tables + 2), hi2 = _mm256_load_si256(tables + 3);
  size_t i = 0;
  while (i + 33 <= n) {
    __m256i both = _mm256_and_si256(BucketBits(p + i, lo1, hi1), BucketBits(p + i + 1, lo2, hi2));
    auto candidates = ~static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(both, _mm256_setzero_si256())));
    size_t next = i + 32;
    while (candidates != 0) {
      size_t at = i + static_cast<size_t>(__builtin_ctz(candidates));
      candidates &= candidates - 1;
      uint32_t pair = uint32_t{p[at]} << 8 | p[at + 1];
      if (!Indexed(pair)) continue;
      size_t resume = VerifyAt(ctx, at, pair);
      if (ctx.done()) return;
      if (resume >= next) {
        next = resume;
        break;
      }
      if (resume > at + 1) candidates &= ~((uint32_t{1} << (resume - i)) - 1);
    }
    i = next;
  }
  RunScalarFrom(ctx, i);
}
#else
void AnchorIndex::RunAvx2(Context& ctx) const {
  RunScalarFrom(ctx, 0);
}
#endif

std::vector<Anchor> AllAnchors() {
  std::vector<Anchor> all;
  for (auto part : {TokenAnchors(), AssignmentAnchors(), InjectionAnchors(), InvisibleAnchors(), AnsiAnchors()}) {
    all.insert(all.end(), part.begin(), part.end());
  }
  return all;
}

}  // namespace warden::scan::internal
