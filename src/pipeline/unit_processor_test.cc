#include "pipeline/unit_processor.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <map>

#include "base/temp_dir.h"
#include "demo/demo_evidence.h"
#include "fingerprint/crypto_digest.h"
#include "pipeline/file_fingerprint.h"
#include "pipeline/scanner.h"

namespace tantalio {
namespace {

std::vector<uint8_t> Bytes(std::string_view s) { return {s.begin(), s.end()}; }
std::string Str(const std::vector<uint8_t>& v) { return {v.begin(), v.end()}; }

// Processes one file as a unit and gathers everything it emits.
struct Processed {
  std::map<std::string, FileRecord> files;
  std::vector<ErrorRecord> errors;
  std::vector<ContentRecord> contents;
  int completed = 0;
};

Processed ProcessFile(const std::string& fs_path, const std::string& forensic_path,
                      ProcessorOptions options = {}, const std::atomic<bool>* cancel = nullptr) {
  DirectoryItem item;
  item.fs_path = fs_path;
  item.forensic_path = forensic_path;
  item.size = std::filesystem::file_size(fs_path);
  Processed out;
  UnitProcessor(options, cancel).Process(item, [&](const UnitOutput& o) {
    for (auto& f : o.files) out.files[f.forensic_path] = f;
    for (auto& e : o.errors) out.errors.push_back(e);
    for (auto& c : o.contents) out.contents.push_back(c);
    out.completed += static_cast<int>(o.completed_units.size());
  });
  return out;
}

bool HasError(const Processed& p, const std::string& needle) {
  for (const auto& e : p.errors) {
    if (e.message.find(needle) != std::string::npos) return true;
  }
  return false;
}

TEST(UnitProcessorTest, PlainFileGetsDigestsTypeAndMismatch) {
  TempDir dir;
  std::string path =
      dir.Write("photo.pdf", std::string("\xff\xd8\xff\xe0", 4) + std::string(100, 'x'));
  Processed p = ProcessFile(path, "dev/photo.pdf");
  ASSERT_EQ(p.files.size(), 1u);
  const FileRecord& f = p.files.at("dev/photo.pdf");
  EXPECT_EQ(f.status, kStatusOk);
  EXPECT_EQ(f.mime, "image/jpeg");
  EXPECT_TRUE(f.extension_mismatch);
  EXPECT_EQ(f.size, 104u);
  EXPECT_EQ(
      f.sha256,
      DigestBytes(Bytes(std::string("\xff\xd8\xff\xe0", 4) + std::string(100, 'x'))).Sha256Hex());
  EXPECT_EQ(p.completed, 1);
}

TEST(UnitProcessorTest, NestedArchivesGetNestedForensicPaths) {
  TempDir dir;
  auto tar = WriteArchive(DemoArchiveFormat::kTarGz, {{"inner/x.txt", Bytes("deep content")}});
  ASSERT_TRUE(tar.ok());
  auto zip = WriteArchive(DemoArchiveFormat::kZip, {{"b.tar.gz", *tar}, {"top.txt", Bytes("top")}});
  ASSERT_TRUE(zip.ok());
  std::string path = dir.Write("a.zip", Str(*zip));
  Processed p = ProcessFile(path, "phone1/DCIM/a.zip");
  EXPECT_TRUE(p.errors.empty()) << p.errors[0].message;
  ASSERT_EQ(p.files.count("phone1/DCIM/a.zip!/b.tar.gz!/inner/x.txt"), 1u);
  const FileRecord& deep = p.files.at("phone1/DCIM/a.zip!/b.tar.gz!/inner/x.txt");
  EXPECT_EQ(deep.depth, 2);
  EXPECT_EQ(deep.sha256, DigestBytes(Bytes("deep content")).Sha256Hex());
  EXPECT_EQ(deep.unit_path, "phone1/DCIM/a.zip");
  EXPECT_EQ(p.files.at("phone1/DCIM/a.zip").status, kStatusOk);
  EXPECT_EQ(p.files.at("phone1/DCIM/a.zip!/b.tar.gz").mime, "application/gzip");
}

TEST(UnitProcessorTest, NestingStopsAtTheDepthLimit) {
  TempDir dir;
  std::vector<uint8_t> data = Bytes("innermost");
  std::string name = "x.txt";
  for (int level = 0; level < 10; ++level) {  // ten zips deep
    auto zip = WriteArchive(DemoArchiveFormat::kZip, {{name, data}});
    ASSERT_TRUE(zip.ok());
    data = *zip;
    name = "level" + std::to_string(level) + ".zip";
  }
  std::string path = dir.Write("nest.zip", Str(data));
  Processed p = ProcessFile(path, "dev/nest.zip");
  EXPECT_TRUE(HasError(p, "nested deeper than 8 levels"));
  int max_depth = 0;
  for (const auto& [fp, f] : p.files) max_depth = std::max(max_depth, f.depth);
  EXPECT_EQ(max_depth, 8);
  EXPECT_EQ(p.files.at("dev/nest.zip").status, kStatusPartial);
}

TEST(UnitProcessorTest, EncryptedEntryIsRecordedNotDropped) {
  TempDir dir;
  auto zip = WriteArchive(DemoArchiveFormat::kZip, {{"secret.jpg", Bytes("hidden"), true}});
  ASSERT_TRUE(zip.ok());
  Processed p = ProcessFile(dir.Write("s.zip", Str(*zip)), "dev/s.zip");
  ASSERT_EQ(p.files.count("dev/s.zip!/secret.jpg"), 1u);
  EXPECT_EQ(p.files.at("dev/s.zip!/secret.jpg").status, kStatusEncrypted);
  EXPECT_TRUE(HasError(p, "encrypted"));
}

TEST(UnitProcessorTest, TruncatedZipKeepsTheFileAndRecordsTheError) {
  TempDir dir;
  std::vector<uint8_t> noise(20000);
  for (size_t i = 0; i < noise.size(); ++i)
    noise[i] = static_cast<uint8_t>((i * 2654435761u) >> 13);
  auto zip = WriteArchive(DemoArchiveFormat::kZip, {{"a.bin", noise}, {"b.bin", noise}});
  ASSERT_TRUE(zip.ok());
  zip->resize(zip->size() * 2 / 3);
  Processed p = ProcessFile(dir.Write("t.zip", Str(*zip)), "dev/t.zip");
  ASSERT_EQ(p.files.count("dev/t.zip"), 1u);
  EXPECT_EQ(p.files.at("dev/t.zip").status, kStatusPartial);
  EXPECT_FALSE(p.files.at("dev/t.zip").sha256.empty());
  ASSERT_FALSE(p.errors.empty());
  EXPECT_EQ(p.errors[0].code, "corrupt") << p.errors[0].message;
  EXPECT_EQ(p.completed, 1);
}

TEST(UnitProcessorTest, ZipBombIsStoppedWithAClearError) {
  TempDir dir;
  auto zip =
      WriteArchive(DemoArchiveFormat::kZip, {{"zeros.bin", std::vector<uint8_t>(64 << 20, 0)}});
  ASSERT_TRUE(zip.ok());
  ASSERT_LT(zip->size(), 1u << 20);
  ProcessorOptions options;
  options.archive.ratio_floor_bytes = 16 << 20;  // the default (256 MiB) is the same check, later
  Processed p = ProcessFile(dir.Write("bomb.zip", Str(*zip)), "dev/bomb.zip", options);
  EXPECT_TRUE(HasError(p, "archive bomb suspected"))
      << (p.errors.empty() ? "" : p.errors[0].message);
  EXPECT_EQ(p.files.at("dev/bomb.zip").status, kStatusPartial);
  EXPECT_EQ(p.files.at("dev/bomb.zip!/zeros.bin").status, kStatusError);
}

TEST(UnitProcessorTest, HostileEntryNamesAreRecordedNeverWritten) {
  TempDir dir;
  auto zip = WriteArchive(
      DemoArchiveFormat::kZip,
      {{"../../etc/passwd", Bytes("x")}, {"/abs/path", Bytes("y")}, {"../escape.txt", Bytes("z")}});
  ASSERT_TRUE(zip.ok());
  std::string path = dir.Write("evil/h.zip", Str(*zip));
  Processed p = ProcessFile(path, "dev/h.zip");
  EXPECT_EQ(p.files.count("dev/h.zip!/../../etc/passwd"), 1u);
  EXPECT_EQ(p.files.count("dev/h.zip!//abs/path"), 1u);
  EXPECT_FALSE(std::filesystem::exists(dir.Sub("escape.txt")));
  size_t entries = 0;
  for (auto& e : std::filesystem::recursive_directory_iterator(dir.path()))
    entries += e.is_regular_file();
  EXPECT_EQ(entries, 1u);  // only the archive itself
}

TEST(UnitProcessorTest, DuplicateEntryNamesAreAllKept) {
  TempDir dir;
  auto zip = WriteArchive(DemoArchiveFormat::kZip,
                          {{"same.txt", Bytes("one")}, {"same.txt", Bytes("two")}});
  ASSERT_TRUE(zip.ok());
  Processed p = ProcessFile(dir.Write("d.zip", Str(*zip)), "dev/d.zip");
  EXPECT_EQ(p.files.count("dev/d.zip!/same.txt"), 1u);
  EXPECT_EQ(p.files.count("dev/d.zip!/same.txt (duplicate entry 2)"), 1u);
}

TEST(UnitProcessorTest, CancelledUnitIsNeverMarkedComplete) {
  TempDir dir;
  std::string path = dir.Write("big.bin", std::string(3 << 20, 'q'));
  std::atomic<bool> cancel{true};
  Processed p = ProcessFile(path, "dev/big.bin", {}, &cancel);
  EXPECT_EQ(p.completed, 0);
  EXPECT_TRUE(p.files.empty());
  EXPECT_TRUE(p.errors.empty());
}

TEST(FileFingerprintTest, FiveGigabyteSparseFileInConstantMemory) {
  TempDir dir;
  std::string path = dir.Sub("sparse.bin");
  int fd = ::open(path.c_str(), O_CREAT | O_WRONLY, 0600);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::ftruncate(fd, int64_t{5} << 30), 0);
  ::close(fd);
  rusage before{};
  ::getrusage(RUSAGE_SELF, &before);
  auto fp = FingerprintFile(path, nullptr);
  rusage after{};
  ::getrusage(RUSAGE_SELF, &after);
  ASSERT_TRUE(fp.ok()) << fp.status().ToString();
  EXPECT_EQ(fp->size, uint64_t{5} << 30);
  // SHA-256 of 5 GiB of zero bytes, from: head -c 5368709120 /dev/zero | sha256sum
  EXPECT_EQ(fp->digests.Sha256Hex(),
            "7f06c62352aebd8125b2a1841e2b9e1ffcbed602f381c3dcb3200200e383d1d5");
  EXPECT_LT(after.ru_maxrss - before.ru_maxrss, 64 * 1024) << "peak RSS grew by more than 64 MiB";
}

}  // namespace
}  // namespace tantalio
