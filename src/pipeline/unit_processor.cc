#include "pipeline/unit_processor.h"

#include <pthread.h>

#include <algorithm>
#include <future>
#include <mutex>
#include <set>
#include <thread>
#include <utility>

#include "base/bounded_queue.h"
#include "base/forensic_path.h"
#include "evidence/archive_reader.h"
#include "evidence/byte_source.h"
#include "evidence/carver.h"
#include "evidence/disk_image.h"
#include "evidence/file_system_walker.h"
#include "evidence/file_type.h"
#include "fingerprint/crypto_digest.h"
#include "fingerprint/pdq.h"
#include "media/image_metadata.h"
#include "pipeline/disk_image_integrity.h"
#include "pipeline/media_analysis.h"

namespace tantalio {
namespace {

constexpr size_t kChunkBytes = size_t{1} << 20;

using ChunkReader = std::function<Result<size_t>(std::span<uint8_t>)>;

bool IsSqlite(const FileType& type) { return type.mime == "application/vnd.sqlite3"; }

bool IsMedia(const FileType& type) {
  return type.family == TypeFamily::kVideo || type.family == TypeFamily::kAudio;
}

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
  std::unique_ptr<RandomAccessSource> media;    // spooled video or audio
  std::optional<TextIdentifierStream> text;     // text: identifiers found while reading
  Status error;                                 // non-OK: digests are not valid
};

std::string ToString(ItemKind kind) { return std::string(ItemKindName(kind)); }

// The bytes of one item read out of a disk image: not zero-filled first,
// since they are overwritten by the read at once.
struct ItemBytes {
  explicit ItemBytes(size_t n) : data(std::make_unique_for_overwrite<uint8_t[]>(n)), size(n) {}
  std::span<uint8_t> span() const { return {data.get(), size}; }
  std::unique_ptr<uint8_t[]> data;
  size_t size;
};

}  // namespace

class ContentPool;

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
    if (options_.disk_images.open && TryDiskImage(record, file)) return;
    uint64_t offset = 0;
    Streamed s = Stream(
        [&](std::span<uint8_t> out) -> Result<size_t> {
          TANTALIO_ASSIGN_OR_RETURN(size_t n, file.ReadAt(offset, out));
          offset += n;
          output_.bytes_read += n;
          return n;
        },
        record.forensic_path, /*depth=*/0, /*spool_containers=*/false);
    if (!FillContent(record, s, &file)) return;
    if (options_.artifacts.enabled && IsSqlite(s.type) && !Cancelled()) {
      artifacts_.ReadDatabase(file, unit_.fs_path, record, output_);
    }
    if (IsArchive(s.type) && !Cancelled()) {
      archive_base_ = s.size;
      if (!ExpandArchive(file, record.forensic_path, 0)) record.status = kStatusPartial;
    }
    AddFile(std::move(record));
  }

  // ---- Forensic disk images -------------------------------------------------

  // Handles `file` when it is a disk image or a later segment of one; false
  // when it is neither and must be processed as a plain file.
  bool TryDiskImage(FileRecord& record, const RandomAccessSource& file) {
    uint8_t head_bytes[kDiskImageHeadBytes] = {};
    auto n = file.ReadAt(0, head_bytes);
    if (!n.ok()) return false;  // the plain path reports the read error
    const std::span<const uint8_t> head(head_bytes, *n);
    if (IsLaterImageSegment(unit_.fs_path, head)) {
      record.note = "a later segment of a disk image: read with the image's first segment";
      return false;
    }
    switch (DetectDiskImage(unit_.fs_path, head)) {
      case DiskImageKind::kNotAnImage:
        return false;
      case DiskImageKind::kLogicalEwf:
        AddError(record.forensic_path, "disk image",
                 UnsupportedError("logical evidence file (L01/Lx01): its files are not extracted; "
                                  "the container is hashed as a file"));
        return false;
      case DiskImageKind::kRaw:
      case DiskImageKind::kSplitRaw:
      case DiskImageKind::kEwf:
        break;
    }
    auto image = OpenDiskImage(unit_.fs_path);
    if (!image.ok()) {
      AddError(record.forensic_path, "disk image",
               image.status().WithContext("not opened as a disk image; hashed as a file"));
      return false;
    }
    ProcessDiskImage(std::move(record), std::move(image).value());
    return true;
  }

  // Reads the image's file systems and unallocated space on this thread,
  // while two helper threads hash the image file itself and verify the media
  // against the stored hashes (each with its own handle: libewf reads
  // serialise on one). Everything ends in one DiskImageRecord.
  void ProcessDiskImage(FileRecord record, std::unique_ptr<DiskImage> image) {
    const std::string& base = record.forensic_path;
    if (options_.already_stored != nullptr) {
      auto stored = options_.already_stored->find(base);
      if (stored != options_.already_stored->end()) stored_before_ = &stored->second;
    }
    DiskImageRecord d = DescribeDiskImage(image->info(), base);
    const bool single_raw_file = d.format == "raw";
    auto container = std::async(std::launch::async, [this] { return DigestFile(unit_.fs_path); });
    std::future<Result<ImageVerification>> media;
    if (!single_raw_file) {  // a raw file's own digests are the media's
      media = std::async(std::launch::async, [this]() -> Result<ImageVerification> {
        TANTALIO_ASSIGN_OR_RETURN(auto own, OpenDiskImage(unit_.fs_path));
        return VerifyDiskImage(*own, cancel_);
      });
    }
    in_disk_image_ = true;
    StartPool();
    WalkImage(*image, base, d);
    if (options_.disk_images.carve && !Cancelled()) CarveImage(*image, base, d);
    FinishPool();
    in_disk_image_ = false;

    Result<DigestedFile> digested = container.get();
    Result<ImageVerification> verified =
        media.valid() ? media.get() : Result<ImageVerification>(CancelledError("not started"));
    if (Cancelled()) return;  // redone in full on resume
    if (!digested.ok()) {
      record.status = kStatusError;
      AddError(base, "read", digested.status());
      if (single_raw_file) verified = digested.status();
    } else {
      output_.bytes_read += digested->size - container_bytes_reported_;
      Streamed s;
      s.digests = digested->digests;
      s.size = digested->size;
      s.type = SniffType(digested->head);
      FillContent(record, s);
      if (single_raw_file) {
        ImageVerification v;
        v.md5 = s.digests.Md5Hex();
        v.sha1 = s.digests.Sha1Hex();
        verified = v;
      }
    }
    Status integrity = JudgeIntegrity(d, verified);
    if (!integrity.ok()) AddError(d.forensic_path, "integrity", integrity);
    record.note = "disk image (" + d.format + ", " + std::to_string(d.media_size) +
                  " bytes of media): " + std::to_string(d.files) + " files read, " +
                  std::to_string(d.carved) + " carved; integrity " + d.integrity;
    AddFile(std::move(record));
    if (!Cancelled()) output_.disk_images.push_back(std::move(d));
  }

  struct DigestedFile {
    CryptoDigests digests;
    uint64_t size = 0;
    std::vector<uint8_t> head;  // the first bytes, for the type
  };

  // Digests the unit's file on the calling (helper) thread.
  Result<DigestedFile> DigestFile(const std::string& fs_path) {
    TANTALIO_ASSIGN_OR_RETURN(auto file, OpenEvidenceFile(fs_path));
    CryptoHasher hasher;
    DigestedFile out;
    std::vector<uint8_t> buffer(kChunkBytes);
    while (true) {
      if (Cancelled()) return CancelledError("scan interrupted");
      TANTALIO_ASSIGN_OR_RETURN(size_t n, file->ReadAt(out.size, buffer));
      if (n == 0) break;
      if (out.head.size() < kSniffBytes) {
        out.head.insert(out.head.end(), buffer.begin(),
                        buffer.begin() + static_cast<ptrdiff_t>(std::min(n, kSniffBytes)));
      }
      hasher.Update(std::span<const uint8_t>(buffer.data(), n));
      out.size += n;
      container_bytes_read_.store(out.size, std::memory_order_relaxed);
    }
    out.digests = hasher.Finish();
    return out;
  }

  // Every file and stream of the image's file systems, as items of the unit.
  void WalkImage(const DiskImage& image, const std::string& base, DiskImageRecord& d) {
    std::set<std::string> volumes;
    auto visit = [&](const FsEntry& entry, FsEntryReader& reader) {
      if (Cancelled()) return false;
      const size_t fs_at = entry.path.find(entry.fs_type + '/');
      if (fs_at != std::string::npos)
        volumes.insert(entry.path.substr(0, fs_at + entry.fs_type.size()));
      if (entry.is_directory) return true;
      ProcessImageEntry(entry, reader, base, d);
      return !Cancelled();
    };
    auto problem = [&](const FsProblem& p) {
      const std::string where = p.volume.empty() ? base : JoinPath(base, p.volume);
      if (!p.encryption.empty()) {
        volumes.insert((p.volume.empty() ? "" : p.volume + " ") + p.encryption + " (encrypted)");
      }
      AddError(where, "volume", p.status);
    };
    Status walked = WalkFileSystems(image, visit, problem);
    if (!walked.ok()) {
      AddError(
          base, "file system",
          walked.WithContext("no volume or file system could be read (encrypted, wiped or "
                             "unsupported); the image is hashed" +
                             std::string(options_.disk_images.carve ? " and carved whole" : "")));
    }
    for (const std::string& v : volumes) d.volumes += (d.volumes.empty() ? "" : "; ") + v;
  }

  void ProcessImageEntry(const FsEntry& entry, FsEntryReader& reader, const std::string& base,
                         DiskImageRecord& d) {
    FileRecord record = BaseRecord(JoinPath(base, entry.path), "file", 0);
    if (StoredBefore(record.forensic_path)) {
      CountAllocation(entry.allocation, d);
      return;
    }
    record.size = entry.size;
    record.mtime = entry.mtime;
    record.atime = entry.atime;
    record.ctime = entry.ctime;
    record.crtime = entry.crtime;
    record.inode = entry.inode;
    record.allocation = CountAllocation(entry.allocation, d);
    if (!entry.stream.empty()) record.note = "NTFS alternate data stream '" + entry.stream + "'";
    if (entry.size <= kPooledItemBytes) {  // read here, fingerprinted on a helper thread
      ItemBytes bytes(static_cast<size_t>(entry.size));
      size_t done = 0;
      while (done < bytes.size) {
        auto n = reader.ReadAt(done, bytes.span().subspan(done));
        if (!n.ok() || *n == 0) {
          record.status = kStatusError;
          AddError(record.forensic_path, "read",
                   n.ok() ? CorruptError("the file system gave " + std::to_string(done) + " of " +
                                         std::to_string(bytes.size) + " bytes")
                          : n.status());
          AddFile(std::move(record));
          return;
        }
        done += *n;
      }
      SubmitToPool(std::move(record), std::move(bytes));
      return;
    }
    uint64_t offset = 0;
    Streamed s = Stream(
        [&](std::span<uint8_t> out) -> Result<size_t> {
          TANTALIO_ASSIGN_OR_RETURN(size_t n, reader.ReadAt(offset, out));
          offset += n;
          return n;
        },
        record.forensic_path, /*depth=*/0, /*spool_containers=*/true);
    ProcessContainedContent(std::move(record), s);
  }

 public:
  // Fingerprints one file read out of an image, from memory (what the
  // helper threads of a ContentPool run).
  void ProcessContainedBytes(FileRecord record, std::span<const uint8_t> bytes) {
    in_disk_image_ = true;
    size_t at = 0;
    Streamed s = Stream(
        [&](std::span<uint8_t> out) -> Result<size_t> {
          const size_t n = std::min(out.size(), bytes.size() - at);
          std::copy_n(bytes.begin() + static_cast<ptrdiff_t>(at), n, out.begin());
          at += n;
          return n;
        },
        record.forensic_path, /*depth=*/0, /*spool_containers=*/true);
    ProcessContainedContent(std::move(record), s);
  }
  // Hands what is pending to the emitter without completing the unit.
  void FlushPartial() { Flush(false); }

 private:
  // Files of images up to this size are read whole and fingerprinted on
  // helper threads; larger ones are streamed on the reading thread.
  static constexpr uint64_t kPooledItemBytes = uint64_t{8} << 20;

  void SubmitToPool(FileRecord record, ItemBytes bytes);
  void TakePoolOutputs();

  // Counts a file of the image in `d`; returns its allocation as stored.
  static const char* CountAllocation(FsEntry::Allocation allocation, DiskImageRecord& d) {
    ++d.files;
    switch (allocation) {
      case FsEntry::kDeleted:
        ++d.deleted;
        return kAllocationDeleted;
      case FsEntry::kOrphan:
        ++d.orphans;
        return kAllocationOrphan;
      case FsEntry::kAllocated:
        break;
    }
    return kAllocationAllocated;
  }

  // True when an interrupted run already stored the file at `path` of this
  // unit: a resumed scan of an image does not read it again.
  bool StoredBefore(const std::string& path) {
    if (stored_before_ == nullptr || !stored_before_->contains(path)) return false;
    ++output_.resumed_files;
    return true;
  }

  // A file read out of an image (walked or carved): fingerprinted, and opened
  // when it is a chat database or an archive, like a file in an archive.
  void ProcessContainedContent(FileRecord record, Streamed& s) {
    if (!FillContent(record, s)) return;
    if (options_.artifacts.enabled && IsSqlite(s.type) && !Cancelled()) {
      ReadArchivedDatabase(record, s);
    }
    if (IsArchive(s.type) && s.archive && !Cancelled()) {
      archive_base_ = s.size;  // the expansion budget is per archive
      expanded_ = 0;
      budget_error_ = Status::Ok();
      if (!ExpandArchive(*s.archive, record.forensic_path, 0)) record.status = kStatusPartial;
    }
    AddFile(std::move(record));
  }

  // JPEG, PNG, GIF and MP4/MOV found by structure in the unallocated space.
  void CarveImage(const DiskImage& image, const std::string& base, DiskImageRecord& d) {
    auto visit = [&](const UnallocatedRange& range) {
      const ByteRange one{range.offset, range.length};
      Status carved = CarveRanges(
          image, std::span<const ByteRange>(&one, 1), options_.disk_images.carving,
          [&](const CarvedItem& item) {
            ProcessCarvedItem(image, JoinPath(base, range.volume), item);
            ++d.carved;
            return !Cancelled();
          },
          cancel_);
      if (!carved.ok() && carved.code() != StatusCode::kCancelled) {
        AddError(JoinPath(base, range.volume), "carve", carved);
      }
      return !Cancelled();
    };
    // Volume problems were reported by the walk already.
    Status ranges = ForEachUnallocatedRange(image, visit, [](const FsProblem&) {});
    if (!ranges.ok()) AddError(base, "carve", ranges);
  }

  void ProcessCarvedItem(const DiskImage& image, const std::string& volume_path,
                         const CarvedItem& item) {
    FileRecord record =
        BaseRecord(JoinPath(volume_path, "$Unallocated/carved-at-" + std::to_string(item.offset) +
                                             "." + item.extension),
                   "file", 0);
    if (StoredBefore(record.forensic_path)) return;
    record.size = item.length;
    record.allocation = kAllocationCarved;
    record.note = "carved from unallocated space: image bytes " + std::to_string(item.offset) +
                  " to " + std::to_string(item.offset + item.length - 1) +
                  (item.complete ? ""
                                 : "; no end found, cut at the end of the free space or "
                                   "the size limit");
    if (item.length <= kPooledItemBytes) {
      ItemBytes bytes(static_cast<size_t>(item.length));
      auto n = image.ReadAt(item.offset, bytes.span());
      if (!n.ok() || *n != bytes.size) {
        record.status = kStatusError;
        AddError(record.forensic_path, "read",
                 n.ok() ? CorruptError("the image ends inside the carved item") : n.status());
        AddFile(std::move(record));
        return;
      }
      SubmitToPool(std::move(record), std::move(bytes));
      return;
    }
    uint64_t offset = 0;
    Streamed s = Stream(
        [&](std::span<uint8_t> out) -> Result<size_t> {
          const uint64_t left = item.length - offset;
          if (left == 0) return size_t{0};
          if (out.size() > left) out = out.first(static_cast<size_t>(left));
          TANTALIO_ASSIGN_OR_RETURN(size_t n, image.ReadAt(item.offset + offset, out));
          if (n == 0) return CorruptError("the image ends inside the carved item");
          offset += n;
          return n;
        },
        record.forensic_path, /*depth=*/0, /*spool_containers=*/true);
    ProcessContainedContent(std::move(record), s);
  }

  // Records the outcome of Stream() in `record`; false if the read failed.
  // `whole` is the item itself when it is a file on disk (random access for
  // video and audio, which are otherwise spooled while streaming).
  bool FillContent(FileRecord& record, Streamed& s, const RandomAccessSource* whole = nullptr) {
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
    if (IsMedia(s.type) && options_.media.enabled && !Cancelled()) {
      const RandomAccessSource* media = s.media ? s.media.get() : whole;
      if (media != nullptr) AnalyzeMedia(record, *media);
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

  // Video or audio: container facts, vPDQ, Chromaprint and thumbnails, then
  // the known videos and recordings they match.
  void AnalyzeMedia(const FileRecord& record, const RandomAccessSource& source) {
    MediaAnalyzer analyzer(options_.media);
    MediaAnalysis media = analyzer.Analyze(source, BaseName(record.forensic_path));
    for (const auto& [stage, status] : media.problems)
      AddError(record.forensic_path, stage, status);
    if (options_.matcher != nullptr) {
      if (media.video) {
        Status matched =
            options_.matcher->MatchVideo(record.sha256, media.video->frames, output_.matches);
        if (!matched.ok()) AddError(record.forensic_path, "match", matched);
      }
      if (media.audio) options_.matcher->MatchAudio(record.sha256, *media.audio, output_.matches);
    }
    AppendMediaRecords(record.sha256, media, output_);
  }

  // One pass over a stream: digests, type, and the bytes worth keeping.
  // `path` (the item's forensic path) picks files kept for their name.
  // `spool_containers`: an archive, video or audio is also collected for
  // random access (s.archive, s.media); a file on disk needs no spool. Video
  // and audio inside archives (depth > 0) are always collected.
  Streamed Stream(const ChunkReader& read, const std::string& path, int depth,
                  bool spool_containers) {
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
      } else if ((depth > 0 || in_disk_image_) && IsSqlite(s.type) && options_.artifacts.enabled) {
        keep_limit = options_.artifacts.max_archived_database_bytes;
      } else if (s.type.family == TypeFamily::kText && options_.artifacts.enabled &&
                 ArtifactReader::IsWhatsAppPreferences(path)) {
        keep_limit = ArtifactReader::kMaxPreferencesBytes;
      }
      const bool media = IsMedia(s.type) && options_.media.enabled;
      if ((spool_containers && IsArchive(s.type)) || (media && (spool_containers || depth > 0))) {
        spool.emplace(options_.spool_memory_bytes);
      }
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
        (IsArchive(s.type) ? s.archive : s.media) = std::move(source).value();
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
  void StartPool();
  void FinishPool();

  bool in_disk_image_ = false;  // items come out of a disk image (databases are kept to be read)
  std::unique_ptr<ContentPool> pool_;  // while a disk image is read
  // Bytes of the image file hashed so far (written by the helper thread) and
  // how many of them this thread has passed on as progress.
  std::atomic<uint64_t> container_bytes_read_{0};
  uint64_t container_bytes_reported_ = 0;
  // Paths of the image's files that an interrupted run stored; null: none.
  const std::unordered_set<std::string>* stored_before_ = nullptr;
  uint64_t archive_base_ = 0;
  uint64_t expanded_ = 0;
  Status budget_error_;
};

// Fingerprints files read out of a disk image on helper threads, each with
// its own decoder, hasher and read buffer, while the reading thread goes on
// reading: TSK and libewf read on one thread, the CPU work spreads over the
// cores. Memory stays bounded: at most kQueued files of at most
// kPooledItemBytes wait, and what the helpers produce is collected under a
// lock and passed on by the reading thread.
class ContentPool {
 public:
  ContentPool(const ProcessorOptions& options, const std::atomic<bool>* cancel,
              const DirectoryItem& unit)
      : queue_(kQueued) {
    const int threads = options.disk_images.threads > 0
                            ? options.disk_images.threads
                            : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
    for (int i = 0; i < threads; ++i) {
      threads_.emplace_back([this, &options, cancel, &unit] {
        ::pthread_setname_np(::pthread_self(), "tantalio-image");
        std::vector<uint8_t> buffer(kChunkBytes);
        ImageAnalyzer images;
        CryptoHasher hasher;
        const UnitProcessor::Emit emit = [this](UnitOutput out) {
          std::lock_guard lock(mutex_);
          done_.MergeFrom(std::move(out));
        };
        UnitProcessor::Run run(options, cancel, unit, emit, buffer, images, hasher);
        while (auto task = queue_.Pop())
          run.ProcessContainedBytes(std::move(task->record), task->bytes.span());
        run.FlushPartial();
      });
    }
  }
  ~ContentPool() { Finish(); }

  void Submit(FileRecord record, ItemBytes bytes) {
    queue_.Push(Task{std::move(record), std::move(bytes)});
  }
  // Moves what the helpers have produced so far to the end of `into`.
  void TakeOutputs(UnitOutput& into) {
    std::lock_guard lock(mutex_);
    into.MergeFrom(std::move(done_));
  }
  // Waits for every submitted file to be done.
  void Finish() {
    queue_.Close();
    for (auto& t : threads_) t.join();
    threads_.clear();
  }

 private:
  static constexpr size_t kQueued = 16;
  struct Task {
    FileRecord record;
    ItemBytes bytes;
  };
  BoundedQueue<Task> queue_;
  std::mutex mutex_;
  UnitOutput done_;
  std::vector<std::thread> threads_;
};

void UnitProcessor::Run::StartPool() {
  pool_ = std::make_unique<ContentPool>(options_, cancel_, unit_);
}

void UnitProcessor::Run::FinishPool() {
  pool_->Finish();
  TakePoolOutputs();
  pool_.reset();
}

void UnitProcessor::Run::SubmitToPool(FileRecord record, ItemBytes bytes) {
  if (Cancelled()) return;
  pool_->Submit(std::move(record), std::move(bytes));
  TakePoolOutputs();
}

void UnitProcessor::Run::TakePoolOutputs() {
  if (Cancelled()) return;  // nothing more is recorded (see AddFile)
  // Progress: the bytes of the image file hashed so far on the helper thread.
  const uint64_t read = container_bytes_read_.load(std::memory_order_relaxed);
  output_.bytes_read += read - container_bytes_reported_;
  container_bytes_reported_ = read;
  pool_->TakeOutputs(output_);
  if (output_.files.size() >= options_.flush_records) Flush(false);
}

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
