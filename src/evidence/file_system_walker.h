// Walks the file systems inside a disk image through The Sleuth Kit: the
// volume system (MBR, GPT, ...) when there is one, else the whole image as
// one file system; every file and folder, allocated, deleted and orphan.
//
// Damage in one volume (a corrupt file system, a partition past the end of
// the image, an encrypted volume) is reported as an FsProblem and the walk
// goes on with the next volume.
#ifndef TANTALIO_EVIDENCE_FILE_SYSTEM_WALKER_H_
#define TANTALIO_EVIDENCE_FILE_SYSTEM_WALKER_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>

#include "base/status.h"
#include "evidence/byte_source.h"

namespace tantalio {

struct FsEntry {
  enum Allocation { kAllocated, kDeleted, kOrphan };

  // "p1/FAT16/DCIM/a.jpg" inside a volume system, "FAT16/DCIM/a.jpg" without
  // one; an NTFS alternate data stream appends ":name".
  std::string path;
  std::string fs_type;  // "FAT16", "EXT4", "NTFS", ... (TSK's name, upper case)
  uint64_t inode = 0;   // inode, MFT entry or TSK's FAT directory-entry address
  uint64_t size = 0;    // bytes of content (of the stream for an ADS)
  std::optional<int64_t> mtime, atime, ctime, crtime;  // Unix seconds, when recorded
  Allocation allocation = kAllocated;
  bool is_directory = false;
  std::string stream;  // NTFS alternate data stream name, "" for the main data
};

// Streams the content of the entry being visited. Valid only during the
// visit call; not thread-safe. Deleted files are read as TSK recovers them
// (may fail or give reused clusters once overwritten).
class FsEntryReader {
 public:
  virtual ~FsEntryReader() = default;
  virtual uint64_t Size() const = 0;
  // Reads up to out.size() bytes at `offset` of the content; 0 at the end.
  virtual Result<size_t> ReadAt(uint64_t offset, std::span<uint8_t> out) = 0;
};

struct FsProblem {
  std::string volume;      // "p2", or "" for the whole image
  std::string encryption;  // "BitLocker", "LUKS", or "" when not encrypted
  Status status;           // what went wrong (kUnsupported for encrypted volumes)
};

// Returns false to stop the walk.
using FsVisitor = std::function<bool(const FsEntry&, FsEntryReader&)>;
using FsProblemSink = std::function<void(const FsProblem&)>;

// Walks every file system in `image` (a DiskImage or any byte source),
// calling `visit` for each file, folder and stream, and `problem` for each
// volume that could not be read. Returns an error only when nothing at all
// could be walked (no volume system and no file system recognised); a walk
// stopped by the visitor returns OK. Memory stays bounded: content is read
// only through the FsEntryReader.
Status WalkFileSystems(const RandomAccessSource& image, const FsVisitor& visit,
                       const FsProblemSink& problem);

// Space of an image that no file holds, for carving.
struct UnallocatedRange {
  // The path prefix as in FsEntry.path: "p1/FAT16", "FAT16" (no volume system), "p2" (a
  // partition without a recognised file system), "unpartitioned" (space of the volume system
  // outside any partition), "" (the whole image: neither volume system nor file system).
  std::string volume;
  uint64_t offset = 0;  // absolute byte offset in the image
  uint64_t length = 0;
};

// Calls `visit` for the unallocated space of `image`: in each recognised file system, its
// unallocated blocks (adjacent blocks merged into one range); space outside any partition
// (TSK's unallocated volume-system entries); partitions whose file system is not recognised
// and not encrypted (whole partition); with neither volume system nor file system, the whole
// image. Encrypted volumes are reported through `problem` like WalkFileSystems does, not as
// ranges. Ranges come in offset order per volume. Returns an error only when nothing could be
// examined. `visit` returning false stops.
//
// Ranges are clamped to the image (and to their partition). Partitions past the end of the
// image are reported through `problem` as by WalkFileSystems; a partition without a recognised
// file system is a range, not a problem. Only block addresses are read (TSK's allocation
// bitmaps/FAT), never block contents.
Status ForEachUnallocatedRange(const RandomAccessSource& image,
                               const std::function<bool(const UnallocatedRange&)>& visit,
                               const FsProblemSink& problem);

}  // namespace tantalio

#endif  // TANTALIO_EVIDENCE_FILE_SYSTEM_WALKER_H_
