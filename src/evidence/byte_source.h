// Read-only access to evidence bytes: files on disk, memory, and spools.
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

#include "base/status.h"

namespace tantalio {

// Random access to an immutable byte range. ReadAt is thread-compatible
// (concurrent calls are safe on the file-backed implementations).
class RandomAccessSource {
 public:
  virtual ~RandomAccessSource() = default;
  virtual uint64_t Size() const = 0;
  // Reads up to out.size() bytes at `offset`; returns how many were read
  // (0 at or past the end). A short read before the end is retried inside.
  virtual Result<size_t> ReadAt(uint64_t offset, std::span<uint8_t> out) const = 0;
};

// Opens a regular evidence file read-only (O_NOFOLLOW, O_NOATIME if allowed).
Result<std::unique_ptr<RandomAccessSource>> OpenEvidenceFile(const std::string& path);

// Bytes held in memory (a nested archive small enough to spool in RAM).
std::unique_ptr<RandomAccessSource> MemorySource(std::vector<uint8_t> bytes);

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
