// The hash-set and match half of the SQLite store (internal to the backend).
// SqliteStore forwards the Store methods of that half here.
#ifndef TANTALIO_STORE_SQLITE_SQLITE_HASH_SETS_H_
#define TANTALIO_STORE_SQLITE_SQLITE_HASH_SETS_H_

#include <functional>
#include <map>
#include <memory>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "store/sqlite/sqlite_handle.h"
#include "store/store.h"

namespace tantalio::sqlite {

class SqliteHashSets {
 public:
  explicit SqliteHashSets(Database& db) : db_(db) {}

  Result<std::unique_ptr<HashSetImport>> BeginImport(const HashSetInfo& info);
  Result<std::vector<HashSetInfo>> List();
  Result<HashSetInfo> Find(std::string_view name);
  Status ForEachEntry(int64_t set_id, const std::function<bool(const StoredHashEntry&)>& visit);
  Status ForEachMatchable(const std::vector<int64_t>& set_ids,
                          const std::function<bool(const MatchableHash&)>& visit,
                          bool media_only = false);

  Status ForEachContentForMatching(int64_t device_id,
                                   const std::function<bool(const ContentForMatching&)>& visit);
  Result<std::map<int64_t, int>> MatchedSets(int64_t device_id);
  Status RecordMatchedSets(int64_t device_id, const std::vector<int64_t>& set_ids,
                           int max_distance);
  Status ForEachMatch(int64_t case_id, bool include_known_good,
                      const std::function<bool(const MatchRow&)>& visit);
  Result<MatchSummary> Summarize(int64_t case_id);
  Result<std::unordered_set<std::string>> KnownGoodContents(int64_t case_id);
  Status ForEachCategorisedContent(int64_t case_id,
                                   const std::function<bool(const CategorisedContent&)>& visit);

  // Writes a batch's matches; runs inside Store::Apply's transaction.
  Status WriteMatches(const std::vector<MatchRecord>& matches);

 private:
  Database& db_;
};

}  // namespace tantalio::sqlite

#endif  // TANTALIO_STORE_SQLITE_SQLITE_HASH_SETS_H_
