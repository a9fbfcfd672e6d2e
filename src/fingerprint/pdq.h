// PDQ perceptual image hash (Meta ThreatExchange), bit-exact with the
// reference C++ core at full resolution (spec: ../shared/specs/pdq.md).
//
// The hash is computed in float32 in the reference's exact order of
// operations; the SIMD paths vectorise across independent rows and columns
// only, so every SIMD level gives the same bits. Never compile this code with
// -ffast-math or FMA contraction (the build sets -ffp-contract=off).
//
// In-memory layout: 16 words of 16 bits; words[i] holds DCT row i and bit j
// of words[i] is hash bit k = 16 i + j. The hex form is words[15] ... words[0],
// 4 lower-case digits each (the big-endian rendering of sum bit_k 2^k).
#ifndef TANTALIO_FINGERPRINT_PDQ_H_
#define TANTALIO_FINGERPRINT_PDQ_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "base/cpu_features.h"
#include "base/status.h"

namespace tantalio {

// The algorithm record stored with every PDQ fingerprint.
inline constexpr char kPdqAlgorithm[] = "pdq";
inline constexpr int kPdqVersion = 1;
// Match rule (inclusive) and quality gate from the reference.
inline constexpr int kPdqMatchMaxDistance = 31;
inline constexpr int kPdqMinGoodQuality = 50;

class PdqHash {
 public:
  PdqHash() = default;  // all zero bits

  // Parses exactly 64 hex digits (either case). Anything else is
  // kInvalidArgument; no left-padding of short input is done here.
  static Result<PdqHash> FromHex(std::string_view hex);
  // 64 lower-case hex digits.
  std::string ToHex() const;

  bool Bit(int k) const { return (words_[k >> 4] >> (k & 15)) & 1; }
  void SetBit(int k) { words_[k >> 4] |= static_cast<uint16_t>(1u << (k & 15)); }
  const std::array<uint16_t, 16>& words() const { return words_; }
  // The four 64-bit limbs; limb n holds bits 64 n .. 64 n + 63.
  std::array<uint64_t, 4> Limbs() const;

  bool operator==(const PdqHash&) const = default;

 private:
  std::array<uint16_t, 16> words_{};
};

// Hamming distance over the 256 bits (0..256).
int PdqDistance(const PdqHash& a, const PdqHash& b);

// The 8 dihedral variants, named and ordered as in the spec's table.
enum class PdqVariant {
  kOriginal = 0,
  kRotate90,
  kRotate180,
  kRotate270,
  kFlipX,       // top <-> bottom
  kFlipY,       // left <-> right
  kFlipPlus1,   // transpose about the main diagonal
  kFlipMinus1,  // transpose about the anti-diagonal
};
inline constexpr int kPdqVariantCount = 8;
// "orig", "rot90", "rot180", "rot270", "flipx", "flipy", "flipplus1",
// "flipminus1" (the CLI prints them as pdq_<name>).
std::string_view PdqVariantName(PdqVariant variant);

struct PdqResult {
  PdqHash hash;
  int quality = 0;  // 0..100; below kPdqMinGoodQuality the hash is unreliable
};

struct PdqDihedralResult {
  std::array<PdqHash, kPdqVariantCount> hashes;  // indexed by PdqVariant
  int quality = 0;
  const PdqHash& operator[](PdqVariant v) const { return hashes[static_cast<int>(v)]; }
};

// 8-bit pixels, row-major. channels is 1 (grey) or 3 (R, G, B). row_stride is
// in bytes; 0 means width * channels. The pixels are borrowed, not copied.
struct PdqImageView {
  const uint8_t* pixels = nullptr;
  int width = 0;
  int height = 0;
  int channels = 3;
  size_t row_stride = 0;
};

// The 16x16 DCT block (frequencies 1..16 in each direction) before the median
// step, row i = vertical frequency i + 1. Exposed for tests and TMK/PDQF.
using PdqDctBlock = std::array<float, 256>;

// True when this CPU can run PDQ's kernels at `level` (kAvx512Popcnt runs
// the AVX-512 kernel: PDQ needs no popcount).
bool PdqSupportsSimdLevel(SimdLevel level);
// The level PDQ uses when none is forced: ActiveSimdLevel().
SimdLevel PdqDefaultSimdLevel();

// Computes PDQ hashes. Holds scratch buffers so that repeated calls do not
// reallocate; one instance per thread (not thread-safe).
class PdqHasher {
 public:
  // `simd_level`: force a kernel level (tests, benchmarks); nullopt picks
  // PdqDefaultSimdLevel() at each call. A forced level the CPU lacks makes
  // Hash() return kUnsupported.
  explicit PdqHasher(std::optional<SimdLevel> simd_level = std::nullopt);
  ~PdqHasher();
  PdqHasher(const PdqHasher&) = delete;
  PdqHasher& operator=(const PdqHasher&) = delete;

  // Hash of the image as stored (no EXIF orientation). Images under 5 px on a
  // side give the all-zero hash with quality 0. kInvalidArgument for a null
  // buffer or channels other than 1 or 3.
  Result<PdqResult> Hash(const PdqImageView& image);
  // The original hash and all 7 derived variants (from one DCT block).
  Result<PdqDihedralResult> HashDihedral(const PdqImageView& image);
  // The DCT block and quality (for tests and PDQF features).
  Result<PdqDctBlock> DctBlock(const PdqImageView& image, int* quality);
  // The 64x64 filtered and decimated luma buffer (row-major), for debugging
  // against the reference's intermediates.
  Result<std::array<float, 64 * 64>> Grid64(const PdqImageView& image);

 private:
  struct Scratch;
  Status ComputeGrid(const PdqImageView& image, float* grid, bool* too_small);
  std::optional<SimdLevel> simd_level_;
  std::unique_ptr<Scratch> scratch_;
};

// One-shot helpers (a thread-local PdqHasher at the default level).
Result<PdqResult> ComputePdq(const PdqImageView& image);
Result<PdqDihedralResult> ComputePdqDihedral(const PdqImageView& image);

// The hash of a DCT block: bit k = 16 i + j is set iff block[k] is strictly
// greater than the lower median (the 128th smallest value).
PdqHash PdqHashFromDct(const PdqDctBlock& block);
// The block of the image transformed by `variant`, derived from `block`.
PdqDctBlock PdqTransformDct(const PdqDctBlock& block, PdqVariant variant);

}  // namespace tantalio

#endif  // TANTALIO_FINGERPRINT_PDQ_H_
