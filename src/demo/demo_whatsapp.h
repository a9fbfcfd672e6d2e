// Synthetic WhatsApp databases for the demo and for tests: an Android
// msgstore.db of the current era (jid, chat, message, message_media,
// message_forwarded, message_quoted, group_participant_user,
// message_group_invite) and a
// wa.db of contacts, written through SQLite with the column names that
// WhatsApp uses. Only fictional people: numbers from reserved drama ranges,
// names that say they are examples.
#ifndef TANTALIO_DEMO_DEMO_WHATSAPP_H_
#define TANTALIO_DEMO_DEMO_WHATSAPP_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"

struct sqlite3;

namespace tantalio::demo {

class MsgstoreWriter {
 public:
  // Creates `path` (replacing a file there). With `wal`, the database is in
  // WAL mode and rows written after CheckpointAndKeepWal() stay in the -wal.
  static Result<std::unique_ptr<MsgstoreWriter>> Create(const std::string& path, bool wal = false);
  ~MsgstoreWriter();
  MsgstoreWriter(const MsgstoreWriter&) = delete;
  MsgstoreWriter& operator=(const MsgstoreWriter&) = delete;

  // A chat (1:1 phone JID, or group JID with its subject). Returns its row.
  Result<int64_t> AddChat(const std::string& jid, const std::string& subject = "",
                          std::optional<int64_t> created_ms = std::nullopt);
  Status AddMember(const std::string& group_jid, const std::string& member_jid, int rank = 0);

  struct Message {
    std::string chat_jid;
    std::string key_id;
    std::string sender_jid;  // "" for the owner's own messages
    int64_t timestamp_ms = 0;
    int type = 0;  // 0 text, 1 image, 24 group invite (Android codes)
    std::string text;
    std::optional<int64_t> forward_score;  // set: forwarded this many times
  };
  Result<int64_t> AddMessage(const Message& message);
  // Media of message `row`: the SHA-256 of `content` is stored base64, as
  // WhatsApp does.
  Status AddMedia(int64_t row, const std::string& chat_jid, const std::string& file_path,
                  const std::string& mime_type, const std::vector<uint8_t>& content);
  Status AddInvite(int64_t row, const std::string& group_jid, const std::string& admin_jid,
                   const std::string& group_name, const std::string& code);

  // Moves everything so far into the main file; rows added later stay in
  // the -wal, which Close() then leaves beside the file, as on a seized
  // phone (WAL mode only).
  Status CheckpointAndKeepWal();
  Status Close();

 private:
  explicit MsgstoreWriter(sqlite3* db) : db_(db) {}
  Result<int64_t> Jid(const std::string& jid);
  Status Exec(const std::string& sql);

  sqlite3* db_;
  std::map<std::string, int64_t> jids_;
  std::map<std::string, int64_t> chats_;
};

struct DemoContact {
  std::string jid;
  std::string display_name;  // as the phone's address book names them (a claim)
};
// Writes a wa.db with `contacts`.
Status WriteWaDb(const std::string& path, const std::vector<DemoContact>& contacts);

}  // namespace tantalio::demo

#endif  // TANTALIO_DEMO_DEMO_WHATSAPP_H_
