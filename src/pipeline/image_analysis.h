// Everything Tantalio learns from an encoded image in memory: its metadata
// (exiv2) and its PDQ hash with all 8 orientation variants (decoded pixels,
// EXIF orientation not applied, as the reference does).
#ifndef TANTALIO_PIPELINE_IMAGE_ANALYSIS_H_
#define TANTALIO_PIPELINE_IMAGE_ANALYSIS_H_

#include <optional>
#include <span>
#include <string>
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

// One per thread: holds the PDQ scratch buffers.
class ImageAnalyzer {
 public:
  explicit ImageAnalyzer(DecodeOptions options = {}) : options_(options) {}

  ImageAnalysis Analyze(std::span<const uint8_t> encoded);

  // The decoders that produce the pixels, recorded with every PDQ value.
  static const std::string& Producer();

 private:
  DecodeOptions options_;
  PdqHasher hasher_;
};

}  // namespace tantalio

#endif  // TANTALIO_PIPELINE_IMAGE_ANALYSIS_H_
