// Reads the entries of an archive through libarchive: zip, tar (plain, gz,
// bz2, xz, zstd), 7z, rar (as far as libarchive reads it), and single-file
// gz/bz2/xz/zstd streams (one entry named "data").
//
// Entry names are data only: they are recorded, never used to write
// anything anywhere. Encrypted entries are reported as such, not dropped.
#ifndef TANTALIO_EVIDENCE_ARCHIVE_READER_H_
#define TANTALIO_EVIDENCE_ARCHIVE_READER_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "base/status.h"
#include "evidence/byte_source.h"
#include "evidence/directory_cursor.h"

namespace tantalio {

struct ArchiveEntry {
  std::string name;  // exact bytes as stored in the archive
  ItemKind kind = ItemKind::kFile;
  std::optional<uint64_t> size;  // declared size, when the format records it
  std::optional<int64_t> mtime;
  bool encrypted = false;
  std::string link_target;
};

class ArchiveReader {
 public:
  // Opens `source` (which must outlive the reader) as an archive. `label`
  // names it in error messages. Fails with kCorrupt when libarchive cannot
  // recognise or open it.
  static Result<std::unique_ptr<ArchiveReader>> Open(const RandomAccessSource& source,
                                                     std::string label);
  virtual ~ArchiveReader() = default;

  // Moves to the next entry. Returns nullopt at the end; an error when the
  // archive is corrupt or truncated (entries already returned stay valid).
  virtual Result<std::optional<ArchiveEntry>> Next() = 0;

  // Reads the current entry's data; 0 means the end of the entry. Requires a
  // file entry that is not encrypted.
  virtual Result<size_t> ReadData(std::span<uint8_t> out) = 0;

  // The archive format libarchive detected, e.g. "ZIP 2.0 (deflation)".
  virtual std::string FormatName() const = 0;
};

}  // namespace tantalio

#endif  // TANTALIO_EVIDENCE_ARCHIVE_READER_H_
