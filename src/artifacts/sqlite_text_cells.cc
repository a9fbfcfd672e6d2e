#include "artifacts/sqlite_text_cells.h"

#include <optional>
#include <set>
#include <utility>

#include "artifacts/sqlite_reader.h"

namespace tantalio::artifacts {
namespace {

using sqlite::Lower;
using sqlite::QuoteIdent;
using sqlite::Stmt;

constexpr size_t kMinCellBytes = 6;
constexpr size_t kMaxWarnings = 1000;

struct TableEntry {
  std::string name;
  bool is_virtual = false;
};

class Scanner {
 public:
  Scanner(sqlite3* db, const TextCellLimits& limits,
          const std::function<bool(const TextCell&)>& visit, TextCellScan* out)
      : db_(db), limits_(limits), visit_(visit), out_(out) {}

  Status Run(const std::string& db_path) {
    TANTALIO_ASSIGN_OR_RETURN(std::vector<TableEntry> tables, ReadTables(db_path));
    for (const TableEntry& table : tables) {
      if (Lower(table.name).rfind("sqlite_", 0) == 0) continue;  // internal
      if (table.is_virtual) {
        Warn(table.name + ": virtual table not read (its shadow tables are)");
        continue;
      }
      if (!ScanTable(table.name)) break;
    }
    if (suppressed_ > 0) {
      out_->warnings.push_back("warnings: " + std::to_string(suppressed_) + " more suppressed");
    }
    return Status::Ok();
  }

 private:
  void Warn(std::string warning) {
    if (out_->warnings.size() < kMaxWarnings) {
      out_->warnings.push_back(std::move(warning));
    } else {
      ++suppressed_;
    }
  }

  // Ordinary and virtual tables from sqlite_master, in name order.
  Result<std::vector<TableEntry>> ReadTables(const std::string& db_path) {
    std::vector<TableEntry> tables;
    auto stmt = Stmt::Prepare(
        db_, "SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name");
    if (!stmt.ok()) return stmt.status().WithContext("read schema of " + db_path);
    while (true) {
      auto row = stmt->Step();
      if (!row.ok()) return row.status().WithContext("read schema of " + db_path);
      if (!*row) break;
      TableEntry table;
      table.name = std::string(stmt->TextView(0));
      bool cut = false;
      table.is_virtual = Lower(stmt->Text(1, 64, &cut)).rfind("create virtual table", 0) == 0;
      tables.push_back(std::move(table));
    }
    return tables;
  }

  // The first rowid alias no declared column shadows; "" when all are.
  std::string RowidAlias(const std::string& table) {
    std::set<std::string> columns;
    auto stmt = Stmt::Prepare(db_, "PRAGMA table_info(" + QuoteIdent(table) + ")");
    if (stmt.ok()) {
      while (true) {
        auto row = stmt->Step();
        if (!row.ok() || !*row) break;
        columns.insert(Lower(stmt->TextView(1)));
      }
    }
    for (const char* alias : {"rowid", "_rowid_", "oid"}) {
      if (columns.count(alias) == 0) return alias;
    }
    return "";
  }

  // Visits one table's cells. False when the scan must stop (a limit, or the
  // visitor said so).
  bool ScanTable(const std::string& table) {
    std::string from = " FROM " + QuoteIdent(table);
    std::string alias = RowidAlias(table);
    bool has_rowid = false;
    std::optional<Stmt> stmt;
    if (!alias.empty()) {
      auto with_rowid = Stmt::Prepare(db_, "SELECT " + alias + ", *" + from);
      if (with_rowid.ok()) {
        stmt.emplace(std::move(*with_rowid));
        has_rowid = true;
      }
    }
    if (!stmt) {
      auto without = Stmt::Prepare(db_, "SELECT NULL, *" + from);
      if (!without.ok()) {
        Warn(table + ": not read: " + without.status().message());
        return true;
      }
      stmt.emplace(std::move(*without));
      Warn(table + ": no rowid (WITHOUT ROWID table); rowid reported as the row's position");
    }
    std::vector<std::string> columns;
    for (int i = 0; i < stmt->ColumnCount(); ++i) columns.push_back(stmt->ColumnName(i));

    TextCell cell;
    cell.table = table;
    int64_t position = 0;
    uint64_t cut_cells = 0;
    bool go_on = true;
    while (go_on) {
      auto row = stmt->Step();
      if (!row.ok()) {
        Warn(table + ": read stopped after " + std::to_string(position) +
             " row(s): " + row.status().message());
        break;
      }
      if (!*row) break;
      ++position;
      cell.rowid = has_rowid ? stmt->Int(0) : position;
      for (size_t i = 1; i < columns.size() && go_on; ++i) {
        int column = static_cast<int>(i);
        if (stmt->Type(column) != SQLITE_TEXT) continue;  // before any conversion
        std::string_view text = stmt->TextView(column);
        if (text.size() < kMinCellBytes) continue;
        size_t kept = sqlite::Utf8Cut(reinterpret_cast<const unsigned char*>(text.data()),
                                      text.size(), limits_.max_cell_bytes);
        if (out_->cells >= limits_.max_cells || out_->bytes + kept > limits_.max_total_bytes) {
          out_->truncated = true;
          go_on = false;
          break;
        }
        if (kept < text.size()) ++cut_cells;
        cell.column = columns[i];
        cell.text = text.substr(0, kept);
        ++out_->cells;
        out_->bytes += kept;
        if (!visit_(cell)) go_on = false;
      }
    }
    if (cut_cells > 0) {
      Warn(table + ": " + std::to_string(cut_cells) + " cell(s) cut at " +
           std::to_string(limits_.max_cell_bytes) + " bytes");
    }
    return go_on;
  }

  sqlite3* db_;
  const TextCellLimits& limits_;
  const std::function<bool(const TextCell&)>& visit_;
  TextCellScan* out_;
  size_t suppressed_ = 0;
};

}  // namespace

Result<TextCellScan> ForEachTextCell(const std::string& db_path, const TextCellLimits& limits,
                                     const std::function<bool(const TextCell&)>& visit) {
  TANTALIO_ASSIGN_OR_RETURN(sqlite::DbPtr db, sqlite::OpenReadOnly(db_path));
  TextCellScan scan;
  Scanner scanner(db.get(), limits, visit, &scan);
  TANTALIO_RETURN_IF_ERROR(scanner.Run(db_path));
  return scan;
}

}  // namespace tantalio::artifacts
