#include "evidence/directory_cursor.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <map>

#include "base/temp_dir.h"

namespace tantalio {
namespace {

std::map<std::string, DirectoryItem> Walk(const std::string& root, const std::string& label) {
  std::map<std::string, DirectoryItem> items;
  for (DirectoryCursor c(root, label); c.Valid(); c.Next())
    items[c.item().forensic_path] = c.item();
  return items;
}

TEST(DirectoryCursorTest, WalksFilesInSortedOrderWithForensicPaths) {
  TempDir dir;
  dir.Write("ev/b.txt", "b");
  dir.Write("ev/a/deep/x.jpg", "x");
  dir.Write("ev/a/y.bin", "yy");
  std::vector<std::string> paths;
  for (DirectoryCursor c(dir.Sub("ev"), "dev"); c.Valid(); c.Next())
    paths.push_back(c.item().forensic_path);
  EXPECT_EQ(paths, (std::vector<std::string>{"dev/a/deep/x.jpg", "dev/a/y.bin", "dev/b.txt"}));
}

TEST(DirectoryCursorTest, SymlinksAreRecordedNeverFollowed) {
  TempDir dir;
  dir.Write("ev/real.txt", "r");
  ASSERT_EQ(::symlink(".", dir.Sub("ev/loop").c_str()), 0);        // a loop
  ASSERT_EQ(::symlink("/etc", dir.Sub("ev/outside").c_str()), 0);  // out of the root
  auto items = Walk(dir.Sub("ev"), "dev");
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items["dev/loop"].kind, ItemKind::kSymlink);
  EXPECT_EQ(items["dev/loop"].link_target, ".");
  EXPECT_EQ(items["dev/outside"].kind, ItemKind::kSymlink);
  EXPECT_EQ(items["dev/outside"].link_target, "/etc");
}

TEST(DirectoryCursorTest, SpecialFilesAreReportedNotOpened) {
  TempDir dir;
  std::filesystem::create_directories(dir.Sub("ev"));
  ASSERT_EQ(::mkfifo(dir.Sub("ev/pipe").c_str(), 0600), 0);
  auto items = Walk(dir.Sub("ev"), "dev");
  ASSERT_EQ(items.count("dev/pipe"), 1u);
  EXPECT_EQ(items["dev/pipe"].kind, ItemKind::kSpecial);
  EXPECT_EQ(items["dev/pipe"].note, "FIFO");
}

TEST(DirectoryCursorTest, OddNamesAreKeptExactly) {
  TempDir dir;
  const std::string bad_utf8 = "\xff\xfe name.jpg";
  const std::string newline = "line1\nline2.txt";
  dir.Write("ev/" + bad_utf8, "1");
  dir.Write("ev/" + newline, "2");
  auto items = Walk(dir.Sub("ev"), "dev");
  EXPECT_EQ(items.count("dev/" + bad_utf8), 1u);
  EXPECT_EQ(items.count("dev/" + newline), 1u);
}

TEST(DirectoryCursorTest, SingleFileRoot) {
  TempDir dir;
  std::string path = dir.Write("one.bin", "12345");
  auto items = Walk(path, "dev/one.bin");
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items.begin()->second.size, 5u);
  EXPECT_EQ(items.begin()->second.kind, ItemKind::kFile);
}

TEST(DirectoryCursorTest, MissingRootIsAnItemWithAnError) {
  TempDir dir;
  auto items = Walk(dir.Sub("missing"), "dev");
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items.begin()->second.error.code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace tantalio
