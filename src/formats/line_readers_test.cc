// The line-oriented readers (hashdeep/md5deep, hash lists, PDQ and vPDQ
// lists, CSV), driven through the public ReadHashSet; and NormaliseEntry's
// checks of video frames and audio fingerprints, which they rely on.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include "base/temp_dir.h"
#include "formats/categories.h"
#include "formats/hash_set_entry.h"
#include "formats/hash_set_import.h"
#include "formats/read_for_test.h"
#include "formats/text_formats.h"

namespace tantalio::formats {
namespace {

constexpr char kMd5A[] = "0123456789abcdef0123456789abcdef";
constexpr char kMd5B[] = "fedcba9876543210fedcba9876543210";
constexpr char kSha1A[] = "0123456789abcdef0123456789abcdef01234567";
constexpr char kSha256A[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
constexpr char kPdqA[] = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";
constexpr char kPdqB[] = "0000f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";
constexpr char kChromaprintA[] = "AQADtEmUaEkSRZEGAA-_0123456789xyz";

std::string Upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

ImportOptions WithFormat(HashSetFormat format, bool skip_invalid = false) {
  ImportOptions options;
  options.format = format;
  options.skip_invalid = skip_invalid;
  return options;
}

std::string SampleDir(const std::string& kind) {
  return std::string(TANTALIO_SHARED_DIR) + "/samples/" + kind;
}

#define SKIP_UNLESS_EXISTS(path)                                            \
  do {                                                                      \
    if (!std::filesystem::exists(path)) {                                   \
      GTEST_SKIP() << "shared sample " << (path)                            \
                   << " is absent (TANTALIO_SHARED_DIR/samples); skipping"; \
    }                                                                       \
  } while (0)

class LineReadersTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& name, const std::string& bytes) {
    return dir_.Write(name, bytes);
  }
  TempDir dir_;
};

// ----- hashdeep / md5deep -----

TEST_F(LineReadersTest, HashdeepSample) {
  const std::string path = SampleDir("hashdeep") + "/hashdeep.txt";
  SKIP_UNLESS_EXISTS(path);
  ReadOutcome out = Read(path);
  ASSERT_TRUE(out.report.ok()) << out.report.status().ToString();
  EXPECT_EQ(out.report->format, HashSetFormat::kHashdeep);
  EXPECT_EQ(out.report->source.format, "hashdeep 1.0");
  ASSERT_EQ(out.entries.size(), 3u);
  EXPECT_EQ(out.entries[0].size, 622);
  EXPECT_EQ(out.entries[0].md5, "6f4a8ac099c4fe85164b8631c7f0bd2b");
  EXPECT_EQ(out.entries[0].sha256,
            "2f1cf7a397bb8eed63b225d5d4fd5e2fc71788c8ae12db94147d1f5e227a4118");
  EXPECT_EQ(out.entries[0].name, "/Users/jessek/projects/md5deep/sample-hashes/ilookv3.hsh");
  EXPECT_EQ(out.entries[2].size, 233);
  EXPECT_EQ(out.locations[0], "line 5");
}

TEST_F(LineReadersTest, Md5deepSamples) {
  const std::string plain = SampleDir("hashdeep") + "/md5deep.txt";
  const std::string sized = SampleDir("hashdeep") + "/md5deep-size.txt";
  SKIP_UNLESS_EXISTS(plain);
  SKIP_UNLESS_EXISTS(sized);
  ReadOutcome a = Read(plain);
  ASSERT_TRUE(a.report.ok()) << a.report.status().ToString();
  EXPECT_EQ(a.report->source.format, "md5deep");
  ASSERT_EQ(a.entries.size(), 4u);
  EXPECT_EQ(a.entries[0].md5, "92e792c43c35e96fed3f9566083326fc");
  EXPECT_EQ(a.entries[0].name, "/Users/jessek/a.out");
  EXPECT_FALSE(a.entries[0].size.has_value());
  EXPECT_EQ(a.entries[2].name, "/Users/jessek/foo.cpp~");

  ReadOutcome b = Read(sized);
  ASSERT_TRUE(b.report.ok()) << b.report.status().ToString();
  ASSERT_EQ(b.entries.size(), 4u);
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(b.entries[i].md5, a.entries[i].md5);
    EXPECT_EQ(b.entries[i].name, a.entries[i].name);
  }
  EXPECT_EQ(b.entries[0].size, 669416);
  EXPECT_EQ(b.entries[1].size, 298);
  EXPECT_EQ(b.entries[3].size, 729602);
}

TEST_F(LineReadersTest, HashdeepFileNameKeepsCommas) {
  std::string path = Write("h.txt", std::string("%%%% HASHDEEP-1.0\n"
                                                "%%%% size,md5,sha256,filename\n"
                                                "## Invoked from: /x\n"
                                                "## \n"
                                                "12,") +
                                        kMd5A + "," + kSha256A + ",/evidence/a,b, c.jpg\n");
  ReadOutcome out = Read(path);
  ASSERT_TRUE(out.report.ok()) << out.report.status().ToString();
  ASSERT_EQ(out.entries.size(), 1u);
  EXPECT_EQ(out.entries[0].name, "/evidence/a,b, c.jpg");
  EXPECT_EQ(out.entries[0].size, 12);
  EXPECT_EQ(out.entries[0].md5, kMd5A);
  EXPECT_EQ(out.entries[0].sha256, kSha256A);
}

TEST_F(LineReadersTest, HashdeepSkipsOtherHashColumnsAndAcceptsDashedNames) {
  const std::string tiger(48, 'a');
  std::string path =
      Write("h.txt", std::string("%%%% HASHDEEP-1.0\n"
                                 "%%%% size,MD5,tiger,sha-1,filename\n") +
                         "7," + Upper(kMd5A) + "," + tiger + "," + kSha1A + ",name\n");
  ReadOutcome out = Read(path, WithFormat(HashSetFormat::kHashdeep));
  ASSERT_TRUE(out.report.ok()) << out.report.status().ToString();
  ASSERT_EQ(out.entries.size(), 1u);
  EXPECT_EQ(out.entries[0].md5, kMd5A);  // normalised to lower case
  EXPECT_EQ(out.entries[0].sha1, kSha1A);
  EXPECT_EQ(out.entries[0].sha256, "");
  EXPECT_EQ(out.entries[0].name, "name");
}

TEST_F(LineReadersTest, HashdeepBadColumnListIsFatalEvenWhenSkipping) {
  std::string path = Write("h.txt", "%%%% HASHDEEP-1.0\n%%%% md5,size,filename\n1,2,3\n");
  ReadOutcome out = Read(path, WithFormat(HashSetFormat::kHashdeep, /*skip_invalid=*/true));
  ASSERT_FALSE(out.report.ok());
  EXPECT_NE(out.report.status().message().find("line 2"), std::string::npos)
      << out.report.status().message();
  EXPECT_NE(out.report.status().message().find("must start with size"), std::string::npos);

  path = Write("h2.txt", "%%%% HASHDEEP-1.0\n%%%% size,whirlpool,filename\n");
  out = Read(path);
  ASSERT_FALSE(out.report.ok());
  EXPECT_EQ(out.report.status().code(), StatusCode::kUnsupported);

  path = Write("h3.txt", std::string("%%%% HASHDEEP-1.0\n1,") + kMd5A + ",x\n");
  out = Read(path);
  ASSERT_FALSE(out.report.ok());
  EXPECT_NE(out.report.status().message().find("column list"), std::string::npos);
}

TEST_F(LineReadersTest, HashdeepInvalidHexNamesTheLine) {
  std::string path =
      Write("h.txt", std::string("%%%% HASHDEEP-1.0\n%%%% size,md5,filename\n## c\n1,") + kMd5A +
                         ",a\n2,zz23456789abcdef0123456789abcdef,b\n");
  ReadOutcome out = Read(path);
  ASSERT_FALSE(out.report.ok());
  EXPECT_EQ(out.report.status().code(), StatusCode::kInvalidArgument);
  const std::string& message = out.report.status().message();
  EXPECT_NE(message.find("line 5"), std::string::npos) << message;
  EXPECT_NE(message.find("MD5"), std::string::npos) << message;
  EXPECT_EQ(out.entries.size(), 1u);  // the line before was delivered
}

TEST_F(LineReadersTest, HashdeepSkipInvalidCounts) {
  std::string path = Write("h.txt", std::string("%%%% HASHDEEP-1.0\n%%%% size,md5,filename\n") +
                                        "x," + kMd5A + ",a\n" +  // bad size
                                        "1,abc,b\n" +            // bad hash
                                        "2\n" +                  // too few fields
                                        "3," + kMd5B + ",c\n");
  ReadOutcome out = Read(path, WithFormat(HashSetFormat::kAuto, /*skip_invalid=*/true));
  ASSERT_TRUE(out.report.ok()) << out.report.status().ToString();
  EXPECT_EQ(out.report->skipped_invalid, 3u);
  EXPECT_EQ(out.report->entries, 1u);
  EXPECT_EQ(out.report->records, 4u);
  ASSERT_EQ(out.report->problems.size(), 3u);
  EXPECT_EQ(out.report->problems[0].rfind("line 3: size 'x'", 0), 0u) << out.report->problems[0];
  EXPECT_EQ(out.report->problems[1].rfind("line 4: ", 0), 0u);
  EXPECT_EQ(out.report->problems[2].rfind("line 5: expected 3 comma-separated fields", 0), 0u)
      << out.report->problems[2];
  ASSERT_EQ(out.entries.size(), 1u);
  EXPECT_EQ(out.entries[0].name, "c");
}

TEST_F(LineReadersTest, HashdeepBomAndCrlf) {
  std::string path =
      Write("h.txt", std::string("\xEF\xBB\xBF%%%% HASHDEEP-1.0\r\n%%%% size,md5,filename\r\n") +
                         "5," + kMd5A + ",C:\\x\\y.jpg\r\n");
  ReadOutcome out = Read(path);
  ASSERT_TRUE(out.report.ok()) << out.report.status().ToString();
  ASSERT_EQ(out.entries.size(), 1u);
  EXPECT_EQ(out.entries[0].name, "C:\\x\\y.jpg");
  EXPECT_EQ(out.entries[0].size, 5);
}

TEST_F(LineReadersTest, Md5deepForms) {
  std::string path = Write(
      "m.txt", "\xEF\xBB\xBF" + std::string(kSha1A) + "  /a b/c.jpg\r\n" + kSha256A +
                   " *bin.exe\r\n" + "     669416  " + Upper(kMd5A) + "  /with  two spaces\r\n" +
                   "# comment\r\n\r\n" + kMd5B + "    leading spaces kept\r\n");
  ReadOutcome out = Read(path);
  ASSERT_TRUE(out.report.ok()) << out.report.status().ToString();
  EXPECT_EQ(out.report->format, HashSetFormat::kHashdeep);
  ASSERT_EQ(out.entries.size(), 4u);
  EXPECT_EQ(out.entries[0].sha1, kSha1A);
  EXPECT_EQ(out.entries[0].name, "/a b/c.jpg");
  EXPECT_EQ(out.entries[1].sha256, kSha256A);
  EXPECT_EQ(out.entries[1].name, "bin.exe");
  EXPECT_EQ(out.entries[2].md5, kMd5A);
  EXPECT_EQ(out.entries[2].size, 669416);
  EXPECT_EQ(out.entries[2].name, "/with  two spaces");
  EXPECT_EQ(out.entries[3].name, "  leading spaces kept");
  EXPECT_EQ(out.locations[3], "line 6");
}

TEST_F(LineReadersTest, Md5deepTriageForm) {
  std::string path =
      Write("m.txt", std::string("669416\t") + kMd5B + "\t" + kMd5A + "\t/a\tb.jpg\n");
  ReadOutcome out = Read(path, WithFormat(HashSetFormat::kHashdeep));
  ASSERT_TRUE(out.report.ok()) << out.report.status().ToString();
  ASSERT_EQ(out.entries.size(), 1u);
  EXPECT_EQ(out.entries[0].md5, kMd5A);  // the whole-file hash, not the first 512 bytes'
  EXPECT_EQ(out.entries[0].size, 669416);
  EXPECT_EQ(out.entries[0].name, "/a\tb.jpg");
}

TEST_F(LineReadersTest, Md5deepRejectsOtherHashLengths) {
  std::string path = Write("m.txt", std::string(kMd5A) + "  a\n" + std::string(48, 'b') + "  b\n");
  ReadOutcome out = Read(path, WithFormat(HashSetFormat::kHashdeep));
  ASSERT_FALSE(out.report.ok());
  EXPECT_NE(out.report.status().message().find("line 2: "), std::string::npos)
      << out.report.status().message();
  EXPECT_NE(out.report.status().message().find("32, 40 or 64 hex digits"), std::string::npos);
}

// ----- hash lists -----

TEST_F(LineReadersTest, HashListByLength) {
  std::string path = Write("l.txt", "\xEF\xBB\xBF# a list\r\n  " + Upper(kMd5A) + "  \r\n\r\n" +
                                        kSha1A + "\n\t" + kSha256A + "\n");
  ReadOutcome out = Read(path);
  ASSERT_TRUE(out.report.ok()) << out.report.status().ToString();
  EXPECT_EQ(out.report->format, HashSetFormat::kHashList);
  ASSERT_EQ(out.entries.size(), 3u);
  EXPECT_EQ(out.entries[0].md5, kMd5A);
  EXPECT_EQ(out.entries[1].sha1, kSha1A);
  EXPECT_EQ(out.entries[2].sha256, kSha256A);
  EXPECT_EQ(out.locations[0], "line 2");
  EXPECT_EQ(out.locations[2], "line 5");
}

TEST_F(LineReadersTest, HashListInvalidLines) {
  std::string path = Write("l.txt", std::string(kMd5A) + "\nnot a hash\n" +
                                        "0123456789abcdef0123456789abcdeg\n" + kMd5B + "\n");
  ReadOutcome strict = Read(path, WithFormat(HashSetFormat::kHashList));
  ASSERT_FALSE(strict.report.ok());
  EXPECT_NE(strict.report.status().message().find("line 2: 'not a hash' is not an MD5"),
            std::string::npos)
      << strict.report.status().message();

  ReadOutcome lenient = Read(path, WithFormat(HashSetFormat::kHashList, /*skip_invalid=*/true));
  ASSERT_TRUE(lenient.report.ok()) << lenient.report.status().ToString();
  EXPECT_EQ(lenient.report->skipped_invalid, 2u);
  EXPECT_EQ(lenient.entries.size(), 2u);
  ASSERT_EQ(lenient.report->problems.size(), 2u);
  EXPECT_EQ(lenient.report->problems[1].rfind("line 3: MD5", 0), 0u) << lenient.report->problems[1];
}

TEST_F(LineReadersTest, HashListDropsEmptyFileHashes) {
  std::string path =
      Write("l.txt", std::string("d41d8cd98f00b204e9800998ecf8427e\n") + kMd5A + "\n");
  ReadOutcome out = Read(path);
  ASSERT_TRUE(out.report.ok()) << out.report.status().ToString();
  EXPECT_EQ(out.report->dropped_empty_file, 1u);
  EXPECT_EQ(out.entries.size(), 1u);
}

// ----- PDQ lists -----

TEST_F(LineReadersTest, PdqList) {
  std::string path =
      Write("p.txt", std::string("hash,quality,label\r\n") + Upper(kPdqA) + ",90,cat, dog.jpg\r\n" +
                         kPdqA + "\r\n" + kPdqA + ",,only label\r\n" + kPdqA + ", 100 \r\n");
  ReadOutcome out = Read(path, WithFormat(HashSetFormat::kPdq));
  ASSERT_TRUE(out.report.ok()) << out.report.status().ToString();
  EXPECT_EQ(out.report->source.format, "PDQ list");
  ASSERT_EQ(out.entries.size(), 4u);
  EXPECT_EQ(out.entries[0].pdq, kPdqA);
  EXPECT_EQ(out.entries[0].pdq_quality, 90);
  EXPECT_EQ(out.entries[0].name, "cat, dog.jpg");
  EXPECT_FALSE(out.entries[1].pdq_quality.has_value());
  EXPECT_EQ(out.entries[1].name, "");
  EXPECT_FALSE(out.entries[2].pdq_quality.has_value());
  EXPECT_EQ(out.entries[2].name, "only label");
  EXPECT_EQ(out.entries[3].pdq_quality, 100);
  EXPECT_EQ(out.locations[0], "line 2");
}

TEST_F(LineReadersTest, PdqListInvalidRecords) {
  std::string path = Write("p.txt", std::string(kPdqA) + ",50,a\n" + kPdqA + ",101,b\n" + kPdqA +
                                        ",high,c\n" + "abcd,50,d\n" + ",50,e\n");
  ReadOutcome out = Read(path, WithFormat(HashSetFormat::kPdq, /*skip_invalid=*/true));
  ASSERT_TRUE(out.report.ok()) << out.report.status().ToString();
  EXPECT_EQ(out.entries.size(), 1u);
  EXPECT_EQ(out.report->skipped_invalid, 4u);
  ASSERT_EQ(out.report->problems.size(), 4u);
  EXPECT_EQ(out.report->problems[0].rfind("line 2: PDQ quality 101", 0), 0u)
      << out.report->problems[0];
  EXPECT_EQ(out.report->problems[1].rfind("line 3: PDQ quality 'high'", 0), 0u)
      << out.report->problems[1];
  EXPECT_EQ(out.report->problems[2].rfind("line 4: PDQ 'abcd'", 0), 0u) << out.report->problems[2];
}

// ----- vPDQ lists -----

TEST_F(LineReadersTest, VpdqList) {
  std::string path = Write(
      "v.txt", std::string("\xEF\xBB\xBFvideo_id,time,quality,hash\r\n") +
                   "# frames of two videos\r\n" + "clip-1.mp4,0.000,100," + Upper(kPdqA) + "\r\n" +
                   "\r\n" + " clip-1.mp4 , 1.001 , 87 , " + kPdqB + " \r\n" + "clip 2,12,," +
                   kPdqA + "\r\n" + std::string(kSha256A) + ",3600.5,50," + kPdqB + "\n");
  ReadOutcome out = Read(path, WithFormat(HashSetFormat::kVpdq));
  ASSERT_TRUE(out.report.ok()) << out.report.status().ToString();
  EXPECT_EQ(out.report->source.format, "vPDQ");
  ASSERT_EQ(out.entries.size(), 4u);
  const HashSetEntry& first = out.entries[0];
  EXPECT_EQ(first.source_ref, "clip-1.mp4");
  EXPECT_EQ(first.media_time, 0.0);
  EXPECT_TRUE(first.IsVideoFrame());
  EXPECT_EQ(first.pdq_quality, 100);
  EXPECT_EQ(first.pdq, kPdqA);
  EXPECT_TRUE(first.md5.empty() && first.sha256.empty() && first.name.empty());
  EXPECT_EQ(out.entries[1].source_ref, "clip-1.mp4");  // fields are trimmed
  EXPECT_EQ(out.entries[1].media_time, 1.001);
  EXPECT_EQ(out.entries[1].pdq_quality, 87);
  EXPECT_EQ(out.entries[1].pdq, kPdqB);
  EXPECT_EQ(out.entries[2].source_ref, "clip 2");
  EXPECT_EQ(out.entries[2].media_time, 12.0);
  EXPECT_FALSE(out.entries[2].pdq_quality.has_value());  // empty: not given
  EXPECT_EQ(out.entries[3].source_ref, kSha256A);        // a video id may be the video's SHA-256
  EXPECT_EQ(out.entries[3].media_time, 3600.5);
  EXPECT_EQ(out.locations[0], "line 3");
  EXPECT_EQ(out.locations[1], "line 5");
}

TEST_F(LineReadersTest, VpdqListWithoutHeader) {
  std::string path = Write("v.txt", std::string("v,2.5,60,") + kPdqA + "\n");
  ReadOutcome out = Read(path);  // detected
  ASSERT_TRUE(out.report.ok()) << out.report.status().ToString();
  EXPECT_EQ(out.report->format, HashSetFormat::kVpdq);
  ASSERT_EQ(out.entries.size(), 1u);
  EXPECT_EQ(out.entries[0].media_time, 2.5);
  EXPECT_EQ(out.locations[0], "line 1");
}

TEST_F(LineReadersTest, VpdqListInvalidRecords) {
  const std::string hash = kPdqA;
  std::string path = Write("v.txt", "v,1.0,50," + hash + "\n" +        // 1: good
                                        "v,1.0,50\n" +                 // 2: missing field
                                        "a,b,1.0,50," + hash + "\n" +  // 3: comma in id
                                        "v,soon,50," + hash + "\n" +   // 4: bad time
                                        "v,-1.5,50," + hash + "\n" +   // 5: negative time
                                        "v,1e3,50," + hash + "\n" +    // 6: not plain decimal
                                        "v,1.0,high," + hash + "\n" +  // 7: bad quality
                                        "v,1.0,101," + hash + "\n" +   // 8: quality range
                                        "v,1.0,50,abcd\n" +            // 9: bad hex
                                        ",1.0,50," + hash + "\n" +     // 10: no video id
                                        "v,,50," + hash + "\n" +       // 11: no time
                                        "v,1.0,50,\n" +                // 12: no hash
                                        "v,2.0,," + hash + "\n");      // 13: good
  ReadOutcome out = Read(path, WithFormat(HashSetFormat::kVpdq, /*skip_invalid=*/true));
  ASSERT_TRUE(out.report.ok()) << out.report.status().ToString();
  EXPECT_EQ(out.entries.size(), 2u);
  EXPECT_EQ(out.report->skipped_invalid, 11u);
  ASSERT_EQ(out.report->problems.size(), 10u);  // the first kMaxReportedProblems
  const std::vector<std::string>& p = out.report->problems;
  EXPECT_EQ(p[0],
            "line 2: expected 4 comma-separated fields video_id,time,quality,hash, found 3 (a "
            "video id cannot contain a comma)");
  EXPECT_EQ(p[1].rfind("line 3: expected 4 comma-separated fields", 0), 0u) << p[1];
  EXPECT_NE(p[1].find("found 5"), std::string::npos) << p[1];
  EXPECT_EQ(p[2], "line 4: time 'soon' is not a decimal number of seconds (e.g. 12.480)");
  EXPECT_EQ(p[3], "line 5: time '-1.5' is negative");
  EXPECT_EQ(p[4], "line 6: time '1e3' is not a decimal number of seconds (e.g. 12.480)");
  EXPECT_EQ(p[5], "line 7: PDQ quality 'high' is not a whole number");
  EXPECT_EQ(p[6].rfind("line 8: PDQ quality 101", 0), 0u) << p[6];
  EXPECT_EQ(p[7].rfind("line 9: PDQ 'abcd'", 0), 0u) << p[7];
  EXPECT_EQ(p[8], "line 10: no video id in the first field");
  EXPECT_EQ(p[9], "line 11: no time in the second field (seconds into video 'v')");

  // Without skip_invalid the first bad line stops the read, naming the file.
  out = Read(path, WithFormat(HashSetFormat::kVpdq));
  ASSERT_FALSE(out.report.ok());
  EXPECT_EQ(out.report.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(out.report.status().message(), path +
                                               ": line 2: expected 4 comma-separated fields "
                                               "video_id,time,quality,hash, found 3 (a video "
                                               "id cannot contain a comma)");
}

TEST_F(LineReadersTest, VpdqListNoHashMessage) {
  std::string path = Write("v.txt", "video_id,time,quality,pdq\nv,1.0,50,\n");
  ReadOutcome out = Read(path, WithFormat(HashSetFormat::kVpdq));
  ASSERT_FALSE(out.report.ok());
  EXPECT_NE(out.report.status().message().find("line 2: no PDQ hash in the fourth field"),
            std::string::npos)
      << out.report.status().message();
}

// ----- CSV -----

TEST_F(LineReadersTest, CsvWithFieldNamesAndQuoting) {
  std::string path =
      Write("c.csv",
            "\xEF\xBB\xBFmd5,sha1,size,name,tags,comments,series,victim_identified,distributed,"
            "mime_type,source_ref,unknown column\r\n" +
                Upper(kMd5A) + "," + kSha1A +
                ",123,\"a, \"\"quoted\"\" name\",\"t1, t2\",\"multi\r\nline\",S1,Yes,no,image/jpeg,"
                "42,ignored\r\n" +
                "\r\n" + kMd5B + ",,,plain,,,,,,,,\r\n");
  ReadOutcome out = Read(path);
  ASSERT_TRUE(out.report.ok()) << out.report.status().ToString();
  EXPECT_EQ(out.report->format, HashSetFormat::kCsv);
  EXPECT_EQ(out.report->source.format, "CSV");
  ASSERT_EQ(out.entries.size(), 2u);
  const HashSetEntry& e = out.entries[0];
  EXPECT_EQ(e.md5, kMd5A);
  EXPECT_EQ(e.sha1, kSha1A);
  EXPECT_EQ(e.size, 123);
  EXPECT_EQ(e.name, "a, \"quoted\" name");
  EXPECT_EQ(e.tags, "t1, t2");
  EXPECT_EQ(e.comments, "multi\r\nline");
  EXPECT_EQ(e.series, "S1");
  EXPECT_EQ(e.victim_identified, true);
  EXPECT_FALSE(e.offender_identified.has_value());
  EXPECT_EQ(e.distributed, false);
  EXPECT_EQ(e.mime_type, "image/jpeg");
  EXPECT_EQ(e.source_ref, "42");
  EXPECT_EQ(out.locations[0], "line 2");
  EXPECT_EQ(out.locations[1], "line 5");
  EXPECT_EQ(out.entries[1].md5, kMd5B);
  EXPECT_FALSE(out.entries[1].size.has_value());
  EXPECT_FALSE(out.entries[1].victim_identified.has_value());
}

TEST_F(LineReadersTest, CsvSemicolonAndAliases) {
  std::string path = Write("c.csv", std::string("MD5 Hash;SHA-1;MediaID;File Name;Category\n") +
                                        kMd5A + ";" + kSha1A + ";7;x;1\n" + kMd5B + ";;8;y;\n");
  ReadOutcome out = Read(path, WithFormat(HashSetFormat::kCsv));
  ASSERT_TRUE(out.report.ok()) << out.report.status().ToString();
  EXPECT_EQ(out.report->source.format, "CSV (semicolon-separated)");
  EXPECT_EQ(out.report->source.category_scheme, "vics-us");
  ASSERT_EQ(out.entries.size(), 2u);
  EXPECT_EQ(out.entries[0].md5, kMd5A);
  EXPECT_EQ(out.entries[0].sha1, kSha1A);
  EXPECT_EQ(out.entries[0].source_ref, "7");
  EXPECT_EQ(out.entries[0].name, "x");
  EXPECT_EQ(out.entries[0].category, 1);
  EXPECT_EQ(out.entries[0].category_source, "1");
  EXPECT_FALSE(out.entries[1].category.has_value());
  EXPECT_EQ(out.entries[1].category_source, "");
}

TEST_F(LineReadersTest, CsvTabSeparatedWithColumnMapping) {
  std::string path =
      Write("c.tsv", std::string("Hash\tPath\tname\n") + kSha256A + "\t/a,b\tother\n");
  ImportOptions options = WithFormat(HashSetFormat::kCsv);
  options.csv_columns = {{"sha256", "hash"}, {"name", "Path"}};
  ReadOutcome out = Read(path, options);
  ASSERT_TRUE(out.report.ok()) << out.report.status().ToString();
  EXPECT_EQ(out.report->source.format, "CSV (tab-separated)");
  ASSERT_EQ(out.entries.size(), 1u);
  EXPECT_EQ(out.entries[0].sha256, kSha256A);
  EXPECT_EQ(out.entries[0].name, "/a,b");  // the mapping wins over the field's own name

  options.csv_columns = {{"sha256", "Digest"}};
  out = Read(path, options);
  ASSERT_FALSE(out.report.ok());
  EXPECT_NE(out.report.status().message().find("column 'Digest'"), std::string::npos)
      << out.report.status().message();

  options.csv_columns = {{"sha512", "Hash"}};
  out = Read(path, options);
  ASSERT_FALSE(out.report.ok());
  EXPECT_NE(out.report.status().message().find("unknown field 'sha512'"), std::string::npos)
      << out.report.status().message();
}

TEST_F(LineReadersTest, CsvWithoutHashColumnIsFatal) {
  std::string path = Write("c.csv", "Digest,File\nabc,def\n");
  ReadOutcome out = Read(path, WithFormat(HashSetFormat::kCsv, /*skip_invalid=*/true));
  ASSERT_FALSE(out.report.ok());
  EXPECT_EQ(out.report.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(out.report.status().message().find("headers seen: Digest, File"), std::string::npos)
      << out.report.status().message();
}

TEST_F(LineReadersTest, CsvCategoriesMappedBySchemeOrTakenAsProject) {
  // Without a category_source column the category column is the source's
  // value, mapped by the scheme in force (here an override).
  std::string path =
      Write("c.csv", std::string("md5,category\n") + kMd5A + ",CAT-5\n" + kMd5B + ",CAT-1\n");
  ImportOptions options = WithFormat(HashSetFormat::kCsv);
  auto dhs = CategoryMap::BuiltIn("dhs");
  ASSERT_TRUE(dhs.ok()) << dhs.status().ToString();
  options.category_map = *dhs;
  ReadOutcome out = Read(path, options);
  ASSERT_TRUE(out.report.ok()) << out.report.status().ToString();
  ASSERT_EQ(out.entries.size(), 2u);
  EXPECT_EQ(out.entries[0].category, 0);
  EXPECT_EQ(out.entries[0].category_source, "CAT-5");
  EXPECT_EQ(out.entries[1].category, 1);

  // With one, categories are already in the project scheme.
  path = Write("d.csv",
               std::string("md5,category,category_source\n") + kMd5A + ",2,B\n" + kMd5B + ",,0\n");
  out = Read(path);
  ASSERT_TRUE(out.report.ok()) << out.report.status().ToString();
  ASSERT_EQ(out.entries.size(), 2u);
  EXPECT_EQ(out.entries[0].category, 2);
  EXPECT_EQ(out.entries[0].category_source, "B");
  EXPECT_FALSE(out.entries[1].category.has_value());
  EXPECT_EQ(out.entries[1].category_source, "0");

  path = Write("e.csv", std::string("md5,category,category_source\n") + kMd5A + ",7,x\n");
  out = Read(path);
  ASSERT_FALSE(out.report.ok());
  EXPECT_NE(out.report.status().message().find("line 2: category '7'"), std::string::npos)
      << out.report.status().message();
}

TEST_F(LineReadersTest, CsvInvalidRecords) {
  std::string path =
      Write("c.csv", std::string("md5,victim_identified,size\n") + kMd5A + ",maybe,1\n" + kMd5A +
                         ",true\n" + kMd5A + ",true,-4\n" + "xyz,,\n" + kMd5B + ",TRUE,\"5\"\n");
  ReadOutcome out = Read(path, WithFormat(HashSetFormat::kCsv, /*skip_invalid=*/true));
  ASSERT_TRUE(out.report.ok()) << out.report.status().ToString();
  EXPECT_EQ(out.report->skipped_invalid, 4u);
  ASSERT_EQ(out.report->problems.size(), 4u);
  EXPECT_EQ(out.report->problems[0],
            "line 2: victim_identified 'maybe' is not true/false, yes/no or 1/0");
  EXPECT_EQ(out.report->problems[1], "line 3: expected 3 fields as in the header, found 2");
  EXPECT_EQ(out.report->problems[2].rfind("line 4: size '-4'", 0), 0u) << out.report->problems[2];
  EXPECT_EQ(out.report->problems[3].rfind("line 5: MD5 'xyz'", 0), 0u) << out.report->problems[3];
  ASSERT_EQ(out.entries.size(), 1u);
  EXPECT_EQ(out.entries[0].victim_identified, true);
  EXPECT_EQ(out.entries[0].size, 5);
}

TEST_F(LineReadersTest, CsvVideoFramesAndAudioFingerprints) {
  // A vPDQ frame and an audio fingerprint as CSV rows, with the own names and
  // with aliases.
  std::string path =
      Write("c.csv", std::string("pdq,pdq_quality,source_ref,media_time,chromaprint\n") + kPdqA +
                         ",90,video-7, 12.480 ,\n" + ",,song-3,, " + kChromaprintA + " \n" + kPdqB +
                         ",,,,\n");
  ReadOutcome out = Read(path);
  ASSERT_TRUE(out.report.ok()) << out.report.status().ToString();
  EXPECT_EQ(out.report->format, HashSetFormat::kCsv);
  ASSERT_EQ(out.entries.size(), 3u);
  EXPECT_EQ(out.entries[0].media_time, 12.48);
  EXPECT_EQ(out.entries[0].source_ref, "video-7");
  EXPECT_EQ(out.entries[0].pdq_quality, 90);
  EXPECT_EQ(out.entries[1].chromaprint, kChromaprintA);
  EXPECT_EQ(out.entries[1].source_ref, "song-3");
  EXPECT_FALSE(out.entries[1].media_time.has_value());
  EXPECT_TRUE(out.entries[1].pdq.empty());
  EXPECT_FALSE(out.entries[2].media_time.has_value());  // a still image
  EXPECT_TRUE(out.entries[2].chromaprint.empty());

  path = Write("d.csv", std::string("MediaID;PDQ Hash;Video Time;AcoustID\n") + "v1;" + kPdqA +
                            ";3;\n" + "a1;;;" + kChromaprintA + "\n");
  out = Read(path);
  ASSERT_TRUE(out.report.ok()) << out.report.status().ToString();
  ASSERT_EQ(out.entries.size(), 2u);
  EXPECT_EQ(out.entries[0].media_time, 3.0);
  EXPECT_EQ(out.entries[1].chromaprint, kChromaprintA);

  for (const char* header : {"frametime", "Video Time"}) {
    path = Write("e.csv", std::string("source_ref,pdq,") + header + "\nv," + kPdqA + ",0.5\n");
    out = Read(path);
    ASSERT_TRUE(out.report.ok()) << header << ": " << out.report.status().ToString();
    ASSERT_EQ(out.entries.size(), 1u);
    EXPECT_EQ(out.entries[0].media_time, 0.5) << header;
  }
  for (const char* header : {"Audio Fingerprint", "acoustid"}) {
    path = Write("f.csv", std::string("source_ref,") + header + "\nr," + kChromaprintA + "\n");
    out = Read(path, WithFormat(HashSetFormat::kCsv));
    ASSERT_TRUE(out.report.ok()) << header << ": " << out.report.status().ToString();
    ASSERT_EQ(out.entries.size(), 1u);
    EXPECT_EQ(out.entries[0].chromaprint, kChromaprintA) << header;
  }
  // A bare "timestamp" or "fingerprint" is another tool's date or certificate:
  // not taken for a frame time or an audio fingerprint.
  path = Write("h.csv", std::string("source_ref,pdq,timestamp,fingerprint\nv,") + kPdqA +
                            ",2017-05-04,abc\n");
  out = Read(path);
  ASSERT_TRUE(out.report.ok()) << out.report.status().ToString();
  ASSERT_EQ(out.entries.size(), 1u);
  EXPECT_FALSE(out.entries[0].media_time.has_value());
  EXPECT_TRUE(out.entries[0].chromaprint.empty());
  // Audio only: the chromaprint column is the one hash column (detected too).
  path =
      Write("g.csv", std::string("source_ref,chromaprint\nr," + std::string(kChromaprintA) + "\n"));
  out = Read(path);
  ASSERT_TRUE(out.report.ok()) << out.report.status().ToString();
  EXPECT_EQ(out.report->format, HashSetFormat::kCsv);
  EXPECT_EQ(out.entries.size(), 1u);
}

TEST_F(LineReadersTest, CsvVideoFrameAndAudioInvalidRecords) {
  std::string path = Write("c.csv", std::string("source_ref,pdq,media_time,chromaprint\n") +  //
                                        "v," + kPdqA + ",-2,\n" +                             // 2
                                        "v," + kPdqA + ",two,\n" +                            // 3
                                        "," + kPdqA + ",2,\n" +                               // 4
                                        "v,,2," + kChromaprintA + "\n" +                      // 5
                                        "r,,,AQAD+slash/\n" +                                 // 6
                                        ",,," + kChromaprintA + "\n" +                        // 7
                                        "v," + kPdqA + ",2,\n");  // 8: good
  ReadOutcome out = Read(path, WithFormat(HashSetFormat::kCsv, /*skip_invalid=*/true));
  ASSERT_TRUE(out.report.ok()) << out.report.status().ToString();
  ASSERT_EQ(out.entries.size(), 1u);
  EXPECT_EQ(out.entries[0].media_time, 2.0);
  const std::vector<std::string>& p = out.report->problems;
  ASSERT_EQ(p.size(), 6u);
  EXPECT_EQ(p[0], "line 2: media_time '-2' is not a time in seconds of 0 or more (e.g. 12.5)");
  EXPECT_EQ(p[1], "line 3: media_time 'two' is not a time in seconds of 0 or more (e.g. 12.5)");
  EXPECT_EQ(p[2], "line 4: a video frame does not name its video (no video id)");
  EXPECT_EQ(p[3], "line 5: a video frame has no PDQ hash");
  EXPECT_EQ(p[4], "line 6: audio fingerprint has a character outside URL-safe base64 at 4");
  EXPECT_EQ(p[5], "line 7: an audio fingerprint does not name its recording (no id)");
}

TEST_F(LineReadersTest, CsvUnclosedQuoteIsFatal) {
  std::string path = Write("c.csv", std::string("md5,name\n") + kMd5A + ",ok\n" + kMd5B +
                                        ",\"never closed\nstill open\n");
  ReadOutcome out = Read(path, WithFormat(HashSetFormat::kCsv, /*skip_invalid=*/true));
  ASSERT_FALSE(out.report.ok());
  EXPECT_EQ(out.report.status().code(), StatusCode::kCorrupt);
  EXPECT_NE(out.report.status().message().find("line 3: a quoted field is not closed"),
            std::string::npos)
      << out.report.status().message();
}

TEST_F(LineReadersTest, MissingFileIsAnError) {
  ReadOutcome out = Read(dir_.Sub("absent.txt"), WithFormat(HashSetFormat::kHashList));
  ASSERT_FALSE(out.report.ok());
  EXPECT_EQ(out.report.status().code(), StatusCode::kNotFound);
}

TEST_F(LineReadersTest, CallbackErrorStopsTheRead) {
  std::string path = Write("l.txt", std::string(kMd5A) + "\n" + kMd5B + "\n");
  int calls = 0;
  auto report = ReadHashSet(path, {}, [&](const HashSetEntry&, const RecordLocation&) {
    ++calls;
    return CancelledError("stop");
  });
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), StatusCode::kCancelled);
  EXPECT_EQ(calls, 1);
}

// ----- decimal numbers -----

TEST(ParseDecimalTest, PlainDecimalsOnly) {
  EXPECT_EQ(internal::ParseDecimal("12"), 12.0);
  EXPECT_EQ(internal::ParseDecimal("0.040"), 0.04);
  EXPECT_EQ(internal::ParseDecimal("+1.5"), 1.5);
  EXPECT_EQ(internal::ParseDecimal("-1.5"), -1.5);
  for (const char* bad :
       {"", ".5", "1.", "1e3", "inf", "nan", " 1", "1 ", "1.2.3", "--1", "+-1", "0x10", "1,5"}) {
    EXPECT_FALSE(internal::ParseDecimal(bad).has_value()) << "'" << bad << "'";
  }
  for (double seconds : {0.0, 0.1, 2.0, 12.48, 3600.000001, 1e20, 123456.789}) {
    const std::string text = internal::FormatSeconds(seconds);
    EXPECT_EQ(internal::ParseDecimal(text), seconds) << text;
  }
  EXPECT_EQ(internal::FormatSeconds(2.0), "2");
  EXPECT_EQ(internal::FormatSeconds(12.48), "12.48");
}

// ----- NormaliseEntry: video frames and audio fingerprints -----

HashSetEntry VideoFrame() {
  HashSetEntry entry;
  entry.pdq = Upper(kPdqA);
  entry.pdq_quality = 80;
  entry.source_ref = "video-1";
  entry.media_time = 4.5;
  return entry;
}

HashSetEntry AudioFingerprint() {
  HashSetEntry entry;
  entry.chromaprint = kChromaprintA;
  entry.source_ref = "recording-1";
  return entry;
}

TEST(NormaliseEntryTest, VideoFrame) {
  HashSetEntry entry = VideoFrame();
  ASSERT_TRUE(NormaliseEntry(entry).ok());
  EXPECT_EQ(entry.pdq, kPdqA);  // lower-cased
  entry.media_time = 0;
  EXPECT_TRUE(NormaliseEntry(entry).ok());

  entry = VideoFrame();
  entry.media_time = -0.5;
  Status status = NormaliseEntry(entry);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "video frame time -0.500000 is negative");
  for (double bad :
       {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity()}) {
    entry.media_time = bad;
    status = NormaliseEntry(entry);
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
    EXPECT_NE(status.message().find("is not a finite number"), std::string::npos)
        << status.message();
  }

  entry = VideoFrame();
  entry.source_ref.clear();
  EXPECT_EQ(NormaliseEntry(entry).message(), "a video frame does not name its video (no video id)");

  entry = VideoFrame();
  entry.pdq.clear();
  entry.pdq_quality.reset();
  entry.md5 = kMd5A;  // another hash does not make up for the frame's PDQ
  EXPECT_EQ(NormaliseEntry(entry).message(), "a video frame has no PDQ hash");
}

TEST(NormaliseEntryTest, AudioFingerprint) {
  HashSetEntry entry = AudioFingerprint();
  ASSERT_TRUE(NormaliseEntry(entry).ok());      // a fingerprint alone is a hash
  EXPECT_EQ(entry.chromaprint, kChromaprintA);  // case matters in base64: kept as is
  EXPECT_TRUE(entry.HasHash());

  for (const char* bad : {"AQAD+", "AQAD/", "AQAD=", "AQ AD", "AQ\nAD"}) {
    entry = AudioFingerprint();
    entry.chromaprint = bad;
    Status status = NormaliseEntry(entry);
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(status.message().find("outside URL-safe base64"), std::string::npos)
        << status.message();
  }

  entry = AudioFingerprint();
  entry.source_ref.clear();
  EXPECT_EQ(NormaliseEntry(entry).message(),
            "an audio fingerprint does not name its recording (no id)");
}

}  // namespace
}  // namespace tantalio::formats
