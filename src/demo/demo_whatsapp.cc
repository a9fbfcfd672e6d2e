#include "demo/demo_whatsapp.h"

#include <openssl/evp.h>
#include <openssl/sha.h>
#include <sqlite3.h>

#include <filesystem>

namespace tantalio::demo {
namespace {

constexpr char kSchema[] = R"sql(
CREATE TABLE jid (_id INTEGER PRIMARY KEY AUTOINCREMENT, user TEXT NOT NULL, server TEXT NOT NULL,
  agent INTEGER, device INTEGER, type INTEGER, raw_string TEXT);
CREATE TABLE chat (_id INTEGER PRIMARY KEY AUTOINCREMENT, jid_row_id INTEGER UNIQUE,
  hidden INTEGER, subject TEXT, created_timestamp INTEGER);
CREATE TABLE message (_id INTEGER PRIMARY KEY AUTOINCREMENT, chat_row_id INTEGER NOT NULL,
  from_me INTEGER NOT NULL, key_id TEXT NOT NULL, sender_jid_row_id INTEGER, status INTEGER,
  origination_flags INTEGER, timestamp INTEGER, message_type INTEGER, text_data TEXT);
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
)sql";

Status SqliteError(sqlite3* db, const std::string& what) {
  return InternalError(what + ": " + (db != nullptr ? sqlite3_errmsg(db) : "out of memory"));
}

// Runs `sql` with positional text/integer/NULL parameters; returns the rowid.
class Insert {
 public:
  Insert(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK) stmt_ = nullptr;
  }
  ~Insert() { sqlite3_finalize(stmt_); }
  Insert& Text(const std::string& v) {
    sqlite3_bind_text(stmt_, ++index_, v.c_str(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Insert& Int(std::optional<int64_t> v) {
    if (v) {
      sqlite3_bind_int64(stmt_, ++index_, *v);
    } else {
      sqlite3_bind_null(stmt_, ++index_);
    }
    return *this;
  }
  Result<int64_t> Run(const std::string& what) {
    if (stmt_ == nullptr || sqlite3_step(stmt_) != SQLITE_DONE) return SqliteError(db_, what);
    return sqlite3_last_insert_rowid(db_);
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  int index_ = 0;
};

std::string Base64Sha256(const std::vector<uint8_t>& content) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(content.data(), content.size(), digest);
  unsigned char out[64] = {};
  EVP_EncodeBlock(out, digest, sizeof digest);
  return reinterpret_cast<const char*>(out);
}

Result<sqlite3*> OpenFresh(const std::string& path) {
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    std::filesystem::remove(path + suffix, ec);
  }
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
      SQLITE_OK) {
    Status status = SqliteError(db, "create " + path);
    sqlite3_close(db);
    return status;
  }
  return db;
}

}  // namespace

Result<std::unique_ptr<MsgstoreWriter>> MsgstoreWriter::Create(const std::string& path, bool wal) {
  TANTALIO_ASSIGN_OR_RETURN(sqlite3 * db, OpenFresh(path));
  std::unique_ptr<MsgstoreWriter> writer(new MsgstoreWriter(db));
  if (wal) TANTALIO_RETURN_IF_ERROR(writer->Exec("PRAGMA journal_mode=WAL"));
  TANTALIO_RETURN_IF_ERROR(writer->Exec(kSchema));
  return writer;
}

MsgstoreWriter::~MsgstoreWriter() {
  if (db_ != nullptr) sqlite3_close(db_);
}

Status MsgstoreWriter::Exec(const std::string& sql) {
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
    return SqliteError(db_, "demo msgstore");
  }
  return Status::Ok();
}

Result<int64_t> MsgstoreWriter::Jid(const std::string& jid) {
  if (jid.empty()) return InvalidArgumentError("empty JID");
  if (auto it = jids_.find(jid); it != jids_.end()) return it->second;
  const size_t at = jid.find('@');
  if (at == std::string::npos) return InvalidArgumentError("JID without server: " + jid);
  const std::string server = jid.substr(at + 1);
  Insert insert(db_,
                "INSERT INTO jid(user, server, agent, device, type, raw_string)"
                " VALUES(?, ?, 0, 0, ?, ?)");
  TANTALIO_ASSIGN_OR_RETURN(int64_t row, insert.Text(jid.substr(0, at))
                                             .Text(server)
                                             .Int(server == "g.us" ? 1 : 0)
                                             .Text(jid)
                                             .Run("add jid " + jid));
  jids_[jid] = row;
  return row;
}

Result<int64_t> MsgstoreWriter::AddChat(const std::string& jid, const std::string& subject,
                                        std::optional<int64_t> created_ms) {
  TANTALIO_ASSIGN_OR_RETURN(int64_t jid_row, Jid(jid));
  Insert insert(db_,
                "INSERT INTO chat(jid_row_id, hidden, subject, created_timestamp)"
                " VALUES(?, 0, NULLIF(?, ''), ?)");
  TANTALIO_ASSIGN_OR_RETURN(
      int64_t row, insert.Int(jid_row).Text(subject).Int(created_ms).Run("add chat " + jid));
  chats_[jid] = row;
  return row;
}

Status MsgstoreWriter::AddMember(const std::string& group_jid, const std::string& member_jid,
                                 int rank) {
  TANTALIO_ASSIGN_OR_RETURN(int64_t group, Jid(group_jid));
  TANTALIO_ASSIGN_OR_RETURN(int64_t member, Jid(member_jid));
  Insert insert(db_,
                "INSERT INTO group_participant_user(group_jid_row_id, user_jid_row_id, rank,"
                " pending) VALUES(?, ?, ?, 0)");
  return insert.Int(group).Int(member).Int(rank).Run("add member").status();
}

Result<int64_t> MsgstoreWriter::AddMessage(const Message& m) {
  auto chat = chats_.find(m.chat_jid);
  if (chat == chats_.end()) return InvalidArgumentError("message in unknown chat " + m.chat_jid);
  std::optional<int64_t> sender;
  if (!m.sender_jid.empty()) {
    TANTALIO_ASSIGN_OR_RETURN(sender, Jid(m.sender_jid));
  }
  Insert insert(db_,
                "INSERT INTO message(chat_row_id, from_me, key_id, sender_jid_row_id, status,"
                " origination_flags, timestamp, message_type, text_data)"
                " VALUES(?, ?, ?, ?, ?, ?, ?, ?, NULLIF(?, ''))");
  TANTALIO_ASSIGN_OR_RETURN(int64_t row, insert.Int(chat->second)
                                             .Int(m.sender_jid.empty() ? 1 : 0)
                                             .Text(m.key_id)
                                             .Int(sender)
                                             .Int(m.sender_jid.empty() ? 13 : 0)
                                             .Int(m.forward_score ? 1 : 0)
                                             .Int(m.timestamp_ms)
                                             .Int(m.type)
                                             .Text(m.text)
                                             .Run("add message " + m.key_id));
  if (m.forward_score) {
    Insert forwarded(db_,
                     "INSERT INTO message_forwarded(message_row_id, forward_score, forward_origin)"
                     " VALUES(?, ?, 0)");
    TANTALIO_RETURN_IF_ERROR(forwarded.Int(row).Int(m.forward_score).Run("forwarded").status());
  }
  return row;
}

Status MsgstoreWriter::AddMedia(int64_t row, const std::string& chat_jid,
                                const std::string& file_path, const std::string& mime_type,
                                const std::vector<uint8_t>& content) {
  auto chat = chats_.find(chat_jid);
  if (chat == chats_.end()) return InvalidArgumentError("media in unknown chat " + chat_jid);
  Insert insert(db_,
                "INSERT INTO message_media(message_row_id, chat_row_id, file_path, file_size,"
                " mime_type, file_hash) VALUES(?, ?, ?, ?, ?, ?)");
  return insert.Int(row)
      .Int(chat->second)
      .Text(file_path)
      .Int(static_cast<int64_t>(content.size()))
      .Text(mime_type)
      .Text(Base64Sha256(content))
      .Run("add media")
      .status();
}

Status MsgstoreWriter::AddInvite(int64_t row, const std::string& group_jid,
                                 const std::string& admin_jid, const std::string& group_name,
                                 const std::string& code) {
  TANTALIO_ASSIGN_OR_RETURN(int64_t group, Jid(group_jid));
  TANTALIO_ASSIGN_OR_RETURN(int64_t admin, Jid(admin_jid));
  Insert insert(db_,
                "INSERT INTO message_group_invite(message_row_id, group_jid_row_id,"
                " admin_jid_row_id, group_name, invite_code, expiration, invite_time, expired)"
                " VALUES(?, ?, ?, ?, ?, NULL, NULL, 0)");
  return insert.Int(row).Int(group).Int(admin).Text(group_name).Text(code).Run("invite").status();
}

Status MsgstoreWriter::CheckpointAndKeepWal() {
  TANTALIO_RETURN_IF_ERROR(Exec("PRAGMA wal_checkpoint(TRUNCATE)"));
  if (sqlite3_db_config(db_, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr) != SQLITE_OK) {
    return SqliteError(db_, "keep the WAL on close");
  }
  return Status::Ok();
}

Status MsgstoreWriter::Close() {
  if (db_ == nullptr) return Status::Ok();
  sqlite3* db = db_;
  db_ = nullptr;
  if (sqlite3_close(db) != SQLITE_OK) return InternalError("close the demo msgstore");
  return Status::Ok();
}

Status WriteWaDb(const std::string& path, const std::vector<DemoContact>& contacts) {
  TANTALIO_ASSIGN_OR_RETURN(sqlite3 * db, OpenFresh(path));
  std::unique_ptr<sqlite3, int (*)(sqlite3*)> owner(db, sqlite3_close);
  if (sqlite3_exec(db,
                   "CREATE TABLE wa_contacts (_id INTEGER PRIMARY KEY AUTOINCREMENT,"
                   " jid TEXT NOT NULL, is_whatsapp_user INTEGER, status TEXT, number TEXT,"
                   " display_name TEXT, wa_name TEXT)",
                   nullptr, nullptr, nullptr) != SQLITE_OK) {
    return SqliteError(db, "create wa.db");
  }
  for (const DemoContact& c : contacts) {
    Insert insert(db,
                  "INSERT INTO wa_contacts(jid, is_whatsapp_user, number, display_name)"
                  " VALUES(?, 1, ?, ?)");
    const std::string number = "+" + c.jid.substr(0, c.jid.find('@'));
    TANTALIO_RETURN_IF_ERROR(
        insert.Text(c.jid).Text(number).Text(c.display_name).Run("add contact").status());
  }
  return Status::Ok();
}

}  // namespace tantalio::demo
