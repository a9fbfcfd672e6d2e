// The VICS 2.0 case export ("US/$metadata#Cases"), streamed:
//
//   {
//     "@odata.context": ".../2.0.xml/US/$metadata#Cases",
//     "value": [
//       {
//         "CaseID": ..., "CaseNumber": ..., ...,
//         "Media": [
//           {<one Media per line>},
//           ...
//         ],
//         "TotalMediaFiles": <Media written>,
//         "TotalPrecategorized": <Media with a category>
//       }
//     ]
//   }
//
// The totals are only known at the end, so they follow the Media array (JSON
// readers do not depend on key order). Empty case fields are omitted. Media
// keys are those of the hash-set writer (vics_json.h) plus RelativeFilePath
// and MediaFiles.
#include <memory>
#include <ostream>
#include <string>

#include "formats/hash_set_export.h"
#include "formats/vics_json.h"

namespace tantalio::formats {
namespace {

using internal::JsonObjectBuilder;

void AppendMediaFile(const VicsMediaFile& file, const HashSetEntry& entry, std::string& out) {
  JsonObjectBuilder object(out);
  object.StringIfSet("MD5", file.md5.empty() ? entry.md5 : file.md5)
      .StringIfSet("FileName", file.file_name)
      .StringIfSet("FilePath", file.file_path)
      .StringIfSet("SourceID", file.source_id);
  if (file.created) object.String("Created", *file.created);
  if (file.written) object.String("Written", *file.written);
  if (file.accessed) object.String("Accessed", *file.accessed);
  object.Bool("Deleted", file.deleted).Bool("Unallocated", file.unallocated);
  if (file.physical_location) object.Int("PhysicalLocation", *file.physical_location);
  object.StringIfSet("ParentMD5", file.parent_md5)
      .StringIfSet("ParentFileName", file.parent_file_name)
      .StringIfSet("ParentFilePath", file.parent_file_path);
  object.Close();
}

class CaseWriter final : public VicsCaseWriter {
 public:
  explicit CaseWriter(std::ostream& out) : out_(out) {}

  void WriteHead(const VicsCase& info) {
    std::string head = "{\n  \"@odata.context\": ";
    internal::AppendJsonString(head, internal::kVicsUsCaseContext);
    head += ",\n  \"value\": [\n    {\n";
    auto field = [&](std::string_view key, const std::string& value) {
      if (value.empty()) return;
      head += "      ";
      internal::AppendJsonString(head, key);
      head += ": ";
      internal::AppendJsonString(head, value);
      head += ",\n";
    };
    field("CaseID", info.case_id);
    field("CaseNumber", info.case_number);
    field("ContactName", info.contact_name);
    field("ContactOrganization", info.contact_organization);
    field("SourceApplicationName", info.source_application_name);
    field("SourceApplicationVersion", info.source_application_version);
    head += "      \"Media\": [";
    out_ << head;
  }

  Status Write(const VicsMedia& media) override {
    if (finished_) return InternalError("VICS case export: Write after Finish");
    ++media_count_;
    if (media.entry.category) ++precategorized_;
    line_.assign(media_count_ == 1 ? "\n        " : ",\n        ");
    JsonObjectBuilder object(line_);
    object.Int("MediaID", media.media_id);
    internal::AppendVicsMediaFields(media.entry, object);
    object.StringIfSet("RelativeFilePath", media.relative_file_path);
    if (!media.files.empty()) {
      std::string files = "[";
      for (size_t i = 0; i < media.files.size(); ++i) {
        if (i > 0) files += ", ";
        AppendMediaFile(media.files[i], media.entry, files);
      }
      files += ']';
      object.Raw("MediaFiles", files);
    } else {
      internal::AppendVicsNameAsMediaFiles(media.entry, object);
    }
    object.Close();
    out_ << line_;
    if (!out_) return IoError("write VICS case export: the output stream failed");
    return Status::Ok();
  }

  Status Finish() override {
    if (finished_) return InternalError("VICS case export: Finish called twice");
    finished_ = true;
    out_ << (media_count_ == 0 ? "],\n" : "\n      ],\n")
         << "      \"TotalMediaFiles\": " << media_count_
         << ",\n      \"TotalPrecategorized\": " << precategorized_ << "\n    }\n  ]\n}\n";
    out_.flush();
    if (!out_) return IoError("finish VICS case export: the output stream failed");
    return Status::Ok();
  }

 private:
  std::ostream& out_;
  std::string line_;
  uint64_t media_count_ = 0;
  uint64_t precategorized_ = 0;
  bool finished_ = false;
};

}  // namespace

Result<std::unique_ptr<VicsCaseWriter>> VicsCaseWriter::Start(std::ostream& out,
                                                              const VicsCase& info) {
  auto writer = std::make_unique<CaseWriter>(out);
  writer->WriteHead(info);
  if (!out) return IoError("write VICS case export head: the output stream failed");
  return std::unique_ptr<VicsCaseWriter>(std::move(writer));
}

}  // namespace tantalio::formats
