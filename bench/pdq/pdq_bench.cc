// PDQ hashing speed on decoded pixels: ms per image at 1600x1200 and
// 4032x3024 (and 1600x1004, the size of the spec's reference figure), for each SIMD level, against
// a reference-structured scalar core on the same machine. Run: build/bench/pdq/pdq_bench
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "base/cpu_features.h"
#include "fingerprint/pdq.h"
#include "media/image_decoder.h"
#include "media/synthetic_image.h"
#include "reference_pdq.h"

namespace tantalio {
namespace {

const RgbImage& Image(int width, int height) {
  static std::map<std::pair<int, int>, RgbImage> cache;
  auto it = cache.find({width, height});
  if (it == cache.end())
    it = cache.emplace(std::pair{width, height}, GeneratePattern(width, height, 7)).first;
  return it->second;
}

void BM_Pdq(benchmark::State& state, SimdLevel level, bool dihedral) {
  const int width = static_cast<int>(state.range(0));
  const int height = static_cast<int>(state.range(1));
  if (!PdqSupportsSimdLevel(level)) {
    state.SkipWithError("CPU lacks this SIMD level");
    return;
  }
  const RgbImage& image = Image(width, height);
  const PdqImageView view{image.pixels.data(), width, height, 3, 0};
  PdqHasher hasher(level);
  // Same bits as the reference-structured core, checked once per run.
  int ref_quality = 0;
  const std::string expected =
      bench::ReferenceStylePdq(image.pixels.data(), width, height, &ref_quality);
  auto check = hasher.Hash(view);
  if (!check.ok() || check->hash.ToHex() != expected || check->quality != ref_quality) {
    state.SkipWithError("hash differs from the reference-structured core");
    return;
  }
  for (auto _ : state) {
    if (dihedral) {
      auto result = hasher.HashDihedral(view);
      benchmark::DoNotOptimize(result);
    } else {
      auto result = hasher.Hash(view);
      benchmark::DoNotOptimize(result);
    }
  }
  state.counters["MP"] = width * static_cast<double>(height) / 1e6;
}

void BM_ReferenceStyle(benchmark::State& state) {
  const int width = static_cast<int>(state.range(0));
  const int height = static_cast<int>(state.range(1));
  const RgbImage& image = Image(width, height);
  for (auto _ : state) {
    int quality = 0;
    auto hex = bench::ReferenceStylePdq(image.pixels.data(), width, height, &quality);
    benchmark::DoNotOptimize(hex);
  }
}

// Decoding a WhatsApp-like JPEG (baseline, quality 75) of the given size: with
// BM_Pdq it gives the split between decode and hash time in a scan.
void BM_DecodeJpeg(benchmark::State& state) {
  const int width = static_cast<int>(state.range(0));
  const int height = static_cast<int>(state.range(1));
  auto jpeg = EncodeJpeg(Image(width, height), 75);
  if (!jpeg.ok()) {
    state.SkipWithError("encode failed");
    return;
  }
  for (auto _ : state) {
    auto decoded = DecodeImage(*jpeg);
    benchmark::DoNotOptimize(decoded);
  }
  state.counters["KB"] = static_cast<double>(jpeg->size()) / 1024;
}

double Min(const std::vector<double>& v) { return *std::min_element(v.begin(), v.end()); }

// With --benchmark_repetitions, "min" is the least disturbed run on a shared
// machine; "median" is reported too.
#define PDQ_SIZES                     \
  ->Args({1600, 1004})                \
      ->Args({1600, 1200})            \
      ->Args({4032, 3024})            \
      ->Unit(benchmark::kMillisecond) \
      ->ComputeStatistics("min", Min)

BENCHMARK(BM_ReferenceStyle) PDQ_SIZES;
BENCHMARK(BM_DecodeJpeg) PDQ_SIZES;
BENCHMARK_CAPTURE(BM_Pdq, scalar, SimdLevel::kScalar, false) PDQ_SIZES;
BENCHMARK_CAPTURE(BM_Pdq, avx2, SimdLevel::kAvx2, false) PDQ_SIZES;
BENCHMARK_CAPTURE(BM_Pdq, avx512, SimdLevel::kAvx512, false) PDQ_SIZES;
BENCHMARK_CAPTURE(BM_Pdq, avx512_8variants, SimdLevel::kAvx512, true) PDQ_SIZES;

}  // namespace
}  // namespace tantalio

BENCHMARK_MAIN();
