// The NSRL reader: RDSv3 SQLite databases built here with the published
// schema, RDSv2 / RDS 1.5 text, and the shared samples when present.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "base/temp_dir.h"
#include "formats/hash_set_import.h"
#include "formats/read_for_test.h"

namespace tantalio::formats {
namespace {

// The RDSv3 minimal-build schema (specs/formats.md section 3.2; NIST schema.sql).
constexpr char kRdsV3Schema[] = R"sql(
CREATE TABLE FILE (
 sha256     VARCHAR NOT NULL,
 sha1       VARCHAR NOT NULL,
 md5        VARCHAR NOT NULL,
 crc32      VARCHAR NOT NULL,
 file_name  VARCHAR NOT NULL,
 file_size  INTEGER NOT NULL,
 package_id INTEGER NOT NULL,
 CONSTRAINT PK_FILE__FILE PRIMARY KEY (sha256, sha1, md5, crc32, file_name, file_size, package_id)
);
CREATE TABLE MFG (
 manufacturer_id INTEGER NOT NULL,
 name            VARCHAR NOT NULL,
 CONSTRAINT PK_MFG__MFG_ID PRIMARY KEY (manufacturer_id)
);
CREATE TABLE OS (
 operating_system_id INTEGER NOT NULL,
 name                VARCHAR NOT NULL,
 version             VARCHAR NOT NULL,
 manufacturer_id     INTEGER NOT NULL,
 CONSTRAINT PK_OS__OS_ID PRIMARY KEY (operating_system_id, manufacturer_id)
);
CREATE TABLE PKG (
 package_id          INTEGER NOT NULL,
 name                VARCHAR NOT NULL,
 version             VARCHAR NOT NULL,
 operating_system_id INTEGER NOT NULL,
 manufacturer_id     INTEGER NOT NULL,
 language            VARCHAR NOT NULL,
 application_type    VARCHAR NOT NULL,
 CONSTRAINT PK_PGK__PKG_ID PRIMARY KEY (package_id, operating_system_id, manufacturer_id, language, application_type)
);
CREATE TABLE VERSION (
 version      VARCHAR UNIQUE NOT NULL,
 build_set    VARCHAR NOT NULL,
 build_date   TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL,
 release_date TIMESTAMP NOT NULL,
 description  VARCHAR NOT NULL,
 CONSTRAINT PK_VERSION__VERSION PRIMARY KEY (version)
);
CREATE VIEW DISTINCT_HASH AS
 SELECT DISTINCT
  sha256,
  sha1,
  md5,
  crc32
 FROM
  FILE
;
)sql";

// Two distinct files: A (in two packages, under two names) and B.
constexpr char kSha256A[] = "AAAA456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF";
constexpr char kSha1A[] = "AAAA456789ABCDEF0123456789ABCDEF01234567";
constexpr char kMd5A[] = "AAAA456789ABCDEF0123456789ABCDEF";
constexpr char kSha256B[] = "BBBB456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF";
constexpr char kSha1B[] = "BBBB456789ABCDEF0123456789ABCDEF01234567";
constexpr char kMd5B[] = "BBBB456789ABCDEF0123456789ABCDEF";

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::string FileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

ImportOptions Nsrl(bool skip_invalid = false) {
  ImportOptions options;
  options.format = HashSetFormat::kNsrl;
  options.skip_invalid = skip_invalid;
  return options;
}

class Database {
 public:
  explicit Database(const std::string& path) {
    EXPECT_EQ(sqlite3_open(path.c_str(), &db_), SQLITE_OK);
  }
  ~Database() { sqlite3_close(db_); }

  void Exec(const std::string& sql) {
    char* error = nullptr;
    int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error);
    EXPECT_EQ(rc, SQLITE_OK) << (error != nullptr ? error : "") << " in " << sql;
    sqlite3_free(error);
  }

  void InsertFile(std::string_view sha256, std::string_view sha1, std::string_view md5,
                  std::string_view name, int64_t size, int package) {
    sqlite3_stmt* stmt = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db_, "INSERT INTO FILE VALUES (?, ?, ?, '00000000', ?, ?, ?)", -1,
                                 &stmt, nullptr),
              SQLITE_OK);
    sqlite3_bind_text(stmt, 1, sha256.data(), static_cast<int>(sha256.size()), SQLITE_TRANSIENT);
    sqlite3_bind_text(stmt, 2, sha1.data(), static_cast<int>(sha1.size()), SQLITE_TRANSIENT);
    sqlite3_bind_text(stmt, 3, md5.data(), static_cast<int>(md5.size()), SQLITE_TRANSIENT);
    sqlite3_bind_text(stmt, 4, name.data(), static_cast<int>(name.size()), SQLITE_TRANSIENT);
    sqlite3_bind_int64(stmt, 5, size);
    sqlite3_bind_int(stmt, 6, package);
    EXPECT_EQ(sqlite3_step(stmt), SQLITE_DONE);
    sqlite3_finalize(stmt);
  }

 private:
  sqlite3* db_ = nullptr;
};

class NsrlReaderTest : public ::testing::Test {
 protected:
  // An RDSv3 database: file A in packages 1 and 2 (names "b.dll", "a.dll"),
  // file B once, inserted B first so that storage order is not key order.
  std::string MakeRdsV3(const std::string& name, const std::string& schema = kRdsV3Schema) {
    std::string path = dir_.Sub(name);
    Database db(path);
    db.Exec(schema);
    db.InsertFile(kSha256B, kSha1B, kMd5B, "b\xE9t\xE9.txt", 20, 1);  // Latin-1, not UTF-8
    db.InsertFile(kSha256A, kSha1A, kMd5A, "b.dll", 10, 1);
    db.InsertFile(kSha256A, kSha1A, kMd5A, "a.dll", 10, 2);
    if (schema.find("CREATE TABLE VERSION") != std::string::npos) {
      db.Exec(
          "INSERT INTO VERSION VALUES ('2024.03.1', 'Modern', '2024-03-01', '2024-03-05', "
          "'test')");
    }
    return path;
  }

  TempDir dir_;
};

TEST_F(NsrlReaderTest, RdsV3DistinctHashesWithSizeAndFirstName) {
  const std::string path = MakeRdsV3("rds.db");
  const std::string before = FileBytes(path);
  ReadOutcome out = Read(path);  // detected
  ASSERT_TRUE(out.report.ok()) << out.report.status().ToString();
  EXPECT_EQ(out.report->format, HashSetFormat::kNsrl);
  EXPECT_EQ(out.report->source.format, "NSRL RDSv3");
  EXPECT_EQ(out.report->source.agency, "NIST");
  EXPECT_EQ(out.report->source.version, "2024.03.1 (Modern)");
  EXPECT_TRUE(out.report->source.known_good);
  ASSERT_EQ(out.entries.size(), 2u);
  EXPECT_EQ(out.report->entries, 2u);
  EXPECT_EQ(out.entries[0].sha256, Lower(kSha256A));
  EXPECT_EQ(out.entries[0].sha1, Lower(kSha1A));
  EXPECT_EQ(out.entries[0].md5, Lower(kMd5A));
  EXPECT_EQ(out.entries[0].size, 10);
  EXPECT_EQ(out.entries[0].name, "a.dll");  // the first name in key order
  EXPECT_EQ(out.locations[0], "row 1 of FILE");
  EXPECT_EQ(out.entries[1].sha256, Lower(kSha256B));
  EXPECT_EQ(out.entries[1].name, "b\xE9t\xE9.txt");  // bytes kept
  EXPECT_EQ(out.entries[1].size, 20);
  EXPECT_EQ(out.locations[1], "row 3 of FILE");
  // Never written to.
  EXPECT_EQ(FileBytes(path), before);
  EXPECT_FALSE(std::filesystem::exists(path + "-journal"));
  EXPECT_FALSE(std::filesystem::exists(path + "-wal"));
}

TEST_F(NsrlReaderTest, RdsV3WithoutKeyIndexUsesDistinctHashView) {
  std::string schema = kRdsV3Schema;
  const std::string key =
      ",\n CONSTRAINT PK_FILE__FILE PRIMARY KEY (sha256, sha1, md5, crc32, file_name, file_size, "
      "package_id)";
  size_t at = schema.find(key);
  ASSERT_NE(at, std::string::npos);
  schema.erase(at, key.size());
  const std::string path = MakeRdsV3("noindex.db", schema);
  ReadOutcome out = Read(path, Nsrl());
  ASSERT_TRUE(out.report.ok()) << out.report.status().ToString();
  ASSERT_EQ(out.entries.size(), 2u);
  std::set<std::string> hashes;
  for (const HashSetEntry& entry : out.entries) {
    hashes.insert(entry.sha256);
    EXPECT_EQ(entry.name, "");  // the view carries hashes only
    EXPECT_FALSE(entry.size.has_value());
  }
  EXPECT_EQ(hashes, (std::set<std::string>{Lower(kSha256A), Lower(kSha256B)}));
  EXPECT_NE(out.locations[0].find("of DISTINCT_HASH"), std::string::npos) << out.locations[0];
}

TEST_F(NsrlReaderTest, RdsV3WithoutIndexOrViewCollapsesConsecutiveRows) {
  const std::string path = MakeRdsV3(
      "bare.db",
      "CREATE TABLE FILE (sha256 VARCHAR, sha1 VARCHAR, md5 VARCHAR, crc32 VARCHAR, file_name "
      "VARCHAR, file_size INTEGER, package_id INTEGER);");
  ReadOutcome out = Read(path, Nsrl());
  ASSERT_TRUE(out.report.ok()) << out.report.status().ToString();
  // Storage order: B, A(b.dll), A(a.dll): the two A rows collapse.
  ASSERT_EQ(out.entries.size(), 2u);
  EXPECT_EQ(out.entries[0].sha256, Lower(kSha256B));
  EXPECT_EQ(out.entries[1].sha256, Lower(kSha256A));
  EXPECT_EQ(out.entries[1].name, "b.dll");
  EXPECT_EQ(out.report->source.version, "");
}

TEST_F(NsrlReaderTest, SqliteWithoutFileTableIsRefused) {
  const std::string path = dir_.Sub("other.db");
  {
    Database db(path);
    db.Exec("CREATE TABLE messages (id INTEGER); CREATE TABLE jid (id INTEGER);");
  }
  ReadOutcome out = Read(path, Nsrl(/*skip_invalid=*/true));
  ASSERT_FALSE(out.report.ok());
  EXPECT_EQ(out.report.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(out.report.status().message().find(
                "not an NSRL RDSv3 database: no FILE table; tables found: jid, messages"),
            std::string::npos)
      << out.report.status().message();
}

TEST_F(NsrlReaderTest, DamagedDatabaseIsCorrupt) {
  std::string bytes("SQLite format 3\0", 16);
  bytes += std::string(200, '\x7f');
  const std::string path = dir_.Write("bad.db", bytes);
  ReadOutcome out = Read(path, Nsrl());
  ASSERT_FALSE(out.report.ok());
  EXPECT_EQ(out.report.status().code(), StatusCode::kCorrupt) << out.report.status().ToString();
}

TEST_F(NsrlReaderTest, RdsV3InvalidHashNamesTheRow) {
  const std::string path = MakeRdsV3("badhash.db");
  {
    Database db(path);
    db.InsertFile("CCCC", kSha1B, kMd5B, "c.txt", 1, 3);
  }
  ReadOutcome out = Read(path, Nsrl());
  ASSERT_FALSE(out.report.ok());
  EXPECT_NE(out.report.status().message().find("row 4 of FILE: SHA-256 'CCCC'"), std::string::npos)
      << out.report.status().message();
  out = Read(path, Nsrl(/*skip_invalid=*/true));
  ASSERT_TRUE(out.report.ok()) << out.report.status().ToString();
  EXPECT_EQ(out.entries.size(), 2u);
  EXPECT_EQ(out.report->skipped_invalid, 1u);
}

TEST_F(NsrlReaderTest, RdsV2Text) {
  const std::string path = dir_.Write(
      "NSRLFile.txt",
      "\xEF\xBB\xBF\"SHA-1\",\"MD5\",\"CRC32\",\"FileName\",\"FileSize\",\"ProductCode\","
      "\"OpSystemCode\",\"SpecialCode\"\r\n"
      "\"" +
          std::string(kSha1A) + "\",\"" + kMd5A +
          "\",\"CABEC7CD\",\"INFODESK.IC$\",503,1,\"WIN\",\"\"\r\n"
          "\"" +
          kSha1A + "\",\"" + kMd5A +
          "\",\"CABEC7CD\",\"infodesk.ico\",503,2,\"WIN\",\"\"\r\n"
          "\"" +
          kSha1B + "\",\"" + kMd5B +
          "\",\"7959EE80\",\"a, b \"\"c\"\".txt\",300,1,\"WIN\",\"\"\r\n"
          "\"" +
          kSha1B + "\",\"" + kMd5A + "\",\"7959EE80\",\"caf\xE9\",7,1,\"WIN\",\"\"\r\n");
  ReadOutcome out = Read(path);
  ASSERT_TRUE(out.report.ok()) << out.report.status().ToString();
  EXPECT_EQ(out.report->format, HashSetFormat::kNsrl);
  EXPECT_EQ(out.report->source.format, "NSRL RDSv2");
  EXPECT_EQ(out.report->source.agency, "NIST");
  EXPECT_TRUE(out.report->source.known_good);
  ASSERT_EQ(out.entries.size(), 3u);
  EXPECT_EQ(out.entries[0].sha1, Lower(kSha1A));
  EXPECT_EQ(out.entries[0].md5, Lower(kMd5A));
  EXPECT_EQ(out.entries[0].name, "INFODESK.IC$");
  EXPECT_EQ(out.entries[0].size, 503);
  EXPECT_EQ(out.entries[1].name, "a, b \"c\".txt");
  EXPECT_EQ(out.entries[1].size, 300);
  EXPECT_EQ(out.entries[2].name, "caf\xE9");  // differs in MD5: not collapsed
  EXPECT_EQ(out.locations[1], "line 4");
}

TEST_F(NsrlReaderTest, Rds15Text) {
  const std::string path = dir_.Write(
      "NSRLFile.txt",
      "\"SHA-1\",\"FileName\",\"FileSize\",\"ProductCode\",\"OpSystemCode\",\"MD4\",\"MD5\","
      "\"CRC32\",\"SpecialCode\"\n"
      "\"" +
          std::string(kSha1A) + "\",\"x.dll\",11,1,\"WIN\",\"" + std::string(32, '0') + "\",\"" +
          kMd5A + "\",\"CABEC7CD\",\"\"\n");
  ReadOutcome out = Read(path);
  ASSERT_TRUE(out.report.ok()) << out.report.status().ToString();
  EXPECT_EQ(out.report->source.format, "NSRL RDS 1.5");
  ASSERT_EQ(out.entries.size(), 1u);
  EXPECT_EQ(out.entries[0].sha1, Lower(kSha1A));
  EXPECT_EQ(out.entries[0].md5, Lower(kMd5A));
  EXPECT_EQ(out.entries[0].name, "x.dll");
  EXPECT_EQ(out.entries[0].size, 11);
}

TEST_F(NsrlReaderTest, RdsTextErrors) {
  const std::string path = dir_.Write(
      "NSRLFile.txt", "\"SHA-1\",\"MD5\",\"FileName\",\"FileSize\"\n\"" + std::string(kSha1A) +
                          "\",\"" + kMd5A + "\",\"a\",1\n\"XYZ\",\"" + kMd5B + "\",\"b\",2\n\"" +
                          kSha1B + "\",\"" + kMd5B + "\",\"c\",big\n\"" + kSha1B + "\"\n");
  ReadOutcome out = Read(path);
  ASSERT_FALSE(out.report.ok());
  EXPECT_NE(out.report.status().message().find("line 3: SHA-1 'XYZ'"), std::string::npos)
      << out.report.status().message();
  out = Read(path, Nsrl(/*skip_invalid=*/true));
  ASSERT_TRUE(out.report.ok()) << out.report.status().ToString();
  EXPECT_EQ(out.entries.size(), 1u);
  ASSERT_EQ(out.report->problems.size(), 3u);
  EXPECT_EQ(out.report->problems[1], "line 4: FileSize 'big' is not a number");
  EXPECT_EQ(out.report->problems[2], "line 5: expected at least 4 fields, found 1");

  const std::string headerless = dir_.Write("x.txt", "\"Name\",\"Size\"\n\"a\",1\n");
  out = Read(headerless, Nsrl());
  ASSERT_FALSE(out.report.ok());
  EXPECT_NE(out.report.status().message().find("no SHA-1, MD5 or SHA-256 column"),
            std::string::npos)
      << out.report.status().message();
}

// ----- shared samples -----

std::string SamplePath(const std::string& name) {
  return std::string(TANTALIO_SHARED_DIR) + "/samples/nsrl/" + name;
}

// The distinct SHA-1 values of an NSRLFile.txt (first column of every row).
std::set<std::string> DistinctSha1(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);  // header
  std::set<std::string> out;
  while (std::getline(in, line)) {
    if (line.size() > 42) out.insert(Lower(line.substr(1, 40)));
  }
  return out;
}

TEST_F(NsrlReaderTest, SharedTextSamples) {
  for (const char* name : {"NSRLFile_RDSv2_excerpt.txt", "NSRLFile_RDS1.5_excerpt.txt"}) {
    const std::string path = SamplePath(name);
    if (!std::filesystem::exists(path)) {
      GTEST_SKIP() << "shared sample " << path << " is absent (TANTALIO_SHARED_DIR); skipping";
    }
    SCOPED_TRACE(name);
    ReadOutcome out = Read(path);
    ASSERT_TRUE(out.report.ok()) << out.report.status().ToString();
    EXPECT_EQ(out.report->format, HashSetFormat::kNsrl);
    std::set<std::string> sha1;
    for (const HashSetEntry& entry : out.entries) {
      EXPECT_EQ(entry.sha1.size(), 40u);
      EXPECT_EQ(entry.md5.size(), 32u);
      EXPECT_TRUE(entry.size.has_value());
      EXPECT_FALSE(entry.name.empty());
      EXPECT_TRUE(sha1.insert(entry.sha1).second) << "duplicate " << entry.sha1;
    }
    EXPECT_EQ(sha1, DistinctSha1(path));
  }
  ReadOutcome v2 = Read(SamplePath("NSRLFile_RDSv2_excerpt.txt"));
  ASSERT_TRUE(v2.report.ok());
  ASSERT_FALSE(v2.entries.empty());
  EXPECT_EQ(v2.entries[0].sha1, "00d1034546f530d746131ce2a28a052db21652ec");
  EXPECT_EQ(v2.entries[0].md5, "2193697c470774ea58da24b3bac5fcde");
  EXPECT_EQ(v2.entries[0].name, "INFODESK.IC$");
  EXPECT_EQ(v2.entries[0].size, 503);
}

TEST_F(NsrlReaderTest, SharedSchemaSample) {
  const std::string schema_path = SamplePath("RDSv3_minimal_schema.sql");
  if (!std::filesystem::exists(schema_path)) {
    GTEST_SKIP() << "shared sample " << schema_path << " is absent (TANTALIO_SHARED_DIR); skipping";
  }
  const std::string path = MakeRdsV3("shared.db", FileBytes(schema_path));
  ReadOutcome out = Read(path);
  ASSERT_TRUE(out.report.ok()) << out.report.status().ToString();
  ASSERT_EQ(out.entries.size(), 2u);
  EXPECT_EQ(out.entries[0].name, "a.dll");
  EXPECT_EQ(out.report->source.version, "2024.03.1 (Modern)");
}

}  // namespace
}  // namespace tantalio::formats
