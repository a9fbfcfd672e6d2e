#include "link/similar_images.h"

#include <algorithm>

#include "base/hex.h"
#include "index/hamming_index.h"

namespace tantalio {
namespace {

constexpr size_t kCodeBytes = 32;
constexpr size_t kPlacesKept = 3;

}  // namespace

Result<std::vector<SimilarPair>> FindSimilarImages(Store& store, int64_t case_id,
                                                   const SimilarImageOptions& options) {
  // Distinct contents good enough to compare, with a few places each.
  // Contents only known-good sets match stay out of every review list.
  TANTALIO_ASSIGN_OR_RETURN(auto known_good, store.KnownGoodContents(case_id));
  std::vector<SimilarContent> contents;
  std::vector<uint8_t> codes;
  Status bad_value;
  TANTALIO_RETURN_IF_ERROR(
      store.ForEachPerceptualHash(case_id, options.algorithm, [&](const PerceptualRow& row) {
        if (row.quality < options.min_quality || known_good.contains(row.sha256)) return true;
        if (contents.empty() || contents.back().sha256 != row.sha256) {
          auto bytes = FromHex(row.value);
          if (!bytes || bytes->size() != kCodeBytes) {
            bad_value = CorruptError("stored " + options.algorithm + " value of " + row.sha256 +
                                     " is not 64 hex digits");
            return false;
          }
          codes.insert(codes.end(), bytes->begin(), bytes->end());
          contents.push_back(SimilarContent{row.sha256, row.quality, {}});
        }
        if (contents.back().places.size() < kPlacesKept) {
          contents.back().places.emplace_back(row.device, row.forensic_path);
        }
        return true;
      }));
  TANTALIO_RETURN_IF_ERROR(bad_value);
  std::vector<SimilarPair> pairs;
  if (contents.size() < 2) return pairs;

  TANTALIO_ASSIGN_OR_RETURN(auto index, index::NewHammingIndex(index::HammingIndexOptions{}));
  std::vector<uint64_t> ids(contents.size());
  for (size_t i = 0; i < ids.size(); ++i) ids[i] = i;
  TANTALIO_RETURN_IF_ERROR(index->Add(codes, ids));
  TANTALIO_ASSIGN_OR_RETURN(auto results, index->Search(codes, options.max_distance));
  for (size_t q = 0; q < results.num_queries(); ++q) {
    for (const index::HammingMatch& m : results.ForQuery(q)) {
      if (m.id <= q) continue;  // each pair once, and never an image with itself
      pairs.push_back(SimilarPair{contents[q], contents[m.id], static_cast<int>(m.distance)});
    }
  }
  std::stable_sort(pairs.begin(), pairs.end(), [](const SimilarPair& x, const SimilarPair& y) {
    return x.distance < y.distance;
  });
  return pairs;
}

}  // namespace tantalio
