// RAII over sqlite3 and sqlite3_stmt, with Status-returning helpers.
// Internal to the SQLite backend.
#ifndef TANTALIO_STORE_SQLITE_SQLITE_HANDLE_H_
#define TANTALIO_STORE_SQLITE_SQLITE_HANDLE_H_

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace tantalio::sqlite {

// The current UTC time as stored: "2026-11-27T19:04:57.123Z".
std::string UtcNow();

class Database {
 public:
  static Result<std::unique_ptr<Database>> Open(const std::string& path);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  sqlite3* get() const { return db_; }
  // Runs one or more statements without results.
  Status Exec(std::string_view sql);
  // A Status for the last error, prefixed with `what`.
  Status Error(std::string_view what) const;

 private:
  explicit Database(sqlite3* db) : db_(db) {}
  sqlite3* db_;
};

class Statement {
 public:
  Statement(Database& db, std::string_view sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // The preparation status; every other call requires it to be OK.
  const Status& status() const { return status_; }

  Statement& Bind(int index, int64_t value);
  Statement& Bind(int index, std::string_view text);  // stored as TEXT, bytes kept exactly
  Statement& BindBlob(int index, std::string_view bytes);
  Statement& Bind(int index, const std::optional<int64_t>& value);
  Statement& Bind(int index, const std::optional<double>& value);
  Statement& BindNull(int index);

  // Steps once. Returns true for a row, false when done.
  Result<bool> Step();
  // Steps to completion (for statements without rows) and resets.
  Status Run();
  void Reset();

  int64_t Int(int column) const;
  double Double(int column) const;
  bool IsNull(int column) const;
  std::optional<int64_t> OptionalInt(int column) const;  // nullopt for NULL
  std::string Text(int column) const;                    // TEXT or BLOB bytes, exactly

 private:
  Database& db_;
  sqlite3_stmt* stmt_ = nullptr;
  Status status_;
};

// BEGIN IMMEDIATE ... COMMIT; rolls back unless Commit() succeeded.
class Transaction {
 public:
  explicit Transaction(Database& db);
  ~Transaction();
  const Status& status() const { return status_; }
  Status Commit();

 private:
  Database& db_;
  Status status_;
  bool open_ = false;
};

}  // namespace tantalio::sqlite

#endif  // TANTALIO_STORE_SQLITE_SQLITE_HANDLE_H_
