// Values for known-material hash sets and the matches of case contents
// against them, as they flow into and out of the Store. The entry itself is
// formats::HashSetEntry: the store keeps exactly what the exchange formats
// carry, so there is one definition of an entry.
#ifndef TANTALIO_STORE_HASH_SET_RECORDS_H_
#define TANTALIO_STORE_HASH_SET_RECORDS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "formats/hash_set_entry.h"

namespace tantalio {

// Hash set kinds, as stored.
inline constexpr char kKindIllegal[] = "illegal";
inline constexpr char kKindKnownGood[] = "known-good";
inline constexpr char kKindWatch[] = "watch";
bool IsHashSetKind(std::string_view kind);

struct HashSetInfo {
  int64_t id = 0;
  std::string name;
  std::string agency;
  std::string kind;  // kKind*
  std::string version;
  std::string imported_at;      // UTC ISO 8601, set by the store
  std::string source_format;    // e.g. "VICS 2.0 (Default profile, hash set)"
  std::string category_scheme;  // e.g. "vics-us"
  std::string source_file;      // the path it was imported from
  uint64_t entries = 0;         // set by the store

  // A set to import: its name and kind; the rest is optional.
  static HashSetInfo Named(std::string name, std::string kind) {
    HashSetInfo info;
    info.name = std::move(name);
    info.kind = std::move(kind);
    return info;
  }
};

// An entry as stored: its id and set beside the exchange values.
struct StoredHashEntry {
  int64_t id = 0;
  int64_t set_id = 0;
  formats::HashSetEntry entry;
};

// What the matcher loads: the matchable values of one entry. Views are valid
// only during the visit.
struct MatchableHash {
  int64_t entry_id = 0;
  int64_t set_id = 0;
  std::string_view md5, sha1, sha256, pdq;  // lower-case hex or empty
  std::optional<int> pdq_quality;
  // Known video frames and recordings (see HashSetEntry): the video or
  // recording id, the frame's time, the encoded Chromaprint fingerprint.
  std::string_view source_ref;
  std::optional<double> media_time;
  std::string_view chromaprint;
};

// Match methods, as stored.
inline constexpr char kMethodMd5[] = "md5";
inline constexpr char kMethodSha1[] = "sha1";
inline constexpr char kMethodSha256[] = "sha256";
inline constexpr char kMethodPdq[] = "pdq";
// A video matching a known video as a whole (vPDQ), or showing part of one
// (a clip, or a known video inside a longer one); the same for audio.
inline constexpr char kMethodVpdq[] = "vpdq";
inline constexpr char kMethodVpdqClip[] = "vpdq-clip";
inline constexpr char kMethodAudio[] = "audio";
inline constexpr char kMethodAudioClip[] = "audio-clip";
bool IsMediaMethod(std::string_view method);

// Where a video or audio match lies (seconds), and how strong it is.
struct MediaSpan {
  std::optional<double> query_start, query_end, known_start, known_end;
  std::optional<double> score;
  std::optional<double> known_percent;
  bool operator==(const MediaSpan&) const = default;
};

// A match found for a content. Exact methods name the digest looked up and
// leave entry_id 0: the store ties the content to every entry holding that
// digest. PDQ names the entry, the distance and the orientation of the
// scanned image that came closest.
struct MatchRecord {
  std::string sha256;  // the content
  std::string method;  // kMethod*
  std::string digest;  // exact methods: the content's digest of that method
  int64_t entry_id = 0;
  int distance = 0;
  std::string orientation;  // PDQ: "orig", "rot90", ...; "" for exact
  // Video and audio methods: where the match lies, in seconds, in the
  // content (query) and in the known item; entry_id is the known frame or
  // recording at known_start. score: vPDQ, the share of the content's frames
  // that match (%); audio, the bit error rate (0..1). known_percent: vPDQ,
  // the share of the known video's frames matched.
  MediaSpan span;
};

// A content of a device as the matcher needs it (for `tantalio match`).
struct ContentForMatching {
  std::string sha256, md5, sha1;
  std::string mime;
  std::string pdq;       // hex, "" when the content has no PDQ hash
  std::string variants;  // hex of the 7 other orientations, in PdqVariant order
  std::optional<int> pdq_quality;
};

// A content of a case that known material categorises, with the entry that
// does so most severely (for the VICS case export).
struct CategorisedContent {
  std::string sha256, md5, sha1, mime;
  uint64_t size = 0;
  std::string pdq;
  std::optional<int> pdq_quality;
  std::string hash_set;
  formats::HashSetEntry entry;
};

// One row of `tantalio matches`.
struct MatchRow {
  std::string device, forensic_path, sha256;
  std::string hash_set, set_kind, entry_ref;  // entry_ref: the source's id, else "#<entry id>"
  std::string method;
  int distance = 0;
  std::string orientation;
  std::optional<int> category;
  std::string category_source, series;
  std::string allocation;  // of the file, inside disk images: "deleted", "carved", ...
  MediaSpan span;          // video and audio methods
};

struct SetMatchCount {
  std::string name, kind;
  uint64_t contents = 0, files = 0;
  uint64_t exact_contents = 0, pdq_contents = 0;  // contents matched by each way
  uint64_t media_contents = 0;                    // by video or audio fingerprints
};

struct CategoryCount {
  std::optional<int> category;  // the most severe across the content's matches
  uint64_t contents = 0, files = 0;
};

// Known-material counts for a case.
struct MatchSummary {
  std::vector<SetMatchCount> per_set;
  std::vector<CategoryCount> per_category;  // illegal and watch sets only
  uint64_t known_files = 0;                 // files matching an illegal or watch set
  uint64_t known_good_files = 0;  // files matching only known-good sets (hidden from review)
  uint64_t images = 0;            // image contents (with a PDQ hash)
  uint64_t new_images = 0;        // image contents matching nothing known: new material
  uint64_t new_image_files = 0;
  uint64_t videos = 0;      // video contents (with vPDQ frames)
  uint64_t new_videos = 0;  // video contents matching nothing known
  uint64_t new_video_files = 0;
};

}  // namespace tantalio

#endif  // TANTALIO_STORE_HASH_SET_RECORDS_H_
