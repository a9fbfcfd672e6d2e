// Fingerprints of one file on disk, without a store: one streaming read for
// MD5, SHA-1, SHA-256 and the type by content. Constant memory.
#ifndef TANTALIO_PIPELINE_FILE_FINGERPRINT_H_
#define TANTALIO_PIPELINE_FILE_FINGERPRINT_H_

#include <string>

#include "base/status.h"
#include "fingerprint/crypto_digest.h"

namespace tantalio {

struct FileFingerprint {
  uint64_t size = 0;
  std::string mime;
  CryptoDigests digests;
};

Result<FileFingerprint> FingerprintFile(const std::string& path);

}  // namespace tantalio

#endif  // TANTALIO_PIPELINE_FILE_FINGERPRINT_H_
