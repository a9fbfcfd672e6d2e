// PDQ filter-and-decimate kernel, AVX-512 level (16 float lanes).
//
// Needs AVX-512 F, BW, VL and DQ only (no VPOPCNTDQ). Compiled through a target
// pragma that covers only this file's own code and the generic kernel. The
// build adds -ffp-contract=off: AVX-512F has FMA instructions, and a fused
// multiply-add would change the luma bits.
#include <immintrin.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "fingerprint/pdq_kernels.h"

// GCC 12's AVX-512 headers trip -Wuninitialized on _mm512_undefined_* (GCC
// bug 105593); the warning is about the intrinsics' own placeholders.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC push_options
#pragma GCC target("avx2,avx512f,avx512bw,avx512vl,avx512dq")

#include "fingerprint/pdq_kernels_inl.h"

namespace tantalio::pdq_internal {
namespace {

inline __m512 U8ToFloat(__m128i v) { return _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(v)); }

struct Avx512Vec {
  using T = __m512;
  static constexpr int kLanes = 16;
  static constexpr int kRows = 1;

  static T Zero() { return _mm512_setzero_ps(); }
  static T Set1(float v) { return _mm512_set1_ps(v); }
  static T Load(const float* p) { return _mm512_loadu_ps(p); }
  static void Store(float* p, T v) { _mm512_storeu_ps(p, v); }
  static T Add(T a, T b) { return _mm512_add_ps(a, b); }
  static T Sub(T a, T b) { return _mm512_sub_ps(a, b); }
  static T Div(T a, T b) { return _mm512_div_ps(a, b); }

  [[gnu::always_inline]] static void Transpose(const float* src, size_t ss, float* dst, size_t ds) {
    __m512 r[16], t[16];
#pragma GCC unroll 16
    for (int i = 0; i < 16; ++i) r[i] = _mm512_loadu_ps(src + i * ss);
#pragma GCC unroll 16
    for (int i = 0; i < 8; ++i) {
      t[2 * i] = _mm512_unpacklo_ps(r[2 * i], r[2 * i + 1]);
      t[2 * i + 1] = _mm512_unpackhi_ps(r[2 * i], r[2 * i + 1]);
    }
#pragma GCC unroll 16
    for (int i = 0; i < 4; ++i) {
      const __m512d a = _mm512_castps_pd(t[4 * i]);
      const __m512d b = _mm512_castps_pd(t[4 * i + 1]);
      const __m512d c = _mm512_castps_pd(t[4 * i + 2]);
      const __m512d d = _mm512_castps_pd(t[4 * i + 3]);
      r[4 * i] = _mm512_castpd_ps(_mm512_unpacklo_pd(a, c));
      r[4 * i + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(a, c));
      r[4 * i + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(b, d));
      r[4 * i + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(b, d));
    }
#pragma GCC unroll 16
    for (int i = 0; i < 4; ++i) {
      t[i] = _mm512_shuffle_f32x4(r[i], r[i + 4], 0x88);
      t[i + 4] = _mm512_shuffle_f32x4(r[i], r[i + 4], 0xdd);
      t[i + 8] = _mm512_shuffle_f32x4(r[i + 8], r[i + 12], 0x88);
      t[i + 12] = _mm512_shuffle_f32x4(r[i + 8], r[i + 12], 0xdd);
    }
#pragma GCC unroll 16
    for (int i = 0; i < 8; ++i) {
      _mm512_storeu_ps(dst + i * ds, _mm512_shuffle_f32x4(t[i], t[i + 8], 0x88));
      _mm512_storeu_ps(dst + (i + 8) * ds, _mm512_shuffle_f32x4(t[i], t[i + 8], 0xdd));
    }
  }

  [[gnu::always_inline]] static void LumaRange(const uint8_t* src, int begin, int end, int channels,
                                               float* dst) {
    int x = begin;
    if (channels == 3) {
      const __m512 kr = _mm512_set1_ps(0.299f);
      const __m512 kg = _mm512_set1_ps(0.587f);
      const __m512 kb = _mm512_set1_ps(0.114f);
      // 16 pixels = 48 bytes: vpermd puts pixels 4i..4i+3 (12 bytes) in
      // 128-bit lane i, then one vpshufb per channel zero-extends that
      // channel's 4 bytes of each lane to dwords.
      const __m512i spread = _mm512_setr_epi32(0, 1, 2, 0, 3, 4, 5, 0, 6, 7, 8, 0, 9, 10, 11, 0);
      constexpr char Z = -128;
      const __m512i pick_r =
          _mm512_broadcast_i32x4(_mm_setr_epi8(0, Z, Z, Z, 3, Z, Z, Z, 6, Z, Z, Z, 9, Z, Z, Z));
      const __m512i pick_g =
          _mm512_broadcast_i32x4(_mm_setr_epi8(1, Z, Z, Z, 4, Z, Z, Z, 7, Z, Z, Z, 10, Z, Z, Z));
      const __m512i pick_b =
          _mm512_broadcast_i32x4(_mm_setr_epi8(2, Z, Z, Z, 5, Z, Z, Z, 8, Z, Z, Z, 11, Z, Z, Z));
      constexpr __mmask64 kBytes48 = (__mmask64{1} << 48) - 1;
      for (; x + 16 <= end; x += 16) {
        const __m512i bytes =
            _mm512_permutexvar_epi32(spread, _mm512_maskz_loadu_epi8(kBytes48, src + 3 * x));
        const __m512 r = _mm512_cvtepi32_ps(_mm512_shuffle_epi8(bytes, pick_r));
        const __m512 g = _mm512_cvtepi32_ps(_mm512_shuffle_epi8(bytes, pick_g));
        const __m512 b = _mm512_cvtepi32_ps(_mm512_shuffle_epi8(bytes, pick_b));
        __m512 y = _mm512_add_ps(_mm512_mul_ps(kr, r), _mm512_mul_ps(kg, g));
        y = _mm512_add_ps(y, _mm512_mul_ps(kb, b));
        _mm512_storeu_ps(dst + (x - begin), y);
      }
    } else {
      for (; x + 16 <= end; x += 16) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + x));
        _mm512_storeu_ps(dst + (x - begin), U8ToFloat(v));
      }
    }
    LumaRangeScalar(src, x, end, channels, dst + (x - begin));
  }
};

}  // namespace

void BlurDecimateAvx512(const KernelInput& in, KernelArena& arena, float* grid) {
  BlurDecimate<Avx512Vec>(in, arena, grid);
}

}  // namespace tantalio::pdq_internal

#pragma GCC pop_options
#pragma GCC diagnostic pop
