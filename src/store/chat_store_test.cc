// Chat databases and identifiers in the store: written by Apply (once, even
// when a resumed scan applies them again), read back with their evidence,
// owners inferred across devices, media linked to hash sets when the file is
// gone, and the cross-device links.
#include <gtest/gtest.h>

#include <algorithm>

#include "base/temp_dir.h"
#include "store/store.h"

namespace tantalio {
namespace {

using artifacts::ChatKind;

// Fictional numbers (Ofcom's drama range) and JIDs.
const std::string kAlice = "447700900001@s.whatsapp.net";
const std::string kBob = "447700900002@s.whatsapp.net";
const std::string kCarol = "447700900003@s.whatsapp.net";
const std::string kGroupOne = "120363000000000001@g.us";
const std::string kGroupTwo = "447700900002-1600000000@g.us";
const std::string kMediaHash(64, 'c');

artifacts::Chat Group(const std::string& jid, const std::string& subject) {
  artifacts::Chat c;
  c.jid = jid;
  c.kind = ChatKind::kGroup;
  c.subject = subject;
  return c;
}

artifacts::Participant Member(const std::string& group, const std::string& jid) {
  artifacts::Participant p;
  p.chat_jid = group;
  p.member_jid = jid;
  p.phone_digits = jid.substr(0, jid.find('@'));
  p.phone_e164 = "+" + p.phone_digits;
  return p;
}

// A media message: its message row and its media row.
void AddMedia(artifacts::WhatsAppExtract& x, int64_t row, const std::string& key,
              const std::string& chat, const std::string& sender, int64_t time_ms, bool forwarded) {
  artifacts::Message m;
  m.row_id = row;
  m.chat_jid = chat;
  m.key_id = key;
  m.sender_jid = sender;
  m.from_me = sender.empty();
  m.timestamp_ms = time_ms;
  m.type = 1;
  m.forwarded = forwarded;
  x.messages.push_back(m);
  artifacts::Media media;
  media.message_row_id = row;
  media.chat_jid = chat;
  media.sender_jid = sender;
  media.from_me = sender.empty();
  media.timestamp_ms = time_ms;
  media.type = 1;
  media.mime_type = "image/jpeg";
  media.media_sha256_hex = kMediaHash;
  x.media.push_back(media);
}

class ChatStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(Store::Open(dir_.Sub("case.db"))).value();
    case_ = store_->CreateCase(CaseInfo{0, "op", "", "GB", ""}).value();
    for (const char* label : {"phone-a", "phone-b", "phone-c"}) {
      devices_.push_back(store_->GetOrCreateDevice(case_.id, label).value());
    }
  }

  // Alice posts the image in group one; Bob and Carol receive it; Bob
  // forwards it into group two, where Carol receives it again.
  std::vector<IngestBatch> Batches() const {
    std::vector<IngestBatch> batches(3);
    for (size_t i = 0; i < 3; ++i) {
      batches[i].device_id = devices_[i].id;
      ChatDatabaseRecord db;
      db.forensic_path = "data/com.whatsapp/databases/msgstore.db";
      db.kind = "android_msgstore";
      db.state = kChatDbParsed;
      db.extract.kind = artifacts::WhatsAppDatabaseKind::kAndroidMsgstore;
      db.extract.era = "current";
      db.extract.chats.push_back(Group(kGroupOne, "Group one"));
      for (const auto& jid : {kAlice, kBob, kCarol}) {
        db.extract.participants.push_back(Member(kGroupOne, jid));
      }
      batches[i].chat_databases.push_back(std::move(db));
    }
    auto& alice = batches[0].chat_databases[0].extract;
    auto& bob = batches[1].chat_databases[0].extract;
    auto& carol = batches[2].chat_databases[0].extract;
    AddMedia(alice, 10, "K1", kGroupOne, "", 1000, false);
    artifacts::Contact bob_contact;
    bob_contact.jid = kBob;
    bob_contact.display_name = "Bob (example contact)";
    alice.contacts.push_back(bob_contact);
    artifacts::InviteCode card;
    card.message_row_id = 9;
    card.group_jid = kGroupOne;
    card.group_name = "Group one";
    card.code = "AbCdEfGhIjKlMnOpQrStUv";
    alice.invites.push_back(card);
    AddMedia(bob, 20, "K1", kGroupOne, kAlice, 1005, false);
    AddMedia(carol, 30, "K1", kGroupOne, kAlice, 1007, false);
    for (auto* x : {&bob, &carol}) {
      x->chats.push_back(Group(kGroupTwo, ""));
      x->participants.push_back(Member(kGroupTwo, kBob));
      x->participants.push_back(Member(kGroupTwo, kCarol));
    }
    carol.chats.back().subject = "Group two";
    AddMedia(bob, 21, "K2", kGroupTwo, "", 2000, true);
    AddMedia(carol, 31, "K2", kGroupTwo, kBob, 2003, true);
    // The same invite link pasted on two devices.
    for (size_t i : {0u, 2u}) {
      IdentifierRecord id;
      id.forensic_path = "notes.txt";
      id.kind = "invite";
      id.value = "https://chat.whatsapp.com/AbCdEfGhIjKlMnOpQrStUv";
      id.raw = "chat.whatsapp.com/AbCdEfGhIjKlMnOpQrStUv";
      id.offset = 4;
      batches[i].identifiers.push_back(id);
    }
    return batches;
  }

  void ApplyAll() {
    for (const IngestBatch& b : Batches()) ASSERT_TRUE(store_->Apply(b).ok());
  }

  void ImportReferenceSet() {
    auto import = store_->BeginHashSetImport(HashSetInfo::Named("reference", kKindIllegal));
    ASSERT_TRUE(import.ok());
    formats::HashSetEntry e;
    e.sha256 = kMediaHash;
    e.category = 1;
    ASSERT_TRUE((*import)->Add(e).ok());
    ASSERT_TRUE((*import)->Commit({}).ok());
  }

  std::vector<ChatMediaRow> Media(const MediaFilter& filter) {
    std::vector<ChatMediaRow> rows;
    EXPECT_TRUE(store_
                    ->ForEachChatMedia(case_.id, filter,
                                       [&](const ChatMediaRow& r) {
                                         rows.push_back(r);
                                         return true;
                                       })
                    .ok());
    return rows;
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
  CaseInfo case_;
  std::vector<DeviceInfo> devices_;
};

TEST_F(ChatStoreTest, DatabasesAreWrittenOnceAndListedWithInferredOwners) {
  ApplyAll();
  ApplyAll();  // a resumed scan applies the same records again
  auto dbs = store_->ListChatDatabases(case_.id, std::nullopt);
  ASSERT_TRUE(dbs.ok()) << dbs.status().ToString();
  ASSERT_EQ(dbs->size(), 3u);
  EXPECT_EQ((*dbs)[0].device, "phone-a");
  EXPECT_EQ((*dbs)[0].messages, 1u);
  EXPECT_EQ((*dbs)[0].media, 1u);
  EXPECT_EQ((*dbs)[1].messages, 2u);
  // Alice's and Bob's own numbers come from their messages seen as incoming
  // on the other phones; Carol sent nothing, so hers stays unknown.
  EXPECT_EQ((*dbs)[0].owner_jid, kAlice);
  EXPECT_TRUE((*dbs)[0].owner_inferred);
  EXPECT_EQ((*dbs)[1].owner_jid, kBob);
  EXPECT_EQ((*dbs)[2].owner_jid, "");
  // Carol's preferences, scanned later, state her number.
  IngestBatch prefs;
  prefs.device_id = devices_[2].id;
  IdentifierRecord own;
  own.forensic_path = "data/com.whatsapp/shared_prefs/com.whatsapp_preferences_light.xml";
  own.location = kWhatsAppOwnNumberLocation;
  own.kind = "phone";
  own.value = "+447700900003";
  prefs.identifiers.push_back(own);
  ASSERT_TRUE(store_->Apply(prefs).ok());
  dbs = store_->ListChatDatabases(case_.id, std::nullopt);
  ASSERT_TRUE(dbs.ok());
  EXPECT_EQ((*dbs)[2].owner_jid, kCarol);
  EXPECT_FALSE((*dbs)[2].owner_inferred);
  auto one = store_->ListChatDatabases(case_.id, devices_[1].id);
  ASSERT_TRUE(one.ok());
  ASSERT_EQ(one->size(), 1u);
  EXPECT_EQ((*one)[0].device, "phone-b");
}

TEST_F(ChatStoreTest, ChatsCarryCountsAndEvidence) {
  ApplyAll();
  std::vector<ChatRow> chats;
  ASSERT_TRUE(store_
                  ->ForEachChat(case_.id, devices_[1].id,
                                [&](const ChatRow& r) {
                                  chats.push_back(r);
                                  return true;
                                })
                  .ok());
  ASSERT_EQ(chats.size(), 2u);
  EXPECT_EQ(chats[0].chat.subject, "");  // group two has no subject on Bob's phone
  EXPECT_EQ(chats[0].chat.jid, kGroupTwo);
  EXPECT_EQ(chats[1].chat.subject, "Group one");
  EXPECT_EQ(chats[1].members, (std::vector<std::string>{kAlice, kBob, kCarol}));
  EXPECT_EQ(chats[1].messages, 1u);
  EXPECT_EQ(chats[1].first_ms, 1005);
  EXPECT_EQ(chats[1].evidence.device, "phone-b");
  EXPECT_EQ(chats[1].chat.kind, ChatKind::kGroup);
}

TEST_F(ChatStoreTest, MessagesOfAChatComeFromEveryDevice) {
  ImportReferenceSet();
  ApplyAll();
  std::vector<ChatMessageRow> messages;
  ASSERT_TRUE(store_
                  ->ForEachChatMessage(case_.id, kGroupOne,
                                       [&](const ChatMessageRow& r) {
                                         messages.push_back(r);
                                         return true;
                                       })
                  .ok());
  ASSERT_EQ(messages.size(), 3u);
  EXPECT_EQ(messages[0].evidence.device, "phone-a");
  EXPECT_EQ(messages[0].evidence.row_id, 10);
  EXPECT_EQ(messages[0].sender, kAlice);
  EXPECT_TRUE(messages[0].sender_inferred);
  EXPECT_EQ(messages[1].sender, kAlice);
  EXPECT_FALSE(messages[1].sender_inferred);
  EXPECT_TRUE(messages[2].known);
  EXPECT_EQ(messages[2].category, 1);
  EXPECT_EQ(messages[2].media_sha256, kMediaHash);
}

TEST_F(ChatStoreTest, KnownMediaIsFoundWithoutTheFile) {
  ApplyAll();
  EXPECT_TRUE(Media({}).empty());  // nothing known yet
  ImportReferenceSet();
  std::vector<ChatMediaRow> rows = Media({});
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[0].sender, kAlice);
  EXPECT_TRUE(rows[0].from_me);
  EXPECT_EQ(rows[0].hash_set, "reference");
  EXPECT_EQ(rows[0].category, 1);
  EXPECT_EQ(rows[0].files_in_case, 0u);  // the file itself was never found
  EXPECT_EQ(rows[3].sender, kBob);
  EXPECT_EQ(rows[3].sender_claimed_name, "Bob (example contact) (in phone-a's contacts)");
  EXPECT_EQ(rows[0].sender_claimed_name, "");
  EXPECT_TRUE(rows[3].forwarded);
  EXPECT_EQ(rows[3].chat_subject, "Group two");  // from Carol's copy of the chat
  MediaFilter by_set;
  by_set.hash_set = "reference";
  EXPECT_EQ(Media(by_set).size(), 5u);
  by_set.hash_set = "other";
  EXPECT_TRUE(Media(by_set).empty());
  MediaFilter by_category;
  by_category.category = 2;
  EXPECT_TRUE(Media(by_category).empty());
  by_category.category = 1;
  EXPECT_EQ(Media(by_category).size(), 5u);
}

TEST_F(ChatStoreTest, AHashAloneListsEveryPostingKnownOrNot) {
  ApplyAll();
  MediaFilter filter;
  filter.sha256 = kMediaHash;
  std::vector<ChatMediaRow> rows = Media(filter);
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[0].hash_set, "");
  filter.sha256 = std::string(64, 'd');
  EXPECT_TRUE(Media(filter).empty());
}

TEST_F(ChatStoreTest, ScannedFilesWithTheHashAreCounted) {
  ApplyAll();
  IngestBatch b;
  b.device_id = devices_[2].id;
  b.contents.push_back(ContentRecord{kMediaHash, std::string(32, '0'), std::string(40, '0'), 5,
                                     "image/jpeg", "x", 1});
  FileRecord f;
  f.forensic_path = "sdcard/WhatsApp/Media/WhatsApp Images/IMG-20260101-WA0001.jpg";
  f.unit_path = f.forensic_path;
  f.kind = "file";
  f.status = kStatusOk;
  f.sha256 = kMediaHash;
  b.files.push_back(f);
  ASSERT_TRUE(store_->Apply(b).ok());
  MediaFilter filter;
  filter.sha256 = kMediaHash;
  EXPECT_EQ(Media(filter)[0].files_in_case, 1u);
}

TEST_F(ChatStoreTest, IdentifiersAreListedWithTheirDevices) {
  ApplyAll();
  ApplyAll();
  std::vector<IdentifierRow> rows;
  ASSERT_TRUE(store_
                  ->ForEachIdentifier(case_.id, "invite",
                                      [&](const IdentifierRow& r) {
                                        rows.push_back(r);
                                        return true;
                                      })
                  .ok());
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].devices, (std::vector<std::string>{"phone-a", "phone-c"}));
  EXPECT_EQ(rows[0].occurrences, 2u);  // not doubled by the second Apply
  EXPECT_EQ(rows[0].example, "phone-a:notes.txt");
  EXPECT_EQ(rows[0].detail, kGroupOne + " Group one");  // from Alice's invite card
  rows.clear();
  ASSERT_TRUE(store_
                  ->ForEachIdentifier(case_.id, "email",
                                      [&](const IdentifierRow& r) {
                                        rows.push_back(r);
                                        return true;
                                      })
                  .ok());
  EXPECT_TRUE(rows.empty());
}

TEST_F(ChatStoreTest, CrossDeviceLinks) {
  ApplyAll();
  auto links = store_->CrossDeviceLinks(case_.id);
  ASSERT_TRUE(links.ok()) << links.status().ToString();
  auto find = [&](const std::string& what, const std::string& value) -> const CrossDeviceLink* {
    for (const auto& l : *links) {
      if (l.what == what && l.value == value) return &l;
    }
    return nullptr;
  };
  const CrossDeviceLink* one = find("group", kGroupOne);
  ASSERT_NE(one, nullptr);
  EXPECT_EQ(one->detail, "Group one");
  EXPECT_EQ(one->devices.size(), 3u);
  const CrossDeviceLink* two = find("group", kGroupTwo);
  ASSERT_NE(two, nullptr);
  EXPECT_EQ(two->detail, "Group two");
  EXPECT_EQ(two->devices, (std::vector<std::string>{"phone-b", "phone-c"}));
  const CrossDeviceLink* media = find("media", kMediaHash);
  ASSERT_NE(media, nullptr);
  EXPECT_EQ(media->devices.size(), 3u);
  EXPECT_NE(find("identifier", "invite https://chat.whatsapp.com/AbCdEfGhIjKlMnOpQrStUv"), nullptr);
  // Bob and Carol are in both groups; Alice only in one.
  EXPECT_NE(find("member", "+447700900002"), nullptr);
  EXPECT_NE(find("member", "+447700900003"), nullptr);
  EXPECT_EQ(find("member", "+447700900001"), nullptr);
}

}  // namespace
}  // namespace tantalio
