#include "index/exact_hash_filter.h"

#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <string>

#include "base/temp_dir.h"

namespace tantalio::index {
namespace {

std::string RandomHex(std::mt19937_64& rng, size_t digits) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < digits; ++i) out += kDigits[rng() % 16];
  return out;
}

TEST(ExactHashFilterTest, NoFalseNegativesAndFewFalsePositives) {
  std::mt19937_64 rng(7);
  ExactHashFilter filter;
  std::vector<std::string> added;
  for (int i = 0; i < 20000; ++i) {
    added.push_back(RandomHex(rng, i % 2 ? 32 : 64));
    ASSERT_TRUE(filter.Add(added.back()));
  }
  filter.Add(added[0]);  // duplicates collapse
  filter.Seal();
  EXPECT_EQ(filter.size(), added.size());
  for (const auto& hex : added) EXPECT_TRUE(filter.MayContain(hex)) << hex;
  int false_positives = 0;
  for (int i = 0; i < 20000; ++i) false_positives += filter.MayContain(RandomHex(rng, 40));
  EXPECT_EQ(false_positives, 0);
}

TEST(ExactHashFilterTest, CaseInsensitiveAndRejectsNonHex) {
  ExactHashFilter filter;
  EXPECT_TRUE(filter.Add("D41D8CD98F00B204E9800998ECF8427E"));
  EXPECT_FALSE(filter.Add("not hex at all, no"));
  EXPECT_FALSE(filter.Add("abc"));
  filter.Seal();
  EXPECT_TRUE(filter.MayContain("d41d8cd98f00b204e9800998ecf8427e"));
  EXPECT_FALSE(filter.MayContain("d41d8cd98f00b205e9800998ecf8427e"));
  EXPECT_FALSE(filter.MayContain(""));
  EXPECT_FALSE(ExactHashFilter().MayContain("d41d8cd98f00b204"));
}

TEST(ExactHashFilterTest, SnapshotRoundTripsAndRefusesStaleOrDamagedFiles) {
  TempDir dir;
  std::mt19937_64 rng(3);
  ExactHashFilter a, b, empty;
  std::vector<std::string> in_a;
  for (int i = 0; i < 5000; ++i) {
    in_a.push_back(RandomHex(rng, 32));
    a.Add(in_a.back());
  }
  b.Add("0123456789abcdef0123");
  a.Seal();
  b.Seal();
  empty.Seal();
  const std::string path = dir.Sub("filters");
  const ExactHashFilter* filters[] = {&a, &b, &empty};
  ASSERT_TRUE(SaveExactHashFilters(path, "sets 1:5000", filters).ok());
  auto loaded = LoadExactHashFilters(path, "sets 1:5000", 3);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ((*loaded)[0].size(), a.size());
  for (const auto& hex : in_a) EXPECT_TRUE((*loaded)[0].MayContain(hex));
  EXPECT_TRUE((*loaded)[1].MayContain("0123456789abcdef"));
  EXPECT_EQ((*loaded)[2].size(), 0u);

  EXPECT_EQ(LoadExactHashFilters(path, "sets 1:5001", 3).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(LoadExactHashFilters(dir.Sub("missing"), "x", 3).status().code(),
            StatusCode::kNotFound);
  // Flip one byte of the prefixes: the checksum catches it.
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekp(200);
  f.put('\x5a');
  f.close();
  EXPECT_EQ(LoadExactHashFilters(path, "sets 1:5000", 3).status().code(), StatusCode::kCorrupt);
}

}  // namespace
}  // namespace tantalio::index
