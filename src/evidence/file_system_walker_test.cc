#include "evidence/file_system_walker.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "base/temp_dir.h"
#include "evidence/disk_image.h"

namespace tantalio {
namespace {

bool HaveTool(const std::string& tool) {
  return std::system(("command -v " + tool + " >/dev/null 2>&1").c_str()) == 0;
}

int Shell(const std::string& command) {
  return std::system(("{ " + command + "; } >/dev/null 2>&1").c_str());
}

struct Seen {
  FsEntry entry;
  std::string content;
  Status read_status;
};

struct WalkResult {
  Status status;
  std::map<std::string, Seen> entries;  // by path
  std::vector<FsProblem> problems;

  const Seen* FindSuffix(const std::string& suffix, FsEntry::Allocation allocation) const {
    for (const auto& [path, seen] : entries) {
      if (seen.entry.allocation != allocation || path.size() < suffix.size()) continue;
      std::string tail = path.substr(path.size() - suffix.size());
      bool same = true;
      for (size_t i = 0; i < tail.size(); ++i) {
        same = same && std::tolower(static_cast<unsigned char>(tail[i])) ==
                           std::tolower(static_cast<unsigned char>(suffix[i]));
      }
      if (same) return &seen;
    }
    return nullptr;
  }
};

WalkResult Walk(const std::string& image_path) {
  WalkResult result;
  auto image = OpenDiskImage(image_path);
  if (!image.ok()) {
    result.status = image.status();
    return result;
  }
  result.status = WalkFileSystems(
      **image,
      [&](const FsEntry& entry, FsEntryReader& reader) {
        Seen seen;
        seen.entry = entry;
        std::vector<uint8_t> buf(1000);  // small chunks: exercises offsets
        uint64_t offset = 0;
        while (offset < reader.Size()) {
          auto n = reader.ReadAt(offset, buf);
          if (!n.ok()) {
            seen.read_status = n.status();
            break;
          }
          if (*n == 0) break;
          seen.content.append(reinterpret_cast<const char*>(buf.data()), *n);
          offset += *n;
        }
        result.entries[entry.path] = seen;
        return true;
      },
      [&](const FsProblem& problem) { result.problems.push_back(problem); });
  return result;
}

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

TEST_F(PartitionedTest, MbrPartitionsInsideE01) {
  if (!HaveTool("ewfacquire")) GTEST_SKIP() << "ewfacquire (Debian ewf-tools) is not installed";
  ASSERT_EQ(Shell("cd '" + dir_.path() +
                  "' && ewfacquire -u -q -t disk -c fast -S 1048576 -f encase6 disk.raw"),
            0);
  CheckWalk(Walk(dir_.Sub("disk.E01")));
}

}  // namespace
}  // namespace tantalio
