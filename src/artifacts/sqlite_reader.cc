#include "artifacts/sqlite_reader.h"

#include <cctype>
#include <cstdio>
#include <filesystem>
#include <system_error>

#include "artifacts/whatsapp_android.h"

namespace tantalio::artifacts::sqlite {

namespace fs = std::filesystem;

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string QuoteIdent(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string Snippet(std::string_view text) {
  std::string out(text.substr(0, 60));
  if (text.size() > 60) out += "...";
  return out;
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& name : names) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out.empty() ? "(none)" : out;
}

size_t Utf8Cut(const unsigned char* bytes, size_t size, size_t cap) {
  if (size <= cap) return size;
  size = cap;
  while (size > 0 && (bytes[size] & 0xC0) == 0x80) --size;
  return size;
}

Status SqliteStatus(sqlite3* db, int rc, std::string_view what) {
  std::string message = std::string(what) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  int primary = rc & 0xff;
  if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB) return CorruptError(message);
  if (primary == SQLITE_NOMEM || primary == SQLITE_TOOBIG) return ResourceExhaustedError(message);
  return IoError(message);
}

Result<Stmt> Stmt::Prepare(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return SqliteStatus(db, rc, "prepare \"" + Snippet(sql) + "\"");
  }
  return Stmt(db, stmt);
}

Result<bool> Stmt::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqliteStatus(db_, rc, "step");
}

std::string Stmt::ColumnName(int column) const {
  const char* name = sqlite3_column_name(stmt_, column);
  return name == nullptr ? std::string() : std::string(name);
}

std::string Stmt::Text(int column, size_t cap, bool* truncated) const {
  *truncated = false;
  const unsigned char* bytes = sqlite3_column_text(stmt_, column);
  if (bytes == nullptr) return {};
  size_t size = static_cast<size_t>(sqlite3_column_bytes(stmt_, column));
  size_t kept = Utf8Cut(bytes, size, cap);
  *truncated = kept < size;
  return std::string(reinterpret_cast<const char*>(bytes), kept);
}

std::string_view Stmt::TextView(int column) const {
  const unsigned char* bytes = sqlite3_column_text(stmt_, column);
  if (bytes == nullptr) return {};
  size_t size = static_cast<size_t>(sqlite3_column_bytes(stmt_, column));
  return std::string_view(reinterpret_cast<const char*>(bytes), size);
}

Result<DbPtr> OpenReadOnly(const std::string& db_path) {
  std::error_code ec;
  if (!fs::exists(db_path, ec)) return NotFoundError("open " + db_path + ": no such file");
  if (!fs::is_regular_file(db_path, ec)) {
    return InvalidArgumentError("open " + db_path + ": not a regular file");
  }
  sqlite3* raw = nullptr;
  int rc =
      sqlite3_open_v2(db_path.c_str(), &raw, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
  DbPtr db(raw);
  if (rc != SQLITE_OK) return SqliteStatus(raw, rc, "open " + db_path);
  sqlite3_extended_result_codes(raw, 1);
  // Belt and braces: no statement of ours may write.
  sqlite3_exec(raw, "PRAGMA query_only = 1", nullptr, nullptr, nullptr);
  return db;
}

Result<Schema> ReadSchema(sqlite3* db, const std::string& db_path) {
  Schema schema;
  std::vector<std::string> names;
  {
    auto stmt = Stmt::Prepare(db, "SELECT name FROM sqlite_master WHERE type = 'table'");
    if (!stmt.ok()) return stmt.status().WithContext("read schema of " + db_path);
    while (true) {
      auto row = stmt->Step();
      if (!row.ok()) return row.status().WithContext("read schema of " + db_path);
      if (!*row) break;
      bool truncated = false;
      names.push_back(stmt->Text(0, 4096, &truncated));
    }
  }
  for (const std::string& name : names) {
    std::set<std::string>& columns = schema[Lower(name)];
    auto stmt = Stmt::Prepare(db, "PRAGMA table_info(" + QuoteIdent(name) + ")");
    if (!stmt.ok()) continue;  // e.g. a virtual table whose module is missing
    while (true) {
      auto row = stmt->Step();
      if (!row.ok() || !*row) break;
      bool truncated = false;
      columns.insert(Lower(stmt->Text(1, 4096, &truncated)));
    }
  }
  return schema;
}

std::vector<std::string> TableNames(const Schema& schema) {
  std::vector<std::string> names;
  names.reserve(schema.size());
  for (const auto& entry : schema) names.push_back(entry.first);
  return names;
}

std::string Fingerprint(const Schema& schema) {
  uint64_t hash = 1469598103934665603ULL;
  auto mix = [&hash](std::string_view text) {
    for (unsigned char c : text) {
      hash ^= c;
      hash *= 1099511628211ULL;
    }
  };
  for (const auto& [table, columns] : schema) {
    mix(table);
    mix("(");
    bool first = true;
    for (const std::string& column : columns) {
      if (!first) mix(",");
      first = false;
      mix(column);
    }
    mix(");");
  }
  char out[17];
  std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(hash));
  return out;
}

bool TableReader::HasColumn(const std::string& table, const std::string& column) const {
  auto it = schema_.find(table);
  return it != schema_.end() && it->second.count(column) > 0;
}

std::string TableReader::Col(const std::string& table, const std::string& alias,
                             const std::string& column) {
  if (HasColumn(table, column)) return alias + "." + column;
  if (HasTable(table)) Warn(table + "." + column + ": column absent; field left empty");
  return "NULL";
}

std::string TableReader::Cols(const std::string& table, const std::string& alias,
                              std::initializer_list<const char*> columns) {
  std::string out;
  for (const char* column : columns) {
    if (!out.empty()) out += ", ";
    out += Col(table, alias, column);
  }
  return out;
}

std::string TableReader::ColQuiet(const std::string& table, const std::string& alias,
                                  const std::string& column) const {
  return HasColumn(table, column) ? alias + "." + column : "NULL";
}

void TableReader::Warn(std::string warning) {
  if (sink_.warnings->size() < sink_.max_warnings) {
    sink_.warnings->push_back(std::move(warning));
  } else {
    ++suppressed_;
  }
}

void TableReader::FlushSuppressedWarnings() {
  if (suppressed_ == 0) return;
  sink_.warnings->push_back("warnings: " + std::to_string(suppressed_) +
                            " more suppressed (ReadOptions::max_warnings)");
  suppressed_ = 0;
}

std::string TableReader::DecodeHash(const std::string& base64, const std::string& what) {
  if (base64.empty()) return {};
  auto hex = DecodeBase64Sha256(base64);
  if (!hex) {
    Warn(what + ": invalid base64 SHA-256 \"" + Snippet(base64) + "\"");
    return {};
  }
  return *hex;
}

std::string TableReader::Text(const Stmt& stmt, int column, const std::string& what) {
  bool truncated = false;
  std::string text = stmt.Text(column, sink_.max_text_bytes, &truncated);
  if (truncated) {
    Warn(what + ": text cell capped at " + std::to_string(sink_.max_text_bytes) + " bytes");
  }
  return text;
}

bool TableReader::RequireTable(const std::string& table, std::initializer_list<const char*> keys,
                               std::string if_absent, std::string if_no_keys) {
  if (!HasTable(table)) {
    Warn(std::move(if_absent));
    return false;
  }
  CountRows(table);
  for (const char* key : keys) {
    if (!HasColumn(table, key)) {
      Warn(std::move(if_no_keys));
      return false;
    }
  }
  return true;
}

void TableReader::CountRows(const std::string& table) {
  if (!HasTable(table)) return;
  auto stmt = Stmt::Prepare(db_, "SELECT COUNT(*) FROM " + QuoteIdent(table));
  if (!stmt.ok()) {
    Warn(table + ": cannot count rows: " + stmt.status().message());
    return;
  }
  auto row = stmt->Step();
  if (!row.ok() || !*row) {
    Warn(table + ": cannot count rows" + (row.ok() ? "" : ": " + row.status().message()));
    return;
  }
  (*sink_.table_rows)[table] = stmt->Int(0);
}

int64_t TableReader::Rows(const std::string& table) const {
  auto it = sink_.table_rows->find(table);
  return it == sink_.table_rows->end() ? 0 : it->second;
}

}  // namespace tantalio::artifacts::sqlite
