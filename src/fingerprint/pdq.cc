#include "fingerprint/pdq.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "fingerprint/pdq_kernels.h"

namespace tantalio {
namespace {

constexpr int kGrid = 64;
constexpr int kMinSide = 5;

// D[i][k] = float(float(sqrt(2/64)) * cos(pi/128 * (i + 1) * (2k + 1))), spec
// §2.6; also its transpose, for the second stage.
struct DctMatrix {
  float d[16][kGrid];
  float dt[kGrid][16];
  DctMatrix() {
    constexpr double kPi = 3.14159265358979323846;
    const float scale = static_cast<float>(std::sqrt(2.0 / 64.0));
    for (int i = 0; i < 16; ++i) {
      for (int k = 0; k < kGrid; ++k) {
        d[i][k] = static_cast<float>(scale * std::cos((kPi / 128.0) * (i + 1) * (2 * k + 1)));
        dt[k][i] = d[i][k];
      }
    }
  }
};

const DctMatrix& Dct() {
  static const DctMatrix matrix;
  return matrix;
}

// B = D A D^T in two stages; every sum is one float accumulator with k
// ascending (the j loops vectorise across independent accumulators).
PdqDctBlock ComputeDct(const float* a) {
  const DctMatrix& m = Dct();
  float t[16][kGrid];
  for (int i = 0; i < 16; ++i) {
    float acc[kGrid] = {};
    for (int k = 0; k < kGrid; ++k) {
      const float dik = m.d[i][k];
      const float* row = a + k * kGrid;
      for (int j = 0; j < kGrid; ++j) acc[j] += dik * row[j];
    }
    std::memcpy(t[i], acc, sizeof(acc));
  }
  PdqDctBlock block;
  for (int i = 0; i < 16; ++i) {
    float acc[16] = {};
    for (int k = 0; k < kGrid; ++k) {
      const float tik = t[i][k];
      for (int j = 0; j < 16; ++j) acc[j] += tik * m.dt[k][j];
    }
    std::memcpy(&block[16 * i], acc, sizeof(acc));
  }
  return block;
}

// Spec §2.5: sum of |trunc((u - v) * 100 / 255)| over all neighbour pairs.
int Quality(const float* a) {
  int sum = 0;
  auto diff = [](float u, float v) {
    const int d = static_cast<int>((u - v) * 100.0f / 255.0f);
    return std::abs(d);
  };
  for (int i = 0; i < kGrid - 1; ++i) {
    for (int j = 0; j < kGrid; ++j) sum += diff(a[i * kGrid + j], a[(i + 1) * kGrid + j]);
  }
  for (int i = 0; i < kGrid; ++i) {
    for (int j = 0; j < kGrid - 1; ++j) sum += diff(a[i * kGrid + j], a[i * kGrid + j + 1]);
  }
  return std::min(100, sum / 90);
}

}  // namespace

// --- PdqHash -----------------------------------------------------------------

Result<PdqHash> PdqHash::FromHex(std::string_view hex) {
  if (hex.size() != 64) {
    return InvalidArgumentError("parse PDQ hash: expected 64 hex digits, got " +
                                std::to_string(hex.size()) + " characters");
  }
  PdqHash hash;
  for (int w = 0; w < 16; ++w) {
    unsigned value = 0;
    for (int c = 0; c < 4; ++c) {
      const char ch = hex[4 * (15 - w) + c];
      int digit;
      if (ch >= '0' && ch <= '9') {
        digit = ch - '0';
      } else if (ch >= 'a' && ch <= 'f') {
        digit = ch - 'a' + 10;
      } else if (ch >= 'A' && ch <= 'F') {
        digit = ch - 'A' + 10;
      } else {
        return InvalidArgumentError("parse PDQ hash: '" + std::string(hex) +
                                    "' has a character that is not a hex digit");
      }
      value = value * 16 + digit;
    }
    hash.words_[w] = static_cast<uint16_t>(value);
  }
  return hash;
}

std::string PdqHash::ToHex() const {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(64, '0');
  for (int w = 0; w < 16; ++w) {
    const unsigned value = words_[15 - w];
    for (int c = 0; c < 4; ++c) out[4 * w + c] = kDigits[(value >> (12 - 4 * c)) & 15];
  }
  return out;
}

std::array<uint64_t, 4> PdqHash::Limbs() const {
  std::array<uint64_t, 4> limbs{};
  for (int w = 0; w < 16; ++w) limbs[w / 4] |= uint64_t{words_[w]} << (16 * (w % 4));
  return limbs;
}

int PdqDistance(const PdqHash& a, const PdqHash& b) {
  const auto la = a.Limbs();
  const auto lb = b.Limbs();
  int d = 0;
  for (int i = 0; i < 4; ++i) d += std::popcount(la[i] ^ lb[i]);
  return d;
}

std::string_view PdqVariantName(PdqVariant variant) {
  switch (variant) {
    case PdqVariant::kOriginal:
      return "orig";
    case PdqVariant::kRotate90:
      return "rot90";
    case PdqVariant::kRotate180:
      return "rot180";
    case PdqVariant::kRotate270:
      return "rot270";
    case PdqVariant::kFlipX:
      return "flipx";
    case PdqVariant::kFlipY:
      return "flipy";
    case PdqVariant::kFlipPlus1:
      return "flipplus1";
    case PdqVariant::kFlipMinus1:
      return "flipminus1";
  }
  return "unknown";
}

// --- DCT block to hash ---------------------------------------------------------

PdqHash PdqHashFromDct(const PdqDctBlock& block) {
  // The lower median (128th smallest); any exact selection gives the same
  // value as the reference's Torben search.
  std::array<float, 256> sorted = block;
  std::nth_element(sorted.begin(), sorted.begin() + 127, sorted.end());
  const float median = sorted[127];
  PdqHash hash;
  for (int k = 0; k < 256; ++k) {
    if (block[k] > median) hash.SetBit(k);
  }
  return hash;
}

PdqDctBlock PdqTransformDct(const PdqDctBlock& a, PdqVariant variant) {
  PdqDctBlock b;
  for (int i = 0; i < 16; ++i) {
    for (int j = 0; j < 16; ++j) {
      const float v = a[16 * i + j];
      const bool odd_sum = ((i + j) & 1) != 0;
      switch (variant) {
        case PdqVariant::kOriginal:
          b[16 * i + j] = v;
          break;
        case PdqVariant::kRotate90:
          b[16 * j + i] = (j & 1) ? v : -v;
          break;
        case PdqVariant::kRotate180:
          b[16 * i + j] = odd_sum ? -v : v;
          break;
        case PdqVariant::kRotate270:
          b[16 * j + i] = (i & 1) ? v : -v;
          break;
        case PdqVariant::kFlipX:
          b[16 * i + j] = (i & 1) ? v : -v;
          break;
        case PdqVariant::kFlipY:
          b[16 * i + j] = (j & 1) ? v : -v;
          break;
        case PdqVariant::kFlipPlus1:
          b[16 * j + i] = v;
          break;
        case PdqVariant::kFlipMinus1:
          b[16 * j + i] = odd_sum ? -v : v;
          break;
      }
    }
  }
  return b;
}

// --- SIMD level ------------------------------------------------------------------

bool PdqSupportsSimdLevel(SimdLevel level) { return level <= DetectedSimdLevel(); }

SimdLevel PdqDefaultSimdLevel() { return ActiveSimdLevel(); }

// --- PdqHasher -------------------------------------------------------------------

struct PdqHasher::Scratch : pdq_internal::KernelArena {
  std::array<std::vector<float>, 12> slots;
  float* Get(int slot, size_t count) override {
    std::vector<float>& v = slots[slot];
    constexpr size_t kAlignFloats = 16;  // 64 bytes
    if (v.size() < count + kAlignFloats) v.resize(count + kAlignFloats);
    const auto address = reinterpret_cast<uintptr_t>(v.data());
    const size_t skip = ((64 - address % 64) % 64) / sizeof(float);
    return v.data() + skip;
  }
};

PdqHasher::PdqHasher(std::optional<SimdLevel> simd_level)
    : simd_level_(simd_level), scratch_(std::make_unique<Scratch>()) {}

PdqHasher::~PdqHasher() = default;

Status PdqHasher::ComputeGrid(const PdqImageView& image, float* grid, bool* too_small) {
  if (image.pixels == nullptr) return InvalidArgumentError("PDQ hash: no pixel buffer");
  if (image.channels != 1 && image.channels != 3) {
    return InvalidArgumentError("PDQ hash: " + std::to_string(image.channels) +
                                " channels (need 1 grey or 3 RGB)");
  }
  if (image.width < 0 || image.height < 0) return InvalidArgumentError("PDQ hash: negative size");
  *too_small = image.width < kMinSide || image.height < kMinSide;
  if (*too_small) return Status::Ok();
  const size_t stride =
      image.row_stride != 0
          ? image.row_stride
          : static_cast<size_t>(static_cast<size_t>(image.width)) * image.channels;

  if (image.width == kGrid && image.height == kGrid) {
    // The reference copies the luma straight into the 64x64 buffer (§2.4).
    for (int y = 0; y < kGrid; ++y) {
      const uint8_t* row = image.pixels + stride * y;
      for (int x = 0; x < kGrid; ++x) {
        if (image.channels == 3) {
          const float r = row[3 * x];
          const float g = row[3 * x + 1];
          const float b = row[3 * x + 2];
          grid[y * kGrid + x] = 0.299f * r + 0.587f * g + 0.114f * b;
        } else {
          grid[y * kGrid + x] = row[x];
        }
      }
    }
    return Status::Ok();
  }

  const SimdLevel level = simd_level_.value_or(PdqDefaultSimdLevel());
  if (!PdqSupportsSimdLevel(level)) {
    return UnsupportedError("PDQ hash: this CPU lacks SIMD level " +
                            std::string(SimdLevelName(level)));
  }
  const pdq_internal::KernelInput in{image.pixels, image.width, image.height, image.channels,
                                     stride};
  switch (level) {
    case SimdLevel::kAvx512Popcnt:  // PDQ needs no popcount: the same kernel
    case SimdLevel::kAvx512:
      pdq_internal::BlurDecimateAvx512(in, *scratch_, grid);
      break;
    case SimdLevel::kAvx2:
      pdq_internal::BlurDecimateAvx2(in, *scratch_, grid);
      break;
    case SimdLevel::kScalar:
      pdq_internal::BlurDecimateScalar(in, *scratch_, grid);
      break;
  }
  return Status::Ok();
}

Result<std::array<float, 64 * 64>> PdqHasher::Grid64(const PdqImageView& image) {
  std::array<float, 64 * 64> grid{};
  bool too_small = false;
  TANTALIO_RETURN_IF_ERROR(ComputeGrid(image, grid.data(), &too_small));
  return grid;
}

Result<PdqDctBlock> PdqHasher::DctBlock(const PdqImageView& image, int* quality) {
  std::array<float, 64 * 64> grid;
  bool too_small = false;
  TANTALIO_RETURN_IF_ERROR(ComputeGrid(image, grid.data(), &too_small));
  if (too_small) {
    if (quality != nullptr) *quality = 0;
    return PdqDctBlock{};
  }
  if (quality != nullptr) *quality = Quality(grid.data());
  return ComputeDct(grid.data());
}

Result<PdqResult> PdqHasher::Hash(const PdqImageView& image) {
  int quality = 0;
  TANTALIO_ASSIGN_OR_RETURN(const PdqDctBlock block, DctBlock(image, &quality));
  PdqResult result;
  result.quality = quality;
  if (image.width >= kMinSide && image.height >= kMinSide) result.hash = PdqHashFromDct(block);
  return result;
}

Result<PdqDihedralResult> PdqHasher::HashDihedral(const PdqImageView& image) {
  int quality = 0;
  TANTALIO_ASSIGN_OR_RETURN(const PdqDctBlock block, DctBlock(image, &quality));
  PdqDihedralResult result;
  result.quality = quality;
  if (image.width >= kMinSide && image.height >= kMinSide) {
    for (int v = 0; v < kPdqVariantCount; ++v) {
      result.hashes[v] = PdqHashFromDct(PdqTransformDct(block, static_cast<PdqVariant>(v)));
    }
  }
  return result;
}

Result<PdqResult> ComputePdq(const PdqImageView& image) {
  thread_local PdqHasher hasher;
  return hasher.Hash(image);
}

Result<PdqDihedralResult> ComputePdqDihedral(const PdqImageView& image) {
  thread_local PdqHasher hasher;
  return hasher.HashDihedral(image);
}

}  // namespace tantalio
