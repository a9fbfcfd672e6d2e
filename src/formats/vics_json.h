// Writing VICS 2.0 Media records as JSON, shared by the hash-set writer
// (hash_set_writers.cc) and the case writer (vics_case_writer.cc), which
// define the per-entry keys here once. Internal to src/formats/; defined in
// hash_set_writers.cc.
#ifndef TANTALIO_FORMATS_VICS_JSON_H_
#define TANTALIO_FORMATS_VICS_JSON_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "formats/hash_set_entry.h"

namespace tantalio::formats::internal {

inline constexpr std::string_view kVicsHashSetContext =
    "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/Default/$metadata#Media";
inline constexpr std::string_view kVicsUsCaseContext =
    "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/US/$metadata#Cases";

// Appends `text` as a JSON string literal. Bytes that are not valid UTF-8
// become U+FFFD (JSON text must be UTF-8).
void AppendJsonString(std::string& out, std::string_view text);

// Builds one JSON object on one line, member by member, into `out`.
class JsonObjectBuilder {
 public:
  explicit JsonObjectBuilder(std::string& out) : out_(out) { out_ += '{'; }

  JsonObjectBuilder& String(std::string_view key, std::string_view value);
  // Omitted when `value` is empty.
  JsonObjectBuilder& StringIfSet(std::string_view key, std::string_view value);
  JsonObjectBuilder& Int(std::string_view key, int64_t value);
  JsonObjectBuilder& Bool(std::string_view key, bool value);
  // Omitted when unknown.
  JsonObjectBuilder& BoolIfSet(std::string_view key, std::optional<bool> value);
  JsonObjectBuilder& Null(std::string_view key);
  // `json` must be a complete JSON value (an array built elsewhere).
  JsonObjectBuilder& Raw(std::string_view key, std::string_view json);
  // Appends the closing brace; call once.
  void Close() { out_ += '}'; }

 private:
  void Key(std::string_view key);

  std::string& out_;
  bool first_ = true;
};

// "MediaID": `source_ref` as a JSON number when it is a non-negative integer
// written without leading zeros that fits in 64 bits (so it reads back as the
// same text), else as a string.
void AppendVicsMediaId(std::string_view source_ref, JsonObjectBuilder& object);

// The Media keys for `entry` other than MediaID, RelativeFilePath and
// MediaFiles: Category (the project category, null when uncategorised), MD5,
// SHA1, SHA256, PDQ, PDQQuality, SourceCategory, PhotoDNA, MediaSize,
// MimeType, Series, VictimIdentified, OffenderIdentified, IsDistributed, Tags,
// Comments. Empty and unknown values are omitted, except SourceCategory,
// which is written (possibly empty) whenever the entry has a category so that
// the VICS reader takes Category as a project category and keeps the
// source's value as it was.
void AppendVicsMediaFields(const HashSetEntry& entry, JsonObjectBuilder& object);

// "MediaFiles": [{"MD5": ..., "FileName": entry.name}] when the entry has a
// name; nothing otherwise.
void AppendVicsNameAsMediaFiles(const HashSetEntry& entry, JsonObjectBuilder& object);

}  // namespace tantalio::formats::internal

#endif  // TANTALIO_FORMATS_VICS_JSON_H_
