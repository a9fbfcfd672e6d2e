// The matching rules: exact digests, PDQ within 31 (inclusive) and not 32,
// every orientation, and the quality cut-off on both sides.
#include "pipeline/hash_set_matcher.h"

#include <gtest/gtest.h>

#include <fstream>
#include <random>

#include "base/temp_dir.h"
#include "fingerprint/pdq_test_util.h"

namespace tantalio {
namespace {

using testing_util::FlipPdqBits;
using testing_util::RandomPdqHash;

class HashSetMatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = Store::Open(dir_.Sub("m.db")).value();
    std::mt19937_64 rng(42);
    for (auto& h : image_.hashes) h = RandomPdqHash(rng);
    image_.quality = 90;
  }

  int64_t Import(const std::vector<formats::HashSetEntry>& entries) {
    auto import = store_->BeginHashSetImport(
        HashSetInfo::Named("set" + std::to_string(++sets_), kKindIllegal));
    for (const auto& e : entries) EXPECT_TRUE((*import)->Add(e).ok());
    return (*import)->Commit({})->id;
  }

  static formats::HashSetEntry Pdq(const PdqHash& h, std::optional<int> quality = 100) {
    formats::HashSetEntry e;
    e.pdq = h.ToHex();
    e.pdq_quality = quality;
    return e;
  }

  std::vector<MatchRecord> MatchImage(const MatcherOptions& options = {}) {
    auto matcher = HashSetMatcher::Load(*store_, options);
    EXPECT_TRUE(matcher.ok()) << matcher.status().ToString();
    std::vector<MatchRecord> out;
    EXPECT_TRUE((*matcher)->MatchPdq("c0ffee", image_, out).ok());
    return out;
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
  PdqDihedralResult image_;
  int sets_ = 0;
};

TEST_F(HashSetMatcherTest, ExactDigestsOfEveryAlgorithm) {
  formats::HashSetEntry e;
  e.md5 = std::string(32, 'a');
  e.sha1 = std::string(40, 'b');
  formats::HashSetEntry other;
  other.sha256 = std::string(64, 'c');
  Import({e, other});
  auto matcher = HashSetMatcher::Load(*store_, {});
  ASSERT_TRUE(matcher.ok());
  EXPECT_EQ((*matcher)->exact_hashes(), 3u);
  std::vector<MatchRecord> out;
  (*matcher)->MatchDigests(
      ContentRecord{std::string(64, 'c'), std::string(32, 'a'), std::string(40, 'b'), 1, "", "", 1},
      out);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].method, kMethodMd5);
  EXPECT_EQ(out[1].method, kMethodSha1);
  EXPECT_EQ(out[2].method, kMethodSha256);
  out.clear();
  (*matcher)->MatchDigests(
      ContentRecord{std::string(64, 'd'), std::string(32, 'e'), std::string(40, 'f'), 1, "", "", 1},
      out);
  EXPECT_TRUE(out.empty());
}

TEST_F(HashSetMatcherTest, DistanceThirtyOneMatchesAndThirtyTwoDoesNot) {
  Import({Pdq(FlipPdqBits(image_.hashes[0], 31)), Pdq(FlipPdqBits(image_.hashes[0], 32))});
  auto out = MatchImage();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].distance, 31);
  EXPECT_EQ(out[0].orientation, "orig");
  MatcherOptions wider;
  wider.max_distance = 32;
  EXPECT_EQ(MatchImage(wider).size(), 2u);
}

TEST_F(HashSetMatcherTest, EveryOrientationMatches) {
  for (int v = 0; v < kPdqVariantCount; ++v) {
    SCOPED_TRACE(v);
    int64_t set = Import({Pdq(FlipPdqBits(image_.hashes[v], 3))});
    MatcherOptions only;
    only.set_ids = {set};
    auto out = MatchImage(only);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].distance, 3);
    EXPECT_EQ(out[0].orientation, PdqVariantName(static_cast<PdqVariant>(v)));
  }
}

TEST_F(HashSetMatcherTest, QualityBelowFiftyOnEitherSideDoesNotMatch) {
  Import({Pdq(image_.hashes[0], 49)});
  EXPECT_TRUE(MatchImage().empty());
  Import({Pdq(image_.hashes[1], 50), Pdq(image_.hashes[2], std::nullopt)});
  EXPECT_EQ(MatchImage().size(), 2u);  // 50 is good enough; no stated quality is trusted
  image_.quality = 49;
  EXPECT_TRUE(MatchImage().empty());
}

TEST_F(HashSetMatcherTest, StoredOrientationsMatchLikeFreshOnes) {
  Import({Pdq(FlipPdqBits(image_.hashes[5], 10))});
  auto matcher = HashSetMatcher::Load(*store_, {});
  ASSERT_TRUE(matcher.ok());
  ContentForMatching c;
  c.sha256 = "c0ffee";
  c.pdq = image_.hashes[0].ToHex();
  for (int v = 1; v < kPdqVariantCount; ++v) c.variants += image_.hashes[v].ToHex();
  c.pdq_quality = 90;
  std::vector<MatchRecord> out;
  ASSERT_TRUE((*matcher)->MatchStoredPdq(c, out).ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].orientation, "flipy");
  EXPECT_EQ(out[0].distance, 10);
  c.variants.clear();
  EXPECT_EQ((*matcher)->MatchStoredPdq(c, out).code(), StatusCode::kCorrupt);
}

TEST_F(HashSetMatcherTest, SnapshotIsMappedWhenCurrentAndRebuiltWhenNot) {
  const int64_t first = Import({Pdq(FlipPdqBits(image_.hashes[0], 5))});
  MatcherOptions options;
  options.snapshot_prefix = dir_.Sub("case.db.hashsets");
  auto load = [&](const MatcherOptions& o) {
    auto matcher = HashSetMatcher::Load(*store_, o);
    EXPECT_TRUE(matcher.ok()) << matcher.status().ToString();
    return std::move(matcher).value();
  };
  auto built_now = load(options);
  EXPECT_EQ(built_now->pdq_index_source(), PdqIndexSource::kRebuiltSnapshot);
  EXPECT_FALSE(built_now->digests_from_snapshot());
  auto mapped = load(options);
  EXPECT_EQ(mapped->pdq_index_source(), PdqIndexSource::kSnapshot);
  EXPECT_TRUE(mapped->digests_from_snapshot());
  std::vector<MatchRecord> out;
  ASSERT_TRUE(mapped->MatchPdq("c0ffee", image_, out).ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].distance, 5);

  // A new set makes the snapshot stale: rebuilt, and it holds both sets.
  const int64_t second = Import({Pdq(FlipPdqBits(image_.hashes[3], 7))});
  auto rebuilt = load(options);
  EXPECT_EQ(rebuilt->pdq_index_source(), PdqIndexSource::kRebuiltSnapshot);
  out.clear();
  ASSERT_TRUE(rebuilt->MatchPdq("c0ffee", image_, out).ok());
  EXPECT_EQ(out.size(), 2u);

  // Matching only the second set through the full snapshot filters by entry.
  MatcherOptions only_second = options;
  only_second.set_ids = {second};
  auto filtered = load(only_second);
  EXPECT_EQ(filtered->pdq_index_source(), PdqIndexSource::kSnapshot);
  out.clear();
  ASSERT_TRUE(filtered->MatchPdq("c0ffee", image_, out).ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].orientation, "rot270");
  (void)first;

  // A damaged snapshot is never trusted: the index is rebuilt from the store.
  std::ofstream(HashSetMatcher::PdqSnapshotPath(options.snapshot_prefix),
                std::ios::binary | std::ios::trunc)
      << "garbage";
  std::ofstream(HashSetMatcher::DigestSnapshotPath(options.snapshot_prefix),
                std::ios::binary | std::ios::trunc)
      << "garbage";
  auto recovered = load(options);
  EXPECT_EQ(recovered->pdq_index_source(), PdqIndexSource::kRebuiltSnapshot);
  EXPECT_FALSE(recovered->digests_from_snapshot());
  out.clear();
  ASSERT_TRUE(recovered->MatchPdq("c0ffee", image_, out).ok());
  EXPECT_EQ(out.size(), 2u);

  auto built = HashSetMatcher::BuildSnapshots(*store_, dir_.Sub("explicit"));
  ASSERT_TRUE(built.ok());
  EXPECT_EQ((*built)->pdq_hashes(), 2u);
}

TEST_F(HashSetMatcherTest, DigestSnapshotServesExactMatchesForAnySubset) {
  formats::HashSetEntry e;
  e.md5 = std::string(32, 'a');
  Import({e});
  formats::HashSetEntry later;
  later.sha256 = std::string(64, 'c');
  MatcherOptions options;
  options.snapshot_prefix = dir_.Sub("case.db.hashsets");
  ASSERT_TRUE(HashSetMatcher::Load(*store_, options).ok());  // writes the snapshots
  const int64_t second = Import({later});                    // makes them stale
  auto stale = HashSetMatcher::Load(*store_, options);       // rebuilt from the store
  ASSERT_TRUE(stale.ok());
  EXPECT_FALSE((*stale)->digests_from_snapshot());
  MatcherOptions only_second = options;
  only_second.set_ids = {second};
  auto subset = HashSetMatcher::Load(*store_, only_second);
  ASSERT_TRUE(subset.ok());
  EXPECT_TRUE((*subset)->digests_from_snapshot());
  std::vector<MatchRecord> out;
  (*subset)->MatchDigests(
      ContentRecord{std::string(64, 'c'), std::string(32, 'a'), std::string(40, 'f'), 1, "", "", 1},
      out);
  EXPECT_EQ(out.size(), 2u);  // exact hits are facts, whichever set holds them
}

}  // namespace
}  // namespace tantalio
