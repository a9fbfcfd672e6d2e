// HammingIndex: exact range search over binary perceptual hashes.
//
// Codes are 64 or 256 bits, passed as packed bytes (code_bits / 8 bytes per
// code; any fixed packing works, e.g. the bytes a PDQ hex string decodes to,
// as long as stored codes and queries use the same one). Each code carries a caller-chosen 64-bit
// id; ids need not be unique or dense. A range search returns, for every query, EVERY stored entry
// whose Hamming distance is <= max_distance (inclusive: PDQ's "match at 31" is max_distance = 31;
// FAISS's strict radius would be 32). Results are exact: every implementation must return the same
// set as a brute-force scan.
//
// Typical use (the 8 dihedral PDQ hashes of each image as one batch):
//   HammingIndexOptions options;                 // 256 bits, kAuto
//   TANTALIO_ASSIGN_OR_RETURN(auto index, NewHammingIndex(options));
//   TANTALIO_RETURN_IF_ERROR(index->Add(codes, ids));   // n * 32 bytes, n ids
//   TANTALIO_ASSIGN_OR_RETURN(auto results, index->Search(queries, 31));
//   RangeSearchResults per_image = MergeQueryGroups(results, 8);
//   TANTALIO_RETURN_IF_ERROR(index->Save("hashes.tidx"));
//   ... later: LoadHammingIndex("hashes.tidx", {.expected_code_bits = 256});
//
// Shaped after faiss IndexBinary (one abstract index, batched calls),
// IDSelector (a filter consulted per candidate id) and RangeSearchResult
// (offsets + flat match array), with the radius made inclusive.
#ifndef TANTALIO_INDEX_HAMMING_INDEX_H_
#define TANTALIO_INDEX_HAMMING_INDEX_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace tantalio::index {

// Filter over ids, consulted for each entry within range before it is
// reported (faiss IDSelector). Implementations must be thread-safe for
// concurrent IsMember calls: a search calls it from several threads.
class IdSelector {
 public:
  virtual ~IdSelector() = default;
  virtual bool IsMember(uint64_t id) const = 0;
};

// Accepts ids whose bit is set in `bitmap` (bit id % 8 of byte id / 8); ids
// beyond the bitmap are rejected. Does not own the bitmap, which must outlive
// the selector.
class IdBitmapSelector final : public IdSelector {
 public:
  explicit IdBitmapSelector(std::span<const uint8_t> bitmap) : bitmap_(bitmap) {}
  bool IsMember(uint64_t id) const override;

 private:
  std::span<const uint8_t> bitmap_;
};

// Accepts ids for which `predicate` returns true. The predicate must be
// thread-safe.
class IdPredicateSelector final : public IdSelector {
 public:
  explicit IdPredicateSelector(std::function<bool(uint64_t)> predicate)
      : predicate_(std::move(predicate)) {}
  bool IsMember(uint64_t id) const override { return predicate_(id); }

 private:
  std::function<bool(uint64_t)> predicate_;
};

struct HammingMatch {
  uint64_t id = 0;
  uint32_t distance = 0;
  friend bool operator==(const HammingMatch&, const HammingMatch&) = default;
};

// Results of a batched range search over nq queries: the matches of query q
// are matches[offsets[q] .. offsets[q + 1]), sorted by (id, distance).
// offsets has nq + 1 entries.
struct RangeSearchResults {
  std::vector<size_t> offsets;
  std::vector<HammingMatch> matches;

  size_t num_queries() const { return offsets.empty() ? 0 : offsets.size() - 1; }
  std::span<const HammingMatch> ForQuery(size_t q) const {
    return {matches.data() + offsets[q], offsets[q + 1] - offsets[q]};
  }
};

// Folds consecutive groups of `group_size` queries (e.g. the 8 dihedral
// variants of one image) into one result per group: each id once, with the
// smallest distance any query of the group had. Requires
// num_queries() % group_size == 0 and group_size >= 1.
RangeSearchResults MergeQueryGroups(const RangeSearchResults& results, size_t group_size);

enum class HammingAlgorithm {
  kAuto,  // flat scan, plus MIH tables once the index is large enough; each
          // search picks the cheaper of the two by a measured cost model
  kFlat,  // SIMD scan only: no build step, any radius
  kMih,   // multi-index hashing tables always (for tests and benchmarks)
};

std::string_view HammingAlgorithmName(HammingAlgorithm algorithm);

struct HammingIndexOptions {
  int code_bits = 256;  // 64 or 256
  HammingAlgorithm algorithm = HammingAlgorithm::kAuto;
  // kMih only: number of tables; 0 picks m ~= code_bits / log2(n).
  int mih_tables = 0;
  // Threads for Add (table builds) and searches; 0 = hardware concurrency.
  int num_threads = 0;
};

struct SearchOptions {
  const IdSelector* filter = nullptr;  // not owned; null accepts every id
  int num_threads = 0;                 // 0: the index's num_threads
};

// Counters for the last search (for benchmarks and tuning).
struct SearchStats {
  bool used_mih = false;
  uint64_t probes = 0;      // MIH buckets visited
  uint64_t candidates = 0;  // MIH distinct rows verified
  uint64_t scanned = 0;     // rows compared by the flat scan
};

inline constexpr size_t kMaxSourceTagBytes = 4096;

struct SaveOptions {
  // Opaque caller text stored in the header, e.g. the store generation and
  // hash-set versions the index was built from, so that a later run can tell
  // from ReadSnapshotInfo whether the snapshot is current or must be rebuilt.
  std::string source_tag;
};

class HammingIndex {
 public:
  virtual ~HammingIndex() = default;

  virtual int code_bits() const = 0;
  int code_bytes() const { return code_bits() / 8; }
  // Number of stored entries (duplicates included).
  virtual size_t size() const = 0;
  // "flat", "mih" or "auto": the algorithm the index was created with.
  virtual std::string_view algorithm() const = 0;
  // Bytes of memory held (owned or mapped).
  virtual size_t MemoryBytes() const = 0;

  // Appends codes.size() / code_bytes() entries. Requires codes.size() ==
  // ids.size() * code_bytes(). Amortised O(batch): MIH tables are rebuilt
  // only when the unindexed tail grows past a fraction of the index. Not
  // thread-safe: no concurrent Add or Search. A mapped (loaded) index copies
  // its data into memory on the first Add. Fails with kInvalidArgument on a
  // size mismatch and kResourceExhausted beyond 2^32 - 1 entries.
  virtual Status Add(std::span<const uint8_t> codes, std::span<const uint64_t> ids) = 0;

  // Range search for queries.size() / code_bytes() queries (a batch: the 8
  // orientations of an image, or many images, share one pass over memory).
  // Returns every entry with distance <= max_distance that the filter
  // accepts. Requires queries.size() % code_bytes() == 0 and
  // max_distance >= 0. Thread-safe against other Search calls. `stats`,
  // when not null, receives the counters of this search.
  Result<RangeSearchResults> Search(std::span<const uint8_t> queries, int max_distance,
                                    const SearchOptions& options = {},
                                    SearchStats* stats = nullptr) const {
    return DoSearch(queries, max_distance, options, stats);
  }

  // Writes a versioned snapshot (format in snapshot.cc) to `path` atomically
  // (temporary file + rename). Thread-safe against Search. Fails with
  // kInvalidArgument for a source tag over kMaxSourceTagBytes.
  Status Save(const std::string& path, const SaveOptions& options = {}) const {
    return DoSave(path, options);
  }

 private:
  // Implementations of Search and Save (non-virtual front ends keep the
  // default arguments off the virtual functions).
  virtual Result<RangeSearchResults> DoSearch(std::span<const uint8_t> queries, int max_distance,
                                              const SearchOptions& options,
                                              SearchStats* stats) const = 0;
  virtual Status DoSave(const std::string& path, const SaveOptions& options) const = 0;
};

// Creates an empty index. Fails with kInvalidArgument for code_bits other
// than 64 or 256.
Result<std::unique_ptr<HammingIndex>> NewHammingIndex(const HammingIndexOptions& options);

struct LoadOptions {
  int expected_code_bits = 0;    // nonzero: refuse a snapshot of another size
  bool verify_checksums = true;  // reads every page once; off = lazy mmap
  int num_threads = 0;
};

// Maps a snapshot written by Save. Refuses (kCorrupt / kUnsupported /
// kInvalidArgument, with the path and the reason in the message) a file with
// a bad magic, another format or algorithm version, another code size, sizes
// that disagree with the header, or a checksum mismatch.
Result<std::unique_ptr<HammingIndex>> LoadHammingIndex(const std::string& path,
                                                       const LoadOptions& options = {});

// What a snapshot's header says, read without loading the arrays.
struct SnapshotInfo {
  std::string algorithm;  // "flat", "mih" or "auto"
  uint32_t format_version = 0;
  uint32_t layout_version = 0;
  int code_bits = 0;
  uint64_t count = 0;
  int mih_tables = 0;
  uint64_t mih_rows = 0;  // rows covered by the MIH tables
  std::string source_tag;
};

// Reads and checks (magic, versions, header checksum) the header of a
// snapshot. Same refusals as LoadHammingIndex for the header.
Result<SnapshotInfo> ReadSnapshotInfo(const std::string& path);

}  // namespace tantalio::index

#endif  // TANTALIO_INDEX_HAMMING_INDEX_H_
