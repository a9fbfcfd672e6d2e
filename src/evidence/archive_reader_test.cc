#include "evidence/archive_reader.h"

#include <gtest/gtest.h>

#include <cstdio>

#include "demo/demo_evidence.h"

namespace tantalio {
namespace {

std::vector<uint8_t> Bytes(std::string_view s) { return {s.begin(), s.end()}; }

struct Listed {
  std::vector<ArchiveEntry> entries;
  std::vector<std::string> data;
  Status status;
};

Listed List(const std::vector<uint8_t>& archive) {
  Listed out;
  auto source = MemorySource(archive);
  auto reader = ArchiveReader::Open(*source, "test");
  if (!reader.ok()) {
    out.status = reader.status();
    return out;
  }
  while (true) {
    auto next = (*reader)->Next();
    if (!next.ok()) {
      out.status = next.status();
      return out;
    }
    if (!next->has_value()) return out;
    out.entries.push_back(**next);
    std::string data;
    if (!out.entries.back().encrypted) {
      uint8_t buf[7];
      while (true) {
        auto n = (*reader)->ReadData(buf);
        if (!n.ok()) {
          out.status = n.status();
          return out;
        }
        if (*n == 0) break;
        data.append(reinterpret_cast<char*>(buf), *n);
      }
    }
    out.data.push_back(data);
  }
}

TEST(ArchiveReaderTest, ReadsEveryArchiveFormatWeWrite) {
  for (auto format : {DemoArchiveFormat::kZip, DemoArchiveFormat::kTar, DemoArchiveFormat::kTarGz,
                      DemoArchiveFormat::kTarBz2, DemoArchiveFormat::kTarXz,
                      DemoArchiveFormat::kTarZstd, DemoArchiveFormat::k7z}) {
    SCOPED_TRACE(static_cast<int>(format));
    auto archive =
        WriteArchive(format, {{"a/one.txt", Bytes("first entry")}, {"two.bin", Bytes("2")}});
    ASSERT_TRUE(archive.ok()) << archive.status().ToString();
    Listed listed = List(*archive);
    ASSERT_TRUE(listed.status.ok()) << listed.status.ToString();
    ASSERT_EQ(listed.entries.size(), 2u);
    EXPECT_EQ(listed.entries[0].name, "a/one.txt");
    EXPECT_EQ(listed.data[0], "first entry");
    EXPECT_EQ(listed.entries[1].name, "two.bin");
    EXPECT_EQ(listed.data[1], "2");
  }
}

TEST(ArchiveReaderTest, HostileNamesAreJustNames) {
  auto archive = WriteArchive(DemoArchiveFormat::kZip, {{"../../etc/passwd", Bytes("not really")},
                                                        {"/abs/path", Bytes("x")}});
  ASSERT_TRUE(archive.ok());
  Listed listed = List(*archive);
  ASSERT_TRUE(listed.status.ok()) << listed.status.ToString();
  ASSERT_EQ(listed.entries.size(), 2u);
  EXPECT_EQ(listed.entries[0].name, "../../etc/passwd");
  EXPECT_EQ(listed.entries[1].name, "/abs/path");
}

TEST(ArchiveReaderTest, EncryptedEntriesAreFlagged) {
  auto archive = WriteArchive(DemoArchiveFormat::kZip, {{"secret.txt", Bytes("hidden"), true}});
  ASSERT_TRUE(archive.ok()) << archive.status().ToString();
  Listed listed = List(*archive);
  ASSERT_EQ(listed.entries.size(), 1u);
  EXPECT_TRUE(listed.entries[0].encrypted);
}

TEST(ArchiveReaderTest, TruncatedZipIsCorrupt) {
  std::vector<uint8_t> data(5000);
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(i * 7919 >> 3);
  auto archive =
      WriteArchive(DemoArchiveFormat::kZip, {{"big.bin", data}, {"small.txt", Bytes("s")}});
  ASSERT_TRUE(archive.ok());
  archive->resize(archive->size() / 2);
  Listed listed = List(*archive);
  EXPECT_EQ(listed.status.code(), StatusCode::kCorrupt) << listed.status.ToString();
}

TEST(ArchiveReaderTest, LoneCompressedStreamIsOneEntry) {
  // A .gz that is not a tar: libarchive's raw format gives its content.
  std::FILE* pipe = ::popen("printf 'just one file' | gzip -c", "r");
  ASSERT_NE(pipe, nullptr);
  std::vector<uint8_t> gz;
  for (int c; (c = std::fgetc(pipe)) != EOF;) gz.push_back(static_cast<uint8_t>(c));
  ::pclose(pipe);
  Listed listed = List(gz);
  ASSERT_TRUE(listed.status.ok()) << listed.status.ToString();
  ASSERT_EQ(listed.entries.size(), 1u);
  EXPECT_EQ(listed.data[0], "just one file");
}

TEST(ArchiveReaderTest, NotAnArchiveIsCorrupt) {
  Listed listed = List(Bytes("this is plain text, not an archive at all"));
  EXPECT_EQ(listed.status.code(), StatusCode::kCorrupt);
}

}  // namespace
}  // namespace tantalio
