// The hash-set writers and the VICS case writer: their output, and round
// trips through the public ReadHashSet.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "base/temp_dir.h"
#include "formats/hash_set_export.h"
#include "formats/hash_set_import.h"
#include "formats/read_for_test.h"

namespace tantalio::formats {
namespace {

using Json = nlohmann::json;

constexpr char kMd5A[] = "0123456789abcdef0123456789abcdef";
constexpr char kMd5B[] = "fedcba9876543210fedcba9876543210";
constexpr char kSha1A[] = "0123456789abcdef0123456789abcdef01234567";
constexpr char kSha256A[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
constexpr char kSha256B[] = "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";
constexpr char kPdqA[] = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";
constexpr char kPdqB[] = "0000f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";

// Every field set, with text that needs quoting or escaping.
HashSetEntry FullEntry() {
  HashSetEntry e;
  e.md5 = kMd5A;
  e.sha1 = kSha1A;
  e.sha256 = kSha256A;
  e.pdq = kPdqA;
  e.pdq_quality = 87;
  e.photodna = "QUJDREVGR0g=";
  e.category = 1;
  e.category_source = "CAT-1";
  e.series = "Series, with \"quotes\"";
  e.victim_identified = true;
  e.offender_identified = false;
  e.distributed = true;
  e.tags = "t1, t2";
  e.comments = "line one\nline two; \xC3\xBCnicode\ttab";
  e.source_ref = "1234";
  e.size = 5000;
  e.mime_type = "image/jpeg";
  e.name = "C:\\dir\\a,b \"c\".jpg";
  return e;
}

// MD5 only; a non-numeric source ref; a name with a leading blank.
HashSetEntry Md5Entry() {
  HashSetEntry e;
  e.md5 = kMd5B;
  e.source_ref = "ID-7";
  e.offender_identified = true;
  e.name = " x";
  return e;
}

// SHA-256 only; category without a source value; a source ref with leading
// zeros (must stay text); unknown size.
HashSetEntry Sha256Entry() {
  HashSetEntry e;
  e.sha256 = kSha256B;
  e.category = 0;
  e.source_ref = "0042";
  e.distributed = false;
  return e;
}

HashSetEntry PdqOnlyEntry() {
  HashSetEntry e;
  e.pdq = kPdqB;
  e.source_ref = "9";
  return e;
}

// A frame of a known video (vPDQ).
HashSetEntry FrameEntry(std::string video_id, double seconds, std::optional<int> quality) {
  HashSetEntry e;
  e.pdq = kPdqA;
  e.pdq_quality = quality;
  e.source_ref = std::move(video_id);
  e.media_time = seconds;
  return e;
}

// A known recording's audio fingerprint, and nothing else.
HashSetEntry AudioEntry() {
  HashSetEntry e;
  e.chromaprint = "AQADtEmUaEkSRZEGAA-_0123456789xyz";
  e.source_ref = "recording-3";
  return e;
}

std::string WriteSet(HashSetFormat format, const std::vector<HashSetEntry>& entries,
                     const ExportHeader& header = {"test set", "Test Agency", "tantalio 0.1.0"}) {
  std::ostringstream out;
  auto writer = NewHashSetWriter(format, out, header);
  EXPECT_TRUE(writer.ok()) << writer.status().ToString();
  if (!writer.ok()) return "";
  for (const HashSetEntry& entry : entries) {
    Status status = (*writer)->Write(entry);
    EXPECT_TRUE(status.ok()) << status.ToString();
  }
  Status finished = (*writer)->Finish();
  EXPECT_TRUE(finished.ok()) << finished.ToString();
  return out.str();
}

// Only the fields hashdeep holds.
HashSetEntry HashdeepView(const HashSetEntry& e) {
  HashSetEntry out;
  out.md5 = e.md5;
  out.sha1 = e.sha1;
  out.sha256 = e.sha256;
  out.size = e.size;
  out.name = e.name;
  return out;
}

class HashSetWritersTest : public ::testing::Test {
 protected:
  // Writes `entries` in `format`, reads the file back (format detected).
  ReadOutcome RoundTrip(HashSetFormat format, const std::vector<HashSetEntry>& entries,
                        const std::string& file_name) {
    const std::string path = dir_.Write(file_name, WriteSet(format, entries));
    ReadOutcome out = Read(path);
    EXPECT_TRUE(out.report.ok()) << out.report.status().ToString();
    if (out.report.ok()) {
      EXPECT_EQ(out.report->format, format);
    }
    return out;
  }

  TempDir dir_;
};

// ----- VICS hash set -----

TEST_F(HashSetWritersTest, VicsOutput) {
  HashSetEntry unnamed;
  unnamed.md5 = kMd5A;  // no source ref: a running number
  const std::string text =
      WriteSet(HashSetFormat::kVics, {FullEntry(), Md5Entry(), Sha256Entry(), unnamed});
  Json doc = Json::parse(text);
  EXPECT_EQ(doc["@odata.context"],
            "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/Default/"
            "$metadata#Media");
  ASSERT_EQ(doc["value"].size(), 4u);
  const Json& full = doc["value"][0];
  EXPECT_EQ(full["MediaID"], 1234);
  EXPECT_EQ(full["Category"], 1);
  EXPECT_EQ(full["MD5"], kMd5A);
  EXPECT_EQ(full["SHA1"], kSha1A);
  EXPECT_EQ(full["SHA256"], kSha256A);
  EXPECT_EQ(full["PDQ"], kPdqA);
  EXPECT_EQ(full["PDQQuality"], 87);
  EXPECT_EQ(full["SourceCategory"], "CAT-1");
  EXPECT_EQ(full["PhotoDNA"], "QUJDREVGR0g=");
  EXPECT_EQ(full["MediaSize"], 5000);
  EXPECT_EQ(full["MimeType"], "image/jpeg");
  EXPECT_EQ(full["Series"], "Series, with \"quotes\"");
  EXPECT_EQ(full["VictimIdentified"], true);
  EXPECT_EQ(full["OffenderIdentified"], false);
  EXPECT_EQ(full["IsDistributed"], true);
  EXPECT_EQ(full["Tags"], "t1, t2");
  EXPECT_EQ(full["Comments"], FullEntry().comments);
  ASSERT_EQ(full["MediaFiles"].size(), 1u);
  EXPECT_EQ(full["MediaFiles"][0]["MD5"], kMd5A);
  EXPECT_EQ(full["MediaFiles"][0]["FileName"], FullEntry().name);

  const Json& md5 = doc["value"][1];
  EXPECT_EQ(md5["MediaID"], "ID-7");
  EXPECT_TRUE(md5["Category"].is_null());
  EXPECT_FALSE(md5.contains("SourceCategory"));
  EXPECT_FALSE(md5.contains("SHA1"));
  EXPECT_FALSE(md5.contains("VictimIdentified"));
  EXPECT_FALSE(md5.contains("MediaSize"));
  EXPECT_FALSE(md5.contains("Tags"));

  const Json& sha256 = doc["value"][2];
  EXPECT_EQ(sha256["MediaID"], "0042");
  EXPECT_EQ(sha256["Category"], 0);
  EXPECT_EQ(sha256["SourceCategory"], "");  // keeps the category unmapped on import
  EXPECT_FALSE(sha256.contains("MediaFiles"));
  EXPECT_EQ(sha256["IsDistributed"], false);

  EXPECT_EQ(doc["value"][3]["MediaID"], 4);
  // One record per line.
  EXPECT_NE(text.find("\n    {\"MediaID\": 1234, "), std::string::npos) << text;
}

TEST_F(HashSetWritersTest, VicsEmptySet) {
  const std::string text = WriteSet(HashSetFormat::kVics, {});
  Json doc = Json::parse(text);
  EXPECT_TRUE(doc["value"].is_array());
  EXPECT_TRUE(doc["value"].empty());
  ReadOutcome out = Read(dir_.Write("empty.json", text));
  ASSERT_TRUE(out.report.ok()) << out.report.status().ToString();
  EXPECT_TRUE(out.entries.empty());
}

TEST_F(HashSetWritersTest, VicsRoundTripKeepsEveryField) {
  HashSetEntry source_only = Md5Entry();
  source_only.md5 = kMd5A;
  source_only.source_ref = "77";
  source_only.category_source = "weird";  // a value without a project category
  const std::vector<HashSetEntry> entries = {FullEntry(), Md5Entry(), Sha256Entry(), PdqOnlyEntry(),
                                             source_only};
  ReadOutcome out = RoundTrip(HashSetFormat::kVics, entries, "set.json");
  ASSERT_EQ(out.entries.size(), entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    EXPECT_EQ(out.entries[i], entries[i]) << "entry " << i;
  }
}

TEST_F(HashSetWritersTest, VicsInvalidUtf8IsReplaced) {
  HashSetEntry entry = Md5Entry();
  entry.name = "caf\xE9.jpg";
  const std::string text = WriteSet(HashSetFormat::kVics, {entry});
  Json doc = Json::parse(text);  // still valid JSON
  EXPECT_EQ(doc["value"][0]["MediaFiles"][0]["FileName"], "caf\xEF\xBF\xBD.jpg");
}

// ----- CSV -----

TEST_F(HashSetWritersTest, CsvOutput) {
  const std::string text = WriteSet(HashSetFormat::kCsv, {FullEntry(), Sha256Entry()});
  const std::string header =
      "md5,sha1,sha256,pdq,pdq_quality,photodna,category,category_source,series,"
      "victim_identified,offender_identified,distributed,tags,comments,source_ref,size,"
      "mime_type,name,media_time,chromaprint\n";
  ASSERT_EQ(text.substr(0, header.size()), header);
  EXPECT_EQ(text.substr(header.size()),
            std::string(kMd5A) + "," + kSha1A + "," + kSha256A + "," + kPdqA +
                ",87,QUJDREVGR0g=,1,CAT-1,\"Series, with \"\"quotes\"\"\",true,false,true,"
                "\"t1, t2\",\"line one\nline two; \xC3\xBCnicode\ttab\",1234,5000,image/jpeg,"
                "\"C:\\dir\\a,b \"\"c\"\".jpg\",,\n" +
                ",," + kSha256B + ",,,,0,,,,,false,,,0042,,,,,\n");
}

TEST_F(HashSetWritersTest, CsvVideoFramesAndAudioFingerprints) {
  const std::string text =
      WriteSet(HashSetFormat::kCsv, {FrameEntry("clip, \"one\"", 12.48, 90), AudioEntry()});
  EXPECT_NE(
      text.find("\n,,," + std::string(kPdqA) + ",90,,,,,,,,,,\"clip, \"\"one\"\"\",,,,12.48,\n"),
      std::string::npos)
      << text;
  EXPECT_TRUE(text.ends_with(",,,,,,,,,,,,,,recording-3,,,,,AQADtEmUaEkSRZEGAA-_0123456789xyz\n"))
      << text;

  std::ostringstream out;
  auto writer = NewHashSetWriter(HashSetFormat::kCsv, out, {});
  ASSERT_TRUE(writer.ok());
  HashSetEntry infinite = FrameEntry("v", 0, 50);
  infinite.media_time = std::numeric_limits<double>::infinity();
  EXPECT_EQ((*writer)->Write(infinite).code(), StatusCode::kInvalidArgument);
}

TEST_F(HashSetWritersTest, CsvRoundTripKeepsEveryField) {
  HashSetEntry crlf = Md5Entry();
  crlf.md5 = kMd5A;
  crlf.comments = "with\r\ncrlf and \"quote\"";
  crlf.category_source = "5";  // no project category beside it
  HashSetEntry frame_with_everything = FullEntry();
  frame_with_everything.media_time = 3600.000001;
  const std::vector<HashSetEntry> entries = {FullEntry(),
                                             Md5Entry(),
                                             Sha256Entry(),
                                             PdqOnlyEntry(),
                                             crlf,
                                             FrameEntry("clip, \"one\"", 0.1, 90),
                                             FrameEntry("clip-2", 2, std::nullopt),
                                             frame_with_everything,
                                             AudioEntry()};
  ReadOutcome out = RoundTrip(HashSetFormat::kCsv, entries, "set.csv");
  ASSERT_EQ(out.entries.size(), entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    EXPECT_EQ(out.entries[i], entries[i]) << "entry " << i;
  }
}

// ----- hashdeep -----

TEST_F(HashSetWritersTest, HashdeepOutput) {
  HashSetEntry entry = FullEntry();
  const std::string text = WriteSet(HashSetFormat::kHashdeep, {entry, Sha256Entry()},
                                    ExportHeader{"national\nset", "Agency", "tantalio 0.1.0"});
  EXPECT_EQ(text, std::string("%%%% HASHDEEP-1.0\n"
                              "%%%% size,md5,sha1,sha256,filename\n"
                              "## Hash set: national set\n"
                              "## Agency: Agency\n"
                              "## Written by: tantalio 0.1.0\n"
                              "## \n"
                              "5000,") +
                      kMd5A + "," + kSha1A + "," + kSha256A + ",C:\\dir\\a,b \"c\".jpg\n" + ",,," +
                      kSha256B + ",\n");
}

TEST_F(HashSetWritersTest, HashdeepRoundTripKeepsHashesSizeAndName) {
  const std::vector<HashSetEntry> entries = {FullEntry(), Md5Entry(), Sha256Entry()};
  ReadOutcome out = RoundTrip(HashSetFormat::kHashdeep, entries, "set.txt");
  ASSERT_EQ(out.entries.size(), entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    EXPECT_EQ(out.entries[i], HashdeepView(entries[i])) << "entry " << i;
  }
}

TEST_F(HashSetWritersTest, HashdeepRefusesWhatItCannotHold) {
  std::ostringstream out;
  auto writer = NewHashSetWriter(HashSetFormat::kHashdeep, out, {});
  ASSERT_TRUE(writer.ok());
  EXPECT_EQ((*writer)->Write(PdqOnlyEntry()).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ((*writer)->Write(FrameEntry("v", 1, 50)).code(), StatusCode::kInvalidArgument);
  Status audio = (*writer)->Write(AudioEntry());
  EXPECT_EQ(audio.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(audio.message(), "hashdeep: the entry has no MD5, SHA-1 or SHA-256");
  HashSetEntry entry = Md5Entry();
  entry.name = "two\nlines";
  Status status = (*writer)->Write(entry);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("line break"), std::string::npos) << status.message();
  entry.name = "carriage\rreturn";
  EXPECT_EQ((*writer)->Write(entry).code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE((*writer)->Finish().ok());
  EXPECT_EQ(out.str().find("two"), std::string::npos);
}

// ----- PDQ -----

TEST_F(HashSetWritersTest, PdqOutputAndRoundTrip) {
  HashSetEntry labelled = PdqOnlyEntry();
  labelled.name = "label, with, commas";
  const std::string text = WriteSet(HashSetFormat::kPdq, {FullEntry(), PdqOnlyEntry(), labelled});
  EXPECT_EQ(text, std::string(kPdqA) + ",87,C:\\dir\\a,b \"c\".jpg\n" + kPdqB + ",,\n" + kPdqB +
                      ",,label, with, commas\n");
  ReadOutcome out = Read(dir_.Write("set.pdq", text));
  ASSERT_TRUE(out.report.ok()) << out.report.status().ToString();
  EXPECT_EQ(out.report->format, HashSetFormat::kPdq);
  ASSERT_EQ(out.entries.size(), 3u);
  EXPECT_EQ(out.entries[0].pdq, kPdqA);
  EXPECT_EQ(out.entries[0].pdq_quality, 87);
  EXPECT_EQ(out.entries[0].name, FullEntry().name);
  EXPECT_EQ(out.entries[1].pdq, kPdqB);
  EXPECT_FALSE(out.entries[1].pdq_quality.has_value());
  EXPECT_EQ(out.entries[1].name, "");
  EXPECT_EQ(out.entries[2].name, "label, with, commas");
  for (const HashSetEntry& entry : out.entries) {
    EXPECT_TRUE(entry.md5.empty() && entry.sha256.empty() && entry.source_ref.empty());
  }
}

TEST_F(HashSetWritersTest, PdqRefusesEntriesWithoutPdqOrWithLineBreaks) {
  std::ostringstream out;
  auto writer = NewHashSetWriter(HashSetFormat::kPdq, out, {});
  ASSERT_TRUE(writer.ok());
  EXPECT_EQ((*writer)->Write(Md5Entry()).code(), StatusCode::kInvalidArgument);
  HashSetEntry entry = PdqOnlyEntry();
  entry.name = "a\nb";
  EXPECT_EQ((*writer)->Write(entry).code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE((*writer)->Finish().ok());
  EXPECT_EQ(out.str(), "");
}

TEST_F(HashSetWritersTest, PdqRefusesVideoFrames) {
  std::ostringstream out;
  auto writer = NewHashSetWriter(HashSetFormat::kPdq, out, {});
  ASSERT_TRUE(writer.ok());
  Status status = (*writer)->Write(FrameEntry("clip.mp4", 12.5, 80));
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(),
            "PDQ list: the entry is a video frame (at 12.5 s of video 'clip.mp4'), whose time and "
            "video a PDQ list cannot hold; write video frames with --format vpdq");
  EXPECT_EQ((*writer)->Write(AudioEntry()).code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE((*writer)->Finish().ok());
  EXPECT_EQ(out.str(), "");
}

TEST_F(HashSetWritersTest, VicsRefusesVideoFramesAndAudioOnlyEntries) {
  std::ostringstream out;
  auto writer = NewHashSetWriter(HashSetFormat::kVics, out, {});
  ASSERT_TRUE(writer.ok());
  Status frame = (*writer)->Write(FrameEntry("clip.mp4", 12.5, 80));
  EXPECT_EQ(frame.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(frame.message().find("--format vpdq"), std::string::npos) << frame.message();
  Status audio = (*writer)->Write(AudioEntry());
  EXPECT_EQ(audio.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(audio.message().find("--format csv"), std::string::npos) << audio.message();
  ASSERT_TRUE((*writer)->Finish().ok());
}

// ----- vPDQ -----

TEST_F(HashSetWritersTest, VpdqOutputAndRoundTrip) {
  HashSetEntry upper_frame = FrameEntry("clip-1.mp4", 1.001, 87);
  upper_frame.pdq = kPdqB;
  const std::vector<HashSetEntry> frames = {FrameEntry("clip-1.mp4", 0, 100), upper_frame,
                                            FrameEntry("clip 2", 3600.5, std::nullopt),
                                            FrameEntry(kSha256A, 12.125, 0)};
  const std::string text = WriteSet(HashSetFormat::kVpdq, frames);
  EXPECT_EQ(text, std::string("video_id,time,quality,hash\n") + "clip-1.mp4,0.000,100," + kPdqA +
                      "\n" + "clip-1.mp4,1.001,87," + kPdqB + "\n" + "clip 2,3600.500,," + kPdqA +
                      "\n" + kSha256A + ",12.125,0," + kPdqA + "\n");
  ReadOutcome out = RoundTrip(HashSetFormat::kVpdq, frames, "frames.vpdq");
  ASSERT_EQ(out.entries.size(), frames.size());
  for (size_t i = 0; i < frames.size(); ++i) {
    EXPECT_EQ(out.entries[i], frames[i]) << "entry " << i;
  }
  EXPECT_EQ(out.report->source.format, "vPDQ");

  // Times are written with 3 decimals, as the vPDQ reference does.
  out = RoundTrip(HashSetFormat::kVpdq, {FrameEntry("v", 1.23456, 50)}, "rounded.vpdq");
  ASSERT_EQ(out.entries.size(), 1u);
  EXPECT_EQ(out.entries[0].media_time, 1.235);

  // Other fields are not part of the line form.
  HashSetEntry full = FullEntry();
  full.media_time = 2;
  out = RoundTrip(HashSetFormat::kVpdq, {full}, "full.vpdq");
  ASSERT_EQ(out.entries.size(), 1u);
  EXPECT_EQ(out.entries[0], FrameEntry("1234", 2, 87));

  // An empty list is the header alone, and reads back as no entries.
  const std::string empty = WriteSet(HashSetFormat::kVpdq, {});
  EXPECT_EQ(empty, "video_id,time,quality,hash\n");
  out = RoundTrip(HashSetFormat::kVpdq, {}, "empty.vpdq");
  EXPECT_TRUE(out.entries.empty());
}

TEST_F(HashSetWritersTest, VpdqRefusesWhatItCannotHold) {
  std::ostringstream out;
  auto writer = NewHashSetWriter(HashSetFormat::kVpdq, out, {});
  ASSERT_TRUE(writer.ok());
  Status still = (*writer)->Write(PdqOnlyEntry());
  EXPECT_EQ(still.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(still.message().find("not a video frame"), std::string::npos) << still.message();
  EXPECT_NE(still.message().find("--format pdq"), std::string::npos) << still.message();
  EXPECT_EQ((*writer)->Write(Md5Entry()).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ((*writer)->Write(AudioEntry()).code(), StatusCode::kInvalidArgument);

  HashSetEntry no_pdq = FrameEntry("v", 1, std::nullopt);
  no_pdq.pdq.clear();
  EXPECT_EQ((*writer)->Write(no_pdq).message(),
            "vPDQ list: the video frame at 1 s of video 'v' has no PDQ hash");
  EXPECT_EQ((*writer)->Write(FrameEntry("v", -1, 50)).code(), StatusCode::kInvalidArgument);

  struct BadId {
    const char* id;
    const char* why;
  } bad_ids[] = {
      {"", "is empty"},
      {"a,b", "contains a comma"},
      {"two\nlines", "contains a line break"},
      {"cr\r", "contains a line break"},
      {" padded", "begins or ends with a blank"},
      {"#1", "begins with '#'"},
  };
  for (const BadId& bad : bad_ids) {
    Status status = (*writer)->Write(FrameEntry(bad.id, 1, 50));
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << bad.id;
    EXPECT_NE(status.message().find(bad.why), std::string::npos) << status.message();
  }
  EXPECT_EQ((*writer)->Write(FrameEntry("a,b", 1, 50)).message(),
            "vPDQ list: the video id 'a,b' contains a comma, which the line form "
            "video_id,time,quality,hash cannot hold");
  ASSERT_TRUE((*writer)->Finish().ok());
  EXPECT_EQ(out.str(), "video_id,time,quality,hash\n");  // nothing but the header
}

// ----- hash list -----

TEST_F(HashSetWritersTest, HashListWritesTheStrongestHash) {
  HashSetEntry sha1_only;
  sha1_only.sha1 = kSha1A;
  sha1_only.md5 = kMd5A;
  const std::string text =
      WriteSet(HashSetFormat::kHashList, {FullEntry(), Md5Entry(), sha1_only, Sha256Entry()});
  EXPECT_EQ(text, std::string(kSha256A) + "\n" + kMd5B + "\n" + kSha1A + "\n" + kSha256B + "\n");
  ReadOutcome out = Read(dir_.Write("set.txt", text));
  ASSERT_TRUE(out.report.ok()) << out.report.status().ToString();
  EXPECT_EQ(out.report->format, HashSetFormat::kHashList);
  ASSERT_EQ(out.entries.size(), 4u);
  EXPECT_EQ(out.entries[0].sha256, kSha256A);
  EXPECT_EQ(out.entries[1].md5, kMd5B);
  EXPECT_EQ(out.entries[2].sha1, kSha1A);
  EXPECT_TRUE(out.entries[2].md5.empty());

  std::ostringstream sink;
  auto writer = NewHashSetWriter(HashSetFormat::kHashList, sink, {});
  ASSERT_TRUE(writer.ok());
  EXPECT_EQ((*writer)->Write(PdqOnlyEntry()).code(), StatusCode::kInvalidArgument);
  Status audio = (*writer)->Write(AudioEntry());
  EXPECT_EQ(audio.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(audio.message(), "hash list: the entry has no MD5, SHA-1 or SHA-256");
  EXPECT_EQ((*writer)->Write(FrameEntry("v", 1, 50)).code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE((*writer)->Finish().ok());
  EXPECT_EQ(sink.str(), "");
}

// ----- common -----

TEST_F(HashSetWritersTest, AutoAndNsrlAreRefused) {
  std::ostringstream out;
  EXPECT_EQ(NewHashSetWriter(HashSetFormat::kAuto, out, {}).status().code(),
            StatusCode::kUnsupported);
  EXPECT_EQ(NewHashSetWriter(HashSetFormat::kNsrl, out, {}).status().code(),
            StatusCode::kUnsupported);
}

TEST_F(HashSetWritersTest, StreamFailuresAreReported) {
  std::ostringstream broken;
  broken.setstate(std::ios::badbit);
  EXPECT_EQ(NewHashSetWriter(HashSetFormat::kVics, broken, {}).status().code(),
            StatusCode::kIoError);
  std::ostringstream failing;
  auto writer = NewHashSetWriter(HashSetFormat::kCsv, failing, {});
  ASSERT_TRUE(writer.ok());
  failing.setstate(std::ios::badbit);  // e.g. the disk filled up
  EXPECT_EQ((*writer)->Write(Md5Entry()).code(), StatusCode::kIoError);
  EXPECT_EQ((*writer)->Finish().code(), StatusCode::kIoError);
}

TEST_F(HashSetWritersTest, FinishTwiceIsAnError) {
  std::ostringstream out;
  auto writer = NewHashSetWriter(HashSetFormat::kCsv, out, {});
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Finish().ok());
  EXPECT_FALSE((*writer)->Finish().ok());
  EXPECT_FALSE((*writer)->Write(Md5Entry()).ok());
}

// ----- VICS case export -----

VicsCase CaseInfo() {
  VicsCase info;
  info.case_id = "{8A1C4E2B-0D3F-4C55-9E61-7B2A90C1D3E4}";
  info.case_number = "2025/0142";
  info.contact_name = "Examiner \"One\"";
  info.contact_organization = "Unit";
  info.source_application_name = "tantalio";
  info.source_application_version = "0.1.0";
  return info;
}

std::vector<VicsMedia> CaseMedia() {
  VicsMedia first;
  first.media_id = 1;
  first.entry = FullEntry();
  first.relative_file_path = "Files\\01\\23\\0123456789abcdef0123456789abcdef.jpg";
  VicsMediaFile file;
  file.file_name = "a.jpg";
  file.file_path = "Partition 1\\Users\\x\\";
  file.source_id = "phone1";
  file.created = "2024-01-02T03:04:05Z";
  file.written = "2024-01-02T03:04:06Z";
  file.accessed = "2024-01-02T03:04:07Z";
  file.unallocated = true;
  file.physical_location = 123456;
  file.parent_md5 = kMd5B;
  file.parent_file_name = "archive.zip";
  file.parent_file_path = "Partition 1\\";
  VicsMediaFile second;
  second.md5 = kMd5A;
  second.file_name = "b.jpg";
  second.file_path = "Partition 1\\";
  second.source_id = "laptop";
  second.deleted = true;
  first.files = {file, second};

  VicsMedia other;
  other.media_id = 2;
  other.entry = Md5Entry();
  other.entry.name = "named.jpg";
  return {first, other};
}

TEST_F(HashSetWritersTest, VicsCaseOutput) {
  std::ostringstream out;
  auto writer = VicsCaseWriter::Start(out, CaseInfo());
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  for (const VicsMedia& media : CaseMedia()) ASSERT_TRUE((*writer)->Write(media).ok());
  ASSERT_TRUE((*writer)->Finish().ok());
  Json doc = Json::parse(out.str());
  EXPECT_EQ(doc["@odata.context"],
            "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/US/$metadata#Cases");
  ASSERT_EQ(doc["value"].size(), 1u);
  const Json& c = doc["value"][0];
  EXPECT_EQ(c["CaseID"], CaseInfo().case_id);
  EXPECT_EQ(c["CaseNumber"], "2025/0142");
  EXPECT_EQ(c["ContactName"], "Examiner \"One\"");
  EXPECT_EQ(c["ContactOrganization"], "Unit");
  EXPECT_EQ(c["SourceApplicationName"], "tantalio");
  EXPECT_EQ(c["SourceApplicationVersion"], "0.1.0");
  EXPECT_EQ(c["TotalMediaFiles"], 2);
  EXPECT_EQ(c["TotalPrecategorized"], 1);
  ASSERT_EQ(c["Media"].size(), 2u);
  const Json& m = c["Media"][0];
  EXPECT_EQ(m["MediaID"], 1);
  EXPECT_EQ(m["Category"], 1);
  EXPECT_EQ(m["MD5"], kMd5A);
  EXPECT_EQ(m["SHA256"], kSha256A);
  EXPECT_EQ(m["RelativeFilePath"], "Files\\01\\23\\0123456789abcdef0123456789abcdef.jpg");
  ASSERT_EQ(m["MediaFiles"].size(), 2u);
  const Json& f = m["MediaFiles"][0];
  EXPECT_EQ(f["MD5"], kMd5A);  // the Media's MD5 when the file has none
  EXPECT_EQ(f["FileName"], "a.jpg");
  EXPECT_EQ(f["FilePath"], "Partition 1\\Users\\x\\");
  EXPECT_EQ(f["SourceID"], "phone1");
  EXPECT_EQ(f["Created"], "2024-01-02T03:04:05Z");
  EXPECT_EQ(f["Written"], "2024-01-02T03:04:06Z");
  EXPECT_EQ(f["Accessed"], "2024-01-02T03:04:07Z");
  EXPECT_EQ(f["Deleted"], false);
  EXPECT_EQ(f["Unallocated"], true);
  EXPECT_EQ(f["PhysicalLocation"], 123456);
  EXPECT_EQ(f["ParentMD5"], kMd5B);
  EXPECT_EQ(f["ParentFileName"], "archive.zip");
  EXPECT_EQ(f["ParentFilePath"], "Partition 1\\");
  const Json& g = m["MediaFiles"][1];
  EXPECT_EQ(g["Deleted"], true);
  EXPECT_FALSE(g.contains("Created"));
  EXPECT_FALSE(g.contains("PhysicalLocation"));
  EXPECT_FALSE(g.contains("ParentMD5"));
  const Json& n = c["Media"][1];
  EXPECT_EQ(n["MediaID"], 2);
  EXPECT_FALSE(n.contains("RelativeFilePath"));
  ASSERT_EQ(n["MediaFiles"].size(), 1u);
  EXPECT_EQ(n["MediaFiles"][0]["FileName"], "named.jpg");
}

TEST_F(HashSetWritersTest, VicsCaseReadsBackAsEntries) {
  std::ostringstream out;
  auto writer = VicsCaseWriter::Start(out, CaseInfo());
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  const std::vector<VicsMedia> media = CaseMedia();
  for (const VicsMedia& m : media) ASSERT_TRUE((*writer)->Write(m).ok());
  ASSERT_TRUE((*writer)->Finish().ok());
  ReadOutcome read = Read(dir_.Write("case.json", out.str()));
  ASSERT_TRUE(read.report.ok()) << read.report.status().ToString();
  EXPECT_EQ(read.report->format, HashSetFormat::kVics);
  ASSERT_EQ(read.entries.size(), media.size());
  for (size_t i = 0; i < media.size(); ++i) {
    HashSetEntry expected = media[i].entry;
    expected.source_ref = std::to_string(media[i].media_id);
    if (!media[i].files.empty()) expected.name = media[i].files[0].file_name;
    EXPECT_EQ(read.entries[i], expected) << "media " << i;
  }
}

TEST_F(HashSetWritersTest, VicsCaseWithoutMedia) {
  std::ostringstream out;
  auto writer = VicsCaseWriter::Start(out, VicsCase{});
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Finish().ok());
  Json doc = Json::parse(out.str());
  const Json& c = doc["value"][0];
  EXPECT_TRUE(c["Media"].empty());
  EXPECT_EQ(c["TotalMediaFiles"], 0);
  EXPECT_FALSE(c.contains("CaseID"));
  EXPECT_FALSE((*writer)->Write(CaseMedia()[0]).ok());
}

}  // namespace
}  // namespace tantalio::formats
