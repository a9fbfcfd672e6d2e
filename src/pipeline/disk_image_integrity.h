// What a disk image says of itself, and whether the data read from it
// agrees: the acquisition hashes (MD5, SHA-1) and, for EWF, the checksum of
// every chunk, compared with what was read now.
#ifndef TANTALIO_PIPELINE_DISK_IMAGE_INTEGRITY_H_
#define TANTALIO_PIPELINE_DISK_IMAGE_INTEGRITY_H_

#include <string>

#include "base/status.h"
#include "evidence/disk_image.h"
#include "store/disk_image_records.h"

namespace tantalio {

// The image's format, segments and acquisition metadata as the store keeps
// them; sectors the acquisition could not read are noted in `notes`.
DiskImageRecord DescribeDiskImage(const DiskImageInfo& info, const std::string& forensic_path);

// Records `verified` (the media as read now) in `d`: computed hashes,
// `integrity` and its detail. Returns the error an investigator must see as
// an error row (a mismatch, damaged chunks, media that could not be read
// whole); OK when the image verified, stores no hash, or the check was
// cancelled (integrity "not checked").
Status JudgeIntegrity(DiskImageRecord& d, const Result<ImageVerification>& verified);

}  // namespace tantalio

#endif  // TANTALIO_PIPELINE_DISK_IMAGE_INTEGRITY_H_
