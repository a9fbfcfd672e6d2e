// Everything Tantalio learns from an encoded image in memory: its metadata
// (exiv2) and its PDQ hash with all 8 orientation variants (decoded pixels,
// EXIF orientation not applied, as the reference does).
#ifndef TANTALIO_PIPELINE_IMAGE_ANALYSIS_H_
#define TANTALIO_PIPELINE_IMAGE_ANALYSIS_H_

#include <condition_variable>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "fingerprint/pdq.h"
#include "media/image_decoder.h"
#include "media/image_metadata.h"

namespace tantalio {

struct ImageAnalysis {
  std::optional<ImageMetadata> metadata;
  std::optional<PdqDihedralResult> pdq;
  bool partial = false;  // the pixels decoded only in part; `warning` says why
  std::string warning;
  // Failures worth an error row: stage ("metadata", "decode", "pdq") and why.
  std::vector<std::pair<std::string, Status>> problems;
};

// Bounds the pixels being decoded at once across all threads, so that two
// workers meeting two 200-megapixel images cannot push the process past its
// memory budget: a decode waits until its pixels fit. A request larger than
// the whole budget waits until it runs alone. Thread-safe.
class PixelBudget {
 public:
  explicit PixelBudget(uint64_t capacity) : capacity_(capacity) {}
  // Blocks until `pixels` (capped at the capacity) fit; returns what was taken.
  uint64_t Acquire(uint64_t pixels);
  void Release(uint64_t taken);

  // The process-wide budget: 128 megapixels (384 MB of RGB) in flight.
  static PixelBudget& Global();

 private:
  const uint64_t capacity_;
  uint64_t in_use_ = 0;
  std::mutex mutex_;
  std::condition_variable freed_;
};

// One per thread: holds the PDQ scratch buffers.
class ImageAnalyzer {
 public:
  // Decodes take their pixels from `budget` (the process-wide one by default).
  explicit ImageAnalyzer(DecodeOptions options = {}, PixelBudget* budget = &PixelBudget::Global())
      : options_(std::move(options)), budget_(budget) {}

  ImageAnalysis Analyze(std::span<const uint8_t> encoded);

  // The decoders that produce the pixels, recorded with every PDQ value.
  static const std::string& Producer();

 private:
  DecodeOptions options_;
  PixelBudget* budget_;
  PdqHasher hasher_;
};

}  // namespace tantalio

#endif  // TANTALIO_PIPELINE_IMAGE_ANALYSIS_H_
