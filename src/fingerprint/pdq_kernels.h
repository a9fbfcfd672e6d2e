// Internal to PDQ: the per-SIMD-level kernels that filter and decimate an
// image to the 64x64 luma grid (spec §2.1, §2.3, §2.4). Not a public API.
//
// Every level computes exactly the same float operations in the same order
// for each row and column; SIMD lanes hold independent rows or columns. Each
// kernel is compiled for its instruction set with a target pragma in its own
// file (pdq_kernels_{scalar,avx2,avx512}.cc) from pdq_kernels_inl.h.
#ifndef TANTALIO_FINGERPRINT_PDQ_KERNELS_H_
#define TANTALIO_FINGERPRINT_PDQ_KERNELS_H_

#include <cstddef>
#include <cstdint>

namespace tantalio::pdq_internal {

// Scratch memory for the kernels, owned by PdqHasher and reused between
// calls. Get() returns `count` floats, 64-byte aligned, valid until the next
// Get() of the same slot; contents are unspecified.
class KernelArena {
 public:
  virtual ~KernelArena() = default;
  virtual float* Get(int slot, size_t count) = 0;
};

struct KernelInput {
  const uint8_t* pixels;
  int width;          // >= 5
  int height;         // >= 5
  int channels;       // 1 or 3
  size_t row_stride;  // bytes
};

// Writes the 64x64 grid (row-major) of the filtered, decimated luma.
void BlurDecimateScalar(const KernelInput& in, KernelArena& arena, float* grid);
void BlurDecimateAvx2(const KernelInput& in, KernelArena& arena, float* grid);
void BlurDecimateAvx512(const KernelInput& in, KernelArena& arena, float* grid);

}  // namespace tantalio::pdq_internal

#endif  // TANTALIO_FINGERPRINT_PDQ_KERNELS_H_
