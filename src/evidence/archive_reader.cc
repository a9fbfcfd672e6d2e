#include "evidence/archive_reader.h"

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>

#include <vector>

namespace tantalio {
namespace {

struct ArchiveDeleter {
  void operator()(archive* a) const { archive_read_free(a); }
};

class LibArchiveReader : public ArchiveReader {
 public:
  LibArchiveReader(const RandomAccessSource& source, std::string label)
      : source_(source), label_(std::move(label)), buffer_(1 << 16) {}

  Status Open() {
    archive_.reset(archive_read_new());
    if (!archive_) return InternalError("archive_read_new failed");
    archive* a = archive_.get();
    archive_read_support_filter_all(a);
    archive_read_support_format_all(a);
    // "raw" lets a lone .gz/.xz/... stream be read as one entry; libarchive
    // prefers any real format (tar) that bids higher.
    archive_read_support_format_raw(a);
    archive_read_set_callback_data(a, this);
    archive_read_set_read_callback(a, &LibArchiveReader::ReadCallback);
    archive_read_set_seek_callback(a, &LibArchiveReader::SeekCallback);
    archive_read_set_skip_callback(a, &LibArchiveReader::SkipCallback);
    if (archive_read_open1(a) != ARCHIVE_OK) return Failure("open");
    return Status::Ok();
  }

  Result<std::optional<ArchiveEntry>> Next() override {
    archive_entry* entry = nullptr;
    int rc = archive_read_next_header(archive_.get(), &entry);
    if (rc == ARCHIVE_EOF) return std::optional<ArchiveEntry>();
    if (rc == ARCHIVE_FATAL || rc == ARCHIVE_RETRY || entry == nullptr) {
      return Failure("read next entry header");
    }
    // "raw" is there for lone compressed streams; uncompressed data read as
    // raw is simply not an archive.
    if (archive_format(archive_.get()) == ARCHIVE_FORMAT_RAW &&
        archive_filter_code(archive_.get(), 0) == ARCHIVE_FILTER_NONE) {
      return CorruptError("open archive " + label_ + ": not a recognised archive format");
    }
    // ARCHIVE_WARN still yields a usable entry.
    ArchiveEntry out;
    const char* name = archive_entry_pathname(entry);
    out.name = name != nullptr ? name : "";
    if (out.name.empty()) out.name = "data";
    mode_t type = archive_entry_filetype(entry);
    if (type == AE_IFDIR) {
      out.kind = ItemKind::kDirectory;
    } else if (type == AE_IFLNK) {
      out.kind = ItemKind::kSymlink;
      const char* target = archive_entry_symlink(entry);
      out.link_target = target != nullptr ? target : "";
    } else if (type == AE_IFREG || type == 0) {
      out.kind = ItemKind::kFile;
    } else {
      out.kind = ItemKind::kSpecial;
    }
    if (archive_entry_hardlink(entry) != nullptr && out.kind == ItemKind::kFile &&
        archive_entry_size(entry) == 0) {
      out.kind = ItemKind::kSymlink;
      out.link_target = archive_entry_hardlink(entry);
    }
    if (archive_entry_size_is_set(entry))
      out.size = static_cast<uint64_t>(archive_entry_size(entry));
    if (archive_entry_mtime_is_set(entry)) out.mtime = archive_entry_mtime(entry);
    out.encrypted = archive_entry_is_encrypted(entry) != 0;
    return std::optional<ArchiveEntry>(std::move(out));
  }

  Result<size_t> ReadData(std::span<uint8_t> out) override {
    la_ssize_t n = archive_read_data(archive_.get(), out.data(), out.size());
    if (n < 0) return Failure("read entry data");
    return static_cast<size_t>(n);
  }

  std::string FormatName() const override {
    const char* name = archive_format_name(archive_.get());
    return name != nullptr ? name : "unknown";
  }

 private:
  Status Failure(const char* what) {
    const char* message = archive_error_string(archive_.get());
    std::string text = std::string(what) + " in archive " + label_ + ": " +
                       (message != nullptr ? message : "unknown libarchive error");
    // An I/O failure of the underlying evidence is reported as such; anything
    // else libarchive rejects is a malformed or truncated archive.
    if (!source_error_.ok()) return source_error_.WithContext(text);
    return CorruptError(text);
  }

  static la_ssize_t ReadCallback(archive* a, void* data, const void** out) {
    auto* self = static_cast<LibArchiveReader*>(data);
    auto n = self->source_.ReadAt(self->position_, self->buffer_);
    if (!n.ok()) {
      self->source_error_ = n.status();
      archive_set_error(a, EIO, "%s", n.status().message().c_str());
      return -1;
    }
    *out = self->buffer_.data();
    self->position_ += *n;
    return static_cast<la_ssize_t>(*n);
  }

  static la_int64_t SeekCallback(archive*, void* data, la_int64_t offset, int whence) {
    auto* self = static_cast<LibArchiveReader*>(data);
    const auto size = static_cast<la_int64_t>(self->source_.Size());
    la_int64_t base = whence == SEEK_SET   ? 0
                      : whence == SEEK_CUR ? static_cast<la_int64_t>(self->position_)
                                           : size;
    la_int64_t target = base + offset;
    if (target < 0) return ARCHIVE_FATAL;
    self->position_ = static_cast<uint64_t>(std::min(target, size));
    return static_cast<la_int64_t>(self->position_);
  }

  static la_int64_t SkipCallback(archive*, void* data, la_int64_t request) {
    auto* self = static_cast<LibArchiveReader*>(data);
    const uint64_t size = self->source_.Size();
    uint64_t skip =
        std::min<uint64_t>(static_cast<uint64_t>(request), size - std::min(size, self->position_));
    self->position_ += skip;
    return static_cast<la_int64_t>(skip);
  }

  const RandomAccessSource& source_;
  std::string label_;
  std::vector<uint8_t> buffer_;
  uint64_t position_ = 0;
  Status source_error_;
  std::unique_ptr<archive, ArchiveDeleter> archive_;
};

}  // namespace

Result<std::unique_ptr<ArchiveReader>> ArchiveReader::Open(const RandomAccessSource& source,
                                                           std::string label) {
  auto reader = std::make_unique<LibArchiveReader>(source, std::move(label));
  TANTALIO_RETURN_IF_ERROR(reader->Open());
  return std::unique_ptr<ArchiveReader>(std::move(reader));
}

}  // namespace tantalio
