#include "evidence/file_type.h"

#include <gtest/gtest.h>

#include <string>

namespace tantalio {
namespace {

FileType Sniff(const std::string& head) {
  return SniffType(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(head.data()), head.size()));
}

std::string Padded(std::string head, size_t size = 600) {
  head.resize(std::max(size, head.size()), '\x01');
  return head;
}

TEST(FileTypeTest, RecognisesByContent) {
  EXPECT_EQ(Sniff(Padded("\xff\xd8\xff\xe0")).mime, "image/jpeg");
  EXPECT_EQ(Sniff(Padded("\x89PNG\r\n\x1a\n")).mime, "image/png");
  EXPECT_EQ(Sniff(Padded("GIF89a")).mime, "image/gif");
  EXPECT_EQ(Sniff(Padded(std::string("RIFF\x10\0\0\0WEBPVP8 ", 16))).mime, "image/webp");
  EXPECT_EQ(Sniff(Padded(std::string("\0\0\0\x18"
                                     "ftypheic",
                                     12)))
                .mime,
            "image/heic");
  EXPECT_EQ(Sniff(Padded(std::string("\0\0\0\x18"
                                     "ftypisom",
                                     12)))
                .mime,
            "video/mp4");
  EXPECT_EQ(Sniff(Padded(std::string("\0\0\0\x14"
                                     "ftypqt  ",
                                     12)))
                .mime,
            "video/quicktime");
  EXPECT_EQ(Sniff(Padded("PK\x03\x04")).mime, "application/zip");
  EXPECT_EQ(Sniff(Padded("\x1f\x8b\x08")).mime, "application/gzip");
  EXPECT_EQ(Sniff(Padded(std::string("SQLite format 3\0", 16))).mime, "application/vnd.sqlite3");
  EXPECT_EQ(Sniff(Padded("%PDF-1.4")).mime, "application/pdf");
  EXPECT_EQ(Sniff("hello world\n").mime, "text/plain");
  std::string tar(600, '\0');
  tar.replace(257, 5, "ustar");
  EXPECT_EQ(Sniff(tar).mime, "application/x-tar");
}

TEST(FileTypeTest, EmbeddedNulsInMagicAreHonoured) {
  // Regression: magic with a NUL byte must not degrade to an empty prefix.
  EXPECT_EQ(Sniff(Padded("abcdefgh")).family, TypeFamily::kUnknown);
  EXPECT_EQ(Sniff(Padded(std::string("\0\0\0\0\x01", 5))).mime, "application/octet-stream");
  EXPECT_EQ(Sniff(Padded(std::string("\0\0\x01\xba", 4))).mime, "video/mpeg");
}

TEST(FileTypeTest, EmptyAndBinaryAreUnknown) {
  EXPECT_EQ(Sniff("").family, TypeFamily::kUnknown);
  EXPECT_EQ(Sniff(std::string("\x01\x02\x03\x00", 4)).family, TypeFamily::kUnknown);
}

TEST(FileTypeTest, ExtensionMismatch) {
  FileType jpeg = Sniff(Padded("\xff\xd8\xff\xe0"));
  EXPECT_FALSE(ExtensionMismatch(jpeg, "jpg"));
  EXPECT_FALSE(ExtensionMismatch(jpeg, "jpeg"));
  EXPECT_FALSE(ExtensionMismatch(jpeg, ""));
  EXPECT_TRUE(ExtensionMismatch(jpeg, "pdf"));
  EXPECT_TRUE(ExtensionMismatch(jpeg, "jp"));  // whole words only
  FileType unknown = Sniff(std::string("\x01\x02\x03\x00", 4));
  EXPECT_FALSE(ExtensionMismatch(unknown, "jpg"));
  FileType ewf = Sniff(Padded(std::string("EVF\x09\x0d\x0a\xff\x00", 8)));
  for (const char* segment : {"e01", "e02", "eaa", "ex01", "s01"}) {
    EXPECT_FALSE(ExtensionMismatch(ewf, segment)) << segment;
  }
  EXPECT_TRUE(ExtensionMismatch(ewf, "jpg"));
  EXPECT_TRUE(IsArchive(Sniff(Padded("PK\x03\x04"))));
  EXPECT_FALSE(IsArchive(jpeg));
}

}  // namespace
}  // namespace tantalio
