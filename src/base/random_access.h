// Random access to an immutable byte range: a file opened read-only, or bytes
// in memory. Evidence sources (evidence/byte_source.h), disk images and the
// media decoders all read through this one interface.
#ifndef TANTALIO_BASE_RANDOM_ACCESS_H_
#define TANTALIO_BASE_RANDOM_ACCESS_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "base/status.h"

namespace tantalio {

// ReadAt is thread-compatible (concurrent calls are safe on the file-backed
// and memory implementations).
class RandomAccessSource {
 public:
  virtual ~RandomAccessSource() = default;
  virtual uint64_t Size() const = 0;
  // Reads up to out.size() bytes at `offset`; returns how many were read
  // (0 at or past the end). A short read before the end is retried inside.
  virtual Result<size_t> ReadAt(uint64_t offset, std::span<uint8_t> out) const = 0;
};

// Opens a regular file read-only, without following a final symlink, and
// with O_NOATIME where the OS allows it (so access times stay unchanged).
// Reads stop at the size the file had when opened.
Result<std::unique_ptr<RandomAccessSource>> OpenReadOnlyFile(const std::string& path);

// Reads `size` bytes of an open descriptor, which the source owns and closes
// (`name` is for messages).
std::unique_ptr<RandomAccessSource> DescriptorSource(int fd, uint64_t size, std::string name);

// Bytes held in memory, owned by the source.
std::unique_ptr<RandomAccessSource> MemorySource(std::vector<uint8_t> bytes);

// Borrowed views: `bytes` or `source` must outlive the view.
std::unique_ptr<RandomAccessSource> BorrowedMemory(std::span<const uint8_t> bytes);
std::unique_ptr<RandomAccessSource> BorrowedSource(const RandomAccessSource& source);

}  // namespace tantalio

#endif  // TANTALIO_BASE_RANDOM_ACCESS_H_
