// Walks the TEXT cells of any SQLite database (other apps' databases found on
// a device) so that identifier extraction can run over them.
//
// Evidence contract: the database is opened read-only, but SQLite may still
// create a -shm beside it; scan a private copy (CopyWithSidecars), never the
// evidence itself.
#ifndef TANTALIO_ARTIFACTS_SQLITE_TEXT_CELLS_H_
#define TANTALIO_ARTIFACTS_SQLITE_TEXT_CELLS_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace tantalio::artifacts {

struct TextCell {
  std::string table;   // as spelled in sqlite_master
  std::string column;  // result column name
  // The row's rowid. WITHOUT ROWID tables (and tables whose columns shadow
  // every rowid alias) have none: there it is the row's 1-based position in
  // the table's scan order, and a warning says so.
  int64_t rowid = 0;
  // UTF-8 bytes of the cell (cut at TextCellLimits::max_cell_bytes on a UTF-8
  // boundary). Valid only during the visit call.
  std::string_view text;
};

struct TextCellLimits {
  size_t max_cells = 1'000'000;        // cells visited, in all
  size_t max_total_bytes = 256 << 20;  // bytes visited, in all (after cuts)
  size_t max_cell_bytes = 1 << 20;     // longer cells are cut to this
};

struct TextCellScan {
  uint64_t cells = 0;  // cells visited
  uint64_t bytes = 0;  // bytes visited
  // A limit stopped the scan before every cell was visited (not set when the
  // visitor asked to stop).
  bool truncated = false;
  // Tables skipped or cut short, cells cut at max_cell_bytes, read errors.
  std::vector<std::string> warnings;
};

// Calls `visit` for every value of storage class TEXT (sqlite3_column_type ==
// SQLITE_TEXT: integers, reals and blobs are never converted) of at least 6
// bytes in every ordinary table of `db_path`, table by table in name order and
// rows in scan order. Views, virtual tables and sqlite_* internal tables are
// not read. `visit` returns false to stop the scan. The scan stops with
// truncated = true before the cell that would pass max_cells or
// max_total_bytes. A table that fails mid-read is reported in warnings and the
// scan goes on with the next one.
// Errors: NotFound when the file is missing, Corrupt when it is not a readable
// SQLite database (its schema cannot be read).
Result<TextCellScan> ForEachTextCell(const std::string& db_path, const TextCellLimits& limits,
                                     const std::function<bool(const TextCell&)>& visit);

}  // namespace tantalio::artifacts

#endif  // TANTALIO_ARTIFACTS_SQLITE_TEXT_CELLS_H_
