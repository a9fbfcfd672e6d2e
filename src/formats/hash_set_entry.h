// One record of a known-material hash set, as every importer produces it and
// every exporter consumes it, whatever the exchange format.
//
// Values are normalised on import: hashes are lower-case hex, categories are
// in the project scheme (VICS 2.0 US) with the source's own value kept
// verbatim beside them. A field the source does not carry stays empty or
// nullopt; nothing is invented.
#ifndef TANTALIO_FORMATS_HASH_SET_ENTRY_H_
#define TANTALIO_FORMATS_HASH_SET_ENTRY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace tantalio::formats {

// Project categories (VICS 2.0 US profile). nullopt means uncategorised.
enum Category : int {
  kNonPertinent = 0,
  kChildAbuseMaterial = 1,  // CAM
  kExploitiveAgeDifficult = 2,
  kCgiAnimation = 3,
  kComparison = 4,
};
inline constexpr int kMaxCategory = 4;
// "non-pertinent", "CAM", "age-difficult/exploitive", "CGI/animation",
// "comparison"; "uncategorised" for nullopt.
std::string_view CategoryName(std::optional<int> category);

struct HashSetEntry {
  std::string md5;                 // 32 lower-case hex digits, or empty
  std::string sha1;                // 40
  std::string sha256;              // 64
  std::string pdq;                 // 64 lower-case hex digits (256-bit PDQ), or empty
  std::optional<int> pdq_quality;  // 0..100 when the source gives it
  std::string photodna;            // opaque (base64 as given); stored, never matched

  std::optional<int> category;  // project scheme 0..4; nullopt = uncategorised
  std::string category_source;  // the source's own value, verbatim ("" when absent)

  std::string series;
  std::optional<bool> victim_identified;
  std::optional<bool> offender_identified;
  std::optional<bool> distributed;
  std::string tags;  // comma list as the source wrote it
  std::string comments;

  std::string source_ref;       // the source's id for the record (VICS MediaID), "" when none
  std::optional<int64_t> size;  // bytes (VICS MediaSize, hashdeep/NSRL file size)
  std::string mime_type;
  std::string name;  // a name the source gives the item: file name, PDQ-list label
  // A frame of a known video (vPDQ): its time in seconds. The video is named
  // by source_ref; pdq and pdq_quality hold the frame's hash.
  std::optional<double> media_time;
  // A known recording's audio fingerprint: Chromaprint's compressed base64
  // form (as fpcalc prints it); the recording is named by source_ref.
  std::string chromaprint;

  bool HasHash() const {
    return !md5.empty() || !sha1.empty() || !sha256.empty() || !pdq.empty() || !chromaprint.empty();
  }
  bool IsVideoFrame() const { return media_time.has_value(); }
  bool operator==(const HashSetEntry&) const = default;
};

// Checks and normalises `entry` in place: hashes must be hex of the right
// length (any case on input; lower-cased here), the PDQ quality 0..100, the
// category 0..kMaxCategory, and at least one hash (MD5, SHA-1, SHA-256,
// PDQ or a Chromaprint fingerprint) must be present. PhotoDNA alone does not
// count: it cannot be matched. A video frame needs a PDQ hash, a finite time
// >= 0 and the video's id (source_ref); a Chromaprint fingerprint must be
// URL-safe base64 and name its recording. Returns kInvalidArgument naming the
// offending field and value.
Status NormaliseEntry(HashSetEntry& entry);

// True for the MD5, SHA-1 and SHA-256 of the empty file, which lists often
// carry and which would match every empty file on a device (lower-case hex).
bool IsEmptyFileHash(std::string_view lower_hex);

}  // namespace tantalio::formats

#endif  // TANTALIO_FORMATS_HASH_SET_ENTRY_H_
