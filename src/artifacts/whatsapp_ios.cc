#include "artifacts/whatsapp_ios.h"

#include <cmath>
#include <map>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "artifacts/sqlite_reader.h"

namespace tantalio::artifacts {
namespace {

using sqlite::DbPtr;
using sqlite::Fingerprint;
using sqlite::JoinNames;
using sqlite::Lower;
using sqlite::OpenReadOnly;
using sqlite::ReadSchema;
using sqlite::Schema;
using sqlite::Snippet;
using sqlite::Stmt;
using sqlite::TableNames;
using sqlite::TableReader;
using sqlite::TableReaderSink;

constexpr int64_t kIosTypeContact = 4;
constexpr int64_t kForwardedFlag = 0x80;

bool StartsWithVcard(std::string_view text) {
  return text.size() >= 6 && Lower(text.substr(0, 6)) == "begin:";
}

// ZSESSIONTYPE: 0 private, 1 group, 2 broadcast, 3 status (spec §8).
ChatKind KindFromSessionType(std::optional<int64_t> type) {
  if (!type) return ChatKind::kUnknown;
  switch (*type) {
    case 0:
      return ChatKind::kIndividual;
    case 1:
      return ChatKind::kGroup;
    case 2:
      return ChatKind::kBroadcast;
    case 3:
      return ChatKind::kStatus;
    default:
      return ChatKind::kUnknown;
  }
}

// What the media pass needs to know about a message.
struct MessageRef {
  size_t index = 0;  // into WhatsAppExtract::messages
  int64_t ios_type = 0;
};

class IosReader : public TableReader {
 public:
  IosReader(sqlite3* db, Schema schema, const ReadOptions& options, WhatsAppExtract* out)
      : TableReader(db, std::move(schema), Sink(options, out)), out_(out) {}

  Status Run() {
    out_->tables_found = TableNames(schema());
    out_->schema_fingerprint = Fingerprint(schema());
    out_->kind = DetectIosWhatsAppFromTables(out_->tables_found);
    switch (out_->kind) {
      case WhatsAppDatabaseKind::kIosChatStorage:
        out_->era = "ios";
        ReadChatStorage();
        break;
      case WhatsAppDatabaseKind::kIosContacts:
        out_->era = "ContactsV2";
        ReadAddressBook();
        break;
      case WhatsAppDatabaseKind::kAndroidMsgstore:  // never returned by the iOS detector
      case WhatsAppDatabaseKind::kAndroidWaDb:
      case WhatsAppDatabaseKind::kUnknown:
        Warn(
            "schema: no iOS WhatsApp table (ZWAMESSAGE, ZWACHATSESSION, ZWAADDRESSBOOKCONTACT) "
            "among " +
            std::to_string(out_->tables_found.size()) +
            " table(s): " + JoinNames(out_->tables_found));
        break;
    }
    FlushSuppressedWarnings();
    return Status::Ok();
  }

 private:
  static TableReaderSink Sink(const ReadOptions& options, WhatsAppExtract* out) {
    TableReaderSink sink;
    sink.warnings = &out->warnings;
    sink.table_rows = &out->table_rows;
    sink.max_text_bytes = options.max_text_bytes;
    sink.max_warnings = options.max_warnings;
    return sink;
  }

  // Core Data date cell -> Unix ms; NULL, text and blobs give nullopt.
  static std::optional<int64_t> Date(const Stmt& stmt, int column) {
    int type = stmt.Type(column);
    if (type != SQLITE_INTEGER && type != SQLITE_FLOAT) return std::nullopt;
    return CoreDataSecondsToUnixMs(stmt.Double(column));
  }

  // --- ChatStorage.sqlite ---
  void ReadChatStorage() {
    ReadGroupInfo();
    ReadChatSessions();
    ReadGroupMembers();
    ReadPushNames();
    ReadMessages();
    ReadMedia();
  }

  void ReadGroupInfo() {
    if (!RequireTable("zwagroupinfo", {"z_pk"},
                      "zwagroupinfo: table absent; group creation times not read",
                      "zwagroupinfo.z_pk: column absent; group creation times not read")) {
      return;
    }
    std::string sql = "SELECT g.z_pk, " + ColQuiet("zwagroupinfo", "g", "zchatsession") + ", " +
                      Col("zwagroupinfo", "g", "zcreationdate") + " FROM zwagroupinfo g";
    ForEachRow("zwagroupinfo", sql, [this](const Stmt& stmt) {
      std::optional<int64_t> created = Date(stmt, 2);
      // Exactly the Core Data epoch means "unset" (as 0 does on Android).
      if (!created || *created == kCoreDataEpochUnixSeconds * 1000) return;
      created_by_info_[stmt.Int(0)] = *created;
      if (!stmt.IsNull(1)) created_by_session_.emplace(stmt.Int(1), *created);
    });
  }

  // Adds `chat` unless a chat with its JID is already known.
  size_t AddChat(Chat chat) {
    auto found = chat_by_jid_.find(chat.jid);
    if (found != chat_by_jid_.end() && !chat.jid.empty()) return found->second;
    if (chat.kind == ChatKind::kUnknown) chat.kind = ClassifyJid(chat.jid);
    if (auto legacy = ParseLegacyGroupJid(chat.jid)) {
      chat.creator_phone_digits = legacy->creator_phone_digits;
      chat.jid_created_ms = legacy->created_ms;
    }
    size_t index = out_->chats.size();
    chat_by_jid_.emplace(chat.jid, index);
    out_->chats.push_back(std::move(chat));
    return index;
  }

  void ReadChatSessions() {
    if (!RequireTable("zwachatsession", {"z_pk"},
                      "zwachatsession: table absent; chats derived from ZWAMESSAGE.ZFROMJID/ZTOJID",
                      "zwachatsession.z_pk: column absent; chats derived from messages")) {
      return;
    }
    bool has_info_link = HasColumn("zwachatsession", "zgroupinfo");
    std::string sql = "SELECT c.z_pk, " +
                      Cols("zwachatsession", "c", {"zcontactjid", "zpartnername", "zsessiontype"}) +
                      ", " + ColQuiet("zwachatsession", "c", "zgroupinfo") +
                      " FROM zwachatsession c ORDER BY c.z_pk";
    int64_t disagreements = 0;
    ForEachRow("zwachatsession", sql, [&](const Stmt& stmt) {
      int64_t row_id = stmt.Int(0);
      std::string row = " (row " + std::to_string(row_id) + ")";
      Chat chat;
      chat.row_id = row_id;
      chat.jid = Text(stmt, 1, "zwachatsession.zcontactjid" + row);
      chat.subject = Text(stmt, 2, "zwachatsession.zpartnername" + row);
      ChatKind jid_kind = ClassifyJid(chat.jid);
      ChatKind session_kind = KindFromSessionType(stmt.OptInt(3));
      chat.kind = jid_kind != ChatKind::kUnknown ? jid_kind : session_kind;
      if (jid_kind != ChatKind::kUnknown && session_kind != ChatKind::kUnknown &&
          jid_kind != session_kind) {
        ++disagreements;
      }
      if (has_info_link && !stmt.IsNull(4)) {
        auto it = created_by_info_.find(stmt.Int(4));
        if (it != created_by_info_.end()) chat.created_ms = it->second;
      }
      if (!chat.created_ms) {  // older files: only ZWAGROUPINFO.ZCHATSESSION links them
        auto it = created_by_session_.find(row_id);
        if (it != created_by_session_.end()) chat.created_ms = it->second;
      }
      chat_by_row_[row_id] = AddChat(std::move(chat));
    });
    if (disagreements > 0) {
      Warn("zwachatsession: " + std::to_string(disagreements) +
           " row(s) whose ZSESSIONTYPE disagrees with the JID; kind taken from the JID");
    }
  }

  const Chat* ChatByRow(std::optional<int64_t> row_id) const {
    if (!row_id) return nullptr;
    auto it = chat_by_row_.find(*row_id);
    return it == chat_by_row_.end() ? nullptr : &out_->chats[it->second];
  }

  void ReadGroupMembers() {
    if (!RequireTable("zwagroupmember", {"z_pk"},
                      "zwagroupmember: table absent; group members and group senders not read",
                      "zwagroupmember.z_pk: column absent; group members not read")) {
      return;
    }
    std::string sql = "SELECT g.z_pk, " +
                      Cols("zwagroupmember", "g", {"zchatsession", "zmemberjid", "zisadmin"}) +
                      " FROM zwagroupmember g ORDER BY 2, 1";
    int64_t unknown_chats = 0;
    ForEachRow("zwagroupmember", sql, [&](const Stmt& stmt) {
      int64_t row_id = stmt.Int(0);
      Participant participant;
      if (const Chat* chat = ChatByRow(stmt.OptInt(1))) {
        participant.chat_jid = chat->jid;
      } else {
        ++unknown_chats;
      }
      participant.member_jid =
          Text(stmt, 2, "zwagroupmember.zmemberjid (row " + std::to_string(row_id) + ")");
      participant.phone_digits = PhoneDigitsFromJid(participant.member_jid);
      if (!stmt.IsNull(3)) participant.admin = stmt.Int(3) != 0;
      member_jid_by_row_[row_id] = participant.member_jid;
      out_->participants.push_back(std::move(participant));
    });
    if (unknown_chats > 0) {
      Warn("zwagroupmember: " + std::to_string(unknown_chats) +
           " row(s) with a ZCHATSESSION not in ZWACHATSESSION; group JID left empty");
    }
  }

  void ReadPushNames() {
    if (!RequireTable("zwaprofilepushname", {"zjid"},
                      "zwaprofilepushname: table absent; push names not read",
                      "zwaprofilepushname.zjid: column absent; push names not read")) {
      return;
    }
    std::string sql = "SELECT p.zjid, " + Col("zwaprofilepushname", "p", "zpushname") +
                      " FROM zwaprofilepushname p ORDER BY p.zjid";
    ForEachRow("zwaprofilepushname", sql, [this](const Stmt& stmt) {
      Contact contact;
      contact.jid = Text(stmt, 0, "zwaprofilepushname.zjid");
      contact.wa_name = Text(stmt, 1, "zwaprofilepushname.zpushname");
      if (contact.jid.empty() && contact.wa_name.empty()) return;
      out_->contacts.push_back(std::move(contact));
    });
  }

  void ReadMessages() {
    if (!RequireTable("zwamessage", {"z_pk"}, "zwamessage: table absent; messages not read",
                      "zwamessage.z_pk: column absent; messages not read")) {
      return;
    }
    std::string sql = "SELECT m.z_pk, " +
                      Cols("zwamessage", "m",
                           {"zchatsession", "zisfromme", "zstanzaid", "zgroupmember", "zfromjid"}) +
                      ", " + ColQuiet("zwamessage", "m", "ztojid") + ", " +
                      Cols("zwamessage", "m", {"zmessagedate", "zmessagetype", "ztext", "zflags"}) +
                      ", " + ColQuiet("zwamessage", "m", "zmediaitem") +
                      " FROM zwamessage m ORDER BY m.z_pk";
    int64_t unknown_chats = 0;
    std::map<int64_t, int64_t> unmapped_types;  // iOS code -> rows
    ForEachRow("zwamessage", sql, [&](const Stmt& stmt) {
      Message message;
      message.row_id = stmt.Int(0);
      std::string row = " (row " + std::to_string(message.row_id) + ")";
      message.from_me = stmt.Int(2) != 0;
      message.key_id = Text(stmt, 3, "zwamessage.zstanzaid" + row);
      std::string from_jid = Text(stmt, 5, "zwamessage.zfromjid" + row);
      std::string to_jid = Text(stmt, 6, "zwamessage.ztojid" + row);
      if (const Chat* chat = ChatByRow(stmt.OptInt(1))) {
        message.chat_jid = chat->jid;
      } else {
        ++unknown_chats;
        message.chat_jid = message.from_me ? to_jid : from_jid;
        if (!message.chat_jid.empty()) {
          Chat derived;
          derived.jid = message.chat_jid;
          AddChat(std::move(derived));
        }
      }
      if (!message.from_me) {
        if (!stmt.IsNull(4)) {
          auto member = member_jid_by_row_.find(stmt.Int(4));
          if (member != member_jid_by_row_.end()) message.sender_jid = member->second;
        }
        if (message.sender_jid.empty()) message.sender_jid = from_jid;
        if (message.sender_jid.empty()) message.sender_jid = message.chat_jid;
      }
      message.timestamp_ms = Date(stmt, 7);
      int64_t ios_type = stmt.Int(8);
      if (auto mapped = MapIosMessageType(ios_type)) {
        message.type = *mapped;
      } else {
        message.type = kIosUnmappedTypeBase + ios_type;
        ++unmapped_types[ios_type];
      }
      bool truncated = false;
      message.text = stmt.Text(9, max_text_bytes(), &truncated);
      if (truncated) {
        message.text_truncated = true;
        Warn("zwamessage.ztext" + row + ": text cell capped at " +
             std::to_string(max_text_bytes()) + " bytes");
      }
      message.forwarded = (stmt.Int(10) & kForwardedFlag) != 0;
      MessageRef ref;
      ref.index = out_->messages.size();
      ref.ios_type = ios_type;
      message_by_row_[message.row_id] = ref;
      if (!stmt.IsNull(11)) message_by_media_item_.emplace(stmt.Int(11), message.row_id);
      out_->messages.push_back(std::move(message));
    });
    if (unknown_chats > 0) {
      Warn("zwamessage: " + std::to_string(unknown_chats) +
           " row(s) with a ZCHATSESSION not in ZWACHATSESSION; chat JID taken from "
           "ZFROMJID/ZTOJID");
    }
    if (!unmapped_types.empty()) {
      std::string codes;
      for (const auto& [code, rows] : unmapped_types) {
        if (!codes.empty()) codes += ", ";
        codes += std::to_string(code) + " (" + std::to_string(rows) + " row(s))";
      }
      Warn("zwamessage.zmessagetype: iOS code(s) " + codes +
           " have no Android equivalent; kept as " + std::to_string(kIosUnmappedTypeBase) +
           " + code");
    }
    if (Rows("zwamessage") > 0 && out_->messages.empty()) {
      Warn("zwamessage: table holds " + std::to_string(Rows("zwamessage")) +
           " row(s) but none were extracted");
    }
  }

  void ReadMedia() {
    if (!RequireTable("zwamediaitem", {"z_pk"},
                      "zwamediaitem: table absent; media metadata and hashes not read",
                      "zwamediaitem.z_pk: column absent; media not read")) {
      return;
    }
    std::string sql =
        "SELECT i.z_pk, " +
        Cols("zwamediaitem", "i",
             {"zmessage", "zmedialocalpath", "zvcardname", "zvcardstring", "zfilesize", "ztitle"}) +
        " FROM zwamediaitem i ORDER BY i.z_pk";
    int64_t orphans = 0;
    ForEachRow("zwamediaitem", sql, [&](const Stmt& stmt) {
      int64_t item = stmt.Int(0);
      std::optional<int64_t> message_row = stmt.OptInt(1);
      if (!message_row) {
        auto it = message_by_media_item_.find(item);
        if (it != message_by_media_item_.end()) message_row = it->second;
      }
      Media media;
      media.message_row_id = message_row.value_or(0);
      std::string row = " (item " + std::to_string(item) + ")";
      const MessageRef* ref = nullptr;
      if (message_row) {
        auto it = message_by_row_.find(*message_row);
        if (it != message_by_row_.end()) ref = &it->second;
      }
      if (ref != nullptr) {
        const Message& message = out_->messages[ref->index];
        media.chat_jid = message.chat_jid;
        media.sender_jid = message.sender_jid;
        media.from_me = message.from_me;
        media.timestamp_ms = message.timestamp_ms;
        media.type = message.type;
      } else {
        ++orphans;
      }
      media.file_path = Text(stmt, 2, "zwamediaitem.zmedialocalpath" + row);
      bool cut = false;
      bool vcard_text = StartsWithVcard(stmt.Text(4, 16, &cut));
      bool vcard = vcard_text || (ref != nullptr && ref->ios_type == kIosTypeContact);
      if (!vcard_text) media.mime_type = Text(stmt, 4, "zwamediaitem.zvcardstring" + row);
      if (!vcard) {
        // Not a contact card: ZVCARDNAME is the media's SHA-256.
        media.media_sha256_base64 = Text(stmt, 3, "zwamediaitem.zvcardname" + row);
        media.media_sha256_hex =
            DecodeHash(media.media_sha256_base64, "zwamediaitem.zvcardname" + row);
      }
      media.size = stmt.OptInt(5);
      media.caption = Text(stmt, 6, "zwamediaitem.ztitle" + row);
      out_->media.push_back(std::move(media));
    });
    if (orphans > 0) {
      Warn("zwamediaitem: " + std::to_string(orphans) +
           " row(s) whose message is not in ZWAMESSAGE; chat, sender and time left empty");
    }
  }

  // --- ContactsV2.sqlite ---
  void ReadAddressBook() {
    CountRows("zwaaddressbookcontact");
    if (!HasColumn("zwaaddressbookcontact", "zwhatsappid") &&
        !HasColumn("zwaaddressbookcontact", "zphonenumber")) {
      Warn("zwaaddressbookcontact: neither ZWHATSAPPID nor ZPHONENUMBER column; contacts not read");
      return;
    }
    std::string sql =
        "SELECT " +
        Cols("zwaaddressbookcontact", "c", {"zwhatsappid", "zfullname", "zphonenumber"}) +
        " FROM zwaaddressbookcontact c";
    if (HasColumn("zwaaddressbookcontact", "z_pk")) sql += " ORDER BY c.z_pk";
    ForEachRow("zwaaddressbookcontact", sql, [this](const Stmt& stmt) {
      Contact contact;
      contact.jid = Text(stmt, 0, "zwaaddressbookcontact.zwhatsappid");
      contact.display_name = Text(stmt, 1, "zwaaddressbookcontact.zfullname");
      contact.number = Text(stmt, 2, "zwaaddressbookcontact.zphonenumber");
      if (contact.jid.empty() && contact.display_name.empty() && contact.number.empty()) return;
      out_->contacts.push_back(std::move(contact));
    });
    if (Rows("zwaaddressbookcontact") > 0 && out_->contacts.empty()) {
      Warn("zwaaddressbookcontact: table holds " + std::to_string(Rows("zwaaddressbookcontact")) +
           " row(s) but none were extracted");
    }
  }

  WhatsAppExtract* out_;
  std::unordered_map<int64_t, int64_t> created_by_info_;     // ZWAGROUPINFO.Z_PK -> ms
  std::unordered_map<int64_t, int64_t> created_by_session_;  // ZWAGROUPINFO.ZCHATSESSION -> ms
  std::unordered_map<std::string, size_t> chat_by_jid_;
  std::unordered_map<int64_t, size_t> chat_by_row_;             // ZWACHATSESSION.Z_PK
  std::unordered_map<int64_t, std::string> member_jid_by_row_;  // ZWAGROUPMEMBER.Z_PK
  std::unordered_map<int64_t, MessageRef> message_by_row_;      // ZWAMESSAGE.Z_PK
  std::unordered_map<int64_t, int64_t> message_by_media_item_;  // ZMEDIAITEM -> ZWAMESSAGE.Z_PK
};

}  // namespace

WhatsAppDatabaseKind DetectIosWhatsAppFromTables(const std::vector<std::string>& tables) {
  bool chat_storage = false;
  bool contacts = false;
  for (const std::string& table : tables) {
    std::string name = Lower(table);
    if (name == "zwamessage" || name == "zwachatsession") chat_storage = true;
    if (name == "zwaaddressbookcontact") contacts = true;
  }
  if (chat_storage) return WhatsAppDatabaseKind::kIosChatStorage;
  if (contacts) return WhatsAppDatabaseKind::kIosContacts;
  return WhatsAppDatabaseKind::kUnknown;
}

Result<WhatsAppExtract> ReadIosWhatsApp(const std::string& db_path, const ReadOptions& options) {
  TANTALIO_ASSIGN_OR_RETURN(DbPtr db, OpenReadOnly(db_path));
  TANTALIO_ASSIGN_OR_RETURN(Schema schema, ReadSchema(db.get(), db_path));
  WhatsAppExtract extract;
  IosReader reader(db.get(), std::move(schema), options, &extract);
  TANTALIO_RETURN_IF_ERROR(reader.Run());
  return extract;
}

std::optional<int64_t> CoreDataSecondsToUnixMs(double seconds) {
  if (!std::isfinite(seconds)) return std::nullopt;
  double ms = (seconds + static_cast<double>(kCoreDataEpochUnixSeconds)) * 1000.0;
  // Stay well inside int64 (about 292 million years either way).
  if (ms > 9.0e18 || ms < -9.0e18) return std::nullopt;
  return static_cast<int64_t>(std::llround(ms));
}

std::optional<int64_t> MapIosMessageType(int64_t ios_type) {
  switch (ios_type) {
    case 0:  // text
      return 0;
    case 1:  // image
      return 1;
    case 2:  // video
      return 3;
    case 3:  // audio
      return 2;
    case 4:  // contact (vCard)
      return 4;
    case 5:  // location
      return 5;
    case 6:   // group event
    case 10:  // system (ZGROUPEVENTTYPE)
      return 7;
    case 8:  // document
      return 9;
    case 11:  // GIF
      return 13;
    case 12:  // waiting for message
      return 11;
    case 14:  // deleted by sender
      return 15;
    case 15:  // sticker
      return 20;
    case 27:  // group invite
      return 24;
    case 38:  // view-once image
      return 42;
    case 39:  // view-once video
      return 43;
    case 46:  // poll
      return 66;
    default:
      return std::nullopt;
  }
}

}  // namespace tantalio::artifacts
