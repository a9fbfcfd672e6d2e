#include "pipeline/file_fingerprint.h"

#include <memory>
#include <vector>

#include "evidence/byte_source.h"
#include "evidence/file_type.h"

namespace tantalio {

Result<FileFingerprint> FingerprintFile(const std::string& path, ImageAnalyzer* images,
                                        uint64_t image_max_bytes) {
  TANTALIO_ASSIGN_OR_RETURN(auto source, OpenEvidenceFile(path));
  constexpr size_t kChunk = size_t{1} << 20;
  auto storage = std::make_unique_for_overwrite<uint8_t[]>(kChunk);  // no memset per file
  std::span<uint8_t> buffer(storage.get(), kChunk);
  CryptoHasher hasher;
  FileFingerprint out;
  FileType type = SniffType({});
  const bool may_keep = images != nullptr && source->Size() <= image_max_bytes;
  std::vector<uint8_t> kept;
  uint64_t offset = 0;
  while (true) {
    TANTALIO_ASSIGN_OR_RETURN(size_t n, source->ReadAt(offset, buffer));
    if (n == 0) break;
    std::span<const uint8_t> chunk(buffer.data(), n);
    if (offset == 0) type = SniffType(chunk);
    if (may_keep && type.family == TypeFamily::kImage)
      kept.insert(kept.end(), chunk.begin(), chunk.end());
    hasher.Update(chunk);
    offset += n;
  }
  out.mime = std::string(type.mime);
  out.size = offset;
  out.digests = hasher.Finish();
  if (images != nullptr && !kept.empty()) out.image = images->Analyze(kept);
  return out;
}

}  // namespace tantalio
