// Read-only access to evidence bytes: files on disk, memory (the
// RandomAccessSource of base/random_access.h), and spools.
//
// Evidence is opened read-only, without following a final symlink, and with
// O_NOATIME where the OS allows it, so that access times stay unchanged.
#ifndef TANTALIO_EVIDENCE_BYTE_SOURCE_H_
#define TANTALIO_EVIDENCE_BYTE_SOURCE_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "base/random_access.h"
#include "base/status.h"

namespace tantalio {

// Opens a regular evidence file read-only (O_NOFOLLOW, O_NOATIME if allowed):
// OpenReadOnlyFile under the name the evidence code reads by.
inline Result<std::unique_ptr<RandomAccessSource>> OpenEvidenceFile(const std::string& path) {
  return OpenReadOnlyFile(path);
}

// Collects a stream of unknown length for random access later: in memory up
// to `memory_limit` bytes, then in an anonymous temporary file (O_TMPFILE in
// $TMPDIR, never beside the evidence; it vanishes when closed).
class Spool {
 public:
  explicit Spool(size_t memory_limit);
  ~Spool();
  Spool(const Spool&) = delete;
  Spool& operator=(const Spool&) = delete;

  Status Append(std::span<const uint8_t> bytes);
  uint64_t size() const { return size_; }
  // Hands the collected bytes over as a source; the spool is empty after.
  Result<std::unique_ptr<RandomAccessSource>> Finish();

 private:
  size_t memory_limit_;
  std::vector<uint8_t> memory_;
  int fd_ = -1;
  uint64_t size_ = 0;
};

}  // namespace tantalio

#endif  // TANTALIO_EVIDENCE_BYTE_SOURCE_H_
