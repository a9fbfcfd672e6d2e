// VICS import (vics_reader.cc), the import context shared by every reader,
// and format detection (hash_set_import.cc).
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "base/temp_dir.h"
#include "formats/categories.h"
#include "formats/hash_set_entry.h"
#include "formats/hash_set_import.h"

namespace tantalio::formats {
namespace {

constexpr char kSamples[] = TANTALIO_SHARED_DIR "/samples/";

constexpr char kEmptyMd5[] = "d41d8cd98f00b204e9800998ecf8427e";
constexpr char kEmptySha1[] = "da39a3ee5e6b4b0d3255bfef95601890afd80709";
constexpr char kEmptySha256[] = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

std::string Md5(int n) {
  std::string hex = std::to_string(n);
  return std::string(32 - hex.size(), 'a') + hex;
}
std::string Sha1(int n) {
  std::string hex = std::to_string(n);
  return std::string(40 - hex.size(), 'b') + hex;
}
std::string Sha256(int n) {
  std::string hex = std::to_string(n);
  return std::string(64 - hex.size(), 'c') + hex;
}

std::string Context20(std::string_view profile, std::string_view entity) {
  return "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/" + std::string(profile) +
         "/$metadata#" + std::string(entity);
}
std::string Metadata1(std::string_view version, std::string_view entity) {
  return "http://github.com/ICMEC/ProjectVic/DataModels/" + std::string(version) + ".xml#" +
         std::string(entity);
}

// A VICS 2.0 hash set holding `records` (JSON objects, comma-separated).
std::string HashSet20(std::string_view records, std::string_view profile = "Default") {
  return "{\n  \"@odata.context\": \"" + Context20(profile, "Media") + "\",\n  \"value\": [\n" +
         std::string(records) + "\n  ]\n}\n";
}

struct ReadOutcome {
  Status status;
  ImportReport report;
  std::vector<HashSetEntry> entries;
  std::vector<std::string> locations;
};

ReadOutcome Read(const std::string& path, const ImportOptions& options = {}) {
  ReadOutcome outcome;
  auto report =
      ReadHashSet(path, options, [&](const HashSetEntry& entry, const RecordLocation& where) {
        outcome.entries.push_back(entry);
        outcome.locations.push_back(where.text);
        return Status::Ok();
      });
  if (report.ok()) {
    outcome.report = *report;
  } else {
    outcome.status = report.status();
  }
  return outcome;
}

ReadOutcome ReadText(const TempDir& dir, std::string_view text, const ImportOptions& options = {}) {
  return Read(dir.Write("set.json", text), options);
}

void ExpectError(const ReadOutcome& outcome, std::initializer_list<std::string_view> parts) {
  ASSERT_FALSE(outcome.status.ok()) << "expected an error";
  EXPECT_EQ(outcome.status.code(), StatusCode::kInvalidArgument) << outcome.status.ToString();
  for (std::string_view part : parts) {
    EXPECT_NE(outcome.status.message().find(part), std::string::npos)
        << "'" << part << "' not in: " << outcome.status.message();
  }
}

ImportOptions VicsOptions() {
  ImportOptions options;
  options.format = HashSetFormat::kVics;
  return options;
}

bool SamplePresent(const std::string& path) { return std::filesystem::exists(path); }

#define SKIP_IF_ABSENT(path)                                                          \
  if (!SamplePresent(path)) {                                                         \
    GTEST_SKIP() << "shared sample " << (path) << " is absent (TANTALIO_SHARED_DIR)"; \
  }

// ---------------------------------------------------------------------------
// Shared samples.

TEST(VicsSampleTest, Vics13HashSet) {
  const std::string path = std::string(kSamples) + "vics/vics_1.3_hashset_SYNTHETIC.json";
  SKIP_IF_ABSENT(path);
  auto detected = DetectHashSetFormat(path);
  ASSERT_TRUE(detected.ok()) << detected.status().ToString();
  EXPECT_EQ(*detected, HashSetFormat::kVics);

  ReadOutcome out = Read(path);
  ASSERT_TRUE(out.status.ok()) << out.status.ToString();
  EXPECT_EQ(out.report.format, HashSetFormat::kVics);
  EXPECT_EQ(out.report.source.format, "VICS 1.3 (hash set)");
  EXPECT_EQ(out.report.source.version, "1.3");
  EXPECT_EQ(out.report.source.category_scheme, "dhs");
  EXPECT_EQ(out.report.records, 1u);
  ASSERT_EQ(out.entries.size(), 1u);
  const HashSetEntry& e = out.entries[0];
  EXPECT_EQ(e.source_ref, "1");
  EXPECT_EQ(e.md5, "00000000000000000000000000000001");
  EXPECT_EQ(e.sha1, "0000000000000000000000000000000000000001");
  EXPECT_EQ(e.sha256, "0000000000000000000000000000000000000000000000000000000000000001");
  EXPECT_EQ(e.photodna, "(base64 placeholder, exactly 192 chars in real data)");
  EXPECT_EQ(e.category, 1);
  EXPECT_EQ(e.category_source, "1");
  EXPECT_EQ(e.size, 123456);
  EXPECT_EQ(e.victim_identified, false);
  EXPECT_EQ(e.offender_identified, false);
  EXPECT_EQ(e.distributed, true);
  EXPECT_EQ(e.series, "ExampleSeries");
  EXPECT_EQ(e.tags, "");
  EXPECT_TRUE(out.locations[0].starts_with("byte ")) << out.locations[0];
  EXPECT_NE(out.locations[0].find("(record 1, MediaID 1)"), std::string::npos);
}

TEST(VicsSampleTest, Vics20HashSet) {
  const std::string path = std::string(kSamples) + "vics/vics_2.0_hashset_SYNTHETIC.json";
  SKIP_IF_ABSENT(path);
  ReadOutcome out = Read(path);
  ASSERT_TRUE(out.status.ok()) << out.status.ToString();
  EXPECT_EQ(out.report.source.format, "VICS 2.0 (Default profile, hash set)");
  EXPECT_EQ(out.report.source.version, "2.0");
  EXPECT_EQ(out.report.source.category_scheme, "vics-us");
  ASSERT_EQ(out.entries.size(), 3u);
  EXPECT_EQ(out.entries[0].category, 0);
  EXPECT_EQ(out.entries[0].size, 2835);
  const HashSetEntry& second = out.entries[1];
  EXPECT_EQ(second.category, 1);
  EXPECT_EQ(second.md5, "00000000000000000000000000000002");
  EXPECT_EQ(second.sha1, "");
  EXPECT_EQ(second.photodna, "(base64 placeholder, 192 chars)");
  EXPECT_EQ(second.series, "ExampleSeries");
  EXPECT_EQ(second.victim_identified, true);
  EXPECT_EQ(second.offender_identified, false);
  EXPECT_EQ(second.distributed, true);
  EXPECT_EQ(second.tags, "t1, t2");
  EXPECT_EQ(out.entries[2].category, 2);
  EXPECT_EQ(out.entries[2].source_ref, "3");
}

TEST(VicsSampleTest, Vics20UsCaseExport) {
  const std::string path = std::string(kSamples) + "vics/vics_2.0_US_case_SYNTHETIC.json";
  SKIP_IF_ABSENT(path);
  ReadOutcome out = Read(path);
  ASSERT_TRUE(out.status.ok()) << out.status.ToString();
  EXPECT_EQ(out.report.source.format, "VICS 2.0 (US profile, case export)");
  EXPECT_EQ(out.report.source.agency, "Example Police");
  EXPECT_EQ(out.report.source.category_scheme, "vics-us");
  ASSERT_EQ(out.entries.size(), 2u);
  const HashSetEntry& first = out.entries[0];
  EXPECT_EQ(first.category, 1);
  EXPECT_EQ(first.name, "IMG-20240101-WA0001.jpg");
  EXPECT_EQ(first.mime_type, "image/jpeg");
  EXPECT_EQ(first.comments, "free text");
  EXPECT_EQ(first.series, "ExampleSeriesName");
  EXPECT_EQ(first.victim_identified, false);
  EXPECT_EQ(first.distributed, true);
  const HashSetEntry& second = out.entries[1];
  EXPECT_EQ(second.category, std::nullopt);
  EXPECT_EQ(second.category_source, "");
  EXPECT_EQ(second.name, "VID-20240101-WA0002.mp4");
  EXPECT_EQ(second.size, 2048);
  EXPECT_NE(out.locations[1].find("(record 2, MediaID 2)"), std::string::npos);
}

// ---------------------------------------------------------------------------
// Generated fixtures: versions, shapes and quirks.

TEST(VicsReaderTest, Vics13CaseExportUsesDhsScheme) {
  TempDir dir;
  std::string text = "{\"odata.metadata\": \"" + Metadata1("1.3", "Cases") +
                     "\", \"value\": [{\"CaseNumber\": \"C-1\", \"ContactOrganization\": "
                     "\"Guardia Civil\", \"Media\": ["
                     "{\"MediaID\": 10, \"Category\": 5, \"MD5\": \"" +
                     Md5(1) + "\"}, {\"MediaID\": 11, \"Category\": 0, \"MD5\": \"" + Md5(2) +
                     "\"}, {\"MediaID\": 12, \"Category\": \"CAT-3\", \"MD5\": \"" + Md5(3) +
                     "\", \"AlternativeHashes\": [{\"HashName\": \"sha-1\", \"HashValue\": \"" +
                     Sha1(3) + "\"}, {\"HashName\": \"EDK\", \"HashValue\": \"whatever\"}]}]}]}";
  ReadOutcome out = ReadText(dir, text);
  ASSERT_TRUE(out.status.ok()) << out.status.ToString();
  EXPECT_EQ(out.report.source.format, "VICS 1.3 (case export)");
  EXPECT_EQ(out.report.source.category_scheme, "dhs");
  EXPECT_EQ(out.report.source.agency, "Guardia Civil");
  ASSERT_EQ(out.entries.size(), 3u);
  EXPECT_EQ(out.entries[0].category, kNonPertinent);
  EXPECT_EQ(out.entries[0].category_source, "5");
  EXPECT_EQ(out.entries[1].category, std::nullopt);
  EXPECT_EQ(out.entries[1].category_source, "0");
  EXPECT_EQ(out.entries[2].category, 3);
  EXPECT_EQ(out.entries[2].category_source, "CAT-3");
  EXPECT_EQ(out.entries[2].sha1, Sha1(3));
}

TEST(VicsReaderTest, Vics20CaseExportWithSeveralCases) {
  TempDir dir;
  std::string text = "{\"@odata.context\": \"" + Context20("US", "Cases") +
                     "\", \"value\": [{\"Media\": [{\"MediaID\": 1, \"MD5\": \"" + Md5(1) +
                     "\"}], \"ContactOrganization\": \"First\"}, {\"ContactOrganization\": "
                     "\"Second\", \"Media\": [{\"MediaID\": 2, \"MD5\": \"" +
                     Md5(2) + "\"}]}]}";
  ReadOutcome out = ReadText(dir, text);
  ASSERT_TRUE(out.status.ok()) << out.status.ToString();
  ASSERT_EQ(out.entries.size(), 2u);
  EXPECT_EQ(out.report.source.agency, "First");
  EXPECT_NE(out.locations[1].find("(record 2, MediaID 2)"), std::string::npos);
}

TEST(VicsReaderTest, ByteOffsetPointsAtTheRecord) {
  TempDir dir;
  std::string records = "    {\"MediaID\": 1, \"MD5\": \"" + Md5(1) +
                        "\"},\n    {\"MediaID\": \"x-2\", \"MD5\": \"" + Md5(2) + "\"}";
  std::string text = HashSet20(records);
  ReadOutcome out = ReadText(dir, text);
  ASSERT_TRUE(out.status.ok()) << out.status.ToString();
  ASSERT_EQ(out.locations.size(), 2u);
  size_t first = text.find("{\"MediaID\": 1");
  size_t second = text.find("{\"MediaID\": \"x-2\"");
  EXPECT_EQ(out.locations[0], "byte " + std::to_string(first) + " (record 1, MediaID 1)");
  EXPECT_EQ(out.locations[1], "byte " + std::to_string(second) + " (record 2, MediaID x-2)");
  EXPECT_EQ(out.entries[1].source_ref, "x-2");
}

TEST(VicsReaderTest, Utf8BomIsSkipped) {
  TempDir dir;
  std::string text =
      "\xEF\xBB\xBF" + HashSet20("{\"MediaID\": 1, \"Category\": 2, \"MD5\": \"" + Md5(1) + "\"}");
  std::string path = dir.Write("bom.json", text);
  auto detected = DetectHashSetFormat(path);
  ASSERT_TRUE(detected.ok()) << detected.status().ToString();
  EXPECT_EQ(*detected, HashSetFormat::kVics);
  ReadOutcome out = Read(path);
  ASSERT_TRUE(out.status.ok()) << out.status.ToString();
  ASSERT_EQ(out.entries.size(), 1u);
  EXPECT_EQ(out.entries[0].category, 2);
  // Offsets count the BOM: they are offsets in the file.
  EXPECT_EQ(out.locations[0],
            "byte " + std::to_string(text.find("{\"MediaID\"")) + " (record 1, MediaID 1)");
}

TEST(VicsReaderTest, BooleansAsJsonOrStringsInAnyCase) {
  TempDir dir;
  std::string records =
      "{\"MediaID\": 1, \"MD5\": \"" + Md5(1) +
      "\", \"VictimIdentified\": true, \"OffenderIdentified\": \"FALSE\", \"IsDistributed\": "
      "\" True \"},\n{\"MediaID\": 2, \"MD5\": \"" +
      Md5(2) +
      "\", \"VictimIdentified\": null, \"OffenderIdentified\": \"\", \"IsDistributed\": false}";
  ReadOutcome out = ReadText(dir, HashSet20(records));
  ASSERT_TRUE(out.status.ok()) << out.status.ToString();
  ASSERT_EQ(out.entries.size(), 2u);
  EXPECT_EQ(out.entries[0].victim_identified, true);
  EXPECT_EQ(out.entries[0].offender_identified, false);
  EXPECT_EQ(out.entries[0].distributed, true);
  EXPECT_EQ(out.entries[1].victim_identified, std::nullopt);
  EXPECT_EQ(out.entries[1].offender_identified, std::nullopt);
  EXPECT_EQ(out.entries[1].distributed, false);
}

TEST(VicsReaderTest, BadBooleanStringIsAnInvalidRecord) {
  TempDir dir;
  std::string records = "{\"MediaID\": 1, \"MD5\": \"" + Md5(1) +
                        "\"},\n{\"MediaID\": 7, \"MD5\": \"" + Md5(2) +
                        "\", \"VictimIdentified\": \"yes\"}";
  std::string text = HashSet20(records);
  ReadOutcome out = ReadText(dir, text);
  ExpectError(out, {"set.json: byte " + std::to_string(text.find("{\"MediaID\": 7")) +
                    " (record 2, MediaID 7): VictimIdentified 'yes' is not true or false"});
  ReadOutcome numeric =
      ReadText(dir, HashSet20("{\"MD5\": \"" + Md5(1) + "\", \"IsDistributed\": 1}"));
  ExpectError(numeric, {"(record 1)", "IsDistributed must be true, false or a string of either"});
}

TEST(VicsReaderTest, CategoryNullAbsentStringAndNumericString) {
  TempDir dir;
  std::string records = "{\"MediaID\": 1, \"Category\": null, \"MD5\": \"" + Md5(1) +
                        "\"},\n{\"MediaID\": 2, \"MD5\": \"" + Md5(2) +
                        "\"},\n{\"MediaID\": 3, \"Category\": \"3\", \"MD5\": \"" + Md5(3) +
                        "\"},\n{\"MediaID\": 4, \"Category\": \"\", \"MD5\": \"" + Md5(4) +
                        "\"},\n{\"MediaID\": 5, \"Category\": 0, \"MD5\": \"" + Md5(5) + "\"}";
  ReadOutcome out = ReadText(dir, HashSet20(records, "US"));
  ASSERT_TRUE(out.status.ok()) << out.status.ToString();
  ASSERT_EQ(out.entries.size(), 5u);
  EXPECT_EQ(out.entries[0].category, std::nullopt);
  EXPECT_EQ(out.entries[0].category_source, "");
  EXPECT_EQ(out.entries[1].category, std::nullopt);
  EXPECT_EQ(out.entries[2].category, 3);
  EXPECT_EQ(out.entries[2].category_source, "3");
  EXPECT_EQ(out.entries[3].category, std::nullopt);
  EXPECT_EQ(out.entries[4].category, kNonPertinent);
  EXPECT_EQ(out.entries[4].category_source, "0");
}

TEST(VicsReaderTest, UkProfileGradesMapToCam) {
  TempDir dir;
  std::string records = "{\"MediaID\": 1, \"Category\": \"A\", \"MD5\": \"" + Md5(1) +
                        "\"},\n{\"MediaID\": 2, \"Category\": \"b\", \"MD5\": \"" + Md5(2) +
                        "\"},\n{\"MediaID\": 3, \"Category\": \"C\", \"MD5\": \"" + Md5(3) + "\"}";
  std::string text = "{\"@odata.context\": \"" + Context20("UK", "Cases") +
                     "\", \"value\": [{\"ContactOrganization\": \"NCA\", \"Media\": [" + records +
                     "]}]}";
  ReadOutcome out = ReadText(dir, text);
  ASSERT_TRUE(out.status.ok()) << out.status.ToString();
  EXPECT_EQ(out.report.source.format, "VICS 2.0 (UK profile, case export)");
  EXPECT_EQ(out.report.source.category_scheme, "uk");
  ASSERT_EQ(out.entries.size(), 3u);
  for (const HashSetEntry& e : out.entries) EXPECT_EQ(e.category, kChildAbuseMaterial);
  EXPECT_EQ(out.entries[0].category_source, "A");
  EXPECT_EQ(out.entries[1].category_source, "b");

  ReadOutcome unknown =
      ReadText(dir, "{\"@odata.context\": \"" + Context20("UK", "Media") +
                        "\", \"value\": [{\"MediaID\": 9, \"Category\": \"D\", \"MD5\": \"" +
                        Md5(9) + "\"}]}");
  ExpectError(unknown, {"(record 1, MediaID 9)", "category 'D'", "uk"});
}

TEST(VicsReaderTest, CategoryMapFileOverridesTheScheme) {
  TempDir dir;
  std::string map_path = dir.Write("map.csv", "1,2\n2,\nX,4\n");
  auto map = CategoryMap::FromFile(map_path);
  ASSERT_TRUE(map.ok()) << map.status().ToString();
  ImportOptions options;
  options.category_map = *map;
  std::string records = "{\"MediaID\": 1, \"Category\": 1, \"MD5\": \"" + Md5(1) +
                        "\"},\n{\"MediaID\": 2, \"Category\": 2, \"MD5\": \"" + Md5(2) +
                        "\"},\n{\"MediaID\": 3, \"Category\": \"x\", \"MD5\": \"" + Md5(3) + "\"}";
  ReadOutcome out = ReadText(dir, HashSet20(records), options);
  ASSERT_TRUE(out.status.ok()) << out.status.ToString();
  EXPECT_EQ(out.report.source.category_scheme, "file:" + map_path);
  ASSERT_EQ(out.entries.size(), 3u);
  EXPECT_EQ(out.entries[0].category, 2);
  EXPECT_EQ(out.entries[0].category_source, "1");
  EXPECT_EQ(out.entries[1].category, std::nullopt);
  EXPECT_EQ(out.entries[2].category, 4);

  ReadOutcome unknown = ReadText(
      dir, HashSet20("{\"MediaID\": 4, \"Category\": 3, \"MD5\": \"" + Md5(4) + "\"}"), options);
  ExpectError(unknown, {"(record 1, MediaID 4)", "category '3'", "file:" + map_path});
}

TEST(VicsReaderTest, UnknownCategoryValueIsAnInvalidRecord) {
  TempDir dir;
  ReadOutcome out =
      ReadText(dir, HashSet20("{\"MediaID\": 1, \"Category\": 7, \"MD5\": \"" + Md5(1) + "\"}"));
  ExpectError(out, {"set.json: byte ", "(record 1, MediaID 1): category '7'", "vics-us"});
  ReadOutcome fraction =
      ReadText(dir, HashSet20("{\"MediaID\": 1, \"Category\": 1.5, \"MD5\": \"" + Md5(1) + "\"}"));
  ExpectError(fraction, {"Category 1.5 is not an integer"});
  ReadOutcome boolean =
      ReadText(dir, HashSet20("{\"MediaID\": 1, \"Category\": true, \"MD5\": \"" + Md5(1) + "\"}"));
  ExpectError(boolean, {"Category must be an integer, a string or null, not a boolean"});
}

TEST(VicsReaderTest, SourceCategoryMeansTheCategoryIsAlreadyMapped) {
  TempDir dir;
  // As Tantalio's exporter writes them: Category in the project scheme,
  // SourceCategory the original value (here from a UK and a DHS source).
  std::string records =
      "{\"MediaID\": 1, \"Category\": 1, \"SourceCategory\": \"A\", \"MD5\": \"" + Md5(1) +
      "\"},\n{\"MediaID\": 2, \"Category\": null, \"SourceCategory\": " + "\"0\", \"MD5\": \"" +
      Md5(2) + "\"},\n{\"MediaID\": 3, \"Category\": 4, \"SourceCategory\": \"\", " +
      "\"MD5\": \"" + Md5(3) + "\"}";
  ReadOutcome out = ReadText(dir, HashSet20(records));
  ASSERT_TRUE(out.status.ok()) << out.status.ToString();
  ASSERT_EQ(out.entries.size(), 3u);
  EXPECT_EQ(out.entries[0].category, 1);
  EXPECT_EQ(out.entries[0].category_source, "A");
  EXPECT_EQ(out.entries[1].category, std::nullopt);
  EXPECT_EQ(out.entries[1].category_source, "0");
  EXPECT_EQ(out.entries[2].category, 4);
  EXPECT_EQ(out.entries[2].category_source, "");

  // A map given by the user does not apply either: the value is not in the
  // file's own scheme.
  ImportOptions options;
  options.category_map = *CategoryMap::BuiltIn("ncmec");
  ReadOutcome mapped = ReadText(dir, HashSet20(records), options);
  ASSERT_TRUE(mapped.status.ok()) << mapped.status.ToString();
  EXPECT_EQ(mapped.entries, out.entries);

  ReadOutcome bad = ReadText(
      dir, HashSet20("{\"MediaID\": 1, \"Category\": 9, \"SourceCategory\": \"A\", \"MD5\": \"" +
                     Md5(1) + "\"}"));
  ExpectError(bad, {"(record 1, MediaID 1)", "category 9 is outside the project scheme"});
}

TEST(VicsReaderTest, VendorKeysAndLooseTypes) {
  TempDir dir;
  std::string record = "{\"mediaid\": \"0042\", \"md5\": \" " + Md5(1) + " \", \"SHA1\": \"" +
                       Sha1(1) + "\", \"SHA256\": \"" + Sha256(1) + "\", \"PDQ\": \"" +
                       std::string(64, 'F') +
                       "\", \"PDQQuality\": \"90\", \"MediaSize\": \"1234\", \"MimeType\": "
                       "\"image/png\", \"Series\": {\"Name\": \"S\", \"Ids\": [1, 2]}, "
                       "\"Tags\": \"a,b\", \"Comments\": null, \"RelativeFilePath\": "
                       "\"Files\\\\x.png\", \"MediaMetadata\": [{\"PropertyName\": \"Make\"}], "
                       "\"Unknown\": {\"Deep\": [[{}], 1]}, \"MediaFiles\": [{\"FileName\": "
                       "\"one.png\"}, {\"FileName\": 5}]}";
  ReadOutcome out = ReadText(dir, HashSet20(record));
  ASSERT_TRUE(out.status.ok()) << out.status.ToString();
  ASSERT_EQ(out.entries.size(), 1u);
  const HashSetEntry& e = out.entries[0];
  EXPECT_EQ(e.source_ref, "0042");
  EXPECT_EQ(e.md5, Md5(1));
  EXPECT_EQ(e.sha1, Sha1(1));
  EXPECT_EQ(e.sha256, Sha256(1));
  EXPECT_EQ(e.pdq, std::string(64, 'f'));
  EXPECT_EQ(e.pdq_quality, 90);
  EXPECT_EQ(e.size, 1234);
  EXPECT_EQ(e.mime_type, "image/png");
  EXPECT_EQ(e.series, "{\"Ids\":[1,2],\"Name\":\"S\"}");
  EXPECT_EQ(e.tags, "a,b");
  EXPECT_EQ(e.comments, "");
  EXPECT_EQ(e.name, "one.png");
}

TEST(VicsReaderTest, WrongTypesAreInvalidRecords) {
  TempDir dir;
  struct Case {
    std::string fields;
    std::string why;
  } cases[] = {
      {"\"MD5\": 123", "MD5 must be a string, not a number (123)"},
      {"\"MD5\": \"" + Md5(1) + "\", \"MediaSize\": \"big\"", "MediaSize 'big' is not an integer"},
      {"\"MD5\": \"" + Md5(1) + "\", \"MediaSize\": 1.5", "MediaSize 1.5 is not an integer"},
      {"\"MD5\": \"" + Md5(1) + "\", \"Tags\": [\"a\"]", "Tags must be a string, not an array"},
      {"\"MD5\": \"" + Md5(1) + "\", \"AlternativeHashes\": {}",
       "AlternativeHashes must be an array, not an object"},
      {"\"MD5\": \"" + Md5(1) + "\", \"SHA1\": \"" + Sha1(1) +
           "\", \"AlternativeHashes\": [{\"HashName\": \"SHA1\", \"HashValue\": \"" + Sha1(2) +
           "\"}]",
       "SHA1 '" + Sha1(1) + "' and AlternativeHashes SHA1 '" + Sha1(2) + "' differ"},
      {"\"MD5\": \"" + Md5(1) + "\", \"MediaFiles\": [{\"FileName\": 5}]",
       "MediaFiles[0].FileName must be a string, not a number"},
      {"\"MD5\": \"" + Md5(1) + "\", \"PDQQuality\": 50",
       "a PDQ quality is given without a PDQ hash"},
      {"\"PhotoDNA\": \"AAAA\"", "the record has only a PhotoDNA value"},
  };
  for (const Case& c : cases) {
    ReadOutcome out = ReadText(dir, HashSet20("{\"MediaID\": 3, " + c.fields + "}"));
    ExpectError(out, {"(record 1, MediaID 3): " + c.why});
  }
}

TEST(VicsReaderTest, InvalidHexNamesTheRecord) {
  TempDir dir;
  std::string records =
      "{\"MediaID\": 1, \"MD5\": \"" + Md5(1) + "\"},\n{\"MediaID\": 12, \"MD5\": \"xyz\"}";
  std::string text = HashSet20(records);
  ReadOutcome out = ReadText(dir, text);
  ExpectError(out, {"set.json: byte " + std::to_string(text.find("{\"MediaID\": 12")) +
                    " (record 2, MediaID 12): MD5 'xyz' is not 32 hex digits"});
  EXPECT_EQ(out.entries.size(), 1u);  // the record before it was handed over
}

TEST(VicsReaderTest, SkipInvalidCountsAndKeepsTheFirstProblems) {
  TempDir dir;
  std::string records;
  for (int i = 1; i <= 14; ++i) {
    if (!records.empty()) records += ",\n";
    records +=
        "{\"MediaID\": " + std::to_string(i) + ", \"MD5\": \"bad" + std::to_string(i) + "\"}";
  }
  records += ",\n{\"MediaID\": 15, \"MD5\": \"" + Md5(15) + "\"}, 7";
  ImportOptions options;
  options.skip_invalid = true;
  ReadOutcome out = ReadText(dir, HashSet20(records), options);
  ASSERT_TRUE(out.status.ok()) << out.status.ToString();
  EXPECT_EQ(out.report.records, 16u);
  EXPECT_EQ(out.report.entries, 1u);
  EXPECT_EQ(out.report.skipped_invalid, 15u);
  ASSERT_EQ(out.report.problems.size(), ImportReport::kMaxReportedProblems);
  EXPECT_NE(out.report.problems[0].find("(record 1, MediaID 1): MD5 'bad1' is not 32 hex digits"),
            std::string::npos)
      << out.report.problems[0];
  EXPECT_TRUE(out.report.problems[0].starts_with("byte ")) << out.report.problems[0];
  ASSERT_EQ(out.entries.size(), 1u);
  EXPECT_EQ(out.entries[0].source_ref, "15");
}

TEST(VicsReaderTest, MediaIdOfAWrongType) {
  TempDir dir;
  ReadOutcome out = ReadText(dir, HashSet20("{\"MediaID\": 1.5, \"MD5\": \"" + Md5(1) + "\"}"));
  ExpectError(out, {"(record 1, MediaID 1.5): MediaID must be an integer or a string, not a "
                    "number (1.5)"});
}

TEST(VicsReaderTest, NonObjectRecordsAreInvalid) {
  TempDir dir;
  ReadOutcome out = ReadText(dir, HashSet20("[1, 2]"));
  ExpectError(out, {"(record 1): a Media record must be a JSON object, not an array"});
  ImportOptions options;
  options.skip_invalid = true;
  ReadOutcome skipped =
      ReadText(dir, HashSet20("\"x\", [[1]], {\"MD5\": \"" + Md5(1) + "\"}"), options);
  ASSERT_TRUE(skipped.status.ok()) << skipped.status.ToString();
  EXPECT_EQ(skipped.report.skipped_invalid, 2u);
  EXPECT_EQ(skipped.report.entries, 1u);
}

TEST(VicsReaderTest, EmptyFileHashesAreDropped) {
  TempDir dir;
  std::string records =
      "{\"MediaID\": 1, \"MD5\": \"" + std::string(kEmptyMd5) + "\"},\n" +
      "{\"MediaID\": 2, \"MD5\": \"D41D8CD98F00B204E9800998ECF8427E\", \"SHA1\": \"" + kEmptySha1 +
      "\", \"SHA256\": \"" + kEmptySha256 + "\"},\n" + "{\"MediaID\": 3, \"MD5\": \"" + kEmptyMd5 +
      "\", \"SHA1\": \"" + Sha1(3) + "\"},\n" + "{\"MediaID\": 4, \"SHA1\": \"" + kEmptySha1 +
      "\", \"PDQ\": \"" + std::string(64, '1') + "\"},\n" + "{\"MediaID\": 5, \"MD5\": \"" +
      Md5(5) + "\"}";
  ReadOutcome out = ReadText(dir, HashSet20(records));
  ASSERT_TRUE(out.status.ok()) << out.status.ToString();
  EXPECT_EQ(out.report.records, 5u);
  EXPECT_EQ(out.report.dropped_empty_file, 2u);
  EXPECT_EQ(out.report.entries, 3u);
  ASSERT_EQ(out.entries.size(), 3u);
  EXPECT_EQ(out.entries[0].source_ref, "3");
  EXPECT_EQ(out.entries[0].md5, "");  // cleared: it would match every empty file
  EXPECT_EQ(out.entries[0].sha1, Sha1(3));
  EXPECT_EQ(out.entries[1].sha1, "");
  EXPECT_EQ(out.entries[1].pdq, std::string(64, '1'));
  EXPECT_EQ(out.entries[2].md5, Md5(5));
}

TEST(VicsReaderTest, MalformedJsonIsFatalWithByteOffset) {
  TempDir dir;
  ImportOptions options;
  options.skip_invalid = true;  // never applies to a broken file
  std::string text =
      HashSet20("{\"MediaID\": 1, \"MD5\": \"" + Md5(1) + "\"},\n{\"MediaID\": 2,,}");
  ReadOutcome out = ReadText(dir, text, options);
  size_t bad = text.find(",,") + 1;
  ExpectError(out,
              {"set.json: byte " + std::to_string(bad) + ": malformed JSON: ", "syntax error"});

  std::string truncated = HashSet20("{\"MediaID\": 1, \"MD5\": \"" + Md5(1) + "\"}");
  truncated.resize(truncated.size() - 7);  // cut after the last record
  ReadOutcome cut = ReadText(dir, truncated, options);
  ExpectError(cut, {"set.json: byte ", "malformed JSON: ", "unexpected end of input"});

  ReadOutcome early = ReadText(dir, "{\"@odata.context\": }", options);
  ExpectError(early, {"set.json: byte 19: malformed JSON"});
}

TEST(VicsReaderTest, VersionKeyAfterTheRecords) {
  TempDir dir;
  std::string text = "{\"value\": [{\"MediaID\": 1, \"Category\": 5, \"MD5\": \"" + Md5(1) +
                     "\"}], \"odata.metadata\": \"" + Metadata1("1.2", "Media") + "\"}";
  ReadOutcome out = ReadText(dir, text, VicsOptions());
  ASSERT_TRUE(out.status.ok()) << out.status.ToString();
  EXPECT_EQ(out.report.source.format, "VICS 1.2 (hash set)");
  EXPECT_EQ(out.report.source.category_scheme, "dhs");
  ASSERT_EQ(out.entries.size(), 1u);
  EXPECT_EQ(out.entries[0].category, kNonPertinent);
}

TEST(VicsReaderTest, LargeFileAcrossReadBuffers) {
  TempDir dir;
  // Several MiB, version key last: the first pass reads to the end and the
  // second starts again; offsets stay exact across buffer boundaries.
  std::string text = "{\"value\": [\n";
  const int kRecords = 40000;
  for (int i = 1; i <= kRecords; ++i) {
    if (i > 1) text += ",\n";
    text += "{\"MediaID\": " + std::to_string(i) + ", \"Category\": " + std::to_string(i % 6) +
            ", \"MD5\": \"" + Md5(i) + "\", \"Comments\": \"" + std::string(80, 'x') +
            "\", \"Exifs\": [{\"PropertyName\": \"Make\", \"PropertyValue\": \"Cam\"}]}";
  }
  text += "\n], \"odata.metadata\": \"" + Metadata1("1.3", "Media") + "\"}\n";
  ASSERT_GT(text.size(), size_t{4} << 20);
  ReadOutcome out = ReadText(dir, text, VicsOptions());
  ASSERT_TRUE(out.status.ok()) << out.status.ToString();
  EXPECT_EQ(out.report.source.category_scheme, "dhs");
  ASSERT_EQ(out.entries.size(), static_cast<size_t>(kRecords));
  EXPECT_EQ(out.report.records, static_cast<uint64_t>(kRecords));
  EXPECT_EQ(out.entries.back().category, 4);          // 40000 % 6 == 4
  EXPECT_EQ(out.entries[4].category, kNonPertinent);  // MediaID 5: DHS 5
  size_t last = text.rfind("{\"MediaID\": " + std::to_string(kRecords));
  EXPECT_EQ(out.locations.back(), "byte " + std::to_string(last) + " (record " +
                                      std::to_string(kRecords) + ", MediaID " +
                                      std::to_string(kRecords) + ")");
}

TEST(VicsReaderTest, ShapeFoundWithoutEntitySet) {
  TempDir dir;
  // No version key at all: read as 2.0; value[] objects with a Media array
  // are Cases, others are Media records.
  std::string text =
      "{\"value\": [{\"ContactOrganization\": \"Org\", \"Media\": [{\"MediaID\": "
      "1, \"MD5\": \"" +
      Md5(1) + "\"}]}, {\"MediaID\": 2, \"Category\": 1, \"MD5\": \"" + Md5(2) +
      "\", \"Media\": null}]}";
  ReadOutcome out = ReadText(dir, text, VicsOptions());
  ASSERT_TRUE(out.status.ok()) << out.status.ToString();
  EXPECT_EQ(out.report.source.agency, "Org");
  EXPECT_EQ(out.report.source.category_scheme, "vics-us");
  EXPECT_NE(out.report.source.format.find("case export"), std::string::npos);
  ASSERT_EQ(out.entries.size(), 2u);
  EXPECT_EQ(out.entries[1].category, 1);
  EXPECT_NE(out.locations[1].find("(record 2, MediaID 2)"), std::string::npos);

  // A Case inside a document that calls itself a hash set is still read.
  std::string mislabelled = HashSet20(
      "{\"ContactOrganization\": \"Org2\", \"Media\": "
      "[{\"MediaID\": 5, \"MD5\": \"" +
      Md5(5) + "\"}]}");
  ReadOutcome cases = ReadText(dir, mislabelled);
  ASSERT_TRUE(cases.status.ok()) << cases.status.ToString();
  ASSERT_EQ(cases.entries.size(), 1u);
  EXPECT_EQ(cases.entries[0].source_ref, "5");
  EXPECT_EQ(cases.report.source.agency, "Org2");
  EXPECT_EQ(cases.report.source.format, "VICS 2.0 (Default profile, case export)");

  std::string custom =
      "{\"@odata.context\": \"http://example.org/CUSTOM/$metadata#Things\", "
      "\"value\": [{\"MediaID\": 1, \"MD5\": \"" +
      Md5(1) + "\"}]}";
  ReadOutcome hash_set = ReadText(dir, custom);
  ASSERT_TRUE(hash_set.status.ok()) << hash_set.status.ToString();
  EXPECT_EQ(hash_set.entries.size(), 1u);
  EXPECT_NE(hash_set.report.source.format.find("hash set"), std::string::npos);
}

TEST(VicsReaderTest, NotAVicsDocument) {
  TempDir dir;
  ImportOptions vics = VicsOptions();
  ExpectError(ReadText(dir, "[1, 2]", vics), {"set.json: not a VICS document: ", "array"});
  ExpectError(ReadText(dir, "{\"@odata.context\": \"" + Context20("US", "Media") + "\"}", vics),
              {"no \"value\" array"});
  ExpectError(ReadText(dir, "{\"value\": {}}", vics), {"\"value\" is an object, not an array"});
}

TEST(VicsReaderTest, CallbackErrorIsReturnedAsIs) {
  TempDir dir;
  std::string path = dir.Write(
      "set.json", HashSet20("{\"MD5\": \"" + Md5(1) + "\"}, {\"MD5\": \"" + Md5(2) + "\"}"));
  int calls = 0;
  auto report = ReadHashSet(path, {}, [&](const HashSetEntry&, const RecordLocation&) {
    ++calls;
    return IoError("store full");
  });
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), StatusCode::kIoError);
  EXPECT_EQ(report.status().message(), "store full");
  EXPECT_EQ(calls, 1);
}

TEST(VicsReaderTest, ReadsFromAPipeWhenTheFormatIsGiven) {
  TempDir dir;
  std::string fifo = dir.Sub("pipe.json");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::string text = HashSet20("{\"MediaID\": 1, \"MD5\": \"" + Md5(1) + "\"}");
  std::thread writer([&] {
    std::ofstream out(fifo, std::ios::binary);
    out << text;
  });
  ReadOutcome out = Read(fifo, VicsOptions());
  writer.join();
  ASSERT_TRUE(out.status.ok()) << out.status.ToString();
  ASSERT_EQ(out.entries.size(), 1u);
  EXPECT_EQ(out.entries[0].md5, Md5(1));
}

TEST(VicsReaderTest, MissingFile) {
  TempDir dir;
  ReadOutcome out = Read(dir.Sub("absent.json"));
  EXPECT_EQ(out.status.code(), StatusCode::kNotFound);
  ReadOutcome forced = Read(dir.Sub("absent.json"), VicsOptions());
  EXPECT_EQ(forced.status.code(), StatusCode::kNotFound);
  EXPECT_NE(forced.status.message().find("absent.json"), std::string::npos);
}

// ---------------------------------------------------------------------------
// Format names and detection.

TEST(HashSetFormatTest, NamesRoundTrip) {
  for (HashSetFormat format :
       {HashSetFormat::kAuto, HashSetFormat::kVics, HashSetFormat::kHashdeep, HashSetFormat::kNsrl,
        HashSetFormat::kCsv, HashSetFormat::kHashList, HashSetFormat::kPdq, HashSetFormat::kVpdq}) {
    auto parsed = ParseHashSetFormat(HashSetFormatName(format));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, format);
  }
  EXPECT_EQ(*ParseHashSetFormat(" VICS "), HashSetFormat::kVics);
  EXPECT_EQ(HashSetFormatName(HashSetFormat::kVpdq), "vpdq");
  EXPECT_EQ(*ParseHashSetFormat("vPDQ"), HashSetFormat::kVpdq);
  auto bad = ParseHashSetFormat("xml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("'xml'"), std::string::npos);
  EXPECT_NE(bad.status().message().find("pdq or vpdq"), std::string::npos)
      << bad.status().message();
}

class DetectTest : public ::testing::Test {
 protected:
  std::optional<HashSetFormat> Detect(std::string_view text) {
    auto format = DetectHashSetFormat(dir_.Write("f" + std::to_string(++n_), text));
    if (!format.ok()) {
      last_error_ = format.status().message();
      return std::nullopt;
    }
    return *format;
  }

  // Creates an NSRL RDSv3-like database with the FILE and VERSION tables.
  std::string MakeSqlite(bool with_file_table) {
    std::string path = dir_.Sub("db" + std::to_string(++n_) + ".db");
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    std::string schema =
        "CREATE TABLE VERSION (version VARCHAR UNIQUE NOT NULL, build_set VARCHAR NOT NULL, "
        "build_date TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL, release_date TIMESTAMP NOT "
        "NULL, description VARCHAR NOT NULL);";
    if (with_file_table) {
      schema +=
          "CREATE TABLE FILE (sha256 VARCHAR NOT NULL, sha1 VARCHAR NOT NULL, md5 VARCHAR NOT "
          "NULL, crc32 VARCHAR NOT NULL, file_name VARCHAR NOT NULL, file_size INTEGER NOT NULL, "
          "package_id INTEGER NOT NULL);"
          "INSERT INTO FILE VALUES ('" +
          Sha256(1) + "', '" + Sha1(1) + "', '" + Md5(1) + "', '00000000', 'a.dll', 3, 1);";
    }
    char* error = nullptr;
    EXPECT_EQ(sqlite3_exec(db, schema.c_str(), nullptr, nullptr, &error), SQLITE_OK)
        << (error ? error : "");
    sqlite3_free(error);
    sqlite3_close(db);
    return path;
  }

  TempDir dir_;
  int n_ = 0;
  std::string last_error_;
};

TEST_F(DetectTest, Vics) {
  EXPECT_EQ(Detect(HashSet20("")), HashSetFormat::kVics);
  EXPECT_EQ(Detect("{\"odata.metadata\": \"" + Metadata1("1.3", "Media") + "\", \"value\": []}"),
            HashSetFormat::kVics);
  EXPECT_EQ(Detect("\xEF\xBB\xBF  {\"x\": \"http://github.com/ICMEC/ProjectVic/\"}"),
            HashSetFormat::kVics);
  EXPECT_EQ(Detect("{\"value\": [{\"MD5\": \"" + Md5(1) + "\"}]}"), HashSetFormat::kVics);
  EXPECT_EQ(Detect("{\"name\": \"not vics\"}"), std::nullopt);
  EXPECT_NE(last_error_.find("JSON without the VICS keys"), std::string::npos) << last_error_;
}

TEST_F(DetectTest, HashdeepAndMd5deep) {
  EXPECT_EQ(Detect("%%%% HASHDEEP-1.0\n%%%% size,md5,sha256,filename\n## x\n"),
            HashSetFormat::kHashdeep);
  EXPECT_EQ(Detect("%%%% HASHDEEP-1.0\r\n"), HashSetFormat::kHashdeep);
  EXPECT_EQ(Detect(Md5(1) + "  /Users/a.out\n" + Md5(2) + "  /Users/b\n"),
            HashSetFormat::kHashdeep);
  EXPECT_EQ(Detect(Sha256(1) + "  /x\n"), HashSetFormat::kHashdeep);
  EXPECT_EQ(Detect("    669416  " + Md5(1) + "  /Users/jessek/a.out\n"), HashSetFormat::kHashdeep);
  EXPECT_EQ(Detect(Sha1(1) + " *binary.exe\n"), HashSetFormat::kHashdeep);
}

TEST_F(DetectTest, NsrlTextAndSqlite) {
  EXPECT_EQ(Detect("\"SHA-1\",\"MD5\",\"CRC32\",\"FileName\",\"FileSize\",\"ProductCode\","
                   "\"OpSystemCode\",\"SpecialCode\"\r\n\"" +
                   Sha1(1) + "\",\"" + Md5(1) + "\",\"CABEC7CD\",\"a\",503,1,\"WIN\",\"\"\r\n"),
            HashSetFormat::kNsrl);
  EXPECT_EQ(Detect("\"SHA-1\",\"FileName\",\"FileSize\",\"ProductCode\",\"OpSystemCode\",\"MD4\","
                   "\"MD5\",\"CRC32\",\"SpecialCode\"\n"),
            HashSetFormat::kNsrl);
  auto db = DetectHashSetFormat(MakeSqlite(/*with_file_table=*/true));
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  EXPECT_EQ(*db, HashSetFormat::kNsrl);
  auto other = DetectHashSetFormat(MakeSqlite(/*with_file_table=*/false));
  ASSERT_FALSE(other.ok());
  EXPECT_NE(other.status().message().find("SQLite database without the NSRL"), std::string::npos)
      << other.status().message();
}

TEST_F(DetectTest, NsrlSqliteFromTheSharedSchema) {
  const std::string schema_path = std::string(kSamples) + "nsrl/RDSv3_minimal_schema.sql";
  SKIP_IF_ABSENT(schema_path);
  std::ifstream in(schema_path);
  std::stringstream schema;
  schema << in.rdbuf();
  std::string path = dir_.Sub("rds.db");
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  ASSERT_EQ(sqlite3_exec(db, schema.str().c_str(), nullptr, nullptr, &error), SQLITE_OK)
      << (error ? error : "");
  sqlite3_close(db);
  auto format = DetectHashSetFormat(path);
  ASSERT_TRUE(format.ok()) << format.status().ToString();
  EXPECT_EQ(*format, HashSetFormat::kNsrl);
}

TEST_F(DetectTest, Csv) {
  EXPECT_EQ(Detect("md5,sha1,category\n" + Md5(1) + ",,1\n"), HashSetFormat::kCsv);
  EXPECT_EQ(Detect("\"Name\";\"SHA-256\";\"Cat\"\n"), HashSetFormat::kCsv);
  EXPECT_EQ(Detect("path\tMD5 Hash\tsize\n"), HashSetFormat::kCsv);
  EXPECT_EQ(Detect("sha256\n" + Sha256(1) + "\n"), HashSetFormat::kCsv);
  EXPECT_EQ(Detect("name,size,owner\nx,1,y\n"), std::nullopt);
}

TEST_F(DetectTest, HashListAndPdq) {
  EXPECT_EQ(Detect(Md5(1) + "\n" + Md5(2) + "\n"), HashSetFormat::kHashList);
  EXPECT_EQ(Detect("# my list\n\n" + Sha1(1) + "\r\n"), HashSetFormat::kHashList);
  // A bare 64-hex line is read as SHA-256: PDQ needs the quality column (or
  // --format pdq).
  EXPECT_EQ(Detect(Sha256(1) + "\n" + Sha256(2) + "\n"), HashSetFormat::kHashList);
  EXPECT_EQ(Detect(Sha256(1) + ",100\n"), HashSetFormat::kPdq);
  EXPECT_EQ(Detect(Sha256(1) + ",87,holiday.jpg\n"), HashSetFormat::kPdq);
  EXPECT_EQ(Detect(Sha256(1) + ",,label\n"), HashSetFormat::kPdq);
  EXPECT_EQ(Detect(Sha256(1) + "\n" + Sha256(2) + ",50\n"), HashSetFormat::kPdq);
}

TEST_F(DetectTest, Vpdq) {
  const std::string pdq = Sha256(1);
  EXPECT_EQ(Detect("video_id,time,quality,hash\n" + std::string("v,0.000,100,") + pdq + "\n"),
            HashSetFormat::kVpdq);
  EXPECT_EQ(Detect("\xEF\xBB\xBFVideo_ID, Time, Quality, PDQ\r\n"), HashSetFormat::kVpdq);
  EXPECT_EQ(Detect("# frames\nclip.mp4,12.480,87," + pdq + "\r\n"), HashSetFormat::kVpdq);
  EXPECT_EQ(Detect("clip 1,3,0," + pdq + "\n"), HashSetFormat::kVpdq);
  EXPECT_EQ(Detect("clip,3.5,," + pdq + "\n"), HashSetFormat::kVpdq);           // quality not given
  EXPECT_EQ(Detect(Md5(1) + ",1.000,50," + pdq + "\n"), HashSetFormat::kVpdq);  // id = MD5
  // A 64-hex id with a fractional time cannot be a PDQ line (its quality
  // would be "1.500"): vPDQ.
  EXPECT_EQ(Detect(Sha256(2) + ",1.500,50," + pdq + "\n"), HashSetFormat::kVpdq);

  // Not vPDQ: a PDQ list line whose label holds commas stays a PDQ list,
  // even when the label looks like the end of a vPDQ line.
  EXPECT_EQ(Detect(pdq + ",90,50," + Sha256(2) + "\n"), HashSetFormat::kPdq);
  EXPECT_EQ(Detect(pdq + ",,50," + Sha256(2) + "\n"), HashSetFormat::kPdq);
  EXPECT_EQ(Detect(pdq + ",90,a, b, c\n"), HashSetFormat::kPdq);
  // hashdeep and CSV files keep their formats.
  EXPECT_EQ(
      Detect("%%%% HASHDEEP-1.0\n%%%% size,sha256,filename\n3," + pdq + ",a,1.0,50," + pdq + "\n"),
      HashSetFormat::kHashdeep);
  EXPECT_EQ(Detect("source_ref,media_time,pdq_quality,pdq\nv,1.0,50," + pdq + "\n"),
            HashSetFormat::kCsv);
  EXPECT_EQ(Detect("md5,sha1,sha256,pdq\n"), HashSetFormat::kCsv);
  // Lines that are almost vPDQ.
  EXPECT_EQ(Detect("v,-1.0,50," + pdq + "\n"), std::nullopt);    // negative time
  EXPECT_EQ(Detect("v,1.0,101," + pdq + "\n"), std::nullopt);    // quality over 100
  EXPECT_EQ(Detect("v,1.0,50," + Md5(1) + "\n"), std::nullopt);  // not a PDQ hash
  EXPECT_EQ(Detect(",1.0,50," + pdq + "\n"), std::nullopt);      // no video id
  EXPECT_EQ(Detect("a,b,1.0,50," + pdq + "\n"), std::nullopt);   // five fields
  // The vPDQ reference CLI's own "frameNumber,quality,pdqhex,timestamp".
  EXPECT_EQ(Detect("0,100," + pdq + ",0.000\n"), std::nullopt);
  EXPECT_NE(last_error_.find("PDQ or vPDQ line"), std::string::npos) << last_error_;
}

TEST_F(DetectTest, CannotDetect) {
  const std::string hint = "; pass --format vics|hashdeep|nsrl|csv|hashlist|pdq|vpdq";
  EXPECT_EQ(Detect(""), std::nullopt);
  EXPECT_NE(last_error_.find("cannot detect format of "), std::string::npos) << last_error_;
  EXPECT_NE(last_error_.find(": the file is empty" + hint), std::string::npos) << last_error_;

  EXPECT_EQ(Detect("hello world\nsecond line\n"), std::nullopt);
  EXPECT_NE(last_error_.find("the first line 'hello world'"), std::string::npos) << last_error_;
  EXPECT_TRUE(last_error_.ends_with(hint)) << last_error_;

  EXPECT_EQ(Detect(std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16)), std::nullopt);
  EXPECT_NE(last_error_.find("binary data"), std::string::npos) << last_error_;

  EXPECT_EQ(Detect(Md5(1).substr(0, 31) + "\n"), std::nullopt);

  auto missing = DetectHashSetFormat(dir_.Sub("missing"));
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
}

TEST_F(DetectTest, SharedSamples) {
  struct Sample {
    const char* path;
    HashSetFormat format;
  } samples[] = {
      {"vics/vics_1.3_hashset_SYNTHETIC.json", HashSetFormat::kVics},
      {"vics/vics_2.0_hashset_SYNTHETIC.json", HashSetFormat::kVics},
      {"vics/vics_2.0_US_case_SYNTHETIC.json", HashSetFormat::kVics},
      {"hashdeep/hashdeep.txt", HashSetFormat::kHashdeep},
      {"hashdeep/md5deep.txt", HashSetFormat::kHashdeep},
      {"hashdeep/md5deep-size.txt", HashSetFormat::kHashdeep},
      {"nsrl/NSRLFile_RDSv2_excerpt.txt", HashSetFormat::kNsrl},
      {"nsrl/NSRLFile_RDS1.5_excerpt.txt", HashSetFormat::kNsrl},
  };
  int found = 0;
  for (const Sample& sample : samples) {
    std::string path = std::string(kSamples) + sample.path;
    if (!SamplePresent(path)) continue;
    ++found;
    auto format = DetectHashSetFormat(path);
    ASSERT_TRUE(format.ok()) << sample.path << ": " << format.status().ToString();
    EXPECT_EQ(*format, sample.format) << sample.path;
  }
  if (found == 0) GTEST_SKIP() << "shared samples under " << kSamples << " are absent";
}

}  // namespace
}  // namespace tantalio::formats
