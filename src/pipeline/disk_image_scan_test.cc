// Scanning forensic disk images end to end: a FAT file system with a live
// photo, a zip, a deleted photo and a photo in free space, acquired with
// ewfacquire (split E01) or kept raw, scanned into a store. The fixtures are
// built with mkfs.fat, mtools and ewfacquire, without mounting anything.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>

#include "base/temp_dir.h"
#include "demo/demo_evidence.h"
#include "evidence/evidence_test_util.h"
#include "fingerprint/crypto_digest.h"
#include "media/synthetic_image.h"
#include "pipeline/case_export.h"
#include "pipeline/scan_test_util.h"
#include "pipeline/scanner.h"
#include "store/store.h"

namespace tantalio {
namespace {

using testing_util::HaveTool;
using testing_util::Shell;

std::vector<uint8_t> Jpeg(uint64_t seed) {
  auto jpeg = EncodeJpeg(GeneratePattern(320, 240, seed), 85);
  EXPECT_TRUE(jpeg.ok());
  return jpeg.ok() ? *jpeg : std::vector<uint8_t>{};
}

std::string Sha256(const std::vector<uint8_t>& bytes) { return DigestBytes(bytes).Sha256Hex(); }

std::string Md5OfFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  return DigestBytes(bytes).Md5Hex();
}

uint32_t Adler32(const uint8_t* p, size_t n) {
  uint32_t a = 1, b = 0;
  for (size_t i = 0; i < n; ++i) {
    a = (a + p[i]) % 65521;
    b = (b + a) % 65521;
  }
  return (b << 16) | a;
}

// Flips a bit of the MD5 stored in an EWF segment's "hash" and "digest"
// sections and re-seals their checksums, as a tampered or mis-recorded
// acquisition hash would look. Returns how many sections were changed.
int CorruptStoredMd5(const std::string& segment) {
  std::fstream f(segment, std::ios::in | std::ios::out | std::ios::binary);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  constexpr size_t kDescriptor = 76;  // type[16] next[8] size[8] padding[40] checksum[4]
  int changed = 0;
  for (const auto& [type, sealed] :
       {std::pair<std::string, size_t>{"hash", 32}, std::pair<std::string, size_t>{"digest", 76}}) {
    std::string key = type;
    key.resize(16, '\0');
    for (size_t at = 0; at + kDescriptor + sealed + 4 <= bytes.size(); ++at) {
      if (std::memcmp(bytes.data() + at, key.data(), key.size()) != 0) continue;
      uint8_t* data = bytes.data() + at + kDescriptor;
      data[0] ^= 0x01;
      const uint32_t sum = Adler32(data, sealed);
      for (int i = 0; i < 4; ++i) data[sealed + i] = static_cast<uint8_t>(sum >> (8 * i));
      ++changed;
      break;
    }
  }
  f.seekp(0);
  f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  return changed;
}

class DiskImageScanTest : public ::testing::Test {
 protected:
  static constexpr uint64_t kCarvedOffset = 6u << 20;  // in the FAT's free data area

  void SetUp() override {
    for (const char* tool : {"mkfs.fat", "mcopy", "mdel", "mmd", "ewfacquire"}) {
      if (!HaveTool(tool))
        GTEST_SKIP() << tool << " is not installed (scripts/setup.sh installs it)";
    }
    photo_ = Jpeg(1);
    gone_ = Jpeg(2);
    inner_ = Jpeg(3);
    carved_ = Jpeg(4);
    auto zip = WriteArchive(DemoArchiveFormat::kZip, {ArchiveMember{"inner.jpg", inner_, false}});
    ASSERT_TRUE(zip.ok());
    dir_.Write("photo.jpg", std::string(photo_.begin(), photo_.end()));
    dir_.Write("gone.jpg", std::string(gone_.begin(), gone_.end()));
    dir_.Write("carved.jpg", std::string(carved_.begin(), carved_.end()));
    dir_.Write("album.zip", std::string(zip->begin(), zip->end()));
    const std::string d = dir_.path() + "/";
    raw_ = d + "fat.img";
    ASSERT_EQ(
        Shell("mkfs.fat -C '" + raw_ + "' 8192 && mmd -i '" + raw_ + "' ::DCIM && mcopy -i '" +
              raw_ + "' '" + d + "photo.jpg' ::DCIM/photo.jpg && mcopy -i '" + raw_ + "' '" + d +
              "album.zip' ::album.zip && mcopy -i '" + raw_ + "' '" + d +
              "gone.jpg' ::gone.jpg && mdel -i '" + raw_ + "' ::gone.jpg && dd if='" + d +
              "carved.jpg' of='" + raw_ + "' bs=1M seek=6 conv=notrunc status=none"),
        0);
    std::filesystem::create_directory(d + "evidence");
    ASSERT_EQ(Shell("cd '" + d +
                    "evidence' && ewfacquire -u -q -t laptop -c none -S 1048576"
                    " -e 'Examiner One' -C CASE-8 -E EV-1 -D 'benign test disk' -d sha1"
                    " -f encase6 '" +
                    raw_ + "'"),
              0);
    auto store = Store::Open("sqlite:" + dir_.Sub("case.db"));
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    auto c = store_->CreateCase(CaseInfo{0, "op", "", "", ""});
    ASSERT_TRUE(c.ok());
    case_ = *c;
  }

  ScanSummary ScanInto(const std::string& device, const std::string& evidence,
                       ScanOptions options = {}, bool match = false) {
    options.match_hash_sets = match;
    return testing_util::ScanFolder(*store_, case_, device, evidence, options);
  }

  std::map<std::string, FileRow> Files() {
    std::map<std::string, FileRow> out;
    EXPECT_TRUE(store_
                    ->ForEachFile(case_.id, std::nullopt,
                                  [&](const FileRow& row) {
                                    out[row.file.forensic_path] = row;
                                    return true;
                                  })
                    .ok());
    return out;
  }

  std::vector<StoredError> Errors() { return testing_util::CaseErrors(*store_, case_.id); }

  // The first file whose path ends with `suffix` and has `allocation`.
  static const FileRow* Find(const std::map<std::string, FileRow>& files, std::string_view suffix,
                             std::string_view allocation) {
    for (const auto& [path, row] : files) {
      if (path.ends_with(suffix) && row.file.allocation == allocation) return &row;
    }
    return nullptr;
  }

  static const FileRow* FindContent(const std::map<std::string, FileRow>& files,
                                    const std::string& sha256, std::string_view allocation) {
    for (const auto& [path, row] : files) {
      if (row.file.sha256 == sha256 && row.file.allocation == allocation) return &row;
    }
    return nullptr;
  }

  TempDir dir_;
  std::string raw_;
  std::vector<uint8_t> photo_, gone_, inner_, carved_;
  std::unique_ptr<Store> store_;
  CaseInfo case_;
};

TEST_F(DiskImageScanTest, SplitE01IsOpenedWalkedCarvedAndVerified) {
  ScanSummary summary = ScanInto("laptop", dir_.Sub("evidence"));
  ASSERT_EQ(summary.disk_images.size(), 1u);
  const DiskImageRecord& image = summary.disk_images[0];
  EXPECT_EQ(image.forensic_path, "laptop/laptop.E01");
  EXPECT_EQ(image.format, "ewf");
  EXPECT_EQ(image.integrity, kIntegrityVerified) << image.integrity_detail;
  EXPECT_EQ(image.stored_md5, Md5OfFile(raw_));
  EXPECT_EQ(image.computed_md5, image.stored_md5);
  EXPECT_FALSE(image.stored_sha1.empty());
  EXPECT_EQ(image.examiner, "Examiner One");
  EXPECT_EQ(image.case_number, "CASE-8");
  EXPECT_GT(image.segments.find("laptop.E02"), 0u);
  EXPECT_NE(image.volumes.find("FAT"), std::string::npos) << image.volumes;
  EXPECT_GE(image.deleted, 1u);
  EXPECT_GE(image.carved, 1u);
  EXPECT_GE(summary.deleted_files, 1u);
  EXPECT_GE(summary.carved_files, 1u);

  auto files = Files();
  const FileRow* photo = Find(files, "/DCIM/photo.jpg", kAllocationAllocated);
  ASSERT_NE(photo, nullptr);
  EXPECT_EQ(photo->file.forensic_path.rfind("laptop/laptop.E01/FAT", 0), 0u)
      << photo->file.forensic_path;
  EXPECT_EQ(photo->file.sha256, Sha256(photo_));
  EXPECT_TRUE(photo->file.inode.has_value());
  EXPECT_TRUE(photo->file.mtime.has_value());
  EXPECT_FALSE(photo->pdq.empty()) << "files inside images are fingerprinted like any file";
  EXPECT_EQ(photo->file.unit_path, "laptop/laptop.E01");

  const FileRow* inner = Find(files, "/album.zip!/inner.jpg", "");
  ASSERT_NE(inner, nullptr) << "archives inside images are expanded";
  EXPECT_EQ(inner->file.sha256, Sha256(inner_));

  const FileRow* gone = FindContent(files, Sha256(gone_), kAllocationDeleted);
  ASSERT_NE(gone, nullptr) << "the deleted photo is recovered";

  const FileRow* carved = FindContent(files, Sha256(carved_), kAllocationCarved);
  ASSERT_NE(carved, nullptr) << "the photo written to free space is carved";
  EXPECT_NE(carved->file.forensic_path.find("$Unallocated/carved-at-" +
                                            std::to_string(kCarvedOffset) + ".jpg"),
            std::string::npos)
      << carved->file.forensic_path;
  EXPECT_FALSE(carved->pdq.empty());

  // The image file itself, and its later segments, are evidence files too.
  ASSERT_TRUE(files.contains("laptop/laptop.E01"));
  EXPECT_EQ(files.at("laptop/laptop.E01").file.status, kStatusOk);
  ASSERT_TRUE(files.contains("laptop/laptop.E02"));
  EXPECT_NE(files.at("laptop/laptop.E02").file.note.find("later segment"), std::string::npos);

  auto stored = store_->ListDiskImages(case_.id, std::nullopt);
  ASSERT_TRUE(stored.ok());
  ASSERT_EQ(stored->size(), 1u);
  EXPECT_EQ((*stored)[0].image.integrity, kIntegrityVerified);

  // Verify reads the image again and finds it unchanged.
  auto device = store_->FindDevice(case_.id, "laptop");
  ASSERT_TRUE(device.ok());
  auto report = Verify(*store_, case_, *device, ScanOptions{}, nullptr, nullptr);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->clean());
  ASSERT_EQ(report->disk_images.size(), 1u);
  EXPECT_EQ(report->disk_images[0].integrity, kIntegrityVerified);
}

TEST_F(DiskImageScanTest, InterruptedImageResumesWithoutReadingStoredFilesAgain) {
  ScanSummary reference = ScanInto("ref", dir_.Sub("evidence"));
  const auto reference_files = Files();
  const FileRow* photo = Find(reference_files, "/DCIM/photo.jpg", kAllocationAllocated);
  ASSERT_NE(photo, nullptr);
  // What an interrupted run leaves: one file of the image stored, the unit not completed.
  auto device = store_->GetOrCreateDevice(case_.id, "laptop");
  ASSERT_TRUE(device.ok());
  IngestBatch interrupted;
  interrupted.device_id = device->id;
  FileRecord stored = photo->file;
  stored.forensic_path = "laptop" + stored.forensic_path.substr(3);
  stored.unit_path = "laptop/laptop.E01";
  interrupted.files.push_back(stored);
  auto applied = store_->Apply(interrupted);
  ASSERT_TRUE(applied.ok()) << applied.status().ToString();

  ScanSummary resumed = ScanInto("laptop", dir_.Sub("evidence"));
  EXPECT_EQ(resumed.resumed_files, 1u);
  EXPECT_EQ(resumed.files, reference.files - 1);
  ASSERT_EQ(resumed.disk_images.size(), 1u);
  EXPECT_EQ(resumed.disk_images[0].files, reference.disk_images[0].files);
  EXPECT_EQ(resumed.disk_images[0].integrity, kIntegrityVerified);
  size_t laptop_files = 0, ref_files = 0;
  for (const auto& [path, row] : Files()) (row.device == "laptop" ? laptop_files : ref_files)++;
  EXPECT_EQ(laptop_files, ref_files) << "the resumed device ends with the same files";
}

TEST_F(DiskImageScanTest, ExportCopiesContentsFoundOnlyInsideAnImage) {
  // The deleted and the carved photo exist nowhere but in the image.
  auto import = store_->BeginHashSetImport(HashSetInfo::Named("reference", kKindIllegal));
  ASSERT_TRUE(import.ok());
  for (const auto* photo : {&gone_, &carved_, &inner_}) {
    formats::HashSetEntry entry;
    entry.sha256 = Sha256(*photo);
    entry.category = 1;
    ASSERT_TRUE((*import)->Add(entry).ok());
  }
  ASSERT_TRUE((*import)->Commit({}).ok());
  ScanInto("laptop", dir_.Sub("evidence"), ScanOptions{}, /*match=*/true);

  CaseExportOptions options;
  options.out_dir = dir_.Sub("export");
  options.with_files = true;
  auto exported = ExportCaseVics(*store_, case_, options);
  ASSERT_TRUE(exported.ok()) << exported.status().ToString();
  EXPECT_TRUE(exported->file_problems.empty())
      << (exported->file_problems.empty() ? "" : exported->file_problems[0]);
  EXPECT_EQ(exported->media, 3u);
  EXPECT_EQ(exported->files_written, 3u) << "deleted, carved and zipped-in-image contents copied";
  size_t copied = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(options.out_dir)) {
    if (!e.is_regular_file() || e.path().extension() == ".json") continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                               std::istreambuf_iterator<char>());
    const std::string sha = Sha256(bytes);
    EXPECT_TRUE(sha == Sha256(gone_) || sha == Sha256(carved_) || sha == Sha256(inner_))
        << e.path();
    ++copied;
  }
  EXPECT_EQ(copied, 3u);
}

TEST_F(DiskImageScanTest, RawImageHasComputedHashesAndNoStoredOnes) {
  ScanSummary summary = ScanInto("card", raw_);
  ASSERT_EQ(summary.disk_images.size(), 1u);
  const DiskImageRecord& image = summary.disk_images[0];
  EXPECT_EQ(image.forensic_path, "card/fat.img");
  EXPECT_EQ(image.format, "raw");
  EXPECT_EQ(image.integrity, kIntegrityNoStoredHash);
  EXPECT_EQ(image.computed_md5, Md5OfFile(raw_));
  auto files = Files();
  EXPECT_NE(Find(files, "/DCIM/photo.jpg", kAllocationAllocated), nullptr);
  EXPECT_EQ(files.at("card/fat.img").md5, Md5OfFile(raw_));
}

TEST_F(DiskImageScanTest, SplitRawImageIsReadAcrossSegments) {
  if (!HaveTool("split")) GTEST_SKIP() << "coreutils split is not installed";
  ASSERT_EQ(Shell("mkdir -p '" + dir_.Sub("split") +
                  "' && split -b 3145728 -d -a 3 "
                  "--numeric-suffixes=1 '" +
                  raw_ + "' '" + dir_.Sub("split/card.") + "'"),
            0);
  ScanSummary summary = ScanInto("card", dir_.Sub("split"));
  ASSERT_EQ(summary.disk_images.size(), 1u);
  const DiskImageRecord& image = summary.disk_images[0];
  EXPECT_EQ(image.forensic_path, "card/card.001");
  EXPECT_EQ(image.format, "split raw");
  EXPECT_EQ(image.segments, "card.001\ncard.002\ncard.003");
  EXPECT_EQ(image.computed_md5, Md5OfFile(raw_)) << "the media hash spans every segment";
  auto files = Files();
  EXPECT_NE(Find(files, "/DCIM/photo.jpg", kAllocationAllocated), nullptr);
  EXPECT_NE(files.at("card/card.002").file.note.find("later segment"), std::string::npos);
}

TEST_F(DiskImageScanTest, RawImageIsRecognisedByContentWhateverItsName) {
  std::filesystem::create_directory(dir_.Sub("dump"));
  std::filesystem::copy_file(raw_, dir_.Sub("dump/mmcblk0p1"));
  ScanSummary summary = ScanInto("phone", dir_.Sub("dump"));
  ASSERT_EQ(summary.disk_images.size(), 1u);
  EXPECT_EQ(summary.disk_images[0].forensic_path, "phone/mmcblk0p1");
  EXPECT_NE(Find(Files(), "/DCIM/photo.jpg", kAllocationAllocated), nullptr);
}

TEST_F(DiskImageScanTest, TruncatedImageKeepsWhatCanBeRead) {
  // Cut the image after the file system's metadata and first files.
  std::filesystem::resize_file(raw_, 6u << 20);
  ScanSummary summary = ScanInto("card", raw_);
  ASSERT_EQ(summary.disk_images.size(), 1u);
  auto files = Files();
  const FileRow* photo = Find(files, "/DCIM/photo.jpg", kAllocationAllocated);
  ASSERT_NE(photo, nullptr) << "files before the cut are still read";
  EXPECT_EQ(photo->file.sha256, Sha256(photo_));
  EXPECT_TRUE(files.contains("card/fat.img"));
  bool truncated = false;
  for (const StoredError& e : Errors()) {
    truncated |= e.error.message.find("the image is truncated") != std::string::npos;
  }
  EXPECT_TRUE(truncated) << "the truncation is an error row";
}

TEST_F(DiskImageScanTest, CarvingCanBeTurnedOffAndImagesReadAsPlainFiles) {
  ScanOptions no_carve;
  no_carve.processor.disk_images.carve = false;
  ScanSummary summary = ScanInto("laptop", dir_.Sub("evidence"), no_carve);
  EXPECT_EQ(summary.carved_files, 0u);
  ASSERT_EQ(summary.disk_images.size(), 1u);
  EXPECT_EQ(summary.disk_images[0].integrity, kIntegrityVerified);

  ScanOptions as_files;
  as_files.processor.disk_images.open = false;
  summary = ScanInto("card", raw_, as_files);
  EXPECT_TRUE(summary.disk_images.empty());
  EXPECT_EQ(summary.files, 1u);
}

TEST_F(DiskImageScanTest, WrongStoredHashIsReportedLoudly) {
  // The hash sections live in the last segment.
  std::string last;
  for (const auto& e : std::filesystem::directory_iterator(dir_.Sub("evidence"))) {
    if (last.empty() || e.path().string() > last) last = e.path().string();
  }
  ASSERT_GE(CorruptStoredMd5(last), 1);
  ScanSummary summary = ScanInto("laptop", dir_.Sub("evidence"));
  ASSERT_EQ(summary.disk_images.size(), 1u);
  const DiskImageRecord& image = summary.disk_images[0];
  EXPECT_EQ(image.integrity, kIntegrityMismatch) << image.integrity_detail;
  EXPECT_NE(image.integrity_detail.find("MD5 stored"), std::string::npos);
  EXPECT_EQ(image.computed_md5, Md5OfFile(raw_));
  bool error_row = false;
  for (const StoredError& e : Errors()) error_row |= e.error.stage == "integrity";
  EXPECT_TRUE(error_row) << "a mismatch is also an error row";
  // Files are still read: the mismatch does not hide the content.
  EXPECT_NE(Find(Files(), "/DCIM/photo.jpg", kAllocationAllocated), nullptr);

  auto device = store_->FindDevice(case_.id, "laptop");
  ASSERT_TRUE(device.ok());
  auto report = Verify(*store_, case_, *device, ScanOptions{}, nullptr, nullptr);
  ASSERT_TRUE(report.ok());
  EXPECT_FALSE(report->clean());
  EXPECT_EQ(report->IntegrityFailures(), 1u);
}

TEST_F(DiskImageScanTest, CorruptSegmentIsReportedAndTheRestIsRead) {
  // Overwrite chunk data in the middle of the last data segment (no compression).
  ASSERT_EQ(Shell("printf 'CORRUPTCORRUPTCORRUPT' | dd of='" + dir_.Sub("evidence/laptop.E05") +
                  "' bs=1 seek=300000 conv=notrunc status=none"),
            0);
  ScanSummary summary = ScanInto("laptop", dir_.Sub("evidence"));
  ASSERT_EQ(summary.disk_images.size(), 1u);
  EXPECT_TRUE(IntegrityFailed(summary.disk_images[0].integrity))
      << summary.disk_images[0].integrity << ": " << summary.disk_images[0].integrity_detail;
  EXPECT_NE(Find(Files(), "/DCIM/photo.jpg", kAllocationAllocated), nullptr);
}

TEST_F(DiskImageScanTest, MissingSegmentIsAClearError) {
  std::filesystem::remove(dir_.Sub("evidence/laptop.E03"));
  ScanSummary summary = ScanInto("laptop", dir_.Sub("evidence"));
  EXPECT_TRUE(summary.disk_images.empty());
  bool named = false;
  for (const StoredError& e : Errors()) {
    named |= e.error.stage == "disk image" && e.error.message.find("E03") != std::string::npos;
  }
  EXPECT_TRUE(named) << "the missing segment is named";
  EXPECT_TRUE(Files().contains("laptop/laptop.E01")) << "the file is still hashed";
}

}  // namespace
}  // namespace tantalio
