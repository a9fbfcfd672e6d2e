// Coverage of the file systems that WalkFileSystems reads through The Sleuth
// Kit, each fixture built with Debian's tools without mounting anything:
// NTFS with an alternate data stream (ntfs-3g), a GPT disk with FAT32 and
// ext4 (sfdisk, mkfs.fat, mke2fs), exFAT (exfatprogs, with files written into
// the directory by this test), ISO 9660 (xorriso), classic HFS (hfsutils; The
// Sleuth Kit reads only HFS+/HFSX, and Debian 12 has no tool that makes HFS+),
// and ext4 with a file deleted by debugfs. A test whose tool is missing skips.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "base/temp_dir.h"
#include "evidence/disk_image.h"
#include "evidence/evidence_test_util.h"
#include "evidence/file_system_walker.h"

namespace tantalio {
namespace {

using testing_util::HaveTool;
using testing_util::Seen;
using testing_util::Shell;
using testing_util::Walk;
using testing_util::WalkResult;

std::string Quote(const std::string& s) { return "'" + s + "'"; }

// Deterministic bytes that are not all text: catches offset mistakes.
std::string Bytes(uint8_t seed, size_t size) {
  std::string s(size, '\0');
  uint32_t x = 2463534242u + seed;
  for (size_t i = 0; i < size; ++i) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    s[i] = static_cast<char>(x & 0xff);
  }
  return s;
}

// 2020-01-02 03:04:05 UTC
constexpr int64_t kKnownTime = 1577934245;

// ---------------------------------------------------------------- NTFS

TEST(FileSystemFormatsTest, NtfsFileWithAlternateDataStream) {
  if (!HaveTool("mkntfs") || !HaveTool("ntfscp")) {
    GTEST_SKIP() << "mkntfs or ntfscp (Debian ntfs-3g) is not installed";
  }
  TempDir dir;
  const std::string image = dir.Sub("ntfs.img");
  const std::string main_data = Bytes(1, 5000);                       // non-resident
  const std::string stream_data = Bytes(2, 3000);                     // non-resident named $DATA
  const std::string small_stream = "[ZoneTransfer]\r\nZoneId=3\r\n";  // resident
  dir.Write("main.bin", main_data);
  dir.Write("stream.bin", stream_data);
  dir.Write("zone.txt", small_stream);
  const std::string d = dir.path() + "/";
  // ntfscp writes into the file system without mounting it; -t copies the
  // source's modification time, -N writes a named data attribute (a stream).
  ASSERT_EQ(Shell("truncate -s 8M " + Quote(image) + " && mkntfs -F -Q -q -s 512 " + Quote(image) +
                  " && touch -d @" + std::to_string(kKnownTime) + " " + Quote(d + "main.bin") +
                  " && ntfscp -q -t " + Quote(image) + " " + Quote(d + "main.bin") +
                  " report.doc && ntfscp -q -N secret " + Quote(image) + " " +
                  Quote(d + "stream.bin") + " report.doc && ntfscp -q -N Zone.Identifier " +
                  Quote(image) + " " + Quote(d + "zone.txt") + " report.doc"),
            0);
  WalkResult walk = Walk(image);
  ASSERT_TRUE(walk.status.ok()) << walk.status.ToString();
  EXPECT_TRUE(walk.problems.empty());

  const Seen* file = walk.Find("NTFS/report.doc");
  ASSERT_NE(file, nullptr) << walk.Paths();
  EXPECT_EQ(file->entry.fs_type, "NTFS");
  EXPECT_EQ(file->entry.allocation, FsEntry::kAllocated);
  EXPECT_FALSE(file->entry.is_directory);
  EXPECT_EQ(file->entry.stream, "");
  // MFT entries 0-23 are reserved for the metadata files; the first user
  // file gets 64 with mkntfs, but any entry past the reserved ones is right.
  EXPECT_GE(file->entry.inode, 24u);
  EXPECT_EQ(file->entry.size, main_data.size());
  EXPECT_TRUE(file->read_status.ok()) << file->read_status.ToString();
  EXPECT_EQ(file->content, main_data);
  // MACB: all four recorded; M is the copied one, the others are "now".
  ASSERT_TRUE(file->entry.mtime.has_value());
  ASSERT_TRUE(file->entry.atime.has_value());
  ASSERT_TRUE(file->entry.ctime.has_value());
  ASSERT_TRUE(file->entry.crtime.has_value());
  EXPECT_EQ(*file->entry.mtime, kKnownTime);
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  EXPECT_LE(std::llabs(*file->entry.crtime - now), 600);
  EXPECT_LE(std::llabs(*file->entry.ctime - now), 600);

  // Each named stream is its own entry, "path:name", with its own content.
  const Seen* secret = walk.Find("NTFS/report.doc:secret");
  ASSERT_NE(secret, nullptr) << walk.Paths();
  EXPECT_EQ(secret->entry.stream, "secret");
  EXPECT_EQ(secret->entry.fs_type, "NTFS");
  EXPECT_EQ(secret->entry.inode, file->entry.inode);
  EXPECT_EQ(secret->entry.size, stream_data.size());
  EXPECT_TRUE(secret->read_status.ok()) << secret->read_status.ToString();
  EXPECT_EQ(secret->content, stream_data);
  const Seen* zone = walk.Find("NTFS/report.doc:Zone.Identifier");
  ASSERT_NE(zone, nullptr) << walk.Paths();
  EXPECT_EQ(zone->content, small_stream);

  // The NTFS metadata files are listed like any file ($MFT is entry 0).
  const Seen* mft = walk.Find("NTFS/$MFT");
  ASSERT_NE(mft, nullptr) << walk.Paths();
  EXPECT_EQ(mft->entry.inode, 0u);
}

// ----------------------------------------------------- GPT: FAT32 + ext4

TEST(FileSystemFormatsTest, GptDiskWithFat32AndExt4) {
  if (!HaveTool("sfdisk") || !HaveTool("mkfs.fat") || !HaveTool("mcopy") || !HaveTool("mke2fs")) {
    GTEST_SKIP() << "sfdisk, mkfs.fat, mtools or mke2fs is not installed";
  }
  TempDir dir;
  const std::string fat = dir.Sub("fat32.img");
  const std::string ext = dir.Sub("ext4.img");
  const std::string disk = dir.Sub("disk.raw");
  dir.Write("photo.jpg", Bytes(3, 20000));
  dir.Write("tree/notes/todo.txt", Bytes(4, 9000));
  // FAT32 needs at least 65525 clusters: 40 MiB of 512-byte clusters.
  constexpr int kFatStart = 2048, kFatSectors = 81920;
  constexpr int kExtStart = kFatStart + kFatSectors, kExtSectors = 16384;
  constexpr int kDiskSectors = kExtStart + kExtSectors + 2048;  // room for the backup GPT
  ASSERT_EQ(Shell("mkfs.fat -F 32 -s 1 -C " + Quote(fat) + " " + std::to_string(kFatSectors / 2) +
                  " && mmd -i " + Quote(fat) + " ::DCIM && mcopy -i " + Quote(fat) + " " +
                  Quote(dir.Sub("photo.jpg")) + " ::DCIM/photo.jpg"),
            0);
  ASSERT_EQ(Shell("mke2fs -q -t ext4 -d " + Quote(dir.Sub("tree")) + " " + Quote(ext) + " " +
                  std::to_string(kExtSectors / 2) + "k"),
            0);
  ASSERT_EQ(Shell("truncate -s " + std::to_string(int64_t{kDiskSectors} * 512) + " " + Quote(disk) +
                  " && printf 'label: gpt\\n" + std::to_string(kFatStart) + "," +
                  std::to_string(kFatSectors) + ",EBD0A0A2-B9E5-4433-87C0-68B6B72699C7\\n" +
                  std::to_string(kExtStart) + "," + std::to_string(kExtSectors) +
                  ",0FC63DAF-8483-4772-8E79-3D69D8477DE4\\n' | sfdisk -q " + Quote(disk) +
                  " && dd if=" + Quote(fat) + " of=" + Quote(disk) +
                  " bs=512 seek=" + std::to_string(kFatStart) +
                  " conv=notrunc,sparse status=none && dd if=" + Quote(ext) + " of=" + Quote(disk) +
                  " bs=512 seek=" + std::to_string(kExtStart) + " conv=notrunc,sparse status=none"),
            0);
  WalkResult walk = Walk(disk);
  ASSERT_TRUE(walk.status.ok()) << walk.status.ToString();
  EXPECT_TRUE(walk.problems.empty());
  // Volumes are numbered by allocated partition in table order (the GPT
  // header, the protective MBR and unallocated gaps are not counted).
  const Seen* photo = walk.Find("p1/FAT32/DCIM/photo.jpg");
  ASSERT_NE(photo, nullptr) << walk.Paths();
  EXPECT_EQ(photo->entry.fs_type, "FAT32");
  EXPECT_EQ(photo->content, Bytes(3, 20000));
  EXPECT_TRUE(photo->entry.mtime.has_value());
  const Seen* dcim = walk.Find("p1/FAT32/DCIM");
  ASSERT_NE(dcim, nullptr);
  EXPECT_TRUE(dcim->entry.is_directory);
  const Seen* todo = walk.Find("p2/EXT4/notes/todo.txt");
  ASSERT_NE(todo, nullptr) << walk.Paths();
  EXPECT_EQ(todo->entry.fs_type, "EXT4");
  EXPECT_EQ(todo->content, Bytes(4, 9000));
  EXPECT_TRUE(todo->entry.crtime.has_value());
  for (const auto& [path, seen] : walk.entries) {
    EXPECT_TRUE(path.rfind("p1/FAT32/", 0) == 0 || path.rfind("p2/EXT4/", 0) == 0) << path;
  }
}

// ---------------------------------------------------------------- exFAT

uint32_t Le32(const std::string& b, size_t at) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(b[at + i]);
  return v;
}
void Put16(std::string& b, size_t at, uint32_t v) {
  for (int i = 0; i < 2; ++i) b[at + i] = static_cast<char>((v >> (8 * i)) & 0xff);
}
void Put32(std::string& b, size_t at, uint64_t v) {
  for (int i = 0; i < 4; ++i) b[at + i] = static_cast<char>((v >> (8 * i)) & 0xff);
}
void Put64(std::string& b, size_t at, uint64_t v) {
  for (int i = 0; i < 8; ++i) b[at + i] = static_cast<char>((v >> (8 * i)) & 0xff);
}

// Adds files to the root folder of an exFAT file system made by mkfs.exfat,
// the way a driver would: one cluster of content each, the cluster marked in
// the allocation bitmap and ended in the FAT, and a File / Stream Extension /
// File Name entry set in the first free slots of the root folder. A deleted
// file has the in-use bit of its three entries cleared and its cluster free
// in the bitmap, as exFAT drivers leave it. Names are ASCII, at most 15.
class ExfatWriter {
 public:
  explicit ExfatWriter(std::string path) : path_(std::move(path)) {
    std::ifstream in(path_, std::ios::binary);
    bytes_.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  bool Parse() {
    if (bytes_.size() < 512 || bytes_.compare(3, 8, "EXFAT   ") != 0) return false;
    sector_ = uint64_t{1} << static_cast<uint8_t>(bytes_[108]);
    cluster_ = sector_ << static_cast<uint8_t>(bytes_[109]);
    fat_ = Le32(bytes_, 80) * sector_;
    heap_ = Le32(bytes_, 88) * sector_;
    root_ = ClusterOffset(Le32(bytes_, 96));
    // The allocation bitmap's directory entry (type 0x81) gives its cluster.
    for (uint64_t at = root_; at < root_ + cluster_; at += 32) {
      if (static_cast<uint8_t>(bytes_[at]) == 0x81) bitmap_ = ClusterOffset(Le32(bytes_, at + 20));
    }
    return bitmap_ != 0;
  }
  uint64_t cluster_size() const { return cluster_; }

  bool Add(const std::string& name, const std::string& content, int64_t mtime, bool deleted) {
    if (name.size() > 15 || content.size() > cluster_) return false;
    uint32_t cluster = 0;
    for (uint32_t c = 2; c < 1u << 20 && cluster == 0; ++c) {
      if (!BitmapBit(c) && !Used(c)) cluster = c;
    }
    uint64_t slot = 0;
    for (uint64_t at = root_; at + 96 <= root_ + cluster_; at += 32) {
      if (bytes_[at] == 0) {
        slot = at;
        break;
      }
    }
    if (cluster == 0 || slot == 0) return false;
    used_.push_back(cluster);
    bytes_.replace(ClusterOffset(cluster), content.size(), content);
    if (!deleted) SetBitmapBit(cluster);
    Put32(bytes_, fat_ + 4 * cluster, 0xffffffffu);  // end of chain

    std::string set(96, '\0');
    set[0] = static_cast<char>(0x85);  // File
    set[1] = 2;                        // secondary entries
    Put16(set, 4, 0x20);               // archive
    const uint32_t stamp = DosTime(mtime);
    Put32(set, 8, stamp);               // created
    Put32(set, 12, stamp);              // modified
    Put32(set, 16, stamp);              // accessed
    set[32] = static_cast<char>(0xc0);  // Stream Extension
    set[33] = 0x01;                     // allocation possible, FAT chain valid
    set[35] = static_cast<char>(name.size());
    Put16(set, 36, NameHash(name));
    Put64(set, 40, content.size());  // valid data length
    Put32(set, 52, cluster);
    Put64(set, 56, content.size());
    set[64] = static_cast<char>(0xc1);  // File Name
    for (size_t i = 0; i < name.size(); ++i) Put16(set, 66 + 2 * i, uint8_t(name[i]));
    Put16(set, 2, SetChecksum(set));
    if (deleted) {
      for (int e = 0; e < 3; ++e) set[32 * e] = static_cast<char>(set[32 * e] & 0x7f);
    }
    bytes_.replace(slot, set.size(), set);
    return true;
  }
  bool Save() const {
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    out.write(bytes_.data(), static_cast<std::streamsize>(bytes_.size()));
    return static_cast<bool>(out);
  }

 private:
  uint64_t ClusterOffset(uint32_t cluster) const { return heap_ + (cluster - 2) * cluster_; }
  bool BitmapBit(uint32_t c) const {
    return (static_cast<uint8_t>(bytes_[bitmap_ + (c - 2) / 8]) >> ((c - 2) % 8)) & 1;
  }
  void SetBitmapBit(uint32_t c) {
    bytes_[bitmap_ + (c - 2) / 8] =
        static_cast<char>(static_cast<uint8_t>(bytes_[bitmap_ + (c - 2) / 8]) | 1 << ((c - 2) % 8));
  }
  bool Used(uint32_t c) const {
    for (uint32_t u : used_) {
      if (u == c) return true;
    }
    return false;
  }
  static uint32_t DosTime(int64_t t) {
    const time_t tt = static_cast<time_t>(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    return static_cast<uint32_t>(tm.tm_sec / 2) | static_cast<uint32_t>(tm.tm_min) << 5 |
           static_cast<uint32_t>(tm.tm_hour) << 11 | static_cast<uint32_t>(tm.tm_mday) << 16 |
           static_cast<uint32_t>(tm.tm_mon + 1) << 21 |
           static_cast<uint32_t>(tm.tm_year + 1900 - 1980) << 25;
  }
  // Over the up-cased UTF-16 name (ASCII here), low byte then high byte.
  static uint16_t NameHash(const std::string& name) {
    uint16_t hash = 0;
    for (char ch : name) {
      const uint16_t c = static_cast<uint16_t>(std::toupper(static_cast<unsigned char>(ch)));
      for (uint8_t byte : {static_cast<uint8_t>(c & 0xff), static_cast<uint8_t>(c >> 8)}) {
        hash = static_cast<uint16_t>(((hash & 1) ? 0x8000 : 0) + (hash >> 1) + byte);
      }
    }
    return hash;
  }
  // Over every byte of the set except the checksum field itself.
  static uint16_t SetChecksum(const std::string& set) {
    uint16_t sum = 0;
    for (size_t i = 0; i < set.size(); ++i) {
      if (i == 2 || i == 3) continue;
      sum = static_cast<uint16_t>(((sum & 1) ? 0x8000 : 0) + (sum >> 1) +
                                  static_cast<uint8_t>(set[i]));
    }
    return sum;
  }

  std::string path_, bytes_;
  uint64_t sector_ = 0, cluster_ = 0, fat_ = 0, heap_ = 0, root_ = 0, bitmap_ = 0;
  std::vector<uint32_t> used_;
};

TEST(FileSystemFormatsTest, ExfatFilesAndDeletedFile) {
  if (!HaveTool("mkfs.exfat")) GTEST_SKIP() << "mkfs.exfat (Debian exfatprogs) is not installed";
  TempDir dir;
  const std::string image = dir.Sub("exfat.img");
  ASSERT_EQ(
      Shell("truncate -s 8M " + Quote(image) + " && mkfs.exfat -c 4K -L EVIDENCE " + Quote(image)),
      0);
  {
    ExfatWriter writer(image);
    ASSERT_TRUE(writer.Parse()) << "not an exFAT file system as mkfs.exfat makes them";
    ASSERT_TRUE(writer.Add("holiday.jpg", Bytes(5, 3500), kKnownTime, false));
    ASSERT_TRUE(writer.Add("gone.txt", Bytes(6, 1200), kKnownTime, true));
    ASSERT_TRUE(writer.Save());
  }
  if (HaveTool("fsck.exfat")) {
    // The hand-written entries are what exfatprogs' own checker expects.
    EXPECT_EQ(Shell("fsck.exfat -n " + Quote(image)), 0);
  }
  WalkResult walk = Walk(image);
  ASSERT_TRUE(walk.status.ok()) << walk.status.ToString();
  EXPECT_TRUE(walk.problems.empty());
  // The Sleuth Kit lists exFAT's metadata as files of the root folder.
  const Seen* bitmap = walk.Find("EXFAT/$ALLOC_BITMAP");
  ASSERT_NE(bitmap, nullptr) << walk.Paths();
  EXPECT_EQ(bitmap->entry.fs_type, "EXFAT");
  EXPECT_NE(walk.Find("EXFAT/$UPCASE_TABLE"), nullptr) << walk.Paths();

  const Seen* photo = walk.Find("EXFAT/holiday.jpg");
  ASSERT_NE(photo, nullptr) << walk.Paths();
  EXPECT_EQ(photo->entry.allocation, FsEntry::kAllocated);
  EXPECT_EQ(photo->entry.size, 3500u);
  EXPECT_TRUE(photo->read_status.ok()) << photo->read_status.ToString();
  EXPECT_EQ(photo->content, Bytes(5, 3500));
  ASSERT_TRUE(photo->entry.mtime.has_value());
  // The Sleuth Kit reads exFAT's local times as local: in UTC here.
  EXPECT_LE(std::llabs(*photo->entry.mtime - kKnownTime), 24 * 3600);
  EXPECT_NE(photo->entry.inode, 0u);

  const Seen* gone = walk.Find("EXFAT/gone.txt");
  ASSERT_NE(gone, nullptr) << "deleted exFAT file not reported\n" << walk.Paths();
  EXPECT_EQ(gone->entry.allocation, FsEntry::kDeleted);
  EXPECT_EQ(gone->entry.size, 1200u);
  EXPECT_TRUE(gone->read_status.ok()) << gone->read_status.ToString();
  EXPECT_EQ(gone->content, Bytes(6, 1200));
}

// ------------------------------------------------------------ ISO 9660

TEST(FileSystemFormatsTest, Iso9660WithRockRidgeAndJoliet) {
  const bool xorriso = HaveTool("xorriso");
  if (!xorriso && !HaveTool("genisoimage")) {
    GTEST_SKIP() << "xorriso (or genisoimage) is not installed";
  }
  TempDir dir;
  dir.Write("cd/DCIM/Camera/IMG_0001.jpg", Bytes(7, 70000));
  dir.Write("cd/readme.txt", "burned disc\n");
  const std::string image = dir.Sub("disc.iso");
  ASSERT_EQ(Shell(std::string(xorriso ? "xorriso -as mkisofs" : "genisoimage") +
                  " -quiet -R -J -V EVIDENCE -o " + Quote(image) + " " + Quote(dir.Sub("cd"))),
            0);
  WalkResult walk = Walk(image);
  ASSERT_TRUE(walk.status.ok()) << walk.status.ToString();
  EXPECT_TRUE(walk.problems.empty());
  const Seen* photo = walk.Find("ISO9660/DCIM/Camera/IMG_0001.jpg");
  ASSERT_NE(photo, nullptr) << walk.Paths();
  EXPECT_EQ(photo->entry.fs_type, "ISO9660");
  EXPECT_EQ(photo->entry.size, 70000u);
  EXPECT_TRUE(photo->read_status.ok()) << photo->read_status.ToString();
  EXPECT_EQ(photo->content, Bytes(7, 70000));
  // The Sleuth Kit keeps only the recording time of ISO 9660 (as crtime);
  // modified and accessed times are not read.
  EXPECT_TRUE(photo->entry.crtime.has_value());
  EXPECT_FALSE(photo->entry.mtime.has_value());
  const Seen* readme = walk.Find("ISO9660/readme.txt");
  ASSERT_NE(readme, nullptr) << walk.Paths();
  EXPECT_EQ(readme->content, "burned disc\n");
  const Seen* camera = walk.Find("ISO9660/DCIM/Camera");
  ASSERT_NE(camera, nullptr);
  EXPECT_TRUE(camera->entry.is_directory);
}

// ---------------------------------------------------------------- HFS

// Debian 12 has no HFS+ formatter (hfsprogs left it), so HFS+ is not covered
// here. hfsutils makes classic HFS, which The Sleuth Kit does not read: the
// walk must say so rather than report an empty file system.
TEST(FileSystemFormatsTest, ClassicHfsIsReportedUnsupported) {
  if (!HaveTool("hformat") || !HaveTool("hcopy")) {
    GTEST_SKIP() << "hformat or hcopy (Debian hfsutils) is not installed";
  }
  TempDir dir;
  const std::string image = dir.Sub("hfs.img");
  dir.Write("a.txt", "classic mac\n");
  // hfsutils keeps its "current volume" in $HOME/.hcwd: give it the temp dir.
  ASSERT_EQ(Shell("cd " + Quote(dir.path()) + " && export HOME=" + Quote(dir.path()) +
                  " && truncate -s 4M " + Quote(image) + " && hformat -l Old " + Quote(image) +
                  " && hcopy -r a.txt :a.txt && humount"),
            0);
  WalkResult walk = Walk(image);
  EXPECT_FALSE(walk.status.ok()) << walk.Paths();
  EXPECT_TRUE(walk.entries.empty());
}

// ---------------------------------------------------- ext4 deleted file

TEST(FileSystemFormatsTest, Ext4FileDeletedWithDebugfs) {
  if (!HaveTool("mke2fs") || !HaveTool("debugfs")) {
    GTEST_SKIP() << "mke2fs or debugfs (Debian e2fsprogs) is not installed";
  }
  TempDir dir;
  dir.Write("tree/keep.txt", Bytes(8, 6000));
  dir.Write("tree/chat/gone.db", Bytes(9, 12000));
  const std::string image = dir.Sub("ext4.img");
  ASSERT_EQ(Shell("mke2fs -q -t ext4 -d " + Quote(dir.Sub("tree")) + " " + Quote(image) +
                  " 8M && debugfs -w -R 'rm /chat/gone.db' " + Quote(image)),
            0);
  WalkResult walk = Walk(image);
  ASSERT_TRUE(walk.status.ok()) << walk.status.ToString();
  EXPECT_TRUE(walk.problems.empty());
  const Seen* keep = walk.Find("EXT4/keep.txt");
  ASSERT_NE(keep, nullptr) << walk.Paths();
  EXPECT_EQ(keep->entry.allocation, FsEntry::kAllocated);
  EXPECT_EQ(keep->content, Bytes(8, 6000));
  const Seen* gone = walk.Find("EXT4/chat/gone.db");
  ASSERT_NE(gone, nullptr) << "deleted ext4 file not reported\n" << walk.Paths();
  EXPECT_EQ(gone->entry.allocation, FsEntry::kDeleted);
  EXPECT_EQ(gone->entry.fs_type, "EXT4");
  EXPECT_NE(gone->entry.inode, 0u);
  EXPECT_FALSE(gone->entry.is_directory);
  // debugfs frees the inode and blocks but, unlike the Linux driver, leaves
  // the extent tree and size in the inode, so the content is still there.
  EXPECT_EQ(gone->entry.size, 12000u);
  EXPECT_TRUE(gone->read_status.ok()) << gone->read_status.ToString();
  EXPECT_EQ(gone->content, Bytes(9, 12000));
}

}  // namespace
}  // namespace tantalio
