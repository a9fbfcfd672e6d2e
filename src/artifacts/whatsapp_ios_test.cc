#include "artifacts/whatsapp_ios.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include "artifacts/artifacts_test_util.h"
#include "base/temp_dir.h"

namespace tantalio::artifacts {
namespace {

using namespace test_util;  // NOLINT(google-build-using-namespace): test fixtures

// Core Data seconds for a Unix time in seconds.
std::string CoreData(int64_t unix_seconds) {
  return std::to_string(unix_seconds - kCoreDataEpochUnixSeconds);
}

// ChatStorage.sqlite tables as Core Data writes them (a subset of columns).
std::string ChatStorageSchemaSql() {
  return R"sql(
CREATE TABLE Z_PRIMARYKEY (Z_ENT INTEGER PRIMARY KEY, Z_NAME VARCHAR, Z_SUPER INTEGER,
  Z_MAX INTEGER);
CREATE TABLE ZWACHATSESSION (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER,
  ZARCHIVED INTEGER, ZSESSIONTYPE INTEGER, ZGROUPINFO INTEGER, ZLASTMESSAGEDATE TIMESTAMP,
  ZCONTACTJID VARCHAR, ZPARTNERNAME VARCHAR);
CREATE TABLE ZWAGROUPINFO (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER,
  ZCHATSESSION INTEGER, ZCREATIONDATE TIMESTAMP, ZCREATORJID VARCHAR, ZOWNERJID VARCHAR);
CREATE TABLE ZWAGROUPMEMBER (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER,
  ZISACTIVE INTEGER, ZISADMIN INTEGER, ZCHATSESSION INTEGER, ZCONTACTNAME VARCHAR,
  ZMEMBERJID VARCHAR);
CREATE TABLE ZWAMESSAGE (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER,
  ZFLAGS INTEGER, ZISFROMME INTEGER, ZMESSAGESTATUS INTEGER, ZMESSAGETYPE INTEGER,
  ZCHATSESSION INTEGER, ZGROUPMEMBER INTEGER, ZMEDIAITEM INTEGER, ZMESSAGEDATE TIMESTAMP,
  ZSENTDATE TIMESTAMP, ZFROMJID VARCHAR, ZSTANZAID VARCHAR, ZTEXT VARCHAR, ZTOJID VARCHAR,
  ZPUSHNAME VARCHAR);
CREATE TABLE ZWAMEDIAITEM (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER,
  ZFILESIZE INTEGER, ZMESSAGE INTEGER, ZMEDIALOCALPATH VARCHAR, ZMEDIAURL VARCHAR,
  ZTITLE VARCHAR, ZVCARDNAME VARCHAR, ZVCARDSTRING VARCHAR);
CREATE TABLE ZWAPROFILEPUSHNAME (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER,
  ZJID VARCHAR, ZPUSHNAME VARCHAR);
CREATE VIEW ZWAMESSAGE_VIEW AS SELECT Z_PK, ZTEXT FROM ZWAMESSAGE;
)sql";
}

// Chats: 1 = 1:1 with +44 7700 900101, 2 = modern group, 3 = legacy-JID group
// (creation only through ZWAGROUPINFO.ZCHATSESSION), 4 = status, 5 = a 1:1
// JID whose ZSESSIONTYPE claims a group.
std::string ChatStorageSql() {
  return ChatStorageSchemaSql() + R"sql(
INSERT INTO ZWACHATSESSION (Z_PK, ZSESSIONTYPE, ZGROUPINFO, ZCONTACTJID, ZPARTNERNAME) VALUES
  (1, 0, NULL, '447700900101@s.whatsapp.net', 'Alex (example.com)'),
  (2, 1, 1, '120363000000000101@g.us', 'Allotment group'),
  (3, 1, NULL, '447700900102-1500000000@g.us', 'Old group'),
  (4, 3, NULL, 'status@broadcast', NULL),
  (5, 1, NULL, '447700900103@s.whatsapp.net', 'Mislabelled');
INSERT INTO ZWAGROUPINFO (Z_PK, ZCHATSESSION, ZCREATIONDATE, ZCREATORJID) VALUES
  (1, 2, )sql" +
         CoreData(1600000000) + R"sql(, '447700900101@s.whatsapp.net'),
  (2, 3, )sql" +
         CoreData(1500000000) + R"sql(.25, '447700900102@s.whatsapp.net');
INSERT INTO ZWAGROUPMEMBER (Z_PK, ZISACTIVE, ZISADMIN, ZCHATSESSION, ZMEMBERJID) VALUES
  (1, 1, 1, 2, '447700900101@s.whatsapp.net'),
  (2, 1, 0, 2, '12025550142@s.whatsapp.net'),
  (3, 1, 1, 3, '447700900102@s.whatsapp.net'),
  (4, 0, NULL, 2, '123456789012345@lid');
INSERT INTO ZWAMESSAGE (Z_PK, ZFLAGS, ZISFROMME, ZMESSAGESTATUS, ZMESSAGETYPE, ZCHATSESSION,
  ZGROUPMEMBER, ZMEDIAITEM, ZMESSAGEDATE, ZFROMJID, ZSTANZAID, ZTEXT, ZTOJID) VALUES
  (1, 0, 0, 8, 0, 1, NULL, NULL, )sql" +
         CoreData(1700000000) + R"sql(.5, '447700900101@s.whatsapp.net', 'IOS1',
   'Hello from iOS', NULL),
  (2, 0, 1, 6, 0, 1, NULL, NULL, )sql" +
         CoreData(1700000100) + R"sql(, NULL, 'IOS2', 'Reply', '447700900101@s.whatsapp.net'),
  (3, 132, 0, 8, 1, 2, 2, 1, )sql" +
         CoreData(1700000200) + R"sql(, '120363000000000101@g.us', 'IOS3', NULL, NULL),
  (4, 0, 0, 8, 2, 2, NULL, 4, )sql" +
         CoreData(1700000300) + R"sql(, '120363000000000101@g.us', 'IOS4', NULL, NULL),
  (5, 0, 1, 6, 4, 2, NULL, 2, )sql" +
         CoreData(1700000400) + R"sql(, NULL, 'IOS5', NULL, '120363000000000101@g.us'),
  (6, 0, 0, 8, 3, 2, 1, 3, )sql" +
         CoreData(1700000500) + R"sql(, '120363000000000101@g.us', 'IOS6', NULL, NULL),
  (7, 0, 0, 8, 7, 1, NULL, NULL, )sql" +
         CoreData(1700000600) + R"sql(, '447700900101@s.whatsapp.net', 'IOS7',
   'https://example.com/page', NULL),
  (8, 0, 0, 8, 0, 99, NULL, NULL, )sql" +
         CoreData(1700000700) + R"sql(, '447700900104@s.whatsapp.net', 'IOS8', 'Orphan', NULL),
  (9, 0, 0, 8, 15, 3, 3, NULL, )sql" +
         CoreData(1700000800) + R"sql(, '447700900102-1500000000@g.us', 'IOS9', NULL, NULL);
INSERT INTO ZWAMEDIAITEM (Z_PK, ZFILESIZE, ZMESSAGE, ZMEDIALOCALPATH, ZTITLE, ZVCARDNAME,
  ZVCARDSTRING) VALUES
  (1, 1234, 3, 'Media/120363000000000101@g.us/1/a/photo.jpg', 'look at this', ')sql" +
         kEmptySha256Base64 + R"sql(', 'image/jpeg'),
  (2, NULL, 5, NULL, NULL, 'Sam Example',
   'BEGIN:VCARD' || char(10) || 'VERSION:3.0' || char(10) || 'FN:Sam Example' || char(10) ||
   'TEL:+447700900199' || char(10) || 'END:VCARD'),
  (3, 99, 6, 'Media/120363000000000101@g.us/1/b/voice.opus', NULL, 'not*base64!', 'audio/ogg'),
  (4, 5678, NULL, 'Media/120363000000000101@g.us/1/c/clip.mp4', NULL, ')sql" +
         kOtherSha256Base64 + R"sql(', 'video/mp4');
INSERT INTO ZWAPROFILEPUSHNAME (Z_PK, ZJID, ZPUSHNAME) VALUES
  (1, '447700900101@s.whatsapp.net', 'Alex'),
  (2, '12025550142@s.whatsapp.net', 'Jordan');
)sql";
}

TEST(WhatsAppIosHelpersTest, ConvertsCoreDataTimes) {
  EXPECT_EQ(CoreDataSecondsToUnixMs(0), 978307200000);
  EXPECT_EQ(CoreDataSecondsToUnixMs(700000000.5), 1678307200500);
  EXPECT_EQ(CoreDataSecondsToUnixMs(-978307200), 0);
  EXPECT_EQ(CoreDataSecondsToUnixMs(std::nan("")), std::nullopt);
  EXPECT_EQ(CoreDataSecondsToUnixMs(std::numeric_limits<double>::infinity()), std::nullopt);
  EXPECT_EQ(CoreDataSecondsToUnixMs(1e300), std::nullopt);
}

TEST(WhatsAppIosHelpersTest, MapsMessageTypesToAndroidCodes) {
  const std::vector<std::pair<int64_t, int64_t>> expected = {
      {0, 0},   {1, 1},   {2, 3},   {3, 2},   {4, 4},   {5, 5},   {6, 7},   {8, 9},   {10, 7},
      {11, 13}, {12, 11}, {14, 15}, {15, 20}, {27, 24}, {38, 42}, {39, 43}, {46, 66},
  };
  for (const auto& [ios, android] : expected) {
    EXPECT_EQ(MapIosMessageType(ios), android) << "iOS " << ios;
  }
  for (int64_t unknown : {7, 9, 13, 19, 26, 28, 999, -1}) {
    EXPECT_EQ(MapIosMessageType(unknown), std::nullopt) << "iOS " << unknown;
  }
}

TEST(WhatsAppIosHelpersTest, DetectsByTables) {
  EXPECT_EQ(DetectIosWhatsAppFromTables({"ZWAMESSAGE", "Z_PRIMARYKEY"}),
            WhatsAppDatabaseKind::kIosChatStorage);
  EXPECT_EQ(DetectIosWhatsAppFromTables({"zwachatsession"}), WhatsAppDatabaseKind::kIosChatStorage);
  EXPECT_EQ(DetectIosWhatsAppFromTables({"ZWAADDRESSBOOKCONTACT"}),
            WhatsAppDatabaseKind::kIosContacts);
  EXPECT_EQ(DetectIosWhatsAppFromTables({"message", "wa_contacts"}),
            WhatsAppDatabaseKind::kUnknown);
  EXPECT_EQ(DetectIosWhatsAppFromTables({}), WhatsAppDatabaseKind::kUnknown);
}

TEST(WhatsAppIosTest, ReadsChatStorage) {
  TempDir dir;
  MakeDb(dir.Sub("ChatStorage.sqlite"), ChatStorageSql());
  auto extract = ReadIosWhatsApp(dir.Sub("ChatStorage.sqlite"));
  ASSERT_TRUE(extract.ok()) << extract.status().ToString();
  const WhatsAppExtract& x = *extract;
  EXPECT_EQ(x.kind, WhatsAppDatabaseKind::kIosChatStorage);
  EXPECT_EQ(x.era, "ios");
  EXPECT_EQ(x.schema_fingerprint.size(), 16u);
  // Tables only: the view is not listed (and never read).
  EXPECT_EQ(std::count(x.tables_found.begin(), x.tables_found.end(), "zwamessage_view"), 0);
  EXPECT_EQ(std::count(x.tables_found.begin(), x.tables_found.end(), "zwamessage"), 1);
  EXPECT_EQ(x.table_rows.at("zwamessage"), 9);
  EXPECT_EQ(x.table_rows.at("zwamediaitem"), 4);
  EXPECT_FALSE(x.owner.has_value());  // no table states the owner

  // Chats.
  const Chat* direct = FindChat(x, "447700900101@s.whatsapp.net");
  ASSERT_NE(direct, nullptr);
  EXPECT_EQ(direct->row_id, 1);
  EXPECT_EQ(direct->kind, ChatKind::kIndividual);
  EXPECT_EQ(direct->subject, "Alex (example.com)");
  EXPECT_FALSE(direct->created_ms.has_value());
  const Chat* group = FindChat(x, "120363000000000101@g.us");
  ASSERT_NE(group, nullptr);
  EXPECT_EQ(group->kind, ChatKind::kGroup);
  EXPECT_EQ(group->subject, "Allotment group");
  EXPECT_EQ(group->created_ms, 1600000000000);
  EXPECT_EQ(group->creator_phone_digits, "");
  const Chat* legacy = FindChat(x, "447700900102-1500000000@g.us");
  ASSERT_NE(legacy, nullptr);
  EXPECT_EQ(legacy->created_ms, 1500000000250);  // via ZWAGROUPINFO.ZCHATSESSION
  EXPECT_EQ(legacy->creator_phone_digits, "447700900102");
  EXPECT_EQ(legacy->jid_created_ms, 1500000000000);
  const Chat* status = FindChat(x, "status@broadcast");
  ASSERT_NE(status, nullptr);
  EXPECT_EQ(status->kind, ChatKind::kStatus);
  const Chat* mislabelled = FindChat(x, "447700900103@s.whatsapp.net");
  ASSERT_NE(mislabelled, nullptr);
  EXPECT_EQ(mislabelled->kind, ChatKind::kIndividual);
  EXPECT_TRUE(HasWarning(x, "1 row(s) whose ZSESSIONTYPE disagrees with the JID"))
      << AllWarnings(x);
  // The message in an unknown session gives a chat derived from ZFROMJID.
  const Chat* derived = FindChat(x, "447700900104@s.whatsapp.net");
  ASSERT_NE(derived, nullptr);
  EXPECT_EQ(derived->row_id, 0);
  EXPECT_TRUE(HasWarning(x, "zwamessage: 1 row(s) with a ZCHATSESSION not in ZWACHATSESSION"));

  // Participants.
  ASSERT_EQ(x.participants.size(), 4u);
  int group_members = 0;
  for (const Participant& p : x.participants) {
    if (p.chat_jid == "120363000000000101@g.us") ++group_members;
    if (p.member_jid == "447700900101@s.whatsapp.net") {
      EXPECT_EQ(p.admin, true);
      EXPECT_EQ(p.phone_digits, "447700900101");
    }
    if (p.member_jid == "12025550142@s.whatsapp.net") {
      EXPECT_EQ(p.admin, false);
    }
    if (p.member_jid == "123456789012345@lid") {
      EXPECT_FALSE(p.admin.has_value());
      EXPECT_EQ(p.phone_digits, "");
      EXPECT_FALSE(p.resolved_from_lid);
    }
    if (p.member_jid == "447700900102@s.whatsapp.net") {
      EXPECT_EQ(p.chat_jid, "447700900102-1500000000@g.us");
    }
  }
  EXPECT_EQ(group_members, 3);

  // Messages.
  ASSERT_EQ(x.messages.size(), 9u);
  const Message* m1 = FindMessage(x, 1);
  ASSERT_NE(m1, nullptr);
  EXPECT_EQ(m1->chat_jid, "447700900101@s.whatsapp.net");
  EXPECT_EQ(m1->key_id, "IOS1");
  EXPECT_FALSE(m1->from_me);
  EXPECT_EQ(m1->sender_jid, "447700900101@s.whatsapp.net");
  EXPECT_EQ(m1->timestamp_ms, 1700000000500);  // Core Data seconds + 978307200, in ms
  EXPECT_EQ(m1->type, 0);
  EXPECT_EQ(m1->text, "Hello from iOS");
  EXPECT_FALSE(m1->forwarded);
  EXPECT_FALSE(m1->status.has_value());  // iOS status codes are not Android's
  const Message* m2 = FindMessage(x, 2);
  ASSERT_NE(m2, nullptr);
  EXPECT_TRUE(m2->from_me);
  EXPECT_EQ(m2->sender_jid, "");
  EXPECT_EQ(m2->chat_jid, "447700900101@s.whatsapp.net");
  EXPECT_EQ(m2->timestamp_ms, 1700000100000);
  const Message* m3 = FindMessage(x, 3);
  ASSERT_NE(m3, nullptr);
  EXPECT_EQ(m3->chat_jid, "120363000000000101@g.us");
  EXPECT_EQ(m3->sender_jid, "12025550142@s.whatsapp.net");  // via ZGROUPMEMBER
  EXPECT_EQ(m3->type, 1);
  EXPECT_TRUE(m3->forwarded);  // ZFLAGS 132 has bit 0x80
  const Message* m4 = FindMessage(x, 4);
  ASSERT_NE(m4, nullptr);
  EXPECT_EQ(m4->type, 3);                                // iOS video 2 -> Android 3
  EXPECT_EQ(m4->sender_jid, "120363000000000101@g.us");  // no member: ZFROMJID
  EXPECT_EQ(FindMessage(x, 5)->type, 4);
  EXPECT_EQ(FindMessage(x, 6)->type, 2);  // iOS audio 3 -> Android 2
  EXPECT_EQ(FindMessage(x, 6)->sender_jid, "447700900101@s.whatsapp.net");
  EXPECT_EQ(FindMessage(x, 7)->type, kIosUnmappedTypeBase + 7);
  EXPECT_TRUE(HasWarning(x, "iOS code(s) 7 (1 row(s)) have no Android equivalent"))
      << AllWarnings(x);
  EXPECT_EQ(FindMessage(x, 8)->chat_jid, "447700900104@s.whatsapp.net");
  EXPECT_EQ(FindMessage(x, 9)->type, 20);  // sticker
  EXPECT_EQ(FindMessage(x, 9)->sender_jid, "447700900102@s.whatsapp.net");

  // Media.
  ASSERT_EQ(x.media.size(), 4u);
  const Media* image = FindMedia(x, 3);
  ASSERT_NE(image, nullptr);
  EXPECT_EQ(image->media_sha256_hex, kEmptySha256Hex);
  EXPECT_EQ(image->media_sha256_base64, kEmptySha256Base64);
  EXPECT_EQ(image->mime_type, "image/jpeg");
  EXPECT_EQ(image->file_path, "Media/120363000000000101@g.us/1/a/photo.jpg");
  EXPECT_EQ(image->size, 1234);
  EXPECT_EQ(image->caption, "look at this");
  EXPECT_EQ(image->chat_jid, "120363000000000101@g.us");
  EXPECT_EQ(image->sender_jid, "12025550142@s.whatsapp.net");
  EXPECT_EQ(image->timestamp_ms, 1700000200000);
  EXPECT_EQ(image->type, 1);
  const Media* vcard = FindMedia(x, 5);
  ASSERT_NE(vcard, nullptr);
  EXPECT_EQ(vcard->media_sha256_hex, "");
  EXPECT_EQ(vcard->media_sha256_base64, "");
  EXPECT_EQ(vcard->mime_type, "");  // ZVCARDSTRING is the card, not a MIME type
  EXPECT_TRUE(vcard->from_me);
  EXPECT_FALSE(HasWarning(x, "Sam Example"));
  EXPECT_FALSE(HasWarning(x, "(item 2)"));
  const Media* voice = FindMedia(x, 6);
  ASSERT_NE(voice, nullptr);
  EXPECT_EQ(voice->media_sha256_hex, "");
  EXPECT_EQ(voice->media_sha256_base64, "not*base64!");
  EXPECT_TRUE(HasWarning(x, "zwamediaitem.zvcardname (item 3): invalid base64 SHA-256"));
  // Linked only through ZWAMESSAGE.ZMEDIAITEM (ZMESSAGE is NULL).
  const Media* clip = FindMedia(x, 4);
  ASSERT_NE(clip, nullptr);
  EXPECT_EQ(clip->media_sha256_hex, kOtherSha256Hex);
  EXPECT_EQ(clip->type, 3);
  EXPECT_EQ(clip->size, 5678);

  // Push names become contacts.
  ASSERT_EQ(x.contacts.size(), 2u);
  EXPECT_EQ(x.contacts[0].jid, "12025550142@s.whatsapp.net");
  EXPECT_EQ(x.contacts[0].wa_name, "Jordan");
  EXPECT_EQ(x.contacts[1].wa_name, "Alex");
  EXPECT_TRUE(x.invites.empty());
}

TEST(WhatsAppIosTest, ManyContactCardsGiveNoHashWarnings) {
  TempDir dir;
  std::string sql = ChatStorageSql();
  sql +=
      "WITH RECURSIVE n(i) AS (SELECT 100 UNION ALL SELECT i + 1 FROM n WHERE i < 299)"
      " INSERT INTO ZWAMESSAGE (Z_PK, ZISFROMME, ZMESSAGETYPE, ZCHATSESSION, ZSTANZAID)"
      " SELECT i, 0, 4, 1, 'V' || i FROM n;"
      "WITH RECURSIVE n(i) AS (SELECT 100 UNION ALL SELECT i + 1 FROM n WHERE i < 299)"
      " INSERT INTO ZWAMEDIAITEM (Z_PK, ZMESSAGE, ZVCARDNAME, ZVCARDSTRING)"
      " SELECT i, i, 'Contact ' || i, NULL FROM n;";
  MakeDb(dir.Sub("ChatStorage.sqlite"), sql);
  auto extract = ReadIosWhatsApp(dir.Sub("ChatStorage.sqlite"));
  ASSERT_TRUE(extract.ok());
  EXPECT_EQ(extract->media.size(), 204u);
  EXPECT_LT(extract->warnings.size(), 10u) << AllWarnings(*extract);
  EXPECT_FALSE(HasWarning(*extract, "Contact 1"));
}

TEST(WhatsAppIosTest, MissingOptionalTablesAndColumnsWarn) {
  TempDir dir;
  MakeDb(dir.Sub("ChatStorage.sqlite"), R"sql(
CREATE TABLE ZWACHATSESSION (Z_PK INTEGER PRIMARY KEY, ZCONTACTJID VARCHAR);
CREATE TABLE ZWAMESSAGE (Z_PK INTEGER PRIMARY KEY, ZISFROMME INTEGER, ZCHATSESSION INTEGER,
  ZMESSAGEDATE TIMESTAMP, ZSTANZAID VARCHAR, ZTEXT VARCHAR, ZFROMJID VARCHAR);
INSERT INTO ZWACHATSESSION VALUES (1, '447700900105@s.whatsapp.net');
INSERT INTO ZWAMESSAGE VALUES (1, 0, 1, 0, 'M1', 'hi', '447700900105@s.whatsapp.net');
)sql");
  auto extract = ReadIosWhatsApp(dir.Sub("ChatStorage.sqlite"));
  ASSERT_TRUE(extract.ok()) << extract.status().ToString();
  EXPECT_EQ(extract->kind, WhatsAppDatabaseKind::kIosChatStorage);
  ASSERT_EQ(extract->messages.size(), 1u);
  EXPECT_EQ(extract->messages[0].text, "hi");
  EXPECT_EQ(extract->messages[0].timestamp_ms, 978307200000);
  EXPECT_EQ(extract->chats.size(), 1u);
  for (const char* needle :
       {"zwaprofilepushname: table absent", "zwagroupinfo: table absent",
        "zwagroupmember: table absent", "zwamediaitem: table absent",
        "zwamessage.zflags: column absent", "zwamessage.zmessagetype: column absent",
        "zwamessage.zgroupmember: column absent", "zwachatsession.zpartnername: column absent",
        "zwachatsession.zsessiontype: column absent"}) {
    EXPECT_TRUE(HasWarning(*extract, needle)) << needle << "\n" << AllWarnings(*extract);
  }
  EXPECT_FALSE(HasWarning(*extract, "ztojid"));  // only a fallback: silent
}

TEST(WhatsAppIosTest, UnknownLayoutWarnsWithTableList) {
  TempDir dir;
  MakeDb(dir.Sub("other.sqlite"),
         "CREATE TABLE ZNOTE (Z_PK INTEGER PRIMARY KEY); CREATE TABLE ZFOLDER (Z_PK INTEGER);");
  auto extract = ReadIosWhatsApp(dir.Sub("other.sqlite"));
  ASSERT_TRUE(extract.ok()) << extract.status().ToString();
  EXPECT_EQ(extract->kind, WhatsAppDatabaseKind::kUnknown);
  EXPECT_EQ(extract->era, "");
  ASSERT_EQ(extract->warnings.size(), 1u);
  EXPECT_NE(extract->warnings[0].find("zfolder, znote"), std::string::npos) << extract->warnings[0];
  EXPECT_EQ(extract->tables_found, (std::vector<std::string>{"zfolder", "znote"}));
  EXPECT_TRUE(extract->messages.empty());
}

TEST(WhatsAppIosTest, CorruptAndMissingFilesAreErrors) {
  TempDir dir;
  dir.Write("garbage.sqlite", std::string(8192, '\x5a'));
  auto garbage = ReadIosWhatsApp(dir.Sub("garbage.sqlite"));
  ASSERT_FALSE(garbage.ok());
  EXPECT_EQ(garbage.status().code(), StatusCode::kCorrupt) << garbage.status().ToString();
  auto missing = ReadIosWhatsApp(dir.Sub("missing.sqlite"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_FALSE(ReadIosWhatsApp(dir.path()).ok());
}

TEST(WhatsAppIosTest, HugeTextIsCappedWithWarning) {
  TempDir dir;
  MakeDb(dir.Sub("ChatStorage.sqlite"),
         ChatStorageSql() +
             "INSERT INTO ZWAMESSAGE (Z_PK, ZISFROMME, ZMESSAGETYPE, ZCHATSESSION, ZSTANZAID,"
             " ZTEXT) VALUES (50, 0, 0, 1, 'BIG', printf('%.3000000c', 'y'));");
  auto extract = ReadIosWhatsApp(dir.Sub("ChatStorage.sqlite"));
  ASSERT_TRUE(extract.ok());
  const Message* big = FindMessage(*extract, 50);
  ASSERT_NE(big, nullptr);
  EXPECT_EQ(big->text.size(), 1u << 20);
  EXPECT_TRUE(big->text_truncated);
  EXPECT_TRUE(HasWarning(*extract, "zwamessage.ztext (row 50): text cell capped"));
}

TEST(WhatsAppIosTest, CopyWithSidecarsSeesRowsOnlyInTheWal) {
  TempDir evidence;
  TempDir work;
  std::string path = evidence.Sub("ChatStorage.sqlite");
  MakeDb(path, ChatStorageSql());  // closed: everything in the main file
  FixtureDb writer(path);
  ASSERT_EQ(writer.Exec("PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0;"
                        "INSERT INTO ZWAMESSAGE (Z_PK, ZISFROMME, ZMESSAGETYPE, ZCHATSESSION,"
                        " ZMESSAGEDATE, ZFROMJID, ZSTANZAID, ZTEXT) VALUES (60, 0, 1, 2, " +
                        CoreData(1700000900) +
                        ", '120363000000000101@g.us', 'WAL1', 'only in the wal');"
                        "INSERT INTO ZWAMEDIAITEM (Z_PK, ZMESSAGE, ZVCARDNAME, ZVCARDSTRING)"
                        " VALUES (60, 60, '" +
                        kOtherSha256Base64 + "', 'image/jpeg');"),
            "");
  ASSERT_TRUE(std::filesystem::exists(path + "-wal"));
  ASSERT_GT(std::filesystem::file_size(path + "-wal"), 0u);

  auto copy = CopyWithSidecars(path, work.path());
  ASSERT_TRUE(copy.ok()) << copy.status().ToString();
  EXPECT_TRUE(std::filesystem::exists(*copy + "-wal"));
  auto extract = ReadIosWhatsApp(*copy);
  ASSERT_TRUE(extract.ok()) << extract.status().ToString();
  const Message* wal_row = FindMessage(*extract, 60);
  ASSERT_NE(wal_row, nullptr) << AllWarnings(*extract);
  EXPECT_EQ(wal_row->text, "only in the wal");
  EXPECT_EQ(wal_row->timestamp_ms, 1700000900000);
  const Media* wal_media = FindMedia(*extract, 60);
  ASSERT_NE(wal_media, nullptr);
  EXPECT_EQ(wal_media->media_sha256_hex, kOtherSha256Hex);
  EXPECT_EQ(extract->table_rows.at("zwamessage"), 10);
  // The evidence's WAL is untouched by the read.
  EXPECT_GT(std::filesystem::file_size(path + "-wal"), 0u);
}

TEST(WhatsAppIosTest, ReadsContactsV2) {
  TempDir dir;
  MakeDb(dir.Sub("ContactsV2.sqlite"), R"sql(
CREATE TABLE ZWAADDRESSBOOKCONTACT (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER,
  ZABOUTTIMESTAMP TIMESTAMP, ZABOUTTEXT VARCHAR, ZFULLNAME VARCHAR, ZIDENTIFIER VARCHAR,
  ZPHONENUMBER VARCHAR, ZPHONENUMBERLABEL VARCHAR, ZWHATSAPPID VARCHAR);
INSERT INTO ZWAADDRESSBOOKCONTACT (Z_PK, ZFULLNAME, ZPHONENUMBER, ZWHATSAPPID, ZABOUTTEXT) VALUES
  (2, 'Jordan (example.com)', '+1 202-555-0142', '12025550142@s.whatsapp.net', 'Busy'),
  (1, 'Alex (example.com)', '07700 900101', '447700900101@s.whatsapp.net', NULL),
  (3, 'Not on WhatsApp', '07700 900106', NULL, NULL),
  (4, NULL, NULL, NULL, NULL);
)sql");
  auto extract = ReadIosWhatsApp(dir.Sub("ContactsV2.sqlite"));
  ASSERT_TRUE(extract.ok()) << extract.status().ToString();
  EXPECT_EQ(extract->kind, WhatsAppDatabaseKind::kIosContacts);
  EXPECT_EQ(extract->era, "ContactsV2");
  EXPECT_EQ(extract->table_rows.at("zwaaddressbookcontact"), 4);
  ASSERT_EQ(extract->contacts.size(), 3u);  // the empty row is skipped
  EXPECT_EQ(extract->contacts[0].jid, "447700900101@s.whatsapp.net");
  EXPECT_EQ(extract->contacts[0].display_name, "Alex (example.com)");
  EXPECT_EQ(extract->contacts[0].number, "07700 900101");
  EXPECT_EQ(extract->contacts[1].jid, "12025550142@s.whatsapp.net");
  EXPECT_EQ(extract->contacts[2].jid, "");
  EXPECT_EQ(extract->contacts[2].number, "07700 900106");
  EXPECT_TRUE(extract->messages.empty());
  EXPECT_TRUE(extract->warnings.empty()) << AllWarnings(*extract);
}

TEST(WhatsAppIosTest, AndroidDatabaseIsUnknownToTheIosReader) {
  TempDir dir;
  MakeDb(dir.Sub("msgstore.db"),
         "CREATE TABLE message (_id INTEGER PRIMARY KEY, text_data TEXT);"
         "CREATE TABLE jid (_id INTEGER PRIMARY KEY, raw_string TEXT);");
  auto extract = ReadIosWhatsApp(dir.Sub("msgstore.db"));
  ASSERT_TRUE(extract.ok());
  EXPECT_EQ(extract->kind, WhatsAppDatabaseKind::kUnknown);
  EXPECT_TRUE(HasWarning(*extract, "jid, message"));
}

}  // namespace
}  // namespace tantalio::artifacts
