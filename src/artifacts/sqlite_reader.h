// Internal to the artifacts module: the SQLite helpers every app-database
// reader shares (read-only open, schema probe, schema fingerprint, prepared
// statements, and a probing base class that turns absent tables/columns into
// NULL fields plus warnings). Not a public interface: include it only from
// artifacts/*.cc.
//
// Evidence contract: OpenReadOnly never writes the database, but SQLite may
// still create a -shm beside it and only applies a -wal with the matching
// name; callers read a private copy (CopyWithSidecars), never the evidence.
#ifndef TANTALIO_ARTIFACTS_SQLITE_READER_H_
#define TANTALIO_ARTIFACTS_SQLITE_READER_H_

#include <sqlite3.h>

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace tantalio::artifacts::sqlite {

// ASCII lower case.
std::string Lower(std::string_view text);
// Quotes an identifier taken from sqlite_master (it may be hostile).
std::string QuoteIdent(std::string_view name);
// The first 60 bytes of `text` plus "..." when longer: keeps warnings readable.
std::string Snippet(std::string_view text);
// "a, b, c", or "(none)" when empty.
std::string JoinNames(const std::vector<std::string>& names);
// Cuts `size` back to at most `cap` bytes without splitting a UTF-8 sequence
// of `bytes` (a cut never lands on a continuation byte).
size_t Utf8Cut(const unsigned char* bytes, size_t size, size_t cap);

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using DbPtr = std::unique_ptr<sqlite3, DbCloser>;

// Maps an SQLite result code to a Status: CORRUPT/NOTADB -> Corrupt,
// NOMEM/TOOBIG -> ResourceExhausted, anything else -> IoError. The message is
// "what: <sqlite message>".
Status SqliteStatus(sqlite3* db, int rc, std::string_view what);

// A prepared statement; movable, finalised on destruction. Not thread-safe
// (one connection, one thread).
class Stmt {
 public:
  static Result<Stmt> Prepare(sqlite3* db, const std::string& sql);
  Stmt(Stmt&& other) noexcept : db_(other.db_), stmt_(std::exchange(other.stmt_, nullptr)) {}
  Stmt& operator=(Stmt&&) = delete;
  Stmt(const Stmt&) = delete;
  ~Stmt() { sqlite3_finalize(stmt_); }

  // True for a row, false when done.
  Result<bool> Step();

  int ColumnCount() const { return sqlite3_column_count(stmt_); }
  // The result column's name as SQLite reports it ("" when unknown).
  std::string ColumnName(int column) const;
  // The storage class of the current row's value (SQLITE_INTEGER, SQLITE_TEXT,
  // ...). Valid only before any accessor below converts the value.
  int Type(int column) const { return sqlite3_column_type(stmt_, column); }
  bool IsNull(int column) const { return Type(column) == SQLITE_NULL; }
  int64_t Int(int column) const { return sqlite3_column_int64(stmt_, column); }
  std::optional<int64_t> OptInt(int column) const {
    if (IsNull(column)) return std::nullopt;
    return Int(column);
  }
  double Double(int column) const { return sqlite3_column_double(stmt_, column); }
  std::optional<double> OptDouble(int column) const {
    if (IsNull(column)) return std::nullopt;
    return Double(column);
  }
  // TEXT (or BLOB bytes) of `column`, cut to at most `cap` bytes at a UTF-8
  // boundary; *truncated says whether it was cut.
  std::string Text(int column, size_t cap, bool* truncated) const;
  // The value as UTF-8 text without copying; valid until the next Step() or
  // conversion of the same column.
  std::string_view TextView(int column) const;

 private:
  Stmt(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

// Table name (lower case) -> column names (lower case).
using Schema = std::map<std::string, std::set<std::string>>;

// Opens `db_path` with SQLITE_OPEN_READONLY and PRAGMA query_only. Errors:
// NotFound (missing), InvalidArgument (not a regular file), else SqliteStatus.
Result<DbPtr> OpenReadOnly(const std::string& db_path);

// Reads sqlite_master (type 'table' only: views are never read) and each
// table's PRAGMA table_info columns. A table whose columns cannot be listed
// (e.g. a virtual table whose module is missing) is kept with no columns.
// Errors (corrupt or not a database) carry "read schema of <db_path>".
Result<Schema> ReadSchema(sqlite3* db, const std::string& db_path);

// The schema's table names, sorted.
std::vector<std::string> TableNames(const Schema& schema);

// FNV-1a 64 (16 lower-case hex, not cryptographic) of the sorted
// "table(col,col,...);" list.
std::string Fingerprint(const Schema& schema);

// Where a TableReader reports, and its bounds.
struct TableReaderSink {
  std::vector<std::string>* warnings = nullptr;          // required
  std::map<std::string, int64_t>* table_rows = nullptr;  // required: COUNT(*) per table read
  size_t max_text_bytes = 1 << 20;
  size_t max_warnings = 1000;
};

// Base of the schema-probing readers: every table and column is checked
// against the probed Schema before it is named in SQL, absent optional ones
// become NULL plus a warning, and read errors become warnings that keep what
// was read. Not thread-safe.
class TableReader {
 public:
  TableReader(sqlite3* db, Schema schema, const TableReaderSink& sink)
      : db_(db), schema_(std::move(schema)), sink_(sink) {}
  TableReader(const TableReader&) = delete;
  TableReader& operator=(const TableReader&) = delete;

 protected:
  ~TableReader() = default;

  sqlite3* db() const { return db_; }
  const Schema& schema() const { return schema_; }

  // Names are the lower-case ones of the Schema.
  bool HasTable(const std::string& table) const { return schema_.count(table) > 0; }
  bool HasColumn(const std::string& table, const std::string& column) const;
  // "alias.column" when present, else "NULL" plus a warning (when the table
  // itself exists: its absence is reported elsewhere).
  std::string Col(const std::string& table, const std::string& alias, const std::string& column);
  // Col() of each column, joined by ", " (the select list of one table).
  std::string Cols(const std::string& table, const std::string& alias,
                   std::initializer_list<const char*> columns);
  // Same, silently (for columns whose absence another warning already covers).
  std::string ColQuiet(const std::string& table, const std::string& alias,
                       const std::string& column) const;

  // Keeps the first max_warnings warnings and counts the rest.
  void Warn(std::string warning);
  // Appends "warnings: N more suppressed (ReadOptions::max_warnings)" when
  // warnings were dropped. Call once, at the end.
  void FlushSuppressedWarnings();

  // A base64 SHA-256 cell (WhatsApp's media hashes) as 64 lower-case hex;
  // "" when empty, and "" plus a warning naming `what` when invalid.
  std::string DecodeHash(const std::string& base64, const std::string& what);

  // Column text capped at max_text_bytes; a cut is reported as "what: text
  // cell capped at N bytes".
  std::string Text(const Stmt& stmt, int column, const std::string& what);
  size_t max_text_bytes() const { return sink_.max_text_bytes; }

  // True when `table` exists and has every column of `keys`; its rows are
  // then counted. Otherwise warns with `if_absent` or `if_no_keys`.
  bool RequireTable(const std::string& table, std::initializer_list<const char*> keys,
                    std::string if_absent, std::string if_no_keys);
  // Records COUNT(*) of `table` (when it exists) in table_rows.
  void CountRows(const std::string& table);
  // The counted rows of `table`, 0 when not counted.
  int64_t Rows(const std::string& table) const;

  // Runs `sql` and calls `on_row(const Stmt&)` per row. Preparation errors
  // and mid-table read errors (corrupt pages) become warnings: what was read
  // is kept.
  template <typename OnRow>
  void ForEachRow(const std::string& what, const std::string& sql, OnRow on_row) {
    auto stmt = Stmt::Prepare(db_, sql);
    if (!stmt.ok()) {
      Warn(what + ": not read: " + stmt.status().message());
      return;
    }
    int64_t rows = 0;
    while (true) {
      auto row = stmt->Step();
      if (!row.ok()) {
        Warn(what + ": read stopped after " + std::to_string(rows) +
             " row(s): " + row.status().message());
        return;
      }
      if (!*row) return;
      ++rows;
      on_row(*stmt);
    }
  }

 private:
  sqlite3* db_;
  Schema schema_;
  TableReaderSink sink_;
  size_t suppressed_ = 0;
};

}  // namespace tantalio::artifacts::sqlite

#endif  // TANTALIO_ARTIFACTS_SQLITE_READER_H_
