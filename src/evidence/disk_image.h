// Forensic disk images: raw (`.dd`, `.img`, `.raw`, any file), split raw
// (`x.001`, `x.002`, ...) and EWF (E01/Ex01/S01 through libewf), exposed as
// one RandomAccessSource over the media bytes, with the acquisition metadata
// and the hashes stored in the image.
//
// Every segment is opened read-only through OpenEvidenceFile (O_NOFOLLOW,
// O_NOATIME where allowed, so access times stay as they were); libewf reads
// EWF segments through a libbfio pool of such files, never opening them itself.
#ifndef TANTALIO_EVIDENCE_DISK_IMAGE_H_
#define TANTALIO_EVIDENCE_DISK_IMAGE_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "evidence/byte_source.h"

namespace tantalio {

// A run of media bytes (whole sectors).
struct MediaRun {
  uint64_t offset = 0;
  uint64_t length = 0;
};

struct DiskImageInfo {
  std::string format;                 // "raw", "split raw", "ewf"
  uint64_t size = 0;                  // media size in bytes
  std::vector<std::string> segments;  // every file of the image, in order
  // Acquisition metadata (EWF header values; empty for raw images).
  std::string examiner, case_number, evidence_number, description, notes, acquired_at,
      acquisition_software;
  // Hashes stored in the image: lower-case hex, "" when absent.
  std::string stored_md5, stored_sha1;
  // Sectors the acquiring tool could not read (EWF error2 section): their
  // bytes in the image are filler, not evidence.
  std::vector<MediaRun> acquisition_errors;
};

// An opened disk image. ReadAt is safe for concurrent calls (raw segments use
// pread; the libewf handle is guarded by a mutex, so EWF reads serialise).
class DiskImage : public RandomAccessSource {
 public:
  const DiskImageInfo& info() const { return info_; }
  uint64_t Size() const override { return info_.size; }
  // Chunks read so far whose stored checksum did not match their data (EWF;
  // always empty for raw images, which store no checksums). Their bytes are
  // returned as stored, so the media hash shows the damage too.
  virtual std::vector<MediaRun> ChecksumErrors() const { return {}; }

 protected:
  explicit DiskImage(DiskImageInfo info) : info_(std::move(info)) {}

 private:
  DiskImageInfo info_;
};

// Opens the image whose first (or only) file is `path`. EWF is recognised by
// its signature and its further segments are found from the first one; a file
// named `*.001` is the first of a split raw set; anything else is raw.
// Errors: a missing segment (kNotFound, naming it), a logical evidence file
// (L01, kUnsupported), or libewf's own message (kCorrupt / kIoError).
Result<std::unique_ptr<DiskImage>> OpenDiskImage(const std::string& path);

enum class DiskImageKind {
  kNotAnImage,  // neither the name nor the content says disk image
  kRaw,         // .dd .img .raw .bin .iso .dmg ...
  kSplitRaw,    // .001 (first segment of a split raw set)
  kEwf,         // E01 / Ex01 / S01 (EVF or EVF2 signature)
  kLogicalEwf,  // L01 / Lx01: logical evidence files, not supported
};

// True for names that conventionally hold disk images (.dd .img .raw .001
// .E01 .Ex01 .S01 .L01 ..., case-insensitive).
bool LooksLikeDiskImageName(std::string_view name);

// How many bytes of a file DetectDiskImage needs to see every signature.
inline constexpr size_t kDiskImageHeadBytes = 4096;

// Decides from the first bytes of the file (up to kDiskImageHeadBytes) and
// its name. The content wins: an EWF signature makes kEwf whatever the name.
// A file of another name is kRaw when its content starts like a disk or a
// volume: a GPT header, a plausible MBR partition table, or the boot sector
// or superblock of NTFS, exFAT, FAT or ext2/3/4.
DiskImageKind DetectDiskImage(std::string_view name, std::span<const uint8_t> head);

// True for a later file of a multi-file image: an EWF segment whose header
// says segment 2 or more (E02, EAA, Ex02, ...), or `x.002`, `x.003`, ...
// beside an `x.001`. Such a file is read through its first segment; on its
// own it is hashed as a plain file. `head` is the file's first 16 bytes (or
// fewer when it is shorter).
bool IsLaterImageSegment(const std::string& fs_path, std::span<const uint8_t> head);

struct ImageVerification {
  std::string md5, sha1;  // computed over the media, lower-case hex
  bool md5_matches = false;
  bool sha1_matches = false;
  bool has_stored = false;                // the image stores at least one hash
  std::vector<MediaRun> checksum_errors;  // chunks that failed their stored checksum
};

// Streams the whole media through MD5 and SHA-1 in bounded memory and
// compares with the stored hashes. A read error (corrupt chunk, truncated
// segment) is returned as an error Status; `cancel` set gives kCancelled.
Result<ImageVerification> VerifyDiskImage(const DiskImage& image,
                                          const std::atomic<bool>* cancel = nullptr);

}  // namespace tantalio

#endif  // TANTALIO_EVIDENCE_DISK_IMAGE_H_
