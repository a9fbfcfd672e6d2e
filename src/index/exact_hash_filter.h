// A compact in-memory pre-filter for exact digest lookups: the first 64 bits
// of every known MD5, SHA-1 or SHA-256, sorted, with a directory on the top
// bits so that a lookup touches about two cache lines. A scan asks it about
// every file; only the rare "maybe" goes on to the store, which confirms on
// the full digest. 10 million digests take 80 MB (plus a directory of at most
// 8 MB).
//
// No false negatives: a digest that was added always answers true. A false
// positive needs two digests agreeing on 64 bits.
//
// Filters are saved together in one snapshot file with a caller's tag (what
// they were built from) and a 64-bit checksum over the contents, so a later run can
// load them instead of rebuilding, and a damaged file is refused.
#ifndef TANTALIO_INDEX_EXACT_HASH_FILTER_H_
#define TANTALIO_INDEX_EXACT_HASH_FILTER_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace tantalio::index {

class ExactHashFilter {
 public:
  // Adds a digest given as hex (at least 16 digits, either case). Returns
  // false, adding nothing, for shorter or non-hex text. Not thread-safe.
  bool Add(std::string_view hex);
  // Sorts, deduplicates and builds the directory; call after the last Add
  // and before MayContain.
  void Seal();
  // True when a digest with the same first 64 bits was added. Thread-safe
  // after Seal().
  bool MayContain(std::string_view hex) const;

  size_t size() const { return prefixes_.size(); }
  size_t MemoryBytes() const {
    return prefixes_.capacity() * sizeof(uint64_t) + directory_.capacity() * sizeof(uint32_t);
  }

  // The first 64 bits of a hex digest, or nullopt.
  static std::optional<uint64_t> Prefix(std::string_view hex);

 private:
  friend Status SaveExactHashFilters(const std::string&, std::string_view,
                                     std::span<const ExactHashFilter* const>);
  friend Result<std::vector<ExactHashFilter>> LoadExactHashFilters(const std::string&,
                                                                   std::string_view, size_t);
  bool Contains(uint64_t prefix) const;
  void BuildDirectory();  // over sorted, unique prefixes; marks the filter sealed

  std::vector<uint64_t> prefixes_;
  // directory_[b] is the first prefix whose top `directory_bits_` bits are
  // >= b; it has 2^directory_bits_ + 1 entries once sealed.
  std::vector<uint32_t> directory_;
  int directory_bits_ = 0;
  bool sealed_ = false;
};

// Writes sealed filters and `tag` to `path` atomically (temporary file,
// fsync, rename).
Status SaveExactHashFilters(const std::string& path, std::string_view tag,
                            std::span<const ExactHashFilter* const> filters);

// Reads `count` filters saved with exactly `expected_tag`. kNotFound when
// there is no file, kInvalidArgument when it was saved with another tag
// (stale), kCorrupt when its size or checksum is wrong.
Result<std::vector<ExactHashFilter>> LoadExactHashFilters(const std::string& path,
                                                          std::string_view expected_tag,
                                                          size_t count);

}  // namespace tantalio::index

#endif  // TANTALIO_INDEX_EXACT_HASH_FILTER_H_
