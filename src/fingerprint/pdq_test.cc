// PDQ properties on images the test generates (no external data).
#include "fingerprint/pdq.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "base/cpu_features.h"

namespace tantalio {
namespace {

struct TestImage {
  int width = 0;
  int height = 0;
  int channels = 3;
  std::vector<uint8_t> pixels;
  PdqImageView view() const { return {pixels.data(), width, height, channels, 0}; }
};

uint8_t Clamp8(double v) {
  return static_cast<uint8_t>(std::clamp(std::floor(v + 0.5), 0.0, 255.0));
}

// A smooth, non-separable pattern (not of the form f(x) + g(y)).
TestImage Pattern(int width, int height, int channels, int seed = 1) {
  TestImage image{width, height, channels, {}};
  image.pixels.resize(static_cast<size_t>(width) * height * channels);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      const double u = static_cast<double>(x) / width;
      const double v = static_cast<double>(y) / height;
      for (int c = 0; c < channels; ++c) {
        const double value = 128 + 70 * std::sin(9 * u * v * (c + seed) + 3 * u) +
                             50 * std::cos(7 * (u - 0.3) * (v + 0.2) * seed + c);
        image.pixels[(static_cast<size_t>(y) * width + x) * channels + c] = Clamp8(value);
      }
    }
  }
  return image;
}

TestImage Noise(int width, int height, int channels, uint32_t seed) {
  TestImage image{width, height, channels, {}};
  image.pixels.resize(static_cast<size_t>(width) * height * channels);
  std::mt19937 rng(seed);
  for (auto& p : image.pixels) p = static_cast<uint8_t>(rng());
  return image;
}

TestImage Transposed(const TestImage& in) {
  TestImage out{in.height, in.width, in.channels, {}};
  out.pixels.resize(in.pixels.size());
  for (int y = 0; y < in.height; ++y) {
    for (int x = 0; x < in.width; ++x) {
      std::memcpy(&out.pixels[(static_cast<size_t>(x) * out.width + y) * in.channels],
                  &in.pixels[(static_cast<size_t>(y) * in.width + x) * in.channels], in.channels);
    }
  }
  return out;
}

std::vector<SimdLevel> SupportedLevels() {
  std::vector<SimdLevel> levels;
  for (SimdLevel l : {SimdLevel::kScalar, SimdLevel::kAvx2, SimdLevel::kAvx512}) {
    if (PdqSupportsSimdLevel(l)) levels.push_back(l);
  }
  return levels;
}

TEST(PdqTest, FlatImageHasQualityZero) {
  for (int channels : {1, 3}) {
    TestImage image{300, 200, channels, std::vector<uint8_t>(300 * 200 * channels, 128)};
    auto result = ComputePdq(image.view());
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    EXPECT_EQ(result->quality, 0) << channels << " channels";
  }
}

TEST(PdqTest, ImagesUnderFivePixelsGiveZeros) {
  for (auto [w, h] : {std::pair{4, 4}, std::pair{4, 100}, std::pair{100, 4}, std::pair{0, 0}}) {
    TestImage image = Noise(w, h, 3, 7);
    image.pixels.resize(std::max<size_t>(image.pixels.size(), 1));
    auto result = ComputePdqDihedral(image.view());
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    EXPECT_EQ(result->quality, 0);
    for (const PdqHash& hash : result->hashes) EXPECT_EQ(hash, PdqHash()) << w << "x" << h;
  }
  // Five pixels is enough.
  TestImage five = Noise(5, 5, 3, 8);
  auto result = ComputePdq(five.view());
  ASSERT_TRUE(result.ok());
  EXPECT_NE(result->hash, PdqHash());
}

// A transposed image hashes to the FlipPlus1 variant of the original. Exact in
// exact arithmetic; in float the filter passes and DCT stages run in the other
// order, so allow the bit pair or two that a near-tie can flip (spec §2.10).
TEST(PdqTest, TransposedImageGivesFlipPlus1) {
  for (auto [w, h] : {std::pair{64, 64}, std::pair{640, 480}, std::pair{301, 777}}) {
    const TestImage image = Pattern(w, h, 3);
    auto original = ComputePdqDihedral(image.view());
    auto transposed = ComputePdq(Transposed(image).view());
    ASSERT_TRUE(original.ok() && transposed.ok());
    EXPECT_EQ(original->quality, 100);
    EXPECT_LE(
        PdqDistance(transposed->hash, original->hashes[static_cast<int>(PdqVariant::kFlipPlus1)]),
        4)
        << w << "x" << h;
    EXPECT_GE(PdqDistance(transposed->hash, original->hashes[0]), 64) << w << "x" << h;
  }
}

TEST(PdqTest, HexRoundTrip) {
  std::mt19937 rng(42);
  for (int n = 0; n < 100; ++n) {
    PdqHash hash;
    for (int k = 0; k < 256; ++k) {
      if (rng() & 1) hash.SetBit(k);
    }
    const std::string hex = hash.ToHex();
    ASSERT_EQ(hex.size(), 64u);
    auto parsed = PdqHash::FromHex(hex);
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, hash);
    EXPECT_EQ(parsed->ToHex(), hex);
  }
  const std::string upper = "F8F8F0CEE0F4A84F06370A22038F63F0B36E2ED596621E1D33E6B39C4E9C9B22";
  auto parsed = PdqHash::FromHex(upper);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->ToHex(), "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22");
  EXPECT_FALSE(PdqHash::FromHex(upper.substr(1)).ok());
  EXPECT_FALSE(PdqHash::FromHex(upper + "0").ok());
  EXPECT_FALSE(PdqHash::FromHex(std::string(63, '0') + "g").ok());
}

TEST(PdqTest, BitOrderMatchesSpec) {
  PdqHash hash;
  hash.SetBit(0);  // row 0, column 0: the last hex digit
  EXPECT_EQ(hash.ToHex(), std::string(63, '0') + "1");
  PdqHash top;
  top.SetBit(255);  // row 15, column 15: the first hex digit
  EXPECT_EQ(top.ToHex(), "8" + std::string(63, '0'));
  PdqHash mid;
  mid.SetBit(16);  // word 1, bit 0
  EXPECT_EQ(mid.ToHex(), std::string(59, '0') + "10000");
}

TEST(PdqTest, DistanceIsSymmetricAndZeroToItself) {
  std::mt19937 rng(5);
  std::vector<PdqHash> hashes(20);
  for (auto& h : hashes) {
    for (int k = 0; k < 256; ++k) {
      if (rng() % 3 == 0) h.SetBit(k);
    }
  }
  for (const auto& a : hashes) {
    EXPECT_EQ(PdqDistance(a, a), 0);
    for (const auto& b : hashes) EXPECT_EQ(PdqDistance(a, b), PdqDistance(b, a));
  }
  PdqHash all;
  for (int k = 0; k < 256; ++k) all.SetBit(k);
  EXPECT_EQ(PdqDistance(all, PdqHash()), 256);
}

TEST(PdqTest, VariantsOfAnImageAreDistinctAndOriginalMatchesHash) {
  const TestImage image = Pattern(500, 400, 3, 2);
  auto one = ComputePdq(image.view());
  auto all = ComputePdqDihedral(image.view());
  ASSERT_TRUE(one.ok() && all.ok());
  EXPECT_EQ(one->hash, (*all)[PdqVariant::kOriginal]);
  EXPECT_EQ(one->quality, all->quality);
  for (int a = 0; a < kPdqVariantCount; ++a) {
    for (int b = a + 1; b < kPdqVariantCount; ++b) {
      EXPECT_GT(PdqDistance(all->hashes[a], all->hashes[b]), 32) << a << " vs " << b;
    }
  }
}

// The block transforms compose like the dihedral group they stand for.
TEST(PdqTest, DctTransformsComposeLikeTheDihedralGroup) {
  PdqDctBlock block;
  for (int k = 0; k < 256; ++k) block[k] = static_cast<float>(k + 1) * ((k * 7919) % 13 - 6);
  auto t = [](const PdqDctBlock& b, PdqVariant v) { return PdqTransformDct(b, v); };
  EXPECT_EQ(t(t(block, PdqVariant::kRotate90), PdqVariant::kRotate90),
            t(block, PdqVariant::kRotate180));
  EXPECT_EQ(t(t(block, PdqVariant::kRotate90), PdqVariant::kRotate180),
            t(block, PdqVariant::kRotate270));
  EXPECT_EQ(t(t(block, PdqVariant::kFlipX), PdqVariant::kFlipY), t(block, PdqVariant::kRotate180));
  EXPECT_EQ(t(t(block, PdqVariant::kFlipPlus1), PdqVariant::kFlipPlus1), block);
  EXPECT_EQ(t(t(block, PdqVariant::kFlipMinus1), PdqVariant::kFlipMinus1), block);
}

// Spec §2.6 pitfall: an image f(x) + g(y) has all 256 coefficients zero in
// exact arithmetic, so its hash is float noise even at quality 100. The
// coefficients must be tiny, and the noise must still be identical at every
// SIMD level (the kernels keep the reference's evaluation order).
TEST(PdqTest, SeparableImageHasOnlyFloatNoiseCoefficients) {
  TestImage image{400, 300, 1, {}};
  image.pixels.resize(400 * 300);
  for (int y = 0; y < 300; ++y) {
    for (int x = 0; x < 400; ++x) {
      image.pixels[y * 400 + x] = Clamp8(60 * std::sin(x / 17.0) + 40 * std::cos(y / 11.0) + 128);
    }
  }
  // Rounding to 8 bits makes the image only nearly separable; the coefficients
  // are still orders of magnitude below a natural image's.
  int quality = 0;
  PdqHasher hasher;
  auto block = hasher.DctBlock(image.view(), &quality);
  ASSERT_TRUE(block.ok());
  EXPECT_EQ(quality, 100);
  float max_separable = 0;
  for (float c : *block) max_separable = std::max(max_separable, std::abs(c));
  auto natural = hasher.DctBlock(Pattern(400, 300, 1).view(), nullptr);
  ASSERT_TRUE(natural.ok());
  float max_natural = 0;
  for (float c : *natural) max_natural = std::max(max_natural, std::abs(c));
  EXPECT_LT(max_separable * 20, max_natural) << max_separable;

  // A truly separable block (linear ramps) through the full pipeline: tiny.
  TestImage ramp{256, 256, 1, {}};
  ramp.pixels.resize(256 * 256);
  for (int y = 0; y < 256; ++y) {
    for (int x = 0; x < 256; ++x) ramp.pixels[y * 256 + x] = static_cast<uint8_t>((x + y) / 2);
  }
  auto ramp_block = hasher.DctBlock(ramp.view(), &quality);
  ASSERT_TRUE(ramp_block.ok());
  float max_ramp = 0;
  for (float c : *ramp_block) max_ramp = std::max(max_ramp, std::abs(c));
  EXPECT_LT(max_ramp, 1.0f);

  // Noise hashes are still deterministic across SIMD levels.
  std::string first;
  for (SimdLevel level : SupportedLevels()) {
    PdqHasher at_level(level);
    auto result = at_level.Hash(image.view());
    ASSERT_TRUE(result.ok());
    if (first.empty()) first = result->hash.ToHex();
    EXPECT_EQ(result->hash.ToHex(), first) << SimdLevelName(level);
  }
}

// Every SIMD level produces the same 64x64 grid, bit for bit, on sizes that
// exercise every tail (widths and heights not multiples of 8, 16 or 32).
TEST(PdqTest, AllSimdLevelsGiveIdenticalGrids) {
  const std::vector<std::pair<int, int>> sizes = {{5, 5},     {6, 97},    {17, 33},   {64, 65},
                                                  {130, 7},   {255, 129}, {257, 513}, {1000, 700},
                                                  {801, 601}, {33, 1500}, {4100, 37}, {37, 4100}};
  for (auto [w, h] : sizes) {
    for (int channels : {1, 3}) {
      const TestImage image = Noise(w, h, channels, w * 31 + h);
      std::vector<std::array<float, 4096>> grids;
      for (SimdLevel level : SupportedLevels()) {
        PdqHasher hasher(level);
        auto grid = hasher.Grid64(image.view());
        ASSERT_TRUE(grid.ok()) << grid.status().ToString();
        grids.push_back(*grid);
      }
      for (size_t i = 1; i < grids.size(); ++i) {
        // Bit patterns on purpose: every level must give the same bits, not
        // merely equal values.
        // NOLINTNEXTLINE(bugprone-suspicious-memory-comparison)
        EXPECT_EQ(std::memcmp(grids[0].data(), grids[i].data(), sizeof(grids[0])), 0)
            << w << "x" << h << "x" << channels << " level " << i;
      }
    }
  }
}

TEST(PdqTest, RowStrideIsHonoured) {
  const TestImage image = Pattern(123, 77, 3);
  std::vector<uint8_t> padded(static_cast<size_t>(123 * 3 + 9) * 77, 0xAB);
  for (int y = 0; y < 77; ++y) {
    std::memcpy(&padded[static_cast<size_t>(y) * (123 * 3 + 9)], &image.pixels[y * 123 * 3],
                123 * 3);
  }
  auto a = ComputePdq(image.view());
  auto b = ComputePdq(PdqImageView{padded.data(), 123, 77, 3, 123 * 3 + 9});
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->hash, b->hash);
}

TEST(PdqTest, RejectsBadInput) {
  std::vector<uint8_t> pixels(100 * 100 * 4);
  EXPECT_EQ(ComputePdq(PdqImageView{pixels.data(), 100, 100, 4, 0}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ComputePdq(PdqImageView{nullptr, 100, 100, 3, 0}).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(PdqTest, DefaultLevelFollowsScopedCap) {
  ScopedSimdLevel cap(SimdLevel::kScalar);
  EXPECT_EQ(PdqDefaultSimdLevel(), SimdLevel::kScalar);
}

}  // namespace
}  // namespace tantalio
