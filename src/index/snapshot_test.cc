#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <numeric>
#include <string>
#include <vector>

#include "index/hamming_index.h"
#include "index/hamming_index_impl.h"
#include "index/hamming_test_util.h"

namespace tantalio::index {
namespace {

using testing::BruteForce;
using testing::ClusteredCodes;
using testing::NearQueries;

class SnapshotTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("tantalio_snapshot_test_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  std::unique_ptr<HammingIndex> Build(HammingAlgorithm algorithm, int bits, size_t n,
                                      std::vector<uint8_t>* db, std::vector<uint64_t>* ids) {
    *db = ClusteredCodes(n, bits / 8, n + bits, 30);
    ids->resize(n);
    std::iota(ids->begin(), ids->end(), 100);
    HammingIndexOptions options;
    options.code_bits = bits;
    options.algorithm = algorithm;
    auto index = NewHammingIndex(options);
    EXPECT_TRUE(index.ok());
    EXPECT_TRUE((*index)->Add(*db, *ids).ok());
    return std::move(index).value();
  }

  static std::vector<uint8_t> ReadFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
  static void WriteFile(const std::string& path, const std::vector<uint8_t>& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
  }
  // Rewrites the header checksum (offset 72) after a deliberate header edit.
  static void FixHeaderChecksum(std::vector<uint8_t>* bytes) {
    uint32_t header_bytes;
    std::memcpy(&header_bytes, bytes->data() + 12, 4);
    std::vector<uint8_t> head(bytes->begin(), bytes->begin() + header_bytes);
    std::memset(head.data() + 72, 0, 8);
    const uint64_t sum = SnapshotChecksum(head.data(), head.size());
    std::memcpy(bytes->data() + 72, &sum, 8);
  }

  std::filesystem::path dir_;
};

TEST_F(SnapshotTest, RoundTripSearchesIdentically) {
  for (HammingAlgorithm algorithm :
       {HammingAlgorithm::kFlat, HammingAlgorithm::kMih, HammingAlgorithm::kAuto}) {
    for (int bits : {64, 256}) {
      for (size_t n : {size_t{0}, size_t{1}, size_t{1237}}) {
        std::vector<uint8_t> db;
        std::vector<uint64_t> ids;
        auto index = Build(algorithm, bits, n, &db, &ids);
        const std::string path = Path("rt.idx");
        ASSERT_TRUE(index->Save(path).ok());
        for (bool verify : {true, false}) {
          LoadOptions load_options;
          load_options.verify_checksums = verify;
          auto loaded = LoadHammingIndex(path, load_options);
          ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
          EXPECT_EQ((*loaded)->size(), n);
          EXPECT_EQ((*loaded)->code_bits(), bits);
          EXPECT_EQ((*loaded)->algorithm(), index->algorithm());
          const auto queries = NearQueries(db, 8, bits / 8, 5, 30);
          for (int r : {0, 8, 31, 63}) {
            auto got = (*loaded)->Search(queries, r);
            ASSERT_TRUE(got.ok());
            auto want = BruteForce(db, ids, queries, bits / 8, r);
            EXPECT_EQ(got->offsets, want.offsets);
            EXPECT_EQ(got->matches, want.matches);
          }
        }
      }
    }
  }
}

TEST_F(SnapshotTest, AddAfterLoadCopiesOnWriteAndStaysExact) {
  std::vector<uint8_t> db;
  std::vector<uint64_t> ids;
  auto index = Build(HammingAlgorithm::kMih, 256, 1500, &db, &ids);
  const std::string path = Path("add.idx");
  ASSERT_TRUE(index->Save(path).ok());
  auto loaded = LoadHammingIndex(path);
  ASSERT_TRUE(loaded.ok());
  auto more = ClusteredCodes(40, 32, 9, 30);
  std::vector<uint64_t> more_ids(40);
  std::iota(more_ids.begin(), more_ids.end(), 50000);
  ASSERT_TRUE((*loaded)->Add(more, more_ids).ok());
  db.insert(db.end(), more.begin(), more.end());
  ids.insert(ids.end(), more_ids.begin(), more_ids.end());
  const auto queries = NearQueries(db, 8, 32, 6, 30);
  auto got = (*loaded)->Search(queries, 31);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->matches, BruteForce(db, ids, queries, 32, 31).matches);
  // The file is untouched, and a second save/load round-trips the tail too.
  ASSERT_TRUE((*loaded)->Save(path).ok());
  auto again = LoadHammingIndex(path);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)->size(), 1540u);
  auto got2 = (*again)->Search(queries, 31);
  ASSERT_TRUE(got2.ok());
  EXPECT_EQ(got2->matches, got->matches);
}

TEST_F(SnapshotTest, SourceTagAndInfoRoundTrip) {
  std::vector<uint8_t> db;
  std::vector<uint64_t> ids;
  auto index = Build(HammingAlgorithm::kMih, 64, 900, &db, &ids);
  const std::string path = Path("tag.idx");
  SaveOptions save;
  save.source_tag = "store generation 17; hash sets ncmec@42, local@3";
  ASSERT_TRUE(index->Save(path, save).ok());
  auto info = ReadSnapshotInfo(path);
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->algorithm, "mih");
  EXPECT_EQ(info->code_bits, 64);
  EXPECT_EQ(info->count, 900u);
  EXPECT_EQ(info->mih_rows, 900u);
  EXPECT_GT(info->mih_tables, 0);
  EXPECT_EQ(info->source_tag, save.source_tag);
  auto loaded = LoadHammingIndex(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ((*loaded)->size(), 900u);

  save.source_tag.assign(kMaxSourceTagBytes + 1, 'x');
  EXPECT_EQ(index->Save(path, save).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ReadSnapshotInfo(Path("none.idx")).status().code(), StatusCode::kNotFound);
}

TEST_F(SnapshotTest, RefusesMismatchAndCorruption) {
  std::vector<uint8_t> db;
  std::vector<uint64_t> ids;
  auto index = Build(HammingAlgorithm::kMih, 256, 800, &db, &ids);
  const std::string good = Path("good.idx");
  ASSERT_TRUE(index->Save(good).ok());
  const std::vector<uint8_t> bytes = ReadFile(good);
  const std::string bad = Path("bad.idx");

  auto expect_refused = [&](const std::vector<uint8_t>& content, StatusCode code,
                            const std::string& needle, LoadOptions options = {}) {
    WriteFile(bad, content);
    auto loaded = LoadHammingIndex(bad, options);
    ASSERT_FALSE(loaded.ok()) << needle;
    EXPECT_EQ(loaded.status().code(), code) << loaded.status().ToString();
    EXPECT_NE(loaded.status().message().find(needle), std::string::npos)
        << loaded.status().ToString();
    EXPECT_NE(loaded.status().message().find(bad), std::string::npos)
        << "the message names the file: " << loaded.status().ToString();
  };

  LoadOptions want64;
  want64.expected_code_bits = 64;
  expect_refused(bytes, StatusCode::kInvalidArgument, "expected 64-bit codes", want64);

  std::vector<uint8_t> v = bytes;
  v[0] = 'X';
  expect_refused(v, StatusCode::kCorrupt, "bad magic");

  v = bytes;
  v[8] = 2;  // format version
  expect_refused(v, StatusCode::kUnsupported, "format version 2");

  v = bytes;
  v[32] = 9;  // layout version, header checksum fixed up
  FixHeaderChecksum(&v);
  expect_refused(v, StatusCode::kUnsupported, "layout version 9");

  v = bytes;
  std::memcpy(v.data() + 16, "hnsw\0\0\0\0", 8);  // algorithm name
  FixHeaderChecksum(&v);
  expect_refused(v, StatusCode::kUnsupported, "unknown algorithm 'hnsw'");

  v = bytes;
  v[40] ^= 1;  // row count, checksum not fixed
  expect_refused(v, StatusCode::kCorrupt, "header checksum");

  v = bytes;
  v[40] ^= 1;  // row count, checksum fixed: sizes disagree
  FixHeaderChecksum(&v);
  expect_refused(v, StatusCode::kCorrupt, "disagrees");

  v = bytes;
  v[v.size() / 2] ^= 0x10;  // a data byte
  expect_refused(v, StatusCode::kCorrupt, "checksum mismatch");

  v = bytes;
  v.resize(v.size() - 5000);  // truncated
  expect_refused(v, StatusCode::kCorrupt, "disagrees");

  v.assign(bytes.begin(), bytes.begin() + 20);
  expect_refused(v, StatusCode::kCorrupt, "bad magic");

  v = bytes;
  uint64_t ids_offset;  // section 2 (ids): entry at 80 + 2 * 32, offset field at +8
  std::memcpy(&ids_offset, v.data() + size_t{80 + 2 * 32 + 8}, 8);
  v[ids_offset + 3] ^= 0x10;
  expect_refused(v, StatusCode::kCorrupt, "checksum mismatch in section 2");
  LoadOptions lazy;
  lazy.verify_checksums = false;  // a lazy load trusts the data sections
  WriteFile(bad, v);
  auto lazy_loaded = LoadHammingIndex(bad, lazy);
  EXPECT_TRUE(lazy_loaded.ok()) << lazy_loaded.status().ToString();
  v[0] = 'Y';
  WriteFile(bad, v);
  EXPECT_EQ(ReadSnapshotInfo(bad).status().code(), StatusCode::kCorrupt);

  auto missing = LoadHammingIndex(Path("missing.idx"));
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace tantalio::index
