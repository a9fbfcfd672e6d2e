// PDQ filter-and-decimate kernel, portable scalar level (baseline x86-64).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "fingerprint/pdq_kernels.h"
#include "fingerprint/pdq_kernels_inl.h"

namespace tantalio::pdq_internal {
namespace {

struct ScalarVec {
  using T = float;
  static constexpr int kLanes = 1;
  static constexpr int kRows = 4;  // four independent rows per step

  static T Zero() { return 0.0f; }
  static T Set1(float v) { return v; }
  static T Load(const float* p) { return *p; }
  static void Store(float* p, T v) { *p = v; }
  static T Add(T a, T b) { return a + b; }
  static T Sub(T a, T b) { return a - b; }
  static T Div(T a, T b) { return a / b; }
  static void Transpose(const float* src, size_t, float* dst, size_t) { *dst = *src; }
  static void LumaRange(const uint8_t* src, int begin, int end, int channels, float* dst) {
    LumaRangeScalar(src, begin, end, channels, dst);
  }
};

}  // namespace

void BlurDecimateScalar(const KernelInput& in, KernelArena& arena, float* grid) {
  BlurDecimate<ScalarVec>(in, arena, grid);
}

}  // namespace tantalio::pdq_internal
