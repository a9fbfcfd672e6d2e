// Writing hash sets and case exports, streaming: one record at a time to an
// std::ostream, so a set of any size is written in constant memory.
//
//   auto writer = formats::NewHashSetWriter(formats::HashSetFormat::kVics, out, header);
//   for (...) TANTALIO_RETURN_IF_ERROR((*writer)->Write(entry));
//   TANTALIO_RETURN_IF_ERROR((*writer)->Finish());
//
// Every field an entry holds is written in a form the matching importer reads
// back, so export then import gives equal entries (the round-trip tests prove
// it). Fields a format cannot carry are listed per writer below.
#ifndef TANTALIO_FORMATS_HASH_SET_EXPORT_H_
#define TANTALIO_FORMATS_HASH_SET_EXPORT_H_

#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "base/status.h"
#include "formats/hash_set_entry.h"
#include "formats/hash_set_import.h"

namespace tantalio::formats {

struct ExportHeader {
  std::string set_name;
  std::string agency;
  std::string tool_version;  // e.g. "tantalio 0.1.0"
};

class HashSetWriter {
 public:
  virtual ~HashSetWriter() = default;
  // Writes one entry. kInvalidArgument when the entry has nothing this format
  // can hold (a hashdeep line needs MD5, SHA-1 or SHA-256; a PDQ line needs
  // PDQ and refuses a video frame; a vPDQ line needs a video frame).
  virtual Status Write(const HashSetEntry& entry) = 0;
  // Closes the document (the JSON array, ...) and flushes; reports a write
  // failure of the stream. Call once, after the last Write.
  virtual Status Finish() = 0;
};

// Formats:
//   kVics      VICS 2.0 hash set ("Default/$metadata#Media"). Every field; SHA-256,
//              PDQ, PDQ quality and the source's category value travel as the
//              vendor keys "SHA256", "PDQ", "PDQQuality", "SourceCategory".
//              Video frames and audio-only entries are refused (VICS has no
//              key for a frame's time or an audio fingerprint).
//   kHashdeep  hashdeep 1.0 with size,md5,sha1,sha256,filename columns. Only
//              hashes, size and name.
//   kCsv       a header row with every field, named as in HashSetEntry
//              (media_time and chromaprint last).
//   kPdq       hash,quality,label lines. Only PDQ, quality and name (label);
//              video frames are refused (they need kVpdq).
//   kVpdq      a "video_id,time,quality,hash" header, then one such line per
//              video frame (time with 3 decimals). Only video id (source_ref),
//              time, quality and PDQ; entries that are not video frames are
//              refused.
//   kHashList  one hash per line (the strongest present: SHA-256, SHA-1, MD5).
// hashdeep and hash lists refuse an entry without MD5, SHA-1 and SHA-256 (a
// PDQ hash or an audio fingerprint alone). VICS has no key for a video
// frame's time or an audio fingerprint (formats.md names none): it drops
// both.
// kAuto and kNsrl are refused with kUnsupported.
Result<std::unique_ptr<HashSetWriter>> NewHashSetWriter(HashSetFormat format, std::ostream& out,
                                                        const ExportHeader& header);

// A VICS 2.0 case export ("US/$metadata#Cases"): one Case with its Media and,
// per Media, its MediaFiles.
struct VicsCase {
  std::string case_id;  // GUID in braces
  std::string case_number;
  std::string contact_name, contact_organization;
  std::string source_application_name, source_application_version;
};

struct VicsMediaFile {
  std::string md5;
  std::string file_name;
  std::string file_path;  // folder, Windows separators, ending in '\'
  std::string source_id;  // the exhibit (device label)
  std::optional<std::string> created, written, accessed;  // ISO 8601 UTC with Z
  bool deleted = false;
  bool unallocated = false;
  std::optional<int64_t> physical_location;
  std::string parent_md5, parent_file_name, parent_file_path;  // container (archive)
};

struct VicsMedia {
  int64_t media_id = 0;
  HashSetEntry entry;              // hashes, category and flags
  std::string relative_file_path;  // "Files\\ab\\cd\\<md5>.jpg", "" when files are not exported
  std::vector<VicsMediaFile> files;
};

class VicsCaseWriter {
 public:
  // Writes the document head with the case fields.
  static Result<std::unique_ptr<VicsCaseWriter>> Start(std::ostream& out, const VicsCase& info);
  virtual ~VicsCaseWriter() = default;
  virtual Status Write(const VicsMedia& media) = 0;
  // Closes the Media array, the case and the document; flushes.
  virtual Status Finish() = 0;
};

}  // namespace tantalio::formats

#endif  // TANTALIO_FORMATS_HASH_SET_EXPORT_H_
