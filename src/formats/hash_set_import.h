// Reading hash sets from exchange files, streaming: records are handed to a
// callback one at a time, so a 2-million-record VICS file or a 400-million-row
// NSRL database is read in constant memory.
//
//   formats::ImportOptions options;                // format detected
//   auto report = formats::ReadHashSet(path, options,
//       [&](const formats::HashSetEntry& e, const formats::RecordLocation& where) {
//         return sink.Add(e);                     // an error stops the read
//       });
//
// Bad records: without skip_invalid the read stops at the first one with
// kInvalidArgument ("vics.json: byte 1234 (record 7, MediaID 12): MD5 'xyz' is
// not 32 hex digits"). With skip_invalid it is counted, the first few are kept
// in the report, and the read goes on. A malformed file (broken JSON, a
// truncated database) always stops the read with the position and reason.
#ifndef TANTALIO_FORMATS_HASH_SET_IMPORT_H_
#define TANTALIO_FORMATS_HASH_SET_IMPORT_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "formats/categories.h"
#include "formats/hash_set_entry.h"

namespace tantalio::formats {

enum class HashSetFormat {
  kAuto,
  kVics,      // VICS / Project VIC JSON, 1.x and 2.0, hash set (#Media) and case (#Cases)
  kHashdeep,  // hashdeep 1.0 files and md5deep output (with or without -z sizes)
  kNsrl,      // NIST NSRL RDSv3 SQLite or RDSv2 / RDS 1.5 NSRLFile.txt
  kCsv,       // CSV with a header row and a column mapping
  kHashList,  // one MD5, SHA-1 or SHA-256 per line, type by length
  kPdq,       // PDQ list: hash[,quality][,label] per line
  kVpdq,      // vPDQ frame list: video_id,time,quality,hash per line (one video frame each)
};
// "auto", "vics", "hashdeep", "nsrl", "csv", "hashlist", "pdq", "vpdq".
std::string_view HashSetFormatName(HashSetFormat format);
Result<HashSetFormat> ParseHashSetFormat(std::string_view name);

// Where a record sits in its file, for messages: "line 12", "byte 3456
// (record 7, MediaID 12)", "row 5 of DISTINCT_HASH".
struct RecordLocation {
  std::string text;
};

struct ImportOptions {
  HashSetFormat format = HashSetFormat::kAuto;
  // Overrides the scheme the format implies (VICS 2.0 US/Default/CUSTOM:
  // vics-us; VICS 1.x: dhs; VICS UK profile: uk).
  std::optional<CategoryMap> category_map;
  bool skip_invalid = false;
  // kCsv only: project field name -> header name in the file, e.g.
  // {"md5", "Hash"}. Fields not named here are found by their own names
  // (as the CSV exporter writes them) and common aliases, case-insensitively.
  std::map<std::string, std::string> csv_columns;
};

// What the source says about itself, where the format carries it.
struct SourceDescription {
  std::string format;           // e.g. "VICS 2.0 (Default profile, hash set)", "NSRL RDSv3"
  std::string category_scheme;  // the scheme used to map categories ("" when none)
  std::string agency;           // VICS ContactOrganization, "NIST" for NSRL
  std::string version;          // NSRL VERSION table, VICS DataModels version
  bool known_good = false;      // NSRL: the natural kind is known-good
};

struct ImportReport {
  HashSetFormat format = HashSetFormat::kAuto;  // as detected or given
  SourceDescription source;
  uint64_t records = 0;  // records read (valid, skipped and dropped)
  uint64_t entries = 0;  // entries handed to the callback
  uint64_t skipped_invalid = 0;
  uint64_t dropped_empty_file = 0;  // entries whose only hashes are of the empty file
  // The first invalid records (at most kMaxReportedProblems), "where: why".
  std::vector<std::string> problems;
  static constexpr size_t kMaxReportedProblems = 10;
};

using EntryCallback = std::function<Status(const HashSetEntry&, const RecordLocation&)>;

// Identifies the format from the file's first bytes (and, for SQLite, its
// tables). kInvalidArgument "cannot detect format of FILE: ..." with a hint to
// pass --format when nothing fits.
Result<HashSetFormat> DetectHashSetFormat(const std::string& path);

// Reads `path` and calls `on_entry` for every valid entry, in file order.
// An error returned by the callback stops the read and is returned as is.
Result<ImportReport> ReadHashSet(const std::string& path, const ImportOptions& options,
                                 const EntryCallback& on_entry);

// Shared by the readers: validates and normalises each parsed record, maps
// its category, drops empty-file hashes, applies skip_invalid and counts.
// Not thread-safe; one per read.
class ImportContext {
 public:
  ImportContext(const ImportOptions& options, const EntryCallback& on_entry, ImportReport& report,
                std::string file_label);

  // The category map in force: the options' override, else `scheme_default`.
  // Call once the reader knows the format's scheme (before the first Emit).
  Status UseCategoryScheme(std::string_view scheme_default);
  const CategoryMap* category_map() const { return map_ ? &*map_ : nullptr; }

  // Maps entry.category_source into entry.category (when a scheme is in
  // force and the source value is non-empty), normalises the entry, and hands
  // it to the callback. An invalid record goes through Invalid().
  Status Emit(HashSetEntry entry, const RecordLocation& where);

  // As Emit, for a record whose entry.category is already in the project
  // scheme: the category is kept and entry.category_source is not mapped.
  // For files Tantalio wrote itself (the VICS vendor key "SourceCategory"
  // carries the source's value beside the project category).
  Status EmitMapped(HashSetEntry entry, const RecordLocation& where);

  // A record that cannot become an entry. Returns OK (after counting) under
  // skip_invalid, else kInvalidArgument "FILE: WHERE: WHY".
  Status Invalid(const RecordLocation& where, std::string_view why);

  // "FILE: WHERE: WHY" as a Status of `code`, for errors that stop the read
  // whatever skip_invalid says (malformed JSON, unreadable file).
  Status Fatal(StatusCode code, const RecordLocation& where, std::string_view why) const;

 private:
  const ImportOptions& options_;
  const EntryCallback& on_entry_;
  ImportReport& report_;
  std::string file_label_;
  std::optional<CategoryMap> map_;
};

}  // namespace tantalio::formats

#endif  // TANTALIO_FORMATS_HASH_SET_IMPORT_H_
