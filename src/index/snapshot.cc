// Snapshot file of a HammingIndex (format version 1).
//
// Layout, all integers little-endian:
//   [0, header_bytes)  FileHeader, then section_count SectionEntry records,
//                      then the caller's source tag (tag_bytes), zero-padded
//                      to a multiple of 4096.
//   sections           each at a 4096-aligned offset, in the order written:
//                      1 stream A (u64), 2 stream B (u64), 3 ids (u64),
//                      then per MIH table t: 4 offsets (u32), 5 rows (u32).
// The header names the algorithm ("flat", "mih", "auto"), the layout version
// (split halves in blocks of 8, MIH substring rule), the code size, the row
// count and the MIH parameters (tables, rows covered). Every section and the
// header carry a checksum. Arrays are used in place from the mapping.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <bit>
#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "index/hamming_index_impl.h"

namespace tantalio::index {
namespace {

constexpr char kMagic[8] = {'T', 'N', 'T', 'L', 'H', 'A', 'M', 'I'};
constexpr uint32_t kFormatVersion = 1;
// Bump when the in-file layout of the arrays or the MIH substring rule changes.
constexpr uint32_t kLayoutVersion = 1;
constexpr uint64_t kAlign = 4096;

enum SectionKind : uint32_t {
  kStreamA = 1,
  kStreamB = 2,
  kIds = 3,
  kMihOffsets = 4,
  kMihRows = 5,
};

struct FileHeader {
  char magic[8];
  uint32_t format_version;
  uint32_t header_bytes;
  char algorithm[16];
  uint32_t layout_version;
  uint32_t code_bits;
  uint64_t count;
  uint64_t mih_built_rows;
  uint32_t mih_tables;
  uint32_t section_count;
  uint32_t tag_bytes;        // source tag, stored after the section table
  uint32_t reserved;         // 0
  uint64_t header_checksum;  // over header (this field 0) + section table
};
static_assert(sizeof(FileHeader) == 80);

struct SectionEntry {
  uint32_t kind;
  uint32_t table;
  uint64_t offset;
  uint64_t bytes;
  uint64_t checksum;
};
static_assert(sizeof(SectionEntry) == 32);

uint64_t AlignUp(uint64_t v) { return (v + kAlign - 1) / kAlign * kAlign; }

class UniqueFd {
 public:
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() {
    if (fd_ >= 0) ::close(fd_);
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  int get() const { return fd_; }
  int Release() {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_;
};

Status WriteAll(int fd, const void* data, size_t size, const std::string& path) {
  const auto* p = static_cast<const uint8_t*>(data);
  while (size > 0) {
    const ssize_t n = ::write(fd, p, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoError("write Hamming index snapshot " + path, errno);
    }
    p += n;
    size -= static_cast<size_t>(n);
  }
  return Status::Ok();
}

struct PendingSection {
  SectionEntry entry;
  const void* data;
};

}  // namespace

uint64_t SnapshotChecksum(const uint8_t* data, size_t size) {
  constexpr uint64_t kMul = 0x9E3779B97F4A7C15ull;
  uint64_t h[4] = {0x243F6A8885A308D3ull, 0x13198A2E03707344ull, 0xA4093822299F31D0ull,
                   0x082EFA98EC4E6C89ull};
  size_t i = 0;
  for (; i + 32 <= size; i += 32) {
    for (int l = 0; l < 4; ++l) {
      uint64_t w;
      std::memcpy(&w, data + i + 8 * static_cast<size_t>(l), 8);
      h[l] = std::rotl((h[l] ^ w) * kMul, 31);
    }
  }
  for (; i < size; ++i) h[0] = std::rotl((h[0] ^ data[i]) * kMul, 31);
  uint64_t x = size;
  for (uint64_t v : h) x = std::rotl((x ^ v) * kMul, 29);
  return x ^ (x >> 32);
}

Result<std::shared_ptr<const MappedFile>> MappedFile::Open(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return ErrnoError("open Hamming index snapshot " + path, errno);
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) return ErrnoError("stat Hamming index snapshot " + path, errno);
  const size_t size = static_cast<size_t>(st.st_size);
  if (size == 0) {
    return CorruptError("load Hamming index snapshot " + path + ": empty file");
  }
  void* p = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd.get(), 0);
  if (p == MAP_FAILED) return ErrnoError("mmap Hamming index snapshot " + path, errno);
  return std::shared_ptr<const MappedFile>(new MappedFile(static_cast<const uint8_t*>(p), size));
}

MappedFile::~MappedFile() { ::munmap(const_cast<uint8_t*>(data_), size_); }

Status HammingIndexImpl::DoSave(const std::string& path, const SaveOptions& options) const {
  if (options.source_tag.size() > kMaxSourceTagBytes) {
    return InvalidArgumentError("save Hamming index snapshot " + path + ": source tag of " +
                                std::to_string(options.source_tag.size()) + " bytes, at most " +
                                std::to_string(kMaxSourceTagBytes));
  }
  std::vector<PendingSection> sections;
  auto add = [&](uint32_t kind, uint32_t table, const void* data, size_t bytes) {
    SectionEntry e{kind, table, 0, bytes,
                   SnapshotChecksum(static_cast<const uint8_t*>(data), bytes)};
    sections.push_back({e, data});
  };
  add(kStreamA, 0, a_.data(), a_.size() * sizeof(uint64_t));
  add(kStreamB, 0, b_.data(), b_.size() * sizeof(uint64_t));
  add(kIds, 0, ids_.data(), ids_.size() * sizeof(uint64_t));
  for (size_t t = 0; t < tables_.size(); ++t) {
    const MihTable& table = tables_[t];
    add(kMihOffsets, static_cast<uint32_t>(t), table.offsets.data(),
        table.offsets.size() * sizeof(uint32_t));
    add(kMihRows, static_cast<uint32_t>(t), table.rows.data(),
        table.rows.size() * sizeof(uint32_t));
  }
  FileHeader header{};
  std::memcpy(header.magic, kMagic, sizeof(kMagic));
  header.format_version = kFormatVersion;
  const uint64_t table_end = sizeof(FileHeader) + sections.size() * sizeof(SectionEntry);
  const uint64_t header_bytes = AlignUp(table_end + options.source_tag.size());
  header.tag_bytes = static_cast<uint32_t>(options.source_tag.size());
  header.header_bytes = static_cast<uint32_t>(header_bytes);
  const std::string_view name = algorithm();
  std::memcpy(header.algorithm, name.data(), name.size());
  header.layout_version = kLayoutVersion;
  header.code_bits = static_cast<uint32_t>(code_bits());
  header.count = size_;
  header.mih_built_rows = tables_.empty() ? 0 : mih_built_rows_;
  header.mih_tables = static_cast<uint32_t>(tables_.size());
  header.section_count = static_cast<uint32_t>(sections.size());
  uint64_t offset = header_bytes;
  for (PendingSection& s : sections) {
    s.entry.offset = offset;
    offset = AlignUp(offset + s.entry.bytes);
  }
  std::vector<uint8_t> head(header_bytes, 0);
  for (size_t i = 0; i < sections.size(); ++i) {
    std::memcpy(head.data() + sizeof(FileHeader) + i * sizeof(SectionEntry), &sections[i].entry,
                sizeof(SectionEntry));
  }
  std::memcpy(head.data() + table_end, options.source_tag.data(), options.source_tag.size());
  std::memcpy(head.data(), &header, sizeof(header));
  header.header_checksum = SnapshotChecksum(head.data(), head.size());
  std::memcpy(head.data(), &header, sizeof(header));

  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (fd.get() < 0) return ErrnoError("create Hamming index snapshot " + tmp, errno);
  Status status = WriteAll(fd.get(), head.data(), head.size(), tmp);
  static const std::array<uint8_t, kAlign> kZeros{};
  uint64_t written = header_bytes;
  for (const PendingSection& s : sections) {
    if (!status.ok()) break;
    status = WriteAll(fd.get(), s.data, s.entry.bytes, tmp);
    written += s.entry.bytes;
    const uint64_t pad = AlignUp(written) - written;
    if (status.ok() && pad > 0) status = WriteAll(fd.get(), kZeros.data(), pad, tmp);
    written += pad;
  }
  if (status.ok() && ::fsync(fd.get()) != 0) {
    status = ErrnoError("fsync Hamming index snapshot " + tmp, errno);
  }
  if (status.ok() && ::close(fd.Release()) != 0) {
    status = ErrnoError("close Hamming index snapshot " + tmp, errno);
  }
  if (status.ok() && ::rename(tmp.c_str(), path.c_str()) != 0) {
    status = ErrnoError("rename Hamming index snapshot " + tmp + " to " + path, errno);
  }
  if (!status.ok()) ::unlink(tmp.c_str());
  return status;
}

namespace {

struct ParsedHeader {
  FileHeader header;
  HammingAlgorithm algorithm;
  std::string name;
  std::string source_tag;
};

// Checks everything the header alone can tell: magic, versions, header
// checksum, algorithm name (the registry of readable algorithms), code size.
Result<ParsedHeader> ParseHeader(const MappedFile& file, const std::string& what) {
  ParsedHeader parsed;
  FileHeader& header = parsed.header;
  if (file.size() < sizeof(FileHeader) || std::memcmp(file.data(), kMagic, sizeof(kMagic)) != 0) {
    return CorruptError(what + "not a tantalio Hamming index snapshot (bad magic)");
  }
  std::memcpy(&header, file.data(), sizeof(header));
  if (header.format_version != kFormatVersion) {
    return UnsupportedError(what + "format version " + std::to_string(header.format_version) +
                            ", this build reads version " + std::to_string(kFormatVersion));
  }
  if (header.header_bytes < sizeof(FileHeader) || header.header_bytes > file.size() ||
      header.section_count > (header.header_bytes - sizeof(FileHeader)) / sizeof(SectionEntry) ||
      header.tag_bytes >
          header.header_bytes - sizeof(FileHeader) - header.section_count * sizeof(SectionEntry)) {
    return CorruptError(what + "truncated header");
  }
  {
    std::vector<uint8_t> head(file.data(), file.data() + header.header_bytes);
    FileHeader zeroed = header;
    zeroed.header_checksum = 0;
    std::memcpy(head.data(), &zeroed, sizeof(zeroed));
    if (SnapshotChecksum(head.data(), head.size()) != header.header_checksum) {
      return CorruptError(what + "header checksum mismatch");
    }
  }
  parsed.name.assign(header.algorithm, strnlen(header.algorithm, sizeof(header.algorithm)));
  // The algorithms this build can read, by the name stored in the file.
  static constexpr HammingAlgorithm kKnown[] = {HammingAlgorithm::kAuto, HammingAlgorithm::kFlat,
                                                HammingAlgorithm::kMih};
  bool known = false;
  for (HammingAlgorithm a : kKnown) {
    if (HammingAlgorithmName(a) == parsed.name) {
      parsed.algorithm = a;
      known = true;
    }
  }
  if (!known) return UnsupportedError(what + "unknown algorithm '" + parsed.name + "'");
  if (header.layout_version != kLayoutVersion) {
    return UnsupportedError(what + "algorithm '" + parsed.name + "' layout version " +
                            std::to_string(header.layout_version) + ", this build reads version " +
                            std::to_string(kLayoutVersion));
  }
  if (header.code_bits != 64 && header.code_bits != 256) {
    return CorruptError(what + "code size " + std::to_string(header.code_bits) + " bits");
  }
  const uint8_t* tag =
      file.data() + sizeof(FileHeader) + header.section_count * sizeof(SectionEntry);
  parsed.source_tag.assign(reinterpret_cast<const char*>(tag), header.tag_bytes);
  return parsed;
}

}  // namespace

Result<SnapshotInfo> ReadSnapshotInfo(const std::string& path) {
  TANTALIO_ASSIGN_OR_RETURN(std::shared_ptr<const MappedFile> file, MappedFile::Open(path));
  TANTALIO_ASSIGN_OR_RETURN(ParsedHeader parsed,
                            ParseHeader(*file, "read Hamming index snapshot " + path + ": "));
  SnapshotInfo info;
  info.algorithm = parsed.name;
  info.format_version = parsed.header.format_version;
  info.layout_version = parsed.header.layout_version;
  info.code_bits = static_cast<int>(parsed.header.code_bits);
  info.count = parsed.header.count;
  info.mih_tables = static_cast<int>(parsed.header.mih_tables);
  info.mih_rows = parsed.header.mih_built_rows;
  info.source_tag = std::move(parsed.source_tag);
  return info;
}

Result<std::unique_ptr<HammingIndex>> LoadHammingIndex(const std::string& path,
                                                       const LoadOptions& options) {
  const std::string what = "load Hamming index snapshot " + path + ": ";
  TANTALIO_ASSIGN_OR_RETURN(std::shared_ptr<const MappedFile> file, MappedFile::Open(path));
  TANTALIO_ASSIGN_OR_RETURN(ParsedHeader parsed, ParseHeader(*file, what));
  const FileHeader& header = parsed.header;
  HammingIndexOptions index_options;
  index_options.algorithm = parsed.algorithm;
  if (options.expected_code_bits != 0 &&
      static_cast<uint32_t>(options.expected_code_bits) != header.code_bits) {
    return InvalidArgumentError(what + "holds " + std::to_string(header.code_bits) +
                                "-bit codes, expected " +
                                std::to_string(options.expected_code_bits) + "-bit codes");
  }
  if (header.count > UINT32_MAX || header.mih_built_rows > header.count) {
    return CorruptError(what + "row counts out of range");
  }
  index_options.code_bits = static_cast<int>(header.code_bits);
  index_options.num_threads = options.num_threads;
  auto index = std::make_unique<HammingIndexImpl>(index_options);
  const int m = static_cast<int>(header.mih_tables);
  if (m < 0 || m > static_cast<int>(header.code_bits) / 4 ||
      (m > 0 && (static_cast<int>(header.code_bits) + m - 1) / m > kMihMaxSubstringBits) ||
      (m == 0) != (header.mih_built_rows == 0)) {
    return CorruptError(what + "MIH parameters out of range (" + std::to_string(m) + " tables)");
  }
  if (header.section_count != 3 + 2 * static_cast<uint32_t>(m)) {
    return CorruptError(what + "section count " + std::to_string(header.section_count));
  }
  std::vector<int> starts;
  std::vector<int> bits;
  MihSubstringLayout(static_cast<int>(header.code_bits), m, &starts, &bits);
  const size_t blocks = (header.count + kBlockCodes - 1) / kBlockCodes;
  index->size_ = header.count;
  index->mih_built_rows_ = header.mih_built_rows;
  index->tables_.resize(static_cast<size_t>(m));
  for (uint32_t i = 0; i < header.section_count; ++i) {
    SectionEntry e;
    std::memcpy(&e, file->data() + sizeof(FileHeader) + i * sizeof(SectionEntry), sizeof(e));
    const uint32_t table = i < 3 ? 0 : (i - 3) / 2;
    const uint32_t want_kind = i < 3 ? i + 1 : ((i - 3) % 2 == 0 ? kMihOffsets : kMihRows);
    uint64_t want_bytes = 0;
    switch (want_kind) {
      case kStreamA:
        want_bytes = blocks * index->first_words() * kBlockCodes * 8;
        break;
      case kStreamB:
        want_bytes = blocks * index->second_words() * kBlockCodes * 8;
        break;
      case kIds:
        want_bytes = header.count * 8;
        break;
      case kMihOffsets:
        want_bytes = ((uint64_t{1} << bits[table]) + 1) * 4;
        break;
      case kMihRows:
        want_bytes = header.mih_built_rows * 4;
        break;
      default:
        break;
    }
    if (e.kind != want_kind || e.table != table || e.bytes != want_bytes ||
        e.offset % kAlign != 0 || e.offset < header.header_bytes || e.offset > file->size() ||
        e.bytes > file->size() - e.offset) {
      return CorruptError(what + "section " + std::to_string(i) + " (kind " +
                          std::to_string(e.kind) + ", " + std::to_string(e.bytes) +
                          " bytes) disagrees with the header or the file size (" +
                          std::to_string(file->size()) + " bytes)");
    }
    const uint8_t* data = file->data() + e.offset;
    if (options.verify_checksums && SnapshotChecksum(data, e.bytes) != e.checksum) {
      return CorruptError(what + "checksum mismatch in section " + std::to_string(i) + " (kind " +
                          std::to_string(e.kind) + ")");
    }
    switch (want_kind) {
      case kStreamA:
        index->a_.SetView(reinterpret_cast<const uint64_t*>(data), e.bytes / 8, file);
        break;
      case kStreamB:
        index->b_.SetView(reinterpret_cast<const uint64_t*>(data), e.bytes / 8, file);
        break;
      case kIds:
        index->ids_.SetView(reinterpret_cast<const uint64_t*>(data), e.bytes / 8, file);
        break;
      case kMihOffsets: {
        MihTable& t = index->tables_[table];
        t.start = starts[table];
        t.bits = bits[table];
        const auto* off = reinterpret_cast<const uint32_t*>(data);
        const size_t n = e.bytes / 4;
        // CSR sanity: monotone, ending at the rows covered (a bad offset
        // would otherwise read out of bounds).
        if (options.verify_checksums) {
          for (size_t k = 1; k < n; ++k) {
            if (off[k] < off[k - 1]) return CorruptError(what + "MIH offsets not monotone");
          }
        }
        if (off[0] != 0 || off[n - 1] != header.mih_built_rows) {
          return CorruptError(what + "MIH offsets of table " + std::to_string(table) +
                              " do not cover the indexed rows");
        }
        t.offsets.SetView(off, n, file);
        break;
      }
      case kMihRows:
        index->tables_[table].rows.SetView(reinterpret_cast<const uint32_t*>(data), e.bytes / 4,
                                           file);
        break;
      default:
        break;
    }
  }
  return std::unique_ptr<HammingIndex>(std::move(index));
}

}  // namespace tantalio::index
