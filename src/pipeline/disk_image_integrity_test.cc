#include "pipeline/disk_image_integrity.h"

#include <gtest/gtest.h>

namespace tantalio {
namespace {

constexpr char kMd5[] = "0123456789abcdef0123456789abcdef";
constexpr char kSha1[] = "0123456789abcdef0123456789abcdef01234567";

DiskImageRecord Stored(std::string md5, std::string sha1) {
  DiskImageInfo info;
  info.format = "ewf";
  info.size = 4096;
  info.segments = {"/evidence/pc.E01", "/evidence/pc.E02"};
  info.examiner = "Examiner";
  info.stored_md5 = std::move(md5);
  info.stored_sha1 = std::move(sha1);
  return DescribeDiskImage(info, "pc/pc.E01");
}

ImageVerification Read(std::string md5, std::string sha1) {
  ImageVerification v;
  v.md5 = std::move(md5);
  v.sha1 = std::move(sha1);
  return v;
}

TEST(DiskImageIntegrityTest, DescribesTheImage) {
  DiskImageInfo info;
  info.format = "ewf";
  info.segments = {"/evidence/pc.E01", "/evidence/pc.E02"};
  info.acquisition_errors = {MediaRun{512, 1024}};
  DiskImageRecord d = DescribeDiskImage(info, "pc/pc.E01");
  EXPECT_EQ(d.forensic_path, "pc/pc.E01");
  EXPECT_EQ(d.segments, "pc.E01\npc.E02");
  EXPECT_NE(d.notes.find("1 unreadable sector run(s), the first at media byte 512"),
            std::string::npos)
      << d.notes;
}

TEST(DiskImageIntegrityTest, MatchingHashesVerify) {
  DiskImageRecord d = Stored(kMd5, kSha1);
  EXPECT_TRUE(JudgeIntegrity(d, Read(kMd5, kSha1)).ok());
  EXPECT_EQ(d.integrity, kIntegrityVerified);
  EXPECT_EQ(d.integrity_detail, "stored MD5 and SHA-1 equal the data read");
  EXPECT_EQ(d.computed_sha1, kSha1);
}

TEST(DiskImageIntegrityTest, OneStoredHashVerifiesAlone) {
  DiskImageRecord d = Stored(kMd5, "");
  EXPECT_TRUE(JudgeIntegrity(d, Read(kMd5, kSha1)).ok());
  EXPECT_EQ(d.integrity, kIntegrityVerified);
  EXPECT_EQ(d.integrity_detail, "stored MD5 equals the data read");
}

TEST(DiskImageIntegrityTest, AnyDifferenceIsAMismatch) {
  DiskImageRecord d = Stored(kMd5, kSha1);
  std::string other_sha1 = kSha1;
  other_sha1[0] = 'f';
  Status error = JudgeIntegrity(d, Read(kMd5, other_sha1));
  EXPECT_EQ(error.code(), StatusCode::kCorrupt);
  EXPECT_EQ(d.integrity, kIntegrityMismatch);
  EXPECT_EQ(d.integrity_detail, "SHA-1 stored " + std::string(kSha1) + ", computed " + other_sha1);
  EXPECT_TRUE(IntegrityFailed(d.integrity));
}

TEST(DiskImageIntegrityTest, DamagedChunksFailEvenWhenTheHashesAgree) {
  DiskImageRecord d = Stored(kMd5, "");
  ImageVerification v = Read(kMd5, kSha1);
  v.checksum_errors = {MediaRun{32768, 32768}};
  EXPECT_FALSE(JudgeIntegrity(d, v).ok());
  EXPECT_EQ(d.integrity, kIntegrityMismatch);
  EXPECT_NE(d.integrity_detail.find("1 chunk(s) failed their stored checksum, the first at media "
                                    "bytes 32768 to 65535"),
            std::string::npos)
      << d.integrity_detail;
}

TEST(DiskImageIntegrityTest, NoStoredHashIsRecordedNotFailed) {
  DiskImageRecord d = Stored("", "");
  EXPECT_TRUE(JudgeIntegrity(d, Read(kMd5, kSha1)).ok());
  EXPECT_EQ(d.integrity, kIntegrityNoStoredHash);
  EXPECT_EQ(d.computed_md5, kMd5);
  EXPECT_FALSE(IntegrityFailed(d.integrity));
}

TEST(DiskImageIntegrityTest, UnreadableAndCancelled) {
  DiskImageRecord d = Stored(kMd5, kSha1);
  EXPECT_FALSE(JudgeIntegrity(d, IoError("segment pc.E02: read failed")).ok());
  EXPECT_EQ(d.integrity, kIntegrityUnreadable);
  EXPECT_TRUE(IntegrityFailed(d.integrity));

  DiskImageRecord c = Stored(kMd5, kSha1);
  EXPECT_TRUE(JudgeIntegrity(c, CancelledError("scan interrupted")).ok());
  EXPECT_EQ(c.integrity, kIntegrityNotChecked);
}

}  // namespace
}  // namespace tantalio
