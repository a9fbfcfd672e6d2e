// A compact in-memory pre-filter for exact digest lookups: the first 64 bits
// of every known MD5, SHA-1 or SHA-256, sorted. A scan asks it about every
// file; only the rare "maybe" goes on to the store, which confirms on the
// full digest. 10 million digests take 80 MB and a lookup is one binary
// search, so a scan with large hash sets loaded runs as fast as without.
//
// No false negatives: a digest that was added always answers true. A false
// positive needs two digests agreeing on 64 bits.
#ifndef TANTALIO_INDEX_EXACT_HASH_FILTER_H_
#define TANTALIO_INDEX_EXACT_HASH_FILTER_H_

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace tantalio::index {

class ExactHashFilter {
 public:
  // Adds a digest given as hex (at least 16 digits, either case). Returns
  // false, adding nothing, for shorter or non-hex text. Not thread-safe.
  bool Add(std::string_view hex);
  // Sorts and deduplicates; call after the last Add and before MayContain.
  void Seal();
  // True when a digest with the same first 64 bits was added. Thread-safe
  // after Seal().
  bool MayContain(std::string_view hex) const;

  size_t size() const { return prefixes_.size(); }
  size_t MemoryBytes() const { return prefixes_.capacity() * sizeof(uint64_t); }

  // The first 64 bits of a hex digest, or nullopt.
  static std::optional<uint64_t> Prefix(std::string_view hex);

 private:
  std::vector<uint64_t> prefixes_;
  bool sealed_ = false;
};

}  // namespace tantalio::index

#endif  // TANTALIO_INDEX_EXACT_HASH_FILTER_H_
