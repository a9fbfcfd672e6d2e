#include "pipeline/unit_processor.h"

#include <set>
#include <utility>

#include "base/forensic_path.h"
#include "evidence/archive_reader.h"
#include "evidence/byte_source.h"
#include "evidence/file_type.h"
#include "fingerprint/crypto_digest.h"
#include "fingerprint/pdq.h"
#include "media/image_metadata.h"

namespace tantalio {
namespace {

constexpr size_t kChunkBytes = size_t{1} << 20;

using ChunkReader = std::function<Result<size_t>(std::span<uint8_t>)>;

bool IsSqlite(const FileType& type) { return type.mime == "application/vnd.sqlite3"; }

// What one streaming read of a file or entry produced.
struct Streamed {
  CryptoDigests digests;
  FileType type;
  uint64_t size = 0;
  // Kept for later stages: an image (metadata, PDQ), or a database inside an
  // archive (it must be copied out to be opened). Empty when too large.
  std::vector<uint8_t> kept;
  bool too_large_to_keep = false;
  std::unique_ptr<RandomAccessSource> archive;  // spooled nested archive
  std::optional<TextIdentifierStream> text;     // text: identifiers found while reading
  Status error;                                 // non-OK: digests are not valid
};

std::string ToString(ItemKind kind) { return std::string(ItemKindName(kind)); }

}  // namespace

class UnitProcessor::Run {
 public:
  Run(const ProcessorOptions& options, const std::atomic<bool>* cancel, const DirectoryItem& unit,
      const Emit& emit, std::vector<uint8_t>& buffer, ImageAnalyzer& images, CryptoHasher& hasher)
      : options_(options),
        cancel_(cancel),
        unit_(unit),
        emit_(emit),
        buffer_(buffer),
        images_(images),
        hasher_(hasher),
        artifacts_(options.artifacts) {}

  void Go() {
    FileRecord record = BaseRecord(unit_.forensic_path, ToString(unit_.kind), 0);
    record.size = unit_.size;
    record.mtime = unit_.mtime;
    record.atime = unit_.atime;
    record.ctime = unit_.ctime;
    if (!unit_.error.ok()) {
      const bool directory = unit_.kind == ItemKind::kDirectory;
      AddError(unit_.forensic_path, directory ? "walk" : "stat", unit_.error);
      if (!directory) {
        record.status = kStatusError;
        AddFile(std::move(record));
      }
    } else if (unit_.kind == ItemKind::kSymlink) {
      record.status = kStatusLink;
      record.link_target = unit_.link_target;
      AddFile(std::move(record));
    } else if (unit_.kind == ItemKind::kSpecial) {
      record.status = kStatusSpecial;
      record.note = unit_.note + ": not opened";
      AddFile(std::move(record));
    } else {
      ProcessTopLevelFile(std::move(record));
    }
    Flush(!Cancelled());
  }

 private:
  bool Cancelled() const { return cancel_ != nullptr && cancel_->load(std::memory_order_relaxed); }

  FileRecord BaseRecord(const std::string& path, std::string kind, int depth) {
    FileRecord r;
    r.forensic_path = path;
    r.unit_path = unit_.forensic_path;
    r.kind = std::move(kind);
    r.depth = depth;
    r.extension = LowerExtension(path);
    return r;
  }

  void ProcessTopLevelFile(FileRecord record) {
    auto source = OpenEvidenceFile(unit_.fs_path);
    if (!source.ok()) {
      record.status = kStatusError;
      AddError(record.forensic_path, "open", source.status());
      AddFile(std::move(record));
      return;
    }
    const RandomAccessSource& file = **source;
    uint64_t offset = 0;
    Streamed s = Stream(
        [&](std::span<uint8_t> out) -> Result<size_t> {
          TANTALIO_ASSIGN_OR_RETURN(size_t n, file.ReadAt(offset, out));
          offset += n;
          output_.bytes_read += n;
          return n;
        },
        record.forensic_path, /*depth=*/0, /*spool_archive=*/false);
    if (!FillContent(record, s)) return;
    if (options_.artifacts.enabled && IsSqlite(s.type) && !Cancelled()) {
      artifacts_.ReadDatabase(file, unit_.fs_path, record, output_);
    }
    if (IsArchive(s.type) && !Cancelled()) {
      archive_base_ = s.size;
      if (!ExpandArchive(file, record.forensic_path, 0)) record.status = kStatusPartial;
    }
    AddFile(std::move(record));
  }

  // Records the outcome of Stream() in `record`; false if the read failed.
  bool FillContent(FileRecord& record, Streamed& s) {
    if (s.error.code() == StatusCode::kCancelled) return false;  // redone on resume
    if (!s.error.ok()) {
      record.status = kStatusError;
      AddError(record.forensic_path, "read", s.error);
      AddFile(std::move(record));
      return false;
    }
    record.status = kStatusOk;
    record.size = s.size;
    record.mime = std::string(s.type.mime);
    record.extension_mismatch = ExtensionMismatch(s.type, record.extension);
    record.sha256 = s.digests.Sha256Hex();
    output_.contents.push_back(ContentRecord{record.sha256, s.digests.Md5Hex(), s.digests.Sha1Hex(),
                                             s.size, record.mime, kCryptoDigestAlgorithm,
                                             kCryptoDigestVersion});
    if (options_.matcher != nullptr) {
      options_.matcher->MatchDigests(output_.contents.back(), output_.matches);
    }
    if (s.type.family == TypeFamily::kImage) {
      if (!s.kept.empty()) AnalyzeImage(record, s.kept);
      if (s.too_large_to_keep) {
        AddError(record.forensic_path, "decode",
                 ResourceExhaustedError("image file larger than " +
                                        std::to_string(options_.image_max_bytes) +
                                        " bytes: hashed, but not decoded (no PDQ, no metadata)"));
      }
    }
    if (s.text) AddTextIdentifiers(record, *s.text);
    if (s.type.family == TypeFamily::kText && !s.kept.empty()) {
      artifacts_.ReadWhatsAppPreferences(
          std::string_view(reinterpret_cast<const char*>(s.kept.data()), s.kept.size()), record,
          output_);
    }
    if (options_.artifacts.enabled && !IsSqlite(s.type)) {
      if (auto kind = ArtifactReader::EncryptedBackupKind(record.forensic_path)) {
        artifacts_.RecordEncryptedBackup(*kind, record, output_);
      }
    }
    return true;
  }

  void AddTextIdentifiers(const FileRecord& record, TextIdentifierStream& text) {
    bool capped = false;
    std::vector<IdentifierRecord> found = text.Finish(&capped);
    for (IdentifierRecord& r : found) r.forensic_path = record.forensic_path;
    output_.identifiers.insert(output_.identifiers.end(), std::make_move_iterator(found.begin()),
                               std::make_move_iterator(found.end()));
    if (capped) {
      AddError(record.forensic_path, "identifiers",
               ResourceExhaustedError("more than " +
                                      std::to_string(options_.artifacts.max_identifiers_per_file) +
                                      " identifiers in one file: the first ones are recorded"));
    }
  }

  // A database inside an archive: read from the bytes kept while streaming.
  void ReadArchivedDatabase(const FileRecord& record, Streamed& s) {
    if (s.too_large_to_keep) {
      AddError(record.forensic_path, "chat database",
               ResourceExhaustedError(
                   "SQLite database inside an archive is larger than " +
                   std::to_string(options_.artifacts.max_archived_database_bytes) +
                   " bytes: hashed, but not opened (extract the archive and scan it)"));
      return;
    }
    auto source = MemorySource(std::move(s.kept));
    artifacts_.ReadDatabase(*source, /*sidecar_base=*/"", record, output_);
  }

  void AnalyzeImage(const FileRecord& record, const std::vector<uint8_t>& bytes) {
    ImageAnalysis image = images_.Analyze(bytes);
    for (const auto& [stage, status] : image.problems)
      AddError(record.forensic_path, stage, status);
    if (image.metadata) {
      const ImageMetadata& m = *image.metadata;
      MetadataRecord r;
      r.sha256 = record.sha256;
      r.extractor = MetadataExtractorName();
      r.width = m.width;
      r.height = m.height;
      r.camera_make = m.camera_make;
      r.camera_model = m.camera_model;
      r.body_serial = m.body_serial;
      r.lens = m.lens;
      r.datetime_original = m.datetime_original;
      r.offset_time_original = m.offset_time_original;
      r.software = m.software;
      r.gps_latitude = m.gps_latitude;
      r.gps_longitude = m.gps_longitude;
      r.gps_altitude = m.gps_altitude;
      r.orientation = m.orientation;
      output_.metadata.push_back(std::move(r));
    }
    if (image.pdq) {
      FingerprintRecord f;
      f.sha256 = record.sha256;
      f.algorithm = kPdqAlgorithm;
      f.version = kPdqVersion;
      f.value = (*image.pdq)[PdqVariant::kOriginal].ToHex();
      f.quality = image.pdq->quality;
      f.partial = image.partial;
      f.warning = image.warning;
      f.producer = ImageAnalyzer::Producer();
      for (int v = 1; v < kPdqVariantCount; ++v) {
        f.variants += (*image.pdq)[static_cast<PdqVariant>(v)].ToHex();
      }
      output_.fingerprints.push_back(std::move(f));
      if (options_.matcher != nullptr) {
        Status matched = options_.matcher->MatchPdq(record.sha256, *image.pdq, output_.matches);
        if (!matched.ok()) AddError(record.forensic_path, "match", matched);
      }
    }
  }

  // One pass over a stream: digests, type, and the bytes worth keeping.
  // `path` (the item's forensic path) picks files kept for their name.
  Streamed Stream(const ChunkReader& read, const std::string& path, int depth, bool spool_archive) {
    Streamed s;
    CryptoHasher& hasher = hasher_;
    if (hasher.bytes() != 0) hasher.Finish();  // a cancelled stream left bytes in it
    std::vector<uint8_t> pending;              // bytes read before the type is known
    bool sniffed = false;
    uint64_t keep_limit = 0;  // 0: nothing kept
    std::optional<Spool> spool;
    auto decide = [&] {
      sniffed = true;
      s.type = SniffType(pending);
      if (s.type.family == TypeFamily::kImage) {
        keep_limit = options_.image_max_bytes;
      } else if (depth > 0 && IsSqlite(s.type) && options_.artifacts.enabled) {
        keep_limit = options_.artifacts.max_archived_database_bytes;
      } else if (s.type.family == TypeFamily::kText && options_.artifacts.enabled &&
                 ArtifactReader::IsWhatsAppPreferences(path)) {
        keep_limit = ArtifactReader::kMaxPreferencesBytes;
      }
      if (spool_archive && IsArchive(s.type)) spool.emplace(options_.spool_memory_bytes);
      if (s.type.family == TypeFamily::kText && options_.artifacts.enabled) {
        s.text.emplace(options_.artifacts);
      }
    };
    auto keep = [&](std::span<const uint8_t> bytes) -> Status {
      if (keep_limit != 0) {
        if (s.kept.size() + bytes.size() > keep_limit) {
          keep_limit = 0;
          s.too_large_to_keep = true;
          s.kept = {};
        } else {
          s.kept.insert(s.kept.end(), bytes.begin(), bytes.end());
        }
      }
      if (s.text) s.text->Feed(bytes);
      return spool ? spool->Append(bytes) : Status::Ok();
    };
    while (true) {
      if (Cancelled()) {
        s.error = CancelledError("scan interrupted");
        return s;
      }
      auto n = read(buffer_);
      if (!n.ok()) {
        s.error = n.status();
        return s;
      }
      if (*n == 0) break;
      std::span<const uint8_t> chunk(buffer_.data(), *n);
      hasher.Update(chunk);
      s.size += *n;
      if (depth > 0) {
        Status budget = ChargeExpansion(*n);
        if (!budget.ok()) {
          s.error = budget;
          return s;
        }
      }
      if (!sniffed) {
        pending.insert(pending.end(), chunk.begin(), chunk.end());
        if (pending.size() < kSniffBytes) continue;
        decide();
        chunk = pending;
      }
      Status kept = keep(chunk);
      if (!kept.ok()) {
        s.error = kept;
        return s;
      }
      if (!pending.empty()) pending = {};
    }
    if (!sniffed) {
      decide();
      Status kept = keep(pending);
      if (!kept.ok()) s.error = kept;
    }
    s.digests = hasher.Finish();
    if (spool) {
      auto source = spool->Finish();
      if (source.ok()) {
        s.archive = std::move(source).value();
      } else {
        s.error = source.status();
      }
    }
    return s;
  }

  Status ChargeExpansion(uint64_t bytes) {
    if (!budget_error_.ok()) return budget_error_;
    expanded_ += bytes;
    const ArchiveLimits& limits = options_.archive;
    if (expanded_ > limits.max_expanded_bytes) {
      budget_error_ = ResourceExhaustedError("archive expansion stopped: more than " +
                                             std::to_string(limits.max_expanded_bytes) +
                                             " bytes expanded from " + unit_.forensic_path);
    } else if (expanded_ > limits.ratio_floor_bytes &&
               expanded_ > limits.max_ratio * std::max<uint64_t>(archive_base_, 1)) {
      budget_error_ = ResourceExhaustedError(
          "archive bomb suspected: " + std::to_string(expanded_) + " bytes expanded from a " +
          std::to_string(archive_base_) + "-byte archive (more than " +
          std::to_string(limits.max_ratio) + ":1); expansion stopped");
    }
    return budget_error_;
  }

  // Reads every entry of the archive at `archive_path`. Returns false when
  // anything inside could not be read (the archive is then "partial").
  bool ExpandArchive(const RandomAccessSource& source, const std::string& archive_path, int depth) {
    if (depth >= options_.archive.max_depth) {
      AddError(archive_path, "archive",
               ResourceExhaustedError("archive nested deeper than " +
                                      std::to_string(options_.archive.max_depth) +
                                      " levels: recorded and hashed, not opened"));
      return false;
    }
    auto reader = ArchiveReader::Open(source, EscapeForDisplay(archive_path));
    if (!reader.ok()) {
      AddError(archive_path, "archive", reader.status());
      return false;
    }
    bool complete = true;
    std::set<std::string> seen;
    while (!Cancelled()) {
      if (!budget_error_.ok()) return false;
      auto next = (*reader)->Next();
      if (!next.ok()) {
        AddError(archive_path, "archive", next.status());
        return false;
      }
      if (!next->has_value()) break;
      ArchiveEntry entry = std::move(**next);
      if (entry.kind == ItemKind::kDirectory) continue;
      std::string name = entry.name;
      for (int copy = 2; !seen.insert(name).second; ++copy) {
        name = entry.name + " (duplicate entry " + std::to_string(copy) + ")";
      }
      FileRecord record =
          BaseRecord(JoinArchivePath(archive_path, name), ToString(entry.kind), depth + 1);
      record.mtime = entry.mtime;
      record.size = entry.size.value_or(0);
      if (name != entry.name) record.note = "an earlier entry has the same name";
      if (entry.kind == ItemKind::kSymlink) {
        record.status = kStatusLink;
        record.link_target = entry.link_target;
        AddFile(std::move(record));
        continue;
      }
      if (entry.kind == ItemKind::kSpecial) {
        record.status = kStatusSpecial;
        record.note = "special archive entry: not read";
        AddFile(std::move(record));
        continue;
      }
      if (entry.encrypted) {
        record.status = kStatusEncrypted;
        AddError(record.forensic_path, "archive",
                 UnsupportedError(
                     "entry is encrypted: its content cannot be read without the password"));
        AddFile(std::move(record));
        complete = false;
        continue;
      }
      ArchiveReader& archive = **reader;
      Streamed s = Stream([&](std::span<uint8_t> out) { return archive.ReadData(out); },
                          record.forensic_path, depth + 1, depth + 1 < options_.archive.max_depth);
      if (!FillContent(record, s)) {
        complete = false;
        if (s.error.code() == StatusCode::kCorrupt) return false;  // the archive stream is broken
        continue;
      }
      if (options_.artifacts.enabled && IsSqlite(s.type)) ReadArchivedDatabase(record, s);
      if (IsArchive(s.type)) {
        bool inner_ok =
            s.archive ? ExpandArchive(*s.archive, record.forensic_path, depth + 1)
                      : ExpandArchive(source, record.forensic_path, options_.archive.max_depth);
        if (!inner_ok) {
          record.status = kStatusPartial;
          complete = false;
        }
      }
      AddFile(std::move(record));
    }
    return complete && !Cancelled();
  }

  // Once cancelled, nothing more is recorded: what follows may be incomplete
  // (a "partial" archive, say), and the unit is redone in full on resume.
  void AddFile(FileRecord record) {
    if (Cancelled()) return;
    output_.files.push_back(std::move(record));
    if (output_.files.size() >= options_.flush_records) Flush(false);
  }

  void AddError(const std::string& path, std::string stage, const Status& status) {
    if (Cancelled()) return;
    output_.errors.push_back(ErrorRecord{
        path, std::move(stage), std::string(StatusCodeName(status.code())), status.message()});
  }

  void Flush(bool unit_complete) {
    if (unit_complete) output_.completed_units.push_back(unit_.forensic_path);
    emit_(std::move(output_));
    output_ = UnitOutput{};
  }

  const ProcessorOptions& options_;
  const std::atomic<bool>* cancel_;
  const DirectoryItem& unit_;
  const Emit& emit_;
  std::vector<uint8_t>& buffer_;
  ImageAnalyzer& images_;
  CryptoHasher& hasher_;  // one per worker: contexts are reused, not rebuilt per file
  ArtifactReader artifacts_;
  UnitOutput output_;
  uint64_t archive_base_ = 0;
  uint64_t expanded_ = 0;
  Status budget_error_;
};

UnitProcessor::UnitProcessor(ProcessorOptions options, const std::atomic<bool>* cancel)
    : options_(options),
      cancel_(cancel),
      buffer_(kChunkBytes),
      images_(std::make_unique<ImageAnalyzer>()),
      hasher_(std::make_unique<CryptoHasher>()) {}

void UnitProcessor::Process(const DirectoryItem& item, const Emit& emit) {
  Run(options_, cancel_, item, emit, buffer_, *images_, *hasher_).Go();
}

}  // namespace tantalio
