// The line-oriented readers: hashdeep 1.0 and md5deep output, plain hash
// lists, PDQ and vPDQ lists and CSV; plus the text helpers they share with
// the NSRL RDSv2 reader (text_formats.h).
//
// Every reader streams with std::getline: one line (or, for CSV, one record
// whose quoted fields span lines) is held at a time. Locations are "line N",
// counted from 1 in the file as stored (a record spanning lines is located at
// its first line). A UTF-8 byte-order mark is skipped and CRLF line ends are
// accepted everywhere.
//
// Decisions per format:
//   hashdeep  "%%%% HASHDEEP-1.0", then the "%%%% size,...,filename" column
//             list; md5, sha1/sha-1 and sha256/sha-256 are read, other hash
//             columns (whirlpool, tiger, sha3...) skipped; a data line is split
//             at most columns-1 times, so commas stay in the file name. An
//             empty size field is an unknown size (tantalio's writer puts one
//             there). A later HASHDEEP header (concatenated files) starts
//             over. '#' lines are comments.
//   md5deep   without the header: "<hash>  <path>" (also "<hash> *<path>"),
//             "-z" "<size>  <hash>  <path>" and "-Z" triage lines; the hash
//             type comes from its length (32, 40, 64). The path is kept as
//             written after the two-space separator.
//   hash list one hash per line, surrounding whitespace trimmed.
//   PDQ list  "hash[,quality][,label]": the label is everything after the
//             second comma, verbatim (commas included); a first line whose
//             hash field reads "hash" or "pdq" is a header and skipped.
//   vPDQ      "video_id,time,quality,hash", one line per video frame: exactly
//             four fields, each trimmed, so the video id cannot hold a comma
//             (nor start with '#', which makes a comment line). The time is
//             a decimal number of seconds >= 0 ("12", "12.480"); an empty
//             quality is not given. A first line reading
//             "<anything>,time,quality,hash" (or "...,pdq") is the header.
//             Each line is one entry: source_ref = video id, media_time,
//             pdq_quality, pdq.
//   CSV       separator ',', ';' or TAB, whichever the header row holds most
//             (outside quotes). Columns: options.csv_columns first, then the
//             HashSetEntry field names, then aliases (kCsvAliases), compared
//             case-insensitively without blanks, '-', '_', '.' and
//             parentheses. Unknown columns are ignored; a file without a hash
//             column is refused. A record must have as many fields as the
//             header. Hashes, numbers, booleans, PhotoDNA, Chromaprint,
//             MIME type and the media time are trimmed; other text is kept
//             verbatim. A file needs an MD5, SHA-1, SHA-256, PDQ or
//             Chromaprint column. Categories: with a
//             category_source column (what the CSV writer produces) the
//             category column is a project category 0..4 taken as is (no
//             scheme, even when options.category_map is given); without one
//             the category column is the source's value, mapped by the scheme
//             in force ("vics-us" unless options.category_map overrides it).
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "base/hex.h"
#include "formats/readers.h"
#include "formats/text_formats.h"

namespace tantalio::formats::internal {

// ---------------------------------------------------------------------------
// Shared text helpers.

namespace {

constexpr size_t kReadBufferBytes = 1 << 20;
constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

}  // namespace

TextLineReader::TextLineReader() : buffer_(kReadBufferBytes) {}

Status TextLineReader::Open(const std::string& path) {
  path_ = path;
  // The buffer must be installed before open() to take effect everywhere.
  in_.rdbuf()->pubsetbuf(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
  errno = 0;
  in_.open(path, std::ios::binary);
  if (!in_.is_open()) return ErrnoError("open " + path, errno != 0 ? errno : ENOENT);
  return Status::Ok();
}

bool TextLineReader::Next(std::string& line, bool keep_cr) {
  // A last line without a line feed still counts: getline then sets eof
  // but not fail.
  if (!std::getline(in_, line)) return false;
  ++line_number_;
  if (line_number_ == 1 && line.starts_with(kUtf8Bom)) {
    line.erase(0, kUtf8Bom.size());
  }
  if (!keep_cr && !line.empty() && line.back() == '\r') line.pop_back();
  return true;
}

Status TextLineReader::status() const {
  if (in_.bad()) {
    return IoError("read " + path_ + " after line " + std::to_string(line_number_) +
                   ": read error");
  }
  return Status::Ok();
}

std::string LineLocation(uint64_t line_number) { return "line " + std::to_string(line_number); }

std::string_view TrimWhitespace(std::string_view text) {
  size_t begin = 0;
  size_t end = text.size();
  while (begin < end && std::isspace(static_cast<unsigned char>(text[begin]))) ++begin;
  while (end > begin && std::isspace(static_cast<unsigned char>(text[end - 1]))) --end;
  return text.substr(begin, end - begin);
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

bool NextNonBlankLine(TextLineReader& reader, std::string& line) {
  while (reader.Next(line)) {
    if (!TrimWhitespace(line).empty()) return true;
  }
  return false;
}

std::string ToLowerAscii(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::optional<int64_t> ParseInt64(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::string_view digits = text;
  if (digits.front() == '+') digits.remove_prefix(1);
  if (digits.empty() || digits.front() == '+') return std::nullopt;
  int64_t value = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return value;
}

std::optional<double> ParseDecimal(std::string_view text) {
  auto digits_end = [](std::string_view rest) {
    size_t n = 0;
    while (n < rest.size() && rest[n] >= '0' && rest[n] <= '9') ++n;
    return n;
  };
  const bool signed_number = text.starts_with('+') || text.starts_with('-');
  const std::string_view rest = signed_number ? text.substr(1) : text;
  // from_chars takes a '-' but no '+'.
  const std::string_view number = text.starts_with('+') ? rest : text;
  size_t whole = digits_end(rest);
  if (whole == 0) return std::nullopt;
  if (whole < rest.size()) {
    std::string_view fraction = rest.substr(whole);
    if (fraction.front() != '.' || fraction.size() == 1 ||
        digits_end(fraction.substr(1)) != fraction.size() - 1) {
      return std::nullopt;
    }
  }
  double value = 0;
  auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value,
                                   std::chars_format::fixed);
  if (ec != std::errc() || end != number.data() + number.size()) return std::nullopt;
  return value;
}

std::string FormatSeconds(double seconds) {
  char buffer[400];  // the longest fixed-point double is about 330 characters
  auto [end, ec] =
      std::to_chars(buffer, buffer + sizeof(buffer), seconds, std::chars_format::fixed);
  if (ec != std::errc()) return std::to_string(seconds);
  return std::string(buffer, end);
}

bool SplitVpdqLine(std::string_view line, std::array<std::string_view, 4>& fields) {
  size_t start = 0;
  for (size_t i = 0; i < fields.size(); ++i) {
    size_t comma = line.find(',', start);
    if ((comma == std::string_view::npos) != (i + 1 == fields.size())) return false;
    fields[i] = TrimWhitespace(line.substr(start, comma - start));
    start = comma + 1;
  }
  return true;
}

bool IsVpdqHeader(const std::array<std::string_view, 4>& fields) {
  return EqualsIgnoreCase(fields[1], "time") && EqualsIgnoreCase(fields[2], "quality") &&
         (EqualsIgnoreCase(fields[3], "hash") || EqualsIgnoreCase(fields[3], "pdq"));
}

Result<std::optional<bool>> ParseBool(std::string_view text) {
  std::string value = ToLowerAscii(TrimWhitespace(text));
  if (value.empty()) return std::optional<bool>();
  if (value == "true" || value == "yes" || value == "1") return std::optional<bool>(true);
  if (value == "false" || value == "no" || value == "0") return std::optional<bool>(false);
  return InvalidArgumentError(QuoteForMessage(text) + " is not true/false, yes/no or 1/0");
}

std::string QuoteForMessage(std::string_view value, size_t max_chars) {
  if (value.size() <= max_chars) return "'" + std::string(value) + "'";
  return "'" + std::string(value.substr(0, max_chars)) + "...' (" + std::to_string(value.size()) +
         " characters)";
}

bool SplitDelimited(std::string_view record, char separator, std::vector<std::string>& fields) {
  fields.clear();
  size_t i = 0;
  const size_t n = record.size();
  while (true) {
    std::string field;
    // A quoted field may have blanks before its opening quote.
    size_t start = i;
    while (start < n && IsBlank(record[start]) && record[start] != separator) ++start;
    if (start < n && record[start] == '"') {
      i = start + 1;
      bool closed = false;
      while (i < n) {
        char c = record[i];
        if (c == '"') {
          if (i + 1 < n && record[i + 1] == '"') {
            field += '"';
            i += 2;
            continue;
          }
          closed = true;
          ++i;
          break;
        }
        field += c;
        ++i;
      }
      if (!closed) {
        fields.push_back(std::move(field));
        return false;
      }
      // Lenient: text between the closing quote and the separator is kept
      // (blanks there are dropped).
      while (i < n && record[i] != separator) {
        if (!IsBlank(record[i])) field += record[i];
        ++i;
      }
    } else {
      size_t end = record.find(separator, i);
      if (end == std::string_view::npos) end = n;
      field.assign(record.substr(i, end - i));
      i = end;
    }
    fields.push_back(std::move(field));
    if (i >= n) return true;
    ++i;  // the separator
  }
}

// ---------------------------------------------------------------------------
// The readers.

namespace {

constexpr size_t kMaxCsvRecordBytes = 1 << 20;

// Puts `hash` into the MD5, SHA-1 or SHA-256 field by its length; false for
// any other length.
bool SetHashByLength(std::string_view hash, HashSetEntry& entry) {
  switch (hash.size()) {
    case 32:
      entry.md5 = hash;
      return true;
    case 40:
      entry.sha1 = hash;
      return true;
    case 64:
      entry.sha256 = hash;
      return true;
    default:
      return false;
  }
}

std::string NotAHashMessage(std::string_view value) {
  return QuoteForMessage(value) + " is not an MD5, SHA-1 or SHA-256 (32, 40 or 64 hex digits)";
}

bool IsDigits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

// ----- hashdeep / md5deep -----

enum class HashdeepColumn { kSize, kMd5, kSha1, kSha256, kFileName, kIgnored };

// Parses the column list after "%%%% " ("size,md5,sha256,filename").
Status ParseHashdeepColumns(std::string_view list, std::vector<HashdeepColumn>& columns) {
  columns.clear();
  std::vector<std::string> names;
  size_t start = 0;
  while (true) {
    size_t comma = list.find(',', start);
    std::string_view name = TrimWhitespace(list.substr(
        start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
    names.push_back(ToLowerAscii(name));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  bool has_hash = false;
  for (size_t i = 0; i < names.size(); ++i) {
    const std::string& name = names[i];
    HashdeepColumn column = HashdeepColumn::kIgnored;  // whirlpool, tiger, sha3...
    if (name == "size") {
      column = HashdeepColumn::kSize;
    } else if (name == "filename") {
      column = HashdeepColumn::kFileName;
    } else if (name == "md5") {
      column = HashdeepColumn::kMd5;
    } else if (name == "sha1" || name == "sha-1") {
      column = HashdeepColumn::kSha1;
    } else if (name == "sha256" || name == "sha-256") {
      column = HashdeepColumn::kSha256;
    } else if (name.empty()) {
      return InvalidArgumentError("empty column name in the hashdeep column list '" +
                                  std::string(list) + "'");
    }
    if ((i == 0) != (column == HashdeepColumn::kSize) ||
        (i + 1 == names.size()) != (column == HashdeepColumn::kFileName)) {
      return InvalidArgumentError("the hashdeep column list '" + std::string(list) +
                                  "' must start with size, end with filename and name each once");
    }
    has_hash = has_hash || column == HashdeepColumn::kMd5 || column == HashdeepColumn::kSha1 ||
               column == HashdeepColumn::kSha256;
    columns.push_back(column);
  }
  if (!has_hash) {
    return UnsupportedError("the hashdeep column list '" + std::string(list) +
                            "' has no md5, sha1 or sha256 column (only those are read)");
  }
  return Status::Ok();
}

// A hashdeep data line: split at most columns-1 times from the left, so
// commas in the file name stay in it.
Status ParseHashdeepLine(std::string_view text, const std::vector<HashdeepColumn>& columns,
                         HashSetEntry& entry) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t i = 0; i + 1 < columns.size(); ++i) {
    size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) break;
    parts.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  parts.push_back(text.substr(start));
  if (parts.size() != columns.size()) {
    return InvalidArgumentError("expected " + std::to_string(columns.size()) +
                                " comma-separated fields, found " + std::to_string(parts.size()));
  }
  for (size_t i = 0; i < columns.size(); ++i) {
    std::string_view value = parts[i];
    switch (columns[i]) {
      case HashdeepColumn::kSize: {
        value = TrimWhitespace(value);
        if (value.empty()) break;  // unknown (tantalio writes it so)
        std::optional<int64_t> size = ParseInt64(value);
        if (!size || *size < 0) {
          return InvalidArgumentError("size " + QuoteForMessage(value) +
                                      " is not a number of bytes");
        }
        entry.size = size;
        break;
      }
      case HashdeepColumn::kMd5:
        entry.md5 = TrimWhitespace(value);
        break;
      case HashdeepColumn::kSha1:
        entry.sha1 = TrimWhitespace(value);
        break;
      case HashdeepColumn::kSha256:
        entry.sha256 = TrimWhitespace(value);
        break;
      case HashdeepColumn::kFileName:
        entry.name = value;
        break;
      case HashdeepColumn::kIgnored:
        break;
    }
  }
  return Status::Ok();
}

// The file name after a hash in md5deep output: md5deep writes two spaces;
// md5sum-style " *name" and a single space are accepted too.
std::string_view NameAfterHash(std::string_view rest) {
  if (rest.starts_with("  ")) return rest.substr(2);
  if (rest.starts_with(" *")) return rest.substr(2);
  if (rest.starts_with(' ') || rest.starts_with('\t')) return rest.substr(1);
  return rest;
}

// md5deep -Z triage: "<size>\t<hash of the first 512 bytes>\t<hash>\t<path>".
bool ParseTriageLine(std::string_view text, HashSetEntry& entry) {
  std::string_view fields[3];
  std::string_view rest = text;
  for (std::string_view& field : fields) {
    size_t tab = rest.find('\t');
    if (tab == std::string_view::npos) return false;
    field = rest.substr(0, tab);
    rest.remove_prefix(tab + 1);
  }
  std::optional<int64_t> size = ParseInt64(TrimWhitespace(fields[0]));
  if (!size || *size < 0 || fields[1].size() != fields[2].size() ||
      !SetHashByLength(fields[2], entry)) {
    return false;
  }
  entry.size = size;
  entry.name = rest;
  return true;
}

// "<hash>  <path>", with -z "<size right-aligned>  <hash>  <path>", or the
// -Z triage form.
Status ParseMd5deepLine(std::string_view text, HashSetEntry& entry) {
  if (ParseTriageLine(text, entry)) return Status::Ok();
  entry = HashSetEntry();
  std::string_view rest = text;
  while (!rest.empty() && IsBlank(rest.front())) rest.remove_prefix(1);
  size_t end = rest.find_first_of(" \t");
  std::string_view first = rest.substr(0, end);
  rest = end == std::string_view::npos ? std::string_view() : rest.substr(end);
  if (first.size() == 32 || first.size() == 40 || first.size() == 64) {
    SetHashByLength(first, entry);
    entry.name = NameAfterHash(rest);
    return Status::Ok();
  }
  if (IsDigits(first) && !rest.empty()) {
    std::optional<int64_t> size = ParseInt64(first);
    if (!size) {
      return InvalidArgumentError("size " + QuoteForMessage(first) + " is out of range");
    }
    while (!rest.empty() && IsBlank(rest.front())) rest.remove_prefix(1);
    end = rest.find_first_of(" \t");
    std::string_view hash = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end);
    if (!SetHashByLength(hash, entry)) {
      return InvalidArgumentError(NotAHashMessage(hash));
    }
    entry.size = size;
    entry.name = NameAfterHash(rest);
    return Status::Ok();
  }
  if (IsHex(first, first.size())) return InvalidArgumentError(NotAHashMessage(first));
  return InvalidArgumentError("not a hashdeep or md5deep line: " + QuoteForMessage(text));
}

// ----- CSV -----

enum CsvField : int {
  kCsvMd5,
  kCsvSha1,
  kCsvSha256,
  kCsvPdq,
  kCsvPdqQuality,
  kCsvPhotoDna,
  kCsvCategory,
  kCsvCategorySource,
  kCsvSeries,
  kCsvVictimIdentified,
  kCsvOffenderIdentified,
  kCsvDistributed,
  kCsvTags,
  kCsvComments,
  kCsvSourceRef,
  kCsvSize,
  kCsvMimeType,
  kCsvName,
  kCsvMediaTime,
  kCsvChromaprint,
  kCsvFieldCount,
};
static_assert(kCsvFieldCount == kCsvFieldNames.size());

// Header spellings other tools use, compared after CanonicalHeader().
struct CsvAlias {
  CsvField field;
  std::string_view header;
};
constexpr CsvAlias kCsvAliases[] = {
    {kCsvMd5, "md5hash"},
    {kCsvMd5, "md5sum"},
    {kCsvMd5, "hashmd5"},
    {kCsvSha1, "sha1hash"},
    {kCsvSha1, "sha1sum"},
    {kCsvSha1, "hashsha1"},
    {kCsvSha256, "sha256hash"},
    {kCsvSha256, "sha256sum"},
    {kCsvSha256, "hashsha256"},
    {kCsvPdq, "pdqhash"},
    {kCsvPdq, "hashpdq"},
    {kCsvPdqQuality, "quality"},
    {kCsvPhotoDna, "photodnahash"},
    {kCsvCategory, "vicscategory"},
    {kCsvCategorySource, "sourcecategory"},
    {kCsvVictimIdentified, "isvictimidentified"},
    {kCsvOffenderIdentified, "isoffenderidentified"},
    {kCsvDistributed, "isdistributed"},
    {kCsvComments, "comment"},
    {kCsvComments, "notes"},
    {kCsvSourceRef, "mediaid"},
    {kCsvSize, "filesize"},
    {kCsvSize, "mediasize"},
    {kCsvMimeType, "mimetype"},
    {kCsvMimeType, "mime"},
    {kCsvMimeType, "contenttype"},
    {kCsvName, "filename"},
    {kCsvName, "filepath"},
    {kCsvName, "path"},
    {kCsvName, "label"},
    {kCsvMediaTime, "videotime"},
    {kCsvMediaTime, "frametime"},
    {kCsvChromaprint, "audiofingerprint"},
    {kCsvChromaprint, "acoustid"},
};

// Lower case without blanks, '_', '-', '.' and parentheses: "MD5 Hash",
// "md5_hash" and "MD5-Hash" all become "md5hash"; "SHA-1" becomes "sha1".
std::string CanonicalHeader(std::string_view header) {
  std::string out;
  for (char c : TrimWhitespace(header)) {
    if (IsBlank(c) || c == '_' || c == '-' || c == '.' || c == '(' || c == ')') continue;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

char DetectSeparator(std::string_view header) {
  size_t counts[3] = {0, 0, 0};
  constexpr char kSeparators[3] = {',', ';', '\t'};
  bool quoted = false;
  for (char c : header) {
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    for (int i = 0; i < 3; ++i) counts[i] += c == kSeparators[i];
  }
  int best = 0;
  for (int i = 1; i < 3; ++i) {
    if (counts[i] > counts[best]) best = i;
  }
  return kSeparators[best];
}

std::string SeparatorName(char separator) {
  switch (separator) {
    case ';':
      return "CSV (semicolon-separated)";
    case '\t':
      return "CSV (tab-separated)";
    default:
      return "CSV";
  }
}

// Fills `entry` field `field` from `value`; `why` on a bad value.
bool SetCsvField(CsvField field, const std::string& value, bool project_categories,
                 HashSetEntry& entry, std::string& why) {
  const std::string_view name = kCsvFieldNames[field];
  auto set_bool = [&](std::optional<bool>& target) {
    Result<std::optional<bool>> parsed = ParseBool(value);
    if (!parsed.ok()) {
      why = std::string(name) + " " + parsed.status().message();
      return false;
    }
    target = *parsed;
    return true;
  };
  auto set_int = [&](auto& target, int64_t min, int64_t max) {
    std::string_view text = TrimWhitespace(value);
    if (text.empty()) return true;
    std::optional<int64_t> parsed = ParseInt64(text);
    if (!parsed || *parsed < min || *parsed > max) {
      why = std::string(name) + " " + QuoteForMessage(text) + " is not a whole number" +
            (max < std::numeric_limits<int64_t>::max()
                 ? " in " + std::to_string(min) + ".." + std::to_string(max)
                 : std::string(min == 0 ? " of 0 or more" : ""));
      return false;
    }
    target = static_cast<std::remove_reference_t<decltype(*target)>>(*parsed);
    return true;
  };
  switch (field) {
    case kCsvMd5:
      entry.md5 = TrimWhitespace(value);
      return true;
    case kCsvSha1:
      entry.sha1 = TrimWhitespace(value);
      return true;
    case kCsvSha256:
      entry.sha256 = TrimWhitespace(value);
      return true;
    case kCsvPdq:
      entry.pdq = TrimWhitespace(value);
      return true;
    case kCsvPdqQuality:
      return set_int(entry.pdq_quality, 0, 100);
    case kCsvPhotoDna:
      entry.photodna = TrimWhitespace(value);
      return true;
    case kCsvCategory:
      if (project_categories) return set_int(entry.category, 0, kMaxCategory);
      entry.category_source = TrimWhitespace(value);
      return true;
    case kCsvCategorySource:
      entry.category_source = value;
      return true;
    case kCsvSeries:
      entry.series = value;
      return true;
    case kCsvVictimIdentified:
      return set_bool(entry.victim_identified);
    case kCsvOffenderIdentified:
      return set_bool(entry.offender_identified);
    case kCsvDistributed:
      return set_bool(entry.distributed);
    case kCsvTags:
      entry.tags = value;
      return true;
    case kCsvComments:
      entry.comments = value;
      return true;
    case kCsvSourceRef:
      entry.source_ref = value;
      return true;
    case kCsvSize:
      return set_int(entry.size, 0, std::numeric_limits<int64_t>::max());
    case kCsvMimeType:
      entry.mime_type = TrimWhitespace(value);
      return true;
    case kCsvName:
      entry.name = value;
      return true;
    case kCsvMediaTime: {
      std::string_view text = TrimWhitespace(value);
      if (text.empty()) return true;
      std::optional<double> seconds = ParseDecimal(text);
      if (!seconds || !(*seconds >= 0)) {
        why = std::string(name) + " " + QuoteForMessage(text) +
              " is not a time in seconds of 0 or more (e.g. 12.5)";
        return false;
      }
      entry.media_time = seconds;
      return true;
    }
    case kCsvChromaprint:
      entry.chromaprint = TrimWhitespace(value);
      return true;
    case kCsvFieldCount:
      break;
  }
  return true;
}

}  // namespace

Status ReadHashdeep(const std::string& path, ImportContext& context, ImportReport& report) {
  TextLineReader reader;
  TANTALIO_RETURN_IF_ERROR(reader.Open(path));
  enum class Mode { kUnknown, kHashdeep, kMd5deep };
  Mode mode = Mode::kUnknown;
  std::vector<HashdeepColumn> columns;
  bool need_columns = false;
  std::string line;
  while (reader.Next(line)) {
    const RecordLocation where{LineLocation(reader.line_number())};
    std::string_view text = line;
    if (TrimWhitespace(text).empty()) continue;
    if (text.starts_with("%%%%")) {
      std::string_view rest = TrimWhitespace(text.substr(4));
      if (rest.size() >= 9 && EqualsIgnoreCase(rest.substr(0, 9), "HASHDEEP-")) {
        // A header; a later one starts a concatenated file.
        if (mode == Mode::kMd5deep) {
          return context.Fatal(StatusCode::kInvalidArgument, where,
                               "a hashdeep header after md5deep lines");
        }
        if (rest.substr(9) != "1.0") {
          return context.Fatal(StatusCode::kUnsupported, where,
                               "hashdeep file format " + QuoteForMessage(rest.substr(9)) +
                                   " is not supported (1.0 is)");
        }
        mode = Mode::kHashdeep;
        need_columns = true;
        report.source.format = "hashdeep 1.0";
        continue;
      }
      if (mode != Mode::kHashdeep) {
        return context.Fatal(StatusCode::kInvalidArgument, where,
                             "a %%%% column list without a preceding %%%% HASHDEEP-1.0 line");
      }
      Status parsed = ParseHashdeepColumns(rest, columns);
      if (!parsed.ok()) return context.Fatal(parsed.code(), where, parsed.message());
      need_columns = false;
      continue;
    }
    if (text.front() == '#') continue;  // "## Invoked from: ..." and other comments

    HashSetEntry entry;
    Status parsed;
    if (mode == Mode::kHashdeep) {
      if (need_columns) {
        return context.Fatal(StatusCode::kInvalidArgument, where,
                             "expected the %%%% column list (e.g. '%%%% size,md5,sha256,"
                             "filename') after the %%%% HASHDEEP-1.0 line");
      }
      parsed = ParseHashdeepLine(text, columns, entry);
    } else {
      if (mode == Mode::kUnknown) {
        mode = Mode::kMd5deep;
        report.source.format = "md5deep";
      }
      parsed = ParseMd5deepLine(text, entry);
    }
    if (!parsed.ok()) {
      TANTALIO_RETURN_IF_ERROR(context.Invalid(where, parsed.message()));
      continue;
    }
    TANTALIO_RETURN_IF_ERROR(context.Emit(std::move(entry), where));
  }
  TANTALIO_RETURN_IF_ERROR(reader.status());
  if (mode == Mode::kHashdeep && need_columns) {
    return context.Fatal(StatusCode::kCorrupt, RecordLocation{LineLocation(reader.line_number())},
                         "the file ends before the %%%% column list");
  }
  if (mode == Mode::kUnknown) report.source.format = "md5deep";
  return Status::Ok();
}

Status ReadHashList(const std::string& path, ImportContext& context, ImportReport& report) {
  TextLineReader reader;
  TANTALIO_RETURN_IF_ERROR(reader.Open(path));
  report.source.format = "hash list";
  std::string line;
  while (reader.Next(line)) {
    std::string_view text = TrimWhitespace(line);
    if (text.empty() || text.front() == '#') continue;
    const RecordLocation where{LineLocation(reader.line_number())};
    HashSetEntry entry;
    if (!SetHashByLength(text, entry)) {
      TANTALIO_RETURN_IF_ERROR(context.Invalid(where, NotAHashMessage(text)));
      continue;
    }
    TANTALIO_RETURN_IF_ERROR(context.Emit(std::move(entry), where));
  }
  return reader.status();
}

Status ReadPdqList(const std::string& path, ImportContext& context, ImportReport& report) {
  TextLineReader reader;
  TANTALIO_RETURN_IF_ERROR(reader.Open(path));
  report.source.format = "PDQ list";
  std::string line;
  bool first_record = true;
  while (reader.Next(line)) {
    std::string_view text = line;
    if (TrimWhitespace(text).empty() || TrimWhitespace(text).front() == '#') continue;
    const RecordLocation where{LineLocation(reader.line_number())};
    // hash[,quality][,label]: the label is everything after the second comma.
    size_t comma1 = text.find(',');
    std::string_view hash = TrimWhitespace(text.substr(0, comma1));
    std::string_view quality;
    std::string_view label;
    if (comma1 != std::string_view::npos) {
      size_t comma2 = text.find(',', comma1 + 1);
      quality = TrimWhitespace(text.substr(comma1 + 1, comma2 == std::string_view::npos
                                                           ? std::string_view::npos
                                                           : comma2 - comma1 - 1));
      if (comma2 != std::string_view::npos) label = text.substr(comma2 + 1);
    }
    if (first_record) {
      first_record = false;
      // A header row such as the one tantalio writes ("hash,quality,label").
      if (EqualsIgnoreCase(hash, "hash") || EqualsIgnoreCase(hash, "pdq")) continue;
    }
    if (hash.empty()) {
      TANTALIO_RETURN_IF_ERROR(context.Invalid(where, "no PDQ hash before the first comma"));
      continue;
    }
    HashSetEntry entry;
    entry.pdq = hash;
    if (!quality.empty()) {
      std::optional<int64_t> value = ParseInt64(quality);
      if (!value || *value < std::numeric_limits<int>::min() ||
          *value > std::numeric_limits<int>::max()) {
        TANTALIO_RETURN_IF_ERROR(context.Invalid(
            where, "PDQ quality " + QuoteForMessage(quality) + " is not a whole number"));
        continue;
      }
      entry.pdq_quality = static_cast<int>(*value);
    }
    entry.name = label;
    TANTALIO_RETURN_IF_ERROR(context.Emit(std::move(entry), where));
  }
  return reader.status();
}

Status ReadVpdqList(const std::string& path, ImportContext& context, ImportReport& report) {
  TextLineReader reader;
  TANTALIO_RETURN_IF_ERROR(reader.Open(path));
  report.source.format = "vPDQ";
  std::string line;
  std::array<std::string_view, 4> fields;
  bool first_record = true;
  while (reader.Next(line)) {
    std::string_view text = TrimWhitespace(line);
    if (text.empty() || text.front() == '#') continue;
    const RecordLocation where{LineLocation(reader.line_number())};
    const bool may_be_header = first_record;
    first_record = false;
    if (!SplitVpdqLine(text, fields)) {
      const size_t found = static_cast<size_t>(std::count(text.begin(), text.end(), ',')) + 1;
      TANTALIO_RETURN_IF_ERROR(context.Invalid(
          where, "expected 4 comma-separated fields video_id,time,quality,hash, found " +
                     std::to_string(found) + " (a video id cannot contain a comma)"));
      continue;
    }
    if (may_be_header && IsVpdqHeader(fields)) continue;
    const auto [video_id, time, quality, hash] = fields;
    std::string why;
    std::optional<double> seconds = ParseDecimal(time);
    if (video_id.empty()) {
      why = "no video id in the first field";
    } else if (time.empty()) {
      why = "no time in the second field (seconds into video " + QuoteForMessage(video_id) + ")";
    } else if (!seconds) {
      why = "time " + QuoteForMessage(time) + " is not a decimal number of seconds (e.g. 12.480)";
    } else if (!(*seconds >= 0)) {
      why = "time " + QuoteForMessage(time) + " is negative";
    } else if (hash.empty()) {
      why = "no PDQ hash in the fourth field";
    }
    HashSetEntry entry;
    if (why.empty() && !quality.empty()) {
      std::optional<int64_t> value = ParseInt64(quality);
      if (!value || *value < std::numeric_limits<int>::min() ||
          *value > std::numeric_limits<int>::max()) {
        why = "PDQ quality " + QuoteForMessage(quality) + " is not a whole number";
      } else {
        entry.pdq_quality = static_cast<int>(*value);
      }
    }
    if (!why.empty()) {
      TANTALIO_RETURN_IF_ERROR(context.Invalid(where, why));
      continue;
    }
    entry.source_ref = video_id;
    entry.media_time = seconds;
    entry.pdq = hash;
    TANTALIO_RETURN_IF_ERROR(context.Emit(std::move(entry), where));
  }
  return reader.status();
}

Status ReadCsv(const std::string& path, const ImportOptions& options, ImportContext& context,
               ImportReport& report) {
  TextLineReader reader;
  TANTALIO_RETURN_IF_ERROR(reader.Open(path));
  std::string line;
  // The header: the first non-blank line.
  const bool have_header = NextNonBlankLine(reader, line);
  TANTALIO_RETURN_IF_ERROR(reader.status());
  const RecordLocation header_where{LineLocation(reader.line_number())};
  if (!have_header) {
    return context.Fatal(StatusCode::kInvalidArgument, header_where,
                         "the CSV file is empty: it needs a header row");
  }
  const char separator = DetectSeparator(line);
  report.source.format = SeparatorName(separator);
  std::vector<std::string> headers;
  if (!SplitDelimited(line, separator, headers)) {
    return context.Fatal(StatusCode::kInvalidArgument, header_where,
                         "a quoted header name is not closed");
  }

  // Column of each field: the explicit mapping, then the fields' own names,
  // then aliases; the first matching column wins.
  int column_of[kCsvFieldCount];
  std::fill(std::begin(column_of), std::end(column_of), -1);
  for (const auto& [field_name, header_name] : options.csv_columns) {
    auto it = std::find(kCsvFieldNames.begin(), kCsvFieldNames.end(), ToLowerAscii(field_name));
    if (it == kCsvFieldNames.end()) {
      std::string fields;
      for (std::string_view name : kCsvFieldNames)
        fields += (fields.empty() ? "" : ", ") + std::string(name);
      return context.Fatal(
          StatusCode::kInvalidArgument, header_where,
          "unknown field '" + field_name + "' in the CSV column mapping (fields: " + fields + ")");
    }
    int field = static_cast<int>(it - kCsvFieldNames.begin());
    for (size_t i = 0; i < headers.size(); ++i) {
      if (EqualsIgnoreCase(TrimWhitespace(headers[i]), TrimWhitespace(header_name))) {
        column_of[field] = static_cast<int>(i);
        break;
      }
    }
    if (column_of[field] < 0) {
      return context.Fatal(StatusCode::kInvalidArgument, header_where,
                           "column '" + header_name + "' (mapped to " + field_name +
                               ") is not in the header; headers seen: " + Join(headers));
    }
  }
  std::vector<std::string> canonical;
  for (const std::string& header : headers) canonical.push_back(CanonicalHeader(header));
  auto find_header = [&](std::string_view wanted) {
    for (size_t i = 0; i < canonical.size(); ++i) {
      if (canonical[i] == wanted) return static_cast<int>(i);
    }
    return -1;
  };
  for (int field = 0; field < kCsvFieldCount; ++field) {
    if (column_of[field] < 0)
      column_of[field] = find_header(CanonicalHeader(kCsvFieldNames[field]));
  }
  for (const CsvAlias& alias : kCsvAliases) {
    if (column_of[alias.field] < 0) column_of[alias.field] = find_header(alias.header);
  }
  if (column_of[kCsvMd5] < 0 && column_of[kCsvSha1] < 0 && column_of[kCsvSha256] < 0 &&
      column_of[kCsvPdq] < 0 && column_of[kCsvChromaprint] < 0) {
    return context.Fatal(
        StatusCode::kInvalidArgument, header_where,
        "no MD5, SHA-1, SHA-256, PDQ or Chromaprint column; headers seen: " + Join(headers) +
            " (name the columns with a column mapping, e.g. md5=<header>)");
  }
  // With a category_source column the categories are already in the project
  // scheme (what the CSV writer produces); otherwise the category column holds
  // the source's values, mapped by the scheme in force.
  const bool project_categories = column_of[kCsvCategorySource] >= 0;
  if (!project_categories && column_of[kCsvCategory] >= 0) {
    TANTALIO_RETURN_IF_ERROR(context.UseCategoryScheme("vics-us"));
  }

  std::string record;
  std::vector<std::string> fields;
  uint64_t record_line = 0;
  std::string why;
  while (reader.Next(line, /*keep_cr=*/true)) {
    if (record.empty()) {
      record_line = reader.line_number();
      record = std::move(line);
    } else {
      record += '\n';
      record += line;
    }
    std::string_view text = record;
    if (text.ends_with('\r')) text.remove_suffix(1);
    if (!SplitDelimited(text, separator, fields)) {
      if (record.size() > kMaxCsvRecordBytes) {
        return context.Fatal(
            StatusCode::kCorrupt, RecordLocation{LineLocation(record_line)},
            "a quoted field is not closed within " + std::to_string(kMaxCsvRecordBytes) + " bytes");
      }
      continue;  // the quoted field goes on on the next line
    }
    const RecordLocation where{LineLocation(record_line)};
    const bool blank = TrimWhitespace(text).empty();
    record.clear();
    if (blank) continue;
    if (fields.size() != headers.size()) {
      TANTALIO_RETURN_IF_ERROR(context.Invalid(where, "expected " + std::to_string(headers.size()) +
                                                          " fields as in the header, found " +
                                                          std::to_string(fields.size())));
      continue;
    }
    HashSetEntry entry;
    bool ok = true;
    for (int field = 0; field < kCsvFieldCount && ok; ++field) {
      if (column_of[field] < 0) continue;
      ok = SetCsvField(static_cast<CsvField>(field), fields[column_of[field]], project_categories,
                       entry, why);
    }
    if (!ok) {
      TANTALIO_RETURN_IF_ERROR(context.Invalid(where, why));
      continue;
    }
    TANTALIO_RETURN_IF_ERROR(project_categories ? context.EmitMapped(std::move(entry), where)
                                                : context.Emit(std::move(entry), where));
  }
  TANTALIO_RETURN_IF_ERROR(reader.status());
  if (!record.empty()) {
    return context.Fatal(StatusCode::kCorrupt, RecordLocation{LineLocation(record_line)},
                         "a quoted field is not closed at the end of the file");
  }
  return Status::Ok();
}

}  // namespace tantalio::formats::internal
