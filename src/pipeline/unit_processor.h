// Turns one top-level evidence item (a "unit": a file, link or special file
// found on the evidence root) into records: the file itself, and when it is an
// archive, every entry inside it, recursively. A forensic disk image is
// opened: every file of its file systems (allocated, deleted, orphan), the
// items carved from its unallocated space, and its integrity checked against
// the hashes stored at acquisition.
//
// For each regular file or archive entry, one streaming read computes MD5,
// SHA-1 and SHA-256, sniffs the type by content, and keeps the bytes only
// when they are needed: an image small enough for metadata, or a nested
// archive (spooled to memory or an anonymous temporary file). Failures on
// one item become error records; processing goes on with the next.
#ifndef TANTALIO_PIPELINE_UNIT_PROCESSOR_H_
#define TANTALIO_PIPELINE_UNIT_PROCESSOR_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "evidence/carver.h"
#include "evidence/directory_cursor.h"
#include "fingerprint/crypto_digest.h"
#include "pipeline/artifact_reader.h"
#include "pipeline/hash_set_matcher.h"
#include "pipeline/image_analysis.h"
#include "pipeline/media_analysis.h"
#include "store/records.h"

namespace tantalio {

struct ArchiveLimits {
  int max_depth = 8;  // archives nested deeper are recorded but not opened
  // A unit's archives may expand to at most this many bytes in total.
  uint64_t max_expanded_bytes = uint64_t{1} << 40;  // 1 TiB
  // Past `ratio_floor_bytes` of expansion, more than `max_ratio` bytes out per
  // byte of archive stops the unit as an archive bomb.
  uint64_t ratio_floor_bytes = uint64_t{256} << 20;
  uint64_t max_ratio = 200;
};

// Forensic disk images (raw, split raw, EWF) found among the evidence.
struct DiskImageOptions {
  // Read an image as volumes and file systems (false: hash it as a plain file).
  bool open = true;
  // Carve JPEG, PNG, GIF and MP4/MOV from the unallocated space of each image.
  bool carve = true;
  CarveOptions carving;
  // Threads that fingerprint the files read out of an image (0: one per core).
  int threads = 0;
};

struct ProcessorOptions {
  ArchiveLimits archive;
  // Images up to this size are kept in memory for metadata and PDQ; larger
  // ones are hashed and get an error row saying they were not decoded.
  uint64_t image_max_bytes = uint64_t{128} << 20;
  size_t spool_memory_bytes = size_t{16} << 20;  // nested archives above spill to a temp file
  size_t flush_records = 512;                    // emit a fragment every this many files
  // Chat databases and identifiers in text (see artifact_reader.h).
  ArtifactOptions artifacts;
  DiskImageOptions disk_images;
  // Video and audio fingerprints, metadata and thumbnails (media_analysis.h).
  MediaOptions media;
  // Files already stored by an interrupted scan, by unit (Store::UnfinishedUnits):
  // a resumed disk image skips them instead of reading them again. Null: none.
  // Not owned; must outlive the processor.
  const std::unordered_map<std::string, std::unordered_set<std::string>>* already_stored = nullptr;
  // Known-material hash sets to match every content against; null: none.
  // Not owned; must outlive the processor.
  const HashSetMatcher* matcher = nullptr;
};

// A piece of a unit's output, or several units' pieces merged. A unit's last
// piece lists it in `completed_units`; a unit interrupted by cancellation
// never appears there.
struct UnitOutput : ScanRecords {
  uint64_t bytes_read = 0;     // evidence bytes read for this piece (progress)
  uint64_t resumed_files = 0;  // files of a disk image stored by an earlier, interrupted run

  // Moves everything of `other` to the end of this output.
  void MergeFrom(UnitOutput&& other) {
    bytes_read += std::exchange(other.bytes_read, 0);
    resumed_files += std::exchange(other.resumed_files, 0);
    ScanRecords::MergeFrom(std::move(other));
  }
};

class UnitProcessor {
 public:
  using Emit = std::function<void(UnitOutput)>;

  // `cancel` (may be null) is polled between chunks; once set, the unit stops
  // and it never appears in completed_units.
  UnitProcessor(ProcessorOptions options, const std::atomic<bool>* cancel);

  // Processes `item`, calling `emit` one or more times. Thread-compatible:
  // use one UnitProcessor per worker thread.
  void Process(const DirectoryItem& item, const Emit& emit);

 private:
  friend class ContentPool;
  class Run;
  ProcessorOptions options_;
  const std::atomic<bool>* cancel_;
  std::vector<uint8_t> buffer_;  // the read buffer, reused for every unit
  std::unique_ptr<ImageAnalyzer> images_;
  std::unique_ptr<CryptoHasher> hasher_;
};

}  // namespace tantalio

#endif  // TANTALIO_PIPELINE_UNIT_PROCESSOR_H_
