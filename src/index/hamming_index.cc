#include "index/hamming_index.h"

#include <sys/mman.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <utility>

#include "index/hamming_index_impl.h"
#include "index/thread_pool.h"

namespace tantalio::index {
namespace {

// Flat scan: rows per block chunk that all query groups reuse from L2.
constexpr size_t kChunkBlocks = 1024;
// Below this many rows a flat range is scanned by one task.
constexpr size_t kMinRowsPerTask = 32768;
// kAuto builds MIH tables from this size on (measured: at 2^17 random
// 256-bit codes MIH already beats the scan at max_distance 31, at 2^16 they
// are even), and rebuilds them when the unindexed tail exceeds
// max(kAutoMinTail, rows / kTailFraction). Whether a search then uses them is
// decided per search by the cost model below.
constexpr size_t kAutoMihMinRows = size_t{1} << 17;
constexpr size_t kAutoMinTail = size_t{1} << 16;
constexpr size_t kTailFraction = 16;
// With the 128-bit first stage, 256-bit scans early-abandon up to this radius
// (P(d128 <= 48) ~ 0.3% for unrelated codes); beyond it every word is
// compared in the vector pass.
constexpr int kEarlyAbandonMaxDistance = 48;

// Cost model for kAuto in CPU ns per query, fitted to bench/hamming runs
// (docs/benchmarks.md): a flat scan costs per stored code and kernel; MIH costs per
// probed bucket and per verified candidate (random DRAM accesses). The
// candidate count is the uniform-code estimate times a margin for clustered
// lists (measured 1.8x more candidates on clustered than on random codes).
constexpr double kMihNsPerProbe = 20.0;
constexpr double kMihNsPerCandidate = 45.0;
constexpr double kMihCandidateMargin = 1.5;
// Streaming cost per byte of the first stage (~10 GB/s per core in a VM).
constexpr double kFlatNsPerStageByte = 0.1;

double FlatNsPerCode(HammingKernel kernel) {
  switch (kernel) {
    case HammingKernel::kAvx512Vpopcnt:
      return 0.10;  // spec: 7.6-12.4 G comparisons/s per core, batched
    case HammingKernel::kAvx512Bw:
      return 0.55;  // measured 0.53-0.70
    case HammingKernel::kAvx2:
      return 0.75;  // measured 0.74
    case HammingKernel::kScalar:
      break;
  }
  return 2.1;  // measured 2.1 (POPCNT loop); portable popcount is slower still
}

inline uint32_t ExtractBits(const uint64_t* words, int start, int bits) {
  const int w = start >> 6;
  const int off = start & 63;
  uint64_t v = words[w] >> off;
  if (off + bits > 64) v |= words[w + 1] << (64 - off);
  return static_cast<uint32_t>(v & ((uint64_t{1} << bits) - 1));
}

// Appends the keys that differ from `key` in 1..`left` of the bit positions
// [from, bits) (each set once; no division, unlike Gosper's hack).
void AppendFlips(uint32_t key, int from, int bits, int left, std::vector<uint32_t>* out) {
  for (int i = from; i < bits; ++i) {
    const uint32_t k = key ^ (uint32_t{1} << i);
    out->push_back(k);
    if (left > 1) AppendFlips(k, i + 1, bits, left - 1, out);
  }
}

// Appends every `bits`-bit key within Hamming distance `radius` of `key`.
void EnumerateNeighbors(uint32_t key, int bits, int radius, std::vector<uint32_t>* out) {
  out->push_back(key);
  if (radius > 0) AppendFlips(key, 0, bits, radius, out);
}

// Reserves `n` elements and asks for transparent huge pages on them before
// they are first touched: MIH probes and candidate fetches are random
// accesses, and 2 MiB pages take most of their TLB misses away. Advisory: a
// kernel without THP simply ignores it.
template <typename T>
void ReserveHuge(std::vector<T>* v, size_t n) {
  if (v->capacity() >= n) return;
  v->reserve(n);
  constexpr uintptr_t kHuge = uintptr_t{1} << 21;
  char* const begin = reinterpret_cast<char*>(v->data());
  char* const end = begin + n * sizeof(T);
  const uintptr_t head = reinterpret_cast<uintptr_t>(begin) & (kHuge - 1);
  char* const lo = head == 0 ? begin : begin + (kHuge - head);
  char* const hi = end - (reinterpret_cast<uintptr_t>(end) & (kHuge - 1));
  if (hi > lo) ::madvise(lo, static_cast<size_t>(hi - lo), MADV_HUGEPAGE);
}

double Binomial(int n, int k) {
  double v = 1;
  for (int i = 1; i <= k; ++i) v = v * (n - k + i) / i;
  return v;
}

// Per-thread dedup bitmap, kept all-zero between uses.
std::vector<uint64_t>& SeenBitmap(size_t rows) {
  thread_local std::vector<uint64_t> seen;
  const size_t words = (rows + 63) / 64;
  if (seen.size() < words) seen.resize(words, 0);
  return seen;
}

// Builds one MIH table over rows [0, n): pack (key << 32 | row), LSD radix
// sort by key in two passes of <= 13 bits (sequential streams, histograms in
// L1; a counting sort that scatters straight into 2^24 buckets is bound by
// random DRAM accesses), then fill offsets and rows in one sequential walk.
// Stable, so each bucket's rows stay ascending. `items` and `scratch` hold n
// elements each and are reused between tables.
void BuildTable(const uint64_t* a, const uint64_t* b, int words, size_t n, int start, int bits,
                std::vector<uint64_t>* items, std::vector<uint64_t>* scratch, MihTable* table) {
  table->start = start;
  table->bits = bits;
  uint64_t w[4];
  for (size_t row = 0; row < n; ++row) {
    LoadRow(a, b, words, row, w);
    (*items)[row] = (uint64_t{ExtractBits(w, start, bits)} << 32) | row;
  }
  const int digit_bits = (bits + 1) / 2;
  const uint64_t digit_mask = (uint64_t{1} << digit_bits) - 1;
  std::vector<size_t> count(size_t{1} << digit_bits);
  for (int shift = 32; shift < 32 + bits; shift += digit_bits) {
    std::fill(count.begin(), count.end(), 0);
    for (uint64_t v : *items) ++count[(v >> shift) & digit_mask];
    size_t sum = 0;
    for (size_t& c : count) {
      const size_t x = c;
      c = sum;
      sum += x;
    }
    for (uint64_t v : *items) (*scratch)[count[(v >> shift) & digit_mask]++] = v;
    items->swap(*scratch);
  }
  const size_t keys = (size_t{1} << bits) + 1;
  std::vector<uint32_t>& off = table->offsets.Mutable();
  ReserveHuge(&off, keys);
  off.resize(keys);
  std::vector<uint32_t>& rows = table->rows.Mutable();
  ReserveHuge(&rows, n);
  rows.resize(n);
  size_t key = 0;
  for (size_t i = 0; i < n; ++i) {
    const size_t k = (*items)[i] >> 32;
    while (key <= k) off[key++] = static_cast<uint32_t>(i);
    rows[i] = static_cast<uint32_t>((*items)[i]);
  }
  while (key < keys) off[key++] = static_cast<uint32_t>(n);
}

}  // namespace

bool IdBitmapSelector::IsMember(uint64_t id) const {
  const uint64_t byte = id / 8;
  return byte < bitmap_.size() && ((bitmap_[byte] >> (id % 8)) & 1) != 0;
}

RangeSearchResults MergeQueryGroups(const RangeSearchResults& results, size_t group_size) {
  RangeSearchResults merged;
  if (group_size == 0) group_size = 1;
  const size_t groups = results.num_queries() / group_size;
  merged.offsets.reserve(groups + 1);
  merged.offsets.push_back(0);
  std::vector<HammingMatch> scratch;
  for (size_t g = 0; g < groups; ++g) {
    scratch.assign(results.matches.begin() + results.offsets[g * group_size],
                   results.matches.begin() + results.offsets[(g + 1) * group_size]);
    std::sort(scratch.begin(), scratch.end(), [](const HammingMatch& x, const HammingMatch& y) {
      return x.id != y.id ? x.id < y.id : x.distance < y.distance;
    });
    auto end =
        std::unique(scratch.begin(), scratch.end(),
                    [](const HammingMatch& x, const HammingMatch& y) { return x.id == y.id; });
    merged.matches.insert(merged.matches.end(), scratch.begin(), end);
    merged.offsets.push_back(merged.matches.size());
  }
  return merged;
}

std::string_view HammingAlgorithmName(HammingAlgorithm algorithm) {
  switch (algorithm) {
    case HammingAlgorithm::kAuto:
      return "auto";
    case HammingAlgorithm::kFlat:
      return "flat";
    case HammingAlgorithm::kMih:
      return "mih";
  }
  return "unknown";
}

int ChooseMihTables(int code_bits, size_t n) {
  const double lg = std::log2(std::max<double>(static_cast<double>(n), 2.0));
  int m = static_cast<int>(std::lround(code_bits / lg));
  const int min_m = (code_bits + kMihMaxSubstringBits - 1) / kMihMaxSubstringBits;
  const int max_m = code_bits / 4;
  return std::clamp(m, min_m, max_m);
}

void MihSubstringLayout(int code_bits, int m, std::vector<int>* starts, std::vector<int>* bits) {
  starts->clear();
  bits->clear();
  int start = 0;
  for (int t = 0; t < m; ++t) {
    const int len = code_bits / m + (t < code_bits % m ? 1 : 0);
    starts->push_back(start);
    bits->push_back(len);
    start += len;
  }
}

HammingIndexImpl::HammingIndexImpl(const HammingIndexOptions& options) : options_(options) {}

int HammingIndexImpl::Threads(int requested) const {
  if (requested > 0) return requested;
  if (options_.num_threads > 0) return options_.num_threads;
  return ThreadPool::Shared().threads();
}

size_t HammingIndexImpl::MemoryBytes() const {
  size_t bytes = (a_.size() + b_.size() + ids_.size()) * sizeof(uint64_t);
  for (const MihTable& t : tables_) bytes += (t.offsets.size() + t.rows.size()) * sizeof(uint32_t);
  return bytes;
}

Status HammingIndexImpl::Add(std::span<const uint8_t> codes, std::span<const uint64_t> ids) {
  const size_t cb = static_cast<size_t>(code_bytes());
  if (codes.size() != ids.size() * cb) {
    return InvalidArgumentError("HammingIndex::Add: " + std::to_string(codes.size()) +
                                " code bytes for " + std::to_string(ids.size()) + " ids of " +
                                std::to_string(cb) + " bytes each");
  }
  if (ids.empty()) return Status::Ok();
  if (size_ + ids.size() > std::numeric_limits<uint32_t>::max()) {
    return ResourceExhaustedError("HammingIndex::Add: more than 2^32 - 1 entries");
  }
  const int words = this->words();
  const int first = first_words();
  const int second = second_words();
  const size_t new_size = size_ + ids.size();
  const size_t blocks = (new_size + kBlockCodes - 1) / kBlockCodes;
  std::vector<uint64_t>& a = a_.Mutable();
  std::vector<uint64_t>& b = b_.Mutable();
  std::vector<uint64_t>& id_vec = ids_.Mutable();
  // Grow geometrically (reserve alone would reallocate on every batch).
  const size_t want_a = blocks * first * kBlockCodes;
  const size_t want_b = blocks * second * kBlockCodes;
  if (want_a > a.capacity()) ReserveHuge(&a, std::max(want_a, a.capacity() * 3 / 2));
  if (want_b > b.capacity()) ReserveHuge(&b, std::max(want_b, b.capacity() * 3 / 2));
  a.resize(want_a, 0);
  b.resize(want_b, 0);
  id_vec.insert(id_vec.end(), ids.begin(), ids.end());
  for (size_t i = 0; i < ids.size(); ++i) {
    uint64_t w[4];
    std::memcpy(w, codes.data() + i * cb, cb);  // little-endian: byte j = bits 8j..8j+7
    const size_t row = size_ + i;
    const size_t block = row / kBlockCodes;
    const size_t lane = row % kBlockCodes;
    for (int k = 0; k < first; ++k) a[(block * first + k) * kBlockCodes + lane] = w[k];
    for (int k = 0; k < second; ++k) b[(block * second + k) * kBlockCodes + lane] = w[first + k];
  }
  (void)words;
  size_ = new_size;

  const size_t tail = size_ - mih_built_rows_;
  switch (options_.algorithm) {
    case HammingAlgorithm::kFlat:
      break;
    case HammingAlgorithm::kMih:
      if (tables_.empty() || tail > mih_built_rows_ / kTailFraction) {
        BuildTables(options_.mih_tables > 0 ? options_.mih_tables
                                            : ChooseMihTables(code_bits(), size_));
      }
      break;
    case HammingAlgorithm::kAuto:
      if (size_ >= kAutoMihMinRows &&
          (tables_.empty() || tail > std::max(kAutoMinTail, mih_built_rows_ / kTailFraction))) {
        BuildTables(ChooseMihTables(code_bits(), size_));
      }
      break;
  }
  return Status::Ok();
}

void HammingIndexImpl::BuildTables(int m) {
  std::vector<int> starts;
  std::vector<int> bits;
  MihSubstringLayout(code_bits(), m, &starts, &bits);
  std::vector<MihTable> tables(static_cast<size_t>(m));
  const size_t n = size_;
  const int words = this->words();
  const uint64_t* a = a_.data();
  const uint64_t* b = b_.data();
  // One task per thread builds tables j, j + workers, ... reusing its two
  // n-element buffers (fresh buffers per table made the kernel zero ~1.6 GB
  // of pages per table at 100M rows).
  const size_t workers = std::min(tables.size(), static_cast<size_t>(Threads(0)));
  ThreadPool::Shared().ParallelFor(
      workers,
      [&](size_t j) {
        std::vector<uint64_t> items;
        std::vector<uint64_t> scratch;
        ReserveHuge(&items, n);
        ReserveHuge(&scratch, n);
        items.resize(n);
        scratch.resize(n);
        for (size_t t = j; t < tables.size(); t += workers) {
          BuildTable(a, b, words, n, starts[t], bits[t], &items, &scratch, &tables[t]);
        }
      },
      static_cast<int>(workers));
  tables_ = std::move(tables);
  mih_built_rows_ = n;
}

bool HammingIndexImpl::WantMih(int max_distance, size_t num_queries) const {
  const int m = static_cast<int>(tables_.size());
  const int rp = max_distance / m;
  const int extra = max_distance % m;
  double probes = 0;
  double candidates = 0;
  for (int t = 0; t < m; ++t) {
    const int bits = tables_[static_cast<size_t>(t)].bits;
    const int rt = std::min(t <= extra ? rp : rp - 1, bits);
    if (rt < 0) continue;
    double keys = 0;
    for (int j = 0; j <= rt; ++j) keys += Binomial(bits, j);
    probes += keys;
    candidates += keys * static_cast<double>(mih_built_rows_) / std::ldexp(1.0, bits);
  }
  const double mih_ns =
      probes * kMihNsPerProbe + candidates * kMihCandidateMargin * kMihNsPerCandidate;
  // A pass reads the first-stage stream once for all its queries (up to 8):
  // with few queries the scan is bound by memory bandwidth, not compute.
  const double pass_queries =
      static_cast<double>(std::min<size_t>(num_queries, kMaxQueriesPerPass));
  const double per_code = std::max(FlatNsPerCode(ActiveHammingKernel()),
                                   kFlatNsPerStageByte * first_words() * 8 / pass_queries);
  const double flat_ns = static_cast<double>(mih_built_rows_) * per_code;
  return mih_ns < flat_ns;
}

void HammingIndexImpl::ProbeTables(const uint64_t* query, int max_distance,
                                   std::vector<uint64_t>* seen, std::vector<uint32_t>* candidates,
                                   std::vector<uint32_t>* keys, std::vector<uint32_t>* ranges,
                                   uint64_t* probes) const {
  const int m = static_cast<int>(tables_.size());
  const int rp = max_distance / m;
  const int extra = max_distance % m;
  for (int t = 0; t < m; ++t) {
    const MihTable& table = tables_[static_cast<size_t>(t)];
    // Refined split r = m * r' + a: the first a + 1 tables at r', the rest at
    // r' - 1 (if all of those differ by more, the total is >= r + 1).
    const int rt = std::min(t <= extra ? rp : rp - 1, table.bits);
    if (rt < 0) continue;
    keys->clear();
    EnumerateNeighbors(ExtractBits(query, table.start, table.bits), table.bits, rt, keys);
    *probes += keys->size();
    const uint32_t* off = table.offsets.data();
    const uint32_t* rows = table.rows.data();
    ranges->clear();
    constexpr size_t kAhead = 48;
    const size_t nk = keys->size();
    for (size_t i = 0; i < std::min(kAhead, nk); ++i) __builtin_prefetch(off + (*keys)[i]);
    for (size_t i = 0; i < nk; ++i) {
      if (i + kAhead < nk) __builtin_prefetch(off + (*keys)[i + kAhead]);
      const uint32_t k = (*keys)[i];
      const uint32_t lo = off[k];
      const uint32_t hi = off[k + 1];
      if (lo != hi) {
        __builtin_prefetch(rows + lo);
        ranges->push_back(lo);
        ranges->push_back(hi);
      }
    }
    for (size_t i = 0; i < ranges->size(); i += 2) {
      for (uint32_t j = (*ranges)[i]; j < (*ranges)[i + 1]; ++j) {
        const uint32_t row = rows[j];
        uint64_t& word = (*seen)[row >> 6];
        const uint64_t bit = uint64_t{1} << (row & 63);
        if ((word & bit) == 0) {
          word |= bit;
          candidates->push_back(row);
        }
      }
    }
  }
}

Result<RangeSearchResults> HammingIndexImpl::DoSearch(std::span<const uint8_t> queries,
                                                      int max_distance,
                                                      const SearchOptions& options,
                                                      SearchStats* stats) const {
  const size_t cb = static_cast<size_t>(code_bytes());
  if (queries.size() % cb != 0) {
    return InvalidArgumentError("HammingIndex::Search: " + std::to_string(queries.size()) +
                                " query bytes is not a multiple of " + std::to_string(cb));
  }
  if (max_distance < 0) {
    return InvalidArgumentError("HammingIndex::Search: negative max_distance " +
                                std::to_string(max_distance));
  }
  const size_t nq = queries.size() / cb;
  const int words = this->words();
  RangeSearchResults results;
  results.offsets.assign(nq + 1, 0);
  SearchStats local_stats;
  if (nq == 0 || size_ == 0) {
    if (stats != nullptr) *stats = local_stats;
    return results;
  }
  const int r = std::min(max_distance, code_bits());
  std::vector<uint64_t> qwords(nq * static_cast<size_t>(words));
  std::memcpy(qwords.data(), queries.data(), queries.size());

  const int threads = Threads(options.num_threads);
  const HammingKernel kernel = ActiveHammingKernel();
  const bool use_mih =
      !tables_.empty() && (options_.algorithm == HammingAlgorithm::kMih ||
                           (options_.algorithm == HammingAlgorithm::kAuto && WantMih(r, nq)));
  const size_t flat_begin = use_mih ? mih_built_rows_ : 0;

  // Tasks: MIH over query ranges, then the flat scan over block ranges.
  const size_t mih_tasks = use_mih ? std::min<size_t>(static_cast<size_t>(threads), nq) : 0;
  const size_t flat_rows = size_ - flat_begin;
  size_t flat_tasks = 0;
  if (flat_rows > 0) {
    flat_tasks = std::clamp<size_t>(flat_rows / kMinRowsPerTask, 1, static_cast<size_t>(threads));
  }
  const size_t first_block = flat_begin / kBlockCodes;
  const size_t end_block = (size_ + kBlockCodes - 1) / kBlockCodes;
  const size_t total_blocks = end_block - first_block;
  std::vector<std::vector<ScanHit>> parts(mih_tasks + flat_tasks);
  std::vector<uint64_t> part_probes(parts.size(), 0);
  std::vector<uint64_t> part_candidates(parts.size(), 0);

  ThreadPool::Shared().ParallelFor(
      parts.size(),
      [&](size_t task) {
        std::vector<ScanHit>* hits = &parts[task];
        if (task < mih_tasks) {
          const size_t q0 = nq * task / mih_tasks;
          const size_t q1 = nq * (task + 1) / mih_tasks;
          std::vector<uint64_t>& seen = SeenBitmap(mih_built_rows_);
          std::vector<uint32_t> candidates;
          std::vector<uint32_t> keys;
          std::vector<uint32_t> ranges;
          for (size_t q = q0; q < q1; ++q) {
            const uint64_t* query = qwords.data() + q * static_cast<size_t>(words);
            candidates.clear();
            ProbeTables(query, r, &seen, &candidates, &keys, &ranges, &part_probes[task]);
            part_candidates[task] += candidates.size();
            VerifyRows(kernel, a_.data(), b_.data(), words, candidates.data(), candidates.size(),
                       query, static_cast<uint32_t>(q), r, hits);
            for (uint32_t row : candidates) seen[row >> 6] &= ~(uint64_t{1} << (row & 63));
          }
          return;
        }
        const size_t part = task - mih_tasks;
        const size_t blk0 = first_block + total_blocks * part / flat_tasks;
        const size_t blk1 = first_block + total_blocks * (part + 1) / flat_tasks;
        for (size_t c0 = blk0; c0 < blk1; c0 += kChunkBlocks) {
          const size_t c1 = std::min(c0 + kChunkBlocks, blk1);
          ScanArgs args;
          args.a = a_.data();
          args.b = b_.data();
          args.words = words;
          args.row_begin = std::max(flat_begin, c0 * kBlockCodes);
          args.row_end = std::min(size_, c1 * kBlockCodes);
          args.max_distance = r;
          args.early_abandon = words == 1 || r <= kEarlyAbandonMaxDistance;
          for (size_t q0 = 0; q0 < nq; q0 += kMaxQueriesPerPass) {
            args.queries = qwords.data() + q0 * static_cast<size_t>(words);
            args.num_queries = static_cast<int>(std::min<size_t>(kMaxQueriesPerPass, nq - q0));
            const size_t before = hits->size();
            ScanBlocks(kernel, args, hits);
            for (size_t i = before; i < hits->size(); ++i) {
              (*hits)[i].query += static_cast<uint32_t>(q0);
            }
          }
        }
      },
      threads);

  // Collect: filter, map rows to ids, group by query, sort by (id, distance).
  const uint64_t* ids = ids_.data();
  std::vector<size_t>& offsets = results.offsets;
  for (const auto& part : parts) {
    for (const ScanHit& h : part) {
      if (options.filter == nullptr || options.filter->IsMember(ids[h.row])) ++offsets[h.query + 1];
    }
  }
  for (size_t q = 0; q < nq; ++q) offsets[q + 1] += offsets[q];
  results.matches.resize(offsets[nq]);
  std::vector<size_t> cursor(offsets.begin(), offsets.end() - 1);
  for (const auto& part : parts) {
    for (const ScanHit& h : part) {
      const uint64_t id = ids[h.row];
      if (options.filter == nullptr || options.filter->IsMember(id)) {
        results.matches[cursor[h.query]++] = HammingMatch{id, h.distance};
      }
    }
  }
  for (size_t q = 0; q < nq; ++q) {
    std::sort(results.matches.begin() + static_cast<std::ptrdiff_t>(offsets[q]),
              results.matches.begin() + static_cast<std::ptrdiff_t>(offsets[q + 1]),
              [](const HammingMatch& x, const HammingMatch& y) {
                return x.id != y.id ? x.id < y.id : x.distance < y.distance;
              });
  }
  if (stats != nullptr) {
    local_stats.used_mih = use_mih;
    for (size_t i = 0; i < parts.size(); ++i) {
      local_stats.probes += part_probes[i];
      local_stats.candidates += part_candidates[i];
    }
    local_stats.scanned = flat_rows * nq;
    *stats = local_stats;
  }
  return results;
}

Result<std::unique_ptr<HammingIndex>> NewHammingIndex(const HammingIndexOptions& options) {
  if (options.code_bits != 64 && options.code_bits != 256) {
    return InvalidArgumentError("NewHammingIndex: code_bits must be 64 or 256, not " +
                                std::to_string(options.code_bits));
  }
  if (options.mih_tables < 0 || options.mih_tables > options.code_bits / 4 ||
      (options.mih_tables > 0 &&
       (options.code_bits + options.mih_tables - 1) / options.mih_tables > kMihMaxSubstringBits)) {
    return InvalidArgumentError("NewHammingIndex: mih_tables " +
                                std::to_string(options.mih_tables) + " out of range for " +
                                std::to_string(options.code_bits) + "-bit codes");
  }
  return std::unique_ptr<HammingIndex>(std::make_unique<HammingIndexImpl>(options));
}

}  // namespace tantalio::index
