#include "index/exact_hash_filter.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>
#include <functional>
#include <memory>

namespace tantalio::index {
namespace {

constexpr char kMagic[8] = {'T', 'N', 'T', 'X', 'H', 'F', '0', '2'};

// A 64-bit checksum over the filters' prefixes, in order: a snapshot is a
// rebuildable cache, so it guards against damage, not forgery, and must cost
// far less than the load it saves (SHA-256 took 0.45 s for 20M prefixes here).
uint64_t Checksum(std::span<const std::vector<uint64_t>* const> arrays) {
  uint64_t h = 0x243f6a8885a308d3;
  for (const auto* a : arrays) {
    for (uint64_t w : *a) {
      h ^= w * 0x9e3779b97f4a7c15;
      h = std::rotl(h, 31) * 0x85ebca77c2b2ae63;
    }
    h ^= a->size();
  }
  return h;
}

Status WriteAll(int fd, const void* data, size_t size, const std::string& path) {
  const auto* p = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = ::write(fd, p, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoError("write digest filter snapshot " + path, errno);
    }
    p += n;
    size -= static_cast<size_t>(n);
  }
  return Status::Ok();
}

Status ReadExactly(int fd, void* data, size_t size, const std::string& path) {
  auto* p = static_cast<char*>(data);
  while (size > 0) {
    const ssize_t n = ::read(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoError("read digest filter snapshot " + path, errno);
    if (n == 0) return CorruptError("digest filter snapshot " + path + " is truncated");
    p += n;
    size -= static_cast<size_t>(n);
  }
  return Status::Ok();
}

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

std::optional<uint64_t> ExactHashFilter::Prefix(std::string_view hex) {
  if (hex.size() < 16) return std::nullopt;
  uint64_t value = 0;
  for (size_t i = 0; i < 16; ++i) {
    const char c = hex[i];
    uint64_t digit;
    if (c >= '0' && c <= '9') {
      digit = static_cast<uint64_t>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      digit = static_cast<uint64_t>(c - 'a') + 10;
    } else if (c >= 'A' && c <= 'F') {
      digit = static_cast<uint64_t>(c - 'A') + 10;
    } else {
      return std::nullopt;
    }
    value = (value << 4) | digit;
  }
  return value;
}

bool ExactHashFilter::Add(std::string_view hex) {
  auto prefix = Prefix(hex);
  if (!prefix) return false;
  prefixes_.push_back(*prefix);
  sealed_ = false;
  return true;
}

void ExactHashFilter::Seal() {
  std::sort(prefixes_.begin(), prefixes_.end());
  prefixes_.erase(std::unique(prefixes_.begin(), prefixes_.end()), prefixes_.end());
  prefixes_.shrink_to_fit();
  BuildDirectory();
}

void ExactHashFilter::BuildDirectory() {
  // About 4 prefixes per directory slot, at most 2^21 slots (8 MB).
  directory_bits_ = prefixes_.size() < 8
                        ? 0
                        : std::min(21, static_cast<int>(std::bit_width(prefixes_.size() / 4)) - 1);
  directory_.assign((size_t{1} << directory_bits_) + 1, 0);
  size_t i = 0;
  for (size_t b = 0; b < (size_t{1} << directory_bits_); ++b) {
    while (i < prefixes_.size() && directory_bits_ > 0 &&
           (prefixes_[i] >> (64 - directory_bits_)) < b) {
      ++i;
    }
    directory_[b] = static_cast<uint32_t>(i);
  }
  directory_.back() = static_cast<uint32_t>(prefixes_.size());
  sealed_ = true;
}

bool ExactHashFilter::Contains(uint64_t prefix) const {
  if (prefixes_.empty()) return false;
  if (!sealed_) return std::find(prefixes_.begin(), prefixes_.end(), prefix) != prefixes_.end();
  const size_t b = directory_bits_ == 0 ? 0 : prefix >> (64 - directory_bits_);
  const auto first = prefixes_.begin() + directory_[b];
  const auto last = prefixes_.begin() + directory_[b + 1];
  return std::binary_search(first, last, prefix);
}

bool ExactHashFilter::MayContain(std::string_view hex) const {
  auto prefix = Prefix(hex);
  return prefix && Contains(*prefix);
}

Status SaveExactHashFilters(const std::string& path, std::string_view tag,
                            std::span<const ExactHashFilter* const> filters) {
  std::vector<const std::vector<uint64_t>*> arrays;
  std::vector<uint64_t> head{tag.size(), filters.size()};
  for (const ExactHashFilter* f : filters) {
    if (!f->sealed_) return InternalError("save digest filters: a filter is not sealed");
    arrays.push_back(&f->prefixes_);
    head.push_back(f->prefixes_.size());
  }
  const std::string tmp = path + ".tmp";
  Fd fd{::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)};
  if (fd.fd < 0) return ErrnoError("create digest filter snapshot " + tmp, errno);
  Status s = WriteAll(fd.fd, kMagic, sizeof kMagic, tmp);
  if (s.ok()) s = WriteAll(fd.fd, head.data(), head.size() * 8, tmp);
  if (s.ok()) s = WriteAll(fd.fd, tag.data(), tag.size(), tmp);
  for (const auto* a : arrays) {
    if (s.ok()) s = WriteAll(fd.fd, a->data(), a->size() * 8, tmp);
  }
  const uint64_t checksum = Checksum(arrays);
  if (s.ok()) s = WriteAll(fd.fd, &checksum, sizeof checksum, tmp);
  if (s.ok() && ::fsync(fd.fd) != 0) s = ErrnoError("fsync " + tmp, errno);
  if (s.ok() && ::rename(tmp.c_str(), path.c_str()) != 0) {
    s = ErrnoError("rename " + tmp + " to " + path, errno);
  }
  if (!s.ok()) ::unlink(tmp.c_str());
  return s;
}

Result<std::vector<ExactHashFilter>> LoadExactHashFilters(const std::string& path,
                                                          std::string_view expected_tag,
                                                          size_t count) {
  Fd fd{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (fd.fd < 0) {
    if (errno == ENOENT) return NotFoundError("no digest filter snapshot at " + path);
    return ErrnoError("open digest filter snapshot " + path, errno);
  }
  char magic[8];
  TANTALIO_RETURN_IF_ERROR(ReadExactly(fd.fd, magic, sizeof magic, path));
  if (std::memcmp(magic, kMagic, sizeof magic) != 0) {
    return CorruptError("digest filter snapshot " + path +
                        ": bad magic (not written by this "
                        "version of tantalio)");
  }
  uint64_t head[2];
  TANTALIO_RETURN_IF_ERROR(ReadExactly(fd.fd, head, sizeof head, path));
  if (head[0] > 1 << 20 || head[1] != count) {
    return CorruptError("digest filter snapshot " + path + ": unexpected header");
  }
  std::vector<uint64_t> sizes(count);
  TANTALIO_RETURN_IF_ERROR(ReadExactly(fd.fd, sizes.data(), count * 8, path));
  std::string tag(head[0], '\0');
  TANTALIO_RETURN_IF_ERROR(ReadExactly(fd.fd, tag.data(), tag.size(), path));
  if (tag != expected_tag) {
    return InvalidArgumentError("digest filter snapshot " + path +
                                " was built from other hash sets (stale)");
  }
  const off_t file_size = ::lseek(fd.fd, 0, SEEK_END);
  uint64_t expected = 8 + 16 + count * 8 + tag.size() + 8;
  for (uint64_t n : sizes) expected += n * 8;
  if (file_size < 0 || static_cast<uint64_t>(file_size) != expected) {
    return CorruptError("digest filter snapshot " + path + ": size " + std::to_string(file_size) +
                        " instead of " + std::to_string(expected));
  }
  ::lseek(fd.fd, static_cast<off_t>(8 + 16 + count * 8 + tag.size()), SEEK_SET);
  std::vector<ExactHashFilter> filters(count);
  std::vector<const std::vector<uint64_t>*> arrays;
  for (size_t i = 0; i < count; ++i) {
    filters[i].prefixes_.resize(sizes[i]);
    TANTALIO_RETURN_IF_ERROR(ReadExactly(fd.fd, filters[i].prefixes_.data(), sizes[i] * 8, path));
    arrays.push_back(&filters[i].prefixes_);
  }
  uint64_t checksum = 0;
  TANTALIO_RETURN_IF_ERROR(ReadExactly(fd.fd, &checksum, sizeof checksum, path));
  if (checksum != Checksum(arrays)) {
    return CorruptError("digest filter snapshot " + path + ": checksum mismatch (damaged)");
  }
  for (auto& f : filters) {
    if (std::adjacent_find(f.prefixes_.begin(), f.prefixes_.end(), std::greater_equal<>()) !=
        f.prefixes_.end()) {
      return CorruptError("digest filter snapshot " + path + ": prefixes not sorted and unique");
    }
    f.BuildDirectory();
  }
  return filters;
}

}  // namespace tantalio::index
