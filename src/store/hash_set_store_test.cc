// Hash sets and matches in the store: atomic imports, merging of duplicates,
// matches written by Apply, summaries and the known-good filter.
#include <gtest/gtest.h>

#include "base/temp_dir.h"
#include "store/store.h"

namespace tantalio {
namespace {

using formats::HashSetEntry;

std::string Hex(char c, size_t n) { return std::string(n, c); }

class HashSetStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = Store::Open(dir_.Sub("case.db"));
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    case_ = store_->CreateCase(CaseInfo{0, "op", "", "", ""}).value();
    device_ = store_->GetOrCreateDevice(case_.id, "phone").value();
  }

  HashSetInfo Import(const std::string& name, const std::string& kind,
                     const std::vector<HashSetEntry>& entries) {
    auto import = store_->BeginHashSetImport(HashSetInfo::Named(name, kind));
    EXPECT_TRUE(import.ok()) << import.status().ToString();
    for (const auto& e : entries) EXPECT_TRUE((*import)->Add(e).ok());
    auto set = (*import)->Commit({});
    EXPECT_TRUE(set.ok()) << set.status().ToString();
    return *set;
  }

  // One file holding a content, with a PDQ fingerprint when `pdq` is set.
  void AddFile(const std::string& path, const std::string& sha256, const std::string& md5,
               const std::string& pdq = "") {
    IngestBatch b;
    b.device_id = device_.id;
    b.contents.push_back(ContentRecord{sha256, md5, Hex('0', 40), 5, "image/jpeg", "x", 1});
    FileRecord f;
    f.forensic_path = path;
    f.unit_path = path;
    f.kind = "file";
    f.status = kStatusOk;
    f.sha256 = sha256;
    b.files.push_back(f);
    if (!pdq.empty()) {
      FingerprintRecord fp;
      fp.sha256 = sha256;
      fp.algorithm = "pdq";
      fp.version = 1;
      fp.value = pdq;
      fp.quality = 100;
      b.fingerprints.push_back(fp);
    }
    ASSERT_TRUE(store_->Apply(b).ok());
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
  CaseInfo case_;
  DeviceInfo device_;
};

TEST_F(HashSetStoreTest, ImportIsOneTransaction) {
  {
    auto import = store_->BeginHashSetImport(HashSetInfo::Named("ncmec", kKindIllegal));
    ASSERT_TRUE(import.ok());
    HashSetEntry e;
    e.md5 = Hex('a', 32);
    ASSERT_TRUE((*import)->Add(e).ok());
    // Dropped without Commit: the set and its entry vanish.
  }
  EXPECT_EQ(store_->ListHashSets()->size(), 0u);
  EXPECT_EQ(store_->FindHashSet("ncmec").status().code(), StatusCode::kNotFound);
  Import("ncmec", kKindIllegal, {});
  auto again = store_->BeginHashSetImport(HashSetInfo::Named("ncmec", kKindIllegal));
  EXPECT_EQ(again.status().code(), StatusCode::kAlreadyExists);
  auto bad_kind = store_->BeginHashSetImport(HashSetInfo::Named("x", "evil"));
  EXPECT_EQ(bad_kind.status().code(), StatusCode::kInvalidArgument);
}

TEST_F(HashSetStoreTest, EntriesRoundTripEveryField) {
  HashSetEntry e;
  e.md5 = Hex('1', 32);
  e.sha1 = Hex('2', 40);
  e.sha256 = Hex('3', 64);
  e.pdq = Hex('4', 64);
  e.pdq_quality = 87;
  e.photodna = "opaque==";
  e.category = 1;
  e.category_source = "A";
  e.series = "Series";
  e.victim_identified = true;
  e.offender_identified = false;
  e.distributed = true;
  e.tags = "t1, t2";
  e.comments = "free text";
  e.source_ref = "12";
  e.size = 12345;
  e.mime_type = "image/jpeg";
  e.name = std::string("odd\xff name.jpg");
  HashSetInfo set = Import("uk", kKindIllegal, {e});
  EXPECT_EQ(set.entries, 1u);
  std::vector<HashSetEntry> read;
  ASSERT_TRUE(store_
                  ->ForEachHashSetEntry(set.id,
                                        [&](const StoredHashEntry& s) {
                                          read.push_back(s.entry);
                                          return true;
                                        })
                  .ok());
  ASSERT_EQ(read.size(), 1u);
  EXPECT_EQ(read[0], e);
}

// A known video's frames share its id and, in a still scene, their hash:
// they stay separate entries, and only the same frame twice is merged. Known
// frames and recordings come back through ForEachKnownMediaHash, by video
// and time.
TEST_F(HashSetStoreTest, VideoFramesAndRecordingsAreKeptApartAndListed) {
  auto import = store_->BeginHashSetImport(HashSetInfo::Named("videos", kKindIllegal));
  ASSERT_TRUE(import.ok());
  auto frame = [](const std::string& video, double time, char hash) {
    HashSetEntry e;
    e.source_ref = video;
    e.media_time = time;
    e.pdq = Hex(hash, 64);
    e.pdq_quality = 90;
    return e;
  };
  for (const HashSetEntry& e : {frame("v1", 1, 'a'), frame("v1", 0, 'a'), frame("v2", 0, 'a')}) {
    auto added = (*import)->Add(e);
    ASSERT_TRUE(added.ok());
    EXPECT_FALSE(added->has_value()) << added->value();
  }
  auto again = (*import)->Add(frame("v1", 1, 'b'));
  ASSERT_TRUE(again.ok() && again->has_value());
  EXPECT_NE(again->value().find("video frame v1 at 1"), std::string::npos) << again->value();
  HashSetEntry still;  // a photo with the frames' hash is not one of them
  still.pdq = Hex('a', 64);
  still.source_ref = "v1";
  ASSERT_FALSE((*import)->Add(still)->has_value());
  HashSetEntry song;
  song.source_ref = "s1";
  song.chromaprint = "AQADtEmUaEkSRZEG";
  ASSERT_FALSE((*import)->Add(song)->has_value());
  auto set = (*import)->Commit({});
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(set->entries, 5u);

  std::vector<std::string> listed;
  ASSERT_TRUE(store_
                  ->ForEachKnownMediaHash({},
                                          [&](const MatchableHash& h) {
                                            listed.push_back(
                                                std::string(h.source_ref) + "@" +
                                                (h.media_time ? std::to_string(*h.media_time)
                                                              : std::string(h.chromaprint)));
                                            return true;
                                          })
                  .ok());
  EXPECT_EQ(listed, (std::vector<std::string>{"s1@AQADtEmUaEkSRZEG", "v1@0.000000",
                                              "v1@1.000000", "v2@0.000000"}));
}

TEST_F(HashSetStoreTest, DuplicatesAreMergedWithAMessage) {
  auto import = store_->BeginHashSetImport(HashSetInfo::Named("vics", kKindIllegal));
  ASSERT_TRUE(import.ok());
  HashSetEntry first;
  first.source_ref = "7";
  first.md5 = Hex('a', 32);
  first.category = 2;
  first.category_source = "2";
  HashSetEntry second;
  second.source_ref = "7";
  second.sha1 = Hex('b', 40);
  second.category = 1;
  second.category_source = "1";
  second.series = "S";
  HashSetEntry third;  // same MD5, no MediaID
  third.md5 = Hex('a', 32);
  EXPECT_FALSE((*import)->Add(first)->has_value());
  auto merged = (*import)->Add(second);
  ASSERT_TRUE(merged.ok());
  ASSERT_TRUE(merged->has_value());
  EXPECT_NE(merged->value().find("source id 7"), std::string::npos) << merged->value();
  EXPECT_NE(merged->value().find("more severe"), std::string::npos) << merged->value();
  auto by_hash = (*import)->Add(third);
  ASSERT_TRUE(by_hash.ok() && by_hash->has_value());
  EXPECT_NE(by_hash->value().find("MD5"), std::string::npos);
  auto set = (*import)->Commit({});
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(set->entries, 1u);
  HashSetEntry kept;
  ASSERT_TRUE(store_
                  ->ForEachHashSetEntry(set->id,
                                        [&](const StoredHashEntry& s) {
                                          kept = s.entry;
                                          return true;
                                        })
                  .ok());
  EXPECT_EQ(kept.md5, Hex('a', 32));
  EXPECT_EQ(kept.sha1, Hex('b', 40));
  EXPECT_EQ(kept.category, 1);
  EXPECT_EQ(kept.category_source, "1");
  EXPECT_EQ(kept.series, "S");
}

TEST_F(HashSetStoreTest, ApplyWritesMatchesAndSummariesCountThem) {
  HashSetEntry bad;
  bad.md5 = Hex('a', 32);
  bad.category = 1;
  bad.category_source = "1";
  bad.series = "S1";
  bad.source_ref = "100";
  HashSetEntry perceptual;
  perceptual.pdq = Hex('f', 64);
  perceptual.category = 2;
  perceptual.category_source = "2";
  HashSetEntry good;
  good.md5 = Hex('c', 32);
  HashSetInfo illegal = Import("ncmec", kKindIllegal, {bad, perceptual});
  HashSetInfo nsrl = Import("nsrl", kKindKnownGood, {good});

  AddFile("a.jpg", Hex('1', 64), Hex('a', 32), Hex('e', 64));
  AddFile("copy-of-a.jpg", Hex('1', 64), Hex('a', 32), Hex('e', 64));
  AddFile("near.jpg", Hex('2', 64), Hex('d', 32), Hex('e', 64));
  AddFile("system.dll", Hex('3', 64), Hex('c', 32));
  AddFile("new.jpg", Hex('4', 64), Hex('9', 32), Hex('0', 64));

  IngestBatch b;
  b.device_id = device_.id;
  b.matches.push_back(MatchRecord{Hex('1', 64), kMethodMd5, Hex('a', 32), 0, 0, "", {}});
  int64_t pdq_entry = 0;
  ASSERT_TRUE(store_
                  ->ForEachMatchableHash({illegal.id},
                                         [&](const MatchableHash& h) {
                                           if (!h.pdq.empty()) pdq_entry = h.entry_id;
                                           return true;
                                         })
                  .ok());
  ASSERT_NE(pdq_entry, 0);
  b.matches.push_back(MatchRecord{Hex('2', 64), kMethodPdq, "", pdq_entry, 20, "rot90", {}});
  b.matches.push_back(MatchRecord{Hex('2', 64), kMethodPdq, "", pdq_entry, 12, "flipx", {}});
  b.matches.push_back(MatchRecord{Hex('2', 64), kMethodPdq, "", pdq_entry, 30, "orig", {}});
  b.matches.push_back(MatchRecord{Hex('3', 64), kMethodMd5, Hex('c', 32), 0, 0, "", {}});
  ASSERT_TRUE(store_->Apply(b).ok());
  ASSERT_TRUE(store_->Apply(b).ok());  // idempotent

  std::vector<MatchRow> rows;
  ASSERT_TRUE(store_
                  ->ForEachMatch(case_.id, false,
                                 [&](const MatchRow& r) {
                                   rows.push_back(r);
                                   return true;
                                 })
                  .ok());
  ASSERT_EQ(rows.size(), 3u);  // a.jpg, copy-of-a.jpg, near.jpg; not system.dll
  EXPECT_EQ(rows[0].forensic_path, "a.jpg");
  EXPECT_EQ(rows[0].entry_ref, "100");
  EXPECT_EQ(rows[0].series, "S1");
  EXPECT_EQ(rows[2].forensic_path, "near.jpg");
  EXPECT_EQ(rows[2].distance, 12);  // the closest orientation is kept
  EXPECT_EQ(rows[2].orientation, "flipx");
  size_t with_good = 0;
  ASSERT_TRUE(
      store_->ForEachMatch(case_.id, true, [&](const MatchRow&) { return ++with_good; }).ok());
  EXPECT_EQ(with_good, 4u);

  auto summary = store_->SummarizeMatches(case_.id);
  ASSERT_TRUE(summary.ok());
  ASSERT_EQ(summary->per_set.size(), 2u);
  EXPECT_EQ(summary->per_set[0].name, "ncmec");
  EXPECT_EQ(summary->per_set[0].contents, 2u);
  EXPECT_EQ(summary->per_set[0].files, 3u);
  EXPECT_EQ(summary->per_set[0].exact_contents, 1u);
  EXPECT_EQ(summary->per_set[0].pdq_contents, 1u);
  EXPECT_EQ(summary->per_set[1].name, "nsrl");
  EXPECT_EQ(summary->known_files, 3u);
  EXPECT_EQ(summary->known_good_files, 1u);
  EXPECT_EQ(summary->images, 3u);
  EXPECT_EQ(summary->new_images, 1u);
  EXPECT_EQ(summary->new_image_files, 1u);
  ASSERT_EQ(summary->per_category.size(), 2u);
  EXPECT_EQ(summary->per_category[0].category, 1);
  EXPECT_EQ(summary->per_category[0].files, 2u);
  EXPECT_EQ(summary->per_category[1].category, 2);

  auto good_only = store_->KnownGoodContents(case_.id);
  ASSERT_TRUE(good_only.ok());
  EXPECT_EQ(*good_only, std::unordered_set<std::string>{Hex('3', 64)});

  ASSERT_TRUE(store_->RecordMatchedSets(device_.id, {illegal.id, nsrl.id}, 31).ok());
  ASSERT_TRUE(store_->RecordMatchedSets(device_.id, {illegal.id}, 20).ok());
  auto matched = store_->MatchedSets(device_.id);
  ASSERT_TRUE(matched.ok());
  EXPECT_EQ((*matched)[illegal.id], 20);  // the latest record replaces the earlier one
  EXPECT_EQ((*matched)[nsrl.id], 31);

  std::vector<ContentForMatching> contents;
  ASSERT_TRUE(store_
                  ->ForEachContentForMatching(device_.id,
                                              [&](const ContentForMatching& c) {
                                                contents.push_back(c);
                                                return true;
                                              })
                  .ok());
  ASSERT_EQ(contents.size(), 4u);
  EXPECT_EQ(contents[0].pdq, Hex('e', 64));
  EXPECT_EQ(contents[2].pdq, "");
}

}  // namespace
}  // namespace tantalio
