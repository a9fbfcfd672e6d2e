#include "index/exact_hash_filter.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

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

}  // namespace
}  // namespace tantalio::index
