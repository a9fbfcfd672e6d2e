#include "evidence/disk_image.h"

#include <dirent.h>
#include <libbfio.h>
// libewf declares its file-IO-pool API only for builds that say they have libbfio.
#define HAVE_LIBBFIO 1
#include <libewf.h>
#include <openssl/evp.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>

#include "base/hex.h"

namespace tantalio {
namespace {

constexpr uint8_t kEwfSignature[8] = {'E', 'V', 'F', 0x09, 0x0d, 0x0a, 0xff, 0x00};
constexpr uint8_t kEwf2Signature[8] = {'E', 'V', 'F', '2', 0x0d, 0x0a, 0x81, 0x00};
constexpr uint8_t kLvfSignature[8] = {'L', 'V', 'F', 0x09, 0x0d, 0x0a, 0xff, 0x00};
constexpr uint8_t kLef2Signature[8] = {'L', 'E', 'F', '2', 0x0d, 0x0a, 0x81, 0x00};

bool StartsWith(std::span<const uint8_t> head, const uint8_t (&sig)[8]) {
  return head.size() >= 8 && std::memcmp(head.data(), sig, 8) == 0;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The extension after the last dot of the file name, lower-cased ("" if none).
std::string Extension(std::string_view name) {
  size_t slash = name.find_last_of('/');
  if (slash != std::string_view::npos) name.remove_prefix(slash + 1);
  size_t dot = name.find_last_of('.');
  if (dot == std::string_view::npos) return "";
  return Lower(name.substr(dot + 1));
}

bool IsDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// e01, ex01, s01, l01, lx01 and their later segments (e02, eaa, ...).
bool IsEwfExtension(std::string_view ext, char first) {
  if (ext.size() == 3 && ext[0] == first) return true;
  return ext.size() == 4 && ext[0] == first && ext[1] == 'x';
}

std::string Dirname(const std::string& path) {
  size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string Basename(const std::string& path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// Names in `dir` (not recursive); an unreadable folder gives an empty list.
std::vector<std::string> ListDirectory(const std::string& dir) {
  std::vector<std::string> names;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return names;
  while (struct dirent* e = ::readdir(d)) names.emplace_back(e->d_name);
  ::closedir(d);
  return names;
}

// ---- raw and split raw ------------------------------------------------------

class RawImage : public DiskImage {
 public:
  RawImage(DiskImageInfo info, std::vector<std::unique_ptr<RandomAccessSource>> parts,
           std::vector<uint64_t> starts)
      : DiskImage(std::move(info)), parts_(std::move(parts)), starts_(std::move(starts)) {}

  Result<size_t> ReadAt(uint64_t offset, std::span<uint8_t> out) const override {
    size_t done = 0;
    while (done < out.size() && offset + done < Size()) {
      uint64_t at = offset + done;
      // The last part whose start is <= at.
      size_t i = static_cast<size_t>(std::upper_bound(starts_.begin(), starts_.end(), at) -
                                     starts_.begin()) -
                 1;
      TANTALIO_ASSIGN_OR_RETURN(size_t n, parts_[i]->ReadAt(at - starts_[i], out.subspan(done)));
      if (n == 0) {
        return IoError("read " + info().segments[i] + " at offset " +
                       std::to_string(at - starts_[i]) + ": segment ended early");
      }
      done += n;
    }
    return done;
  }

 private:
  std::vector<std::unique_ptr<RandomAccessSource>> parts_;
  std::vector<uint64_t> starts_;  // media offset of each part, ascending
};

Result<std::unique_ptr<DiskImage>> OpenRaw(std::vector<std::string> segments, std::string format) {
  DiskImageInfo info;
  info.format = std::move(format);
  std::vector<std::unique_ptr<RandomAccessSource>> parts;
  std::vector<uint64_t> starts;
  uint64_t size = 0;
  for (const std::string& segment : segments) {
    TANTALIO_ASSIGN_OR_RETURN(auto part, OpenEvidenceFile(segment));
    if (part->Size() == 0 && segments.size() > 1) continue;  // an empty segment adds nothing
    starts.push_back(size);
    size += part->Size();
    parts.push_back(std::move(part));
    info.segments.push_back(segment);
  }
  if (parts.empty()) {  // one empty file: an empty image
    TANTALIO_ASSIGN_OR_RETURN(auto part, OpenEvidenceFile(segments.front()));
    starts.push_back(0);
    parts.push_back(std::move(part));
    info.segments.push_back(segments.front());
  }
  info.size = size;
  return std::unique_ptr<DiskImage>(
      std::make_unique<RawImage>(std::move(info), std::move(parts), std::move(starts)));
}

// Finds `stem.001`, `stem.002`, ... beside `first`; a number missing below the
// highest present is an error that names it.
Result<std::vector<std::string>> FindSplitRawSegments(const std::string& first) {
  const std::string name = Basename(first);
  const std::string stem = name.substr(0, name.size() - 3);  // keeps the dot
  const size_t width = 3;
  std::map<uint64_t, std::string> found;
  for (const std::string& entry : ListDirectory(Dirname(first))) {
    if (entry.size() != stem.size() + width || entry.compare(0, stem.size(), stem) != 0) continue;
    std::string_view digits = std::string_view(entry).substr(stem.size());
    if (!IsDigits(digits)) continue;
    found.emplace(std::stoull(std::string(digits)), entry);
  }
  const std::string dir = first.substr(0, first.size() - name.size());
  std::vector<std::string> segments;
  if (found.empty()) return segments;  // the caller reports the first as missing
  const uint64_t last = found.rbegin()->first;
  for (uint64_t i = 1; i <= last; ++i) {
    auto it = found.find(i);
    if (it == found.end()) {
      char suffix[32];
      std::snprintf(suffix, sizeof(suffix), "%0*llu", static_cast<int>(width),
                    static_cast<unsigned long long>(i));
      return NotFoundError("open split raw image " + first + ": segment " + dir + stem + suffix +
                           " is missing (" + std::to_string(found.size()) + " of " +
                           std::to_string(last) + " segments present)");
    }
    segments.push_back(dir + it->second);
  }
  return segments;
}

// ---- EWF --------------------------------------------------------------------

std::string EwfErrorText(libewf_error_t* error) {
  if (error == nullptr) return "unknown libewf error";
  char buffer[2048] = {};
  libewf_error_backtrace_sprint(error, buffer, sizeof(buffer));
  libewf_error_free(&error);
  std::string text(buffer);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  for (char& c : text) {
    if (c == '\n') c = ';';
  }
  return text;
}

// libbfio file handles over OpenEvidenceFile, so that libewf reads every
// segment the way all evidence is read (O_NOFOLLOW, and O_NOATIME so that
// access times stay as they were). libewf's own file opening would update them.
struct EvidenceIo {
  std::string path;
  std::unique_ptr<RandomAccessSource> file;  // null while closed
  uint64_t offset = 0;
};

EvidenceIo* AsIo(intptr_t* io) { return reinterpret_cast<EvidenceIo*>(io); }

int IoFree(intptr_t** io, libbfio_error_t**) {
  delete AsIo(*io);
  *io = nullptr;
  return 1;
}
int IoClone(intptr_t** destination, intptr_t* source, libbfio_error_t**) {
  *destination = reinterpret_cast<intptr_t*>(new EvidenceIo{AsIo(source)->path, nullptr, 0});
  return 1;
}
int IoOpen(intptr_t* io, int access_flags, libbfio_error_t**) {
  if ((access_flags & LIBBFIO_ACCESS_FLAG_WRITE) != 0) return -1;  // evidence is read-only
  auto file = OpenEvidenceFile(AsIo(io)->path);
  if (!file.ok()) return -1;
  AsIo(io)->file = std::move(file).value();
  AsIo(io)->offset = 0;
  return 1;
}
int IoClose(intptr_t* io, libbfio_error_t**) {
  AsIo(io)->file.reset();
  return 0;
}
ssize_t IoRead(intptr_t* io, uint8_t* buffer, size_t size, libbfio_error_t**) {
  EvidenceIo& e = *AsIo(io);
  if (!e.file) return -1;
  auto n = e.file->ReadAt(e.offset, std::span<uint8_t>(buffer, size));
  if (!n.ok()) return -1;
  e.offset += *n;
  return static_cast<ssize_t>(*n);
}
ssize_t IoWrite(intptr_t*, const uint8_t*, size_t, libbfio_error_t**) { return -1; }
off64_t IoSeek(intptr_t* io, off64_t offset, int whence, libbfio_error_t**) {
  EvidenceIo& e = *AsIo(io);
  if (!e.file) return -1;
  const int64_t base = whence == SEEK_SET   ? 0
                       : whence == SEEK_CUR ? static_cast<int64_t>(e.offset)
                       : whence == SEEK_END ? static_cast<int64_t>(e.file->Size())
                                            : -1;
  if (base < 0 || base + offset < 0) return -1;
  e.offset = static_cast<uint64_t>(base + offset);
  return static_cast<off64_t>(e.offset);
}
int IoExists(intptr_t* io, libbfio_error_t**) {
  struct stat st;
  return ::lstat(AsIo(io)->path.c_str(), &st) == 0 ? 1 : 0;
}
int IoIsOpen(intptr_t* io, libbfio_error_t**) { return AsIo(io)->file ? 1 : 0; }
int IoGetSize(intptr_t* io, size64_t* size, libbfio_error_t**) {
  if (!AsIo(io)->file) return -1;
  *size = AsIo(io)->file->Size();
  return 1;
}

// A libbfio pool holding the segments in order, read through EvidenceIo.
// Segments stay open once read (libewf's own default; libbfio's limited mode
// fails with custom handles in this version).
libbfio_pool_t* NewEvidencePool(const std::vector<std::string>& segments) {
  libbfio_pool_t* pool = nullptr;
  if (libbfio_pool_initialize(&pool, 0, LIBBFIO_POOL_UNLIMITED_NUMBER_OF_OPEN_HANDLES, nullptr) !=
      1) {
    return nullptr;
  }
  for (const std::string& segment : segments) {
    libbfio_handle_t* handle = nullptr;
    auto* io = new EvidenceIo{segment, nullptr, 0};
    int entry = 0;
    if (libbfio_handle_initialize(&handle, reinterpret_cast<intptr_t*>(io), IoFree, IoClone, IoOpen,
                                  IoClose, IoRead, IoWrite, IoSeek, IoExists, IoIsOpen, IoGetSize,
                                  LIBBFIO_FLAG_IO_HANDLE_MANAGED, nullptr) != 1) {
      delete io;
      libbfio_pool_free(&pool, nullptr);
      return nullptr;
    }
    if (libbfio_pool_append_handle(pool, &entry, handle, LIBBFIO_OPEN_READ, nullptr) != 1) {
      libbfio_handle_free(&handle, nullptr);
      libbfio_pool_free(&pool, nullptr);
      return nullptr;
    }
  }
  return pool;
}

// The sector runs of one of libewf's error lists (checksum or acquisition
// errors), in bytes.
using CountRuns = int (*)(libewf_handle_t*, uint32_t*, libewf_error_t**);
using GetRun = int (*)(libewf_handle_t*, uint32_t, uint64_t*, uint64_t*, libewf_error_t**);
std::vector<MediaRun> SectorRuns(libewf_handle_t* handle, CountRuns count, GetRun get) {
  std::vector<MediaRun> runs;
  uint32_t bytes_per_sector = 0, n = 0;
  if (libewf_handle_get_bytes_per_sector(handle, &bytes_per_sector, nullptr) != 1 ||
      count(handle, &n, nullptr) != 1) {
    return runs;
  }
  for (uint32_t i = 0; i < n; ++i) {
    uint64_t first = 0, sectors = 0;
    if (get(handle, i, &first, &sectors, nullptr) == 1) {
      runs.push_back(MediaRun{first * bytes_per_sector, sectors * bytes_per_sector});
    }
  }
  return runs;
}

class EwfImage : public DiskImage {
 public:
  EwfImage(DiskImageInfo info, libewf_handle_t* handle, libbfio_pool_t* pool)
      : DiskImage(std::move(info)), handle_(handle), pool_(pool) {}
  ~EwfImage() override {
    libewf_handle_close(handle_, nullptr);
    libewf_handle_free(&handle_, nullptr);
    libbfio_pool_free(&pool_, nullptr);
  }
  EwfImage(const EwfImage&) = delete;
  EwfImage& operator=(const EwfImage&) = delete;

  Result<size_t> ReadAt(uint64_t offset, std::span<uint8_t> out) const override {
    if (offset >= Size()) return size_t{0};
    out = out.first(static_cast<size_t>(std::min<uint64_t>(out.size(), Size() - offset)));
    std::lock_guard<std::mutex> lock(mutex_);
    size_t done = 0;
    while (done < out.size()) {
      libewf_error_t* error = nullptr;
      ssize_t n = libewf_handle_read_random(handle_, out.data() + done, out.size() - done,
                                            static_cast<off64_t>(offset + done), &error);
      if (n < 0) {
        return CorruptError("read EWF image " + info().segments.front() + " at offset " +
                            std::to_string(offset + done) + ": " + EwfErrorText(error));
      }
      if (n == 0) break;
      done += static_cast<size_t>(n);
    }
    return done;
  }

  std::vector<MediaRun> ChecksumErrors() const override {
    std::lock_guard<std::mutex> lock(mutex_);
    return SectorRuns(handle_, libewf_handle_get_number_of_checksum_errors,
                      libewf_handle_get_checksum_error);
  }

 private:
  mutable std::mutex mutex_;
  libewf_handle_t* handle_;
  libbfio_pool_t* pool_;  // the segments, owned; outlives the handle
};

std::string HeaderValue(libewf_handle_t* handle, const char* id) {
  uint8_t buffer[4096] = {};
  int rc = libewf_handle_get_utf8_header_value(handle, reinterpret_cast<const uint8_t*>(id),
                                               std::strlen(id), buffer, sizeof(buffer), nullptr);
  if (rc != 1) return "";
  return std::string(reinterpret_cast<const char*>(buffer));
}

std::string HashValue(libewf_handle_t* handle, const char* id) {
  uint8_t buffer[256] = {};
  int rc = libewf_handle_get_utf8_hash_value(handle, reinterpret_cast<const uint8_t*>(id),
                                             std::strlen(id), buffer, sizeof(buffer), nullptr);
  if (rc != 1) return "";
  return Lower(reinterpret_cast<const char*>(buffer));
}

std::string StoredDigest(libewf_handle_t* handle, bool sha1) {
  uint8_t digest[20] = {};
  size_t size = sha1 ? 20 : 16;
  int rc = sha1 ? libewf_handle_get_sha1_hash(handle, digest, size, nullptr)
                : libewf_handle_get_md5_hash(handle, digest, size, nullptr);
  std::string hex;
  if (rc == 1) hex = ToHex(std::span<const uint8_t>(digest, size));
  if (hex.empty() || hex == std::string(size * 2, '0'))
    hex = HashValue(handle, sha1 ? "SHA1" : "MD5");
  return hex;
}

// The name of the segment that follows `segment` (E01 -> E02, E99 -> EAA),
// or "" when the naming scheme is not understood.
std::string NextEwfSegmentName(const std::string& segment) {
  std::string next = segment;
  size_t n = next.size();
  if (n < 3) return "";
  char& a = next[n - 2];
  char& b = next[n - 1];
  if (std::isdigit(static_cast<unsigned char>(a)) && std::isdigit(static_cast<unsigned char>(b))) {
    int v = (a - '0') * 10 + (b - '0') + 1;
    if (v <= 99) {
      a = static_cast<char>('0' + v / 10);
      b = static_cast<char>('0' + v % 10);
      return next;
    }
    bool upper = std::isupper(static_cast<unsigned char>(next[n - 3])) != 0;
    a = upper ? 'A' : 'a';
    b = upper ? 'A' : 'a';
    return next;
  }
  return "";
}

// True when a file of the same set exists beyond the globbed ones, i.e. the
// set has a gap; libewf's glob stops at the first missing name.
bool HasLaterEwfSegments(const std::string& first, size_t globbed) {
  const std::string name = Basename(first);
  const std::string ext = Extension(name);
  const std::string stem = name.substr(0, name.size() - ext.size());  // keeps the dot
  size_t count = 0;
  for (const std::string& entry : ListDirectory(Dirname(first))) {
    if (entry.size() <= stem.size() || entry.compare(0, stem.size(), stem) != 0) continue;
    std::string e = Lower(std::string_view(entry).substr(stem.size()));
    if (e.size() == ext.size() && e[0] == ext[0] && IsEwfExtension(e, ext[0])) ++count;
  }
  return count > globbed;
}

Result<std::unique_ptr<DiskImage>> OpenEwf(const std::string& path) {
  libewf_error_t* error = nullptr;
  char** filenames = nullptr;
  int count = 0;
  if (libewf_glob(path.c_str(), path.size(), LIBEWF_FORMAT_UNKNOWN, &filenames, &count, &error) !=
      1) {
    return NotFoundError("find the segments of EWF image " + path + ": " + EwfErrorText(error));
  }
  std::vector<std::string> segments(filenames, filenames + count);
  libewf_glob_free(filenames, count, nullptr);
  if (segments.empty()) return NotFoundError("open EWF image " + path + ": no segment found");

  const std::string next = NextEwfSegmentName(segments.back());
  const std::string missing_hint =
      next.empty() ? "the segment after " + segments.back() : "segment " + next;
  if (HasLaterEwfSegments(segments.front(), segments.size())) {
    return NotFoundError("open EWF image " + path + ": " + missing_hint + " is missing (" +
                         std::to_string(segments.size()) +
                         " segments found before the gap, later ones present)");
  }

  libewf_handle_t* handle = nullptr;
  if (libewf_handle_initialize(&handle, &error) != 1) {
    return InternalError("initialise libewf: " + EwfErrorText(error));
  }
  libbfio_pool_t* pool = NewEvidencePool(segments);
  if (pool == nullptr) {
    libewf_handle_free(&handle, nullptr);
    return InternalError("open EWF image " + path + ": cannot set up its segment files");
  }
  if (libewf_handle_open_file_io_pool(handle, pool, LIBEWF_OPEN_READ, &error) != 1) {
    std::string text = EwfErrorText(error);
    libewf_handle_free(&handle, nullptr);
    libbfio_pool_free(&pool, nullptr);
    return CorruptError("open EWF image " + path + " (" + std::to_string(segments.size()) +
                        " segments; " + missing_hint + " may be missing): " + text);
  }
  size64_t media_size = 0;
  if (libewf_handle_get_media_size(handle, &media_size, &error) != 1) {
    std::string text = EwfErrorText(error);
    libewf_handle_close(handle, nullptr);
    libewf_handle_free(&handle, nullptr);
    libbfio_pool_free(&pool, nullptr);
    return CorruptError("read the media size of EWF image " + path + ": " + text);
  }
  DiskImageInfo info;
  info.format = "ewf";
  info.size = media_size;
  info.segments = segments;
  info.examiner = HeaderValue(handle, "examiner_name");
  info.case_number = HeaderValue(handle, "case_number");
  info.evidence_number = HeaderValue(handle, "evidence_number");
  info.description = HeaderValue(handle, "description");
  info.notes = HeaderValue(handle, "notes");
  info.acquired_at = HeaderValue(handle, "acquiry_date");
  info.acquisition_software = HeaderValue(handle, "acquiry_software_version");
  info.stored_md5 = StoredDigest(handle, false);
  info.stored_sha1 = StoredDigest(handle, true);
  info.acquisition_errors = SectorRuns(handle, libewf_handle_get_number_of_acquiry_errors,
                                       libewf_handle_get_acquiry_error);
  // Damaged chunks are returned as stored (as ewfverify does), not zeroed, and
  // listed by ChecksumErrors().
  libewf_handle_set_read_zero_chunk_on_error(handle, 0, nullptr);
  return std::unique_ptr<DiskImage>(std::make_unique<EwfImage>(std::move(info), handle, pool));
}

}  // namespace

bool LooksLikeDiskImageName(std::string_view name) {
  const std::string ext = Extension(name);
  static constexpr std::string_view kRaw[] = {"dd",  "img", "raw",  "001", "e01", "ex01",
                                              "s01", "l01", "lx01", "dmg", "vhd", "bin"};
  return std::find(std::begin(kRaw), std::end(kRaw), ext) != std::end(kRaw);
}

// Boot records and superblocks that start a raw disk or volume image.
bool LooksLikeRawMedia(std::span<const uint8_t> head) {
  auto at = [&](size_t offset, std::string_view signature) {
    return head.size() >= offset + signature.size() &&
           std::memcmp(head.data() + offset, signature.data(), signature.size()) == 0;
  };
  auto le32 = [&](size_t offset) {
    return uint32_t{head[offset]} | uint32_t{head[offset + 1]} << 8 |
           uint32_t{head[offset + 2]} << 16 | uint32_t{head[offset + 3]} << 24;
  };
  if (at(512, "EFI PART")) return true;  // GPT header in sector 1
  const bool boot_signature = head.size() >= 512 && head[510] == 0x55 && head[511] == 0xAA;
  if (boot_signature && (at(3, "NTFS    ") || at(3, "EXFAT   ") || at(54, "FAT12   ") ||
                         at(54, "FAT16   ") || at(82, "FAT32   "))) {
    return true;
  }
  // ext2/3/4: superblock at 1024 with its magic, and inode and block counts.
  if (head.size() >= 1024 + 84 && head[1024 + 56] == 0x53 && head[1024 + 57] == 0xEF &&
      le32(1024) > 0 && le32(1024 + 4) > 0 && le32(1024 + 24) <= 6) {
    return true;
  }
  // MBR: every used entry has a valid status, a start after sector 0 and a length.
  if (!boot_signature) return false;
  int used = 0;
  for (size_t entry = 446; entry < 510; entry += 16) {
    if (head[entry + 4] == 0) continue;  // partition type 0: unused
    if ((head[entry] != 0x00 && head[entry] != 0x80) || le32(entry + 8) == 0 ||
        le32(entry + 12) == 0) {
      return false;
    }
    ++used;
  }
  return used > 0;
}

DiskImageKind DetectDiskImage(std::string_view name, std::span<const uint8_t> head) {
  if (StartsWith(head, kEwfSignature) || StartsWith(head, kEwf2Signature)) {
    return DiskImageKind::kEwf;
  }
  if (StartsWith(head, kLvfSignature) || StartsWith(head, kLef2Signature)) {
    return DiskImageKind::kLogicalEwf;
  }
  const std::string ext = Extension(name);
  if (ext == "001") return DiskImageKind::kSplitRaw;
  if (ext == "dd" || ext == "img" || ext == "raw") return DiskImageKind::kRaw;
  return LooksLikeRawMedia(head) ? DiskImageKind::kRaw : DiskImageKind::kNotAnImage;
}

bool IsLaterImageSegment(const std::string& fs_path, std::span<const uint8_t> head) {
  // EWF1: signature, fields start (1 byte), segment number (16-bit LE).
  // EWF2: signature, major, minor, compression (16-bit), segment number (32-bit LE).
  if (StartsWith(head, kEwfSignature) || StartsWith(head, kLvfSignature)) {
    return head.size() >= 11 && (head[9] | (head[10] << 8)) >= 2;
  }
  if (StartsWith(head, kEwf2Signature) || StartsWith(head, kLef2Signature)) {
    return head.size() >= 16 && (uint32_t{head[12]} | uint32_t{head[13]} << 8 |
                                 uint32_t{head[14]} << 16 | uint32_t{head[15]} << 24) >= 2;
  }
  const std::string ext = Extension(fs_path);
  if (ext.size() != 3 || !IsDigits(ext) || ext == "000" || ext == "001") return false;
  std::error_code ec;
  const std::string first = fs_path.substr(0, fs_path.size() - 3) + "001";
  return std::filesystem::exists(std::filesystem::symlink_status(first, ec));
}

Result<std::unique_ptr<DiskImage>> OpenDiskImage(const std::string& path) {
  TANTALIO_ASSIGN_OR_RETURN(auto first, OpenEvidenceFile(path));
  uint8_t head[8] = {};
  TANTALIO_ASSIGN_OR_RETURN(size_t n, first->ReadAt(0, head));
  first.reset();
  switch (DetectDiskImage(path, std::span<const uint8_t>(head, n))) {
    case DiskImageKind::kEwf:
      return OpenEwf(path);
    case DiskImageKind::kLogicalEwf:
      return UnsupportedError("open " + path +
                              ": logical evidence file (L01/Lx01) is not a disk image and is not "
                              "supported");
    case DiskImageKind::kSplitRaw: {
      TANTALIO_ASSIGN_OR_RETURN(auto segments, FindSplitRawSegments(path));
      if (segments.empty()) return NotFoundError("open split raw image " + path + ": not found");
      return OpenRaw(std::move(segments), "split raw");
    }
    case DiskImageKind::kRaw:
    case DiskImageKind::kNotAnImage:
      break;
  }
  return OpenRaw({path}, "raw");
}

Result<ImageVerification> VerifyDiskImage(const DiskImage& image, const std::atomic<bool>* cancel) {
  struct CtxDeleter {
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
  };
  std::unique_ptr<EVP_MD_CTX, CtxDeleter> md5(EVP_MD_CTX_new());
  std::unique_ptr<EVP_MD_CTX, CtxDeleter> sha1(EVP_MD_CTX_new());
  if (!md5 || !sha1 || EVP_DigestInit_ex(md5.get(), EVP_md5(), nullptr) != 1 ||
      EVP_DigestInit_ex(sha1.get(), EVP_sha1(), nullptr) != 1) {
    return InternalError("initialise MD5/SHA-1");
  }
  std::vector<uint8_t> buffer(1 << 20);
  uint64_t offset = 0;
  const uint64_t size = image.Size();
  while (offset < size) {
    if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) {
      return CancelledError("verify " + image.info().segments.front() + ": cancelled");
    }
    TANTALIO_ASSIGN_OR_RETURN(size_t n, image.ReadAt(offset, buffer));
    if (n == 0) {
      return IoError("verify " + image.info().segments.front() + ": media ended at offset " +
                     std::to_string(offset) + " of " + std::to_string(size));
    }
    EVP_DigestUpdate(md5.get(), buffer.data(), n);
    EVP_DigestUpdate(sha1.get(), buffer.data(), n);
    offset += n;
  }
  uint8_t digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  ImageVerification result;
  EVP_DigestFinal_ex(md5.get(), digest, &len);
  result.md5 = ToHex(std::span<const uint8_t>(digest, len));
  EVP_DigestFinal_ex(sha1.get(), digest, &len);
  result.sha1 = ToHex(std::span<const uint8_t>(digest, len));
  const DiskImageInfo& info = image.info();
  result.has_stored = !info.stored_md5.empty() || !info.stored_sha1.empty();
  result.md5_matches = !info.stored_md5.empty() && info.stored_md5 == result.md5;
  result.sha1_matches = !info.stored_sha1.empty() && info.stored_sha1 == result.sha1;
  result.checksum_errors = image.ChecksumErrors();
  return result;
}

}  // namespace tantalio
