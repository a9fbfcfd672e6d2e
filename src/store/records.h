// Plain, backend-neutral values that flow into and out of the Store.
//
// These types know nothing of SQL, files on disk or decoders: the pipeline
// fills them, a Store backend persists them.
#ifndef TANTALIO_STORE_RECORDS_H_
#define TANTALIO_STORE_RECORDS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/chat_records.h"
#include "store/disk_image_records.h"
#include "store/hash_set_records.h"

namespace tantalio {

struct CaseInfo {
  int64_t id = 0;
  std::string name;
  std::string agency;
  std::string country;     // ISO 3166-1 alpha-2
  std::string created_at;  // UTC, ISO 8601
};

struct DeviceInfo {
  int64_t id = 0;
  int64_t case_id = 0;
  std::string label;
  std::string created_at;
};

// Where a device's evidence was read from, so `verify` can read it again.
struct EvidenceRoot {
  std::string fs_path;        // absolute path on the scanning machine
  std::string forensic_root;  // e.g. "phone1/dump"
};

// The bytes of one file, stored once however many files hold them.
struct ContentRecord {
  std::string sha256;  // lower-case hex, the key
  std::string md5;
  std::string sha1;
  uint64_t size = 0;
  std::string mime;
  std::string digest_algorithm;  // e.g. "md5+sha1+sha256"
  int digest_version = 0;
};

// File status values, as stored.
inline constexpr char kStatusOk[] = "ok";  // read and fingerprinted
inline constexpr char kStatusPartial[] =
    "partial";  // fingerprinted, but its archive entries failed
inline constexpr char kStatusEncrypted[] = "encrypted";
inline constexpr char kStatusError[] = "error";      // could not be read; see errors
inline constexpr char kStatusLink[] = "link";        // a symlink, recorded, not followed
inline constexpr char kStatusSpecial[] = "special";  // device, FIFO, socket: not opened

// One instance of a file at one forensic path on one device.
struct FileRecord {
  std::string forensic_path;  // exact bytes
  std::string unit_path;      // the top-level evidence item it came from (resume unit)
  std::string kind;           // "file", "symlink", "special"
  std::string status;         // one of kStatus*
  uint64_t size = 0;
  std::optional<int64_t> mtime;
  std::optional<int64_t> atime;
  std::optional<int64_t> ctime;
  std::optional<int64_t> crtime;  // creation (birth) time, where the file system records it
  std::optional<uint64_t> inode;  // inode or MFT entry, for files inside disk images
  // Inside disk images: one of kAllocation* (allocated, deleted, orphan,
  // carved). Empty for files read from a live folder or an archive.
  std::string allocation;
  std::string link_target;
  std::string mime;
  std::string extension;
  bool extension_mismatch = false;
  int depth = 0;       // archive nesting depth: 0 on the file system
  std::string sha256;  // empty when there is no content (links, errors)
  std::string note;
};

struct MetadataRecord {
  std::string sha256;
  std::string extractor;  // e.g. "exiv2 0.27.6"
  std::optional<int64_t> width, height;
  std::string camera_make, camera_model, body_serial, lens;
  std::string datetime_original, offset_time_original, software;
  std::optional<double> gps_latitude, gps_longitude, gps_altitude;
  std::optional<int> orientation;
};

// What a video or audio file's container says (FFmpeg), with the decoder
// versions that read it.
struct MediaInfoRecord {
  std::string sha256;
  std::string container;
  std::optional<double> duration_seconds;
  std::optional<int64_t> bit_rate;
  std::string creation_time;  // the container's creation_time tag, as written
  std::string make, model, location;
  std::string video_codec;
  std::optional<int64_t> width, height;
  std::optional<double> frame_rate;
  std::optional<int64_t> frame_count;
  std::optional<int> rotation;
  std::string audio_codec;
  std::optional<int64_t> sample_rate, channels;
  std::string decoder;  // FFmpeg library versions
};

// A small JPEG of a video frame, for the review UI.
struct ThumbnailRecord {
  std::string sha256;
  int64_t timestamp_ms = 0;
  int width = 0;
  int height = 0;
  std::vector<uint8_t> jpeg;
};

// A perceptual fingerprint of a content: a still image's PDQ hash
// (timestamp_ms -1), one vPDQ frame of a video (timestamp_ms >= 0, one row
// per kept frame), or the Chromaprint fingerprint of its audio (value: the
// compressed base64 form; timestamp_ms -1).
struct FingerprintRecord {
  std::string sha256;
  std::string algorithm;  // e.g. "pdq"
  int version = 0;
  int64_t timestamp_ms = -1;  // -1 for a still image
  std::string value;          // hex
  std::optional<int> quality;
  bool partial = false;  // computed from an image that decoded only in part
  std::string warning;   // the decoder's warning when partial
  std::string producer;  // decoder versions that produced the pixels
  // PDQ: the hex of the 7 other orientation hashes (rot90 .. flipminus1, in
  // PdqVariant order), kept so that later matching needs no re-decode.
  std::string variants;
};

struct ErrorRecord {
  std::string forensic_path;
  std::string stage;  // "open", "read", "archive", "metadata", "walk", ...
  std::string code;   // StatusCodeName
  std::string message;
};

// The records a scan produces, in the order a writer applies them.
struct ScanRecords {
  std::vector<ContentRecord> contents;
  std::vector<FileRecord> files;
  std::vector<MetadataRecord> metadata;
  std::vector<FingerprintRecord> fingerprints;
  std::vector<ErrorRecord> errors;
  std::vector<MatchRecord> matches;  // against known hash sets
  std::vector<ChatDatabaseRecord> chat_databases;
  std::vector<IdentifierRecord> identifiers;
  std::vector<DiskImageRecord> disk_images;
  std::vector<MediaInfoRecord> media;
  std::vector<ThumbnailRecord> thumbnails;
  // Top-level evidence items finished by these records: a re-run skips them.
  std::vector<std::string> completed_units;

  // Moves everything of `other` to the end of these records; `other` is left empty.
  void MergeFrom(ScanRecords&& other);
  // Rows a writer will insert besides contents and metadata.
  size_t RecordCount() const {
    return files.size() + errors.size() + completed_units.size() + identifiers.size() +
           disk_images.size() + ChatRowCount();
  }
  bool empty() const {
    return RecordCount() == 0 && contents.empty() && metadata.empty() && fingerprints.empty() &&
           matches.empty() && chat_databases.empty() && media.empty() && thumbnails.empty();
  }
  // Rows the chat databases will write (messages dominate).
  size_t ChatRowCount() const;
};

// Everything one batch writes, applied atomically by Store::Apply.
struct IngestBatch : ScanRecords {
  int64_t device_id = 0;
  int64_t scan_id = 0;  // 0 when written outside a scan
};

// What one Store::Apply changed: rows that were new (not already present
// from an earlier, interrupted run or another device).
struct ApplyStats {
  uint64_t new_contents = 0;  // distinct contents the store had never seen
  uint64_t new_files = 0;
};

struct ScanTotals {
  uint64_t files = 0;
  uint64_t bytes = 0;
  uint64_t errors = 0;
  uint64_t skipped_units = 0;
};

// A video or audio file of a case, as listed by `tantalio media`.
struct MediaRow {
  std::string device, forensic_path;
  MediaInfoRecord info;
  int video_frames = 0;  // vPDQ frames kept
  bool audio_fingerprint = false;
  bool partial = false;  // a fingerprint was made from part of the file
  std::string warning;
  int thumbnails = 0;
};

// A file as listed by `tantalio files`.
struct FileRow {
  std::string device;
  FileRecord file;
  std::string md5, sha1;
  std::string pdq;  // hex; empty when the content has no PDQ hash
  std::optional<int> pdq_quality;
};

struct StoredError {
  std::string device;
  ErrorRecord error;
  std::string at;
};

struct CaseSummary {
  uint64_t devices = 0;
  uint64_t files = 0;
  uint64_t bytes = 0;
  uint64_t distinct_contents = 0;
  uint64_t duplicate_files = 0;  // files whose content another file also holds
  uint64_t contents_on_several_devices = 0;
  uint64_t extension_mismatches = 0;
  uint64_t encrypted = 0;
  uint64_t links = 0;
  uint64_t special = 0;
  uint64_t errors = 0;
  uint64_t images_with_gps = 0;
  uint64_t inside_archives = 0;
  uint64_t disk_images = 0;
  uint64_t deleted_files = 0;  // deleted or orphan files recovered from disk images
  uint64_t carved_files = 0;
  uint64_t integrity_failures = 0;  // disk images whose integrity check failed
};

struct SharedContent {
  std::string sha256;
  std::string mime;
  uint64_t size = 0;
  std::vector<std::string> devices;
  std::vector<std::string> example_paths;
};

struct CameraRow {
  std::string make, model, body_serial;
  uint64_t images = 0;
  std::vector<std::string> devices;
};

struct GpsRow {
  std::string device, forensic_path, datetime_original;
  double latitude = 0, longitude = 0;
};

// One file instance of a content with a perceptual fingerprint.
struct PerceptualRow {
  std::string device, forensic_path, sha256;
  std::string value;  // hex
  int quality = 0;
};

struct AuditEvent {
  std::string actor;
  std::string action;   // "case.create", "scan.start", ...
  std::string details;  // JSON text
};

}  // namespace tantalio

#endif  // TANTALIO_STORE_RECORDS_H_
