// Matches contents against the known-material hash sets in the store:
// exactly on MD5, SHA-1 and SHA-256, and perceptually on PDQ with all 8
// orientations of the image against every set hash within max_distance
// (inclusive), where both hashes have quality >= min_quality. Set entries
// without a stated quality are trusted (lists often publish only hashes).
//
// Loaded once per scan or `tantalio match` run, then read-only: Match* are
// thread-safe, so every scan worker matches its own contents.
//
//   auto matcher = HashSetMatcher::Load(store, {});
//   (*matcher)->MatchDigests(content, records.matches);
//   (*matcher)->MatchPdq(sha256, dihedral, records.matches);
#ifndef TANTALIO_PIPELINE_HASH_SET_MATCHER_H_
#define TANTALIO_PIPELINE_HASH_SET_MATCHER_H_

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "fingerprint/pdq.h"
#include "index/exact_hash_filter.h"
#include "index/hamming_index.h"
#include "pipeline/known_media_matcher.h"
#include "store/store.h"

namespace tantalio {

struct MatcherOptions {
  int max_distance = kPdqMatchMaxDistance;  // PDQ, inclusive
  int min_quality = kPdqMinGoodQuality;     // PDQ, both sides
  std::vector<int64_t> set_ids;             // empty: every set in the store
  // Where the snapshots of every set's PDQ index and digest filters live:
  // "<prefix>.pdq" and "<prefix>.digests" (e.g. prefix "case.db.hashsets");
  // empty: none. Load() uses them when they were built from the store's
  // current sets, else builds from the store and, when matching every set,
  // writes them for the next run.
  std::string snapshot_prefix;
};

// How the PDQ index of a Load() came to be.
enum class PdqIndexSource { kNone, kBuilt, kSnapshot, kRebuiltSnapshot };

class HashSetMatcher {
 public:
  // Reads the matchable hashes of the chosen sets. Memory: 8 bytes per
  // digest, about 40 bytes per PDQ hash.
  static Result<std::unique_ptr<HashSetMatcher>> Load(Store& store, const MatcherOptions& options);

  // Builds the PDQ index and digest filters of every set and writes their
  // snapshots under `prefix` (atomically). Returns the loaded matcher.
  static Result<std::unique_ptr<HashSetMatcher>> BuildSnapshots(
      Store& store, const std::string& prefix, int min_quality = kPdqMinGoodQuality);
  static std::string PdqSnapshotPath(const std::string& prefix) { return prefix + ".pdq"; }
  static std::string DigestSnapshotPath(const std::string& prefix) { return prefix + ".digests"; }

  // Appends an exact-match record per digest of `content` that a set may
  // hold; the store ties it to the entries on the full digest.
  void MatchDigests(const ContentRecord& content, std::vector<MatchRecord>& out) const;

  // Appends one record per set entry within max_distance of any of the
  // image's 8 orientations (the closest orientation wins). Nothing when the
  // image's quality is below min_quality.
  Status MatchPdq(const std::string& sha256, const PdqDihedralResult& image,
                  std::vector<MatchRecord>& out) const;
  // The same from stored hex values (original + the 7 other orientations),
  // for re-matching a scanned case. Malformed stored values are kCorrupt.
  Status MatchStoredPdq(const ContentForMatching& content, std::vector<MatchRecord>& out) const;

  // Appends the matches of a scanned video (its vPDQ frames) and of a
  // scanned audio fingerprint with the sets' known videos and recordings
  // (see known_media_matcher.h).
  Status MatchVideo(const std::string& sha256, std::span<const VpdqFrame> frames,
                    std::vector<MatchRecord>& out) const {
    return media_->MatchVideo(sha256, frames, out);
  }
  void MatchAudio(const std::string& sha256, const AudioFingerprint& audio,
                  std::vector<MatchRecord>& out) const {
    media_->MatchAudio(sha256, audio, out);
  }
  size_t known_videos() const { return media_->known_videos(); }
  size_t known_recordings() const { return media_->known_recordings(); }

  const std::vector<int64_t>& set_ids() const { return set_ids_; }
  const MatcherOptions& options() const { return options_; }
  size_t exact_hashes() const { return md5_.size() + sha1_.size() + sha256_.size(); }
  size_t pdq_hashes() const { return pdq_ ? pdq_->size() : 0; }
  PdqIndexSource pdq_index_source() const { return pdq_source_; }
  bool digests_from_snapshot() const { return digests_from_snapshot_; }

 private:
  explicit HashSetMatcher(MatcherOptions options) : options_(std::move(options)) {}
  Status SearchOrientations(const std::string& sha256,
                            const std::array<PdqHash, kPdqVariantCount>& codes,
                            std::vector<MatchRecord>& out) const;

  MatcherOptions options_;
  std::vector<int64_t> set_ids_;
  index::ExactHashFilter md5_, sha1_, sha256_;
  // What identifies the sets a snapshot was built from.
  static Result<std::string> SnapshotTag(Store& store, int min_quality);

  std::unique_ptr<index::HammingIndex> pdq_;  // null when no set has PDQ hashes
  PdqIndexSource pdq_source_ = PdqIndexSource::kNone;
  bool digests_from_snapshot_ = false;
  // With a snapshot of every set but a match against some: the chosen
  // sets' entry ids (bitmap by id), consulted for each PDQ hit.
  std::vector<uint8_t> chosen_entries_;
  std::unique_ptr<index::IdBitmapSelector> chosen_filter_;
  std::unique_ptr<KnownMediaMatcher> media_;  // never null after Load()
};

}  // namespace tantalio

#endif  // TANTALIO_PIPELINE_HASH_SET_MATCHER_H_
