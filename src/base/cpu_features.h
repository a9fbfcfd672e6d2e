// Run-time SIMD dispatch: which instruction-set level the hot kernels may use.
//
// Kernels are compiled for several levels (with target attributes) and pick
// one at run time with ActiveSimdLevel(). Tests force each level in turn with
// ScopedSimdLevel so that every path is covered on a machine that has them.
#ifndef TANTALIO_BASE_CPU_FEATURES_H_
#define TANTALIO_BASE_CPU_FEATURES_H_

#include <string_view>

namespace tantalio {

// Ordered: each level includes everything below it.
enum class SimdLevel {
  kScalar = 0,
  kAvx2 = 1,          // AVX2, FMA, POPCNT
  kAvx512 = 2,        // AVX-512 F, BW, VL, DQ (Skylake-SP and later)
  kAvx512Popcnt = 3,  // kAvx512 plus VPOPCNTDQ (Ice Lake, Zen 4 and later)
};

std::string_view SimdLevelName(SimdLevel level);

// The best level this CPU supports.
SimdLevel DetectedSimdLevel();

// The level kernels should use now: the detected one, lowered by the
// environment variable TANTALIO_SIMD=scalar|avx2|avx512|avx512popcnt or by a live
// ScopedSimdLevel. Never higher than DetectedSimdLevel(). Thread-safe.
SimdLevel ActiveSimdLevel();

// Caps ActiveSimdLevel() at `level` for its lifetime (tests and benchmarks).
// Not for concurrent use from several threads at once.
class ScopedSimdLevel {
 public:
  explicit ScopedSimdLevel(SimdLevel level);
  ~ScopedSimdLevel();
  ScopedSimdLevel(const ScopedSimdLevel&) = delete;
  ScopedSimdLevel& operator=(const ScopedSimdLevel&) = delete;

 private:
  int previous_;
};

}  // namespace tantalio

#endif  // TANTALIO_BASE_CPU_FEATURES_H_
