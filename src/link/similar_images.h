// Visually similar images in a case: distinct contents whose perceptual
// hashes lie within a Hamming distance of each other. These are the re-saved,
// resized and re-compressed copies that crypto hashes cannot tie together.
#ifndef TANTALIO_LINK_SIMILAR_IMAGES_H_
#define TANTALIO_LINK_SIMILAR_IMAGES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "store/store.h"

namespace tantalio {

struct SimilarImageOptions {
  std::string algorithm = "pdq";
  int max_distance = 31;  // inclusive, the PDQ match rule
  int min_quality = 50;   // both hashes must be at least this good
};

struct SimilarContent {
  std::string sha256;
  int quality = 0;
  std::vector<std::pair<std::string, std::string>> places;  // (device, forensic path), up to 3
};

struct SimilarPair {
  SimilarContent a, b;  // a.sha256 < b.sha256
  int distance = 0;
};

// Every pair of distinct contents of the case within `max_distance`, closest
// first. Uses the exact Hamming index, so no pair within the radius is missed.
Result<std::vector<SimilarPair>> FindSimilarImages(Store& store, int64_t case_id,
                                                   const SimilarImageOptions& options = {});

}  // namespace tantalio

#endif  // TANTALIO_LINK_SIMILAR_IMAGES_H_
