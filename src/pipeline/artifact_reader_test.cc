// Chat databases and identifiers found while scanning: WhatsApp databases are
// read from a private copy (rows only in the -wal included, the evidence
// untouched), also inside archives; encrypted backups are recorded as such;
// broken databases become error rows; identifiers in text are found in
// windows without loss or double counting; other databases give the
// identifiers in their text cells.
#include "pipeline/artifact_reader.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "base/temp_dir.h"
#include "demo/demo_evidence.h"
#include "demo/demo_whatsapp.h"
#include "pipeline/unit_processor.h"

namespace tantalio {
namespace {

namespace fs = std::filesystem;

const char kGroup[] = "120363000000000001@g.us";
const char kAlice[] = "447700900001@s.whatsapp.net";

ScanRecords Process(const std::string& fs_path, const std::string& forensic_path,
                    const ProcessorOptions& options = {}) {
  DirectoryItem item;
  item.fs_path = fs_path;
  item.forensic_path = forensic_path;
  item.size = fs::file_size(fs_path);
  ScanRecords out;
  UnitProcessor(options, nullptr).Process(item, [&](UnitOutput o) { out.MergeFrom(std::move(o)); });
  return out;
}

// A msgstore.db whose last message lives only in its -wal.
void WriteWalMsgstore(const std::string& path) {
  auto db = demo::MsgstoreWriter::Create(path, /*wal=*/true);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  ASSERT_TRUE((*db)->AddChat(kGroup, "Test group").ok());
  ASSERT_TRUE((*db)->AddMember(kGroup, kAlice).ok());
  ASSERT_TRUE(
      (*db)
          ->AddMessage({kGroup, "K1", kAlice, 1700000000000, 0, "in the main file", std::nullopt})
          .ok());
  ASSERT_TRUE((*db)->CheckpointAndKeepWal().ok());
  ASSERT_TRUE((*db)
                  ->AddMessage({kGroup, "K2", kAlice, 1700000001000, 0,
                                "only in the WAL: mail bob@example.com", std::nullopt})
                  .ok());
  ASSERT_TRUE((*db)->Close().ok());
}

std::map<std::string, std::string> Snapshot(const std::string& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    std::ifstream in(e.path(), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    struct stat st {};
    ::stat(e.path().c_str(), &st);
    out[e.path().filename().string()] =
        bytes + "|" + std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec);
  }
  return out;
}

bool HasIdentifier(const ScanRecords& r, const std::string& kind, const std::string& value,
                   const std::string& location_prefix = "") {
  for (const auto& i : r.identifiers) {
    if (i.kind == kind && i.value == value && i.location.starts_with(location_prefix)) return true;
  }
  return false;
}

TEST(ArtifactReaderTest, WalRowsAreReadFromAPrivateCopyAndEvidenceIsUntouched) {
  TempDir dir;
  const std::string evidence = dir.Sub("evidence");
  fs::create_directories(evidence);
  WriteWalMsgstore(evidence + "/msgstore.db");
  ASSERT_TRUE(fs::exists(evidence + "/msgstore.db-wal"));
  const auto before = Snapshot(evidence);

  ScanRecords r = Process(evidence + "/msgstore.db", "phone/msgstore.db");
  EXPECT_EQ(Snapshot(evidence), before);  // no -shm created, nothing changed
  ASSERT_EQ(r.chat_databases.size(), 1u);
  const ChatDatabaseRecord& db = r.chat_databases[0];
  EXPECT_EQ(db.state, kChatDbParsed);
  EXPECT_EQ(db.kind, "android_msgstore");
  EXPECT_EQ(db.sidecars, std::vector<std::string>{"-wal"});
  EXPECT_FALSE(db.sha256.empty());
  ASSERT_EQ(db.extract.messages.size(), 2u);
  EXPECT_EQ(db.extract.messages[1].text, "only in the WAL: mail bob@example.com");
  EXPECT_TRUE(HasIdentifier(r, "email", "bob@example.com", "message "));
  EXPECT_TRUE(HasIdentifier(r, "phone", "+447700900001", "member of " + std::string(kGroup)));
  EXPECT_TRUE(r.errors.empty()) << r.errors[0].message;
}

TEST(ArtifactReaderTest, AStaleShmBesideTheEvidenceIsIgnored) {
  TempDir dir;
  WriteWalMsgstore(dir.Sub("msgstore.db"));
  dir.Write("msgstore.db-shm", std::string(32768, '\x7f'));  // garbage, as a crash leaves it
  ScanRecords r = Process(dir.Sub("msgstore.db"), "phone/msgstore.db");
  ASSERT_EQ(r.chat_databases.size(), 1u);
  EXPECT_EQ(r.chat_databases[0].extract.messages.size(), 2u);
  EXPECT_TRUE(r.errors.empty());
}

TEST(ArtifactReaderTest, MissingTablesAreAnErrorRowAndTheRestIsRead) {
  TempDir dir;
  const std::string path = dir.Sub("msgstore.db");
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "CREATE TABLE message(_id INTEGER PRIMARY KEY, from_me INTEGER,"
                         " text_data TEXT); INSERT INTO message VALUES(1, 1, 'still read');",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  ScanRecords r = Process(path, "phone/msgstore.db");
  ASSERT_EQ(r.chat_databases.size(), 1u);
  EXPECT_EQ(r.chat_databases[0].state, kChatDbParsed);
  ASSERT_EQ(r.chat_databases[0].extract.messages.size(), 1u);
  EXPECT_EQ(r.chat_databases[0].extract.messages[0].text, "still read");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].stage, "chat database");
  EXPECT_NE(r.errors[0].message.find("warning"), std::string::npos);
}

TEST(ArtifactReaderTest, ADatabaseInsideAnArchiveIsRead) {
  TempDir dir;
  WriteWalMsgstore(dir.Sub("msgstore.db"));
  auto db = demo::MsgstoreWriter::Create(dir.Sub("plain.db"));
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)->AddChat(kGroup, "Archived group").ok());
  ASSERT_TRUE((*db)->Close().ok());
  std::ifstream in(dir.Sub("plain.db"), std::ios::binary);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  auto zip = WriteArchive(DemoArchiveFormat::kZip, {{"backup/msgstore.db", bytes}});
  ASSERT_TRUE(zip.ok());
  const std::string zip_path = dir.Write("backup.zip", std::string(zip->begin(), zip->end()));
  ScanRecords r = Process(zip_path, "phone/backup.zip");
  ASSERT_EQ(r.chat_databases.size(), 1u);
  EXPECT_EQ(r.chat_databases[0].forensic_path, "phone/backup.zip!/backup/msgstore.db");
  ASSERT_EQ(r.chat_databases[0].extract.chats.size(), 1u);
  EXPECT_EQ(r.chat_databases[0].extract.chats[0].subject, "Archived group");
}

TEST(ArtifactReaderTest, EncryptedBackupsAreRecordedNotErrors) {
  TempDir dir;
  const std::string path = dir.Write("msgstore-2024-01-01.1.db.crypt14", std::string(4096, '\x5a'));
  ScanRecords r = Process(path, "phone/msgstore-2024-01-01.1.db.crypt14");
  ASSERT_EQ(r.chat_databases.size(), 1u);
  EXPECT_EQ(r.chat_databases[0].state, kChatDbEncrypted);
  EXPECT_EQ(r.chat_databases[0].kind, "crypt14");
  EXPECT_NE(r.chat_databases[0].note.find("key needed"), std::string::npos);
  EXPECT_TRUE(r.errors.empty());
  EXPECT_EQ(ArtifactReader::EncryptedBackupKind("a/wa.db.crypt15"), "crypt15");
  EXPECT_EQ(ArtifactReader::EncryptedBackupKind("a/msgstore.db.crypt"), std::nullopt);
  EXPECT_EQ(ArtifactReader::EncryptedBackupKind("a/notes.crypt14"), std::nullopt);
}

TEST(ArtifactReaderTest, ACorruptDatabaseIsAnErrorRowAndAnUnreadableChatDatabase) {
  TempDir dir;
  std::string bytes = std::string("SQLite format 3\0", 16) + std::string(5000, '\xee');
  const std::string path = dir.Write("msgstore.db", bytes);
  ScanRecords r = Process(path, "phone/msgstore.db");
  ASSERT_EQ(r.files.size(), 1u);
  EXPECT_EQ(r.files[0].status, kStatusOk);  // hashed all the same
  ASSERT_FALSE(r.errors.empty());
  EXPECT_EQ(r.errors[0].stage, "sqlite");
  ASSERT_EQ(r.chat_databases.size(), 1u);
  EXPECT_EQ(r.chat_databases[0].state, kChatDbError);
}

TEST(ArtifactReaderTest, OtherDatabasesGiveTheIdentifiersInTheirTextCells) {
  TempDir dir;
  const std::string path = dir.Sub("notes.sqlite");
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "CREATE TABLE note(id INTEGER PRIMARY KEY, body TEXT, n INTEGER);"
                         "INSERT INTO note VALUES(7, 'see http://exampleabcdefghi.onion/x', 5);",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  ScanRecords r = Process(path, "laptop/notes.sqlite");
  EXPECT_TRUE(r.chat_databases.empty());
  EXPECT_TRUE(HasIdentifier(r, "onion", "exampleabcdefghi.onion", "note.body row 7"));
}

TEST(ArtifactReaderTest, IdentifiersInTextFilesUseTheCaseRegion) {
  TempDir dir;
  const std::string path = dir.Write("notes.txt", "call 07400 123456 or write to a@example.com\n");
  ProcessorOptions options;
  options.artifacts.region = "GB";
  ScanRecords r = Process(path, "phone/notes.txt", options);
  EXPECT_TRUE(HasIdentifier(r, "phone", "+447400123456"));
  EXPECT_TRUE(HasIdentifier(r, "email", "a@example.com"));
  options.artifacts.enabled = false;
  EXPECT_TRUE(Process(path, "phone/notes.txt", options).identifiers.empty());
}

TEST(ArtifactReaderTest, TheOwnNumberComesFromWhatsAppPreferences) {
  TempDir dir;
  const std::string path = dir.Write(
      "com.whatsapp_preferences_light.xml",
      "<?xml version='1.0' encoding='utf-8' standalone='yes' ?>\n<map>\n"
      "    <string name=\"push_name\">Example</string>\n"
      "    <string name=\"cc\">44</string>\n    <string name=\"ph\">7700900101</string>\n</map>\n");
  ScanRecords r = Process(path, "phone/shared_prefs/com.whatsapp_preferences_light.xml");
  EXPECT_TRUE(HasIdentifier(r, "phone", "+447700900101", kWhatsAppOwnNumberLocation));
  EXPECT_TRUE(ArtifactReader::IsWhatsAppPreferences("x/startup_prefs.xml"));
  EXPECT_FALSE(ArtifactReader::IsWhatsAppPreferences("x/com.other_preferences.xml"));
  // The same text under another name is only text.
  const std::string other = dir.Write("settings.xml",
                                      "<string name=\"cc\">44</string>"
                                      "<string name=\"ph\">7700900101</string>");
  EXPECT_FALSE(HasIdentifier(Process(other, "phone/settings.xml"), "phone", "+447700900101",
                             kWhatsAppOwnNumberLocation));
}

TEST(TextIdentifierStreamTest, WindowsFindEachIdentifierOnceAtItsOffset) {
  // Identifiers spread so that several straddle window edges.
  std::string text;
  std::vector<size_t> offsets;
  for (int i = 0; text.size() < 3 * TextIdentifierStream::kWindow; ++i) {
    text += std::string(static_cast<size_t>(997 + (i * 7919) % 4000), 'x') + ' ';
    offsets.push_back(text.size());
    text += "user" + std::to_string(i) + "@example.com ";
  }
  ArtifactOptions options;
  options.max_identifiers_per_file = 1'000'000;
  TextIdentifierStream stream(options);
  // Odd chunk sizes, as reads would give.
  for (size_t at = 0; at < text.size(); at += 65521) {
    const size_t n = std::min<size_t>(65521, text.size() - at);
    stream.Feed({reinterpret_cast<const uint8_t*>(text.data()) + at, n});
  }
  bool capped = true;
  std::vector<IdentifierRecord> found = stream.Finish(&capped);
  EXPECT_FALSE(capped);
  ASSERT_EQ(found.size(), offsets.size());
  for (size_t i = 0; i < found.size(); ++i) {
    EXPECT_EQ(found[i].offset, static_cast<int64_t>(offsets[i]));
    EXPECT_EQ(found[i].value, "user" + std::to_string(i) + "@example.com");
  }
}

TEST(TextIdentifierStreamTest, TheCapStopsRecording) {
  ArtifactOptions options;
  options.max_identifiers_per_file = 3;
  TextIdentifierStream stream(options);
  const std::string text = "a@example.com b@example.com c@example.com d@example.com";
  stream.Feed({reinterpret_cast<const uint8_t*>(text.data()), text.size()});
  bool capped = false;
  EXPECT_EQ(stream.Finish(&capped).size(), 3u);
  EXPECT_TRUE(capped);
}

}  // namespace
}  // namespace tantalio
