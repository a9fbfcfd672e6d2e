// Values for chat artifacts (messenger databases found on devices) and
// identifiers found in text, as they flow into and out of the Store. What a
// database holds is artifacts::WhatsAppExtract: the store keeps exactly what
// the readers produce, so there is one definition of a chat, member,
// message, media row, invite and contact.
//
// Every row read back carries its evidence: the device, the database's
// forensic path, the row id inside that database and the time.
#ifndef TANTALIO_STORE_CHAT_RECORDS_H_
#define TANTALIO_STORE_CHAT_RECORDS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "artifacts/whatsapp.h"

namespace tantalio {

// States of a chat database, as stored.
inline constexpr char kChatDbParsed[] = "parsed";              // read; rows below
inline constexpr char kChatDbEncrypted[] = "encrypted";        // backup: key needed
inline constexpr char kChatDbUnrecognised[] = "unrecognised";  // SQLite, layout not known
inline constexpr char kChatDbError[] = "error";                // could not be read (error row)

// IdentifierRecord::location of the account's own number as the app's
// preferences state it: the store takes it as the owner of the device's
// chat databases.
inline constexpr char kWhatsAppOwnNumberLocation[] = "WhatsApp own number (preferences cc, ph)";

// One messenger database found during a scan, with what was read from it.
struct ChatDatabaseRecord {
  std::string forensic_path;  // the database file
  std::string sha256;         // its content as scanned
  std::string app = "whatsapp";
  std::string kind;   // artifacts::WhatsAppDatabaseKindName, or "crypt12", "crypt14", ...
  std::string state;  // kChatDb*
  std::string note;   // one sentence for the investigator, e.g. "encrypted backup: key needed"
  std::vector<std::string> sidecars;   // "-wal", "-journal" read with it
  artifacts::WhatsAppExtract extract;  // empty unless parsed
};

// One identifier occurrence.
struct IdentifierRecord {
  std::string forensic_path;  // the file it was found in
  // Where inside the file: "" for the text of a plain file, "message 123"
  // (row id) for a chat text, "member of <group JID>", "table.column row 5"
  // for a cell of another SQLite database.
  std::string location;
  std::string kind;    // artifacts::IdentifierKindName: "phone", "email", ...
  std::string value;   // normalised (E.164 for phones)
  std::string raw;     // as found
  int64_t offset = 0;  // byte offset in the text it was found in
};

// ---- Read back ----

// Where a row came from.
struct ChatEvidence {
  std::string device;
  std::string database;  // forensic path of the database
  int64_t row_id = 0;    // the database's own row id (message _id / Z_PK)
};

struct ChatDatabaseRow {
  std::string device;
  std::string forensic_path;
  std::string app, kind, state, era, note;
  std::string owner_jid;  // as recorded, or inferred (see owner_inferred)
  bool owner_inferred = false;
  uint64_t chats = 0, messages = 0, media = 0, contacts = 0, warnings = 0;
};

struct ChatRow {
  ChatEvidence evidence;
  artifacts::Chat chat;
  std::vector<std::string> members;  // member JIDs (phone JIDs where known), as listed
  uint64_t messages = 0, media = 0;
  std::optional<int64_t> first_ms, last_ms;  // message times
};

struct ChatMessageRow {
  ChatEvidence evidence;  // row_id = the message's row id
  artifacts::Message message;
  // The sender's phone JID: the member who sent it, or for the device's own
  // messages the device owner (recorded, or inferred from the same message
  // seen as incoming on another device: see sender_inferred).
  std::string sender;
  bool sender_inferred = false;
  // The name a seized device's contacts (wa.db, ContactsV2) give the sender,
  // with the device: "Bob (in phone1's contacts)". A claim of an address
  // book, never an identity. "" when none.
  std::string sender_claimed_name;
  std::string media_sha256;     // hex, "" without media
  bool known = false;           // the media matches an illegal or watch set
  std::optional<int> category;  // of its most severe entry, when categorised
};

// A media message, with what links it: the files on the case's devices with
// the same SHA-256, and the known-material entries it matches.
struct ChatMediaRow {
  ChatEvidence evidence;  // row_id = the message's row id
  std::string chat_jid, chat_subject;
  std::string key_id;
  std::string sender;  // as ChatMessageRow::sender ("" when unknown)
  bool sender_inferred = false;
  std::string sender_claimed_name;  // as ChatMessageRow::sender_claimed_name
  bool from_me = false;
  std::optional<int64_t> timestamp_ms;
  bool forwarded = false;
  std::optional<int64_t> forward_score;
  std::string sha256, file_path, mime_type;
  // Known material: the most severe matching entry of an illegal or watch set.
  std::string hash_set;  // "" when none
  std::optional<int> category;
  std::string category_source;
  uint64_t files_in_case = 0;  // scanned files with this SHA-256, any device
};

struct MediaFilter {
  std::string hash_set;         // only media matching this set
  std::optional<int> category;  // only media in this project category
  std::string sha256;           // only this media hash (known or not)
};

struct IdentifierRow {
  std::string kind, value;
  // For a WhatsApp invite: the group it opens, where an invite card in the
  // case's chat databases names it ("<group JID> <name>"); else "".
  std::string detail;
  std::vector<std::string> devices;
  uint64_t occurrences = 0;
  std::string example;  // "<device>:<path> <location>" of the first occurrence
};

// A value seen on several devices of a case: a group, a media hash or an
// identifier. `detail` names it for people (group subject, category).
struct CrossDeviceLink {
  std::string what;  // "group", "media", "identifier:<kind>", "member"
  std::string value;
  std::string detail;
  std::vector<std::string> devices;  // for "member": the groups instead
};

}  // namespace tantalio

#endif  // TANTALIO_STORE_CHAT_RECORDS_H_
