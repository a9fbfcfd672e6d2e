// Conformance suite: every algorithm, code size and SIMD kernel must return
// exactly what a brute-force scan returns.
#include "index/hamming_index.h"

#include <gtest/gtest.h>

#include <numeric>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "base/cpu_features.h"
#include "index/hamming_kernels.h"
#include "index/hamming_test_util.h"

namespace tantalio::index {
namespace {

using testing::BruteForce;
using testing::ClusteredCodes;
using testing::NearQueries;
using testing::RandomCodes;

constexpr int kRadii[] = {0, 1, 8, 31, 32, 63};

std::vector<HammingKernel> SupportedKernels() {
  std::vector<HammingKernel> kernels;
  for (HammingKernel k : {HammingKernel::kScalar, HammingKernel::kAvx2, HammingKernel::kAvx512Bw,
                          HammingKernel::kAvx512Vpopcnt}) {
    if (HammingKernelSupported(k)) kernels.push_back(k);
  }
  return kernels;
}

std::vector<uint64_t> SequentialIds(size_t n, uint64_t base = 1000) {
  std::vector<uint64_t> ids(n);
  std::iota(ids.begin(), ids.end(), base);
  return ids;
}

void ExpectSame(const RangeSearchResults& got, const RangeSearchResults& want,
                const std::string& what) {
  ASSERT_EQ(got.num_queries(), want.num_queries()) << what;
  for (size_t q = 0; q < want.num_queries(); ++q) {
    const auto g = got.ForQuery(q);
    const auto w = want.ForQuery(q);
    ASSERT_EQ(std::vector<HammingMatch>(g.begin(), g.end()),
              std::vector<HammingMatch>(w.begin(), w.end()))
        << what << " query " << q;
  }
}

using Param = std::tuple<HammingAlgorithm, int>;

class HammingIndexConformance : public ::testing::TestWithParam<Param> {
 protected:
  HammingAlgorithm algorithm() const { return std::get<0>(GetParam()); }
  int bits() const { return std::get<1>(GetParam()); }
  int bytes() const { return bits() / 8; }

  std::unique_ptr<HammingIndex> NewIndex(int mih_tables = 0) const {
    HammingIndexOptions options;
    options.code_bits = bits();
    options.algorithm = algorithm();
    options.mih_tables = mih_tables;
    auto index = NewHammingIndex(options);
    EXPECT_TRUE(index.ok()) << index.status().ToString();
    return std::move(index).value();
  }

  // Searches every radius with every supported kernel and compares.
  void CheckAll(const HammingIndex& index, const std::vector<uint8_t>& db,
                const std::vector<uint64_t>& ids, const std::vector<uint8_t>& queries,
                const std::string& what) const {
    for (HammingKernel kernel : SupportedKernels()) {
      ScopedHammingKernel scoped(kernel);
      for (int r : kRadii) {
        auto got = index.Search(queries, r);
        ASSERT_TRUE(got.ok()) << got.status().ToString();
        ExpectSame(
            *got, BruteForce(db, ids, queries, bytes(), r),
            what + " kernel " + std::string(HammingKernelName(kernel)) + " r " + std::to_string(r));
      }
    }
  }
};

TEST_P(HammingIndexConformance, EmptyIndexFindsNothing) {
  auto index = NewIndex();
  EXPECT_EQ(index->size(), 0u);
  auto queries = RandomCodes(3, bytes(), 1);
  auto got = index->Search(queries, 63);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->num_queries(), 3u);
  EXPECT_TRUE(got->matches.empty());
  auto none = index->Search({}, 31);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->num_queries(), 0u);
}

TEST_P(HammingIndexConformance, EqualsBruteForceOnRandomAndClusteredCodes) {
  for (size_t n : {size_t{1}, size_t{9}, size_t{1003}, size_t{4099}}) {
    for (bool clustered : {false, true}) {
      const auto db = clustered ? ClusteredCodes(n, bytes(), n, bits() == 64 ? 12 : 40)
                                : RandomCodes(n, bytes(), n);
      const auto ids = SequentialIds(n);
      auto index = NewIndex();
      ASSERT_TRUE(index->Add(db, ids).ok());
      EXPECT_EQ(index->size(), n);
      const auto queries = NearQueries(db, 11, bytes(), n + 7, bits() == 64 ? 10 : 40);
      CheckAll(*index, db, ids, queries,
               std::string(clustered ? "clustered" : "random") + " n " + std::to_string(n));
    }
  }
}

TEST_P(HammingIndexConformance, DuplicateCodesAndIdsAreAllReturned) {
  auto db = RandomCodes(50, bytes(), 3);
  // Rows 10..29 repeat row 5; ids repeat too.
  const size_t cb = static_cast<size_t>(bytes());
  for (size_t i = 10; i < 30; ++i) std::copy_n(db.data() + 5 * cb, cb, db.data() + i * cb);
  std::vector<uint64_t> ids = SequentialIds(50);
  ids[20] = ids[10];
  auto index = NewIndex();
  ASSERT_TRUE(index->Add(db, ids).ok());
  std::vector<uint8_t> query(db.begin() + static_cast<std::ptrdiff_t>(5 * cb),
                             db.begin() + static_cast<std::ptrdiff_t>(6 * cb));
  auto got = index->Search(query, 0);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->matches.size(), 21u);
  ExpectSame(*got, BruteForce(db, ids, query, bytes(), 0), "duplicates");
}

TEST_P(HammingIndexConformance, IncrementalAddsEqualOneBatch) {
  const auto db = ClusteredCodes(3000, bytes(), 11, bits() == 64 ? 10 : 36);
  const auto ids = SequentialIds(3000, 7);
  auto index = NewIndex();
  // A large first batch, then batches small enough to stay in the unindexed tail.
  size_t done = 0;
  for (size_t batch : {size_t{2000}, size_t{37}, size_t{1}, size_t{90}, size_t{872}}) {
    ASSERT_TRUE(index
                    ->Add(std::span(db).subspan(done * bytes(), batch * bytes()),
                          std::span(ids).subspan(done, batch))
                    .ok());
    done += batch;
    const std::vector<uint8_t> prefix(db.begin(), db.begin() + done * bytes());
    const std::vector<uint64_t> prefix_ids(ids.begin(), ids.begin() + done);
    const auto queries = NearQueries(prefix, 8, bytes(), done, 20);
    for (int r : {0, 8, 31}) {
      auto got = index->Search(queries, r);
      ASSERT_TRUE(got.ok());
      ExpectSame(*got, BruteForce(prefix, prefix_ids, queries, bytes(), r),
                 "after " + std::to_string(done) + " rows, r " + std::to_string(r));
    }
  }
}

TEST_P(HammingIndexConformance, FilterRestrictsIds) {
  const auto db = ClusteredCodes(700, bytes(), 21, 30);
  const auto ids = SequentialIds(700, 0);
  auto index = NewIndex();
  ASSERT_TRUE(index->Add(db, ids).ok());
  const auto queries = NearQueries(db, 8, bytes(), 3, 20);
  std::vector<uint8_t> bitmap(700 / 8 + 1, 0);
  for (uint64_t id = 0; id < 700; id += 3) bitmap[id / 8] |= static_cast<uint8_t>(1u << (id % 8));
  IdBitmapSelector by_bitmap(bitmap);
  IdPredicateSelector odd([](uint64_t id) { return id % 2 == 1; });
  for (const IdSelector* filter :
       {static_cast<const IdSelector*>(&by_bitmap), static_cast<const IdSelector*>(&odd)}) {
    SearchOptions options;
    options.filter = filter;
    for (int r : {8, 31, 63}) {
      auto got = index->Search(queries, r, options);
      ASSERT_TRUE(got.ok());
      ExpectSame(*got, BruteForce(db, ids, queries, bytes(), r, filter), "filter");
    }
  }
}

TEST_P(HammingIndexConformance, ThreadCountsAgree) {
  const auto db = RandomCodes(70001, bytes(), 5);
  const auto ids = SequentialIds(70001);
  auto index = NewIndex();
  ASSERT_TRUE(index->Add(db, ids).ok());
  const auto queries = NearQueries(db, 19, bytes(), 9, 31);
  const auto want = BruteForce(db, ids, queries, bytes(), 31);
  for (int threads : {1, 2, 3}) {
    SearchOptions options;
    options.num_threads = threads;
    auto got = index->Search(queries, 31, options);
    ASSERT_TRUE(got.ok());
    ExpectSame(*got, want, "threads " + std::to_string(threads));
  }
}

TEST_P(HammingIndexConformance, ConcurrentSearchesAgree) {
  const auto db = ClusteredCodes(40000, bytes(), 8, 30);
  const auto ids = SequentialIds(40000);
  auto index = NewIndex();
  ASSERT_TRUE(index->Add(db, ids).ok());
  std::vector<std::vector<uint8_t>> queries;
  std::vector<RangeSearchResults> want;
  for (int t = 0; t < 4; ++t) {
    queries.push_back(NearQueries(db, 8, bytes(), 100 + t, 30));
    want.push_back(BruteForce(db, ids, queries.back(), bytes(), 31));
  }
  std::vector<RangeSearchResults> got(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int rep = 0; rep < 5; ++rep) {
        auto r = index->Search(queries[t], 31);
        if (r.ok()) got[t] = std::move(r).value();
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (int t = 0; t < 4; ++t) ExpectSame(got[t], want[t], "thread " + std::to_string(t));
}

TEST_P(HammingIndexConformance, RejectsBadArguments) {
  auto index = NewIndex();
  std::vector<uint8_t> codes(static_cast<size_t>(bytes()) * 2);
  std::vector<uint64_t> one_id = {1};
  EXPECT_EQ(index->Add(codes, one_id).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(index->size(), 0u);
  std::vector<uint8_t> odd(static_cast<size_t>(bytes()) + 1);
  EXPECT_EQ(index->Search(odd, 3).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(index->Search(codes, -1).status().code(), StatusCode::kInvalidArgument);
}

INSTANTIATE_TEST_SUITE_P(All, HammingIndexConformance,
                         ::testing::Combine(::testing::Values(HammingAlgorithm::kFlat,
                                                              HammingAlgorithm::kMih,
                                                              HammingAlgorithm::kAuto),
                                            ::testing::Values(64, 256)),
                         [](const ::testing::TestParamInfo<Param>& param_info) {
                           return std::string(HammingAlgorithmName(std::get<0>(param_info.param))) +
                                  "_" + std::to_string(std::get<1>(param_info.param));
                         });

TEST(MihIndex, ExplicitTableCountsAreExact) {
  const auto db = ClusteredCodes(2500, 32, 77, 40);
  const auto ids = SequentialIds(2500);
  const auto queries = NearQueries(db, 8, 32, 78, 40);
  for (int m : {10, 11, 16, 32}) {
    HammingIndexOptions options;
    options.algorithm = HammingAlgorithm::kMih;
    options.mih_tables = m;
    auto index = NewHammingIndex(options);
    ASSERT_TRUE(index.ok());
    ASSERT_TRUE((*index)->Add(db, ids).ok());
    for (int r : kRadii) {
      SearchStats stats;
      auto got = (*index)->Search(queries, r, {}, &stats);
      ASSERT_TRUE(got.ok());
      EXPECT_TRUE(stats.used_mih);
      ExpectSame(*got, BruteForce(db, ids, queries, 32, r),
                 "m " + std::to_string(m) + " r " + std::to_string(r));
    }
  }
}

TEST(AutoIndex, LargeIndexPicksMihOrScanByRadiusAndStaysExact) {
  const size_t n = (size_t{1} << 17) + 1001;
  auto db = RandomCodes(n, 32, 123);
  const auto clustered = ClusteredCodes(5000, 32, 124, 40);
  std::copy(clustered.begin(), clustered.end(), db.begin() + std::ptrdiff_t{1000} * 32);
  const auto ids = SequentialIds(n);
  HammingIndexOptions options;  // kAuto, 256 bits
  auto index = NewHammingIndex(options);
  ASSERT_TRUE(index.ok());
  ASSERT_TRUE((*index)->Add(db, ids).ok());
  const auto queries =
      NearQueries(std::span(db).subspan(size_t{1000} * 32, size_t{5000} * 32), 8, 32, 5, 30);
  // The choice depends on the kernel's scan speed: pin one every CPU has.
  ScopedHammingKernel scalar(HammingKernel::kScalar);
  for (int r : {8, 31, 63}) {
    SearchStats stats;
    auto got = (*index)->Search(queries, r, {}, &stats);
    ASSERT_TRUE(got.ok());
    // The cost model: tables for small radii, the scan once probes explode.
    EXPECT_EQ(stats.used_mih, r <= 31) << "r " << r;
    ExpectSame(*got, BruteForce(db, ids, queries, 32, r), "auto r " + std::to_string(r));
  }
}

TEST(MihIndex, RejectsTableCountsOutOfRange) {
  for (int m : {-1, 1, 9, 65}) {
    HammingIndexOptions options;
    options.algorithm = HammingAlgorithm::kMih;
    options.mih_tables = m;
    EXPECT_EQ(NewHammingIndex(options).status().code(), StatusCode::kInvalidArgument) << m;
  }
  HammingIndexOptions options;
  options.code_bits = 128;
  EXPECT_EQ(NewHammingIndex(options).status().code(), StatusCode::kInvalidArgument);
}

TEST(MergeQueryGroups, KeepsSmallestDistancePerIdPerGroup) {
  RangeSearchResults r;
  r.offsets = {0, 2, 3, 4, 4};
  r.matches = {{5, 9}, {7, 3}, {5, 2}, {8, 1}};
  const RangeSearchResults merged = MergeQueryGroups(r, 2);
  ASSERT_EQ(merged.num_queries(), 2u);
  EXPECT_EQ(std::vector<HammingMatch>(merged.ForQuery(0).begin(), merged.ForQuery(0).end()),
            (std::vector<HammingMatch>{{5, 2}, {7, 3}}));
  EXPECT_EQ(std::vector<HammingMatch>(merged.ForQuery(1).begin(), merged.ForQuery(1).end()),
            (std::vector<HammingMatch>{{8, 1}}));
}

}  // namespace
}  // namespace tantalio::index
