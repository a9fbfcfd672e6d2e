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

const char* TempDirectory() {
  const char* dir = std::getenv("TMPDIR");
  return dir != nullptr && *dir != '\0' ? dir : "/tmp";
}

}  // namespace

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
  return DescriptorSource(fd, size, "temporary spool");
}

}  // namespace tantalio
