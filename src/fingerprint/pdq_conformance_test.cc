// Bit-exact conformance with the reference PDQ core on ../shared/pdq-vectors
// (spec pdq.md §5), at every SIMD level this CPU supports.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "base/cpu_features.h"
#include "fingerprint/pdq.h"
#include "media/image_decoder.h"

namespace tantalio {
namespace {

namespace fs = std::filesystem;

fs::path VectorsDir() { return fs::path(TANTALIO_SHARED_DIR) / "pdq-vectors"; }

struct Row {
  std::string path;  // relative to the images folder
  int width = 0;
  int height = 0;
  int quality = 0;
  std::vector<std::string> hashes;  // 8 variants, or 1 (original only)
  bool quality_only = false;
};

std::vector<std::string> SplitCsv(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream in(line);
  std::string field;
  while (std::getline(in, field, ',')) out.push_back(field);
  return out;
}

// pdq-core-fullres.csv: path,width,height,quality,8 hashes.
std::vector<Row> ReadCoreCsv(const fs::path& file) {
  std::vector<Row> rows;
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto f = SplitCsv(line);
    if (f.size() < 12) continue;
    Row row{f[0], std::stoi(f[1]), std::stoi(f[2]), std::stoi(f[3]), {}, false};
    row.hashes.assign(f.begin() + 4, f.begin() + 12);
    rows.push_back(row);
  }
  return rows;
}

Result<std::vector<uint8_t>> ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError("open " + path.string());
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(in)), {});
}

// Decodes and hashes one file at `level`; compares with `row`. Returns an
// empty string when everything matches, else a description.
std::string CheckRow(const fs::path& image_path, const Row& row, SimdLevel level) {
  auto bytes = ReadFile(image_path);
  if (!bytes.ok()) return bytes.status().ToString();
  auto decoded = DecodeImage(*bytes);
  if (!decoded.ok()) return "decode: " + decoded.status().ToString();
  if (decoded->width != row.width || decoded->height != row.height) {
    return "size " + std::to_string(decoded->width) + "x" + std::to_string(decoded->height);
  }
  PdqHasher hasher(level);
  auto result = hasher.HashDihedral(
      PdqImageView{decoded->pixels.data(), decoded->width, decoded->height, decoded->channels, 0});
  if (!result.ok()) return "hash: " + result.status().ToString();
  std::string problems;
  if (result->quality != row.quality) {
    problems +=
        "quality " + std::to_string(result->quality) + " != " + std::to_string(row.quality) + "; ";
  }
  if (row.quality_only) return problems;
  for (size_t v = 0; v < row.hashes.size(); ++v) {
    const std::string got = result->hashes[v].ToHex();
    if (got != row.hashes[v]) {
      auto want = PdqHash::FromHex(row.hashes[v]);
      problems += std::string(PdqVariantName(static_cast<PdqVariant>(v))) + " off by " +
                  (want.ok() ? std::to_string(PdqDistance(result->hashes[v], *want)) : "?") +
                  " bits; ";
    }
  }
  return problems;
}

class PdqConformanceTest : public ::testing::TestWithParam<SimdLevel> {
 protected:
  void SetUp() override {
    if (!fs::exists(VectorsDir() / "expected" / "pdq-core-fullres.csv")) {
      GTEST_SKIP() << "PDQ conformance vectors not found at " << VectorsDir()
                   << " (TANTALIO_SHARED_DIR); skipping";
    }
    if (!PdqSupportsSimdLevel(GetParam())) {
      GTEST_SKIP() << "this CPU cannot run PDQ's " << SimdLevelName(GetParam()) << " kernels";
    }
  }
};

TEST_P(PdqConformanceTest, CoreFullResolutionAll49) {
  const auto rows = ReadCoreCsv(VectorsDir() / "expected" / "pdq-core-fullres.csv");
  ASSERT_EQ(rows.size(), 49u);
  int passed = 0;
  for (const Row& row : rows) {
    const std::string problems = CheckRow(VectorsDir() / "images" / row.path, row, GetParam());
    EXPECT_EQ(problems, "") << row.path;
    if (problems.empty()) ++passed;
  }
  std::cout << "[pdq] " << SimdLevelName(GetParam()) << ": " << passed << " of " << rows.size()
            << " images bit-exact (hash, 8 variants, quality)\n";
}

// The synthetic images (decoder independent): exact 64x64 path, odd and even
// windows, minimum size, below minimum, flat (quality only) and tall.
TEST_P(PdqConformanceTest, Synthetic) {
  std::ifstream in(VectorsDir() / "expected" / "synthetic.csv");
  std::string line;
  int checked = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto f = SplitCsv(line);
    if (f.size() < 13 || f[0] != "core-fullres") continue;
    Row row{f[1], std::stoi(f[2]), std::stoi(f[3]), std::stoi(f[4]), {}, false};
    row.hashes.assign(f.begin() + 5, f.begin() + 13);
    row.quality_only = row.path.find("flat") != std::string::npos;
    EXPECT_EQ(CheckRow(VectorsDir() / "synthetic" / row.path, row, GetParam()), "") << row.path;
    ++checked;
  }
  EXPECT_EQ(checked, 7);
}

// python-threatexchange's resources: 16-bit grey (scaled, not clipped), LA,
// letterboxed photo. Core column only.
TEST_P(PdqConformanceTest, PytxResourcesCoreColumn) {
  std::ifstream in(VectorsDir() / "expected" / "pytx-resources.csv");
  std::string line;
  int checked = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto f = SplitCsv(line);
    if (f.size() < 5) continue;
    Row row{f[0], std::stoi(f[1]), std::stoi(f[2]), std::stoi(f[3]), {f[4]}, false};
    EXPECT_EQ(CheckRow(VectorsDir() / "images" / "pytx-resources" / row.path, row, GetParam()), "")
        << row.path;
    ++checked;
  }
  EXPECT_EQ(checked, 5);
}

INSTANTIATE_TEST_SUITE_P(AllSimdLevels, PdqConformanceTest,
                         ::testing::Values(SimdLevel::kScalar, SimdLevel::kAvx2,
                                           SimdLevel::kAvx512),
                         [](const ::testing::TestParamInfo<SimdLevel>& param) {
                           return std::string(SimdLevelName(param.param));
                         });

}  // namespace
}  // namespace tantalio
