#include "pipeline/disk_image_integrity.h"

#include "base/forensic_path.h"

namespace tantalio {

DiskImageRecord DescribeDiskImage(const DiskImageInfo& info, const std::string& forensic_path) {
  DiskImageRecord d;
  d.forensic_path = forensic_path;
  d.format = info.format;
  d.media_size = info.size;
  for (const std::string& segment : info.segments) {
    if (!d.segments.empty()) d.segments += '\n';
    d.segments += BaseName(segment);
  }
  d.examiner = info.examiner;
  d.case_number = info.case_number;
  d.evidence_number = info.evidence_number;
  d.description = info.description;
  d.notes = info.notes;
  d.acquired_at = info.acquired_at;
  d.acquisition_software = info.acquisition_software;
  d.stored_md5 = info.stored_md5;
  d.stored_sha1 = info.stored_sha1;
  if (!info.acquisition_errors.empty()) {
    d.notes += std::string(d.notes.empty() ? "" : "\n") + "the acquisition recorded " +
               std::to_string(info.acquisition_errors.size()) +
               " unreadable sector run(s), the first at media byte " +
               std::to_string(info.acquisition_errors.front().offset) +
               ": those bytes are filler, not evidence";
  }
  return d;
}

Status JudgeIntegrity(DiskImageRecord& d, const Result<ImageVerification>& verified) {
  if (!verified.ok()) {
    const bool cancelled = verified.status().code() == StatusCode::kCancelled;
    d.integrity = cancelled ? kIntegrityNotChecked : kIntegrityUnreadable;
    d.integrity_detail = verified.status().message();
    if (cancelled) return Status::Ok();
    return verified.status().WithContext(
        "the media could not be read whole, so the acquisition hashes could not be checked");
  }
  d.computed_md5 = verified->md5;
  d.computed_sha1 = verified->sha1;
  std::string compared, differs;
  auto add = [](std::string& list, const char* separator, const std::string& item) {
    list += (list.empty() ? "" : separator) + item;
  };
  auto compare = [&](const char* name, const std::string& stored, const std::string& computed) {
    if (stored.empty()) return;
    add(compared, " and ", name);
    if (stored != computed) {
      add(differs, "; ", std::string(name) + " stored " + stored + ", computed " + computed);
    }
  };
  compare("MD5", d.stored_md5, d.computed_md5);
  compare("SHA-1", d.stored_sha1, d.computed_sha1);
  if (!verified->checksum_errors.empty()) {
    const MediaRun& first = verified->checksum_errors.front();
    add(compared, " and ", "chunk checksums");
    add(differs, "; ",
        std::to_string(verified->checksum_errors.size()) +
            " chunk(s) failed their stored checksum, the first at media bytes " +
            std::to_string(first.offset) + " to " +
            std::to_string(first.offset + first.length - 1));
  }
  if (compared.empty()) {
    d.integrity = kIntegrityNoStoredHash;
    d.integrity_detail = "the image stores no hash; MD5 and SHA-1 computed over " +
                         std::to_string(d.media_size) + " bytes of media";
    return Status::Ok();
  }
  if (differs.empty()) {
    d.integrity = kIntegrityVerified;
    const bool several = compared.find(" and ") != std::string::npos;
    d.integrity_detail = "stored " + compared + (several ? " equal" : " equals") + " the data read";
    return Status::Ok();
  }
  d.integrity = kIntegrityMismatch;
  d.integrity_detail = differs;
  return CorruptError("the media read does not match the hash recorded at acquisition (" + differs +
                      "): the image is damaged or was altered");
}

}  // namespace tantalio
