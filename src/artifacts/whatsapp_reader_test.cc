#include "artifacts/whatsapp_reader.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <map>
#include <string>
#include <vector>

#include "artifacts/artifacts_test_util.h"
#include "base/temp_dir.h"

namespace tantalio::artifacts {
namespace {

// Synthetic people only: UK drama numbers (+44 7700 900xxx).
using test_util::MakeDb;

constexpr char kAndroidMsgstore[] = R"sql(
CREATE TABLE jid (_id INTEGER PRIMARY KEY, user TEXT, server TEXT, raw_string TEXT);
CREATE TABLE chat (_id INTEGER PRIMARY KEY, jid_row_id INTEGER, subject TEXT,
  created_timestamp INTEGER);
CREATE TABLE message (_id INTEGER PRIMARY KEY, chat_row_id INTEGER, from_me INTEGER,
  key_id TEXT, sender_jid_row_id INTEGER, timestamp INTEGER, message_type INTEGER,
  text_data TEXT);
INSERT INTO jid VALUES (1, '447700900201', 's.whatsapp.net', '447700900201@s.whatsapp.net');
INSERT INTO chat VALUES (1, 1, NULL, NULL);
INSERT INTO message VALUES (1, 1, 0, 'A1', NULL, 1700000000000, 0, 'android');
)sql";

constexpr char kAndroidWaDb[] = R"sql(
CREATE TABLE wa_contacts (_id INTEGER PRIMARY KEY, jid TEXT, display_name TEXT);
INSERT INTO wa_contacts VALUES (1, '447700900201@s.whatsapp.net', 'Robin (example.com)');
)sql";

constexpr char kIosChatStorage[] = R"sql(
CREATE TABLE ZWACHATSESSION (Z_PK INTEGER PRIMARY KEY, ZSESSIONTYPE INTEGER,
  ZCONTACTJID VARCHAR, ZPARTNERNAME VARCHAR);
CREATE TABLE ZWAMESSAGE (Z_PK INTEGER PRIMARY KEY, ZISFROMME INTEGER, ZMESSAGETYPE INTEGER,
  ZCHATSESSION INTEGER, ZMESSAGEDATE TIMESTAMP, ZFROMJID VARCHAR, ZSTANZAID VARCHAR,
  ZTEXT VARCHAR);
INSERT INTO ZWACHATSESSION VALUES (1, 0, '447700900202@s.whatsapp.net', 'Sam');
INSERT INTO ZWAMESSAGE VALUES (1, 0, 0, 1, 721692800, '447700900202@s.whatsapp.net', 'I1',
  'ios');
)sql";

constexpr char kIosContacts[] = R"sql(
CREATE TABLE ZWAADDRESSBOOKCONTACT (Z_PK INTEGER PRIMARY KEY, ZFULLNAME VARCHAR,
  ZPHONENUMBER VARCHAR, ZWHATSAPPID VARCHAR);
INSERT INTO ZWAADDRESSBOOKCONTACT VALUES (1, 'Sam (example.com)', '07700 900202',
  '447700900202@s.whatsapp.net');
)sql";

TEST(WhatsAppReaderTest, DetectsByTables) {
  EXPECT_EQ(DetectWhatsAppFromTables({"jid", "message"}), WhatsAppDatabaseKind::kAndroidMsgstore);
  EXPECT_EQ(DetectWhatsAppFromTables({"messages"}), WhatsAppDatabaseKind::kAndroidMsgstore);
  EXPECT_EQ(DetectWhatsAppFromTables({"wa_contacts"}), WhatsAppDatabaseKind::kAndroidWaDb);
  EXPECT_EQ(DetectWhatsAppFromTables({"ZWAMESSAGE", "ZWACHATSESSION"}),
            WhatsAppDatabaseKind::kIosChatStorage);
  EXPECT_EQ(DetectWhatsAppFromTables({"ZWAADDRESSBOOKCONTACT"}),
            WhatsAppDatabaseKind::kIosContacts);
  // Core Data names win over a generic "message" table.
  EXPECT_EQ(DetectWhatsAppFromTables({"message", "zwamessage"}),
            WhatsAppDatabaseKind::kIosChatStorage);
  EXPECT_EQ(DetectWhatsAppFromTables({"moz_places"}), WhatsAppDatabaseKind::kUnknown);
}

TEST(WhatsAppReaderTest, DetectsAndReadsEveryKind) {
  TempDir dir;
  struct Case {
    const char* file;
    const char* sql;
    WhatsAppDatabaseKind kind;
  };
  const std::vector<Case> cases = {
      {"msgstore.db", kAndroidMsgstore, WhatsAppDatabaseKind::kAndroidMsgstore},
      {"wa.db", kAndroidWaDb, WhatsAppDatabaseKind::kAndroidWaDb},
      {"ChatStorage.sqlite", kIosChatStorage, WhatsAppDatabaseKind::kIosChatStorage},
      {"ContactsV2.sqlite", kIosContacts, WhatsAppDatabaseKind::kIosContacts},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.file);
    MakeDb(dir.Sub(c.file), c.sql);
    EXPECT_EQ(DetectWhatsAppDatabase(dir.Sub(c.file)), c.kind);
    auto extract = ReadWhatsAppDatabase(dir.Sub(c.file));
    ASSERT_TRUE(extract.ok()) << extract.status().ToString();
    EXPECT_EQ(extract->kind, c.kind);
    EXPECT_FALSE(extract->schema_fingerprint.empty());
  }
  auto android = ReadWhatsAppDatabase(dir.Sub("msgstore.db"));
  ASSERT_TRUE(android.ok());
  ASSERT_EQ(android->messages.size(), 1u);
  EXPECT_EQ(android->messages[0].text, "android");
  auto ios = ReadWhatsAppDatabase(dir.Sub("ChatStorage.sqlite"));
  ASSERT_TRUE(ios.ok());
  ASSERT_EQ(ios->messages.size(), 1u);
  EXPECT_EQ(ios->messages[0].text, "ios");
  EXPECT_EQ(ios->messages[0].timestamp_ms, 1700000000000);
  EXPECT_EQ(ios->messages[0].chat_jid, "447700900202@s.whatsapp.net");
  auto contacts = ReadWhatsAppDatabase(dir.Sub("ContactsV2.sqlite"));
  ASSERT_TRUE(contacts.ok());
  ASSERT_EQ(contacts->contacts.size(), 1u);
  EXPECT_EQ(contacts->contacts[0].display_name, "Sam (example.com)");
}

TEST(WhatsAppReaderTest, MembersGetE164ThroughLibphonenumber) {
  TempDir dir;
  MakeDb(dir.Sub("msgstore.db"), std::string(kAndroidMsgstore) + R"sql(
CREATE TABLE group_participant_user (_id INTEGER PRIMARY KEY, group_jid_row_id INTEGER,
  user_jid_row_id INTEGER, rank INTEGER);
INSERT INTO jid VALUES (2, '120363000000000009', 'g.us', '120363000000000009@g.us');
INSERT INTO jid VALUES (3, '1', 's.whatsapp.net', '1@s.whatsapp.net');
INSERT INTO jid VALUES (4, '123456789012345', 'lid', '123456789012345@lid');
INSERT INTO chat VALUES (2, 2, 'Group', NULL);
INSERT INTO group_participant_user VALUES (1, 2, 1, 0), (2, 2, 3, 0), (3, 2, 4, 0);
)sql");
  auto extract = ReadWhatsAppDatabase(dir.Sub("msgstore.db"));
  ASSERT_TRUE(extract.ok()) << extract.status().ToString();
  std::map<std::string, std::string> e164;
  for (const Participant& p : extract->participants) e164[p.member_jid] = p.phone_e164;
  ASSERT_EQ(e164.size(), 3u);
  EXPECT_EQ(e164["447700900201@s.whatsapp.net"], "+447700900201");
  EXPECT_EQ(e164["1@s.whatsapp.net"], "");  // not a possible number
  EXPECT_EQ(e164["123456789012345@lid"], "");
}

TEST(WhatsAppReaderTest, UnknownDatabaseGivesTablesAndAWarning) {
  TempDir dir;
  MakeDb(dir.Sub("places.sqlite"),
         "CREATE TABLE moz_places (id INTEGER); CREATE TABLE moz_bookmarks (id INTEGER);"
         "CREATE VIEW v AS SELECT id FROM moz_places;");
  EXPECT_EQ(DetectWhatsAppDatabase(dir.Sub("places.sqlite")), WhatsAppDatabaseKind::kUnknown);
  auto extract = ReadWhatsAppDatabase(dir.Sub("places.sqlite"));
  ASSERT_TRUE(extract.ok()) << extract.status().ToString();
  EXPECT_EQ(extract->kind, WhatsAppDatabaseKind::kUnknown);
  EXPECT_EQ(extract->tables_found, (std::vector<std::string>{"moz_bookmarks", "moz_places"}));
  EXPECT_EQ(extract->schema_fingerprint.size(), 16u);
  ASSERT_EQ(extract->warnings.size(), 1u);
  EXPECT_NE(extract->warnings[0].find("moz_bookmarks, moz_places"), std::string::npos)
      << extract->warnings[0];
}

TEST(WhatsAppReaderTest, UnreadableFiles) {
  TempDir dir;
  dir.Write("garbage.db", std::string(8192, '\x5a'));
  EXPECT_EQ(DetectWhatsAppDatabase(dir.Sub("garbage.db")), WhatsAppDatabaseKind::kUnknown);
  EXPECT_EQ(DetectWhatsAppDatabase(dir.Sub("missing.db")), WhatsAppDatabaseKind::kUnknown);
  auto garbage = ReadWhatsAppDatabase(dir.Sub("garbage.db"));
  ASSERT_FALSE(garbage.ok());
  EXPECT_EQ(garbage.status().code(), StatusCode::kCorrupt) << garbage.status().ToString();
  auto missing = ReadWhatsAppDatabase(dir.Sub("missing.db"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace tantalio::artifacts
