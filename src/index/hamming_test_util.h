// Test helpers: code generators (random and clustered) and a brute-force
// reference for the Hamming index tests.
#ifndef TANTALIO_INDEX_HAMMING_TEST_UTIL_H_
#define TANTALIO_INDEX_HAMMING_TEST_UTIL_H_

#include <algorithm>
#include <bit>
#include <cstdint>
#include <random>
#include <span>
#include <vector>

#include "index/hamming_index.h"

namespace tantalio::index::testing {

inline std::vector<uint8_t> RandomCodes(size_t n, int code_bytes, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<uint8_t> codes(n * static_cast<size_t>(code_bytes));
  for (uint8_t& b : codes) b = static_cast<uint8_t>(rng());
  return codes;
}

// Flips `flips` distinct random bits of the code at `code`.
inline void FlipBits(uint8_t* code, int code_bytes, int flips, std::mt19937_64& rng) {
  std::vector<int> bits(static_cast<size_t>(code_bytes) * 8);
  for (size_t i = 0; i < bits.size(); ++i) bits[i] = static_cast<int>(i);
  std::shuffle(bits.begin(), bits.end(), rng);
  for (int i = 0; i < flips && i < static_cast<int>(bits.size()); ++i) {
    code[bits[i] / 8] ^= static_cast<uint8_t>(1u << (bits[i] % 8));
  }
}

// Clustered codes like real PDQ lists: correlated bits (each code starts from
// one of a few "prototype" patterns with biased bits) and near-duplicate
// families made by flipping 0..max_flips bits of a family root, with exact
// duplicates among them.
inline std::vector<uint8_t> ClusteredCodes(size_t n, int code_bytes, uint64_t seed,
                                           int max_flips = 40) {
  std::mt19937_64 rng(seed);
  const size_t cb = static_cast<size_t>(code_bytes);
  std::vector<uint8_t> protos = RandomCodes(4, code_bytes, seed ^ 0x5555);
  std::vector<uint8_t> codes(n * cb);
  size_t i = 0;
  while (i < n) {
    // Family root: a prototype with ~10% of bits changed (correlated bits).
    uint8_t* root = codes.data() + i * cb;
    std::copy_n(protos.data() + (rng() % 4) * cb, cb, root);
    FlipBits(root, code_bytes, static_cast<int>(rng() % (cb * 8 / 10 + 1)), rng);
    const size_t family = std::min<size_t>(1 + rng() % 12, n - i);
    for (size_t k = 1; k < family; ++k) {
      uint8_t* member = codes.data() + (i + k) * cb;
      std::copy_n(root, cb, member);
      if (rng() % 5 != 0) {
        FlipBits(member, code_bytes, static_cast<int>(rng() % (max_flips + 1)), rng);
      }
    }
    i += family;
  }
  return codes;
}

inline uint32_t BruteDistance(const uint8_t* x, const uint8_t* y, int code_bytes) {
  uint32_t d = 0;
  for (int i = 0; i < code_bytes; ++i) {
    d += static_cast<uint32_t>(std::popcount<uint8_t>(x[i] ^ y[i]));
  }
  return d;
}

// Brute-force reference with the same ordering contract as Search.
inline RangeSearchResults BruteForce(std::span<const uint8_t> db, std::span<const uint64_t> ids,
                                     std::span<const uint8_t> queries, int code_bytes,
                                     int max_distance, const IdSelector* filter = nullptr) {
  const size_t cb = static_cast<size_t>(code_bytes);
  RangeSearchResults r;
  r.offsets.push_back(0);
  for (size_t q = 0; q < queries.size() / cb; ++q) {
    std::vector<HammingMatch> m;
    for (size_t i = 0; i < ids.size(); ++i) {
      const uint32_t d = BruteDistance(queries.data() + q * cb, db.data() + i * cb, code_bytes);
      if (d <= static_cast<uint32_t>(max_distance) &&
          (filter == nullptr || filter->IsMember(ids[i]))) {
        m.push_back({ids[i], d});
      }
    }
    std::sort(m.begin(), m.end(), [](const HammingMatch& x, const HammingMatch& y) {
      return x.id != y.id ? x.id < y.id : x.distance < y.distance;
    });
    r.matches.insert(r.matches.end(), m.begin(), m.end());
    r.offsets.push_back(r.matches.size());
  }
  return r;
}

// Queries near the database: copies of stored codes with 0..max_flips flips,
// plus a few random codes.
inline std::vector<uint8_t> NearQueries(std::span<const uint8_t> db, size_t nq, int code_bytes,
                                        uint64_t seed, int max_flips) {
  std::mt19937_64 rng(seed);
  const size_t cb = static_cast<size_t>(code_bytes);
  const size_t n = db.size() / cb;
  std::vector<uint8_t> q = RandomCodes(nq, code_bytes, seed + 1);
  for (size_t i = 0; i < nq; ++i) {
    if (n == 0 || i % 4 == 3) continue;
    std::copy_n(db.data() + (rng() % n) * cb, cb, q.data() + i * cb);
    FlipBits(q.data() + i * cb, code_bytes, static_cast<int>(rng() % (max_flips + 1)), rng);
  }
  return q;
}

}  // namespace tantalio::index::testing

#endif  // TANTALIO_INDEX_HAMMING_TEST_UTIL_H_
