#include "cli/output.h"

#include <cstdio>

#include "base/forensic_path.h"

namespace tantalio::cli {

Result<OutputFormat> ParseOutputFormat(const std::string& name) {
  if (name == "table") return OutputFormat::kTable;
  if (name == "csv") return OutputFormat::kCsv;
  if (name == "json") return OutputFormat::kJson;
  return InvalidArgumentError("unknown format '" + name + "' (use table, csv or json)");
}

Cell Cell::Real(double value) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.7f", value);
  return {Kind::kNumber, buf};
}

std::string CsvField(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string JsonString(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

TableWriter::TableWriter(std::ostream& out, OutputFormat format, std::vector<std::string> columns)
    : out_(out), format_(format), columns_(std::move(columns)) {
  if (format_ == OutputFormat::kCsv) {
    for (size_t i = 0; i < columns_.size(); ++i) out_ << (i ? "," : "") << columns_[i];
    out_ << "\n";
  }
}

TableWriter::~TableWriter() {
  if (format_ != OutputFormat::kTable) return;
  std::vector<size_t> width(columns_.size());
  for (size_t i = 0; i < columns_.size(); ++i) width[i] = columns_[i].size();
  for (const auto& row : buffered_) {
    for (size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string text;
    for (size_t i = 0; i < cells.size(); ++i) {
      text += cells[i];
      if (i + 1 < cells.size()) text += std::string(width[i] - cells[i].size() + 2, ' ');
    }
    out_ << text << "\n";
  };
  line(columns_);
  for (const auto& row : buffered_) line(row);
  out_.flush();
}

void TableWriter::Row(std::vector<Cell> cells) {
  ++rows_;
  cells.resize(columns_.size(), Cell::Null());
  switch (format_) {
    case OutputFormat::kTable: {
      std::vector<std::string> row;
      for (const auto& c : cells) row.push_back(EscapeForDisplay(c.text));
      buffered_.push_back(std::move(row));
      break;
    }
    case OutputFormat::kCsv:
      for (size_t i = 0; i < cells.size(); ++i) {
        out_ << (i ? "," : "") << CsvField(EscapeForDisplay(cells[i].text));
      }
      out_ << "\n";
      break;
    case OutputFormat::kJson:
      out_ << "{";
      for (size_t i = 0; i < cells.size(); ++i) {
        out_ << (i ? "," : "") << JsonString(columns_[i]) << ":";
        switch (cells[i].kind) {
          case Cell::Kind::kText:
            out_ << JsonString(EscapeForDisplay(cells[i].text));
            break;
          case Cell::Kind::kNull:
            out_ << "null";
            break;
          default:
            out_ << cells[i].text;
        }
      }
      out_ << "}\n";
      break;
  }
}

}  // namespace tantalio::cli
