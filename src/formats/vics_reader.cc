// VICS / Project VIC JSON import, streaming.
//
// The file is read through nlohmann::json's SAX parser from a buffered byte
// source that counts bytes, so the document is never held in memory: only the
// Media record being read is, and of it only the keys an entry needs (other
// keys, MediaMetadata, Exifs and every MediaFiles instance after the first are
// skipped as they stream past). A first, cheap pass reads the root object's
// keys up to the one naming the model version ("odata.metadata" in 1.x,
// "@odata.context" in 2.0); it normally comes first, so that pass stops at
// once, but when it does not the version is still known before the first
// record, which fixes the category scheme.
//
// Shapes: a hash set ("#Media") has Media records in value[]; a case export
// ("#Cases") has Cases in value[], each with its Media[]. A value[] object
// holding a "Media" array is a Case whatever the URL says; any other value[]
// object is a Media record, except in a "#Cases" document, where it is a Case
// without media.
//
// Field decisions (Media record):
//   MediaID            int or string -> source_ref.
//   MD5, SHA1          strings (surrounding blanks trimmed); SHA256 is the
//                      vendor key Tantalio's exporter writes. 1.x
//                      AlternativeHashes[] {HashName, HashValue} fill MD5,
//                      SHA1, SHA256, PhotoDNA and PDQ (names in any case, '-'
//                      and '_' ignored; other names such as EDK are ignored);
//                      a value that contradicts the plain key is an invalid
//                      record.
//   PhotoDNA           kept verbatim as given. The spec's 192-character check
//                      is not applied: the value is stored, never matched, so
//                      a record is neither rejected nor altered for it.
//   PDQ, PDQQuality    vendor keys: hex string, integer (or numeric string).
//   Category           int, numeric string, string (UK "A".."C"), null or
//                      absent; the text becomes category_source and the
//                      scheme in force maps it (absent/null: uncategorised).
//   SourceCategory     vendor key written by Tantalio's exporter beside the
//                      project category. When present (a string, or an
//                      integer read as its decimal text; null counts as
//                      absent) it is category_source verbatim, and Category is
//                      taken as already in the project scheme (int, numeric
//                      string, or null/"" for uncategorised) without mapping,
//                      so that export then import gives back equal entries.
//   MediaSize          int or numeric string; null or "" -> unknown.
//   VictimIdentified, OffenderIdentified, IsDistributed
//                      JSON booleans or the strings "true"/"false" in any
//                      case; null or "" -> unknown; any other value is an
//                      invalid record.
//   Series             string; an object or array (or number) is kept as its
//                      compact JSON text.
//   Tags, Comments, MimeType
//                      strings.
//   name               MediaFiles[0].FileName when present.
// Any other key is ignored. A wrong type for one of these keys makes the
// record invalid. Keys are matched case-insensitively.
#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <limits>
#include <new>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "formats/readers.h"
#include "formats/text_formats.h"

namespace tantalio::formats::internal {
namespace {

using Json = nlohmann::json;

constexpr size_t kBufferBytes = size_t{1} << 20;

// ---------------------------------------------------------------------------
// Input: a buffered file that counts the bytes handed to the parser.

class ByteSource {
 public:
  ByteSource() = default;
  ByteSource(const ByteSource&) = delete;
  ByteSource& operator=(const ByteSource&) = delete;
  ~ByteSource() {
    if (fd_ >= 0) ::close(fd_);
  }

  Status Open(const std::string& path) {
    path_ = path;
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) return ErrnoError("open " + path, errno);
    buffer_.resize(kBufferBytes);
    pos_ = end_ = buffer_.data();
    return Status::Ok();
  }

  // Back to the start of the file, for a second pass. While the first
  // buffer still holds the start, no seek is needed (so a pipe works too).
  Status Rewind() {
    if (base_ == 0) {
      pos_ = buffer_.data();
      return Status::Ok();
    }
    if (::lseek(fd_, 0, SEEK_SET) < 0) return ErrnoError("seek " + path_, errno);
    pos_ = end_ = buffer_.data();
    base_ = 0;
    eof_ = false;
    return Status::Ok();
  }

  bool AtEnd() {
    if (pos_ == end_) Fill();
    return pos_ == end_;
  }
  char Current() const { return *pos_; }
  void Advance() { ++pos_; }
  // Bytes handed to the parser so far.
  uint64_t consumed() const { return base_ + static_cast<uint64_t>(pos_ - buffer_.data()); }
  const Status& status() const { return status_; }

 private:
  void Fill() {
    if (eof_) return;
    base_ += static_cast<uint64_t>(end_ - buffer_.data());
    pos_ = end_ = buffer_.data();
    while (true) {
      ssize_t n = ::read(fd_, buffer_.data(), buffer_.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        status_ = ErrnoError("read " + path_, errno);
        eof_ = true;
      } else if (n == 0) {
        eof_ = true;
      } else {
        end_ = buffer_.data() + n;
      }
      return;
    }
  }

  std::string path_;
  int fd_ = -1;
  std::vector<char> buffer_;
  const char* pos_ = nullptr;
  const char* end_ = nullptr;
  uint64_t base_ = 0;  // file offset of buffer_[0]
  bool eof_ = false;
  Status status_;
};

// The input iterator nlohmann's parser reads through. Any iterator equals the
// default-constructed end iterator once the source is exhausted.
class ByteIterator {
 public:
  using iterator_category = std::input_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = char;

  ByteIterator() = default;
  explicit ByteIterator(ByteSource* source) : source_(source) {}

  char operator*() const { return source_->Current(); }
  ByteIterator& operator++() {
    source_->Advance();
    return *this;
  }
  ByteIterator operator++(int) {
    ByteIterator before = *this;
    source_->Advance();
    return before;
  }
  bool operator==(const ByteIterator& other) const { return AtEnd() == other.AtEnd(); }
  bool operator!=(const ByteIterator& other) const { return !(*this == other); }

 private:
  bool AtEnd() const { return source_ == nullptr || source_->AtEnd(); }
  ByteSource* source_ = nullptr;
};

// ---------------------------------------------------------------------------
// Small helpers.

char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (AsciiLower(a[i]) != AsciiLower(b[i])) return false;
  }
  return true;
}

std::optional<int64_t> ParseInteger(std::string_view text) {
  text = internal::TrimWhitespace(text);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty()) return std::nullopt;
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::string Quoted(std::string_view value) {
  constexpr size_t kMax = 80;
  if (value.size() <= kMax) return "'" + std::string(value) + "'";
  return "'" + std::string(value.substr(0, kMax)) + "...'";
}

std::string_view TypeName(const Json& value) {
  switch (value.type()) {
    case Json::value_t::null:
      return "null";
    case Json::value_t::boolean:
      return "a boolean";
    case Json::value_t::string:
      return "a string";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float:
      return "a number";
    case Json::value_t::object:
      return "an object";
    case Json::value_t::array:
      return "an array";
    default:
      return "an unexpected value";
  }
}

std::string CompactText(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

const Json* FindKeyIgnoreCase(const Json& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  for (auto it = object.begin(); it != object.end(); ++it) {
    if (EqualsIgnoreCase(it.key(), key)) return &it.value();
  }
  return nullptr;
}

// ---------------------------------------------------------------------------
// The fields a record keeps, by top-level key.

enum Field : int {
  kMediaId,
  kCategory,
  kSourceCategory,
  kMd5,
  kSha1,
  kSha256,
  kPhotoDna,
  kPdq,
  kPdqQuality,
  kMediaSize,
  kMimeType,
  kVictimIdentified,
  kOffenderIdentified,
  kIsDistributed,
  kSeries,
  kTags,
  kComments,
  kAlternativeHashes,
  kMediaFiles,
  // Case fields (on value[i] of a case export).
  kContactOrganization,
  kAgency,  // RECON 1.x
  kFieldCount,
};

constexpr std::array<std::string_view, kFieldCount> kFieldNames = {
    "MediaID",
    "Category",
    "SourceCategory",
    "MD5",
    "SHA1",
    "SHA256",
    "PhotoDNA",
    "PDQ",
    "PDQQuality",
    "MediaSize",
    "MimeType",
    "VictimIdentified",
    "OffenderIdentified",
    "IsDistributed",
    "Series",
    "Tags",
    "Comments",
    "AlternativeHashes",
    "MediaFiles",
    "ContactOrganization",
    "Agency",
};

// Called for every key of every record: the exact spelling is tried first.
int LookupField(std::string_view key) {
  for (int i = 0; i < kFieldCount; ++i) {
    if (key == kFieldNames[static_cast<size_t>(i)]) return i;
  }
  for (int i = 0; i < kFieldCount; ++i) {
    if (EqualsIgnoreCase(key, kFieldNames[static_cast<size_t>(i)])) return i;
  }
  return -1;
}

// Builds one JSON object from SAX events, holding only its known top-level
// keys (one slot per Field); everything else is skipped as it streams past.
// (bugprone-exception-escape: only through nlohmann::json's destructor,
// which frees memory and does not throw.)
class RecordBuilder {  // NOLINT(bugprone-exception-escape)
 public:
  void Begin(uint64_t offset) {
    for (int i = 0; i < kFieldCount; ++i) {
      if (present_ & (uint32_t{1} << i)) slots_[static_cast<size_t>(i)] = nullptr;
    }
    present_ = 0;
    stack_.clear();
    skip_ = 0;
    field_ = -1;
    first_only_ = nullptr;
    offset_ = offset;
  }

  uint64_t offset() const { return offset_; }
  bool AtTopLevel() const { return skip_ == 0 && stack_.empty(); }

  const Json* Get(Field field) const {
    return (present_ & (uint32_t{1} << field)) ? &slots_[static_cast<size_t>(field)] : nullptr;
  }

  void Key(const std::string& key) {
    if (skip_ > 0) return;
    if (stack_.empty()) {
      field_ = LookupField(key);
    } else {
      nested_key_ = key;
    }
  }

  // Whether the next scalar would be kept (so that it need not be built
  // otherwise).
  bool WantsValue() const { return skip_ == 0 && (!stack_.empty() || field_ >= 0); }

  void Value(Json value) { Place(std::move(value)); }

  void StartContainer(bool is_array) {
    if (skip_ > 0) {
      ++skip_;
      return;
    }
    bool media_files = stack_.empty() && field_ == kMediaFiles;
    Json* placed = Place(is_array ? Json::array() : Json::object());
    if (placed == nullptr) {
      skip_ = 1;
      return;
    }
    if (media_files) first_only_ = placed;
    stack_.push_back(placed);
  }

  // True when this closes the record object itself.
  bool EndContainer() {
    if (skip_ > 0) {
      --skip_;
      return false;
    }
    if (stack_.empty()) return true;
    stack_.pop_back();
    return false;
  }

 private:
  // Stores `value` where the parse stands; nullptr when it is skipped.
  Json* Place(Json value) {
    if (skip_ > 0) return nullptr;
    if (stack_.empty()) {
      if (field_ < 0) return nullptr;
      Json& slot = slots_[static_cast<size_t>(field_)];
      slot = std::move(value);
      present_ |= uint32_t{1} << field_;
      field_ = -1;
      return &slot;
    }
    Json& parent = *stack_.back();
    if (parent.is_array()) {
      // Only the first MediaFiles instance is read (its FileName).
      if (&parent == first_only_ && !parent.empty()) return nullptr;
      parent.push_back(std::move(value));
      return &parent.back();
    }
    Json& child = parent[nested_key_];
    child = std::move(value);
    return &child;
  }

  std::array<Json, kFieldCount> slots_;
  uint32_t present_ = 0;
  std::vector<Json*> stack_;  // open containers inside the record
  int skip_ = 0;              // depth inside a skipped value
  int field_ = -1;            // slot for the next top-level value; -1 skips it
  std::string nested_key_;
  const Json* first_only_ = nullptr;
  uint64_t offset_ = 0;
};

// ---------------------------------------------------------------------------
// Conversion of one record into an entry.

class RecordConverter {
 public:
  explicit RecordConverter(const RecordBuilder& record) : record_(record) {}

  // Fills `entry`; false with why() set for an invalid record. `premapped`
  // tells that the record carries SourceCategory (see the file comment).
  bool Convert(HashSetEntry& entry, bool& premapped) {
    premapped = false;
    if (!Text(kMediaId, entry.source_ref, /*allow_integer=*/true)) return false;
    if (!Hash(kMd5, entry.md5) || !Hash(kSha1, entry.sha1) || !Hash(kSha256, entry.sha256) ||
        !Hash(kPdq, entry.pdq) || !String(kPhotoDna, entry.photodna)) {
      return false;
    }
    if (!AlternativeHashes(entry)) return false;
    if (!Categories(entry, premapped)) return false;
    if (!Integer(kPdqQuality, entry.pdq_quality) || !Size(entry.size)) return false;
    if (!Bool(kVictimIdentified, entry.victim_identified) ||
        !Bool(kOffenderIdentified, entry.offender_identified) ||
        !Bool(kIsDistributed, entry.distributed)) {
      return false;
    }
    if (const Json* series = record_.Get(kSeries); series != nullptr && !series->is_null()) {
      entry.series =
          series->is_string() ? series->get_ref<const std::string&>() : CompactText(*series);
    }
    if (!String(kTags, entry.tags) || !String(kComments, entry.comments) ||
        !String(kMimeType, entry.mime_type)) {
      return false;
    }
    return FileName(entry.name);
  }

  const std::string& why() const { return why_; }

 private:
  bool Fail(std::string why) {
    why_ = std::move(why);
    return false;
  }

  std::string Name(Field field) const { return std::string(kFieldNames[field]); }

  bool WrongType(Field field, const Json& value, std::string_view expected) {
    return Fail(Name(field) + " must be " + std::string(expected) + ", not " +
                std::string(TypeName(value)) +
                (value.is_primitive() && !value.is_null() ? " (" + CompactText(value) + ")" : ""));
  }

  // A string or null/absent ("").
  bool String(Field field, std::string& out) {
    const Json* value = record_.Get(field);
    if (value == nullptr || value->is_null()) return true;
    if (!value->is_string()) return WrongType(field, *value, "a string");
    out = value->get_ref<const std::string&>();
    return true;
  }

  // A string, or an integer written as its decimal text.
  bool Text(Field field, std::string& out, bool allow_integer) {
    const Json* value = record_.Get(field);
    if (value == nullptr || value->is_null()) return true;
    if (value->is_string()) {
      out = value->get_ref<const std::string&>();
      return true;
    }
    if (allow_integer && value->is_number_integer()) {
      out = value->is_number_unsigned() ? std::to_string(value->get<uint64_t>())
                                        : std::to_string(value->get<int64_t>());
      return true;
    }
    return WrongType(field, *value, "an integer or a string");
  }

  bool Hash(Field field, std::string& out) {
    if (!String(field, out)) return false;
    std::string_view trimmed = internal::TrimWhitespace(out);
    if (trimmed.size() != out.size()) out = std::string(trimmed);
    return true;
  }

  // An integer, a string holding one, or null/absent/"" (nullopt).
  bool OptionalInt64(Field field, std::optional<int64_t>& out) {
    const Json* value = record_.Get(field);
    if (value == nullptr || value->is_null()) return true;
    if (value->is_number_unsigned()) {
      uint64_t number = value->get<uint64_t>();
      if (number > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        return Fail(Name(field) + " " + std::to_string(number) + " is too large");
      }
      out = static_cast<int64_t>(number);
      return true;
    }
    if (value->is_number_integer()) {
      out = value->get<int64_t>();
      return true;
    }
    if (value->is_number_float()) {
      return Fail(Name(field) + " " + CompactText(*value) + " is not an integer");
    }
    if (value->is_string()) {
      const std::string& text = value->get_ref<const std::string&>();
      if (internal::TrimWhitespace(text).empty()) return true;
      out = ParseInteger(text);
      if (!out) return Fail(Name(field) + " " + Quoted(text) + " is not an integer");
      return true;
    }
    return WrongType(field, *value, "an integer");
  }

  bool Integer(Field field, std::optional<int>& out) {
    std::optional<int64_t> wide;
    if (!OptionalInt64(field, wide)) return false;
    if (!wide) return true;
    if (*wide < std::numeric_limits<int>::min() || *wide > std::numeric_limits<int>::max()) {
      return Fail(Name(field) + " " + std::to_string(*wide) + " is out of range");
    }
    out = static_cast<int>(*wide);
    return true;
  }

  bool Size(std::optional<int64_t>& out) { return OptionalInt64(kMediaSize, out); }

  bool Bool(Field field, std::optional<bool>& out) {
    const Json* value = record_.Get(field);
    if (value == nullptr || value->is_null()) return true;
    if (value->is_boolean()) {
      out = value->get<bool>();
      return true;
    }
    if (value->is_string()) {
      std::string_view text = internal::TrimWhitespace(value->get_ref<const std::string&>());
      if (text.empty()) return true;
      if (EqualsIgnoreCase(text, "true")) {
        out = true;
      } else if (EqualsIgnoreCase(text, "false")) {
        out = false;
      } else {
        return Fail(Name(field) + " " + Quoted(value->get_ref<const std::string&>()) +
                    " is not true or false");
      }
      return true;
    }
    return WrongType(field, *value, "true, false or a string of either");
  }

  bool Categories(HashSetEntry& entry, bool& premapped) {
    const Json* source = record_.Get(kSourceCategory);
    if (source != nullptr && !source->is_null()) {
      // Written by Tantalio: Category is already a project category.
      if (!Text(kSourceCategory, entry.category_source, /*allow_integer=*/true)) return false;
      premapped = true;
      const Json* category = record_.Get(kCategory);
      if (category != nullptr && category->is_string() &&
          !internal::TrimWhitespace(category->get_ref<const std::string&>()).empty() &&
          !ParseInteger(category->get_ref<const std::string&>())) {
        return Fail("Category " + Quoted(category->get_ref<const std::string&>()) +
                    " is not a project category 0..4, which a record with SourceCategory must "
                    "carry");
      }
      return Integer(kCategory, entry.category);
    }
    const Json* category = record_.Get(kCategory);
    if (category == nullptr || category->is_null()) return true;
    if (category->is_string()) {
      entry.category_source = category->get_ref<const std::string&>();
      return true;
    }
    if (category->is_number_integer()) {
      return Text(kCategory, entry.category_source, /*allow_integer=*/true);
    }
    if (category->is_number_float()) {
      return Fail("Category " + CompactText(*category) + " is not an integer");
    }
    return WrongType(kCategory, *category, "an integer, a string or null");
  }

  // Merges one hash from AlternativeHashes into the entry's field.
  bool Merge(std::string& field, std::string_view field_name, const std::string& value,
             bool ignore_case) {
    std::string_view whole = value;
    std::string_view trimmed = ignore_case ? internal::TrimWhitespace(whole) : whole;
    if (trimmed.empty()) return true;
    if (field.empty()) {
      field = std::string(trimmed);
      return true;
    }
    bool same = ignore_case ? EqualsIgnoreCase(field, trimmed) : field == trimmed;
    if (!same) {
      return Fail(std::string(field_name) + " " + Quoted(field) + " and AlternativeHashes " +
                  std::string(field_name) + " " + Quoted(trimmed) + " differ");
    }
    return true;
  }

  bool AlternativeHashes(HashSetEntry& entry) {
    const Json* list = record_.Get(kAlternativeHashes);
    if (list == nullptr || list->is_null()) return true;
    if (!list->is_array()) return WrongType(kAlternativeHashes, *list, "an array");
    for (const Json& item : *list) {
      if (!item.is_object()) {
        return Fail("AlternativeHashes must hold objects, not " + std::string(TypeName(item)));
      }
      const Json* name = FindKeyIgnoreCase(item, "HashName");
      if (name == nullptr || !name->is_string()) continue;
      const Json* value = FindKeyIgnoreCase(item, "HashValue");
      if (value == nullptr || value->is_null()) continue;
      if (!value->is_string()) {
        return Fail("AlternativeHashes " + Quoted(name->get_ref<const std::string&>()) +
                    " HashValue must be a string, not " + std::string(TypeName(*value)));
      }
      std::string key;
      for (char c : name->get_ref<const std::string&>()) {
        if (std::isalnum(static_cast<unsigned char>(c))) {
          key += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
      }
      const std::string& text = value->get_ref<const std::string&>();
      bool ok = true;
      if (key == "md5") {
        ok = Merge(entry.md5, "MD5", text, true);
      } else if (key == "sha1") {
        ok = Merge(entry.sha1, "SHA1", text, true);
      } else if (key == "sha256") {
        ok = Merge(entry.sha256, "SHA256", text, true);
      } else if (key == "pdq") {
        ok = Merge(entry.pdq, "PDQ", text, true);
      } else if (key == "photodna") {
        ok = Merge(entry.photodna, "PhotoDNA", text, false);
      }
      if (!ok) return false;
    }
    return true;
  }

  bool FileName(std::string& out) {
    const Json* files = record_.Get(kMediaFiles);
    if (files == nullptr || files->is_null()) return true;
    if (!files->is_array()) return WrongType(kMediaFiles, *files, "an array");
    if (files->empty()) return true;
    const Json& first = files->front();
    if (!first.is_object()) {
      return Fail("MediaFiles must hold objects, not " + std::string(TypeName(first)));
    }
    const Json* name = FindKeyIgnoreCase(first, "FileName");
    if (name == nullptr || name->is_null()) return true;
    if (!name->is_string()) {
      return Fail("MediaFiles[0].FileName must be a string, not " + std::string(TypeName(*name)));
    }
    out = name->get_ref<const std::string&>();
    return true;
  }

  const RecordBuilder& record_;
  std::string why_;
};

// ---------------------------------------------------------------------------
// What the root key says about the document.

enum class Shape { kUnknown, kHashSet, kCases };

struct DocumentInfo {
  bool stated = false;  // the root had a version key
  bool legacy = false;  // 1.x
  std::string version;  // "1.3", "2.0"; "" when the URL does not say
  std::string profile;  // "US", "UK", "Default", "CUSTOM", ...; "" in 1.x
  Shape shape = Shape::kUnknown;
};

DocumentInfo Describe(std::string_view key, std::string_view url) {
  DocumentInfo info;
  info.stated = true;
  info.legacy = key == "odata.metadata";
  std::string lower = internal::ToLowerAscii(url);
  if (size_t at = lower.find("datamodels/"); at != std::string::npos) {
    size_t start = at + std::strlen("datamodels/");
    size_t end = lower.find(".xml", start);
    if (end != std::string::npos && end - start <= 16) {
      info.version = std::string(url.substr(start, end - start));
      info.legacy = info.version.starts_with("1");
    }
  }
  if (size_t at = lower.find(".xml/"); at != std::string::npos) {
    size_t start = at + std::strlen(".xml/");
    size_t end = lower.find_first_of("/#$", start);
    if (end == std::string::npos) end = lower.size();
    info.profile = std::string(url.substr(start, end - start));
  }
  if (size_t hash = lower.rfind('#'); hash != std::string::npos) {
    std::string_view entity = lower;
    entity.remove_prefix(hash + 1);
    if (entity == "media") info.shape = Shape::kHashSet;
    if (entity == "cases") info.shape = Shape::kCases;
  }
  return info;
}

std::string_view SchemeFor(const DocumentInfo& info) {
  if (info.legacy) return "dhs";
  if (EqualsIgnoreCase(info.profile, "UK")) return "uk";
  return "vics-us";
}

std::string FormatText(const DocumentInfo& info, Shape seen) {
  std::string text = "VICS ";
  if (!info.stated) {
    text += "(no odata.metadata or @odata.context key; read as 2.0";
  } else {
    text += info.version.empty() ? (info.legacy ? "1.x" : "2.0") : info.version;
    text += " (";
    if (!info.profile.empty()) text += info.profile + " profile";
  }
  // What the data showed wins over the URL: Cases were read as Cases.
  Shape shape = seen == Shape::kCases || info.shape == Shape::kUnknown ? seen : info.shape;
  if (text.back() != '(') text += ", ";
  text += shape == Shape::kCases ? "case export)" : "hash set)";
  return text;
}

std::string StripJsonPrefix(const char* what) {
  std::string_view text = what;
  // "[json.exception.parse_error.101] parse error at line 1, column 5: ..."
  if (text.starts_with("[json.exception.")) {
    size_t close = text.find("] ");
    if (close != std::string_view::npos) text.remove_prefix(close + 2);
  }
  return std::string(text);
}

// Byte offset (0-based) of the last character nlohmann's lexer read.
uint64_t ErrorByte(size_t chars_read) { return chars_read > 0 ? chars_read - 1 : 0; }

// ---------------------------------------------------------------------------
// First pass: the root key naming the version.

class VersionProbe {
 public:
  bool null() { return Scalar(); }
  bool boolean(bool /*value*/) { return Scalar(); }
  bool number_integer(int64_t /*value*/) { return Scalar(); }
  bool number_unsigned(uint64_t /*value*/) { return Scalar(); }
  bool number_float(double /*value*/, const std::string& /*text*/) { return Scalar(); }
  bool binary(Json::binary_t& /*value*/) { return Scalar(); }
  bool string(std::string& value) {
    if (depth_ == 1 && version_key_) {
      info = Describe(*version_key_, value);
      return false;  // found: stop reading
    }
    return Scalar();
  }
  bool start_object(size_t /*size*/) {
    version_key_.reset();
    ++depth_;
    return true;
  }
  bool start_array(size_t /*size*/) {
    if (depth_ == 0) {
      root_problem = "the top level is an array, not an object";
      return false;
    }
    version_key_.reset();
    ++depth_;
    return true;
  }
  bool end_object() {
    --depth_;
    return true;
  }
  bool end_array() {
    --depth_;
    return true;
  }
  bool key(std::string& name) {
    version_key_.reset();
    if (depth_ == 1 && (name == "odata.metadata" || name == "@odata.context")) version_key_ = name;
    return true;
  }
  bool parse_error(size_t position, const std::string& /*last_token*/,
                   const nlohmann::detail::exception& ex) {
    error_byte = ErrorByte(position);
    error = StripJsonPrefix(ex.what());
    return false;
  }

  DocumentInfo info;
  std::string root_problem;  // not a VICS document
  std::string error;         // malformed JSON
  uint64_t error_byte = 0;

 private:
  bool Scalar() {
    if (depth_ == 0) {
      root_problem = "the top level is a single value, not an object";
      return false;
    }
    version_key_.reset();
    return true;
  }

  int depth_ = 0;
  std::optional<std::string> version_key_;
};

// ---------------------------------------------------------------------------
// Second pass: the records.

class VicsHandler {
 public:
  VicsHandler(ByteSource& source, ImportContext& context, ImportReport& report,
              const DocumentInfo& info)
      : source_(source), context_(context), report_(report), info_(info) {}

  bool null() {
    return Scalar([] { return Json(nullptr); });
  }
  bool boolean(bool value) {
    return Scalar([value] { return Json(value); });
  }
  bool number_integer(int64_t value) {
    return Scalar([value] { return Json(value); });
  }
  bool number_unsigned(uint64_t value) {
    return Scalar([value] { return Json(value); });
  }
  bool number_float(double value, const std::string& /*text*/) {
    return Scalar([value] { return Json(value); });
  }
  bool string(std::string& value) {
    return Scalar([&value] { return Json(value); });
  }
  bool binary(Json::binary_t& /*value*/) {
    return Scalar([] { return Json(nullptr); });
  }

  bool key(std::string& name) {
    if (skip_ > 0) return true;
    switch (mode()) {
      case Mode::kRoot:
        root_key_ = name;
        return true;
      case Mode::kElement:
        media_key_pending_ = element_.AtTopLevel() && EqualsIgnoreCase(name, "Media");
        element_.Key(name);
        return true;
      case Mode::kRecord:
        record_.Key(name);
        return true;
      default:
        return true;
    }
  }

  bool start_object(size_t /*size*/) { return Start(/*is_array=*/false); }
  bool start_array(size_t /*size*/) { return Start(/*is_array=*/true); }
  bool end_object() { return End(); }
  bool end_array() { return End(); }

  bool parse_error(size_t position, const std::string& /*last_token*/,
                   const nlohmann::detail::exception& ex) {
    status_ = context_.Fatal(StatusCode::kInvalidArgument,
                             RecordLocation{"byte " + std::to_string(ErrorByte(position))},
                             "malformed JSON: " + StripJsonPrefix(ex.what()));
    return false;
  }

  const Status& status() const { return status_; }
  bool saw_value_array() const { return saw_value_array_; }
  Shape seen_shape() const { return saw_case_ ? Shape::kCases : Shape::kHashSet; }

 private:
  enum class Mode {
    kTop,         // before the root object
    kRoot,        // in the root object
    kValueArray,  // in root.value[]
    kElement,     // in a value[] object: a Case or a Media record
    kMediaArray,  // in a Case's Media[]
    kRecord,      // in a Media record
    kDone,        // after the root object
  };

  Mode mode() const { return modes_.back(); }

  template <typename MakeJson>
  bool Scalar(MakeJson make) {
    if (skip_ > 0) return true;
    media_key_pending_ = false;
    switch (mode()) {
      case Mode::kRoot:
        if (root_key_ == "value") {
          return Stop(context_.Fatal(StatusCode::kInvalidArgument, Here(),
                                     "not a VICS document: \"value\" is " +
                                         std::string(TypeName(make())) + ", not an array"));
        }
        return true;
      case Mode::kValueArray:
      case Mode::kMediaArray:
        return NotARecord(make());
      case Mode::kElement:
        if (element_.WantsValue()) element_.Value(make());
        return true;
      case Mode::kRecord:
        if (record_.WantsValue()) record_.Value(make());
        return true;
      default:
        return true;
    }
  }

  bool Start(bool is_array) {
    if (skip_ > 0) {
      ++skip_;
      return true;
    }
    uint64_t offset = source_.consumed() - 1;  // the '{' or '[' just read
    switch (mode()) {
      case Mode::kTop:
        if (is_array) {
          return Stop(context_.Fatal(StatusCode::kInvalidArgument, Here(),
                                     "not a VICS document: the top level is an array"));
        }
        modes_.push_back(Mode::kRoot);
        return true;
      case Mode::kRoot:
        if (root_key_ == "value") {
          if (!is_array) {
            return Stop(context_.Fatal(StatusCode::kInvalidArgument, Here(),
                                       "not a VICS document: \"value\" is an object, not an "
                                       "array"));
          }
          saw_value_array_ = true;
          modes_.push_back(Mode::kValueArray);
          return true;
        }
        skip_ = 1;
        return true;
      case Mode::kValueArray:
        if (is_array) {
          skip_ = 1;
          return NotARecord(Json::array());
        }
        element_.Begin(offset);
        element_has_media_ = false;
        modes_.push_back(Mode::kElement);
        return true;
      case Mode::kElement:
        if (media_key_pending_ && is_array) {
          media_key_pending_ = false;
          element_has_media_ = true;
          saw_case_ = true;
          TakeCaseFields();
          modes_.push_back(Mode::kMediaArray);
          return true;
        }
        media_key_pending_ = false;
        element_.StartContainer(is_array);
        return true;
      case Mode::kMediaArray:
        if (is_array) {
          skip_ = 1;
          return NotARecord(Json::array());
        }
        record_.Begin(offset);
        modes_.push_back(Mode::kRecord);
        return true;
      case Mode::kRecord:
        record_.StartContainer(is_array);
        return true;
      case Mode::kDone:
        return true;
    }
    return true;
  }

  bool End() {
    if (skip_ > 0) {
      --skip_;
      return true;
    }
    media_key_pending_ = false;
    switch (mode()) {
      case Mode::kRoot:
        modes_.back() = Mode::kDone;
        return true;
      case Mode::kValueArray:
      case Mode::kMediaArray:
        modes_.pop_back();
        return true;
      case Mode::kElement:
        if (!element_.EndContainer()) return true;
        modes_.pop_back();
        if (element_has_media_ || info_.shape == Shape::kCases) {
          saw_case_ = true;
          TakeCaseFields();
          return true;
        }
        return Finish(element_);
      case Mode::kRecord:
        if (!record_.EndContainer()) return true;
        modes_.pop_back();
        return Finish(record_);
      default:
        return true;
    }
  }

  // Case fields: the first organisation named becomes the source's agency.
  void TakeCaseFields() {
    if (!report_.source.agency.empty()) return;
    for (Field field : {kContactOrganization, kAgency}) {
      const Json* value = element_.Get(field);
      if (value != nullptr && value->is_string() && !value->get_ref<const std::string&>().empty()) {
        report_.source.agency = value->get_ref<const std::string&>();
        return;
      }
    }
  }

  void SetLocation(uint64_t offset, const RecordBuilder* record) {
    std::string& text = where_.text;
    text.assign("byte ");
    text += std::to_string(offset);
    text += " (record ";
    text += std::to_string(record_count_);
    if (record != nullptr) {
      const Json* id = record->Get(kMediaId);
      if (id != nullptr && (id->is_string() || id->is_number())) {
        text += ", MediaID ";
        if (id->is_string()) {
          const std::string& value = id->get_ref<const std::string&>();
          text += value.size() <= 40 ? value : value.substr(0, 40) + "...";
        } else {
          text += CompactText(*id);
        }
      }
    }
    text += ')';
  }

  bool Finish(const RecordBuilder& record) {
    ++record_count_;
    SetLocation(record.offset(), &record);
    HashSetEntry entry;
    bool premapped = false;
    RecordConverter converter(record);
    Status status;
    if (!converter.Convert(entry, premapped)) {
      status = context_.Invalid(where_, converter.why());
    } else if (premapped) {
      status = context_.EmitMapped(std::move(entry), where_);
    } else {
      status = context_.Emit(std::move(entry), where_);
    }
    return status.ok() || Stop(std::move(status));
  }

  bool NotARecord(const Json& value) {
    ++record_count_;
    SetLocation(source_.consumed() > 0 ? source_.consumed() - 1 : 0, nullptr);
    Status status = context_.Invalid(
        where_, "a Media record must be a JSON object, not " + std::string(TypeName(value)));
    return status.ok() || Stop(std::move(status));
  }

  RecordLocation Here() const {
    uint64_t consumed = source_.consumed();
    return RecordLocation{"byte " + std::to_string(consumed > 0 ? consumed - 1 : 0)};
  }

  bool Stop(Status status) {
    status_ = std::move(status);
    return false;
  }

  ByteSource& source_;
  ImportContext& context_;
  ImportReport& report_;
  const DocumentInfo& info_;
  std::vector<Mode> modes_{Mode::kTop};
  int skip_ = 0;  // depth inside a skipped value outside records
  std::string root_key_;
  RecordBuilder element_;
  RecordBuilder record_;
  bool media_key_pending_ = false;
  bool element_has_media_ = false;
  bool saw_case_ = false;
  bool saw_value_array_ = false;
  uint64_t record_count_ = 0;
  RecordLocation where_;
  Status status_;
};

Status Parse(ByteSource& source, ImportContext& context, ImportReport& report,
             const DocumentInfo& info) {
  VicsHandler handler(source, context, report, info);
  bool ok = Json::sax_parse(ByteIterator(&source), ByteIterator(), &handler);
  TANTALIO_RETURN_IF_ERROR(source.status());
  if (!ok) return handler.status();
  if (!handler.saw_value_array()) {
    return context.Fatal(StatusCode::kInvalidArgument, RecordLocation{},
                         "not a VICS document: the root object has no \"value\" array");
  }
  report.source.format = FormatText(info, handler.seen_shape());
  return Status::Ok();
}

}  // namespace

Status ReadVics(const std::string& path, ImportContext& context, ImportReport& report) {
  ByteSource source;
  TANTALIO_RETURN_IF_ERROR(source.Open(path));
  try {
    VersionProbe probe;
    Json::sax_parse(ByteIterator(&source), ByteIterator(), &probe);
    TANTALIO_RETURN_IF_ERROR(source.status());
    if (!probe.error.empty()) {
      return context.Fatal(StatusCode::kInvalidArgument,
                           RecordLocation{"byte " + std::to_string(probe.error_byte)},
                           "malformed JSON: " + probe.error);
    }
    if (!probe.root_problem.empty()) {
      return context.Fatal(StatusCode::kInvalidArgument, RecordLocation{},
                           "not a VICS document: " + probe.root_problem);
    }
    const DocumentInfo& info = probe.info;
    report.source.version = info.version;
    report.source.format = FormatText(info, Shape::kHashSet);
    TANTALIO_RETURN_IF_ERROR(context.UseCategoryScheme(SchemeFor(info)));
    TANTALIO_RETURN_IF_ERROR(source.Rewind());
    return Parse(source, context, report, info);
  } catch (const std::bad_alloc&) {
    return context.Fatal(StatusCode::kResourceExhausted,
                         RecordLocation{"byte " + std::to_string(source.consumed())},
                         "out of memory while reading the JSON");
  } catch (const nlohmann::json::exception& e) {
    return context.Fatal(StatusCode::kInternal,
                         RecordLocation{"byte " + std::to_string(source.consumed())},
                         StripJsonPrefix(e.what()));
  }
}

}  // namespace tantalio::formats::internal
