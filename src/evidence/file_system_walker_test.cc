#include "evidence/file_system_walker.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "base/temp_dir.h"
#include "evidence/carver.h"
#include "evidence/disk_image.h"
#include "evidence/evidence_test_util.h"
#include "media/synthetic_image.h"

namespace tantalio {
namespace {

using testing_util::HaveTool;
using testing_util::Seen;
using testing_util::Shell;
using testing_util::Walk;
using testing_util::WalkResult;

std::string Text(char c, size_t size) {
  std::string s;
  for (size_t i = 0; i < size; ++i) s += static_cast<char>(c + static_cast<char>(i % 7));
  return s;
}

// A FAT file system in `image` holding DCIM/a.txt and keep.txt, and gone.txt
// deleted with mdel.
void MakeFat(const TempDir& dir, const std::string& image) {
  dir.Write("a.txt", Text('a', 5000));
  dir.Write("keep.txt", Text('k', 300));
  dir.Write("gone.txt", Text('g', 1500));
  const std::string d = "'" + dir.path() + "/";
  ASSERT_EQ(
      Shell("mkfs.fat -C '" + image + "' 8192 && mmd -i '" + image + "' ::DCIM && mcopy -i '" +
            image + "' " + d + "a.txt' ::DCIM/a.txt && mcopy -i '" + image + "' " + d +
            "keep.txt' ::keep.txt && mcopy -i '" + image + "' " + d +
            "gone.txt' ::gone.txt && mdel -i '" + image + "' ::gone.txt"),
      0);
}

bool HaveFatTools() { return HaveTool("mkfs.fat") && HaveTool("mcopy") && HaveTool("mdel"); }

struct RangesResult {
  Status status;
  std::vector<UnallocatedRange> ranges;
  std::vector<FsProblem> problems;

  // Whether one range holds all of [offset, offset + length).
  bool Holds(uint64_t offset, uint64_t length) const {
    return std::any_of(ranges.begin(), ranges.end(), [&](const UnallocatedRange& r) {
      return r.offset <= offset && offset + length <= r.offset + r.length;
    });
  }
  bool Touches(uint64_t offset, uint64_t length) const {
    return std::any_of(ranges.begin(), ranges.end(), [&](const UnallocatedRange& r) {
      return r.offset < offset + length && offset < r.offset + r.length;
    });
  }
  std::vector<ByteRange> ByteRanges() const {
    std::vector<ByteRange> out;
    for (const UnallocatedRange& r : ranges) {
      ByteRange b;
      b.offset = r.offset;
      b.length = r.length;
      out.push_back(b);
    }
    return out;
  }
};

RangesResult Unallocated(const std::string& image_path) {
  RangesResult result;
  auto image = OpenDiskImage(image_path);
  if (!image.ok()) {
    result.status = image.status();
    return result;
  }
  result.status = ForEachUnallocatedRange(
      **image,
      [&](const UnallocatedRange& range) {
        result.ranges.push_back(range);
        return true;
      },
      [&](const FsProblem& problem) { result.problems.push_back(problem); });
  return result;
}

// Ranges of one volume come in offset order, do not overlap, and adjacent blocks are merged.
void ExpectOrderedAndMerged(const RangesResult& result) {
  for (size_t i = 1; i < result.ranges.size(); ++i) {
    const UnallocatedRange& a = result.ranges[i - 1];
    const UnallocatedRange& b = result.ranges[i];
    EXPECT_GT(a.length, 0u);
    if (a.volume == b.volume) {
      EXPECT_LT(a.offset + a.length, b.offset) << a.volume;
    }
  }
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Byte offset of `needle` in the file at `path`, or npos.
size_t FindInFile(const std::string& path, const std::string& needle) {
  return ReadAll(path).find(needle);
}

TEST(FileSystemWalkerTest, FatFilesAndDeletedFile) {
  if (!HaveFatTools()) GTEST_SKIP() << "mkfs.fat or mtools is not installed";
  TempDir dir;
  const std::string image = dir.Sub("fat.img");
  MakeFat(dir, image);
  WalkResult walk = Walk(image);
  ASSERT_TRUE(walk.status.ok()) << walk.status.ToString();
  EXPECT_TRUE(walk.problems.empty());
  const Seen* a = walk.FindSuffix("/DCIM/a.txt", FsEntry::kAllocated);
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->entry.path.rfind("FAT", 0), 0u) << a->entry.path;
  EXPECT_EQ(a->entry.size, 5000u);
  EXPECT_EQ(a->content, Text('a', 5000));
  EXPECT_TRUE(a->entry.mtime.has_value());
  EXPECT_NE(a->entry.inode, 0u);
  const Seen* dcim = walk.FindSuffix("/DCIM", FsEntry::kAllocated);
  ASSERT_NE(dcim, nullptr);
  EXPECT_TRUE(dcim->entry.is_directory);
  const Seen* gone = walk.FindSuffix("ONE.TXT", FsEntry::kDeleted);
  ASSERT_NE(gone, nullptr) << "deleted file not reported";
  EXPECT_TRUE(gone->read_status.ok()) << gone->read_status.ToString();
  EXPECT_EQ(gone->content, Text('g', 1500));
  for (const auto& [path, seen] : walk.entries) EXPECT_EQ(path.find("$FAT"), std::string::npos);
}

TEST(FileSystemWalkerTest, VisitorCanStop) {
  if (!HaveFatTools()) GTEST_SKIP() << "mkfs.fat or mtools is not installed";
  TempDir dir;
  const std::string image = dir.Sub("fat.img");
  MakeFat(dir, image);
  auto opened = OpenDiskImage(image);
  ASSERT_TRUE(opened.ok());
  int visits = 0;
  Status status = WalkFileSystems(
      **opened, [&](const FsEntry&, FsEntryReader&) { return ++visits < 2; }, nullptr);
  EXPECT_TRUE(status.ok());
  EXPECT_EQ(visits, 2);
}

TEST(FileSystemWalkerTest, Ext4FromDirectory) {
  if (!HaveTool("mke2fs")) GTEST_SKIP() << "mke2fs (e2fsprogs) is not installed";
  TempDir dir;
  dir.Write("tree/sub/file.txt", Text('e', 70000));
  dir.Write("tree/top.txt", "top");
  const std::string image = dir.Sub("ext4.img");
  ASSERT_EQ(Shell("mke2fs -q -t ext4 -d '" + dir.Sub("tree") + "' '" + image + "' 8M"), 0);
  WalkResult walk = Walk(image);
  ASSERT_TRUE(walk.status.ok()) << walk.status.ToString();
  auto it = walk.entries.find("EXT4/sub/file.txt");
  ASSERT_NE(it, walk.entries.end());
  EXPECT_EQ(it->second.content, Text('e', 70000));
  EXPECT_EQ(it->second.entry.fs_type, "EXT4");
  EXPECT_TRUE(it->second.entry.crtime.has_value());
  ASSERT_NE(walk.entries.find("EXT4/top.txt"), walk.entries.end());
  EXPECT_EQ(walk.entries["EXT4/top.txt"].content, "top");
}

TEST(FileSystemWalkerTest, GarbageIsAnError) {
  TempDir dir;
  const std::string image = dir.Write("zeros.img", std::string(1 << 20, '\0'));
  WalkResult walk = Walk(image);
  EXPECT_FALSE(walk.status.ok());
}

TEST(UnallocatedRangeTest, FatFreeSpaceAndDeletedFile) {
  if (!HaveFatTools()) GTEST_SKIP() << "mkfs.fat or mtools is not installed";
  TempDir dir;
  const std::string image = dir.Sub("fat.img");
  MakeFat(dir, image);
  // A JPEG written straight into free space, past the files' clusters.
  auto jpeg = EncodeJpeg(GeneratePattern(64, 48, 5), 85);
  ASSERT_TRUE(jpeg.ok());
  const std::string jpeg_bytes(jpeg->begin(), jpeg->end());
  dir.Write("photo.jpg", jpeg_bytes);
  const uint64_t jpeg_at = uint64_t{6} << 20;
  ASSERT_EQ(Shell("dd if='" + dir.Sub("photo.jpg") + "' of='" + image +
                  "' bs=512 seek=12288 conv=notrunc status=none"),
            0);
  RangesResult result = Unallocated(image);
  ASSERT_TRUE(result.status.ok()) << result.status.ToString();
  EXPECT_TRUE(result.problems.empty());
  ASSERT_FALSE(result.ranges.empty());
  for (const UnallocatedRange& r : result.ranges) {
    EXPECT_EQ(r.volume.rfind("FAT", 0), 0u) << r.volume;
    EXPECT_EQ(r.volume.find('/'), std::string::npos) << r.volume;
    EXPECT_LE(r.offset + r.length, uint64_t{8192} * 1024);
  }
  ExpectOrderedAndMerged(result);
  EXPECT_TRUE(result.Holds(jpeg_at, jpeg->size()));
  // The deleted file's clusters are free; the kept files' are not.
  const size_t gone_at = FindInFile(image, Text('g', 1500));
  ASSERT_NE(gone_at, std::string::npos);
  EXPECT_TRUE(result.Holds(gone_at, 1500));
  const size_t a_at = FindInFile(image, Text('a', 5000));
  ASSERT_NE(a_at, std::string::npos);
  EXPECT_FALSE(result.Touches(a_at, 5000));
  const size_t keep_at = FindInFile(image, Text('k', 300));
  ASSERT_NE(keep_at, std::string::npos);
  EXPECT_FALSE(result.Touches(keep_at, 300));

  // Carving the ranges finds the JPEG, byte for byte.
  auto opened = OpenDiskImage(image);
  ASSERT_TRUE(opened.ok());
  const std::vector<ByteRange> ranges = result.ByteRanges();
  std::vector<CarvedItem> items;
  Status carved = CarveRanges(**opened, ranges, CarveOptions(), [&](const CarvedItem& item) {
    items.push_back(item);
    return true;
  });
  ASSERT_TRUE(carved.ok()) << carved.ToString();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].offset, jpeg_at);
  EXPECT_EQ(items[0].length, jpeg->size());
  EXPECT_EQ(items[0].extension, "jpg");
  EXPECT_TRUE(items[0].complete);
  EXPECT_EQ(ReadAll(image).substr(items[0].offset, items[0].length), jpeg_bytes);
}

TEST(UnallocatedRangeTest, VisitorCanStop) {
  if (!HaveFatTools()) GTEST_SKIP() << "mkfs.fat or mtools is not installed";
  TempDir dir;
  const std::string image = dir.Sub("fat.img");
  MakeFat(dir, image);
  auto opened = OpenDiskImage(image);
  ASSERT_TRUE(opened.ok());
  int visits = 0;
  Status status = ForEachUnallocatedRange(
      **opened, [&](const UnallocatedRange&) { return ++visits < 1; }, nullptr);
  EXPECT_TRUE(status.ok());
  EXPECT_EQ(visits, 1);
}

TEST(UnallocatedRangeTest, Ext4FreeBlocks) {
  if (!HaveTool("mke2fs")) GTEST_SKIP() << "mke2fs (e2fsprogs) is not installed";
  TempDir dir;
  dir.Write("tree/file.txt", Text('e', 70000));
  const std::string image = dir.Sub("ext4.img");
  ASSERT_EQ(Shell("mke2fs -q -t ext4 -d '" + dir.Sub("tree") + "' '" + image + "' 8M"), 0);
  RangesResult result = Unallocated(image);
  ASSERT_TRUE(result.status.ok()) << result.status.ToString();
  ASSERT_FALSE(result.ranges.empty());
  ExpectOrderedAndMerged(result);
  uint64_t total = 0;
  for (const UnallocatedRange& r : result.ranges) {
    EXPECT_EQ(r.volume, "EXT4");
    EXPECT_LE(r.offset + r.length, uint64_t{8} << 20);
    total += r.length;
  }
  EXPECT_GT(total, uint64_t{1} << 20);  // most of the 8 MiB is free
  const size_t file_at = FindInFile(image, Text('e', 70000));
  ASSERT_NE(file_at, std::string::npos);
  EXPECT_FALSE(result.Touches(file_at, 70000));
}

TEST(UnallocatedRangeTest, GarbageIsOneWholeImageRange) {
  TempDir dir;
  const std::string image = dir.Write("zeros.img", std::string(1 << 20, '\0'));
  RangesResult result = Unallocated(image);
  ASSERT_TRUE(result.status.ok()) << result.status.ToString();
  ASSERT_EQ(result.ranges.size(), 1u);
  EXPECT_EQ(result.ranges[0].volume, "");
  EXPECT_EQ(result.ranges[0].offset, 0u);
  EXPECT_EQ(result.ranges[0].length, uint64_t{1} << 20);
  EXPECT_TRUE(result.problems.empty());
}

TEST(UnallocatedRangeTest, EncryptedImageIsAProblemNotARange) {
  TempDir dir;
  const std::string image = dir.Write(
      "luks.img", std::string("LUKS\xba\xbe\x00\x01", 8) + std::string((1 << 20) - 8, '\0'));
  RangesResult result = Unallocated(image);
  ASSERT_TRUE(result.status.ok()) << result.status.ToString();
  EXPECT_TRUE(result.ranges.empty());
  ASSERT_EQ(result.problems.size(), 1u);
  EXPECT_EQ(result.problems[0].encryption, "LUKS");
}

TEST(UnallocatedRangeTest, FileVaultVolumeIsReportedAsEncrypted) {
  TempDir dir;
  std::string volume((1 << 20), '\0');
  volume[8] = 1;      // CoreStorage format version
  volume[10] = 0x10;  // volume header block
  volume.replace(88, 2, "CS");
  const std::string image = dir.Write("filevault.img", volume);
  RangesResult result = Unallocated(image);
  ASSERT_TRUE(result.status.ok()) << result.status.ToString();
  EXPECT_TRUE(result.ranges.empty());
  ASSERT_EQ(result.problems.size(), 1u);
  EXPECT_EQ(result.problems[0].encryption, "FileVault");
}

TEST(UnallocatedRangeTest, UnrecognisedPartitionAndGapsAreRanges) {
  if (!HaveFatTools() || !HaveTool("sfdisk")) {
    GTEST_SKIP() << "mkfs.fat, mtools or sfdisk is not installed";
  }
  TempDir dir;
  const std::string fat = dir.Sub("fat.img");
  MakeFat(dir, fat);
  const std::string disk = dir.Sub("disk.raw");
  // p1: FAT at sector 2048; p2: zeros at 18432; sectors 20480..22527: outside any partition.
  ASSERT_EQ(
      Shell("truncate -s " + std::to_string(22528 * 512) + " '" + disk +
            "' && printf '2048,16384,c\\n18432,2048,83\\n' | sfdisk -q '" + disk + "' && dd if='" +
            fat + "' of='" + disk + "' bs=512 seek=2048 conv=notrunc status=none"),
      0);
  RangesResult result = Unallocated(disk);
  ASSERT_TRUE(result.status.ok()) << result.status.ToString();
  EXPECT_TRUE(result.problems.empty());
  ExpectOrderedAndMerged(result);
  bool gap = false, p2 = false, tail = false, fat_ranges = false;
  for (const UnallocatedRange& r : result.ranges) {
    if (r.volume == "unpartitioned" && r.offset + r.length == 2048 * 512) gap = true;
    if (r.volume == "unpartitioned" && r.offset == 20480 * 512) {
      tail = true;
      EXPECT_EQ(r.length, 2048u * 512);
    }
    if (r.volume == "p2") {
      p2 = true;
      EXPECT_EQ(r.offset, 18432u * 512);
      EXPECT_EQ(r.length, 2048u * 512);
    }
    if (r.volume.rfind("p1/FAT", 0) == 0) {
      fat_ranges = true;
      EXPECT_GE(r.offset, 2048u * 512);
      EXPECT_LE(r.offset + r.length, 18432u * 512);
    }
  }
  EXPECT_TRUE(gap) << "gap before the first partition not reported";
  EXPECT_TRUE(tail) << "space after the last partition not reported";
  EXPECT_TRUE(p2) << "partition without a file system not reported";
  EXPECT_TRUE(fat_ranges);
  const size_t gone_at = FindInFile(disk, Text('g', 1500));
  ASSERT_NE(gone_at, std::string::npos);
  EXPECT_TRUE(result.Holds(gone_at, 1500));
}

class PartitionedTest : public ::testing::Test {
 protected:
  // p1: FAT at sector 2048; p2: a LUKS header; p3: cut off by truncating.
  void SetUp() override {
    if (!HaveFatTools() || !HaveTool("sfdisk")) {
      GTEST_SKIP() << "mkfs.fat, mtools or sfdisk is not installed";
    }
    fat_ = dir_.Sub("fat.img");
    MakeFat(dir_, fat_);
    disk_ = dir_.Sub("disk.raw");
    dir_.Write("luks.bin", std::string("LUKS\xba\xbe\x00\x01", 8) + std::string(504, '\0'));
    ASSERT_EQ(
        Shell("truncate -s " + std::to_string(22528 * 512) + " '" + disk_ +
              "' && printf '2048,16384,c\\n18432,2048,83\\n20480,2048,83\\n' | sfdisk -q '" +
              disk_ + "' && dd if='" + fat_ + "' of='" + disk_ +
              "' bs=512 seek=2048 conv=notrunc status=none && dd if='" + dir_.Sub("luks.bin") +
              "' of='" + disk_ + "' bs=512 seek=18432 conv=notrunc status=none && truncate -s " +
              std::to_string(20480 * 512) + " '" + disk_ + "'"),
        0);
  }
  void CheckWalk(const WalkResult& walk) {
    ASSERT_TRUE(walk.status.ok()) << walk.status.ToString();
    ASSERT_FALSE(walk.entries.empty());
    for (const auto& [path, seen] : walk.entries) EXPECT_EQ(path.rfind("p1/FAT", 0), 0u) << path;
    const Seen* a = walk.FindSuffix("/DCIM/a.txt", FsEntry::kAllocated);
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(a->content, Text('a', 5000));
    const Seen* gone = walk.FindSuffix("ONE.TXT", FsEntry::kDeleted);
    ASSERT_NE(gone, nullptr);
    EXPECT_EQ(gone->content, Text('g', 1500));
    bool luks = false, past_end = false;
    for (const FsProblem& p : walk.problems) {
      if (p.volume == "p2" && p.encryption == "LUKS") luks = true;
      if (p.volume == "p3" && p.status.message().find("past the end") != std::string::npos) {
        past_end = true;
      }
    }
    EXPECT_TRUE(luks) << "LUKS volume not reported";
    EXPECT_TRUE(past_end) << "partition past the end not reported";
  }
  TempDir dir_;
  std::string fat_, disk_;
};

TEST_F(PartitionedTest, MbrPartitions) { CheckWalk(Walk(disk_)); }

TEST_F(PartitionedTest, UnallocatedRanges) {
  RangesResult result = Unallocated(disk_);
  ASSERT_TRUE(result.status.ok()) << result.status.ToString();
  ExpectOrderedAndMerged(result);
  bool gap = false, fat_ranges = false;
  for (const UnallocatedRange& r : result.ranges) {
    EXPECT_NE(r.volume, "p2") << "an encrypted volume is not unallocated space";
    EXPECT_NE(r.volume, "p3");
    EXPECT_LE(r.offset + r.length, 20480u * 512);
    if (r.volume == "unpartitioned" && r.offset <= 512 && r.offset + r.length == 2048 * 512) {
      gap = true;
    }
    if (r.volume.rfind("p1/FAT", 0) == 0) {
      fat_ranges = true;
      EXPECT_GE(r.offset, 2048u * 512);
      EXPECT_LE(r.offset + r.length, 18432u * 512);
    }
  }
  EXPECT_TRUE(gap) << "gap before the first partition not reported";
  EXPECT_TRUE(fat_ranges);
  bool luks = false;
  for (const FsProblem& p : result.problems)
    luks = luks || (p.volume == "p2" && p.encryption == "LUKS");
  EXPECT_TRUE(luks) << "LUKS volume not reported";
  // Offsets are absolute in the disk: the deleted file's bytes lie in a p1 range.
  const size_t gone_at = FindInFile(disk_, Text('g', 1500));
  ASSERT_NE(gone_at, std::string::npos);
  EXPECT_TRUE(result.Holds(gone_at, 1500));
}

TEST_F(PartitionedTest, MbrPartitionsInsideE01) {
  if (!HaveTool("ewfacquire")) GTEST_SKIP() << "ewfacquire (Debian ewf-tools) is not installed";
  ASSERT_EQ(Shell("cd '" + dir_.path() +
                  "' && ewfacquire -u -q -t disk -c fast -S 1048576 -f encase6 disk.raw"),
            0);
  CheckWalk(Walk(dir_.Sub("disk.E01")));
}

}  // namespace
}  // namespace tantalio
