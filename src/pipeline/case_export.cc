#include "pipeline/case_export.h"

#include <sys/stat.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "base/forensic_path.h"
#include "base/utc_time.h"
#include "evidence/archive_reader.h"
#include "evidence/byte_source.h"
#include "evidence/carver.h"
#include "evidence/disk_image.h"
#include "evidence/file_system_walker.h"
#include "fingerprint/crypto_digest.h"
#include "formats/hash_set_export.h"

namespace tantalio {
namespace {

namespace fs = std::filesystem;

constexpr uint64_t kMaxExtractBytes = uint64_t{2} << 30;  // an archive member copied out

// "{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}" derived from the case's name and
// creation time, so re-exports of a case carry the same CaseID.
std::string CaseGuid(const CaseInfo& info) {
  CryptoHasher hasher;
  const std::string key = "tantalio-case\x1f" + info.name + "\x1f" + info.created_at;
  hasher.Update(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(key.data()), key.size()));
  const std::string hex = hasher.Finish().Sha256Hex();
  return "{" + hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20, 12) + "}";
}

// Splits "dir/name" (or "archive!/dir/name") at the last separator into the
// VICS FileName and FilePath (Windows separators, trailing '\').
void SplitForVics(std::string_view path, std::string& name, std::string& folder) {
  const size_t slash = path.rfind('/');
  name = std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
  folder.clear();
  if (slash == std::string_view::npos) return;
  for (char c : path.substr(0, slash)) folder += c == '/' ? '\\' : c;
  folder += '\\';
}

// Reads a file's bytes from the evidence: `forensic_path` relative to a
// recorded evidence root; archive members are found by walking the archives
// named before each "!/". Returns the bytes of the innermost item.
class EvidenceReader {
 public:
  explicit EvidenceReader(std::vector<EvidenceRoot> roots) : roots_(std::move(roots)) {}

  Result<std::vector<uint8_t>> Read(const std::string& forensic_path) const {
    for (const auto& root : roots_) {
      if (!forensic_path.starts_with(root.forensic_root)) continue;
      std::string rest = forensic_path.substr(root.forensic_root.size());
      // The outer file: the shortest prefix ending at "!/" that is a regular
      // file on disk, or the whole path.
      std::string disk = root.fs_path + rest;
      std::string inner;
      for (size_t at = rest.find(kArchiveSeparator); at != std::string::npos;
           at = rest.find(kArchiveSeparator, at + 1)) {
        struct stat st {};
        const std::string candidate = root.fs_path + rest.substr(0, at);
        if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
          disk = candidate;
          inner = rest.substr(at + kArchiveSeparator.size());
          break;
        }
      }
      if (inner.empty()) {
        if (auto image = DiskImagePrefix(root.fs_path, rest)) {
          return ReadFromImage(root.fs_path + rest.substr(0, *image), rest.substr(*image + 1));
        }
      }
      TANTALIO_ASSIGN_OR_RETURN(auto source, OpenEvidenceFile(disk));
      if (inner.empty()) return ReadAll(*source);
      return ReadMember(std::move(source), inner, EscapeForDisplay(disk));
    }
    return NotFoundError("no recorded evidence root holds " + EscapeForDisplay(forensic_path));
  }

 private:
  // Where `rest` (a path under `base`) leaves the folder tree for a disk
  // image: the length of its prefix that names a regular file on disk, when
  // the whole path does not.
  static std::optional<size_t> DiskImagePrefix(const std::string& base, const std::string& rest) {
    struct stat st {};
    if (::stat((base + rest).c_str(), &st) == 0) return std::nullopt;
    for (size_t at = rest.find('/', 1); at != std::string::npos; at = rest.find('/', at + 1)) {
      if (::stat((base + rest.substr(0, at)).c_str(), &st) == 0 && S_ISREG(st.st_mode)) return at;
    }
    return std::nullopt;
  }

  // `path` inside the disk image `image_path`: a file of one of its file
  // systems ("p1/NTFS/Users/a/x.jpg"), an item carved at a byte offset
  // ("FAT16/$Unallocated/carved-at-70144.jpg"), either possibly followed by
  // "!/" and a path inside an archive.
  static Result<std::vector<uint8_t>> ReadFromImage(const std::string& image_path,
                                                    const std::string& path) {
    TANTALIO_ASSIGN_OR_RETURN(auto image, OpenDiskImage(image_path));
    const size_t archive = path.find(kArchiveSeparator);
    const std::string item = path.substr(0, archive);
    const std::string label = EscapeForDisplay(image_path + "/" + item);
    std::vector<uint8_t> bytes;
    Status read =
        NotFoundError(EscapeForDisplay(image_path) + " no longer holds " + EscapeForDisplay(item));
    constexpr std::string_view kCarved = "$Unallocated/carved-at-";
    const size_t carved = item.find(kCarved);
    if (carved != std::string::npos) {
      // The carver finds the item's end again from its offset.
      const uint64_t offset = std::strtoull(item.c_str() + carved + kCarved.size(), nullptr, 10);
      const ByteRange range{offset, image->Size() > offset ? image->Size() - offset : 0};
      TANTALIO_RETURN_IF_ERROR(CarveRanges(
          *image, std::span<const ByteRange>(&range, 1), CarveOptions{},
          [&](const CarvedItem& found) {
            if (found.offset == offset && found.length <= kMaxExtractBytes) {
              bytes.resize(static_cast<size_t>(found.length));
              auto n = image->ReadAt(offset, bytes);
              read = !n.ok() ? n.status()
                     : *n == bytes.size()
                         ? Status::Ok()
                         : CorruptError(label + ": the image ends inside the carved item");
            }
            return false;  // only the first item, the one at `offset`, is wanted
          }));
    } else {
      TANTALIO_RETURN_IF_ERROR(WalkFileSystems(
          *image,
          [&](const FsEntry& entry, FsEntryReader& reader) {
            if (entry.path != item || entry.is_directory) return true;
            if (reader.Size() > kMaxExtractBytes) {
              read = ResourceExhaustedError(label + ": file too large to copy out");
              return false;
            }
            bytes.resize(static_cast<size_t>(reader.Size()));
            size_t done = 0;
            while (done < bytes.size()) {
              auto n = reader.ReadAt(done, std::span<uint8_t>(bytes).subspan(done));
              if (!n.ok() || *n == 0) {
                read = n.ok() ? CorruptError(label + ": the file system gave fewer bytes")
                              : n.status();
                return false;
              }
              done += *n;
            }
            read = Status::Ok();
            return false;
          },
          nullptr));
    }
    TANTALIO_RETURN_IF_ERROR(read);
    if (archive == std::string::npos) return bytes;
    return ReadMember(MemorySource(std::move(bytes)),
                      path.substr(archive + kArchiveSeparator.size()), label);
  }

  static Result<std::vector<uint8_t>> ReadAll(const RandomAccessSource& source) {
    std::vector<uint8_t> bytes;
    std::vector<uint8_t> buffer(size_t{1} << 20);
    for (uint64_t offset = 0;;) {
      TANTALIO_ASSIGN_OR_RETURN(size_t n, source.ReadAt(offset, buffer));
      if (n == 0) return bytes;
      if (bytes.size() + n > kMaxExtractBytes) return ResourceExhaustedError("file too large");
      bytes.insert(bytes.end(), buffer.begin(), buffer.begin() + static_cast<ptrdiff_t>(n));
      offset += n;
    }
  }

  // `path` inside the archive `source`: an entry name, possibly followed by
  // "!/" and a path inside that entry (a nested archive).
  static Result<std::vector<uint8_t>> ReadMember(std::unique_ptr<RandomAccessSource> source,
                                                 const std::string& path,
                                                 const std::string& label) {
    TANTALIO_ASSIGN_OR_RETURN(auto archive, ArchiveReader::Open(*source, label));
    while (true) {
      TANTALIO_ASSIGN_OR_RETURN(auto entry, archive->Next());
      if (!entry) return NotFoundError(label + " no longer holds " + EscapeForDisplay(path));
      const bool whole = path == entry->name;
      const bool nested = path.starts_with(entry->name + std::string(kArchiveSeparator));
      if (!whole && !nested) continue;
      if (entry->encrypted) return UnsupportedError(label + ": the entry is encrypted");
      std::vector<uint8_t> bytes;
      std::vector<uint8_t> buffer(size_t{1} << 20);
      while (true) {
        TANTALIO_ASSIGN_OR_RETURN(size_t n, archive->ReadData(buffer));
        if (n == 0) break;
        if (bytes.size() + n > kMaxExtractBytes) {
          return ResourceExhaustedError(label + ": entry too large to copy out");
        }
        bytes.insert(bytes.end(), buffer.begin(), buffer.begin() + static_cast<ptrdiff_t>(n));
      }
      if (whole) return bytes;
      return ReadMember(MemorySource(std::move(bytes)),
                        path.substr(entry->name.size() + kArchiveSeparator.size()),
                        label + "!/" + EscapeForDisplay(entry->name));
    }
  }

  std::vector<EvidenceRoot> roots_;
};

// Copies one content out of the evidence, verified against its SHA-256.
Status CopyContent(const EvidenceReader& reader, const std::string& forensic_path,
                   const std::string& sha256, const fs::path& target) {
  TANTALIO_ASSIGN_OR_RETURN(auto bytes, reader.Read(forensic_path));
  CryptoHasher hasher;
  hasher.Update(bytes);
  const std::string actual = hasher.Finish().Sha256Hex();
  if (actual != sha256) {
    return CorruptError("the evidence changed since the scan: " + EscapeForDisplay(forensic_path) +
                        " now has SHA-256 " + actual);
  }
  std::error_code ec;
  fs::create_directories(target.parent_path(), ec);
  if (ec) return IoError("create " + target.parent_path().string() + ": " + ec.message());
  const fs::path partial = target.string() + ".partial";
  {
    std::ofstream out(partial, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out) return IoError("write " + partial.string());
  }
  fs::rename(partial, target, ec);
  if (ec) return IoError("rename " + partial.string() + ": " + ec.message());
  return Status::Ok();
}

}  // namespace

Result<CaseExportSummary> ExportCaseVics(Store& store, const CaseInfo& case_info,
                                         const CaseExportOptions& options) {
  CaseExportSummary summary;
  std::vector<CategorisedContent> contents;
  TANTALIO_RETURN_IF_ERROR(store.ForEachCategorisedContent(case_info.id, [&](const auto& c) {
    contents.push_back(c);
    return true;
  }));
  std::map<std::string, std::vector<std::pair<FileRow, std::string>>> instances;  // sha256 ->
  for (const auto& c : contents) instances[c.sha256];
  TANTALIO_RETURN_IF_ERROR(store.ForEachFile(case_info.id, std::nullopt, [&](const FileRow& row) {
    auto it = instances.find(row.file.sha256);
    if (it != instances.end()) it->second.emplace_back(row, row.device);
    return true;
  }));
  std::map<std::string, EvidenceReader> readers;  // device label -> its evidence
  if (options.with_files) {
    TANTALIO_ASSIGN_OR_RETURN(auto devices, store.ListDevices(case_info.id));
    for (const auto& d : devices) {
      TANTALIO_ASSIGN_OR_RETURN(auto roots, store.EvidenceRoots(d.id));
      readers.emplace(d.label, EvidenceReader(std::move(roots)));
    }
  }

  std::error_code ec;
  fs::create_directories(options.out_dir, ec);
  if (ec) return IoError("create " + options.out_dir + ": " + ec.message());
  std::string file_name;
  for (char c : case_info.name)
    file_name += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') ? c : '_';
  summary.json_path = (fs::path(options.out_dir) / (file_name + ".json")).string();
  if (fs::exists(summary.json_path)) {
    return AlreadyExistsError("case export " + summary.json_path +
                              " exists; choose another --out folder");
  }
  const std::string partial = summary.json_path + ".partial";
  std::ofstream out(partial, std::ios::binary | std::ios::trunc);
  if (!out) return IoError("create " + partial);

  formats::VicsCase vics_case;
  vics_case.case_id = CaseGuid(case_info);
  vics_case.case_number = case_info.name;
  vics_case.contact_organization = case_info.agency;
  vics_case.contact_name = options.actor;
  vics_case.source_application_name = "Tantalio";
  vics_case.source_application_version = options.tool_version;
  TANTALIO_ASSIGN_OR_RETURN(auto writer, formats::VicsCaseWriter::Start(out, vics_case));
  for (const CategorisedContent& c : contents) {
    formats::VicsMedia media;
    media.media_id = static_cast<int64_t>(++summary.media);
    formats::HashSetEntry& e = media.entry;
    e = c.entry;  // category, series, flags, tags, comments of the categorising entry
    e.md5 = c.md5;
    e.sha1 = c.sha1;
    e.sha256 = c.sha256;
    e.pdq = c.pdq;
    e.pdq_quality = c.pdq.empty() ? std::nullopt : c.pdq_quality;
    e.size = static_cast<int64_t>(c.size);
    e.mime_type = c.mime;
    e.source_ref = std::to_string(media.media_id);
    e.name.clear();
    const auto& files = instances[c.sha256];
    for (const auto& [row, device] : files) {
      formats::VicsMediaFile f;
      f.md5 = c.md5;
      f.source_id = device;
      SplitForVics(row.file.forensic_path, f.file_name, f.file_path);
      if (row.file.mtime) f.written = IsoUtcFromSeconds(*row.file.mtime);
      if (row.file.atime) f.accessed = IsoUtcFromSeconds(*row.file.atime);
      const size_t archive = row.file.forensic_path.rfind(kArchiveSeparator);
      if (row.file.depth > 0 && archive != std::string::npos) {
        const std::string_view path = row.file.forensic_path;
        SplitForVics(path.substr(0, archive), f.parent_file_name, f.parent_file_path);
      }
      media.files.push_back(std::move(f));
      ++summary.media_files;
    }
    if (options.with_files && !files.empty()) {
      std::string ext = files.front().first.file.extension;
      const std::string relative = "Files/" + c.md5.substr(0, 2) + "/" + c.md5.substr(2, 2) + "/" +
                                   c.md5 + (ext.empty() ? "" : "." + ext);
      Status copied = NotFoundError("no instance could be read");
      for (const auto& [row, device] : files) {
        copied = CopyContent(readers.at(device), row.file.forensic_path, c.sha256,
                             fs::path(options.out_dir) / relative);
        if (copied.ok()) break;
      }
      if (copied.ok()) {
        ++summary.files_written;
        media.relative_file_path = relative;
        std::replace(media.relative_file_path.begin(), media.relative_file_path.end(), '/', '\\');
      } else {
        summary.file_problems.push_back(c.sha256 + ": " + copied.message());
      }
    }
    TANTALIO_RETURN_IF_ERROR(writer->Write(media));
  }
  TANTALIO_RETURN_IF_ERROR(writer->Finish());
  out.close();
  if (!out) return IoError("write " + partial);
  fs::rename(partial, summary.json_path, ec);
  if (ec) return IoError("rename " + partial + ": " + ec.message());
  TANTALIO_RETURN_IF_ERROR(store.AppendAudit(AuditEvent{
      options.actor, "case.export",
      "{\"case\":\"" + EscapeForJson(case_info.name) + "\",\"format\":\"vics\",\"file\":\"" +
          EscapeForJson(summary.json_path) + "\",\"media\":" + std::to_string(summary.media) +
          ",\"with_files\":" + (options.with_files ? "true" : "false") +
          ",\"files_written\":" + std::to_string(summary.files_written) + "}"}));
  return summary;
}

}  // namespace tantalio
