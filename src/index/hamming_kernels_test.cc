#include "index/hamming_kernels.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <tuple>
#include <vector>

#include "index/hamming_test_util.h"

namespace tantalio::index {
namespace {

constexpr HammingKernel kAllKernels[] = {HammingKernel::kScalar, HammingKernel::kAvx2,
                                         HammingKernel::kAvx512Bw, HammingKernel::kAvx512Vpopcnt};

// Builds the split-halves streams for row-major codes.
void BuildLayout(const std::vector<uint8_t>& codes, int words, std::vector<uint64_t>* a,
                 std::vector<uint64_t>* b) {
  const size_t n = codes.size() / (static_cast<size_t>(words) * 8);
  const int first = std::min(words, 2);
  const int second = words - first;
  const size_t blocks = (n + 7) / 8;
  a->assign(blocks * first * 8, 0);
  b->assign(blocks * second * 8, 0);
  for (size_t row = 0; row < n; ++row) {
    uint64_t w[4];
    std::memcpy(w, codes.data() + row * words * 8, static_cast<size_t>(words) * 8);
    for (int k = 0; k < first; ++k) (*a)[((row / 8) * first + k) * 8 + row % 8] = w[k];
    for (int k = 0; k < second; ++k) (*b)[((row / 8) * second + k) * 8 + row % 8] = w[first + k];
  }
}

// GTEST_SKIP only leaves the function it is in, so this is a macro.
#define SKIP_IF_UNSUPPORTED(kernel)                                                      \
  if (!HammingKernelSupported(kernel))                                                   \
  GTEST_SKIP() << "this CPU lacks the instructions of the " << HammingKernelName(kernel) \
               << " kernel; its exactness is not checked on this machine"

class KernelTest : public ::testing::TestWithParam<HammingKernel> {};

TEST_P(KernelTest, ScanEqualsBruteForce) {
  const HammingKernel kernel = GetParam();
  SKIP_IF_UNSUPPORTED(kernel);
  for (int words : {1, 4}) {
    const int cb = words * 8;
    for (size_t n : {size_t{0}, size_t{1}, size_t{7}, size_t{8}, size_t{9}, size_t{203}}) {
      std::vector<uint8_t> db = testing::ClusteredCodes(n, cb, 17 + n, words == 1 ? 12 : 40);
      std::vector<uint64_t> a, b;
      BuildLayout(db, words, &a, &b);
      std::vector<uint8_t> queries = testing::NearQueries(db, 8, cb, 99 + n, words == 1 ? 10 : 40);
      std::vector<uint64_t> qwords(queries.size() / 8);
      std::memcpy(qwords.data(), queries.data(), queries.size());
      for (int r : {0, 1, 8, 31, 32, 63, 200}) {
        for (bool early : {true, false}) {
          for (int nq : {1, 3, 8}) {
            for (size_t begin : {size_t{0}, size_t{3}}) {
              ScanArgs args;
              args.a = a.data();
              args.b = b.data();
              args.words = words;
              args.row_begin = std::min(begin, n);
              args.row_end = n;
              args.queries = qwords.data();
              args.num_queries = nq;
              args.max_distance = r;
              args.early_abandon = early;
              std::vector<ScanHit> hits;
              ScanBlocks(kernel, args, &hits);
              std::vector<std::tuple<uint32_t, uint32_t, uint32_t>> got, want;
              for (const ScanHit& h : hits) got.emplace_back(h.query, h.row, h.distance);
              for (int q = 0; q < nq; ++q) {
                for (size_t row = args.row_begin; row < n; ++row) {
                  const uint32_t d = testing::BruteDistance(
                      queries.data() + static_cast<size_t>(q) * cb, db.data() + row * cb, cb);
                  if (d <= static_cast<uint32_t>(r)) want.emplace_back(q, row, d);
                }
              }
              std::sort(got.begin(), got.end());
              ASSERT_EQ(got, want) << "words " << words << " n " << n << " r " << r << " early "
                                   << early << " nq " << nq << " begin " << begin;
            }
          }
        }
      }
    }
  }
}

TEST_P(KernelTest, VerifyRowsEqualsBruteForce) {
  const HammingKernel kernel = GetParam();
  SKIP_IF_UNSUPPORTED(kernel);
  for (int words : {1, 4}) {
    const int cb = words * 8;
    const size_t n = 301;
    std::vector<uint8_t> db = testing::ClusteredCodes(n, cb, 5, 30);
    std::vector<uint64_t> a, b;
    BuildLayout(db, words, &a, &b);
    std::vector<uint8_t> query = testing::NearQueries(db, 1, cb, 7, 5);
    std::vector<uint64_t> qw(static_cast<size_t>(words));
    std::memcpy(qw.data(), query.data(), cb);
    std::vector<uint32_t> rows;
    for (uint32_t r = 0; r < n; r += 3) rows.push_back(r);
    for (int r : {0, 8, 31, 63}) {
      std::vector<ScanHit> hits;
      VerifyRows(kernel, a.data(), b.data(), words, rows.data(), rows.size(), qw.data(), 5, r,
                 &hits);
      std::vector<std::pair<uint32_t, uint32_t>> got, want;
      for (const ScanHit& h : hits) {
        EXPECT_EQ(h.query, 5u);
        got.emplace_back(h.row, h.distance);
      }
      for (uint32_t row : rows) {
        const uint32_t d = testing::BruteDistance(query.data(), db.data() + size_t{row} * cb, cb);
        if (d <= static_cast<uint32_t>(r)) want.emplace_back(row, d);
      }
      EXPECT_EQ(got, want) << "words " << words << " r " << r;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(AllKernels, KernelTest, ::testing::ValuesIn(kAllKernels),
                         [](const ::testing::TestParamInfo<HammingKernel>& param_info) {
                           return std::string(HammingKernelName(param_info.param));
                         });

TEST(KernelSelection, ScopedKernelOverridesAndRestores) {
  const HammingKernel before = ActiveHammingKernel();
  {
    ScopedHammingKernel scoped(HammingKernel::kScalar);
    EXPECT_EQ(ActiveHammingKernel(), HammingKernel::kScalar);
  }
  EXPECT_EQ(ActiveHammingKernel(), before);
  EXPECT_TRUE(HammingKernelSupported(ActiveHammingKernel()));
}

TEST(KernelSelection, FollowsSimdLevelCap) {
  ScopedSimdLevel scalar(SimdLevel::kScalar);
  EXPECT_EQ(ActiveHammingKernel(), HammingKernel::kScalar);
}

}  // namespace
}  // namespace tantalio::index
