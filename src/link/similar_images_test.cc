#include "link/similar_images.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <functional>
#include <random>

#include "base/hex.h"
#include "base/temp_dir.h"

namespace tantalio {
namespace {

std::string RandomHex(std::mt19937_64& rng) {
  std::vector<uint8_t> bytes(32);
  for (auto& b : bytes) b = static_cast<uint8_t>(rng());
  return ToHex(bytes);
}

// `hex` with the first `bits` bits flipped.
std::string Flip(const std::string& hex, int bits) {
  auto bytes = *FromHex(hex);
  for (int i = 0; i < bits; ++i) bytes[i / 8] ^= static_cast<uint8_t>(1u << (i % 8));
  return ToHex(bytes);
}

class SimilarImagesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(Store::Open(dir_.Sub("s.db")).value());
    case_ = *store_->CreateCase(CaseInfo{0, "c", "", "", ""});
    device_ = *store_->GetOrCreateDevice(case_.id, "phone");
  }

  void AddImage(const std::string& path, const std::string& pdq, int quality) {
    IngestBatch b;
    b.device_id = device_.id;
    char sha_buf[65];  // a distinct stand-in "SHA-256" per path
    std::snprintf(sha_buf, sizeof sha_buf, "%016zx%048d", std::hash<std::string>{}(path), 0);
    const std::string sha = sha_buf;
    b.contents.push_back(ContentRecord{sha, "m", "s", 1, "image/jpeg", "md5+sha1+sha256", 1});
    FileRecord f;
    f.forensic_path = path;
    f.unit_path = path;
    f.kind = "file";
    f.status = kStatusOk;
    f.sha256 = sha;
    b.files.push_back(f);
    b.fingerprints.push_back(FingerprintRecord{sha, "pdq", 1, -1, pdq, quality, false, "", "", ""});
    ASSERT_TRUE(store_->Apply(b).ok());
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
  CaseInfo case_;
  DeviceInfo device_;
};

TEST_F(SimilarImagesTest, FindsPairsWithinTheRadiusInclusive) {
  std::mt19937_64 rng(5);
  const std::string a = RandomHex(rng);
  AddImage("phone/a.jpg", a, 90);
  AddImage("phone/a-resaved.jpg", Flip(a, 31), 80);  // exactly at the radius: a match
  AddImage("phone/a-far.jpg", Flip(a, 32), 80);      // one bit past the radius from a
  AddImage("phone/other.jpg", RandomHex(rng), 90);   // unrelated (about 128 bits away)
  AddImage("phone/a-blurry.jpg", Flip(a, 2), 10);    // close, but quality too low to trust
  int rows = 0;
  ASSERT_TRUE(store_
                  ->ForEachPerceptualHash(case_.id, "pdq",
                                          [&](const PerceptualRow&) { return ++rows, true; })
                  .ok());
  EXPECT_EQ(rows, 5);
  auto pairs = FindSimilarImages(*store_, case_.id);
  ASSERT_TRUE(pairs.ok()) << pairs.status().ToString();
  // a ~ resaved (31), a-far ~ resaved (1 bit apart); a ~ a-far is 32: no pair.
  ASSERT_EQ(pairs->size(), 2u);
  EXPECT_EQ((*pairs)[0].distance, 1);
  EXPECT_EQ((*pairs)[1].distance, 31);
  for (const auto& p : *pairs) {
    EXPECT_LT(p.a.sha256, p.b.sha256);
    for (const auto* side : {&p.a, &p.b}) {
      EXPECT_NE(side->places[0].second, "phone/other.jpg");
      EXPECT_NE(side->places[0].second, "phone/a-blurry.jpg");
    }
  }
}

TEST_F(SimilarImagesTest, EmptyCaseHasNoPairs) {
  auto pairs = FindSimilarImages(*store_, case_.id);
  ASSERT_TRUE(pairs.ok());
  EXPECT_TRUE(pairs->empty());
}

}  // namespace
}  // namespace tantalio
