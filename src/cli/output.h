// Tabular output for the CLI in three formats: an aligned table for people,
// CSV (RFC 4180, with a header row) and JSON (one object per line).
//
// Byte strings from evidence (paths, link targets) are printed in their
// escaped display form (EscapeForDisplay), so output is always valid UTF-8
// and one record never spans lines.
#ifndef TANTALIO_CLI_OUTPUT_H_
#define TANTALIO_CLI_OUTPUT_H_

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "base/status.h"

namespace tantalio::cli {

enum class OutputFormat { kTable, kCsv, kJson };

// Parses "table", "csv" or "json".
Result<OutputFormat> ParseOutputFormat(const std::string& name);

// A cell: text, or a JSON-typed value (number, boolean, null).
struct Cell {
  enum class Kind { kText, kNumber, kBool, kNull };
  Kind kind = Kind::kText;
  std::string text;

  static Cell Text(std::string value) { return {Kind::kText, std::move(value)}; }
  static Cell Number(int64_t value) { return {Kind::kNumber, std::to_string(value)}; }
  static Cell Real(double value);
  static Cell Bool(bool value) { return {Kind::kBool, value ? "true" : "false"}; }
  static Cell Null() { return {Kind::kNull, ""}; }
};

// Writes rows as they come (CSV and JSON stream; the table buffers to align).
class TableWriter {
 public:
  TableWriter(std::ostream& out, OutputFormat format, std::vector<std::string> columns);
  ~TableWriter();  // flushes a buffered table
  void Row(std::vector<Cell> cells);
  size_t rows() const { return rows_; }

 private:
  std::ostream& out_;
  OutputFormat format_;
  std::vector<std::string> columns_;
  std::vector<std::vector<std::string>> buffered_;
  size_t rows_ = 0;
};

std::string CsvField(const std::string& text);
std::string JsonString(const std::string& text);

}  // namespace tantalio::cli

#endif  // TANTALIO_CLI_OUTPUT_H_
