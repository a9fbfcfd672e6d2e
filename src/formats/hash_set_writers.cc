// The hash-set writers behind NewHashSetWriter, and the VICS JSON helpers
// (vics_json.h) the case writer shares.
//
// Each writer streams: the document head goes out when the writer is made,
// one record per Write, the tail in Finish.
//
// Decisions per format:
//   VICS      MediaID is the entry's source_ref (a number when it is one);
//             entries without one get a running number (their position in
//             the file, from 1), which need not be unique against numeric
//             source_refs of other entries. The set name, agency and tool
//             have no place in a VICS hash set and are not written.
//   hashdeep  the header names size,md5,sha1,sha256,filename for every file;
//             a hash the entry lacks is an empty field, and so is an unknown
//             size (tantalio reads both back as absent; hashdeep itself
//             rejects lines with an empty hash and reads an empty size as 0).
//             Set name, agency and tool go on "## " comment lines. A file
//             name with a line break cannot be written (hashdeep #384): the
//             entry is refused.
//   CSV       every field, named as in HashSetEntry; booleans true/false,
//             empty when unknown; the media time in the shortest decimal
//             that reads back as the same number; RFC 4180 quoting; LF line
//             ends.
//   PDQ       "hash,quality,label" lines without a header row (as Facebook's
//             PDQ tools write them, and so format detection recognises the
//             file); the quality is empty when unknown; the label is the
//             entry's name, written as is (the reader takes everything after
//             the second comma), so it may hold commas but not line breaks.
//             A video frame is refused: the list would lose its time and
//             video (--format vpdq keeps them).
//   vPDQ      the header row "video_id,time,quality,hash", then one
//             "video_id,time,quality,hash" line per video frame, the time
//             with 3 decimals (as the vPDQ reference writes timestamps; finer
//             times are rounded), the quality empty when unknown. Only video
//             frames can be written, and only when the video id reads back
//             as itself: not empty, no comma or line break, no blank at
//             either end, no '#' first.
//   hash list the strongest hash (SHA-256, SHA-1, MD5) per line, no header,
//             so other tools can read the list.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <string_view>

#include "formats/hash_set_export.h"
#include "formats/text_formats.h"
#include "formats/vics_json.h"

namespace tantalio::formats {

// ---------------------------------------------------------------------------
// VICS JSON helpers.

namespace internal {

void AppendJsonString(std::string& out, std::string_view text) {
  out += nlohmann::json(std::string(text))
             .dump(-1, ' ', /*ensure_ascii=*/false, nlohmann::json::error_handler_t::replace);
}

void JsonObjectBuilder::Key(std::string_view key) {
  if (!first_) out_ += ", ";
  first_ = false;
  AppendJsonString(out_, key);
  out_ += ": ";
}

JsonObjectBuilder& JsonObjectBuilder::String(std::string_view key, std::string_view value) {
  Key(key);
  AppendJsonString(out_, value);
  return *this;
}

JsonObjectBuilder& JsonObjectBuilder::StringIfSet(std::string_view key, std::string_view value) {
  if (!value.empty()) String(key, value);
  return *this;
}

JsonObjectBuilder& JsonObjectBuilder::Int(std::string_view key, int64_t value) {
  Key(key);
  out_ += std::to_string(value);
  return *this;
}

JsonObjectBuilder& JsonObjectBuilder::Bool(std::string_view key, bool value) {
  Key(key);
  out_ += value ? "true" : "false";
  return *this;
}

JsonObjectBuilder& JsonObjectBuilder::BoolIfSet(std::string_view key, std::optional<bool> value) {
  if (value) Bool(key, *value);
  return *this;
}

JsonObjectBuilder& JsonObjectBuilder::Null(std::string_view key) {
  Key(key);
  out_ += "null";
  return *this;
}

JsonObjectBuilder& JsonObjectBuilder::Raw(std::string_view key, std::string_view json) {
  Key(key);
  out_ += json;
  return *this;
}

void AppendVicsMediaId(std::string_view source_ref, JsonObjectBuilder& object) {
  const bool canonical_number = !source_ref.empty() && source_ref.size() <= 19 &&
                                std::all_of(source_ref.begin(), source_ref.end(),
                                            [](char c) { return c >= '0' && c <= '9'; }) &&
                                (source_ref.size() == 1 || source_ref.front() != '0');
  std::optional<int64_t> number = canonical_number ? ParseInt64(source_ref) : std::nullopt;
  if (number) {
    object.Int("MediaID", *number);
  } else {
    object.String("MediaID", source_ref);
  }
}

void AppendVicsMediaFields(const HashSetEntry& entry, JsonObjectBuilder& object) {
  if (entry.category) {
    object.Int("Category", *entry.category);
  } else {
    object.Null("Category");
  }
  object.StringIfSet("MD5", entry.md5)
      .StringIfSet("SHA1", entry.sha1)
      .StringIfSet("SHA256", entry.sha256)
      .StringIfSet("PDQ", entry.pdq);
  if (entry.pdq_quality) object.Int("PDQQuality", *entry.pdq_quality);
  // Written whenever the entry has a category, even empty: the VICS reader
  // takes Category as already mapped only beside SourceCategory, and would
  // otherwise read the category's text back as the source's value.
  if (!entry.category_source.empty() || entry.category) {
    object.String("SourceCategory", entry.category_source);
  }
  object.StringIfSet("PhotoDNA", entry.photodna);
  if (entry.size) object.Int("MediaSize", *entry.size);
  object.StringIfSet("MimeType", entry.mime_type)
      .StringIfSet("Series", entry.series)
      .BoolIfSet("VictimIdentified", entry.victim_identified)
      .BoolIfSet("OffenderIdentified", entry.offender_identified)
      .BoolIfSet("IsDistributed", entry.distributed)
      .StringIfSet("Tags", entry.tags)
      .StringIfSet("Comments", entry.comments);
}

void AppendVicsNameAsMediaFiles(const HashSetEntry& entry, JsonObjectBuilder& object) {
  if (entry.name.empty()) return;
  std::string files = "[";
  JsonObjectBuilder file(files);
  file.StringIfSet("MD5", entry.md5).String("FileName", entry.name);
  file.Close();
  files += ']';
  object.Raw("MediaFiles", files);
}

}  // namespace internal

// ---------------------------------------------------------------------------
// The writers.

namespace {

using internal::JsonObjectBuilder;

bool HasLineBreak(std::string_view text) { return text.find_first_of("\r\n") != text.npos; }

// Header comment text on one line.
std::string OneLine(std::string_view text) {
  std::string out(text);
  std::replace_if(
      out.begin(), out.end(), [](char c) { return c == '\r' || c == '\n'; }, ' ');
  return out;
}

Status StreamStatus(const std::ostream& out, std::string_view what) {
  if (!out) return IoError(std::string(what) + ": the output stream failed");
  return Status::Ok();
}

class WriterBase : public HashSetWriter {
 public:
  WriterBase(std::ostream& out, std::string_view what) : out_(out), what_(what) {}

  Status Write(const HashSetEntry& entry) final {
    if (finished_) return InternalError(what_ + ": Write after Finish");
    TANTALIO_RETURN_IF_ERROR(WriteEntry(entry));
    return StreamStatus(out_, "write " + what_);
  }

  Status Finish() final {
    if (finished_) return InternalError(what_ + ": Finish called twice");
    finished_ = true;
    WriteTail();
    out_.flush();
    return StreamStatus(out_, "finish " + what_);
  }

 protected:
  virtual Status WriteEntry(const HashSetEntry& entry) = 0;
  virtual void WriteTail() {}

  std::ostream& out_;
  std::string what_;
  std::string line_;  // one record's text, reused so records cost no allocation

 private:
  bool finished_ = false;
};

class VicsWriter final : public WriterBase {
 public:
  explicit VicsWriter(std::ostream& out) : WriterBase(out, "VICS hash set") {
    std::string head = "{\n  \"@odata.context\": ";
    internal::AppendJsonString(head, internal::kVicsHashSetContext);
    head += ",\n  \"value\": [";
    out_ << head;
  }

 protected:
  Status WriteEntry(const HashSetEntry& entry) override {
    // VICS has no field for a video frame's time or an audio fingerprint.
    if (entry.md5.empty() && entry.sha1.empty() && entry.sha256.empty() && entry.pdq.empty()) {
      return InvalidArgumentError(
          "VICS: the entry has only an audio fingerprint, which VICS cannot hold; write it with "
          "--format csv");
    }
    if (entry.media_time) {
      return InvalidArgumentError(
          "VICS: the entry is a video frame, whose time and video VICS cannot hold; write video "
          "frames with --format vpdq");
    }
    ++count_;
    line_.assign(count_ == 1 ? "\n    " : ",\n    ");
    JsonObjectBuilder object(line_);
    if (entry.source_ref.empty()) {
      object.Int("MediaID", static_cast<int64_t>(count_));
    } else {
      internal::AppendVicsMediaId(entry.source_ref, object);
    }
    internal::AppendVicsMediaFields(entry, object);
    internal::AppendVicsNameAsMediaFiles(entry, object);
    object.Close();
    out_ << line_;
    return Status::Ok();
  }

  void WriteTail() override { out_ << (count_ == 0 ? "]\n}\n" : "\n  ]\n}\n"); }

 private:
  uint64_t count_ = 0;
};

class HashdeepWriter final : public WriterBase {
 public:
  HashdeepWriter(std::ostream& out, const ExportHeader& header) : WriterBase(out, "hashdeep file") {
    out_ << "%%%% HASHDEEP-1.0\n%%%% size,md5,sha1,sha256,filename\n";
    if (!header.set_name.empty()) out_ << "## Hash set: " << OneLine(header.set_name) << '\n';
    if (!header.agency.empty()) out_ << "## Agency: " << OneLine(header.agency) << '\n';
    if (!header.tool_version.empty()) {
      out_ << "## Written by: " << OneLine(header.tool_version) << '\n';
    }
    out_ << "## \n";
  }

 protected:
  Status WriteEntry(const HashSetEntry& entry) override {
    if (entry.md5.empty() && entry.sha1.empty() && entry.sha256.empty()) {
      return InvalidArgumentError("hashdeep: the entry has no MD5, SHA-1 or SHA-256");
    }
    if (HasLineBreak(entry.name)) {
      return InvalidArgumentError("hashdeep: the file name " +
                                  internal::QuoteForMessage(entry.name) +
                                  " contains a line break, which the format cannot hold");
    }
    line_.clear();
    if (entry.size) line_ += std::to_string(*entry.size);
    line_ += ',';
    line_ += entry.md5;
    line_ += ',';
    line_ += entry.sha1;
    line_ += ',';
    line_ += entry.sha256;
    line_ += ',';
    line_ += entry.name;
    line_ += '\n';
    out_ << line_;
    return Status::Ok();
  }
};

// RFC 4180: quoted when it holds the separator, a quote or a line break.
void AppendCsvField(std::string& out, std::string_view value) {
  if (value.find_first_of(",\"\r\n") == std::string_view::npos) {
    out += value;
    return;
  }
  out += '"';
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

// "12.480 s of video 'X'", for messages about a video frame.
std::string FrameForMessage(const HashSetEntry& entry) {
  return internal::FormatSeconds(entry.media_time.value_or(0)) + " s of video " +
         internal::QuoteForMessage(entry.source_ref);
}

class CsvWriter final : public WriterBase {
 public:
  explicit CsvWriter(std::ostream& out) : WriterBase(out, "CSV file") {
    std::string head;
    for (std::string_view name : internal::kCsvFieldNames) {
      if (!head.empty()) head += ',';
      head += name;
    }
    out_ << head << '\n';
  }

 protected:
  Status WriteEntry(const HashSetEntry& entry) override {
    if (entry.media_time && !std::isfinite(*entry.media_time)) {
      return InvalidArgumentError("CSV: the video frame time is not a finite number");
    }
    auto number = [](const auto& value) { return value ? std::to_string(*value) : std::string(); };
    auto boolean = [](std::optional<bool> value) -> std::string_view {
      return value ? (*value ? "true" : "false") : "";
    };
    const std::string values[] = {
        entry.md5,
        entry.sha1,
        entry.sha256,
        entry.pdq,
        number(entry.pdq_quality),
        entry.photodna,
        number(entry.category),
        entry.category_source,
        entry.series,
        std::string(boolean(entry.victim_identified)),
        std::string(boolean(entry.offender_identified)),
        std::string(boolean(entry.distributed)),
        entry.tags,
        entry.comments,
        entry.source_ref,
        number(entry.size),
        entry.mime_type,
        entry.name,
        entry.media_time ? internal::FormatSeconds(*entry.media_time) : std::string(),
        entry.chromaprint,
    };
    static_assert(std::size(values) == internal::kCsvFieldNames.size());
    line_.clear();
    for (size_t i = 0; i < std::size(values); ++i) {
      if (i > 0) line_ += ',';
      AppendCsvField(line_, values[i]);
    }
    line_ += '\n';
    out_ << line_;
    return Status::Ok();
  }
};

class PdqWriter final : public WriterBase {
 public:
  explicit PdqWriter(std::ostream& out) : WriterBase(out, "PDQ list") {}

 protected:
  Status WriteEntry(const HashSetEntry& entry) override {
    if (entry.pdq.empty()) return InvalidArgumentError("PDQ list: the entry has no PDQ hash");
    if (entry.IsVideoFrame()) {
      return InvalidArgumentError("PDQ list: the entry is a video frame (at " +
                                  FrameForMessage(entry) +
                                  "), whose time and video a PDQ list cannot hold; write video "
                                  "frames with --format vpdq");
    }
    if (HasLineBreak(entry.name)) {
      return InvalidArgumentError("PDQ list: the label " + internal::QuoteForMessage(entry.name) +
                                  " contains a line break, which the format cannot hold");
    }
    line_ = entry.pdq;
    line_ += ',';
    if (entry.pdq_quality) line_ += std::to_string(*entry.pdq_quality);
    line_ += ',';
    line_ += entry.name;
    line_ += '\n';
    out_ << line_;
    return Status::Ok();
  }
};

class VpdqWriter final : public WriterBase {
 public:
  explicit VpdqWriter(std::ostream& out) : WriterBase(out, "vPDQ list") {
    out_ << "video_id,time,quality,hash\n";
  }

 protected:
  Status WriteEntry(const HashSetEntry& entry) override {
    if (!entry.IsVideoFrame()) {
      return InvalidArgumentError(
          "vPDQ list: the entry is not a video frame (it has no time); a vPDQ list holds only "
          "video frames (write still-image PDQ hashes with --format pdq)");
    }
    if (entry.pdq.empty()) {
      return InvalidArgumentError("vPDQ list: the video frame at " + FrameForMessage(entry) +
                                  " has no PDQ hash");
    }
    if (!(*entry.media_time >= 0) || !std::isfinite(*entry.media_time)) {
      return InvalidArgumentError("vPDQ list: the video frame time " +
                                  internal::FormatSeconds(*entry.media_time) +
                                  " is not a number of seconds of 0 or more");
    }
    const std::string_view id = entry.source_ref;
    std::string_view why;
    if (id.empty()) {
      why = "is empty";
    } else if (id.find(',') != std::string_view::npos) {
      why = "contains a comma";
    } else if (HasLineBreak(id)) {
      why = "contains a line break";
    } else if (internal::TrimWhitespace(id).size() != id.size()) {
      why = "begins or ends with a blank";
    } else if (id.front() == '#') {
      why = "begins with '#' (a comment line)";
    }
    if (!why.empty()) {
      return InvalidArgumentError("vPDQ list: the video id " + internal::QuoteForMessage(id) + " " +
                                  std::string(why) +
                                  ", which the line form video_id,time,quality,hash cannot hold");
    }
    char time[400];
    auto [end, ec] =
        std::to_chars(time, time + sizeof(time), *entry.media_time, std::chars_format::fixed, 3);
    if (ec != std::errc()) {
      return InvalidArgumentError("vPDQ list: the video frame time is too large to write");
    }
    line_.assign(id);
    line_ += ',';
    line_.append(time, end);
    line_ += ',';
    if (entry.pdq_quality) line_ += std::to_string(*entry.pdq_quality);
    line_ += ',';
    line_ += entry.pdq;
    line_ += '\n';
    out_ << line_;
    return Status::Ok();
  }
};

class HashListWriter final : public WriterBase {
 public:
  explicit HashListWriter(std::ostream& out) : WriterBase(out, "hash list") {}

 protected:
  Status WriteEntry(const HashSetEntry& entry) override {
    const std::string& hash = !entry.sha256.empty() ? entry.sha256
                              : !entry.sha1.empty() ? entry.sha1
                                                    : entry.md5;
    if (hash.empty()) {
      return InvalidArgumentError("hash list: the entry has no MD5, SHA-1 or SHA-256");
    }
    out_ << hash << '\n';
    return Status::Ok();
  }
};

}  // namespace

Result<std::unique_ptr<HashSetWriter>> NewHashSetWriter(HashSetFormat format, std::ostream& out,
                                                        const ExportHeader& header) {
  std::unique_ptr<HashSetWriter> writer;
  switch (format) {
    case HashSetFormat::kVics:
      writer = std::make_unique<VicsWriter>(out);
      break;
    case HashSetFormat::kHashdeep:
      writer = std::make_unique<HashdeepWriter>(out, header);
      break;
    case HashSetFormat::kCsv:
      writer = std::make_unique<CsvWriter>(out);
      break;
    case HashSetFormat::kPdq:
      writer = std::make_unique<PdqWriter>(out);
      break;
    case HashSetFormat::kVpdq:
      writer = std::make_unique<VpdqWriter>(out);
      break;
    case HashSetFormat::kHashList:
      writer = std::make_unique<HashListWriter>(out);
      break;
    case HashSetFormat::kAuto:
    case HashSetFormat::kNsrl:
      return UnsupportedError("cannot write hash sets as " +
                              std::string(HashSetFormatName(format)) +
                              " (formats: vics, hashdeep, csv, pdq, vpdq, hashlist)");
  }
  if (!writer) return InvalidArgumentError("unknown hash-set format");
  TANTALIO_RETURN_IF_ERROR(StreamStatus(out, "write the hash-set header"));
  return writer;
}

}  // namespace tantalio::formats
