// Internal: the one HammingIndex implementation (flat split-halves store plus
// optional multi-index hashing tables) and the pieces snapshot.cc shares.
#ifndef TANTALIO_INDEX_HAMMING_INDEX_IMPL_H_
#define TANTALIO_INDEX_HAMMING_INDEX_IMPL_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "index/hamming_index.h"
#include "index/hamming_kernels.h"

namespace tantalio::index {

// A read-only mapping of a whole file; unmapped on destruction.
class MappedFile {
 public:
  static Result<std::shared_ptr<const MappedFile>> Open(const std::string& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }

 private:
  MappedFile(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  const uint8_t* data_;
  size_t size_;
};

// An array that is either owned or a view into a mapped snapshot. Mutable()
// turns a view into an owned copy first (copy-on-write on the first Add).
template <typename T>
class ArrayBuffer {
 public:
  const T* data() const { return owned_mode_ ? owned_.data() : view_; }
  size_t size() const { return owned_mode_ ? owned_.size() : view_size_; }
  bool mapped() const { return !owned_mode_; }

  std::vector<T>& Mutable() {
    if (!owned_mode_) {
      owned_.assign(view_, view_ + view_size_);
      owned_mode_ = true;
      view_ = nullptr;
      view_size_ = 0;
      keep_.reset();
    }
    return owned_;
  }
  void SetView(const T* data, size_t size, std::shared_ptr<const MappedFile> keep) {
    owned_.clear();
    owned_.shrink_to_fit();
    owned_mode_ = false;
    view_ = data;
    view_size_ = size;
    keep_ = std::move(keep);
  }

 private:
  bool owned_mode_ = true;
  std::vector<T> owned_;
  const T* view_ = nullptr;
  size_t view_size_ = 0;
  std::shared_ptr<const MappedFile> keep_;
};

// Multi-index hashing tables over rows [0, built_rows) of the store: table t
// indexes bits [start_t, start_t + bits_t) as a CSR array: the rows whose
// substring is k are rows[offsets[k] .. offsets[k + 1]), ascending.
struct MihTable {
  int start = 0;
  int bits = 0;
  ArrayBuffer<uint32_t> offsets;  // 2^bits + 1 entries
  ArrayBuffer<uint32_t> rows;     // built_rows entries
};

inline constexpr int kMihMaxSubstringBits = 26;

// m ~= code_bits / log2(n), clamped so substrings have 4..26 bits.
int ChooseMihTables(int code_bits, size_t n);
// Substring layout for m tables: the first code_bits % m get one bit more.
void MihSubstringLayout(int code_bits, int m, std::vector<int>* starts, std::vector<int>* bits);

class HammingIndexImpl final : public HammingIndex {
 public:
  explicit HammingIndexImpl(const HammingIndexOptions& options);

  int code_bits() const override { return options_.code_bits; }
  size_t size() const override { return size_; }
  std::string_view algorithm() const override { return HammingAlgorithmName(options_.algorithm); }
  size_t MemoryBytes() const override;
  Status Add(std::span<const uint8_t> codes, std::span<const uint64_t> ids) override;

  // For snapshot loading: installs mapped arrays. Checks sizes only.
  friend Result<std::unique_ptr<HammingIndex>> LoadHammingIndex(const std::string& path,
                                                                const LoadOptions& options);

  int words() const { return options_.code_bits / 64; }
  int first_words() const { return words() < 2 ? words() : 2; }
  int second_words() const { return words() - first_words(); }
  size_t mih_built_rows() const { return mih_built_rows_; }
  int mih_tables() const { return static_cast<int>(tables_.size()); }

 private:
  Result<RangeSearchResults> DoSearch(std::span<const uint8_t> queries, int max_distance,
                                      const SearchOptions& options,
                                      SearchStats* stats) const override;
  Status DoSave(const std::string& path, const SaveOptions& options) const override;
  // Rebuilds every MIH table over all current rows.
  void BuildTables(int m);
  bool WantMih(int max_distance, size_t num_queries) const;
  // Candidate rows for one query from the tables (deduplicated via `seen`).
  void ProbeTables(const uint64_t* query, int max_distance, std::vector<uint64_t>* seen,
                   std::vector<uint32_t>* candidates, std::vector<uint32_t>* keys,
                   std::vector<uint32_t>* ranges, uint64_t* probes) const;
  int Threads(int requested) const;

  HammingIndexOptions options_;
  size_t size_ = 0;
  ArrayBuffer<uint64_t> a_;    // stream A (first 128 bits), blocks of 8
  ArrayBuffer<uint64_t> b_;    // stream B (rest), blocks of 8
  ArrayBuffer<uint64_t> ids_;  // one per row
  std::vector<MihTable> tables_;
  size_t mih_built_rows_ = 0;
};

// 64-bit checksum of a byte range (corruption detection, not security).
uint64_t SnapshotChecksum(const uint8_t* data, size_t size);

}  // namespace tantalio::index

#endif  // TANTALIO_INDEX_HAMMING_INDEX_IMPL_H_
