#include "base/random_access.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace tantalio {
namespace {

class FdSource final : public RandomAccessSource {
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

// Reads from `bytes`, which the owner keeps alive.
Result<size_t> ReadSpan(std::span<const uint8_t> bytes, uint64_t offset, std::span<uint8_t> out) {
  if (offset >= bytes.size()) return size_t{0};
  const size_t n = std::min<size_t>(out.size(), bytes.size() - offset);
  std::memcpy(out.data(), bytes.data() + offset, n);
  return n;
}

class VectorSource final : public RandomAccessSource {
 public:
  explicit VectorSource(std::vector<uint8_t> bytes) : bytes_(std::move(bytes)) {}
  uint64_t Size() const override { return bytes_.size(); }
  Result<size_t> ReadAt(uint64_t offset, std::span<uint8_t> out) const override {
    return ReadSpan(bytes_, offset, out);
  }

 private:
  std::vector<uint8_t> bytes_;
};

class SpanSource final : public RandomAccessSource {
 public:
  explicit SpanSource(std::span<const uint8_t> bytes) : bytes_(bytes) {}
  uint64_t Size() const override { return bytes_.size(); }
  Result<size_t> ReadAt(uint64_t offset, std::span<uint8_t> out) const override {
    return ReadSpan(bytes_, offset, out);
  }

 private:
  std::span<const uint8_t> bytes_;
};

class BorrowingSource final : public RandomAccessSource {
 public:
  explicit BorrowingSource(const RandomAccessSource& source) : source_(source) {}
  uint64_t Size() const override { return source_.Size(); }
  Result<size_t> ReadAt(uint64_t offset, std::span<uint8_t> out) const override {
    return source_.ReadAt(offset, out);
  }

 private:
  const RandomAccessSource& source_;
};

}  // namespace

Result<std::unique_ptr<RandomAccessSource>> OpenReadOnlyFile(const std::string& path) {
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
  return DescriptorSource(fd, static_cast<uint64_t>(st.st_size), path);
}

std::unique_ptr<RandomAccessSource> DescriptorSource(int fd, uint64_t size, std::string name) {
  return std::make_unique<FdSource>(fd, size, std::move(name));
}

std::unique_ptr<RandomAccessSource> MemorySource(std::vector<uint8_t> bytes) {
  return std::make_unique<VectorSource>(std::move(bytes));
}

std::unique_ptr<RandomAccessSource> BorrowedMemory(std::span<const uint8_t> bytes) {
  return std::make_unique<SpanSource>(bytes);
}

std::unique_ptr<RandomAccessSource> BorrowedSource(const RandomAccessSource& source) {
  return std::make_unique<BorrowingSource>(source);
}

}  // namespace tantalio
