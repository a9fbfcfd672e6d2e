#include "artifacts/whatsapp_android.h"

#include <algorithm>
#include <filesystem>
#include <system_error>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "artifacts/sqlite_reader.h"
#include "base/hex.h"

namespace tantalio::artifacts {
namespace {

namespace fs = std::filesystem;
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

struct JidRow {
  std::string raw;
  std::string server;
};

struct ResolvedJid {
  std::string jid;  // phone JID where a LID was mapped, else the stored JID
  std::string lid;  // original LID when mapped
  bool from_lid = false;
  bool known = false;  // the row id exists in `jid`
};

class Reader : public TableReader {
 public:
  Reader(sqlite3* db, Schema schema, const ReadOptions& options, WhatsAppExtract* out)
      : TableReader(db, std::move(schema), Sink(options, out)), options_(options), out_(out) {}

  Status Run() {
    out_->tables_found = TableNames(schema());
    out_->schema_fingerprint = Fingerprint(schema());
    out_->kind = DetectAndroidWhatsAppFromTables(out_->tables_found);
    switch (out_->kind) {
      case WhatsAppDatabaseKind::kAndroidMsgstore:
        TANTALIO_RETURN_IF_ERROR(ReadMsgstore());
        break;
      case WhatsAppDatabaseKind::kAndroidWaDb:
        out_->era = "wa.db";
        TANTALIO_RETURN_IF_ERROR(ReadContacts());
        break;
      case WhatsAppDatabaseKind::kIosChatStorage:  // never returned by the Android detector
      case WhatsAppDatabaseKind::kIosContacts:
      case WhatsAppDatabaseKind::kUnknown:
        Warn("schema: no WhatsApp table (message, messages, wa_contacts) among " +
             std::to_string(out_->tables_found.size()) +
             " table(s): " + JoinNames(out_->tables_found));
        break;
    }
    if (!unmapped_lids_.empty()) {
      Warn("jid_map: " + std::to_string(unmapped_lids_.size()) +
           " LID JID(s) referenced without a phone mapping; kept as @lid");
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

  // --- identities ---
  void ReadJids() {
    if (!RequireTable("jid", {"_id"}, "jid: table absent; chat and sender JIDs left empty",
                      "jid._id: column absent; JIDs not resolved")) {
      return;
    }
    bool has_raw = HasColumn("jid", "raw_string");
    bool has_parts = HasColumn("jid", "user") && HasColumn("jid", "server");
    if (!has_raw && !has_parts) {
      Warn("jid: neither raw_string nor user+server columns; JIDs not resolved");
      return;
    }
    std::string sql = "SELECT j._id, " + ColQuiet("jid", "j", "raw_string") + ", " +
                      ColQuiet("jid", "j", "user") + ", " + ColQuiet("jid", "j", "server") +
                      " FROM jid j";
    ForEachRow("jid", sql, [this](const Stmt& stmt) {
      JidRow row;
      row.raw = Text(stmt, 1, "jid.raw_string");
      std::string user = Text(stmt, 2, "jid.user");
      row.server = Text(stmt, 3, "jid.server");
      if (row.raw.empty() && !row.server.empty()) row.raw = user + "@" + row.server;
      if (row.server.empty()) {
        size_t at = row.raw.rfind('@');
        if (at != std::string::npos) row.server = row.raw.substr(at + 1);
      }
      jids_[stmt.Int(0)] = std::move(row);
    });
    if (!options_.resolve_lids || !HasTable("jid_map")) return;
    CountRows("jid_map");
    if (!HasColumn("jid_map", "lid_row_id") || !HasColumn("jid_map", "jid_row_id")) {
      Warn("jid_map: lid_row_id/jid_row_id columns absent; LIDs not resolved");
      return;
    }
    ForEachRow("jid_map", "SELECT lid_row_id, jid_row_id FROM jid_map", [this](const Stmt& stmt) {
      if (stmt.IsNull(0) || stmt.IsNull(1)) return;
      lid_to_phone_[stmt.Int(0)] = stmt.Int(1);
    });
  }

  ResolvedJid Resolve(std::optional<int64_t> row_id) {
    ResolvedJid out;
    if (!row_id) return out;
    auto it = jids_.find(*row_id);
    if (it == jids_.end()) return out;
    out.known = true;
    out.jid = it->second.raw;
    if (it->second.server != "lid" || !options_.resolve_lids) return out;
    auto mapped = lid_to_phone_.find(*row_id);
    if (mapped != lid_to_phone_.end()) {
      auto phone = jids_.find(mapped->second);
      if (phone != jids_.end() && !phone->second.raw.empty()) {
        out.lid = out.jid;
        out.jid = phone->second.raw;
        out.from_lid = true;
        return out;
      }
    }
    unmapped_lids_.insert(*row_id);
    return out;
  }

  // --- chats ---
  // Adds `chat` unless its stored JID (the LID for resolved chats) is known.
  size_t AddChat(Chat chat) {
    std::string key = chat.lid_jid.empty() ? chat.jid : chat.lid_jid;
    auto found = chat_by_jid_.find(key);
    if (found != chat_by_jid_.end() && !key.empty()) return found->second;
    if (chat.kind == ChatKind::kUnknown) chat.kind = ClassifyJid(chat.jid);
    if (auto legacy = ParseLegacyGroupJid(chat.jid)) {
      chat.creator_phone_digits = legacy->creator_phone_digits;
      chat.jid_created_ms = legacy->created_ms;
    }
    size_t index = out_->chats.size();
    chat_by_jid_.emplace(key, index);
    out_->chats.push_back(std::move(chat));
    return index;
  }

  // Current-era `chat` joined (in memory) to `jid`.
  void ReadChatTable() {
    if (!RequireTable("chat", {"_id", "jid_row_id"},
                      "chat: table absent; chat subjects and creation times not read",
                      "chat: _id/jid_row_id columns absent; chats not read")) {
      return;
    }
    std::string sql = "SELECT c._id, c.jid_row_id, " + Col("chat", "c", "subject") + ", " +
                      Col("chat", "c", "created_timestamp") + " FROM chat c ORDER BY c._id";
    ForEachRow("chat", sql, [this](const Stmt& stmt) {
      int64_t row_id = stmt.Int(0);
      ResolvedJid jid = Resolve(stmt.OptInt(1));
      if (!jid.known) {
        Warn("chat (row " + std::to_string(row_id) + "): jid_row_id " +
             (stmt.IsNull(1) ? std::string("NULL") : std::to_string(stmt.Int(1))) +
             " not in jid; chat JID left empty");
      }
      Chat chat;
      chat.row_id = row_id;
      chat.jid = jid.jid;
      chat.lid_jid = jid.lid;
      chat.subject = Text(stmt, 2, "chat.subject (row " + std::to_string(row_id) + ")");
      chat.created_ms = stmt.OptInt(3);
      if (chat.created_ms && *chat.created_ms == 0) chat.created_ms.reset();
      chat_by_row_[row_id] = AddChat(std::move(chat));
    });
  }

  const Chat* ChatByRow(std::optional<int64_t> row_id) const {
    if (!row_id) return nullptr;
    auto it = chat_by_row_.find(*row_id);
    return it == chat_by_row_.end() ? nullptr : &out_->chats[it->second];
  }

  // --- msgstore ---
  Status ReadMsgstore() {
    CountRows("message");
    CountRows("messages");
    bool current = HasTable("message");
    if (current && HasTable("messages")) {
      if (Rows("message") == 0 && Rows("messages") > 0) {
        Warn(
            "schema: both message and messages tables exist; message is empty, read the "
            "legacy messages table");
        current = false;
      } else if (Rows("messages") > 0) {
        Warn("schema: legacy messages table also holds " + std::to_string(Rows("messages")) +
             " row(s); not read (current message table used)");
      }
    }
    ReadOwner();
    if (current) {
      out_->era = HasTable("jid_map") ? "current+jid_map" : "current";
      ReadJids();
      ReadChatTable();
      ReadCurrentParticipants();
      ReadCurrentMessages();
      ReadCurrentMedia();
      ReadInvites();
      if (Rows("message") > 0 && out_->messages.empty()) {
        Warn("message: table holds " + std::to_string(Rows("message")) +
             " row(s) but none were extracted");
      }
    } else {
      out_->era = "legacy";
      ReadLegacyChats();
      ReadLegacyParticipants(/*warn_if_absent=*/true);
      ReadLegacyMessages();
      if (Rows("messages") > 0 && out_->messages.empty()) {
        Warn("messages: table holds " + std::to_string(Rows("messages")) +
             " row(s) but none were extracted");
      }
    }
    return Status::Ok();
  }

  void ReadOwner() {
    if (!HasColumn("props", "key") || !HasColumn("props", "value")) return;
    ForEachRow("props", "SELECT value FROM props WHERE key = 'user_push_name'",
               [this](const Stmt& stmt) {
                 OwnerAccount owner;
                 owner.push_name = Text(stmt, 0, "props.user_push_name");
                 if (!owner.push_name.empty()) out_->owner = std::move(owner);
               });
  }

  void ReadCurrentParticipants() {
    if (!HasTable("group_participant_user")) {
      ReadLegacyParticipants(/*warn_if_absent=*/false);
      if (!HasTable("group_participants")) {
        Warn("group_participant_user: table absent; group members not read");
      }
      return;
    }
    CountRows("group_participant_user");
    if (!HasColumn("group_participant_user", "group_jid_row_id") ||
        !HasColumn("group_participant_user", "user_jid_row_id")) {
      Warn("group_participant_user: group_jid_row_id/user_jid_row_id absent; members not read");
      return;
    }
    std::string sql = "SELECT g.group_jid_row_id, g.user_jid_row_id, " +
                      Col("group_participant_user", "g", "rank") +
                      " FROM group_participant_user g ORDER BY g.group_jid_row_id, "
                      "g.user_jid_row_id";
    ForEachRow("group_participant_user", sql, [this](const Stmt& stmt) {
      ResolvedJid group = Resolve(stmt.OptInt(0));
      ResolvedJid member = Resolve(stmt.OptInt(1));
      if (!member.known) {
        Warn("group_participant_user: user_jid_row_id " + std::to_string(stmt.Int(1)) +
             " not in jid; member JID left empty");
      }
      Participant participant;
      participant.chat_jid = group.jid;
      participant.member_jid = member.jid;
      participant.lid_jid = member.lid;
      participant.resolved_from_lid = member.from_lid;
      participant.phone_digits = PhoneDigitsFromJid(member.jid);
      participant.rank = stmt.OptInt(2);
      if (participant.rank) participant.admin = *participant.rank > 0;
      out_->participants.push_back(std::move(participant));
    });
  }

  void ReadLegacyParticipants(bool warn_if_absent) {
    if (!HasTable("group_participants")) {
      if (warn_if_absent) Warn("group_participants: table absent; group members not read");
      return;
    }
    CountRows("group_participants");
    if (!HasColumn("group_participants", "gjid") || !HasColumn("group_participants", "jid")) {
      Warn("group_participants: gjid/jid columns absent; members not read");
      return;
    }
    std::string sql = "SELECT g.gjid, g.jid, " + Col("group_participants", "g", "admin") +
                      " FROM group_participants g ORDER BY g.gjid, g.jid";
    ForEachRow("group_participants", sql, [this](const Stmt& stmt) {
      Participant participant;
      participant.chat_jid = Text(stmt, 0, "group_participants.gjid");
      participant.member_jid = Text(stmt, 1, "group_participants.jid");
      participant.phone_digits = PhoneDigitsFromJid(participant.member_jid);
      if (!stmt.IsNull(2)) participant.admin = stmt.Int(2) != 0;
      out_->participants.push_back(std::move(participant));
    });
  }

  // Sender rule shared by messages and media.
  void SetSender(bool from_me, std::optional<int64_t> sender_row, const Chat* chat,
                 std::string* sender, bool* from_lid) {
    *from_lid = false;
    sender->clear();
    if (from_me) return;
    if (sender_row && *sender_row > 0) {
      ResolvedJid resolved = Resolve(sender_row);
      if (resolved.known && !resolved.jid.empty()) {
        *sender = resolved.jid;
        *from_lid = resolved.from_lid;
        return;
      }
    }
    if (chat != nullptr) {
      *sender = chat->jid;
      *from_lid = !chat->lid_jid.empty();
    }
  }

  void ReadCurrentMessages() {
    if (!HasColumn("message", "_id")) {
      Warn("message._id: column absent; messages not read");
      return;
    }
    bool forwarded_table = HasColumn("message_forwarded", "message_row_id");
    bool quoted_table = HasColumn("message_quoted", "message_row_id");
    if (!forwarded_table) Warn("message_forwarded: table absent; forward scores not read");
    if (!quoted_table) Warn("message_quoted: table absent; quotes not read");
    CountRows("message_forwarded");
    CountRows("message_quoted");
    std::string sql = "SELECT m._id, " +
                      Cols("message", "m",
                           {"chat_row_id", "from_me", "key_id", "sender_jid_row_id", "timestamp",
                            "message_type", "text_data", "origination_flags", "status"}) +
                      ", " + (forwarded_table ? "f.message_row_id" : "NULL") + ", " +
                      (forwarded_table ? Col("message_forwarded", "f", "forward_score") : "NULL") +
                      ", " + (quoted_table ? Col("message_quoted", "q", "key_id") : "NULL") +
                      " FROM message m";
    if (forwarded_table) sql += " LEFT JOIN message_forwarded f ON f.message_row_id = m._id";
    if (quoted_table) sql += " LEFT JOIN message_quoted q ON q.message_row_id = m._id";
    sql += " ORDER BY m._id";
    int64_t unknown_chats = 0;
    ForEachRow("message", sql, [&](const Stmt& stmt) {
      Message message;
      message.row_id = stmt.Int(0);
      const Chat* chat = ChatByRow(stmt.OptInt(1));
      if (chat == nullptr) {
        ++unknown_chats;
      } else {
        message.chat_jid = chat->jid;
      }
      message.from_me = stmt.Int(2) != 0;
      message.key_id = Text(stmt, 3, "message.key_id");
      SetSender(message.from_me, stmt.OptInt(4), chat, &message.sender_jid,
                &message.sender_resolved_from_lid);
      message.timestamp_ms = stmt.OptInt(5);
      message.type = stmt.Int(6);
      bool truncated = false;
      message.text = stmt.Text(7, options_.max_text_bytes, &truncated);
      if (truncated) {
        message.text_truncated = true;
        Warn("message.text_data (row " + std::to_string(message.row_id) +
             "): text cell capped at " + std::to_string(options_.max_text_bytes) + " bytes");
      }
      message.status = stmt.OptInt(9);
      message.forwarded = (stmt.Int(8) & 1) != 0 || !stmt.IsNull(10);
      message.forward_score = stmt.OptInt(11);
      message.quoted_key_id = Text(stmt, 12, "message_quoted.key_id");
      out_->messages.push_back(std::move(message));
    });
    if (unknown_chats > 0) {
      Warn("message: " + std::to_string(unknown_chats) +
           " row(s) with a chat_row_id not in chat; chat JID left empty");
    }
  }

  void ReadCurrentMedia() {
    if (!RequireTable("message_media", {"message_row_id"},
                      "message_media: table absent; media metadata and hashes not read",
                      "message_media.message_row_id: column absent; media not read")) {
      return;
    }
    bool join = HasColumn("message", "_id");
    std::string sql = "SELECT mm.message_row_id, " +
                      ColQuiet("message_media", "mm", "chat_row_id") + ", " +
                      (join ? ColQuiet("message", "m", "chat_row_id") : "NULL") + ", " +
                      (join ? ColQuiet("message", "m", "from_me") : "NULL") + ", " +
                      (join ? ColQuiet("message", "m", "sender_jid_row_id") : "NULL") + ", " +
                      (join ? ColQuiet("message", "m", "timestamp") : "NULL") + ", " +
                      (join ? ColQuiet("message", "m", "message_type") : "NULL") + ", " +
                      Cols("message_media", "mm",
                           {"file_path", "mime_type", "file_size", "file_hash", "enc_file_hash"}) +
                      ", " + ColQuiet("message_media", "mm", "original_file_hash") + ", " +
                      Col("message_media", "mm", "media_name") + ", " +
                      ColQuiet("message_media", "mm", "media_caption") + " FROM message_media mm";
    if (join) sql += " LEFT JOIN message m ON m._id = mm.message_row_id";
    sql += " ORDER BY mm.message_row_id";
    ForEachRow("message_media", sql, [this](const Stmt& stmt) {
      Media media;
      media.message_row_id = stmt.Int(0);
      std::string row = " (message " + std::to_string(media.message_row_id) + ")";
      const Chat* chat = ChatByRow(stmt.IsNull(2) ? stmt.OptInt(1) : stmt.OptInt(2));
      if (chat != nullptr) media.chat_jid = chat->jid;
      media.from_me = stmt.Int(3) != 0;
      bool from_lid = false;
      SetSender(media.from_me, stmt.OptInt(4), chat, &media.sender_jid, &from_lid);
      media.timestamp_ms = stmt.OptInt(5);
      media.type = stmt.Int(6);
      media.file_path = Text(stmt, 7, "message_media.file_path" + row);
      media.mime_type = Text(stmt, 8, "message_media.mime_type" + row);
      media.size = stmt.OptInt(9);
      media.media_sha256_base64 = Text(stmt, 10, "message_media.file_hash" + row);
      media.media_sha256_hex =
          DecodeHash(media.media_sha256_base64, "message_media.file_hash" + row);
      media.enc_sha256_hex = DecodeHash(Text(stmt, 11, "message_media.enc_file_hash" + row),
                                        "message_media.enc_file_hash" + row);
      media.original_sha256_hex =
          DecodeHash(Text(stmt, 12, "message_media.original_file_hash" + row),
                     "message_media.original_file_hash" + row);
      media.media_name = Text(stmt, 13, "message_media.media_name" + row);
      media.caption = Text(stmt, 14, "message_media.media_caption" + row);
      out_->media.push_back(std::move(media));
    });
  }

  void ReadInvites() {
    if (!HasTable("message_group_invite")) return;  // optional: only invite cards
    CountRows("message_group_invite");
    if (!HasColumn("message_group_invite", "message_row_id") ||
        !HasColumn("message_group_invite", "invite_code")) {
      Warn("message_group_invite: message_row_id/invite_code absent; invite codes not read");
      return;
    }
    bool join = HasColumn("message", "_id") && HasColumn("message", "chat_row_id");
    std::string sql = "SELECT i.message_row_id, i.invite_code, " +
                      Cols("message_group_invite", "i",
                           {"group_jid_row_id", "admin_jid_row_id", "group_name", "expiration"}) +
                      ", " + (join ? "m.chat_row_id" : "NULL") + " FROM message_group_invite i";
    if (join) sql += " LEFT JOIN message m ON m._id = i.message_row_id";
    sql += " ORDER BY i.message_row_id";
    ForEachRow("message_group_invite", sql, [this](const Stmt& stmt) {
      InviteCode invite;
      invite.message_row_id = stmt.Int(0);
      invite.code = Text(stmt, 1, "message_group_invite.invite_code");
      invite.group_jid = Resolve(stmt.OptInt(2)).jid;
      invite.admin_jid = Resolve(stmt.OptInt(3)).jid;
      invite.group_name = Text(stmt, 4, "message_group_invite.group_name");
      invite.expiration = stmt.OptInt(5);
      if (const Chat* chat = ChatByRow(stmt.OptInt(6))) invite.chat_jid = chat->jid;
      out_->invites.push_back(std::move(invite));
    });
  }

  // --- legacy ---
  void ReadLegacyChats() {
    if (HasTable("chat_list") && HasColumn("chat_list", "key_remote_jid")) {
      CountRows("chat_list");
      std::string sql = "SELECT " + ColQuiet("chat_list", "c", "_id") + ", c.key_remote_jid, " +
                        Col("chat_list", "c", "subject") + ", " +
                        Col("chat_list", "c", "creation") + " FROM chat_list c";
      ForEachRow("chat_list", sql, [this](const Stmt& stmt) {
        Chat chat;
        chat.row_id = stmt.Int(0);
        chat.jid = Text(stmt, 1, "chat_list.key_remote_jid");
        chat.subject = Text(stmt, 2, "chat_list.subject");
        chat.created_ms = stmt.OptInt(3);
        if (chat.created_ms && *chat.created_ms == 0) chat.created_ms.reset();
        AddChat(std::move(chat));
      });
      return;
    }
    if (HasTable("chat") && HasTable("jid")) {  // multi-device transition layout
      ReadJids();
      ReadChatTable();
      return;
    }
    Warn("chat_list: table absent; chats derived from messages.key_remote_jid");
  }

  void ReadLegacyMessages() {
    if (!HasColumn("messages", "_id") || !HasColumn("messages", "key_remote_jid")) {
      Warn("messages: _id/key_remote_jid columns absent; messages not read");
      return;
    }
    std::string sql =
        "SELECT m._id, m.key_remote_jid, " +
        Cols("messages", "m",
             {"key_from_me", "key_id", "remote_resource", "timestamp", "media_wa_type", "data",
              "forwarded", "quoted_row_id", "status", "media_hash", "media_enc_hash",
              "media_mime_type", "media_size", "media_name", "media_caption"}) +
        " FROM messages m ORDER BY m._id";
    ForEachRow("messages", sql, [this](const Stmt& stmt) {
      Message message;
      message.row_id = stmt.Int(0);
      std::string row = " (row " + std::to_string(message.row_id) + ")";
      message.chat_jid = Text(stmt, 1, "messages.key_remote_jid" + row);
      Chat chat;
      chat.jid = message.chat_jid;
      AddChat(std::move(chat));
      message.from_me = stmt.Int(2) != 0;
      message.key_id = Text(stmt, 3, "messages.key_id" + row);
      if (!message.from_me) {
        message.sender_jid = Text(stmt, 4, "messages.remote_resource" + row);
        if (message.sender_jid.empty()) message.sender_jid = message.chat_jid;
      }
      message.timestamp_ms = stmt.OptInt(5);
      message.type = stmt.Int(6);
      bool truncated = false;
      message.text = stmt.Text(7, options_.max_text_bytes, &truncated);
      if (truncated) {
        message.text_truncated = true;
        Warn("messages.data" + row + ": text cell capped at " +
             std::to_string(options_.max_text_bytes) + " bytes");
      }
      message.forwarded = stmt.Int(8) > 0;
      message.quoted_row_id = stmt.OptInt(9);
      if (message.quoted_row_id && *message.quoted_row_id == 0) message.quoted_row_id.reset();
      message.status = stmt.OptInt(10);

      Media media;
      media.media_sha256_base64 = Text(stmt, 11, "messages.media_hash" + row);
      std::string enc = Text(stmt, 12, "messages.media_enc_hash" + row);
      media.mime_type = Text(stmt, 13, "messages.media_mime_type" + row);
      media.size = stmt.OptInt(14);
      if (media.size && *media.size == 0) media.size.reset();
      media.media_name = Text(stmt, 15, "messages.media_name" + row);
      media.caption = Text(stmt, 16, "messages.media_caption" + row);
      bool has_media = !media.media_sha256_base64.empty() || !enc.empty() ||
                       !media.mime_type.empty() || !media.media_name.empty() || media.size;
      if (has_media) {
        media.message_row_id = message.row_id;
        media.chat_jid = message.chat_jid;
        media.sender_jid = message.sender_jid;
        media.from_me = message.from_me;
        media.timestamp_ms = message.timestamp_ms;
        media.type = message.type;
        media.media_sha256_hex = DecodeHash(media.media_sha256_base64, "messages.media_hash" + row);
        media.enc_sha256_hex = DecodeHash(enc, "messages.media_enc_hash" + row);
        out_->media.push_back(std::move(media));
      }
      out_->messages.push_back(std::move(message));
    });
  }

  // --- wa.db ---
  Status ReadContacts() {
    CountRows("wa_contacts");
    if (!HasColumn("wa_contacts", "jid")) {
      Warn("wa_contacts.jid: column absent; contacts not read");
      return Status::Ok();
    }
    std::string sql =
        "SELECT c.jid, " + Cols("wa_contacts", "c", {"display_name", "wa_name", "number"}) +
        " FROM wa_contacts c ORDER BY " + (HasColumn("wa_contacts", "_id") ? "c._id" : "c.jid");
    ForEachRow("wa_contacts", sql, [this](const Stmt& stmt) {
      Contact contact;
      contact.jid = Text(stmt, 0, "wa_contacts.jid");
      contact.display_name = Text(stmt, 1, "wa_contacts.display_name");
      contact.wa_name = Text(stmt, 2, "wa_contacts.wa_name");
      contact.number = Text(stmt, 3, "wa_contacts.number");
      out_->contacts.push_back(std::move(contact));
    });
    if (Rows("wa_contacts") > 0 && out_->contacts.empty()) {
      Warn("wa_contacts: table holds " + std::to_string(Rows("wa_contacts")) +
           " row(s) but none were extracted");
    }
    return Status::Ok();
  }

  const ReadOptions& options_;
  WhatsAppExtract* out_;
  std::unordered_map<int64_t, JidRow> jids_;
  std::unordered_map<int64_t, int64_t> lid_to_phone_;
  std::unordered_set<int64_t> unmapped_lids_;
  std::unordered_map<std::string, size_t> chat_by_jid_;
  std::unordered_map<int64_t, size_t> chat_by_row_;
};

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;
  if (c == '/' || c == '_') return 63;
  return -1;
}

bool AllDigits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

Result<std::string> CopyWithSidecars(const std::string& db_path, const std::string& temp_dir) {
  std::error_code ec;
  if (!fs::is_regular_file(db_path, ec)) {
    return NotFoundError("copy " + db_path + ": not a regular file");
  }
  if (!fs::is_directory(temp_dir, ec)) {
    return InvalidArgumentError("copy " + db_path + ": " + temp_dir + " is not a directory");
  }
  fs::path dest = fs::path(temp_dir) / fs::path(db_path).filename();
  if (fs::exists(dest, ec) && fs::equivalent(db_path, dest, ec)) {
    return InvalidArgumentError("copy " + db_path + ": destination is the source itself");
  }
  auto copy = [&](const std::string& from, const std::string& to) -> Status {
    std::error_code copy_ec;
    fs::copy_file(from, to, fs::copy_options::overwrite_existing, copy_ec);
    if (copy_ec) return IoError("copy " + from + " to " + to + ": " + copy_ec.message());
    return Status::Ok();
  };
  TANTALIO_RETURN_IF_ERROR(copy(db_path, dest.string()));
  for (const char* suffix : {"-wal", "-journal"}) {
    std::string from = db_path + suffix;
    std::string to = dest.string() + suffix;
    if (fs::exists(from, ec)) {
      TANTALIO_RETURN_IF_ERROR(copy(from, to));
    } else {
      fs::remove(to, ec);  // a stale sidecar from an earlier copy would be applied
    }
  }
  fs::remove(dest.string() + "-shm", ec);
  return dest.string();
}

WhatsAppDatabaseKind DetectAndroidWhatsAppFromTables(const std::vector<std::string>& tables) {
  bool msgstore = false;
  bool wa_db = false;
  for (const std::string& table : tables) {
    std::string name = Lower(table);
    if (name == "message" || name == "messages") msgstore = true;
    if (name == "wa_contacts") wa_db = true;
  }
  if (msgstore) return WhatsAppDatabaseKind::kAndroidMsgstore;
  if (wa_db) return WhatsAppDatabaseKind::kAndroidWaDb;
  return WhatsAppDatabaseKind::kUnknown;
}

WhatsAppDatabaseKind DetectAndroidWhatsApp(const std::string& db_path) {
  auto db = OpenReadOnly(db_path);
  if (!db.ok()) return WhatsAppDatabaseKind::kUnknown;
  auto schema = ReadSchema(db->get(), db_path);
  if (!schema.ok()) return WhatsAppDatabaseKind::kUnknown;
  std::vector<std::string> tables;
  for (const auto& entry : *schema) tables.push_back(entry.first);
  return DetectAndroidWhatsAppFromTables(tables);
}

Result<WhatsAppExtract> ReadAndroidWhatsApp(const std::string& db_path,
                                            const ReadOptions& options) {
  TANTALIO_ASSIGN_OR_RETURN(DbPtr db, OpenReadOnly(db_path));
  TANTALIO_ASSIGN_OR_RETURN(Schema schema, ReadSchema(db.get(), db_path));
  WhatsAppExtract extract;
  Reader reader(db.get(), std::move(schema), options, &extract);
  TANTALIO_RETURN_IF_ERROR(reader.Run());
  return extract;
}

std::optional<std::string> DecodeBase64Sha256(std::string_view base64) {
  while (!base64.empty() && (base64.back() == '=' || base64.back() == '\n' ||
                             base64.back() == '\r' || base64.back() == ' ')) {
    base64.remove_suffix(1);
  }
  if (base64.size() != 43) return std::nullopt;  // 32 bytes = 43 symbols + one '='
  std::vector<uint8_t> bytes;
  bytes.reserve(33);
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : base64) {
    int value = Base64Value(c);
    if (value < 0) return std::nullopt;
    buffer = (buffer << 6) | static_cast<uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push_back(static_cast<uint8_t>((buffer >> bits) & 0xFF));
    }
  }
  if (bytes.size() != 32) return std::nullopt;
  if ((buffer & ((1u << bits) - 1)) != 0) return std::nullopt;  // non-canonical trailing bits
  return ToHex(bytes);
}

std::optional<LegacyGroupJid> ParseLegacyGroupJid(std::string_view jid) {
  constexpr std::string_view kSuffix = "@g.us";
  if (jid.size() <= kSuffix.size() || jid.substr(jid.size() - kSuffix.size()) != kSuffix) {
    return std::nullopt;
  }
  std::string_view user = jid.substr(0, jid.size() - kSuffix.size());
  size_t dash = user.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  std::string_view creator = user.substr(0, dash);
  std::string_view seconds = user.substr(dash + 1);
  // E.164 numbers have at most 15 digits; Unix seconds fit in 11 digits for
  // millennia, and bounding them keeps the millisecond product in range.
  if (!AllDigits(creator) || creator.size() > 15 || !AllDigits(seconds) || seconds.size() > 11) {
    return std::nullopt;
  }
  LegacyGroupJid out;
  out.creator_phone_digits = std::string(creator);
  out.created_ms = std::stoll(std::string(seconds)) * 1000;
  return out;
}

ChatKind ClassifyJid(std::string_view jid) {
  size_t at = jid.rfind('@');
  if (at == std::string_view::npos) return ChatKind::kUnknown;
  std::string_view server = jid.substr(at + 1);
  if (server == "g.us") return ChatKind::kGroup;
  if (server == "broadcast") {
    return jid.substr(0, at) == "status" ? ChatKind::kStatus : ChatKind::kBroadcast;
  }
  if (server == "newsletter") return ChatKind::kNewsletter;
  if (server == "s.whatsapp.net" || server == "c.us" || server == "lid") {
    return ChatKind::kIndividual;
  }
  return ChatKind::kUnknown;
}

std::string PhoneDigitsFromJid(std::string_view jid) {
  size_t at = jid.rfind('@');
  if (at == std::string_view::npos) return {};
  std::string_view server = jid.substr(at + 1);
  if (server != "s.whatsapp.net" && server != "c.us") return {};
  std::string_view user = jid.substr(0, at);
  user = user.substr(0, user.find(':'));  // drop ":device"
  if (!AllDigits(user)) return {};
  return std::string(user);
}

}  // namespace tantalio::artifacts
