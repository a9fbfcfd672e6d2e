// NIST NSRL reference data sets: RDSv3 SQLite databases and the RDSv2 /
// RDS 1.5 NSRLFile.txt text files.
//
// RDSv3: the database is opened read-only and never written. The FILE table
// holds one row per (file, package), so one hash appears once per product
// (Modern Minimal: ~442 M rows for ~74 M distinct SHA-256). The reader scans
// FILE in primary-key order (sha256, sha1, md5, crc32, file_name, ...), which
// SQLite serves from the primary key's covering index without sorting, and
// emits one entry per distinct (sha256, sha1, md5) with the size and the
// first file name of that hash. That reads the same index pages as the
// DISTINCT_HASH view (a SELECT DISTINCT over the same columns), keeps memory
// constant, and keeps the size and a name, which the view drops. Should the
// ordered scan need a temporary sort (a FILE table without that index), the
// reader reads DISTINCT_HASH instead (hashes only), or, without the view, FILE
// in storage order collapsing consecutive duplicates (the store merges the
// rest).
//
// RDSv2 / RDS 1.5: a header row of quoted column names (the order differs
// between versions, so columns are found by name), quoted strings, bare
// numbers, upper-case hex. Rows come sorted by SHA-1 with one row per product:
// consecutive rows with the same hashes are collapsed into the first.
//
// File names are kept as the bytes the source holds (NSRL names "ought to be
// UTF-8 ... might not be").
#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "formats/readers.h"
#include "formats/text_formats.h"

namespace tantalio::formats::internal {
namespace {

constexpr char kSqliteMagic[16] = {'S', 'Q', 'L', 'i', 't', 'e', ' ', 'f',
                                   'o', 'r', 'm', 'a', 't', ' ', '3', '\0'};

struct DatabaseCloser {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};
using DatabasePtr = std::unique_ptr<sqlite3, DatabaseCloser>;

struct StatementFinalizer {
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};
using StatementPtr = std::unique_ptr<sqlite3_stmt, StatementFinalizer>;

Result<bool> HasSqliteMagic(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in.is_open()) return ErrnoError("open " + path, errno != 0 ? errno : ENOENT);
  char head[sizeof(kSqliteMagic)] = {};
  in.read(head, sizeof(head));
  if (in.bad()) return IoError("read " + path + ": read error");
  return in.gcount() == sizeof(head) && std::memcmp(head, kSqliteMagic, sizeof(head)) == 0;
}

// The text of column `i` as the stored bytes ("" for NULL).
std::string_view ColumnText(sqlite3_stmt* stmt, int i) {
  const unsigned char* text = sqlite3_column_text(stmt, i);
  if (text == nullptr) return {};
  return std::string_view(reinterpret_cast<const char*>(text),
                          static_cast<size_t>(sqlite3_column_bytes(stmt, i)));
}

// The code for a failed SQLite call: a damaged or foreign file is corrupt,
// anything else an I/O error.
StatusCode SqliteCode(int rc) {
  switch (rc & 0xff) {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return StatusCode::kCorrupt;
    case SQLITE_NOMEM:
      return StatusCode::kResourceExhausted;
    case SQLITE_PERM:
    case SQLITE_AUTH:
      return StatusCode::kPermissionDenied;
    default:
      return StatusCode::kIoError;
  }
}

class RdsV3Reader {
 public:
  RdsV3Reader(const std::string& path, ImportContext& context, ImportReport& report)
      : path_(path), context_(context), report_(report) {}

  Status Read() {
    sqlite3* raw = nullptr;
    // One thread uses the connection: no per-call mutex.
    int rc =
        sqlite3_open_v2(path_.c_str(), &raw, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
    db_.reset(raw);
    if (rc != SQLITE_OK) return Error(rc, "open the database");
    report_.source.format = "NSRL RDSv3";

    // The tables and views, to check this is an RDSv3 database at all.
    std::vector<std::string> tables;
    bool has_file = false;
    bool has_distinct_hash = false;
    bool has_version = false;
    {
      TANTALIO_ASSIGN_OR_RETURN(
          StatementPtr stmt,
          Prepare("SELECT name, type FROM sqlite_master WHERE type IN ('table', 'view') "
                  "ORDER BY name",
                  "list the tables"));
      while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
        std::string name(ColumnText(stmt.get(), 0));
        std::string_view type = ColumnText(stmt.get(), 1);
        has_file = has_file || (type == "table" && EqualsIgnoreCase(name, "FILE"));
        has_version = has_version || (type == "table" && EqualsIgnoreCase(name, "VERSION"));
        has_distinct_hash = has_distinct_hash || EqualsIgnoreCase(name, "DISTINCT_HASH");
        tables.push_back(std::move(name));
      }
      if (rc != SQLITE_DONE) return Error(rc, "list the tables");
    }
    if (!has_file) {
      std::string found;
      for (const std::string& table : tables) found += (found.empty() ? "" : ", ") + table;
      return context_.Fatal(StatusCode::kInvalidArgument, RecordLocation{"schema"},
                            "not an NSRL RDSv3 database: no FILE table; tables found: " +
                                (found.empty() ? std::string("none") : found));
    }
    if (has_version) ReadVersion();

    TANTALIO_ASSIGN_OR_RETURN(std::vector<std::string> columns, FileColumns());
    auto has_column = [&](std::string_view name) {
      for (const std::string& column : columns) {
        if (EqualsIgnoreCase(column, name)) return true;
      }
      return false;
    };
    if (!has_column("sha256") || !has_column("sha1") || !has_column("md5")) {
      std::string found;
      for (const std::string& column : columns) found += (found.empty() ? "" : ", ") + column;
      return context_.Fatal(StatusCode::kInvalidArgument, RecordLocation{"schema"},
                            "not an NSRL RDSv3 database: table FILE lacks the sha256, sha1 and "
                            "md5 columns; columns found: " +
                                found);
    }
    const std::string name_column = has_column("file_name") ? "file_name" : "NULL";
    const std::string size_column = has_column("file_size") ? "file_size" : "NULL";
    const std::string scan =
        "SELECT sha256, sha1, md5, " + name_column + ", " + size_column + " FROM FILE";
    const std::string ordered = scan + " ORDER BY sha256, sha1, md5";
    TANTALIO_ASSIGN_OR_RETURN(bool sorts, NeedsTemporarySort(ordered));
    if (!sorts) return Scan(ordered, "FILE", /*with_details=*/true);
    if (has_distinct_hash) {
      return Scan("SELECT sha256, sha1, md5 FROM DISTINCT_HASH", "DISTINCT_HASH",
                  /*with_details=*/false);
    }
    return Scan(scan, "FILE", /*with_details=*/true);
  }

 private:
  Status Error(int rc, std::string_view what) const {
    const char* message = db_ ? sqlite3_errmsg(db_.get()) : sqlite3_errstr(rc);
    return context_.Fatal(SqliteCode(rc), RecordLocation{"database"},
                          std::string(what) + ": " + message);
  }

  Result<StatementPtr> Prepare(const std::string& sql, std::string_view what) const {
    sqlite3_stmt* stmt = nullptr;
    int rc =
        sqlite3_prepare_v2(db_.get(), sql.c_str(), static_cast<int>(sql.size()), &stmt, nullptr);
    StatementPtr owned(stmt);
    if (rc != SQLITE_OK) return Error(rc, what);
    return owned;
  }

  // VERSION(version, build_set, ...): "2024.03.1 (Modern)". Optional: an
  // unexpected layout leaves the version empty.
  void ReadVersion() {
    sqlite3_stmt* raw = nullptr;
    const char* sql = "SELECT version, build_set FROM VERSION LIMIT 1";
    if (sqlite3_prepare_v2(db_.get(), sql, -1, &raw, nullptr) != SQLITE_OK) {
      sqlite3_finalize(raw);
      return;
    }
    StatementPtr stmt(raw);
    if (sqlite3_step(stmt.get()) != SQLITE_ROW) return;
    std::string version(ColumnText(stmt.get(), 0));
    std::string_view build_set = ColumnText(stmt.get(), 1);
    if (!build_set.empty()) version += " (" + std::string(build_set) + ")";
    report_.source.version = std::move(version);
  }

  Result<std::vector<std::string>> FileColumns() const {
    TANTALIO_ASSIGN_OR_RETURN(StatementPtr stmt,
                              Prepare("PRAGMA table_info(FILE)", "read the FILE columns"));
    std::vector<std::string> columns;
    int rc;
    while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
      columns.emplace_back(ColumnText(stmt.get(), 1));
    }
    if (rc != SQLITE_DONE) return Error(rc, "read the FILE columns");
    return columns;
  }

  Result<bool> NeedsTemporarySort(const std::string& sql) const {
    TANTALIO_ASSIGN_OR_RETURN(StatementPtr stmt,
                              Prepare("EXPLAIN QUERY PLAN " + sql, "plan the FILE scan"));
    bool sorts = false;
    int rc;
    while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
      // Columns: id, parent, notused, detail.
      sorts = sorts || ColumnText(stmt.get(), 3).find("TEMP B-TREE") != std::string_view::npos;
    }
    if (rc != SQLITE_DONE) return Error(rc, "plan the FILE scan");
    return sorts;
  }

  // Streams `sql` (sha256, sha1, md5[, name, size]) and emits one entry per
  // run of rows with the same three hashes.
  Status Scan(const std::string& sql, std::string_view table, bool with_details) {
    TANTALIO_ASSIGN_OR_RETURN(StatementPtr stmt, Prepare(sql, "read " + std::string(table)));
    std::string last_sha256, last_sha1, last_md5;
    bool have_last = false;
    uint64_t row = 0;
    int rc;
    while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
      ++row;
      std::string_view sha256 = ColumnText(stmt.get(), 0);
      std::string_view sha1 = ColumnText(stmt.get(), 1);
      std::string_view md5 = ColumnText(stmt.get(), 2);
      if (have_last && sha256 == last_sha256 && sha1 == last_sha1 && md5 == last_md5) continue;
      have_last = true;
      last_sha256 = sha256;
      last_sha1 = sha1;
      last_md5 = md5;
      HashSetEntry entry;
      entry.sha256 = sha256;
      entry.sha1 = sha1;
      entry.md5 = md5;
      const RecordLocation where{"row " + std::to_string(row) + " of " + std::string(table)};
      if (with_details) {
        entry.name = ColumnText(stmt.get(), 3);
        switch (sqlite3_column_type(stmt.get(), 4)) {
          case SQLITE_NULL:
            break;
          case SQLITE_INTEGER:
            entry.size = sqlite3_column_int64(stmt.get(), 4);
            break;
          default: {
            std::string_view text = ColumnText(stmt.get(), 4);
            std::optional<int64_t> size = ParseInt64(TrimWhitespace(text));
            if (!size) {
              TANTALIO_RETURN_IF_ERROR(context_.Invalid(
                  where, "file_size " + QuoteForMessage(text) + " is not a number"));
              continue;
            }
            entry.size = size;
          }
        }
      }
      TANTALIO_RETURN_IF_ERROR(context_.Emit(std::move(entry), where));
    }
    if (rc != SQLITE_DONE)
      return Error(rc, "read " + std::string(table) + " after row " + std::to_string(row));
    return Status::Ok();
  }

  const std::string& path_;
  ImportContext& context_;
  ImportReport& report_;
  DatabasePtr db_;
};

// Lower case without '-', '_' and blanks: "SHA-1" -> "sha1", "FileName" ->
// "filename".
std::string CanonicalName(std::string_view name) {
  std::string out;
  for (char c : TrimWhitespace(name)) {
    if (c == '-' || c == '_' || c == ' ') continue;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

Status ReadRdsText(const std::string& path, ImportContext& context, ImportReport& report) {
  TextLineReader reader;
  TANTALIO_RETURN_IF_ERROR(reader.Open(path));
  std::string line;
  std::vector<std::string> fields;
  const bool have_header = NextNonBlankLine(reader, line);
  TANTALIO_RETURN_IF_ERROR(reader.status());
  const RecordLocation header_where{LineLocation(reader.line_number())};
  if (!have_header) {
    return context.Fatal(StatusCode::kInvalidArgument, header_where,
                         "the NSRL file is empty: it needs the header row");
  }
  SplitDelimited(line, ',', fields);
  int sha1 = -1, md5 = -1, sha256 = -1, name = -1, size = -1;
  bool has_md4 = false;
  std::string headers;
  for (size_t i = 0; i < fields.size(); ++i) {
    const std::string column = CanonicalName(fields[i]);
    const int index = static_cast<int>(i);
    if (column == "sha1" && sha1 < 0) sha1 = index;
    if (column == "md5" && md5 < 0) md5 = index;
    if (column == "sha256" && sha256 < 0) sha256 = index;
    if (column == "filename" && name < 0) name = index;
    if (column == "filesize" && size < 0) size = index;
    has_md4 = has_md4 || column == "md4";
    headers += (headers.empty() ? "" : ", ") + fields[i];
  }
  if (sha1 < 0 && md5 < 0 && sha256 < 0) {
    return context.Fatal(StatusCode::kInvalidArgument, header_where,
                         "not an NSRL NSRLFile.txt: the header row has no SHA-1, MD5 or SHA-256 "
                         "column; headers seen: " +
                             headers);
  }
  report.source.format = has_md4 ? "NSRL RDS 1.5" : "NSRL RDSv2";
  const size_t needed =
      static_cast<size_t>(std::max(std::max(std::max(sha1, md5), std::max(sha256, name)), size)) +
      1;

  auto field = [&](int index) -> std::string_view {
    if (index < 0) return {};
    return fields[static_cast<size_t>(index)];
  };
  std::string last_sha1, last_md5, last_sha256;
  bool have_last = false;
  while (reader.Next(line)) {
    if (TrimWhitespace(line).empty()) continue;
    const RecordLocation where{LineLocation(reader.line_number())};
    SplitDelimited(line, ',', fields);  // lenient: an unclosed quote ends at the line end
    if (fields.size() < needed) {
      TANTALIO_RETURN_IF_ERROR(
          context.Invalid(where, "expected at least " + std::to_string(needed) + " fields, found " +
                                     std::to_string(fields.size())));
      continue;
    }
    std::string_view row_sha1 = TrimWhitespace(field(sha1));
    std::string_view row_md5 = TrimWhitespace(field(md5));
    std::string_view row_sha256 = TrimWhitespace(field(sha256));
    if (have_last && row_sha1 == last_sha1 && row_md5 == last_md5 && row_sha256 == last_sha256) {
      continue;  // the same file in another product
    }
    have_last = true;
    last_sha1 = row_sha1;
    last_md5 = row_md5;
    last_sha256 = row_sha256;
    HashSetEntry entry;
    entry.sha1 = row_sha1;
    entry.md5 = row_md5;
    entry.sha256 = row_sha256;
    entry.name = field(name);
    std::string_view size_text = TrimWhitespace(field(size));
    if (!size_text.empty()) {
      std::optional<int64_t> value = ParseInt64(size_text);
      if (!value) {
        TANTALIO_RETURN_IF_ERROR(
            context.Invalid(where, "FileSize " + QuoteForMessage(size_text) + " is not a number"));
        continue;
      }
      entry.size = value;
    }
    TANTALIO_RETURN_IF_ERROR(context.Emit(std::move(entry), where));
  }
  return reader.status();
}

}  // namespace

Status ReadNsrl(const std::string& path, ImportContext& context, ImportReport& report) {
  report.source.agency = "NIST";
  report.source.known_good = true;
  TANTALIO_ASSIGN_OR_RETURN(bool sqlite, HasSqliteMagic(path));
  if (sqlite) return RdsV3Reader(path, context, report).Read();
  return ReadRdsText(path, context, report);
}

}  // namespace tantalio::formats::internal
