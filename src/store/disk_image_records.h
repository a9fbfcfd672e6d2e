// Forensic disk images as the store keeps them: what the image says of
// itself (acquisition metadata, stored hashes), what reading it found
// (computed hashes, integrity), and what was inside it.
#ifndef TANTALIO_STORE_DISK_IMAGE_RECORDS_H_
#define TANTALIO_STORE_DISK_IMAGE_RECORDS_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace tantalio {

// Integrity values, as stored.
inline constexpr char kIntegrityVerified[] = "verified";  // every stored hash equals the data read
inline constexpr char kIntegrityMismatch[] = "MISMATCH";  // a stored hash differs from the data
inline constexpr char kIntegrityNoStoredHash[] = "no stored hash";  // computed, nothing to compare
inline constexpr char kIntegrityUnreadable[] = "unreadable";   // the media could not be read whole
inline constexpr char kIntegrityNotChecked[] = "not checked";  // scan interrupted or opted out

// True for the integrity values an investigator must be told about loudly.
inline bool IntegrityFailed(std::string_view integrity) {
  return integrity == kIntegrityMismatch || integrity == kIntegrityUnreadable;
}

// File allocation values inside disk images, as stored in FileRecord::allocation.
inline constexpr char kAllocationAllocated[] = "allocated";
inline constexpr char kAllocationDeleted[] = "deleted";  // name deleted, content recovered by TSK
inline constexpr char kAllocationOrphan[] = "orphan";    // metadata without a name
inline constexpr char kAllocationCarved[] = "carved";    // found in unallocated space by structure

struct DiskImageRecord {
  std::string forensic_path;  // the image's first file, e.g. "laptop/laptop.E01"
  std::string format;         // "ewf", "raw", "split raw"
  uint64_t media_size = 0;    // bytes of the acquired media
  std::string segments;       // the image's files (base names), one per line
  // Acquisition metadata recorded in the image (EWF header; empty for raw).
  std::string examiner, case_number, evidence_number, description, notes, acquired_at,
      acquisition_software;
  std::string stored_md5, stored_sha1;      // lower-case hex, "" when the image stores none
  std::string computed_md5, computed_sha1;  // over the media as read now
  std::string integrity;                    // one of kIntegrity*
  std::string integrity_detail;             // what was compared, or why it could not be
  std::string volumes;  // "p1 FAT16; p2 NTFS; p3 LUKS (encrypted)": what the walk found
  uint64_t files = 0, deleted = 0, orphans = 0, carved = 0;
};

// A disk image as listed by `tantalio images`.
struct DiskImageRow {
  std::string device;
  DiskImageRecord image;
  std::string recorded_at;  // UTC, when the scan stored it
};

}  // namespace tantalio

#endif  // TANTALIO_STORE_DISK_IMAGE_RECORDS_H_
