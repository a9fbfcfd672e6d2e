// A straight, unoptimised PDQ core in the reference's structure (full-size
// buffers, one column at a time with a stride for the vertical passes), used
// only as the same-machine baseline in pdq_bench. Written from the spec
// (../shared/specs/pdq.md §2), not copied from the reference.
#ifndef TANTALIO_BENCH_PDQ_REFERENCE_PDQ_H_
#define TANTALIO_BENCH_PDQ_REFERENCE_PDQ_H_

#include <cstdint>
#include <string>

namespace tantalio::bench {

// Returns the 64-hex-digit hash of packed RGB pixels; *quality gets 0..100.
std::string ReferenceStylePdq(const uint8_t* rgb, int width, int height, int* quality);

}  // namespace tantalio::bench

#endif  // TANTALIO_BENCH_PDQ_REFERENCE_PDQ_H_
