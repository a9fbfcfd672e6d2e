// Pieces shared by the text formats: line-oriented input for the text
// readers (hashdeep, hash, PDQ and vPDQ lists, CSV, NSRL RDSv2) and the CSV column
// names. Internal to src/formats/; the functions are defined in
// line_readers.cc.
#ifndef TANTALIO_FORMATS_TEXT_FORMATS_H_
#define TANTALIO_FORMATS_TEXT_FORMATS_H_

#include <array>
#include <cstdint>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace tantalio::formats::internal {

// Reads a text file one line at a time (constant memory beyond the longest
// line): skips a UTF-8 byte-order mark at the start, removes the line feed
// and, unless asked to keep it, a carriage return before it, and counts lines.
class TextLineReader {
 public:
  TextLineReader();
  TextLineReader(const TextLineReader&) = delete;
  TextLineReader& operator=(const TextLineReader&) = delete;

  // Opens `path`; an errno-based error ("open PATH: ...") when it cannot.
  Status Open(const std::string& path);

  // Reads the next line into `line`. Returns false at the end of the file or
  // on a read error; status() tells which.
  bool Next(std::string& line, bool keep_cr = false);

  // The 1-based number of the line last returned by Next().
  uint64_t line_number() const { return line_number_; }

  // IoError when reading stopped for another reason than the end of the file.
  Status status() const;

 private:
  std::vector<char> buffer_;
  std::ifstream in_;
  std::string path_;
  uint64_t line_number_ = 0;
};

// "line N", the location text the line readers use.
std::string LineLocation(uint64_t line_number);

std::string_view TrimWhitespace(std::string_view text);

// Reads lines until one is not blank and leaves it in `line`. False at the
// end of the file (then check reader.status()).
bool NextNonBlankLine(TextLineReader& reader, std::string& line);
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
std::string ToLowerAscii(std::string_view text);

// A decimal integer (optional sign, digits only, no spaces); nullopt when the
// text is anything else or out of range.
std::optional<int64_t> ParseInt64(std::string_view text);

// A plain decimal number: optional sign, digits, optionally '.' and more
// digits ("12", "0.040", "-1.5"; not ".5", "1e3", "inf" or "nan"; no
// spaces). nullopt for anything else. Video frame times are read with it.
std::optional<double> ParseDecimal(std::string_view text);

// The number of seconds `seconds` in the shortest fixed-point text that
// ParseDecimal reads back as the same double ("2", "0.1", "1234.5678").
std::string FormatSeconds(double seconds);

// true/false/yes/no/1/0 in any case, surrounding whitespace ignored. nullopt
// inside the Result for an empty value (unknown); kInvalidArgument for
// anything else.
Result<std::optional<bool>> ParseBool(std::string_view text);

// `value` for a message: quoted as given when short, cut with "..." when
// longer than `max_chars`.
std::string QuoteForMessage(std::string_view value, size_t max_chars = 80);

// vPDQ frame lists, "video_id,time,quality,hash" per line: what the reader
// and format detection share. Splits `line` at its commas into the four
// fields, each trimmed; false when it has more or fewer than four.
bool SplitVpdqLine(std::string_view line, std::array<std::string_view, 4>& fields);
// The header row: "time", "quality" and "hash" (or "pdq") in the last three
// fields, any case; the first field's name is free ("video_id", "video").
bool IsVpdqHeader(const std::array<std::string_view, 4>& fields);

// Splits one delimited record into `fields` (cleared first), RFC 4180 style:
// a field that starts with a double quote (leading blanks ignored) runs to the
// matching quote, `""` inside it is one quote, separators and line breaks
// inside it are data. Lenient with stray quotes: a quote inside an unquoted
// field is data, and text after a closing quote is appended to the field.
// Returns false when the record ends inside a quoted field (the caller may
// append the next line and split again); `fields` then holds what was read,
// the open field last.
bool SplitDelimited(std::string_view record, char separator, std::vector<std::string>& fields);

// The CSV columns, one per HashSetEntry field, named as the fields and in
// their order (the later additions last, so older files keep their column
// order): what the CSV writer puts in its header and the CSV reader finds
// without a column mapping.
inline constexpr std::array<std::string_view, 20> kCsvFieldNames = {
    "md5",
    "sha1",
    "sha256",
    "pdq",
    "pdq_quality",
    "photodna",
    "category",
    "category_source",
    "series",
    "victim_identified",
    "offender_identified",
    "distributed",
    "tags",
    "comments",
    "source_ref",
    "size",
    "mime_type",
    "name",
    "media_time",
    "chromaprint",
};

}  // namespace tantalio::formats::internal

#endif  // TANTALIO_FORMATS_TEXT_FORMATS_H_
