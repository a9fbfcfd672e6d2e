// SIMD kernels behind the Hamming index (internal to src/index, used by its
// tests and benchmarks).
//
// Flat layout ("split halves"): codes are grouped in blocks of 8. A code has
// W 64-bit words (W = 1 for 64-bit codes, 4 for 256-bit codes). The first
// F = min(W, 2) words of every code live in stream A, the remaining S = W - F
// words in stream B, each block word-major:
//   A[(block * F + w) * 8 + lane],  B[(block * S + w) * 8 + lane].
// A scan reads A sequentially and touches B only for codes whose distance
// over the first 128 bits is already <= max_distance (early abandon: the
// partial distance only grows, so this is exact).
#ifndef TANTALIO_INDEX_HAMMING_KERNELS_H_
#define TANTALIO_INDEX_HAMMING_KERNELS_H_

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "base/cpu_features.h"

namespace tantalio::index {

inline constexpr int kBlockCodes = 8;
inline constexpr int kMaxQueriesPerPass = 8;

enum class HammingKernel {
  kScalar = 0,         // portable C++ (std::popcount)
  kAvx2 = 1,           // AVX2 nibble-table popcount, 4 codes per register
  kAvx512Bw = 2,       // AVX-512 BW nibble-table popcount (no VPOPCNTDQ)
  kAvx512Vpopcnt = 3,  // AVX-512 VPOPCNTDQ, 8 codes per register
};

std::string_view HammingKernelName(HammingKernel kernel);

// Whether this CPU can run `kernel`.
bool HammingKernelSupported(HammingKernel kernel);

// The kernel for the current ActiveSimdLevel(): kAvx512Popcnt -> VPOPCNTDQ;
// kAvx512 -> AVX-512 BW; kAvx2 -> AVX2; kScalar -> scalar. A live
// ScopedHammingKernel overrides this.
HammingKernel ActiveHammingKernel();

// Forces ActiveHammingKernel() for its lifetime (tests, benchmarks). The
// kernel must be supported. Not for concurrent use from several threads.
class ScopedHammingKernel {
 public:
  explicit ScopedHammingKernel(HammingKernel kernel);
  ~ScopedHammingKernel();
  ScopedHammingKernel(const ScopedHammingKernel&) = delete;
  ScopedHammingKernel& operator=(const ScopedHammingKernel&) = delete;

 private:
  int previous_;
};

struct ScanHit {
  uint32_t query;
  uint32_t distance;
  uint32_t row;
};

struct ScanArgs {
  const uint64_t* a = nullptr;  // stream A
  const uint64_t* b = nullptr;  // stream B (unused when words == 1)
  int words = 4;                // W: 1 or 4
  size_t row_begin = 0;         // rows outside [row_begin, row_end) are skipped
  size_t row_end = 0;
  const uint64_t* queries = nullptr;  // num_queries codes, `words` words each
  int num_queries = 0;                // 1..kMaxQueriesPerPass
  int max_distance = 0;
  // True: stage one over stream A, then B only for survivors. False: every
  // word in the vector pass (better when most codes survive stage one).
  bool early_abandon = true;
};

// Appends every (query, row) with distance <= max_distance in the row range to
// `hits`, rows ascending within each block. Blocks are
// [row_begin / 8, ceil(row_end / 8)).
void ScanBlocks(HammingKernel kernel, const ScanArgs& args, std::vector<ScanHit>* hits);

// Distance between two row-major codes of `words` words (verification).
uint32_t CodeDistance(const uint64_t* x, const uint64_t* y, int words);

// Reads row `row` of a split-halves layout into `out` (words words).
inline void LoadRow(const uint64_t* a, const uint64_t* b, int words, size_t row, uint64_t* out) {
  const int first = words < 2 ? words : 2;
  const int second = words - first;
  const size_t block = row / kBlockCodes;
  const size_t lane = row % kBlockCodes;
  for (int w = 0; w < first; ++w) out[w] = a[(block * first + w) * kBlockCodes + lane];
  for (int w = 0; w < second; ++w) {
    out[first + w] = b[(block * second + w) * kBlockCodes + lane];
  }
}

// Verifies candidate rows of a split-halves layout against one query:
// appends those within max_distance to `hits` (query field = query_index).
// Prefetches rows ahead; checks stream A first and B only for survivors.
void VerifyRows(HammingKernel kernel, const uint64_t* a, const uint64_t* b, int words,
                const uint32_t* rows, size_t count, const uint64_t* query, uint32_t query_index,
                int max_distance, std::vector<ScanHit>* hits);

}  // namespace tantalio::index

#endif  // TANTALIO_INDEX_HAMMING_KERNELS_H_
