#include "pipeline/hash_set_matcher.h"

#include <cstring>
#include <map>

#include "fingerprint/crypto_digest.h"

namespace tantalio {
namespace {

// PDQ codes are packed as their four 64-bit limbs, for stored and queried
// codes alike (any fixed packing works for Hamming distance).
void PackPdq(const PdqHash& hash, uint8_t* out) {
  const auto limbs = hash.Limbs();
  std::memcpy(out, limbs.data(), 32);
}

}  // namespace

Result<std::string> HashSetMatcher::SnapshotTag(Store& store, int min_quality) {
  TANTALIO_ASSIGN_OR_RETURN(auto sets, store.ListHashSets());
  std::string tag = "tantalio hash-set PDQ index v1; pdq v" + std::to_string(kPdqVersion) +
                    "; min quality " + std::to_string(min_quality) + "; sets";
  for (const auto& set : sets) {
    tag += " " + std::to_string(set.id) + ":" + std::to_string(set.entries) + ":" + set.imported_at;
  }
  if (tag.size() > index::kMaxSourceTagBytes) {
    // Thousands of sets: a digest of the list identifies them as well.
    CryptoHasher hasher;
    hasher.Update(
        std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(tag.data()), tag.size()));
    tag = "tantalio hash-set PDQ index v1; sets sha256 " + hasher.Finish().Sha256Hex();
  }
  return tag;
}

Result<std::unique_ptr<HashSetMatcher>> HashSetMatcher::Load(Store& store,
                                                             const MatcherOptions& options) {
  std::unique_ptr<HashSetMatcher> matcher(new HashSetMatcher(options));
  TANTALIO_ASSIGN_OR_RETURN(auto sets, store.ListHashSets());
  const bool all_sets = options.set_ids.empty() || options.set_ids.size() == sets.size();
  if (options.set_ids.empty()) {
    for (const auto& set : sets) matcher->set_ids_.push_back(set.id);
  } else {
    matcher->set_ids_ = options.set_ids;
  }
  // Known videos and recordings are few next to the still hashes: always
  // read from the store (no snapshot).
  TANTALIO_ASSIGN_OR_RETURN(matcher->media_, KnownMediaMatcher::Load(store, matcher->set_ids_));
  if (matcher->set_ids_.empty()) return matcher;

  // Current snapshots replace reading every entry from the store. The digest
  // filters of every set serve any subset too: an exact hit is a fact
  // whichever set holds the digest, and the store ties it to every entry.
  const std::string& prefix = options.snapshot_prefix;
  std::string tag;
  if (!prefix.empty()) {
    TANTALIO_ASSIGN_OR_RETURN(tag, SnapshotTag(store, options.min_quality));
    auto info = index::ReadSnapshotInfo(PdqSnapshotPath(prefix));
    if (info.ok() && info->source_tag == tag) {
      index::LoadOptions load;
      load.expected_code_bits = 256;
      load.num_threads = 1;
      auto loaded = index::LoadHammingIndex(PdqSnapshotPath(prefix), load);
      if (loaded.ok()) {
        matcher->pdq_ = std::move(loaded).value();
        matcher->pdq_source_ = PdqIndexSource::kSnapshot;
      }
    }
    auto digests = index::LoadExactHashFilters(DigestSnapshotPath(prefix), tag, 3);
    if (digests.ok()) {
      matcher->md5_ = std::move((*digests)[0]);
      matcher->sha1_ = std::move((*digests)[1]);
      matcher->sha256_ = std::move((*digests)[2]);
      matcher->digests_from_snapshot_ = true;
    }
  }
  const bool pdq_mapped = matcher->pdq_source_ == PdqIndexSource::kSnapshot;
  const bool digests_mapped = matcher->digests_from_snapshot_;
  if (pdq_mapped && digests_mapped && all_sets) return matcher;

  std::vector<uint8_t> codes;
  std::vector<uint64_t> ids;
  Status bad;
  TANTALIO_RETURN_IF_ERROR(
      store.ForEachMatchableHash(matcher->set_ids_, [&](const MatchableHash& h) {
        if (!digests_mapped) {
          if (!h.md5.empty()) matcher->md5_.Add(h.md5);
          if (!h.sha1.empty()) matcher->sha1_.Add(h.sha1);
          if (!h.sha256.empty()) matcher->sha256_.Add(h.sha256);
        }
        if (h.pdq.empty() || (h.pdq_quality && *h.pdq_quality < options.min_quality)) return true;
        if (pdq_mapped) {
          if (!all_sets) {
            auto& bitmap = matcher->chosen_entries_;
            const auto id = static_cast<uint64_t>(h.entry_id);
            if (bitmap.size() <= id / 8) bitmap.resize(id / 8 + 1, 0);
            bitmap[id / 8] |= static_cast<uint8_t>(1u << (id % 8));
          }
          return true;
        }
        auto code = PdqHash::FromHex(h.pdq);
        if (!code.ok()) {
          bad = CorruptError("hash set entry " + std::to_string(h.entry_id) +
                             ": stored PDQ value is malformed: " + code.status().message());
          return false;
        }
        codes.resize(codes.size() + 32);
        PackPdq(*code, codes.data() + codes.size() - 32);
        ids.push_back(static_cast<uint64_t>(h.entry_id));
        return true;
      }));
  TANTALIO_RETURN_IF_ERROR(bad);
  if (pdq_mapped && !all_sets) {
    matcher->chosen_filter_ = std::make_unique<index::IdBitmapSelector>(matcher->chosen_entries_);
  }
  if (!pdq_mapped) {
    index::HammingIndexOptions index_options;
    index_options.num_threads = 1;  // each scan worker searches on its own thread
    TANTALIO_ASSIGN_OR_RETURN(matcher->pdq_, index::NewHammingIndex(index_options));
    if (!ids.empty()) TANTALIO_RETURN_IF_ERROR(matcher->pdq_->Add(codes, ids));
    matcher->pdq_source_ = PdqIndexSource::kBuilt;
  }
  if (!digests_mapped) {
    matcher->md5_.Seal();
    matcher->sha1_.Seal();
    matcher->sha256_.Seal();
  }
  // Stale or missing snapshots of every set are rewritten for the next run;
  // a failed write costs only that run's rebuild, so it is not an error.
  if (!prefix.empty() && all_sets) {
    if (!pdq_mapped) {
      index::SaveOptions save;
      save.source_tag = tag;
      if (matcher->pdq_->Save(PdqSnapshotPath(prefix), save).ok()) {
        matcher->pdq_source_ = PdqIndexSource::kRebuiltSnapshot;
      }
    }
    if (!digests_mapped) {
      const index::ExactHashFilter* filters[] = {&matcher->md5_, &matcher->sha1_,
                                                 &matcher->sha256_};
      (void)index::SaveExactHashFilters(DigestSnapshotPath(prefix), tag, filters);
    }
  }
  return matcher;
}

Result<std::unique_ptr<HashSetMatcher>> HashSetMatcher::BuildSnapshots(Store& store,
                                                                       const std::string& prefix,
                                                                       int min_quality) {
  // Load() without snapshots builds everything; then both are written.
  MatcherOptions options;
  options.min_quality = min_quality;
  TANTALIO_ASSIGN_OR_RETURN(auto matcher, Load(store, options));
  TANTALIO_ASSIGN_OR_RETURN(std::string tag, SnapshotTag(store, min_quality));
  if (!matcher->pdq_) {
    TANTALIO_ASSIGN_OR_RETURN(matcher->pdq_, index::NewHammingIndex({}));
  }
  index::SaveOptions save;
  save.source_tag = tag;
  TANTALIO_RETURN_IF_ERROR(matcher->pdq_->Save(PdqSnapshotPath(prefix), save));
  const index::ExactHashFilter* filters[] = {&matcher->md5_, &matcher->sha1_, &matcher->sha256_};
  TANTALIO_RETURN_IF_ERROR(index::SaveExactHashFilters(DigestSnapshotPath(prefix), tag, filters));
  return matcher;
}

void HashSetMatcher::MatchDigests(const ContentRecord& content,
                                  std::vector<MatchRecord>& out) const {
  auto check = [&](const index::ExactHashFilter& filter, const std::string& digest,
                   const char* method) {
    if (!digest.empty() && filter.MayContain(digest)) {
      out.push_back(MatchRecord{content.sha256, method, digest, 0, 0, "", {}});
    }
  };
  check(md5_, content.md5, kMethodMd5);
  check(sha1_, content.sha1, kMethodSha1);
  check(sha256_, content.sha256, kMethodSha256);
}

Status HashSetMatcher::MatchPdq(const std::string& sha256, const PdqDihedralResult& image,
                                std::vector<MatchRecord>& out) const {
  if (!pdq_ || pdq_->size() == 0 || image.quality < options_.min_quality) return Status::Ok();
  return SearchOrientations(sha256, image.hashes, out);
}

Status HashSetMatcher::MatchStoredPdq(const ContentForMatching& content,
                                      std::vector<MatchRecord>& out) const {
  if (!pdq_ || pdq_->size() == 0 || content.pdq.empty()) return Status::Ok();
  if (content.pdq_quality.value_or(0) < options_.min_quality) return Status::Ok();
  if (content.variants.size() != 64 * (kPdqVariantCount - 1)) {
    return CorruptError("content " + content.sha256 +
                        ": its PDQ orientations are not stored (scanned by an older version?); "
                        "re-scan the device to match all 8 orientations");
  }
  std::array<PdqHash, kPdqVariantCount> codes;
  for (int v = 0; v < kPdqVariantCount; ++v) {
    const std::string_view original = content.pdq;
    const std::string_view variants = content.variants;
    const std::string_view hex =
        v == 0 ? original : variants.substr(static_cast<size_t>(v - 1) * 64, 64);
    auto code = PdqHash::FromHex(hex);
    if (!code.ok()) {
      return CorruptError("content " + content.sha256 +
                          ": stored PDQ value is malformed: " + code.status().message());
    }
    codes[v] = *code;
  }
  return SearchOrientations(content.sha256, codes, out);
}

Status HashSetMatcher::SearchOrientations(const std::string& sha256,
                                          const std::array<PdqHash, kPdqVariantCount>& codes,
                                          std::vector<MatchRecord>& out) const {
  std::array<uint8_t, 32 * kPdqVariantCount> queries;
  for (int v = 0; v < kPdqVariantCount; ++v) PackPdq(codes[v], queries.data() + 32 * v);
  index::SearchOptions search;
  search.num_threads = 1;
  search.filter = chosen_filter_.get();
  TANTALIO_ASSIGN_OR_RETURN(auto results, pdq_->Search(queries, options_.max_distance, search));
  // The closest orientation per entry; ties go to the earlier orientation.
  std::map<uint64_t, std::pair<uint32_t, int>> best;
  for (int v = 0; v < kPdqVariantCount; ++v) {
    for (const auto& match : results.ForQuery(static_cast<size_t>(v))) {
      auto [it, inserted] = best.try_emplace(match.id, match.distance, v);
      if (!inserted && match.distance < it->second.first) it->second = {match.distance, v};
    }
  }
  for (const auto& [id, hit] : best) {
    out.push_back(MatchRecord{sha256,
                              kMethodPdq,
                              "",
                              static_cast<int64_t>(id),
                              static_cast<int>(hit.first),
                              std::string(PdqVariantName(static_cast<PdqVariant>(hit.second))),
                              {}});
  }
  return Status::Ok();
}

}  // namespace tantalio
