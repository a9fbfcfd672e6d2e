// Plain value types for WhatsApp artifacts (messages, chats, groups, media
// hashes, contacts) extracted from a messenger database. No behaviour here:
// readers (whatsapp_android.h) fill a WhatsAppExtract; later stages link it.
//
// Conventions for every field below:
//  - JIDs are stored as text "user@server" (e.g. "447700900123@s.whatsapp.net",
//    "120363000000000001@g.us"). Where a hidden-identity "@lid" JID was mapped
//    to a phone JID through `jid_map`, the phone JID is stored and the original
//    LID is kept beside it.
//  - Times are milliseconds since the Unix epoch (UTC), as Android stores them;
//    std::nullopt when the column is absent or NULL.
//  - Row ids are the database's own (`_id`): only meaningful within one file.
//  - Empty string means "absent/NULL"; the schema probe emits a warning when a
//    whole column is absent, so empty never silently hides a missing column.
#ifndef TANTALIO_ARTIFACTS_WHATSAPP_H_
#define TANTALIO_ARTIFACTS_WHATSAPP_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tantalio::artifacts {

enum class WhatsAppDatabaseKind {
  kUnknown,          // no WhatsApp table recognised
  kAndroidMsgstore,  // msgstore.db: messages, chats, groups, media metadata
  kAndroidWaDb,      // wa.db: contacts
  kIosChatStorage,   // ChatStorage.sqlite (Core Data): messages, chats, groups, media
  kIosContacts,      // ContactsV2.sqlite (Core Data): address-book contacts
};

// "android_msgstore", "android_wa_db", "ios_chatstorage", "ios_contacts" or
// "unknown".
inline const char* WhatsAppDatabaseKindName(WhatsAppDatabaseKind kind) {
  switch (kind) {
    case WhatsAppDatabaseKind::kAndroidMsgstore:
      return "android_msgstore";
    case WhatsAppDatabaseKind::kAndroidWaDb:
      return "android_wa_db";
    case WhatsAppDatabaseKind::kIosChatStorage:
      return "ios_chatstorage";
    case WhatsAppDatabaseKind::kIosContacts:
      return "ios_contacts";
    case WhatsAppDatabaseKind::kUnknown:
      break;
  }
  return "unknown";
}

enum class ChatKind {
  kUnknown,
  kIndividual,  // 1:1 (s.whatsapp.net, c.us, lid)
  kGroup,       // g.us
  kBroadcast,   // <id>@broadcast lists
  kStatus,      // status@broadcast
  kNewsletter,  // channels (newsletter)
};

// "individual", "group", "broadcast", "status", "newsletter" or "unknown".
inline const char* ChatKindName(ChatKind kind) {
  switch (kind) {
    case ChatKind::kIndividual:
      return "individual";
    case ChatKind::kGroup:
      return "group";
    case ChatKind::kBroadcast:
      return "broadcast";
    case ChatKind::kStatus:
      return "status";
    case ChatKind::kNewsletter:
      return "newsletter";
    case ChatKind::kUnknown:
      break;
  }
  return "unknown";
}

// The inverse of ChatKindName; kUnknown for any other text.
inline ChatKind ChatKindFromName(std::string_view name) {
  for (ChatKind kind : {ChatKind::kIndividual, ChatKind::kGroup, ChatKind::kBroadcast,
                        ChatKind::kStatus, ChatKind::kNewsletter}) {
    if (name == ChatKindName(kind)) return kind;
  }
  return ChatKind::kUnknown;
}

struct Chat {
  int64_t row_id = 0;   // chat._id (current) / chat_list._id; 0 when derived from messages
  std::string jid;      // chat JID, LID resolved to the phone JID where jid_map knows it
  std::string lid_jid;  // the original "@lid" JID when `jid` was resolved from it, else ""
  ChatKind kind = ChatKind::kUnknown;
  std::string subject;                // group name (chat.subject / chat_list.subject)
  std::optional<int64_t> created_ms;  // chat.created_timestamp (database column)
  // Decoded from a legacy group JID "<creator>-<unix seconds>@g.us": the
  // creator's number (digits, as in the JID) and the creation time. Empty /
  // nullopt for modern "120363…@g.us" JIDs and non-groups.
  std::string creator_phone_digits;
  std::optional<int64_t> jid_created_ms;
};

struct Participant {
  std::string chat_jid;      // group JID
  std::string member_jid;    // phone JID where resolvable, else the stored JID ("" = own user)
  std::string lid_jid;       // original "@lid" JID when member_jid was resolved from it
  std::string phone_digits;  // user part of a phone JID (no '+', no device); "" for LIDs
  // The number in E.164 ("+447700900123") when libphonenumber finds the
  // digits a possible number; "" otherwise and for LIDs. Set by
  // ReadWhatsAppDatabase (whatsapp_reader.h).
  std::string phone_e164;
  bool resolved_from_lid = false;
  std::optional<bool> admin;    // legacy `admin` column, or current `rank` > 0 (best effort)
  std::optional<int64_t> rank;  // group_participant_user.rank where present
};

struct Message {
  int64_t row_id = 0;    // message._id / messages._id
  std::string chat_jid;  // chat JID (resolved as Chat::jid)
  std::string key_id;    // protocol message id, shared by sender's and receiver's copies
  // Sender: "" for own messages (from_me = true); the chat JID for incoming
  // 1:1 messages; the member JID (LID-resolved) for incoming group messages.
  std::string sender_jid;
  bool sender_resolved_from_lid = false;
  bool from_me = false;
  std::optional<int64_t> timestamp_ms;
  int64_t type = 0;  // Android message_type / legacy media_wa_type (spec §7 codes)
  std::optional<int64_t> status;
  std::string text;  // text_data / data; capped at ReadOptions::max_text_bytes (warning)
  bool text_truncated = false;
  // Forwarded: message_forwarded row, origination_flags & 1, or legacy
  // `forwarded` > 0. forward_score: message_forwarded.forward_score (hops).
  bool forwarded = false;
  std::optional<int64_t> forward_score;
  std::optional<int64_t> quoted_row_id;  // legacy messages.quoted_row_id (messages_quotes._id)
  std::string quoted_key_id;             // current message_quoted.key_id (= original's key_id)
};

struct Media {
  int64_t message_row_id = 0;
  std::string chat_jid;
  std::string sender_jid;  // same rule as Message::sender_jid
  bool from_me = false;
  std::optional<int64_t> timestamp_ms;
  int64_t type = 0;        // the message's type code
  std::string file_path;   // message_media.file_path (relative or absolute); "" in legacy DBs
  std::string media_name;  // media_name (documents keep the sender's file name)
  std::string mime_type;
  std::optional<int64_t> size;  // file_size (or legacy media_size)
  std::string caption;
  // SHA-256 of the decrypted media as 64 lower-case hex, decoded from the
  // base64 `file_hash` / `media_hash`. "" when absent or invalid (a warning
  // says which). `media_sha256_base64` keeps the stored text as evidence.
  std::string media_sha256_hex;
  std::string media_sha256_base64;
  std::string enc_sha256_hex;  // SHA-256 of the encrypted upload (enc_file_hash / media_enc_hash)
  std::string original_sha256_hex;  // message_media.original_file_hash (meaning unconfirmed)
};

// An invite card (message_group_invite): the code without the URL prefix.
struct InviteCode {
  int64_t message_row_id = 0;
  std::string chat_jid;   // chat the card was sent in
  std::string group_jid;  // group the code invites to
  std::string admin_jid;  // admin who issued the code
  std::string group_name;
  std::string code;                   // link: "https://chat.whatsapp.com/" + code
  std::optional<int64_t> expiration;  // as stored (unit unconfirmed)
};

// A wa.db contact (wa_contacts). The display name is the name the device's
// address book (or the contact) claims, not a verified identity.
struct Contact {
  std::string jid;
  std::string display_name;  // display_name
  std::string wa_name;       // wa_name (the contact's own push name)
  std::string number;        // number, as stored (not normalised)
};

// The device owner, where the database records it.
struct OwnerAccount {
  std::string push_name;  // props.user_push_name
  // The owner's own phone JID where the database records it (e.g. iOS
  // ZWAMESSAGE.ZFROMJID of outgoing rows is empty, but some tables hold it);
  // "" when unknown.
  std::string jid;
};

struct WhatsAppExtract {
  WhatsAppDatabaseKind kind = WhatsAppDatabaseKind::kUnknown;
  std::string era;  // "legacy", "current", "current+jid_map", "wa.db" or "" (unknown)
  std::vector<std::string> tables_found;  // sorted names of every table in sqlite_master
  // FNV-1a 64 (hex, not cryptographic) of the sorted "table(col,col,…);" list:
  // identifies the schema layout the extraction ran against.
  std::string schema_fingerprint;
  std::vector<Chat> chats;
  std::vector<Participant> participants;
  std::vector<Message> messages;
  std::vector<Media> media;
  std::vector<InviteCode> invites;
  std::vector<Contact> contacts;
  std::optional<OwnerAccount> owner;
  // Each "what: why", e.g. "message_media.file_hash (row 12): invalid base64".
  std::vector<std::string> warnings;
  // COUNT(*) of each table the reader used, to tell "empty" from "not read".
  std::map<std::string, int64_t> table_rows;
};

}  // namespace tantalio::artifacts

#endif  // TANTALIO_ARTIFACTS_WHATSAPP_H_
