#include "index/hamming_kernels.h"

#include <immintrin.h>

#include <atomic>
#include <bit>
#include <cstdlib>
#include <string>

namespace tantalio::index {
namespace {

std::atomic<int> g_forced_kernel{-1};

// Lanes of block `block` whose rows lie in [begin, end).
inline unsigned LaneMask(size_t block, size_t begin, size_t end) {
  const size_t lo = block * kBlockCodes;
  unsigned mask = 0xffu;
  if (begin > lo) mask &= 0xffu << (begin - lo);
  if (end < lo + kBlockCodes) mask &= (1u << (end - lo)) - 1u;
  return mask & 0xffu;
}

// Reports the lanes set in `mask` whose first-pass distance is dist[lane];
// with early abandon (kFull false) finishes the distance over stream B first.
// Always inlined into each target-specific kernel, so the popcount below
// becomes the POPCNT instruction there.
template <int F, int S, bool kFull>
[[gnu::always_inline]] inline void EmitLanes(const ScanArgs& args, size_t block, int q,
                                             unsigned mask, const uint64_t* dist,
                                             std::vector<ScanHit>* hits) {
  while (mask != 0) {
    const int lane = std::countr_zero(mask);
    mask &= mask - 1;
    uint32_t d = static_cast<uint32_t>(dist[lane]);
    if constexpr (!kFull && S > 0) {
      const uint64_t* qw = args.queries + static_cast<size_t>(q) * (F + S) + F;
      for (int w = 0; w < S; ++w) {
        d += static_cast<uint32_t>(
            __builtin_popcountll(args.b[(block * S + w) * kBlockCodes + lane] ^ qw[w]));
      }
      if (d > static_cast<uint32_t>(args.max_distance)) continue;
    }
    hits->push_back(
        {static_cast<uint32_t>(q), d, static_cast<uint32_t>(block * kBlockCodes + lane)});
  }
}

// ---------------------------------------------------------------- scalar

template <int F, int S, bool kFull>
[[gnu::always_inline]] inline void ScanScalarBody(const ScanArgs& args,
                                                  std::vector<ScanHit>* hits) {
  constexpr int W = F + S;
  constexpr int V = kFull ? W : F;
  const size_t b0 = args.row_begin / kBlockCodes;
  const size_t b1 = (args.row_end + kBlockCodes - 1) / kBlockCodes;
  for (size_t block = b0; block < b1; ++block) {
    const unsigned valid = LaneMask(block, args.row_begin, args.row_end);
    for (int q = 0; q < args.num_queries; ++q) {
      const uint64_t* qw = args.queries + static_cast<size_t>(q) * W;
      uint64_t dist[kBlockCodes];
      unsigned mask = 0;
      for (int lane = 0; lane < kBlockCodes; ++lane) {
        uint64_t d = 0;
        for (int w = 0; w < F; ++w) {
          d += std::popcount(args.a[(block * F + w) * kBlockCodes + lane] ^ qw[w]);
        }
        if constexpr (kFull) {
          for (int w = 0; w < V - F; ++w) {
            d += std::popcount(args.b[(block * S + w) * kBlockCodes + lane] ^ qw[F + w]);
          }
        }
        dist[lane] = d;
        if (d <= static_cast<uint64_t>(args.max_distance)) mask |= 1u << lane;
      }
      mask &= valid;
      if (mask != 0) EmitLanes<F, S, kFull>(args, block, q, mask, dist, hits);
    }
  }
}

// Portable, and the same loop with the POPCNT instruction (a CPU without
// AVX2 but with POPCNT, or a level capped to scalar on a modern CPU).
template <int F, int S, bool kFull>
void ScanScalar(const ScanArgs& args, std::vector<ScanHit>* hits) {
  ScanScalarBody<F, S, kFull>(args, hits);
}

template <int F, int S, bool kFull>
[[gnu::target("popcnt")]] void ScanScalarPopcnt(const ScanArgs& args, std::vector<ScanHit>* hits) {
  ScanScalarBody<F, S, kFull>(args, hits);
}

// ---------------------------------------------------------------- AVX2

[[gnu::target("avx2,popcnt"), gnu::always_inline]] inline __m256i PopBytes256(__m256i v) {
  const __m256i lut = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2,
                                       1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
  const __m256i low = _mm256_set1_epi8(0x0f);
  const __m256i lo = _mm256_and_si256(v, low);
  const __m256i hi = _mm256_and_si256(_mm256_srli_epi16(v, 4), low);
  return _mm256_add_epi8(_mm256_shuffle_epi8(lut, lo), _mm256_shuffle_epi8(lut, hi));
}

template <int F, int S, bool kFull>
[[gnu::target("avx2,popcnt")]] void ScanAvx2(const ScanArgs& args, std::vector<ScanHit>* hits) {
  constexpr int W = F + S;
  constexpr int V = kFull ? W : F;
  __m256i qv[kMaxQueriesPerPass][V];
  for (int q = 0; q < args.num_queries; ++q) {
    for (int w = 0; w < V; ++w) {
      qv[q][w] = _mm256_set1_epi64x(static_cast<int64_t>(args.queries[q * W + w]));
    }
  }
  const __m256i rv = _mm256_set1_epi64x(args.max_distance);
  const __m256i zero = _mm256_setzero_si256();
  const size_t b0 = args.row_begin / kBlockCodes;
  const size_t b1 = (args.row_end + kBlockCodes - 1) / kBlockCodes;
  for (size_t block = b0; block < b1; ++block) {
    const unsigned valid = LaneMask(block, args.row_begin, args.row_end);
    __m256i xl[V];
    __m256i xh[V];
    for (int w = 0; w < F; ++w) {
      const uint64_t* p = args.a + (block * F + w) * kBlockCodes;
      xl[w] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
      xh[w] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 4));
    }
    if constexpr (kFull) {
      for (int w = 0; w < V - F; ++w) {
        const uint64_t* p = args.b + (block * S + w) * kBlockCodes;
        xl[F + w] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
        xh[F + w] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 4));
      }
    }
    for (int q = 0; q < args.num_queries; ++q) {
      __m256i al = PopBytes256(_mm256_xor_si256(xl[0], qv[q][0]));
      __m256i ah = PopBytes256(_mm256_xor_si256(xh[0], qv[q][0]));
      for (int w = 1; w < V; ++w) {
        al = _mm256_add_epi8(al, PopBytes256(_mm256_xor_si256(xl[w], qv[q][w])));
        ah = _mm256_add_epi8(ah, PopBytes256(_mm256_xor_si256(xh[w], qv[q][w])));
      }
      const __m256i dl = _mm256_sad_epu8(al, zero);
      const __m256i dh = _mm256_sad_epu8(ah, zero);
      const unsigned gl = static_cast<unsigned>(
          _mm256_movemask_pd(_mm256_castsi256_pd(_mm256_cmpgt_epi64(dl, rv))));
      const unsigned gh = static_cast<unsigned>(
          _mm256_movemask_pd(_mm256_castsi256_pd(_mm256_cmpgt_epi64(dh, rv))));
      const unsigned mask = ~(gl | (gh << 4)) & valid;
      if (mask != 0) [[unlikely]] {
        alignas(32) uint64_t dist[kBlockCodes];
        _mm256_store_si256(reinterpret_cast<__m256i*>(dist), dl);
        _mm256_store_si256(reinterpret_cast<__m256i*>(dist + 4), dh);
        EmitLanes<F, S, kFull>(args, block, q, mask, dist, hits);
      }
    }
  }
}

// ---------------------------------------------------------------- AVX-512

// Nibble-table popcount without VPOPCNTDQ. Per block the high nibbles of the
// codes are shifted once and shared by all queries; per query and word,
// (x ^ q) & 0x0f is one VPTERNLOG (0x28), then two VPSHUFB give byte counts.
template <int F, int S, bool kFull>
[[gnu::target("avx512f,avx512bw,popcnt")]] void ScanAvx512Bw(const ScanArgs& args,
                                                             std::vector<ScanHit>* hits) {
  constexpr int W = F + S;
  constexpr int V = kFull ? W : F;
  alignas(64) static constexpr uint8_t kLut[64] = {0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4,
                                                   0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4,
                                                   0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4,
                                                   0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4};
  const __m512i lut = _mm512_load_si512(kLut);
  const __m512i low = _mm512_set1_epi8(0x0f);
  __m512i qlo[kMaxQueriesPerPass][V];
  __m512i qhi[kMaxQueriesPerPass][V];
  for (int q = 0; q < args.num_queries; ++q) {
    for (int w = 0; w < V; ++w) {
      const __m512i qv = _mm512_set1_epi64(static_cast<int64_t>(args.queries[q * W + w]));
      qlo[q][w] = qv;
      qhi[q][w] = _mm512_srli_epi16(qv, 4);
    }
  }
  const __m512i rv = _mm512_set1_epi64(args.max_distance);
  const __m512i zero = _mm512_setzero_si512();
  const size_t b0 = args.row_begin / kBlockCodes;
  const size_t b1 = (args.row_end + kBlockCodes - 1) / kBlockCodes;
  for (size_t block = b0; block < b1; ++block) {
    const __mmask8 valid = static_cast<__mmask8>(LaneMask(block, args.row_begin, args.row_end));
    __m512i xlo[V];
    __m512i xhi[V];
    for (int w = 0; w < F; ++w) xlo[w] = _mm512_loadu_si512(args.a + (block * F + w) * kBlockCodes);
    if constexpr (kFull) {
      for (int w = 0; w < V - F; ++w) {
        xlo[F + w] = _mm512_loadu_si512(args.b + (block * S + w) * kBlockCodes);
      }
    }
    for (int w = 0; w < V; ++w) xhi[w] = _mm512_srli_epi16(xlo[w], 4);
    for (int q = 0; q < args.num_queries; ++q) {
      // 0x28 = (A ^ B) & C with A = x, B = q, C = 0x0f.
      __m512i acc = zero;
      for (int w = 0; w < V; ++w) {
        const __m512i lo = _mm512_ternarylogic_epi64(xlo[w], qlo[q][w], low, 0x28);
        const __m512i hi = _mm512_ternarylogic_epi64(xhi[w], qhi[q][w], low, 0x28);
        acc = _mm512_add_epi8(
            acc, _mm512_add_epi8(_mm512_shuffle_epi8(lut, lo), _mm512_shuffle_epi8(lut, hi)));
      }
      const __m512i d = _mm512_sad_epu8(acc, zero);
      const __mmask8 mask = _mm512_mask_cmple_epu64_mask(valid, d, rv);
      if (mask != 0) [[unlikely]] {
        alignas(64) uint64_t dist[kBlockCodes];
        _mm512_store_si512(dist, d);
        EmitLanes<F, S, kFull>(args, block, q, mask, dist, hits);
      }
    }
  }
}

template <int F, int S, bool kFull>
[[gnu::target("avx512f,avx512bw,avx512vpopcntdq,popcnt")]] void ScanAvx512Vpopcnt(
    const ScanArgs& args, std::vector<ScanHit>* hits) {
  constexpr int W = F + S;
  constexpr int V = kFull ? W : F;
  __m512i qv[kMaxQueriesPerPass][V];
  for (int q = 0; q < args.num_queries; ++q) {
    for (int w = 0; w < V; ++w) {
      qv[q][w] = _mm512_set1_epi64(static_cast<int64_t>(args.queries[q * W + w]));
    }
  }
  const __m512i rv = _mm512_set1_epi64(args.max_distance);
  const size_t b0 = args.row_begin / kBlockCodes;
  const size_t b1 = (args.row_end + kBlockCodes - 1) / kBlockCodes;
  for (size_t block = b0; block < b1; ++block) {
    const __mmask8 valid = static_cast<__mmask8>(LaneMask(block, args.row_begin, args.row_end));
    __m512i x[V];
    for (int w = 0; w < F; ++w) x[w] = _mm512_loadu_si512(args.a + (block * F + w) * kBlockCodes);
    if constexpr (kFull) {
      for (int w = 0; w < V - F; ++w) {
        x[F + w] = _mm512_loadu_si512(args.b + (block * S + w) * kBlockCodes);
      }
    }
    for (int q = 0; q < args.num_queries; ++q) {
      __m512i d = _mm512_popcnt_epi64(_mm512_xor_si512(x[0], qv[q][0]));
      for (int w = 1; w < V; ++w) {
        d = _mm512_add_epi64(d, _mm512_popcnt_epi64(_mm512_xor_si512(x[w], qv[q][w])));
      }
      const __mmask8 mask = _mm512_mask_cmple_epu64_mask(valid, d, rv);
      if (mask != 0) [[unlikely]] {
        alignas(64) uint64_t dist[kBlockCodes];
        _mm512_store_si512(dist, d);
        EmitLanes<F, S, kFull>(args, block, q, mask, dist, hits);
      }
    }
  }
}

using ScanFn = void (*)(const ScanArgs&, std::vector<ScanHit>*);

// The three instantiations of one kernel: 64-bit codes; 256-bit codes with
// early abandon; 256-bit codes with every word in the vector pass.
struct ScanVariants {
  ScanFn words1;
  ScanFn early;
  ScanFn full;
};

ScanFn PickScan(HammingKernel kernel, int words, bool early) {
  static const bool has_popcnt = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("popcnt") != 0;
  }();
  ScanVariants v{&ScanScalar<1, 0, true>, &ScanScalar<2, 2, false>, &ScanScalar<2, 2, true>};
  if (has_popcnt) {
    v = {&ScanScalarPopcnt<1, 0, true>, &ScanScalarPopcnt<2, 2, false>,
         &ScanScalarPopcnt<2, 2, true>};
  }
  switch (kernel) {
    case HammingKernel::kAvx512Vpopcnt:
      v = {&ScanAvx512Vpopcnt<1, 0, true>, &ScanAvx512Vpopcnt<2, 2, false>,
           &ScanAvx512Vpopcnt<2, 2, true>};
      break;
    case HammingKernel::kAvx512Bw:
      v = {&ScanAvx512Bw<1, 0, true>, &ScanAvx512Bw<2, 2, false>, &ScanAvx512Bw<2, 2, true>};
      break;
    case HammingKernel::kAvx2:
      v = {&ScanAvx2<1, 0, true>, &ScanAvx2<2, 2, false>, &ScanAvx2<2, 2, true>};
      break;
    case HammingKernel::kScalar:
      break;
  }
  if (words == 1) return v.words1;
  return early ? v.early : v.full;
}

// ---------------------------------------------------------------- verify

template <int F, int S>
[[gnu::always_inline]] inline void VerifyBody(const uint64_t* a, const uint64_t* b,
                                              const uint32_t* rows, size_t count,
                                              const uint64_t* query, uint32_t query_index,
                                              int max_distance, std::vector<ScanHit>* hits) {
  constexpr size_t kAhead = 32;
  const uint32_t limit = static_cast<uint32_t>(max_distance);
  auto prefetch_row = [&](size_t r) {
    const uint64_t* p = a + (r / kBlockCodes) * F * kBlockCodes + r % kBlockCodes;
    __builtin_prefetch(p);
    if constexpr (F > 1) __builtin_prefetch(p + kBlockCodes);
  };
  for (size_t i = 0; i < count && i < kAhead; ++i) prefetch_row(rows[i]);
  for (size_t i = 0; i < count; ++i) {
    if (i + kAhead < count) prefetch_row(rows[i + kAhead]);
    const size_t row = rows[i];
    const size_t block = row / kBlockCodes;
    const size_t lane = row % kBlockCodes;
    uint32_t d = 0;
    for (int w = 0; w < F; ++w) {
      d += static_cast<uint32_t>(
          __builtin_popcountll(a[(block * F + w) * kBlockCodes + lane] ^ query[w]));
    }
    if (d > limit) continue;
    for (int w = 0; w < S; ++w) {
      d += static_cast<uint32_t>(
          __builtin_popcountll(b[(block * S + w) * kBlockCodes + lane] ^ query[F + w]));
    }
    if (d <= limit) hits->push_back({query_index, d, static_cast<uint32_t>(row)});
  }
}

template <int F, int S>
void VerifyPortable(const uint64_t* a, const uint64_t* b, const uint32_t* rows, size_t count,
                    const uint64_t* query, uint32_t query_index, int max_distance,
                    std::vector<ScanHit>* hits) {
  VerifyBody<F, S>(a, b, rows, count, query, query_index, max_distance, hits);
}

template <int F, int S>
[[gnu::target("popcnt")]] void VerifyPopcnt(const uint64_t* a, const uint64_t* b,
                                            const uint32_t* rows, size_t count,
                                            const uint64_t* query, uint32_t query_index,
                                            int max_distance, std::vector<ScanHit>* hits) {
  VerifyBody<F, S>(a, b, rows, count, query, query_index, max_distance, hits);
}

}  // namespace

std::string_view HammingKernelName(HammingKernel kernel) {
  switch (kernel) {
    case HammingKernel::kScalar:
      return "scalar";
    case HammingKernel::kAvx2:
      return "avx2";
    case HammingKernel::kAvx512Bw:
      return "avx512bw";
    case HammingKernel::kAvx512Vpopcnt:
      return "avx512vpopcntdq";
  }
  return "unknown";
}

bool HammingKernelSupported(HammingKernel kernel) {
  __builtin_cpu_init();
  switch (kernel) {
    case HammingKernel::kScalar:
      return true;
    case HammingKernel::kAvx2:
      return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt");
    case HammingKernel::kAvx512Bw:
      return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
             __builtin_cpu_supports("popcnt");
    case HammingKernel::kAvx512Vpopcnt:
      return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
             __builtin_cpu_supports("avx512vpopcntdq") && __builtin_cpu_supports("popcnt");
  }
  return false;
}

HammingKernel ActiveHammingKernel() {
  const int forced = g_forced_kernel.load(std::memory_order_relaxed);
  if (forced >= 0) return static_cast<HammingKernel>(forced);
  switch (ActiveSimdLevel()) {
    case SimdLevel::kAvx512Popcnt:
      return HammingKernel::kAvx512Vpopcnt;
    case SimdLevel::kAvx512:
      return HammingKernel::kAvx512Bw;
    case SimdLevel::kAvx2:
      return HammingKernel::kAvx2;
    case SimdLevel::kScalar:
      break;
  }
  return HammingKernel::kScalar;
}

ScopedHammingKernel::ScopedHammingKernel(HammingKernel kernel)
    : previous_(g_forced_kernel.exchange(static_cast<int>(kernel))) {}

ScopedHammingKernel::~ScopedHammingKernel() { g_forced_kernel.store(previous_); }

void ScanBlocks(HammingKernel kernel, const ScanArgs& args, std::vector<ScanHit>* hits) {
  if (args.row_begin >= args.row_end || args.num_queries <= 0) return;
  PickScan(kernel, args.words, args.early_abandon)(args, hits);
}

uint32_t CodeDistance(const uint64_t* x, const uint64_t* y, int words) {
  uint32_t d = 0;
  for (int w = 0; w < words; ++w) d += static_cast<uint32_t>(std::popcount(x[w] ^ y[w]));
  return d;
}

void VerifyRows(HammingKernel kernel, const uint64_t* a, const uint64_t* b, int words,
                const uint32_t* rows, size_t count, const uint64_t* query, uint32_t query_index,
                int max_distance, std::vector<ScanHit>* hits) {
  const bool popcnt = kernel != HammingKernel::kScalar;
  if (words == 1) {
    (popcnt ? &VerifyPopcnt<1, 0> : &VerifyPortable<1, 0>)(a, b, rows, count, query, query_index,
                                                           max_distance, hits);
  } else {
    (popcnt ? &VerifyPopcnt<2, 2> : &VerifyPortable<2, 2>)(a, b, rows, count, query, query_index,
                                                           max_distance, hits);
  }
}

}  // namespace tantalio::index
