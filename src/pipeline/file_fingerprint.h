// Fingerprints of one file on disk, without a store: one streaming read for
// MD5, SHA-1, SHA-256 and the type by content; images are also decoded for
// PDQ (all 8 orientations). Memory is constant for non-images.
#ifndef TANTALIO_PIPELINE_FILE_FINGERPRINT_H_
#define TANTALIO_PIPELINE_FILE_FINGERPRINT_H_

#include <optional>
#include <string>

#include "base/status.h"
#include "fingerprint/crypto_digest.h"
#include "pipeline/image_analysis.h"

namespace tantalio {

struct FileFingerprint {
  uint64_t size = 0;
  std::string mime;
  CryptoDigests digests;
  // Images only (up to `image_max_bytes`): PDQ, metadata, decode problems.
  std::optional<ImageAnalysis> image;
};

// `images` (may be null: no image analysis) is used for image files no larger
// than `image_max_bytes`.
Result<FileFingerprint> FingerprintFile(const std::string& path, ImageAnalyzer* images,
                                        uint64_t image_max_bytes = uint64_t{128} << 20);

}  // namespace tantalio

#endif  // TANTALIO_PIPELINE_FILE_FINGERPRINT_H_
