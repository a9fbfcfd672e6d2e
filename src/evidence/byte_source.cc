#include "evidence/byte_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace tantalio {
namespace {

class FdSource : public RandomAccessSource {
 public:
  FdSource(int fd, uint64_t size, std::string name)
      : fd_(fd), size_(size), name_(std::move(name)) {}
  ~FdSource() override { ::close(fd_); }
  FdSource(const FdSource&) = delete;
  FdSource& operator=(const FdSource&) = delete;

  uint64_t Size() const override { return size_; }

  // Reads up to the size the file had when opened: evidence does not change,
  // and stopping there saves the extra read() that would only report EOF.
  Result<size_t> ReadAt(uint64_t offset, std::span<uint8_t> out) const override {
    if (offset >= size_) return size_t{0};
    out = out.first(static_cast<size_t>(std::min<uint64_t>(out.size(), size_ - offset)));
    size_t done = 0;
    while (done < out.size()) {
      ssize_t n =
          ::pread(fd_, out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
      if (n < 0) {
        if (errno == EINTR) continue;
        return ErrnoError("read " + name_ + " at offset " + std::to_string(offset + done), errno);
      }
      if (n == 0) break;
      done += static_cast<size_t>(n);
    }
    return done;
  }

 private:
  int fd_;
  uint64_t size_;
  std::string name_;
};

class VectorSource : public RandomAccessSource {
 public:
  explicit VectorSource(std::vector<uint8_t> bytes) : bytes_(std::move(bytes)) {}
  uint64_t Size() const override { return bytes_.size(); }
  Result<size_t> ReadAt(uint64_t offset, std::span<uint8_t> out) const override {
    if (offset >= bytes_.size()) return size_t{0};
    size_t n = std::min<size_t>(out.size(), bytes_.size() - offset);
    std::memcpy(out.data(), bytes_.data() + offset, n);
    return n;
  }

 private:
  std::vector<uint8_t> bytes_;
};

const char* TempDirectory() {
  const char* dir = std::getenv("TMPDIR");
  return dir != nullptr && *dir != '\0' ? dir : "/tmp";
}

}  // namespace

Result<std::unique_ptr<RandomAccessSource>> OpenEvidenceFile(const std::string& path) {
  constexpr int kFlags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC;
  int fd = ::open(path.c_str(), kFlags | O_NOATIME);
  if (fd < 0 && errno == EPERM) fd = ::open(path.c_str(), kFlags);  // not the owner: no O_NOATIME
  if (fd < 0) return ErrnoError("open " + path, errno);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return ErrnoError("stat " + path, err);
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return InvalidArgumentError("open " + path + ": not a regular file");
  }
  if (st.st_size >= (1 << 20)) ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  return std::unique_ptr<RandomAccessSource>(
      std::make_unique<FdSource>(fd, static_cast<uint64_t>(st.st_size), path));
}

std::unique_ptr<RandomAccessSource> MemorySource(std::vector<uint8_t> bytes) {
  return std::make_unique<VectorSource>(std::move(bytes));
}

Spool::Spool(size_t memory_limit) : memory_limit_(memory_limit) {}

Spool::~Spool() {
  if (fd_ >= 0) ::close(fd_);
}

Status Spool::Append(std::span<const uint8_t> bytes) {
  if (fd_ < 0 && memory_.size() + bytes.size() > memory_limit_) {
    fd_ = ::open(TempDirectory(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd_ < 0)
      return ErrnoError(std::string("create temporary spool in ") + TempDirectory(), errno);
    // Move what was held in memory into the file first, then go on.
    std::vector<uint8_t> held = std::move(memory_);
    memory_ = {};
    size_ = 0;
    TANTALIO_RETURN_IF_ERROR(Append(held));
  }
  if (fd_ < 0) {
    memory_.insert(memory_.end(), bytes.begin(), bytes.end());
    size_ += bytes.size();
    return Status::Ok();
  }
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoError("write temporary spool", errno);
    }
    done += static_cast<size_t>(n);
  }
  size_ += bytes.size();
  return Status::Ok();
}

Result<std::unique_ptr<RandomAccessSource>> Spool::Finish() {
  uint64_t size = size_;
  size_ = 0;
  if (fd_ < 0) return MemorySource(std::move(memory_));
  int fd = fd_;
  fd_ = -1;
  return std::unique_ptr<RandomAccessSource>(
      std::make_unique<FdSource>(fd, size, "temporary spool"));
}

}  // namespace tantalio
