#include "base/cpu_features.h"

#include <atomic>
#include <cstdlib>
#include <string>

namespace tantalio {
namespace {

std::atomic<int> g_cap{-1};  // -1: no ScopedSimdLevel active

SimdLevel EnvironmentCap() {
  const char* value = std::getenv("TANTALIO_SIMD");
  if (value == nullptr) return SimdLevel::kAvx512Popcnt;
  std::string v(value);
  if (v == "scalar") return SimdLevel::kScalar;
  if (v == "avx2") return SimdLevel::kAvx2;
  if (v == "avx512") return SimdLevel::kAvx512;
  return SimdLevel::kAvx512Popcnt;
}

SimdLevel Min(SimdLevel a, SimdLevel b) {
  return static_cast<int>(a) < static_cast<int>(b) ? a : b;
}

}  // namespace

std::string_view SimdLevelName(SimdLevel level) {
  switch (level) {
    case SimdLevel::kScalar:
      return "scalar";
    case SimdLevel::kAvx2:
      return "avx2";
    case SimdLevel::kAvx512:
      return "avx512";
    case SimdLevel::kAvx512Popcnt:
      return "avx512popcnt";
  }
  return "unknown";
}

SimdLevel DetectedSimdLevel() {
  static const SimdLevel detected = [] {
    __builtin_cpu_init();
    const bool avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                        __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq") &&
                        __builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt");
    if (avx512 && __builtin_cpu_supports("avx512vpopcntdq")) return SimdLevel::kAvx512Popcnt;
    if (avx512) return SimdLevel::kAvx512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
        __builtin_cpu_supports("popcnt")) {
      return SimdLevel::kAvx2;
    }
    return SimdLevel::kScalar;
  }();
  return detected;
}

SimdLevel ActiveSimdLevel() {
  static const SimdLevel env_cap = EnvironmentCap();
  SimdLevel level = Min(DetectedSimdLevel(), env_cap);
  int cap = g_cap.load(std::memory_order_relaxed);
  if (cap >= 0) level = Min(level, static_cast<SimdLevel>(cap));
  return level;
}

ScopedSimdLevel::ScopedSimdLevel(SimdLevel level)
    : previous_(g_cap.exchange(static_cast<int>(level))) {}

ScopedSimdLevel::~ScopedSimdLevel() { g_cap.store(previous_); }

}  // namespace tantalio
