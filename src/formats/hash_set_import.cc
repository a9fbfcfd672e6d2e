// Format names, detection, ReadHashSet's dispatch and the ImportContext every
// reader shares.
//
// Detection looks at the first 8 KB, in this order:
//   1. "SQLite format 3\0" -> NSRL RDSv3 when the database has a FILE table
//      (or DISTINCT_HASH view); another SQLite database is refused.
//   2. A UTF-8 BOM is skipped; a NUL byte means binary data: refused.
//   3. JSON ('{' or '[' first) -> VICS when it names "odata.metadata",
//      "@odata.context", "projectvic" or "vicdatamodel" (any case), or, as
//      GLEAPP falls back to, has a "value" key beside "Media" or "MD5".
//   4. Text, by its first line that is neither blank nor a '#' comment:
//        "%%%% HASHDEEP-1.0"                          -> hashdeep
//        a header with quoted "SHA-1" and "MD5"       -> NSRL RDSv2 / RDS 1.5
//        "<hash>  <path>", "<size>  <hash>  <path>"   -> hashdeep (md5deep)
//        "<64 hex>,<quality>[,<label>]"               -> PDQ list
//        "<video id>,<time>,<quality>,<64 hex>", or the header
//          "video_id,time,quality,hash"                -> vPDQ frame list:
//          exactly four fields, the time a decimal >= 0, the quality a
//          whole number 0..100 (or empty). Checked after the PDQ list, so a
//          PDQ line whose label holds commas ("<64 hex>,90,50,<64 hex>")
//          stays a PDQ list: a vPDQ line starts with its video id, not with
//          the hash (a video id of 64 hex digits is still a vPDQ line when
//          its time is not a whole number, as the writer's "12.000" is not).
//        a bare 32/40/64-hex line                     -> hash list, except
//          that 64-hex lines make a PDQ list when one of the first 20 lines
//          carries the quality column. A bare 64-hex line is as much a
//          SHA-256 as a PDQ hash; it is read as SHA-256, and a PDQ list
//          without qualities needs --format pdq.
//        a ',', ';' or tab separated header naming a hash column (md5, sha1,
//          sha256, pdq, chromaprint, "SHA-256", "MD5 Hash", ...)
//                                                     -> CSV
//   Anything else: kInvalidArgument "cannot detect format of FILE: <what was
//   seen>; pass --format vics|hashdeep|nsrl|csv|hashlist|pdq|vpdq".
#include "formats/hash_set_import.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <utility>

#include "base/hex.h"
#include "formats/readers.h"
#include "formats/text_formats.h"

namespace tantalio::formats {
namespace {

// Detection looks at this much of the start of a file.
constexpr size_t kSniffBytes = 8192;
constexpr std::string_view kSqliteMagic{"SQLite format 3\0", 16};
constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
constexpr std::string_view kFormatHint = "; pass --format vics|hashdeep|nsrl|csv|hashlist|pdq|vpdq";

constexpr std::array<std::pair<HashSetFormat, std::string_view>, 8> kFormatNames = {{
    {HashSetFormat::kAuto, "auto"},
    {HashSetFormat::kVics, "vics"},
    {HashSetFormat::kHashdeep, "hashdeep"},
    {HashSetFormat::kNsrl, "nsrl"},
    {HashSetFormat::kCsv, "csv"},
    {HashSetFormat::kHashList, "hashlist"},
    {HashSetFormat::kPdq, "pdq"},
    {HashSetFormat::kVpdq, "vpdq"},
}};

bool IsDigits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool IsHashHex(std::string_view text) {
  return IsHex(text, 32) || IsHex(text, 40) || IsHex(text, 64);
}

// A line for a message: at most 60 characters, control bytes as '?'.
std::string Shown(std::string_view line) {
  std::string out;
  for (char c : line.substr(0, 60)) {
    out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? '?' : c;
  }
  if (line.size() > 60) out += "...";
  return out;
}

Status CannotDetect(const std::string& path, std::string_view seen) {
  return InvalidArgumentError("cannot detect format of " + path + ": " + std::string(seen) +
                              std::string(kFormatHint));
}

// An NSRL RDSv3 database has the FILE table (and the DISTINCT_HASH view).
// nullopt when the database cannot be queried: the NSRL reader then reports
// why in full.
std::optional<bool> SqliteHasNsrlTables(const std::string& path) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  std::optional<bool> found;
  if (rc == SQLITE_OK) {
    sqlite3_stmt* stmt = nullptr;
    rc = sqlite3_prepare_v2(db,
                            "SELECT count(*) FROM sqlite_master WHERE upper(name) IN "
                            "('FILE', 'DISTINCT_HASH')",
                            -1, &stmt, nullptr);
    if (rc == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW) {
      found = sqlite3_column_int(stmt, 0) > 0;
    }
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db);
  return found;
}

// A hashdeep/md5deep/md5sum data line: "<hash>  <path>" (or "<hash> *<path>"),
// or md5deep -z "<size>  <hash>  <path>" with the size right-aligned.
bool IsMd5deepLine(std::string_view line) {
  auto hash_then_path = [](std::string_view rest) {
    size_t space = rest.find(' ');
    if (space == std::string_view::npos || !IsHashHex(rest.substr(0, space))) return false;
    rest.remove_prefix(space + 1);
    return rest.size() >= 2 && (rest[0] == ' ' || rest[0] == '*');
  };
  if (hash_then_path(line)) return true;
  std::string_view rest = line;
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  size_t digits = 0;
  while (digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9') ++digits;
  if (digits == 0 || rest.substr(digits, 2) != "  ") return false;
  return hash_then_path(rest.substr(digits + 2));
}

// "<64 hex>,<quality>[,<label>]": a PDQ list line with its quality column
// (the quality may be empty when a label follows).
bool IsPdqLine(std::string_view line) {
  size_t comma = line.find(',');
  if (comma == std::string_view::npos ||
      !IsHex(internal::TrimWhitespace(line.substr(0, comma)), 64))
    return false;
  std::string_view rest = line.substr(comma + 1);
  size_t next = rest.find(',');
  std::string_view quality = internal::TrimWhitespace(rest.substr(0, next));
  if (quality.empty()) return next != std::string_view::npos;
  return IsDigits(quality);
}

// "<video id>,<time>,<quality>,<64 hex>" (the quality may be empty), or the
// vPDQ header row. Call after IsPdqLine: a line both accept is a PDQ line.
bool IsVpdqLine(std::string_view line) {
  std::array<std::string_view, 4> fields;
  if (!internal::SplitVpdqLine(line, fields)) return false;
  if (internal::IsVpdqHeader(fields)) return true;
  std::optional<double> time = internal::ParseDecimal(fields[1]);
  std::optional<int64_t> quality = internal::ParseInt64(fields[2]);
  return !fields[0].empty() && time && *time >= 0 &&
         (fields[2].empty() || (IsDigits(fields[2]) && quality && *quality <= 100)) &&
         IsHex(fields[3], 64);
}

// A header row, separated by ',', ';' or tabs, with a column that names a hash.
bool IsCsvHeader(std::string_view line) {
  static constexpr std::array<std::string_view, 14> kHashColumns = {
      "md5",     "sha1",     "sha256",     "pdq",     "md5hash", "sha1hash",  "sha256hash",
      "hashmd5", "hashsha1", "hashsha256", "pdqhash", "md5sum",  "sha256sum", "chromaprint",
  };
  for (char separator : {',', ';', '\t'}) {
    // A line without any separator is a one-column header: checked once.
    if (line.find(separator) == std::string_view::npos && separator != ',') continue;
    size_t start = 0;
    while (start <= line.size()) {
      size_t end = line.find(separator, start);
      if (end == std::string_view::npos) end = line.size();
      // Compare without quotes, blanks, '-' and '_', in lower case: "SHA-1",
      // "sha_256", " MD5 " all count.
      std::string name;
      for (char c : line.substr(start, end - start)) {
        if (std::isalnum(static_cast<unsigned char>(c))) {
          name += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
      }
      if (std::find(kHashColumns.begin(), kHashColumns.end(), name) != kHashColumns.end()) {
        return true;
      }
      start = end + 1;
    }
  }
  return false;
}

Result<HashSetFormat> DetectText(const std::string& path, std::string_view text, bool whole_file) {
  // Complete lines only: the last one may be cut by the sniff window.
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start < text.size() && lines.size() < 20) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) {
      if (!whole_file && !lines.empty()) break;
      end = text.size();
    }
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    start = end + 1;
    // Blank lines and '#' comments carry nothing to tell formats apart.
    std::string_view trimmed = internal::TrimWhitespace(line);
    if (trimmed.empty() || trimmed.front() == '#') continue;
    lines.push_back(line);
  }
  if (lines.empty()) return CannotDetect(path, "it holds no data lines, only blanks or comments");
  std::string_view first = lines.front();
  std::string_view first_trimmed = internal::TrimWhitespace(first);

  if (first_trimmed == "%%%% HASHDEEP-1.0") return HashSetFormat::kHashdeep;
  if (first.find("\"SHA-1\"") != std::string_view::npos &&
      first.find("\"MD5\"") != std::string_view::npos) {
    return HashSetFormat::kNsrl;  // RDSv2 / RDS 1.5 NSRLFile.txt header
  }
  if (IsMd5deepLine(first)) return HashSetFormat::kHashdeep;
  if (IsPdqLine(first_trimmed)) return HashSetFormat::kPdq;
  if (IsHashHex(first_trimmed)) {
    // A bare 64-hex line is a SHA-256 as much as a PDQ hash: a list is read as
    // PDQ only when some line carries the quality column.
    if (first_trimmed.size() == 64) {
      for (std::string_view line : lines) {
        if (IsPdqLine(internal::TrimWhitespace(line))) return HashSetFormat::kPdq;
      }
    }
    return HashSetFormat::kHashList;
  }
  if (IsVpdqLine(first_trimmed)) return HashSetFormat::kVpdq;
  if (IsCsvHeader(first_trimmed)) return HashSetFormat::kCsv;
  return CannotDetect(path, "the first line '" + Shown(first) +
                                "' is not a hashdeep/md5deep, NSRL, hash-list, PDQ or vPDQ line, "
                                "nor a CSV header naming a hash column (md5, sha1, sha256, pdq)");
}

}  // namespace

std::string_view HashSetFormatName(HashSetFormat format) {
  for (const auto& [value, name] : kFormatNames) {
    if (value == format) return name;
  }
  return "unknown";
}

Result<HashSetFormat> ParseHashSetFormat(std::string_view name) {
  std::string wanted = internal::ToLowerAscii(internal::TrimWhitespace(name));
  for (const auto& [value, known] : kFormatNames) {
    if (known == wanted) return value;
  }
  return InvalidArgumentError("unknown hash-set format '" + std::string(name) +
                              "'; expected auto, vics, hashdeep, nsrl, csv, hashlist, pdq or "
                              "vpdq");
}

Result<HashSetFormat> DetectHashSetFormat(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoError("open " + path, errno);
  std::string head(kSniffBytes, '\0');
  size_t filled = 0;
  while (filled < head.size()) {
    ssize_t n = ::read(fd, head.data() + filled, head.size() - filled);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      return ErrnoError("read " + path, err);
    }
    if (n == 0) break;
    filled += static_cast<size_t>(n);
  }
  ::close(fd);
  head.resize(filled);
  bool whole_file = filled < kSniffBytes;

  if (head.empty()) return CannotDetect(path, "the file is empty");
  if (head.starts_with(kSqliteMagic)) {
    std::optional<bool> nsrl = SqliteHasNsrlTables(path);
    if (nsrl == false) {
      return CannotDetect(path, "a SQLite database without the NSRL RDSv3 table FILE");
    }
    return HashSetFormat::kNsrl;
  }
  std::string_view text = head;
  if (text.starts_with(kUtf8Bom)) text.remove_prefix(kUtf8Bom.size());
  if (text.find('\0') != std::string_view::npos) {
    return CannotDetect(path, "binary data (not text, not a SQLite database)");
  }
  std::string_view body = internal::TrimWhitespace(text);
  if (body.empty()) return CannotDetect(path, "it holds only blanks");
  if (body.front() == '{' || body.front() == '[') {
    std::string lower = internal::ToLowerAscii(body);
    if (body.find("\"odata.metadata\"") != std::string_view::npos ||
        body.find("\"@odata.context\"") != std::string_view::npos ||
        lower.find("projectvic") != std::string::npos ||
        lower.find("vicdatamodel") != std::string::npos) {
      return HashSetFormat::kVics;
    }
    // GLEAPP's fallback: an OData "value" array of Media (or Cases with Media).
    if (body.find("\"value\"") != std::string_view::npos &&
        (body.find("\"Media\"") != std::string_view::npos ||
         body.find("\"MD5\"") != std::string_view::npos)) {
      return HashSetFormat::kVics;
    }
    return CannotDetect(path,
                        "JSON without the VICS keys odata.metadata or @odata.context (nor a "
                        "\"value\" array of Media) in its first 8 KB");
  }
  return DetectText(path, text, whole_file);
}

Result<ImportReport> ReadHashSet(const std::string& path, const ImportOptions& options,
                                 const EntryCallback& on_entry) {
  HashSetFormat format = options.format;
  if (format == HashSetFormat::kAuto) {
    TANTALIO_ASSIGN_OR_RETURN(format, DetectHashSetFormat(path));
  }
  ImportReport report;
  report.format = format;
  ImportContext context(options, on_entry, report, path);
  Status status;
  switch (format) {
    case HashSetFormat::kVics:
      status = internal::ReadVics(path, context, report);
      break;
    case HashSetFormat::kHashdeep:
      status = internal::ReadHashdeep(path, context, report);
      break;
    case HashSetFormat::kNsrl:
      status = internal::ReadNsrl(path, context, report);
      break;
    case HashSetFormat::kCsv:
      status = internal::ReadCsv(path, options, context, report);
      break;
    case HashSetFormat::kHashList:
      status = internal::ReadHashList(path, context, report);
      break;
    case HashSetFormat::kPdq:
      status = internal::ReadPdqList(path, context, report);
      break;
    case HashSetFormat::kVpdq:
      status = internal::ReadVpdqList(path, context, report);
      break;
    case HashSetFormat::kAuto:
      return InternalError("hash-set format still undecided after detection");
  }
  TANTALIO_RETURN_IF_ERROR(status);
  return report;
}

ImportContext::ImportContext(const ImportOptions& options, const EntryCallback& on_entry,
                             ImportReport& report, std::string file_label)
    : options_(options), on_entry_(on_entry), report_(report), file_label_(std::move(file_label)) {}

Status ImportContext::UseCategoryScheme(std::string_view scheme_default) {
  if (options_.category_map) {
    map_ = options_.category_map;
  } else if (scheme_default.empty()) {
    map_.reset();
  } else {
    TANTALIO_ASSIGN_OR_RETURN(CategoryMap map, CategoryMap::BuiltIn(scheme_default));
    map_ = std::move(map);
  }
  report_.source.category_scheme = map_ ? map_->scheme() : std::string();
  return Status::Ok();
}

Status ImportContext::Emit(HashSetEntry entry, const RecordLocation& where) {
  if (map_ && !entry.category_source.empty()) {
    Result<std::optional<int>> category = map_->Map(entry.category_source);
    if (!category.ok()) return Invalid(where, category.status().message());
    entry.category = *category;
  }
  return EmitMapped(std::move(entry), where);
}

// Empty-file hashes: each MD5, SHA-1 or SHA-256 of the empty file is cleared
// from the entry (it would match every empty file on a device, and a record
// that pairs it with other hashes is inconsistent anyway); an entry left with
// no MD5, SHA-1, SHA-256, PDQ or Chromaprint fingerprint is dropped and
// counted in dropped_empty_file. A PDQ hash or a fingerprint is never an
// empty-file hash, so an entry with one is kept.
Status ImportContext::EmitMapped(HashSetEntry entry, const RecordLocation& where) {
  Status valid = NormaliseEntry(entry);
  if (!valid.ok()) return Invalid(where, valid.message());
  for (std::string* hash : {&entry.md5, &entry.sha1, &entry.sha256}) {
    if (!hash->empty() && IsEmptyFileHash(*hash)) hash->clear();
  }
  ++report_.records;
  if (!entry.HasHash()) {
    ++report_.dropped_empty_file;
    return Status::Ok();
  }
  ++report_.entries;
  return on_entry_(entry, where);
}

Status ImportContext::Invalid(const RecordLocation& where, std::string_view why) {
  ++report_.records;
  if (!options_.skip_invalid) return Fatal(StatusCode::kInvalidArgument, where, why);
  ++report_.skipped_invalid;
  if (report_.problems.size() < ImportReport::kMaxReportedProblems) {
    report_.problems.push_back(where.text.empty() ? std::string(why)
                                                  : where.text + ": " + std::string(why));
  }
  return Status::Ok();
}

Status ImportContext::Fatal(StatusCode code, const RecordLocation& where,
                            std::string_view why) const {
  std::string message = file_label_ + ": ";
  if (!where.text.empty()) message += where.text + ": ";
  message += why;
  return Status(code, std::move(message));
}

}  // namespace tantalio::formats
