// Test helpers for code that handles PDQ hashes: random hashes and hashes a
// known number of bits away.
#ifndef TANTALIO_FINGERPRINT_PDQ_TEST_UTIL_H_
#define TANTALIO_FINGERPRINT_PDQ_TEST_UTIL_H_

#include <random>

#include "fingerprint/pdq.h"

namespace tantalio::testing_util {

// 256 bits from `rng`.
inline PdqHash RandomPdqHash(std::mt19937_64& rng) {
  PdqHash hash;
  for (int k = 0; k < 256; ++k) {
    if (rng() & 1) hash.SetBit(k);
  }
  return hash;
}

// `hash` with `count` bits inverted, from bit `first` on: distance `count`.
inline PdqHash FlipPdqBits(const PdqHash& hash, int count, int first = 0) {
  PdqHash out;
  for (int k = 0; k < 256; ++k) {
    const bool flip = k >= first && k < first + count;
    if (hash.Bit(k) != flip) out.SetBit(k);
  }
  return out;
}

}  // namespace tantalio::testing_util

#endif  // TANTALIO_FINGERPRINT_PDQ_TEST_UTIL_H_
