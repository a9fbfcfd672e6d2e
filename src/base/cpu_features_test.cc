#include "base/cpu_features.h"

#include <gtest/gtest.h>

namespace tantalio {
namespace {

TEST(CpuFeaturesTest, ActiveNeverExceedsDetected) {
  EXPECT_LE(static_cast<int>(ActiveSimdLevel()), static_cast<int>(DetectedSimdLevel()));
}

TEST(CpuFeaturesTest, ScopedLevelCapsAndRestores) {
  const SimdLevel before = ActiveSimdLevel();
  {
    ScopedSimdLevel cap(SimdLevel::kScalar);
    EXPECT_EQ(ActiveSimdLevel(), SimdLevel::kScalar);
    {
      ScopedSimdLevel inner(SimdLevel::kAvx2);
      EXPECT_LE(static_cast<int>(ActiveSimdLevel()), static_cast<int>(SimdLevel::kAvx2));
    }
    EXPECT_EQ(ActiveSimdLevel(), SimdLevel::kScalar);
  }
  EXPECT_EQ(ActiveSimdLevel(), before);
}

TEST(CpuFeaturesTest, NamesAreStable) {
  EXPECT_EQ(SimdLevelName(SimdLevel::kScalar), "scalar");
  EXPECT_EQ(SimdLevelName(SimdLevel::kAvx2), "avx2");
  EXPECT_EQ(SimdLevelName(SimdLevel::kAvx512), "avx512");
  EXPECT_EQ(SimdLevelName(SimdLevel::kAvx512Popcnt), "avx512popcnt");
}

}  // namespace
}  // namespace tantalio
