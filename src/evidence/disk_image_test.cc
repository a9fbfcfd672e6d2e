#include "evidence/disk_image.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "base/temp_dir.h"
#include "evidence/evidence_test_util.h"

namespace tantalio {
namespace {

// Benign, deterministic, incompressible-looking bytes.
std::string PatternBytes(size_t size, uint32_t seed) {
  std::string bytes(size, '\0');
  uint32_t x = seed * 2654435761u + 1;
  for (size_t i = 0; i < size; ++i) {
    x = x * 1664525u + 1013904223u;
    bytes[i] = static_cast<char>(x >> 24);
  }
  return bytes;
}

using testing_util::HaveTool;
using testing_util::Shell;

std::string ReadAll(const DiskImage& image) {
  std::string out(image.Size(), '\0');
  auto n = image.ReadAt(0, std::span<uint8_t>(reinterpret_cast<uint8_t*>(out.data()), out.size()));
  EXPECT_TRUE(n.ok()) << n.status().ToString();
  if (n.ok()) {
    EXPECT_EQ(*n, out.size());
  }
  return out;
}

std::string Md5Of(const std::string& path) {
  std::string out;
  FILE* p = ::popen(("md5sum '" + path + "'").c_str(), "r");
  if (p == nullptr) return out;
  char buf[64] = {};
  if (std::fgets(buf, sizeof(buf), p) != nullptr) out.assign(buf, 32);
  ::pclose(p);
  return out;
}

// Makes `dir/base.E01...` from `input` with a small segment size.
bool MakeEwf(const TempDir& dir, const std::string& input, const std::string& base) {
  return Shell("cd '" + dir.path() + "' && ewfacquire -u -q -t " + base +
               " -c none -C CASE-17 -D 'benign test disk' -E EV-3 -e 'Examiner One' -N 'test notes'"
               " -S 1048576 -d sha1 -f encase6 '" +
               input + "'") == 0;
}

TEST(DiskImageTest, DetectsByContentAndName) {
  const uint8_t evf[8] = {'E', 'V', 'F', 0x09, 0x0d, 0x0a, 0xff, 0x00};
  const uint8_t lvf[8] = {'L', 'V', 'F', 0x09, 0x0d, 0x0a, 0xff, 0x00};
  const uint8_t zeros[8] = {};
  EXPECT_EQ(DetectDiskImage("x.bin", evf), DiskImageKind::kEwf);
  EXPECT_EQ(DetectDiskImage("x.L01", lvf), DiskImageKind::kLogicalEwf);
  EXPECT_EQ(DetectDiskImage("disk.001", zeros), DiskImageKind::kSplitRaw);
  EXPECT_EQ(DetectDiskImage("dir/disk.DD", zeros), DiskImageKind::kRaw);
  EXPECT_EQ(DetectDiskImage("photo.jpg", zeros), DiskImageKind::kNotAnImage);
  // Raw media by content, whatever the name.
  std::vector<uint8_t> gpt(4096, 0);
  std::memcpy(gpt.data() + 512, "EFI PART", 8);
  EXPECT_EQ(DetectDiskImage("evidence.bin", gpt), DiskImageKind::kRaw);
  std::vector<uint8_t> ntfs(4096, 0);
  std::memcpy(ntfs.data() + 3, "NTFS    ", 8);
  ntfs[510] = 0x55;
  ntfs[511] = 0xAA;
  EXPECT_EQ(DetectDiskImage("sda2", ntfs), DiskImageKind::kRaw);
  std::vector<uint8_t> mbr(4096, 0);
  mbr[510] = 0x55;
  mbr[511] = 0xAA;
  EXPECT_EQ(DetectDiskImage("sdb", mbr), DiskImageKind::kNotAnImage) << "no partition entry";
  mbr[446 + 4] = 0x0c;  // FAT32 LBA
  mbr[446 + 8] = 0x00;  // start sector 2048
  mbr[446 + 9] = 0x08;
  mbr[446 + 12] = 0x00;  // 4096 sectors
  mbr[446 + 13] = 0x10;
  EXPECT_EQ(DetectDiskImage("sdb", mbr), DiskImageKind::kRaw);
  mbr[446] = 0x17;  // an invalid status byte: boot code, not a partition table
  EXPECT_EQ(DetectDiskImage("sdb", mbr), DiskImageKind::kNotAnImage);
  std::vector<uint8_t> ext4(4096, 0);
  ext4[1024] = 16;      // inodes
  ext4[1024 + 4] = 64;  // blocks
  ext4[1024 + 24] = 2;  // 4 KiB blocks
  ext4[1024 + 56] = 0x53;
  ext4[1024 + 57] = 0xEF;
  EXPECT_EQ(DetectDiskImage("userdata", ext4), DiskImageKind::kRaw);
  EXPECT_TRUE(LooksLikeDiskImageName("laptop.E01"));
  EXPECT_TRUE(LooksLikeDiskImageName("a/b/disk.img"));
  EXPECT_TRUE(LooksLikeDiskImageName("disk.001"));
  EXPECT_FALSE(LooksLikeDiskImageName("notes.txt"));
  EXPECT_FALSE(LooksLikeDiskImageName("E01"));
}

TEST(DiskImageTest, RawImageReadsBack) {
  TempDir dir;
  const std::string bytes = PatternBytes(300000, 1);
  const std::string path = dir.Write("disk.dd", bytes);
  auto image = OpenDiskImage(path);
  ASSERT_TRUE(image.ok()) << image.status().ToString();
  EXPECT_EQ((*image)->info().format, "raw");
  EXPECT_EQ((*image)->Size(), bytes.size());
  ASSERT_EQ((*image)->info().segments.size(), 1u);
  EXPECT_EQ(ReadAll(**image), bytes);
  uint8_t tail[10];
  auto n = (*image)->ReadAt(bytes.size() - 4, tail);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 4u);
  auto verified = VerifyDiskImage(**image);
  ASSERT_TRUE(verified.ok()) << verified.status().ToString();
  EXPECT_FALSE(verified->has_stored);
  EXPECT_EQ(verified->md5, Md5Of(path));
}

TEST(DiskImageTest, L01IsUnsupported) {
  TempDir dir;
  const std::string path =
      dir.Write("files.L01", std::string("LVF\x09\x0d\x0a\xff\x00", 8) + PatternBytes(100, 2));
  auto image = OpenDiskImage(path);
  ASSERT_FALSE(image.ok());
  EXPECT_EQ(image.status().code(), StatusCode::kUnsupported);
}

class SplitRawTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!HaveTool("split")) GTEST_SKIP() << "coreutils split is not installed";
    bytes_ = PatternBytes(2500000, 3);
    whole_ = dir_.Write("whole.raw", bytes_);
    ASSERT_EQ(Shell("cd '" + dir_.path() +
                    "' && split -b 1000000 --numeric-suffixes=1 -a 3 whole.raw disk."),
              0);
  }
  TempDir dir_;
  std::string bytes_, whole_;
};

TEST_F(SplitRawTest, ReadsAcrossSegments) {
  auto image = OpenDiskImage(dir_.Sub("disk.001"));
  ASSERT_TRUE(image.ok()) << image.status().ToString();
  const DiskImageInfo& info = (*image)->info();
  EXPECT_EQ(info.format, "split raw");
  ASSERT_EQ(info.segments.size(), 3u);
  EXPECT_EQ(info.segments[2], dir_.Sub("disk.003"));
  EXPECT_EQ((*image)->Size(), bytes_.size());
  EXPECT_EQ(ReadAll(**image), bytes_);
  // A read that spans the boundary between segments 1 and 2.
  std::string span(64, '\0');
  auto n =
      (*image)->ReadAt(999980, std::span<uint8_t>(reinterpret_cast<uint8_t*>(span.data()), 64));
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(span, bytes_.substr(999980, 64));
  auto verified = VerifyDiskImage(**image);
  ASSERT_TRUE(verified.ok());
  EXPECT_EQ(verified->md5, Md5Of(whole_));
}

TEST_F(SplitRawTest, MissingMiddleSegmentIsNamed) {
  ASSERT_EQ(::unlink(dir_.Sub("disk.002").c_str()), 0);
  auto image = OpenDiskImage(dir_.Sub("disk.001"));
  ASSERT_FALSE(image.ok());
  EXPECT_EQ(image.status().code(), StatusCode::kNotFound);
  EXPECT_NE(image.status().message().find("disk.002"), std::string::npos)
      << image.status().ToString();
}

class EwfTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!HaveTool("ewfacquire")) GTEST_SKIP() << "ewfacquire (Debian ewf-tools) is not installed";
    bytes_ = PatternBytes(3 * 1024 * 1024 + 512 * 7, 4);  // whole sectors, 4 segments
    whole_ = dir_.Write("whole.raw", bytes_);
    ASSERT_TRUE(MakeEwf(dir_, whole_, "laptop"));
  }
  TempDir dir_;
  std::string bytes_, whole_;
};

TEST_F(EwfTest, ReadsMetadataAndMedia) {
  auto image = OpenDiskImage(dir_.Sub("laptop.E01"));
  ASSERT_TRUE(image.ok()) << image.status().ToString();
  const DiskImageInfo& info = (*image)->info();
  EXPECT_EQ(info.format, "ewf");
  EXPECT_GE(info.segments.size(), 3u);
  EXPECT_EQ(info.segments[1], dir_.Sub("laptop.E02"));
  EXPECT_EQ(info.size, bytes_.size());
  EXPECT_EQ(info.examiner, "Examiner One");
  EXPECT_EQ(info.case_number, "CASE-17");
  EXPECT_EQ(info.evidence_number, "EV-3");
  EXPECT_EQ(info.description, "benign test disk");
  EXPECT_EQ(info.notes, "test notes");
  EXPECT_FALSE(info.acquired_at.empty());
  EXPECT_EQ(info.stored_md5, Md5Of(whole_));
  EXPECT_EQ(info.stored_sha1.size(), 40u);
  EXPECT_EQ(ReadAll(**image), bytes_);

  auto verified = VerifyDiskImage(**image);
  ASSERT_TRUE(verified.ok()) << verified.status().ToString();
  EXPECT_TRUE(verified->has_stored);
  EXPECT_TRUE(verified->md5_matches);
  EXPECT_TRUE(verified->sha1_matches);
  EXPECT_EQ(verified->sha1, info.stored_sha1);
}

TEST_F(EwfTest, SmartFormatS01Segments) {
  const std::string smart = dir_.Sub("smart");
  ASSERT_EQ(Shell("mkdir -p '" + smart + "' && cd '" + smart +
                  "' && ewfacquire -u -q -t card -c none -f smart -S 1048576 '" + whole_ + "'"),
            0);
  auto image = OpenDiskImage(smart + "/card.s01");
  ASSERT_TRUE(image.ok()) << image.status().ToString();
  EXPECT_EQ((*image)->info().format, "ewf");
  EXPECT_GE((*image)->info().segments.size(), 3u);
  EXPECT_EQ(ReadAll(**image), bytes_);
  auto verified = VerifyDiskImage(**image);
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->md5_matches);
  EXPECT_TRUE(verified->checksum_errors.empty());
  // Later segments are recognised as such by their header, whatever their name.
  uint8_t head[16] = {};
  std::ifstream(smart + "/card.s02", std::ios::binary).read(reinterpret_cast<char*>(head), 16);
  EXPECT_TRUE(IsLaterImageSegment(smart + "/card.s02", head));
  std::ifstream(smart + "/card.s01", std::ios::binary).read(reinterpret_cast<char*>(head), 16);
  EXPECT_FALSE(IsLaterImageSegment(smart + "/card.s01", head));
}

TEST_F(EwfTest, SingleSegmentImage) {
  const std::string one = dir_.Sub("one");
  ASSERT_EQ(Shell("mkdir -p '" + one + "' && head -c 65536 '" + whole_ + "' > '" + one +
                  "/small.raw' && cd '" + one +
                  "' && ewfacquire -u -q -t small -c none -f encase6 "
                  "small.raw"),
            0);
  auto image = OpenDiskImage(one + "/small.E01");
  ASSERT_TRUE(image.ok()) << image.status().ToString();
  EXPECT_EQ((*image)->info().segments.size(), 1u);
  EXPECT_EQ(ReadAll(**image), bytes_.substr(0, 65536));
}

TEST_F(EwfTest, MissingMiddleSegmentIsNamed) {
  ASSERT_EQ(::unlink(dir_.Sub("laptop.E02").c_str()), 0);
  auto image = OpenDiskImage(dir_.Sub("laptop.E01"));
  ASSERT_FALSE(image.ok());
  EXPECT_NE(image.status().message().find("laptop.E02"), std::string::npos)
      << image.status().ToString();
}

TEST_F(EwfTest, MissingLastSegmentIsAnError) {
  std::string last = dir_.Sub("laptop.E04");
  ASSERT_EQ(::access(last.c_str(), F_OK), 0);
  ASSERT_EQ(::unlink(last.c_str()), 0);
  auto image = OpenDiskImage(dir_.Sub("laptop.E01"));
  if (image.ok()) {
    // libewf may open an incomplete set; reading it must then fail or differ.
    auto verified = VerifyDiskImage(**image);
    if (verified.ok()) {
      EXPECT_FALSE(verified->md5_matches);
    }
  } else {
    EXPECT_NE(image.status().message().find("E04"), std::string::npos) << image.status().ToString();
  }
}

TEST_F(EwfTest, CorruptedChunkIsNotVerified) {
  // Flip bytes in the middle of the second segment: chunk data (no compression).
  const std::string seg = dir_.Sub("laptop.E02");
  ASSERT_EQ(Shell("printf 'CORRUPTCORRUPT' | dd of='" + seg +
                  "' bs=1 seek=500000 conv=notrunc status=none"),
            0);
  auto image = OpenDiskImage(dir_.Sub("laptop.E01"));
  if (!image.ok()) return;  // refusing to open is a clear error too
  auto verified = VerifyDiskImage(**image);
  if (verified.ok()) {
    EXPECT_TRUE(verified->has_stored);
    EXPECT_FALSE(verified->md5_matches && verified->sha1_matches)
        << "corrupted image reported as verified";
  } else {
    EXPECT_FALSE(verified.status().message().empty());
  }
}

TEST_F(EwfTest, ConcurrentReadsAgree) {
  auto image = OpenDiskImage(dir_.Sub("laptop.E01"));
  ASSERT_TRUE(image.ok());
  std::vector<std::thread> threads;
  std::atomic<int> bad{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      std::string buf(4096, '\0');
      for (uint64_t off = t * 4096; off + 4096 < bytes_.size(); off += 4 * 4096 * 7) {
        auto n = (*image)->ReadAt(
            off, std::span<uint8_t>(reinterpret_cast<uint8_t*>(buf.data()), buf.size()));
        if (!n.ok() || *n != 4096 || buf != bytes_.substr(off, 4096)) ++bad;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(bad.load(), 0);
}

TEST_F(EwfTest, VerifyCanBeCancelled) {
  auto image = OpenDiskImage(dir_.Sub("laptop.E01"));
  ASSERT_TRUE(image.ok());
  std::atomic<bool> cancel{true};
  auto verified = VerifyDiskImage(**image, &cancel);
  ASSERT_FALSE(verified.ok());
  EXPECT_EQ(verified.status().code(), StatusCode::kCancelled);
}

}  // namespace
}  // namespace tantalio
