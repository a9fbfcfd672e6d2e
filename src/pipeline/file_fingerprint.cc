#include "pipeline/file_fingerprint.h"

#include <memory>

#include "evidence/byte_source.h"
#include "evidence/file_type.h"

namespace tantalio {

Result<FileFingerprint> FingerprintFile(const std::string& path) {
  TANTALIO_ASSIGN_OR_RETURN(auto source, OpenEvidenceFile(path));
  constexpr size_t kChunk = size_t{1} << 20;
  auto storage = std::make_unique_for_overwrite<uint8_t[]>(kChunk);  // no memset per file
  std::span<uint8_t> buffer(storage.get(), kChunk);
  CryptoHasher hasher;
  FileFingerprint out;
  uint64_t offset = 0;
  while (true) {
    TANTALIO_ASSIGN_OR_RETURN(size_t n, source->ReadAt(offset, buffer));
    if (n == 0) break;
    if (offset == 0)
      out.mime = std::string(SniffType(std::span<const uint8_t>(buffer.data(), n)).mime);
    hasher.Update(std::span<const uint8_t>(buffer.data(), n));
    offset += n;
  }
  if (offset == 0) out.mime = std::string(SniffType({}).mime);
  out.size = offset;
  out.digests = hasher.Finish();
  return out;
}

}  // namespace tantalio
