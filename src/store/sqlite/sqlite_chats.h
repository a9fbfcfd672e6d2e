// The chat-artifact and identifier half of the SQLite store (internal to the
// backend). SqliteStore forwards the Store methods of that half here.
#ifndef TANTALIO_STORE_SQLITE_SQLITE_CHATS_H_
#define TANTALIO_STORE_SQLITE_SQLITE_CHATS_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/sqlite/sqlite_handle.h"
#include "store/store.h"

namespace tantalio::sqlite {

class SqliteChats {
 public:
  explicit SqliteChats(Database& db) : db_(db) {}

  // Write a batch's chat databases and identifiers; run inside Store::Apply's
  // transaction. A database already stored for the device is left as it is.
  Status WriteChatDatabases(int64_t device_id, std::optional<int64_t> scan_id,
                            const std::vector<ChatDatabaseRecord>& databases);
  Status WriteIdentifiers(int64_t device_id, std::optional<int64_t> scan_id,
                          const std::vector<IdentifierRecord>& identifiers);

  Result<std::vector<ChatDatabaseRow>> ListDatabases(int64_t case_id,
                                                     std::optional<int64_t> device_id);
  Status ForEachChat(int64_t case_id, std::optional<int64_t> device_id,
                     const std::function<bool(const ChatRow&)>& visit);
  Status ForEachMessage(int64_t case_id, std::string_view chat_jid,
                        const std::function<bool(const ChatMessageRow&)>& visit);
  Status ForEachMedia(int64_t case_id, const MediaFilter& filter,
                      const std::function<bool(const ChatMediaRow&)>& visit);
  Status ForEachIdentifier(int64_t case_id, std::string_view kind,
                           const std::function<bool(const IdentifierRow&)>& visit);
  Result<std::vector<CrossDeviceLink>> CrossDeviceLinks(int64_t case_id);

 private:
  struct Owner {
    std::string jid;
    bool inferred = false;
  };
  // The owner account of each chat database of the case (by database id):
  // recorded by the database, or else inferred from the owner's own messages
  // seen as incoming on another device (same protocol message id).
  Result<std::map<int64_t, Owner>> Owners(int64_t case_id);
  // JID -> "<display name> (in <device>'s contacts)", from the contacts of
  // the case's devices (the first device by label wins).
  Result<std::map<std::string, std::string>> ClaimedNames(int64_t case_id);

  Database& db_;
};

}  // namespace tantalio::sqlite

#endif  // TANTALIO_STORE_SQLITE_SQLITE_CHATS_H_
