// PDQ filter-and-decimate kernel, AVX2 level (8 float lanes).
//
// Compiled for AVX2 through a target pragma that covers only this file's own
// code and the generic kernel; FMA is deliberately not enabled, and the build
// adds -ffp-contract=off, so no multiply-add is ever fused.
#include <immintrin.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "fingerprint/pdq_kernels.h"

#pragma GCC push_options
#pragma GCC target("avx2")

#include "fingerprint/pdq_kernels_inl.h"

namespace tantalio::pdq_internal {
namespace {

// Splits 16 packed RGB pixels (48 bytes) into 16 R, 16 G and 16 B bytes.
inline void Deinterleave16(const uint8_t* p, __m128i* r, __m128i* g, __m128i* b) {
  const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const __m128i m = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16));
  const __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 32));
  constexpr char X = -128;  // pshufb: zero this byte
  *r = _mm_or_si128(
      _mm_or_si128(
          _mm_shuffle_epi8(a, _mm_setr_epi8(0, 3, 6, 9, 12, 15, X, X, X, X, X, X, X, X, X, X)),
          _mm_shuffle_epi8(m, _mm_setr_epi8(X, X, X, X, X, X, 2, 5, 8, 11, 14, X, X, X, X, X))),
      _mm_shuffle_epi8(c, _mm_setr_epi8(X, X, X, X, X, X, X, X, X, X, X, 1, 4, 7, 10, 13)));
  *g = _mm_or_si128(
      _mm_or_si128(
          _mm_shuffle_epi8(a, _mm_setr_epi8(1, 4, 7, 10, 13, X, X, X, X, X, X, X, X, X, X, X)),
          _mm_shuffle_epi8(m, _mm_setr_epi8(X, X, X, X, X, 0, 3, 6, 9, 12, 15, X, X, X, X, X))),
      _mm_shuffle_epi8(c, _mm_setr_epi8(X, X, X, X, X, X, X, X, X, X, X, 2, 5, 8, 11, 14)));
  *b = _mm_or_si128(
      _mm_or_si128(
          _mm_shuffle_epi8(a, _mm_setr_epi8(2, 5, 8, 11, 14, X, X, X, X, X, X, X, X, X, X, X)),
          _mm_shuffle_epi8(m, _mm_setr_epi8(X, X, X, X, X, 1, 4, 7, 10, 13, X, X, X, X, X, X))),
      _mm_shuffle_epi8(c, _mm_setr_epi8(X, X, X, X, X, X, X, X, X, X, 0, 3, 6, 9, 12, 15)));
}

inline __m256 U8ToFloat(__m128i v) { return _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(v)); }

struct Avx2Vec {
  using T = __m256;
  static constexpr int kLanes = 8;
  static constexpr int kRows = 2;

  static T Zero() { return _mm256_setzero_ps(); }
  static T Set1(float v) { return _mm256_set1_ps(v); }
  static T Load(const float* p) { return _mm256_loadu_ps(p); }
  static void Store(float* p, T v) { _mm256_storeu_ps(p, v); }
  static T Add(T a, T b) { return _mm256_add_ps(a, b); }
  static T Sub(T a, T b) { return _mm256_sub_ps(a, b); }
  static T Div(T a, T b) { return _mm256_div_ps(a, b); }

  [[gnu::always_inline]] static void Transpose(const float* src, size_t ss, float* dst, size_t ds) {
    __m256 r[8], t[8];
#pragma GCC unroll 16
    for (int i = 0; i < 8; ++i) r[i] = _mm256_loadu_ps(src + i * ss);
#pragma GCC unroll 16
    for (int i = 0; i < 4; ++i) {
      t[2 * i] = _mm256_unpacklo_ps(r[2 * i], r[2 * i + 1]);
      t[2 * i + 1] = _mm256_unpackhi_ps(r[2 * i], r[2 * i + 1]);
    }
#pragma GCC unroll 16
    for (int i = 0; i < 2; ++i) {
      r[4 * i] = _mm256_shuffle_ps(t[4 * i], t[4 * i + 2], _MM_SHUFFLE(1, 0, 1, 0));
      r[4 * i + 1] = _mm256_shuffle_ps(t[4 * i], t[4 * i + 2], _MM_SHUFFLE(3, 2, 3, 2));
      r[4 * i + 2] = _mm256_shuffle_ps(t[4 * i + 1], t[4 * i + 3], _MM_SHUFFLE(1, 0, 1, 0));
      r[4 * i + 3] = _mm256_shuffle_ps(t[4 * i + 1], t[4 * i + 3], _MM_SHUFFLE(3, 2, 3, 2));
    }
#pragma GCC unroll 16
    for (int i = 0; i < 4; ++i) {
      _mm256_storeu_ps(dst + i * ds, _mm256_permute2f128_ps(r[i], r[i + 4], 0x20));
      _mm256_storeu_ps(dst + (i + 4) * ds, _mm256_permute2f128_ps(r[i], r[i + 4], 0x31));
    }
  }

  [[gnu::always_inline]] static void LumaRange(const uint8_t* src, int begin, int end, int channels,
                                               float* dst) {
    int x = begin;
    if (channels == 3) {
      const __m256 kr = _mm256_set1_ps(0.299f);
      const __m256 kg = _mm256_set1_ps(0.587f);
      const __m256 kb = _mm256_set1_ps(0.114f);
      for (; x + 16 <= end; x += 16) {
        __m128i r, g, b;
        Deinterleave16(src + 3 * x, &r, &g, &b);
        for (int half = 0; half < 2; ++half) {
          const int shift = 8 * half;
          const __m128i rh = half ? _mm_srli_si128(r, 8) : r;
          const __m128i gh = half ? _mm_srli_si128(g, 8) : g;
          const __m128i bh = half ? _mm_srli_si128(b, 8) : b;
          __m256 y =
              _mm256_add_ps(_mm256_mul_ps(kr, U8ToFloat(rh)), _mm256_mul_ps(kg, U8ToFloat(gh)));
          y = _mm256_add_ps(y, _mm256_mul_ps(kb, U8ToFloat(bh)));
          _mm256_storeu_ps(dst + (x - begin) + shift, y);
        }
      }
    } else {
      for (; x + 8 <= end; x += 8) {
        const __m128i v = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(src + x));
        _mm256_storeu_ps(dst + (x - begin), U8ToFloat(v));
      }
    }
    LumaRangeScalar(src, x, end, channels, dst + (x - begin));
  }
};

}  // namespace

void BlurDecimateAvx2(const KernelInput& in, KernelArena& arena, float* grid) {
  BlurDecimate<Avx2Vec>(in, arena, grid);
}

}  // namespace tantalio::pdq_internal

#pragma GCC pop_options
