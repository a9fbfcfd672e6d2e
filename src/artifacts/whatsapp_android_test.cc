#include "artifacts/whatsapp_android.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "artifacts/artifacts_test_util.h"
#include "base/temp_dir.h"

namespace tantalio::artifacts {
namespace {

using namespace test_util;  // NOLINT(google-build-using-namespace): test fixtures

// ---------------------------------------------------------------------------
// Fixture SQL, one per era.

std::string LegacySql() {
  return std::string(R"sql(
CREATE TABLE messages (_id INTEGER PRIMARY KEY AUTOINCREMENT, key_remote_jid TEXT NOT NULL,
  key_from_me INTEGER, key_id TEXT NOT NULL, status INTEGER, data TEXT, timestamp INTEGER,
  media_mime_type TEXT, media_wa_type TEXT, media_size INTEGER, media_name TEXT,
  media_caption TEXT, media_hash TEXT, remote_resource TEXT, quoted_row_id INTEGER,
  media_enc_hash TEXT, forwarded INTEGER);
CREATE TABLE chat_list (_id INTEGER PRIMARY KEY AUTOINCREMENT, key_remote_jid TEXT UNIQUE,
  subject TEXT, creation INTEGER);
CREATE TABLE group_participants (_id INTEGER PRIMARY KEY AUTOINCREMENT, gjid TEXT NOT NULL,
  jid TEXT NOT NULL, admin INTEGER, pending INTEGER, sent_sender_key INTEGER);
INSERT INTO chat_list VALUES (1, '447700900001@s.whatsapp.net', NULL, NULL);
INSERT INTO chat_list VALUES (2, '447700900001-1600000000@g.us', 'Book club', 1600000000000);
INSERT INTO group_participants VALUES
  (1, '447700900001-1600000000@g.us', '447700900001@s.whatsapp.net', 1, 0, 0),
  (2, '447700900001-1600000000@g.us', '12025550123@s.whatsapp.net', 0, 0, 0),
  (3, '447700900001-1600000000@g.us', '', 0, 0, 0);
INSERT INTO messages (_id, key_remote_jid, key_from_me, key_id, status, data, timestamp,
  media_wa_type) VALUES (1, '447700900001@s.whatsapp.net', 0, 'L1', 0, 'Hello', 1600000100000, '0');
INSERT INTO messages (_id, key_remote_jid, key_from_me, key_id, status, data, timestamp,
  media_wa_type, quoted_row_id) VALUES
  (2, '447700900001@s.whatsapp.net', 1, 'L2', 13, 'Hi back', 1600000200000, '0', 7);
INSERT INTO messages (_id, key_remote_jid, key_from_me, key_id, timestamp, media_wa_type,
  media_mime_type, media_size, media_name, media_caption, media_hash, media_enc_hash,
  remote_resource, forwarded) VALUES
  (3, '447700900001-1600000000@g.us', 0, 'L3', 1600000300000, '1', 'image/jpeg', 1234,
   'IMG-20200913-WA0001.jpg', 'look', ')sql") +
         kEmptySha256Base64 + "', '" + kOtherSha256Base64 +
         R"sql(', '12025550123@s.whatsapp.net', 1);
INSERT INTO messages (_id, key_remote_jid, key_from_me, key_id, timestamp, media_wa_type,
  media_mime_type, media_hash, remote_resource) VALUES
  (4, '447700900001-1600000000@g.us', 0, 'L4', 1600000400000, '1', 'image/jpeg',
   'not*base64!', '447700900001@s.whatsapp.net');
)sql";
}

// The current era without jid_map. Chats: 1 = 1:1 with +44 7700 900010,
// 2 = modern group, 3 = legacy-JID group, 4 = status.
std::string CurrentSchemaSql() {
  return R"sql(
CREATE TABLE jid (_id INTEGER PRIMARY KEY AUTOINCREMENT, user TEXT NOT NULL, server TEXT NOT NULL,
  agent INTEGER, device INTEGER, type INTEGER, raw_string TEXT);
CREATE TABLE chat (_id INTEGER PRIMARY KEY AUTOINCREMENT, jid_row_id INTEGER UNIQUE,
  hidden INTEGER, subject TEXT, created_timestamp INTEGER);
CREATE TABLE message (_id INTEGER PRIMARY KEY AUTOINCREMENT, chat_row_id INTEGER NOT NULL,
  from_me INTEGER NOT NULL, key_id TEXT NOT NULL, sender_jid_row_id INTEGER, status INTEGER,
  origination_flags INTEGER, timestamp INTEGER, message_type INTEGER, text_data TEXT);
CREATE TABLE props (_id INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT UNIQUE, value TEXT);
INSERT INTO props VALUES (1, 'user_push_name', 'Dana (example.com)');
INSERT INTO jid VALUES (1, '447700900010', 's.whatsapp.net', 0, 0, 0, '447700900010@s.whatsapp.net');
INSERT INTO jid VALUES (2, '12025550142', 's.whatsapp.net', 0, 0, 0, '12025550142@s.whatsapp.net');
INSERT INTO jid VALUES (3, '120363000000000001', 'g.us', 0, 0, 1, '120363000000000001@g.us');
INSERT INTO jid VALUES (4, '447700900011-1650000000', 'g.us', 0, 0, 1, NULL);
INSERT INTO jid VALUES (5, 'status', 'broadcast', 0, 0, 11, 'status@broadcast');
INSERT INTO chat VALUES (1, 1, 0, NULL, 0);
INSERT INTO chat VALUES (2, 3, 0, 'Hiking group', 1700000000000);
INSERT INTO chat VALUES (3, 4, 0, 'Old group', 1650000000000);
INSERT INTO chat VALUES (4, 5, 0, NULL, NULL);
INSERT INTO message VALUES (1, 1, 0, 'K1', NULL, 0, 0, 1700000001000, 0, 'Hi there');
INSERT INTO message VALUES (2, 1, 1, 'K2', NULL, 13, 0, 1700000002000, 0, 'Reply');
INSERT INTO message VALUES (3, 2, 0, 'K3', 2, 0, 0, 1700000003000, 1, NULL);
INSERT INTO message VALUES (4, 2, 0, 'K4', 1, 0, 1, 1700000004000, 0, 'forwarded by flag');
INSERT INTO message VALUES (5, 2, 1, 'K5', NULL, 4, 0, 1700000005000, 24, NULL);
INSERT INTO message VALUES (6, 2, 0, 'K6', 2, 0, 0, 1700000006000, 1, NULL);
)sql";
}

std::string CurrentSideTablesSql() {
  return std::string(R"sql(
CREATE TABLE message_media (message_row_id INTEGER PRIMARY KEY, chat_row_id INTEGER,
  file_path TEXT, file_size INTEGER, mime_type TEXT, media_name TEXT, file_hash TEXT,
  enc_file_hash TEXT, original_file_hash TEXT, media_caption TEXT);
CREATE TABLE message_forwarded (message_row_id INTEGER PRIMARY KEY, forward_score INTEGER,
  forward_origin INTEGER);
CREATE TABLE message_quoted (message_row_id INTEGER PRIMARY KEY AUTOINCREMENT,
  chat_row_id INTEGER NOT NULL, parent_message_chat_row_id INTEGER NOT NULL,
  from_me INTEGER NOT NULL, sender_jid_row_id INTEGER, key_id TEXT NOT NULL, timestamp INTEGER,
  message_type INTEGER, text_data TEXT);
CREATE TABLE group_participant_user (_id INTEGER PRIMARY KEY AUTOINCREMENT,
  group_jid_row_id INTEGER NOT NULL, user_jid_row_id INTEGER NOT NULL, rank INTEGER,
  pending INTEGER);
CREATE TABLE message_group_invite (message_row_id INTEGER PRIMARY KEY, group_jid_row_id INTEGER,
  admin_jid_row_id INTEGER, group_name TEXT, invite_code TEXT, expiration INTEGER,
  invite_time INTEGER, expired INTEGER);
INSERT INTO message_media VALUES (3, 2, 'Media/WhatsApp Images/IMG-20231114-WA0001.jpg', 1234,
  'image/jpeg', NULL, ')sql") +
         kEmptySha256Base64 + "', '" + kOtherSha256Base64 + R"sql(', NULL, 'a caption');
INSERT INTO message_media VALUES (6, 2, 'Media/WhatsApp Images/IMG-20231114-WA0002.jpg', 99,
  'image/jpeg', NULL, 'AAAA', NULL, NULL, NULL);
INSERT INTO message_quoted VALUES (2, 1, 1, 0, NULL, 'K1', 1700000001000, 0, 'Hi there');
INSERT INTO message_forwarded VALUES (3, 5, 0);
INSERT INTO group_participant_user VALUES (1, 3, 1, 0, 0), (2, 3, 2, 2, 0);
INSERT INTO message_group_invite VALUES (5, 3, 1, 'Hiking group', 'AbCdEfGhIjKlMnOpQrStUv',
  1700600000, 1700000005, 0);
)sql";
}

std::string CurrentSql() { return CurrentSchemaSql() + CurrentSideTablesSql(); }

// The jid_map/LID era: LID 6 maps to +1 202 555 0142 (jid 2); LID 7 has no mapping.
std::string LidSql() {
  return CurrentSql() + R"sql(
CREATE TABLE jid_map (lid_row_id INTEGER PRIMARY KEY, jid_row_id INTEGER, sort_id INTEGER);
INSERT INTO jid VALUES (6, '123456789012345', 'lid', 0, 0, 0, '123456789012345@lid');
INSERT INTO jid VALUES (7, '987654321098765', 'lid', 0, 0, 0, '987654321098765@lid');
INSERT INTO jid_map VALUES (6, 2, 0);
INSERT INTO chat VALUES (5, 6, 0, NULL, NULL);
INSERT INTO group_participant_user VALUES (3, 3, 6, 0, 0), (4, 3, 7, 0, 0);
INSERT INTO message VALUES (7, 2, 0, 'K7', 6, 0, 0, 1700000007000, 0, 'from a lid');
INSERT INTO message VALUES (8, 5, 0, 'K8', NULL, 0, 0, 1700000008000, 0, 'lid 1:1');
INSERT INTO message VALUES (9, 2, 0, 'K9', 7, 0, 0, 1700000009000, 0, 'unmapped lid');
)sql";
}

// ---------------------------------------------------------------------------

TEST(WhatsAppHelpersTest, DecodesBase64Sha256) {
  EXPECT_EQ(DecodeBase64Sha256(kEmptySha256Base64).value_or(""), kEmptySha256Hex);
  EXPECT_EQ(DecodeBase64Sha256(kOtherSha256Base64).value_or(""), kOtherSha256Hex);
  // URL-safe alphabet and missing padding are accepted.
  EXPECT_EQ(DecodeBase64Sha256("47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU").value_or(""),
            kEmptySha256Hex);
  EXPECT_FALSE(DecodeBase64Sha256(""));
  EXPECT_FALSE(DecodeBase64Sha256("AAAA"));  // 3 bytes
  EXPECT_FALSE(DecodeBase64Sha256("not*base64!"));
  EXPECT_FALSE(DecodeBase64Sha256("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuF*="));
}

TEST(WhatsAppHelpersTest, ParsesLegacyGroupJid) {
  auto legacy = ParseLegacyGroupJid("447700900001-1600000000@g.us");
  ASSERT_TRUE(legacy);
  EXPECT_EQ(legacy->creator_phone_digits, "447700900001");
  EXPECT_EQ(legacy->created_ms, 1600000000000);
  EXPECT_FALSE(ParseLegacyGroupJid("120363000000000001@g.us"));
  EXPECT_FALSE(ParseLegacyGroupJid("447700900001-1600000000@s.whatsapp.net"));
  EXPECT_FALSE(ParseLegacyGroupJid("44770090a001-1600000000@g.us"));
  EXPECT_FALSE(ParseLegacyGroupJid("-1600000000@g.us"));
  EXPECT_FALSE(ParseLegacyGroupJid("447700900001-99999999999999999999@g.us"));
}

TEST(WhatsAppHelpersTest, ClassifiesJidsAndPhoneDigits) {
  EXPECT_EQ(ClassifyJid("447700900001@s.whatsapp.net"), ChatKind::kIndividual);
  EXPECT_EQ(ClassifyJid("120363000000000001@g.us"), ChatKind::kGroup);
  EXPECT_EQ(ClassifyJid("status@broadcast"), ChatKind::kStatus);
  EXPECT_EQ(ClassifyJid("1700000000@broadcast"), ChatKind::kBroadcast);
  EXPECT_EQ(ClassifyJid("123@newsletter"), ChatKind::kNewsletter);
  EXPECT_EQ(ClassifyJid("nonsense"), ChatKind::kUnknown);
  EXPECT_EQ(PhoneDigitsFromJid("447700900001:12@s.whatsapp.net"), "447700900001");
  EXPECT_EQ(PhoneDigitsFromJid("12025550123@c.us"), "12025550123");
  EXPECT_EQ(PhoneDigitsFromJid("123456789012345@lid"), "");
  EXPECT_EQ(PhoneDigitsFromJid("120363000000000001@g.us"), "");
}

TEST(WhatsAppDetectTest, DetectsByTables) {
  EXPECT_EQ(DetectAndroidWhatsAppFromTables({"jid", "message", "chat"}),
            WhatsAppDatabaseKind::kAndroidMsgstore);
  EXPECT_EQ(DetectAndroidWhatsAppFromTables({"MESSAGES", "chat_list"}),
            WhatsAppDatabaseKind::kAndroidMsgstore);
  EXPECT_EQ(DetectAndroidWhatsAppFromTables({"wa_contacts", "wa_vnames"}),
            WhatsAppDatabaseKind::kAndroidWaDb);
  EXPECT_EQ(DetectAndroidWhatsAppFromTables({"moz_places"}), WhatsAppDatabaseKind::kUnknown);
  EXPECT_EQ(DetectAndroidWhatsAppFromTables({}), WhatsAppDatabaseKind::kUnknown);
}

TEST(WhatsAppDetectTest, DetectsFiles) {
  TempDir dir;
  MakeDb(dir.Sub("msgstore.db"), CurrentSql());
  MakeDb(dir.Sub("wa.db"), "CREATE TABLE wa_contacts (_id INTEGER PRIMARY KEY, jid TEXT);");
  dir.Write("junk.db", std::string(4096, 'x'));
  EXPECT_EQ(DetectAndroidWhatsApp(dir.Sub("msgstore.db")), WhatsAppDatabaseKind::kAndroidMsgstore);
  EXPECT_EQ(DetectAndroidWhatsApp(dir.Sub("wa.db")), WhatsAppDatabaseKind::kAndroidWaDb);
  EXPECT_EQ(DetectAndroidWhatsApp(dir.Sub("junk.db")), WhatsAppDatabaseKind::kUnknown);
  EXPECT_EQ(DetectAndroidWhatsApp(dir.Sub("missing.db")), WhatsAppDatabaseKind::kUnknown);
}

TEST(WhatsAppAndroidTest, ReadsLegacyEra) {
  TempDir dir;
  MakeDb(dir.Sub("msgstore.db"), LegacySql());
  auto extract = ReadAndroidWhatsApp(dir.Sub("msgstore.db"));
  ASSERT_TRUE(extract.ok()) << extract.status().ToString();
  EXPECT_EQ(extract->kind, WhatsAppDatabaseKind::kAndroidMsgstore);
  EXPECT_EQ(extract->era, "legacy");
  EXPECT_EQ(extract->table_rows.at("messages"), 4);
  ASSERT_EQ(extract->messages.size(), 4u);

  const Chat* group = FindChat(*extract, "447700900001-1600000000@g.us");
  ASSERT_NE(group, nullptr);
  EXPECT_EQ(group->kind, ChatKind::kGroup);
  EXPECT_EQ(group->subject, "Book club");
  EXPECT_EQ(group->creator_phone_digits, "447700900001");
  EXPECT_EQ(group->jid_created_ms, 1600000000000);
  EXPECT_EQ(extract->chats.size(), 2u);

  const Message* incoming = FindMessage(*extract, 1);
  ASSERT_NE(incoming, nullptr);
  EXPECT_EQ(incoming->sender_jid, "447700900001@s.whatsapp.net");
  EXPECT_EQ(incoming->text, "Hello");
  EXPECT_EQ(incoming->timestamp_ms, 1600000100000);
  const Message* own = FindMessage(*extract, 2);
  ASSERT_NE(own, nullptr);
  EXPECT_TRUE(own->from_me);
  EXPECT_EQ(own->sender_jid, "");
  EXPECT_EQ(own->quoted_row_id, 7);
  const Message* image = FindMessage(*extract, 3);
  ASSERT_NE(image, nullptr);
  EXPECT_EQ(image->sender_jid, "12025550123@s.whatsapp.net");
  EXPECT_EQ(image->type, 1);
  EXPECT_TRUE(image->forwarded);
  EXPECT_FALSE(FindMessage(*extract, 1)->forwarded);

  const Media* media = FindMedia(*extract, 3);
  ASSERT_NE(media, nullptr);
  EXPECT_EQ(media->media_sha256_hex, kEmptySha256Hex);
  EXPECT_EQ(media->enc_sha256_hex, kOtherSha256Hex);
  EXPECT_EQ(media->mime_type, "image/jpeg");
  EXPECT_EQ(media->size, 1234);
  EXPECT_EQ(media->media_name, "IMG-20200913-WA0001.jpg");
  EXPECT_EQ(media->sender_jid, "12025550123@s.whatsapp.net");
  EXPECT_EQ(media->chat_jid, "447700900001-1600000000@g.us");
  const Media* bad = FindMedia(*extract, 4);
  ASSERT_NE(bad, nullptr);
  EXPECT_EQ(bad->media_sha256_hex, "");
  EXPECT_EQ(bad->media_sha256_base64, "not*base64!");
  EXPECT_TRUE(HasWarning(*extract, "messages.media_hash (row 4): invalid base64"))
      << AllWarnings(*extract);
  EXPECT_EQ(FindMedia(*extract, 1), nullptr);

  ASSERT_EQ(extract->participants.size(), 3u);
  int admins = 0;
  for (const Participant& p : extract->participants) {
    EXPECT_EQ(p.chat_jid, "447700900001-1600000000@g.us");
    if (p.admin.value_or(false)) ++admins;
  }
  EXPECT_EQ(admins, 1);
}

TEST(WhatsAppAndroidTest, ReadsCurrentEra) {
  TempDir dir;
  MakeDb(dir.Sub("msgstore.db"), CurrentSql());
  auto extract = ReadAndroidWhatsApp(dir.Sub("msgstore.db"));
  ASSERT_TRUE(extract.ok()) << extract.status().ToString();
  EXPECT_EQ(extract->era, "current");
  EXPECT_EQ(extract->schema_fingerprint.size(), 16u);
  ASSERT_TRUE(extract->owner);
  EXPECT_EQ(extract->owner->push_name, "Dana (example.com)");
  ASSERT_EQ(extract->chats.size(), 4u);
  ASSERT_EQ(extract->messages.size(), 6u);

  const Chat* modern = FindChat(*extract, "120363000000000001@g.us");
  ASSERT_NE(modern, nullptr);
  EXPECT_EQ(modern->kind, ChatKind::kGroup);
  EXPECT_EQ(modern->row_id, 2);
  EXPECT_EQ(modern->subject, "Hiking group");
  EXPECT_EQ(modern->created_ms, 1700000000000);
  EXPECT_EQ(modern->creator_phone_digits, "");
  EXPECT_FALSE(modern->jid_created_ms);
  // raw_string NULL: composed from user@server, then decoded.
  const Chat* old_group = FindChat(*extract, "447700900011-1650000000@g.us");
  ASSERT_NE(old_group, nullptr);
  EXPECT_EQ(old_group->creator_phone_digits, "447700900011");
  EXPECT_EQ(old_group->jid_created_ms, 1650000000000);
  const Chat* status = FindChat(*extract, "status@broadcast");
  ASSERT_NE(status, nullptr);
  EXPECT_EQ(status->kind, ChatKind::kStatus);
  const Chat* one = FindChat(*extract, "447700900010@s.whatsapp.net");
  ASSERT_NE(one, nullptr);
  EXPECT_EQ(one->kind, ChatKind::kIndividual);
  EXPECT_FALSE(one->created_ms);  // 0 means unset

  const Message* m1 = FindMessage(*extract, 1);
  ASSERT_NE(m1, nullptr);
  EXPECT_EQ(m1->chat_jid, "447700900010@s.whatsapp.net");
  EXPECT_EQ(m1->sender_jid, "447700900010@s.whatsapp.net");
  EXPECT_EQ(m1->key_id, "K1");
  const Message* m2 = FindMessage(*extract, 2);
  EXPECT_TRUE(m2->from_me);
  EXPECT_EQ(m2->sender_jid, "");
  EXPECT_EQ(m2->quoted_key_id, "K1");
  EXPECT_EQ(m2->status, 13);
  const Message* m3 = FindMessage(*extract, 3);
  EXPECT_EQ(m3->sender_jid, "12025550142@s.whatsapp.net");
  EXPECT_TRUE(m3->forwarded);
  EXPECT_EQ(m3->forward_score, 5);
  const Message* m4 = FindMessage(*extract, 4);
  EXPECT_TRUE(m4->forwarded);  // origination_flags & 1
  EXPECT_FALSE(m4->forward_score);
  EXPECT_FALSE(m1->forwarded);

  ASSERT_EQ(extract->media.size(), 2u);
  const Media* media = FindMedia(*extract, 3);
  ASSERT_NE(media, nullptr);
  EXPECT_EQ(media->media_sha256_hex, kEmptySha256Hex);
  EXPECT_EQ(media->media_sha256_base64, kEmptySha256Base64);
  EXPECT_EQ(media->enc_sha256_hex, kOtherSha256Hex);
  EXPECT_EQ(media->file_path, "Media/WhatsApp Images/IMG-20231114-WA0001.jpg");
  EXPECT_EQ(media->size, 1234);
  EXPECT_EQ(media->caption, "a caption");
  EXPECT_EQ(media->chat_jid, "120363000000000001@g.us");
  EXPECT_EQ(media->sender_jid, "12025550142@s.whatsapp.net");
  EXPECT_EQ(media->timestamp_ms, 1700000003000);
  EXPECT_EQ(media->type, 1);
  const Media* bad = FindMedia(*extract, 6);
  ASSERT_NE(bad, nullptr);
  EXPECT_EQ(bad->media_sha256_hex, "");
  EXPECT_TRUE(HasWarning(*extract, "message_media.file_hash (message 6): invalid base64"))
      << AllWarnings(*extract);

  ASSERT_EQ(extract->participants.size(), 2u);
  EXPECT_EQ(extract->participants[1].member_jid, "12025550142@s.whatsapp.net");
  EXPECT_EQ(extract->participants[1].phone_digits, "12025550142");
  EXPECT_EQ(extract->participants[1].admin, true);
  EXPECT_EQ(extract->participants[0].admin, false);

  ASSERT_EQ(extract->invites.size(), 1u);
  EXPECT_EQ(extract->invites[0].code, "AbCdEfGhIjKlMnOpQrStUv");
  EXPECT_EQ(extract->invites[0].group_jid, "120363000000000001@g.us");
  EXPECT_EQ(extract->invites[0].admin_jid, "447700900010@s.whatsapp.net");
  EXPECT_EQ(extract->invites[0].chat_jid, "120363000000000001@g.us");
}

TEST(WhatsAppAndroidTest, ResolvesLidsThroughJidMap) {
  TempDir dir;
  MakeDb(dir.Sub("msgstore.db"), LidSql());
  auto extract = ReadAndroidWhatsApp(dir.Sub("msgstore.db"));
  ASSERT_TRUE(extract.ok()) << extract.status().ToString();
  EXPECT_EQ(extract->era, "current+jid_map");

  const Message* m7 = FindMessage(*extract, 7);
  ASSERT_NE(m7, nullptr);
  EXPECT_EQ(m7->sender_jid, "12025550142@s.whatsapp.net");
  EXPECT_TRUE(m7->sender_resolved_from_lid);
  const Message* m8 = FindMessage(*extract, 8);
  ASSERT_NE(m8, nullptr);
  EXPECT_EQ(m8->chat_jid, "12025550142@s.whatsapp.net");
  EXPECT_EQ(m8->sender_jid, "12025550142@s.whatsapp.net");
  EXPECT_TRUE(m8->sender_resolved_from_lid);
  const Message* m9 = FindMessage(*extract, 9);
  ASSERT_NE(m9, nullptr);
  EXPECT_EQ(m9->sender_jid, "987654321098765@lid");
  EXPECT_FALSE(m9->sender_resolved_from_lid);

  // The LID chat keeps its own row with the LID beside the phone JID.
  bool found_lid_chat = false;
  for (const Chat& chat : extract->chats) {
    if (chat.row_id != 5) continue;
    found_lid_chat = true;
    EXPECT_EQ(chat.jid, "12025550142@s.whatsapp.net");
    EXPECT_EQ(chat.lid_jid, "123456789012345@lid");
    EXPECT_EQ(chat.kind, ChatKind::kIndividual);
  }
  EXPECT_TRUE(found_lid_chat);

  ASSERT_EQ(extract->participants.size(), 4u);
  int resolved = 0;
  for (const Participant& p : extract->participants) {
    if (p.resolved_from_lid) {
      ++resolved;
      EXPECT_EQ(p.member_jid, "12025550142@s.whatsapp.net");
      EXPECT_EQ(p.lid_jid, "123456789012345@lid");
      EXPECT_EQ(p.phone_digits, "12025550142");
    }
    if (p.member_jid == "987654321098765@lid") {
      EXPECT_EQ(p.phone_digits, "");
    }
  }
  EXPECT_EQ(resolved, 1);
  EXPECT_TRUE(HasWarning(*extract, "jid_map: 1 LID JID(s) referenced without a phone mapping"))
      << AllWarnings(*extract);

  // With resolution off, the stored LIDs come back unchanged.
  ReadOptions options;
  options.resolve_lids = false;
  auto raw = ReadAndroidWhatsApp(dir.Sub("msgstore.db"), options);
  ASSERT_TRUE(raw.ok());
  EXPECT_EQ(FindMessage(*raw, 7)->sender_jid, "123456789012345@lid");
}

TEST(WhatsAppAndroidTest, MissingOptionalTablesAndColumnsWarn) {
  TempDir dir;
  // The current schema without side tables and without message.text_data.
  std::string sql = CurrentSchemaSql();
  MakeDb(dir.Sub("msgstore.db"), sql + "ALTER TABLE message DROP COLUMN text_data;");
  auto extract = ReadAndroidWhatsApp(dir.Sub("msgstore.db"));
  ASSERT_TRUE(extract.ok()) << extract.status().ToString();
  EXPECT_EQ(extract->era, "current");
  EXPECT_EQ(extract->messages.size(), 6u);
  EXPECT_TRUE(extract->media.empty());
  EXPECT_EQ(FindMessage(*extract, 1)->text, "");
  EXPECT_TRUE(HasWarning(*extract, "message.text_data: column absent")) << AllWarnings(*extract);
  EXPECT_TRUE(HasWarning(*extract, "message_media: table absent")) << AllWarnings(*extract);
  EXPECT_TRUE(HasWarning(*extract, "message_forwarded: table absent"));
  EXPECT_TRUE(HasWarning(*extract, "group_participant_user: table absent"));
  // origination_flags still marks forwarding without message_forwarded.
  EXPECT_TRUE(FindMessage(*extract, 4)->forwarded);
}

TEST(WhatsAppAndroidTest, MissingJidAndChatTablesStillReadMessages) {
  TempDir dir;
  MakeDb(dir.Sub("msgstore.db"),
         "CREATE TABLE message (_id INTEGER PRIMARY KEY, chat_row_id INTEGER, from_me INTEGER,"
         " timestamp INTEGER);"
         "INSERT INTO message VALUES (1, 9, 0, 1700000000000);");
  auto extract = ReadAndroidWhatsApp(dir.Sub("msgstore.db"));
  ASSERT_TRUE(extract.ok()) << extract.status().ToString();
  ASSERT_EQ(extract->messages.size(), 1u);
  EXPECT_EQ(extract->messages[0].chat_jid, "");
  EXPECT_TRUE(HasWarning(*extract, "jid: table absent")) << AllWarnings(*extract);
  EXPECT_TRUE(HasWarning(*extract, "chat: table absent"));
  EXPECT_TRUE(HasWarning(*extract, "chat_row_id not in chat"));
}

TEST(WhatsAppAndroidTest, UnknownSchemaWarnsWithTableList) {
  TempDir dir;
  MakeDb(dir.Sub("other.db"),
         "CREATE TABLE moz_places (id INTEGER); CREATE TABLE moz_bookmarks (id INTEGER);");
  auto extract = ReadAndroidWhatsApp(dir.Sub("other.db"));
  ASSERT_TRUE(extract.ok()) << extract.status().ToString();
  EXPECT_EQ(extract->kind, WhatsAppDatabaseKind::kUnknown);
  EXPECT_EQ(extract->era, "");
  ASSERT_EQ(extract->warnings.size(), 1u);
  EXPECT_NE(extract->warnings[0].find("moz_bookmarks, moz_places"), std::string::npos)
      << extract->warnings[0];
  EXPECT_EQ(extract->tables_found, (std::vector<std::string>{"moz_bookmarks", "moz_places"}));
}

TEST(WhatsAppAndroidTest, CorruptAndMissingFilesAreErrors) {
  TempDir dir;
  dir.Write("garbage.db", std::string(8192, '\x5a'));
  auto garbage = ReadAndroidWhatsApp(dir.Sub("garbage.db"));
  ASSERT_FALSE(garbage.ok());
  EXPECT_EQ(garbage.status().code(), StatusCode::kCorrupt) << garbage.status().ToString();
  auto missing = ReadAndroidWhatsApp(dir.Sub("missing.db"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  auto directory = ReadAndroidWhatsApp(dir.path());
  EXPECT_FALSE(directory.ok());
}

TEST(WhatsAppAndroidTest, TruncatedDatabaseDoesNotCrash) {
  TempDir dir;
  std::string path = dir.Sub("msgstore.db");
  {
    FixtureDb db(path);
    ASSERT_EQ(db.Exec(CurrentSql()), "");
    ASSERT_EQ(db.Exec("WITH RECURSIVE n(i) AS (SELECT 100 UNION ALL SELECT i + 1 FROM n"
                      " WHERE i < 3000) INSERT INTO message SELECT i, 1, 0, 'T' || i, NULL, 0,"
                      " 0, i, 0, printf('%.500c', 'x') FROM n;"),
              "");
  }
  auto size = std::filesystem::file_size(path);
  std::filesystem::resize_file(path, size / 2);
  auto extract = ReadAndroidWhatsApp(path);
  if (extract.ok()) {
    EXPECT_FALSE(extract->warnings.empty());
    EXPECT_LT(extract->messages.size(), 2907u);
  } else {
    EXPECT_EQ(extract.status().code(), StatusCode::kCorrupt) << extract.status().ToString();
  }
}

TEST(WhatsAppAndroidTest, HugeTextIsCappedWithWarning) {
  TempDir dir;
  MakeDb(dir.Sub("msgstore.db"),
         CurrentSql() +
             "INSERT INTO message VALUES (50, 1, 0, 'BIG', NULL, 0, 0, 1, 0,"
             " printf('%.3000000c', 'y'));"
             // 'é' is two bytes: a cut at an odd length must back off to a boundary.
             "INSERT INTO message VALUES (51, 1, 0, 'UTF', NULL, 0, 0, 1, 0, 'a' || "
             "replace(printf('%.20c', 'e'), 'e', char(233)));");
  ReadOptions options;
  options.max_text_bytes = 1 << 20;
  auto extract = ReadAndroidWhatsApp(dir.Sub("msgstore.db"), options);
  ASSERT_TRUE(extract.ok());
  const Message* big = FindMessage(*extract, 50);
  ASSERT_NE(big, nullptr);
  EXPECT_EQ(big->text.size(), 1u << 20);
  EXPECT_TRUE(big->text_truncated);
  EXPECT_TRUE(HasWarning(*extract, "message.text_data (row 50): text cell capped"));

  options.max_text_bytes = 4;  // "a" + one and a half 'é'
  auto small = ReadAndroidWhatsApp(dir.Sub("msgstore.db"), options);
  ASSERT_TRUE(small.ok());
  EXPECT_EQ(FindMessage(*small, 51)->text, "a\xC3\xA9");
}

TEST(WhatsAppAndroidTest, WarningsAreBounded) {
  TempDir dir;
  std::string sql = CurrentSql();
  sql +=
      "WITH RECURSIVE n(i) AS (SELECT 100 UNION ALL SELECT i + 1 FROM n WHERE i < 199)"
      " INSERT INTO message_media (message_row_id, file_hash) SELECT i, 'bad' FROM n;";
  MakeDb(dir.Sub("msgstore.db"), sql);
  ReadOptions options;
  options.max_warnings = 10;
  auto extract = ReadAndroidWhatsApp(dir.Sub("msgstore.db"), options);
  ASSERT_TRUE(extract.ok());
  EXPECT_EQ(extract->warnings.size(), 11u);
  EXPECT_NE(extract->warnings.back().find("more suppressed"), std::string::npos);
}

TEST(WhatsAppAndroidTest, CopyWithSidecarsSeesRowsOnlyInTheWal) {
  TempDir evidence;
  TempDir work;
  TempDir main_only;
  std::string path = evidence.Sub("msgstore.db");
  MakeDb(path, CurrentSql());  // closed: everything in the main file
  FixtureDb writer(path);
  ASSERT_EQ(writer.Exec("PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0;"
                        "INSERT INTO message VALUES (60, 1, 0, 'WAL1', NULL, 0, 0, 1700000060000,"
                        " 0, 'only in the wal');"),
            "");
  ASSERT_TRUE(std::filesystem::exists(path + "-wal"));
  ASSERT_GT(std::filesystem::file_size(path + "-wal"), 0u);

  auto copy = CopyWithSidecars(path, work.path());
  ASSERT_TRUE(copy.ok()) << copy.status().ToString();
  EXPECT_EQ(*copy, work.Sub("msgstore.db"));
  EXPECT_TRUE(std::filesystem::exists(*copy + "-wal"));
  EXPECT_FALSE(std::filesystem::exists(*copy + "-shm"));
  auto extract = ReadAndroidWhatsApp(*copy);
  ASSERT_TRUE(extract.ok()) << extract.status().ToString();
  const Message* wal_row = FindMessage(*extract, 60);
  ASSERT_NE(wal_row, nullptr) << AllWarnings(*extract);
  EXPECT_EQ(wal_row->text, "only in the wal");

  // Without the sidecar the WAL row is invisible: why the copy must carry it.
  std::filesystem::copy_file(path, main_only.Sub("msgstore.db"));
  auto bare = ReadAndroidWhatsApp(main_only.Sub("msgstore.db"));
  if (bare.ok()) {
    EXPECT_EQ(FindMessage(*bare, 60), nullptr);
  }

  // The evidence's WAL is untouched by the read.
  EXPECT_GT(std::filesystem::file_size(path + "-wal"), 0u);
  // Copying again over an earlier copy works, and a bad destination is refused.
  EXPECT_TRUE(CopyWithSidecars(path, work.path()).ok());
  EXPECT_FALSE(CopyWithSidecars(path, work.Sub("no-such-dir")).ok());
  EXPECT_FALSE(CopyWithSidecars(evidence.Sub("missing.db"), work.path()).ok());
  EXPECT_FALSE(CopyWithSidecars(path, evidence.path()).ok());  // onto itself
}

TEST(WhatsAppAndroidTest, ReadsWaDbContacts) {
  TempDir dir;
  MakeDb(dir.Sub("wa.db"),
         "CREATE TABLE wa_contacts (_id INTEGER PRIMARY KEY, jid TEXT NOT NULL,"
         " is_whatsapp_user BOOLEAN, number TEXT, display_name TEXT, wa_name TEXT);"
         "INSERT INTO wa_contacts VALUES (1, '447700900010@s.whatsapp.net', 1, '+44 7700 900010',"
         " 'Alex Example', 'alex@example.com');");
  auto extract = ReadAndroidWhatsApp(dir.Sub("wa.db"));
  ASSERT_TRUE(extract.ok()) << extract.status().ToString();
  EXPECT_EQ(extract->kind, WhatsAppDatabaseKind::kAndroidWaDb);
  EXPECT_EQ(extract->era, "wa.db");
  ASSERT_EQ(extract->contacts.size(), 1u);
  EXPECT_EQ(extract->contacts[0].display_name, "Alex Example");
  EXPECT_EQ(extract->contacts[0].number, "+44 7700 900010");
  EXPECT_EQ(extract->contacts[0].wa_name, "alex@example.com");
}

// ---------------------------------------------------------------------------
// Real layouts from the shared samples (never copied into the repository).

std::string SharedSample(const std::string& relative) {
  return std::string(TANTALIO_SHARED_DIR) + "/samples/whatsapp/" + relative;
}

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  *out = buffer.str();
  return true;
}

// Builds a database from the sample SQL files; false (with a skip message) when absent.
bool BuildFromSamples(const std::vector<std::string>& files, const std::string& db_path,
                      std::string* missing) {
  std::string sql;
  for (const std::string& file : files) {
    std::string text;
    if (!ReadFile(SharedSample(file), &text)) {
      *missing = SharedSample(file);
      return false;
    }
    sql += text + "\n";
  }
  FixtureDb db(db_path);
  EXPECT_EQ(db.Exec(sql), "") << files[0];
  return true;
}

#define BUILD_SAMPLE_OR_SKIP(files, path)                                                  \
  do {                                                                                     \
    std::string missing_;                                                                  \
    if (!BuildFromSamples(files, path, &missing_)) {                                       \
      GTEST_SKIP() << "shared WhatsApp sample absent (" << missing_                        \
                   << "); these tests need /work/shared/samples/whatsapp beside the repo"; \
    }                                                                                      \
  } while (0)

TEST(WhatsAppSharedSamplesTest, Current2026Msgstore) {
  TempDir dir;
  BUILD_SAMPLE_OR_SKIP(
      std::vector<std::string>{"android_2026-05_chat-history-manager/msgstore.sql"},
      dir.Sub("msgstore.db"));
  auto extract = ReadAndroidWhatsApp(dir.Sub("msgstore.db"));
  ASSERT_TRUE(extract.ok()) << extract.status().ToString();
  EXPECT_EQ(extract->kind, WhatsAppDatabaseKind::kAndroidMsgstore);
  EXPECT_EQ(extract->era, "current");
  EXPECT_GT(extract->table_rows.at("message"), 0);
  EXPECT_EQ(static_cast<int64_t>(extract->messages.size()), extract->table_rows.at("message"));
  EXPECT_EQ(static_cast<int64_t>(extract->media.size()), extract->table_rows.at("message_media"));
  ASSERT_TRUE(extract->owner);
  EXPECT_FALSE(extract->owner->push_name.empty());
  const Chat* group = FindChat(*extract, "100000000000000001@g.us");
  ASSERT_NE(group, nullptr);
  EXPECT_EQ(group->subject, "My Group");
  EXPECT_EQ(group->kind, ChatKind::kGroup);
  for (const Message& m : extract->messages) EXPECT_FALSE(m.chat_jid.empty()) << m.row_id;
  EXPECT_FALSE(HasWarning(*extract, "none were extracted"));
}

TEST(WhatsAppSharedSamplesTest, Current2023Msgstore) {
  TempDir dir;
  BUILD_SAMPLE_OR_SKIP(
      std::vector<std::string>{"android_2026-05_chat-history-manager/msgstore_2023-10.sql"},
      dir.Sub("msgstore.db"));
  auto extract = ReadAndroidWhatsApp(dir.Sub("msgstore.db"));
  ASSERT_TRUE(extract.ok()) << extract.status().ToString();
  EXPECT_EQ(extract->era, "current");
  EXPECT_GT(extract->messages.size(), 0u);
  EXPECT_EQ(static_cast<int64_t>(extract->messages.size()), extract->table_rows.at("message"));
}

TEST(WhatsAppSharedSamplesTest, WaDbContacts) {
  TempDir dir;
  BUILD_SAMPLE_OR_SKIP(std::vector<std::string>{"android_2026-05_chat-history-manager/wa.sql"},
                       dir.Sub("wa.db"));
  auto extract = ReadAndroidWhatsApp(dir.Sub("wa.db"));
  ASSERT_TRUE(extract.ok()) << extract.status().ToString();
  EXPECT_EQ(extract->kind, WhatsAppDatabaseKind::kAndroidWaDb);
  EXPECT_EQ(static_cast<int64_t>(extract->contacts.size()), extract->table_rows.at("wa_contacts"));
}

TEST(WhatsAppSharedSamplesTest, LegacyViewerSchemaAndTestDatabase) {
  TempDir dir;
  BUILD_SAMPLE_OR_SKIP(
      (std::vector<std::string>{"android_legacy_whatsapp-viewer/msgstore.db.schema.sql",
                                "android_legacy_whatsapp-viewer/test-database.sql"}),
      dir.Sub("msgstore.db"));
  auto extract = ReadAndroidWhatsApp(dir.Sub("msgstore.db"));
  ASSERT_TRUE(extract.ok()) << extract.status().ToString();
  // Both generations exist; only the legacy table holds rows.
  EXPECT_EQ(extract->era, "legacy");
  EXPECT_TRUE(HasWarning(*extract, "both message and messages tables exist"));
  EXPECT_EQ(static_cast<int64_t>(extract->messages.size()), extract->table_rows.at("messages"));
  EXPECT_GT(extract->messages.size(), 0u);
  EXPECT_FALSE(extract->chats.empty());
}

TEST(WhatsAppSharedSamplesTest, LegacyViewerSchemaOnly) {
  TempDir dir;
  BUILD_SAMPLE_OR_SKIP(
      std::vector<std::string>{"android_legacy_whatsapp-viewer/msgstore.db.schema.sql"},
      dir.Sub("msgstore.db"));
  auto extract = ReadAndroidWhatsApp(dir.Sub("msgstore.db"));
  ASSERT_TRUE(extract.ok()) << extract.status().ToString();
  EXPECT_EQ(extract->era, "current");  // both tables empty: the current one wins
  EXPECT_TRUE(extract->messages.empty());
  EXPECT_FALSE(HasWarning(*extract, "none were extracted"));
  // Its columns match the probes: no "column absent" for the core message columns.
  EXPECT_FALSE(HasWarning(*extract, "message.chat_row_id: column absent")) << AllWarnings(*extract);
}

}  // namespace
}  // namespace tantalio::artifacts
