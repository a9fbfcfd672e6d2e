#include "store/sqlite/sqlite_hash_sets.h"

#include <algorithm>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tantalio::sqlite {
namespace {

using formats::HashSetEntry;

// The entry columns, in the order ReadEntry and BindEntry use.
constexpr std::string_view kEntryColumns =
    "md5, sha1, sha256, pdq, pdq_quality, photodna, category, category_source, series,"
    " victim_identified, offender_identified, distributed, tags, comments, source_ref, size,"
    " mime_type, name, media_time, chromaprint";
constexpr int kEntryColumnCount = 20;

// kEntryColumns qualified with a table alias: "e.md5, e.sha1, ...".
std::string QualifiedEntryColumns(std::string_view alias) {
  std::string out;
  std::string_view rest = kEntryColumns;
  while (!rest.empty()) {
    const size_t comma = rest.find(',');
    std::string_view column = rest.substr(0, comma);
    while (!column.empty() && column.front() == ' ') column.remove_prefix(1);
    out += (out.empty() ? "" : ", ") + std::string(alias) + "." + std::string(column);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
  }
  return out;
}

std::optional<int64_t> ToOptional(const std::optional<int>& v) {
  return v ? std::optional<int64_t>(*v) : std::nullopt;
}
std::optional<int64_t> ToOptional(const std::optional<bool>& v) {
  return v ? std::optional<int64_t>(*v ? 1 : 0) : std::nullopt;
}

// Binds `text` as TEXT, or NULL when empty (hashes and ids: NULL keeps them
// out of the partial indexes).
void BindOrNull(Statement& s, int index, const std::string& text) {
  if (text.empty()) {
    s.BindNull(index);
  } else {
    s.Bind(index, text);
  }
}

// Binds the entry's columns at `first`..`first + kEntryColumnCount - 1`.
void BindEntry(Statement& s, int first, const HashSetEntry& e) {
  int i = first;
  BindOrNull(s, i++, e.md5);
  BindOrNull(s, i++, e.sha1);
  BindOrNull(s, i++, e.sha256);
  BindOrNull(s, i++, e.pdq);
  s.Bind(i++, ToOptional(e.pdq_quality));
  s.Bind(i++, e.photodna);
  s.Bind(i++, ToOptional(e.category));
  s.Bind(i++, e.category_source);
  s.Bind(i++, e.series);
  s.Bind(i++, ToOptional(e.victim_identified));
  s.Bind(i++, ToOptional(e.offender_identified));
  s.Bind(i++, ToOptional(e.distributed));
  s.Bind(i++, e.tags);
  s.Bind(i++, e.comments);
  BindOrNull(s, i++, e.source_ref);
  s.Bind(i++, e.size);
  s.Bind(i++, e.mime_type);
  s.BindBlob(i++, e.name);
  s.Bind(i++, e.media_time);
  BindOrNull(s, i++, e.chromaprint);
}

std::optional<int> OptionalInt(const Statement& s, int column) {
  return s.IsNull(column) ? std::nullopt : std::optional<int>(static_cast<int>(s.Int(column)));
}
std::optional<double> OptionalDouble(const Statement& s, int column) {
  return s.IsNull(column) ? std::nullopt : std::optional<double>(s.Double(column));
}
std::optional<bool> OptionalBool(const Statement& s, int column) {
  return s.IsNull(column) ? std::nullopt : std::optional<bool>(s.Int(column) != 0);
}

// query_start, query_end, known_start, known_end, score, known_percent.
MediaSpan ReadSpan(const Statement& s, int first) {
  MediaSpan span;
  span.query_start = OptionalDouble(s, first);
  span.query_end = OptionalDouble(s, first + 1);
  span.known_start = OptionalDouble(s, first + 2);
  span.known_end = OptionalDouble(s, first + 3);
  span.score = OptionalDouble(s, first + 4);
  span.known_percent = OptionalDouble(s, first + 5);
  return span;
}

HashSetEntry ReadEntry(const Statement& s, int first) {
  HashSetEntry e;
  int i = first;
  e.md5 = s.Text(i++);
  e.sha1 = s.Text(i++);
  e.sha256 = s.Text(i++);
  e.pdq = s.Text(i++);
  e.pdq_quality = OptionalInt(s, i++);
  e.photodna = s.Text(i++);
  e.category = OptionalInt(s, i++);
  e.category_source = s.Text(i++);
  e.series = s.Text(i++);
  e.victim_identified = OptionalBool(s, i++);
  e.offender_identified = OptionalBool(s, i++);
  e.distributed = OptionalBool(s, i++);
  e.tags = s.Text(i++);
  e.comments = s.Text(i++);
  e.source_ref = s.Text(i++);
  if (!s.IsNull(i)) e.size = s.Int(i);
  ++i;
  e.mime_type = s.Text(i++);
  e.name = s.Text(i++);
  e.media_time = OptionalDouble(s, i++);
  e.chromaprint = s.Text(i++);
  return e;
}

// The more severe of two categories: the lower non-zero code; 0
// (non-pertinent) only over uncategorised.
std::optional<int> MoreSevere(std::optional<int> a, std::optional<int> b) {
  if (!a) return b;
  if (!b) return a;
  if (*a == 0) return b;
  if (*b == 0) return a;
  return std::min(*a, *b);
}

// Merges `add` into `kept`: empty fields are filled, conflicting values keep
// `kept`'s, the category keeps the more severe. Appends what conflicted.
void MergeInto(HashSetEntry& kept, const HashSetEntry& add, std::string& conflicts) {
  auto text = [&](std::string& into, const std::string& from, std::string_view what) {
    if (from.empty() || into == from) return;
    if (into.empty()) {
      into = from;
    } else {
      conflicts += conflicts.empty() ? "" : ", ";
      conflicts += std::string(what) + " differs (kept '" + into + "', dropped '" + from + "')";
    }
  };
  auto optional = [&](auto& into, const auto& from, std::string_view what) {
    if (!from || into == from) return;
    if (!into) {
      into = from;
    } else {
      conflicts += conflicts.empty() ? "" : ", ";
      conflicts += std::string(what) + " differs (kept the first)";
    }
  };
  text(kept.md5, add.md5, "MD5");
  text(kept.sha1, add.sha1, "SHA-1");
  text(kept.sha256, add.sha256, "SHA-256");
  text(kept.pdq, add.pdq, "PDQ");
  optional(kept.pdq_quality, add.pdq_quality, "PDQ quality");
  text(kept.photodna, add.photodna, "PhotoDNA");
  if (kept.category != add.category && !add.category_source.empty()) {
    auto severe = MoreSevere(kept.category, add.category);
    if (kept.category && add.category) {
      conflicts += conflicts.empty() ? "" : ", ";
      conflicts += "category " + std::to_string(*kept.category) + " vs " +
                   std::to_string(*add.category) + " (kept the more severe)";
    }
    if (severe == add.category) kept.category_source = add.category_source;
    kept.category = severe;
  }
  text(kept.series, add.series, "series");
  optional(kept.victim_identified, add.victim_identified, "victim identified");
  optional(kept.offender_identified, add.offender_identified, "offender identified");
  optional(kept.distributed, add.distributed, "distributed");
  text(kept.tags, add.tags, "tags");
  text(kept.comments, add.comments, "comments");
  text(kept.source_ref, add.source_ref, "source id");
  optional(kept.size, add.size, "size");
  text(kept.mime_type, add.mime_type, "MIME type");
  text(kept.name, add.name, "name");
  text(kept.chromaprint, add.chromaprint, "audio fingerprint");
}

// Remembers the keys (source id and hashes) already added to an import, so
// that the common case, a new key, costs no index lookup: only a key the
// filter may have seen is looked up in the store. A Bloom filter of 2^28 bits
// (32 MB, allocated on first use) with 4 probes: about 0.1% false positives at
// 6 million keys; larger imports stay correct, they just look up more.
class SeenKeys {
 public:
  // Returns whether the key may have been added before, and adds it.
  bool TestAndAdd(char kind, const std::string& value) {
    if (bits_.empty()) bits_.assign(kWords, 0);
    const uint64_t h1 =
        std::hash<std::string_view>()(value) ^ (uint64_t{0x9e3779b97f4a7c15} * kind);
    const uint64_t h2 = (h1 >> 29 | h1 << 35) * 0xbf58476d1ce4e5b9 | 1;
    bool seen = true;
    for (uint64_t k = 0; k < kProbes; ++k) {
      const uint64_t bit = (h1 + k * h2) & (kBits - 1);
      uint64_t& word = bits_[bit >> 6];
      const uint64_t mask = uint64_t{1} << (bit & 63);
      if ((word & mask) == 0) {
        seen = false;
        word |= mask;
      }
    }
    return seen;
  }

 private:
  static constexpr uint64_t kBits = uint64_t{1} << 28;
  static constexpr size_t kWords = kBits / 64;
  static constexpr uint64_t kProbes = 4;
  std::vector<uint64_t> bits_;
};

class SqliteHashSetImport : public HashSetImport {
 public:
  SqliteHashSetImport(Database& db, int64_t set_id)
      : db_(db),
        tx_(db),
        set_id_(set_id),
        insert_(db, "INSERT INTO hash_entries(set_id, " + std::string(kEntryColumns) +
                        ") VALUES(?" + Placeholders() + ")"),
        update_(db, "UPDATE hash_entries SET (" + std::string(kEntryColumns) + ") = (" +
                        Placeholders().substr(1) + ") WHERE id = ?"),
        read_(db, "SELECT " + std::string(kEntryColumns) + " FROM hash_entries WHERE id = ?"),
        by_ref_(db,
                "SELECT id FROM hash_entries WHERE set_id = ?1 AND source_ref = ?2"
                " AND media_time IS NULL"),
        by_frame_(db,
                  "SELECT id FROM hash_entries WHERE set_id = ?1 AND source_ref = ?2"
                  " AND media_time = ?3"),
        by_md5_(db, "SELECT id FROM hash_entries WHERE md5 = ?2 AND set_id = ?1"),
        by_sha1_(db, "SELECT id FROM hash_entries WHERE sha1 = ?2 AND set_id = ?1"),
        by_sha256_(db, "SELECT id FROM hash_entries WHERE sha256 = ?2 AND set_id = ?1"),
        by_pdq_(db,
                "SELECT id FROM hash_entries WHERE pdq = ?2 AND set_id = ?1"
                " AND media_time IS NULL") {}

  Status Prepared() const {
    if (!tx_.status().ok()) return tx_.status();
    for (const Statement* s : {&insert_, &update_, &read_, &by_ref_, &by_frame_, &by_md5_,
                               &by_sha1_, &by_sha256_, &by_pdq_}) {
      if (!s->status().ok()) return s->status();
    }
    return Status::Ok();
  }

  void set_id(int64_t id) { set_id_ = id; }

  Result<std::optional<std::string>> Add(const HashSetEntry& entry) override {
    if (committed_) return InternalError("hash set import: Add after Commit");
    std::string why;
    TANTALIO_ASSIGN_OR_RETURN(int64_t existing, FindExisting(entry, why));
    if (existing == 0) {
      insert_.Bind(1, set_id_);
      BindEntry(insert_, 2, entry);
      TANTALIO_RETURN_IF_ERROR(insert_.Run());
      return std::optional<std::string>();
    }
    read_.Bind(1, existing);
    TANTALIO_ASSIGN_OR_RETURN(bool row, read_.Step());
    if (!row)
      return InternalError("hash set import: entry " + std::to_string(existing) + " vanished");
    HashSetEntry kept = ReadEntry(read_, 0);
    read_.Reset();
    std::string conflicts;
    MergeInto(kept, entry, conflicts);
    BindEntry(update_, 1, kept);
    update_.Bind(kEntryColumnCount + 1, existing);
    TANTALIO_RETURN_IF_ERROR(update_.Run());
    std::string message = "merged into an earlier record with the same " + why;
    if (!conflicts.empty()) message += "; " + conflicts;
    return std::optional<std::string>(std::move(message));
  }

  Result<HashSetInfo> Commit(const HashSetInfo& described) override {
    if (committed_) return InternalError("hash set import: committed twice");
    Statement describe(
        db_,
        "UPDATE hash_sets SET agency = COALESCE(NULLIF(?2, ''), agency),"
        " version = COALESCE(NULLIF(?3, ''), version),"
        " source_format = COALESCE(NULLIF(?4, ''), source_format),"
        " category_scheme = COALESCE(NULLIF(?5, ''), category_scheme) WHERE id = ?1");
    TANTALIO_RETURN_IF_ERROR(describe.Bind(1, set_id_)
                                 .Bind(2, described.agency)
                                 .Bind(3, described.version)
                                 .Bind(4, described.source_format)
                                 .Bind(5, described.category_scheme)
                                 .Run());
    Statement count(db_,
                    "UPDATE hash_sets SET entries = (SELECT COUNT(*) FROM hash_entries WHERE "
                    "set_id = ?1) WHERE id = ?1");
    TANTALIO_RETURN_IF_ERROR(count.Bind(1, set_id_).Run());
    Statement read(db_, "SELECT name FROM hash_sets WHERE id = ?");
    read.Bind(1, set_id_);
    TANTALIO_ASSIGN_OR_RETURN(bool row, read.Step());
    if (!row) return InternalError("hash set import: the set vanished");
    std::string name = read.Text(0);
    read.Reset();
    TANTALIO_RETURN_IF_ERROR(tx_.Commit().WithContext("commit hash set " + name));
    committed_ = true;
    return SqliteHashSets(db_).Find(name);
  }

 private:
  // "?,?,...,?" with one placeholder per entry column, after a leading comma.
  static std::string Placeholders() {
    std::string out;
    for (int i = 0; i < kEntryColumnCount; ++i) out += ",?";
    return out;
  }

  // The id of an entry of this set with the same source id or hash, or 0.
  // A video frame is the same only as the same video's frame at the same time
  // (a video's frames share its id, and a still scene repeats its hash).
  Result<int64_t> FindExisting(const HashSetEntry& e, std::string& why) {
    if (e.media_time) {
      if (!seen_.TestAndAdd('f', e.source_ref + '@' + std::to_string(*e.media_time))) {
        return int64_t{0};
      }
      by_frame_.Bind(1, set_id_).Bind(2, e.source_ref).Bind(3, e.media_time);
      TANTALIO_ASSIGN_OR_RETURN(bool row, by_frame_.Step());
      const int64_t id = row ? by_frame_.Int(0) : 0;
      by_frame_.Reset();
      if (id != 0)
        why = "video frame " + e.source_ref + " at " + std::to_string(*e.media_time) + " s";
      return id;
    }
    const std::pair<Statement*, const std::string*> keys[] = {
        {&by_ref_, &e.source_ref}, {&by_sha256_, &e.sha256}, {&by_sha1_, &e.sha1},
        {&by_md5_, &e.md5},        {&by_pdq_, &e.pdq},
    };
    static constexpr std::string_view kNames[] = {"source id", "SHA-256", "SHA-1", "MD5", "PDQ"};
    // Every key goes into the filter first (a merge may add new ones).
    bool maybe_seen = false;
    for (size_t k = 0; k < std::size(keys); ++k) {
      if (!keys[k].second->empty()) {
        maybe_seen |= seen_.TestAndAdd(static_cast<char>('0' + k), *keys[k].second);
      }
    }
    if (!maybe_seen) return int64_t{0};
    for (size_t k = 0; k < std::size(keys); ++k) {
      auto [statement, value] = keys[k];
      if (value->empty()) continue;
      statement->Bind(1, set_id_).Bind(2, *value);
      TANTALIO_ASSIGN_OR_RETURN(bool row, statement->Step());
      int64_t id = row ? statement->Int(0) : 0;
      statement->Reset();
      if (id != 0) {
        why = std::string(kNames[k]) + " " + *value;
        return id;
      }
    }
    return int64_t{0};
  }

  Database& db_;
  Transaction tx_;  // declared before the statements: they finish first
  int64_t set_id_;
  bool committed_ = false;
  Statement insert_, update_, read_;
  Statement by_ref_, by_frame_, by_md5_, by_sha1_, by_sha256_, by_pdq_;
  SeenKeys seen_;
};

HashSetInfo ReadSet(const Statement& s) {
  HashSetInfo info;
  info.id = s.Int(0);
  info.name = s.Text(1);
  info.agency = s.Text(2);
  info.kind = s.Text(3);
  info.version = s.Text(4);
  info.imported_at = s.Text(5);
  info.source_format = s.Text(6);
  info.category_scheme = s.Text(7);
  info.source_file = s.Text(8);
  info.entries = static_cast<uint64_t>(s.Int(9));
  return info;
}

constexpr std::string_view kSetColumns =
    "id, name, agency, kind, version, imported_at, source_format, category_scheme, source_file,"
    " entries";

// Case contents with the sets they match, for summaries and review filters.
constexpr std::string_view kCaseContents =
    "WITH case_contents AS (SELECT f.sha256, COUNT(*) AS n FROM files f"
    " JOIN devices d ON d.id = f.device_id WHERE d.case_id = ?1 AND f.sha256 IS NOT NULL"
    " GROUP BY f.sha256)";

}  // namespace

Result<std::unique_ptr<HashSetImport>> SqliteHashSets::BeginImport(const HashSetInfo& info) {
  if (info.name.empty()) return InvalidArgumentError("import hash set: the name is empty");
  if (!IsHashSetKind(info.kind)) {
    return InvalidArgumentError("import hash set " + info.name + ": unknown kind '" + info.kind +
                                "' (use illegal, known-good or watch)");
  }
  // The set row is written inside the import's transaction, so a failed
  // import leaves no empty set behind either.
  auto import = std::make_unique<SqliteHashSetImport>(db_, 0);
  TANTALIO_RETURN_IF_ERROR(import->Prepared());
  Statement s(db_,
              "INSERT INTO hash_sets(name, agency, kind, version, imported_at, source_format,"
              " category_scheme, source_file) VALUES(?,?,?,?,?,?,?,?)");
  Status st = s.Bind(1, info.name)
                  .Bind(2, info.agency)
                  .Bind(3, info.kind)
                  .Bind(4, info.version)
                  .Bind(5, UtcNow())
                  .Bind(6, info.source_format)
                  .Bind(7, info.category_scheme)
                  .BindBlob(8, info.source_file)
                  .Run();
  if (st.code() == StatusCode::kAlreadyExists) {
    return AlreadyExistsError("import hash set: a set named '" + info.name +
                              "' already exists (see: tantalio hashset list)");
  }
  TANTALIO_RETURN_IF_ERROR(st);
  import->set_id(sqlite3_last_insert_rowid(db_.get()));
  return std::unique_ptr<HashSetImport>(std::move(import));
}

Result<std::vector<HashSetInfo>> SqliteHashSets::List() {
  Statement s(db_, "SELECT " + std::string(kSetColumns) + " FROM hash_sets ORDER BY name");
  std::vector<HashSetInfo> out;
  while (true) {
    TANTALIO_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) return out;
    out.push_back(ReadSet(s));
  }
}

Result<HashSetInfo> SqliteHashSets::Find(std::string_view name) {
  Statement s(db_, "SELECT " + std::string(kSetColumns) + " FROM hash_sets WHERE name = ?");
  s.Bind(1, name);
  TANTALIO_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) {
    return NotFoundError("no hash set named '" + std::string(name) +
                         "' (see: tantalio hashset list)");
  }
  return ReadSet(s);
}

Status SqliteHashSets::ForEachEntry(int64_t set_id,
                                    const std::function<bool(const StoredHashEntry&)>& visit) {
  Statement s(db_, "SELECT id, set_id, " + std::string(kEntryColumns) +
                       " FROM hash_entries WHERE set_id = ? ORDER BY id");
  s.Bind(1, set_id);
  while (true) {
    TANTALIO_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) return Status::Ok();
    StoredHashEntry stored{s.Int(0), s.Int(1), ReadEntry(s, 2)};
    if (!visit(stored)) return Status::Ok();
  }
}

Status SqliteHashSets::ForEachMatchable(const std::vector<int64_t>& set_ids,
                                        const std::function<bool(const MatchableHash&)>& visit,
                                        bool media_only) {
  std::string sets;
  if (!set_ids.empty()) {
    sets = " AND set_id IN (";
    for (size_t i = 0; i < set_ids.size(); ++i) {
      sets += (i ? "," : "") + std::to_string(set_ids[i]);
    }
    sets += ")";
  }
  const std::string select =
      "SELECT id, set_id, COALESCE(md5, ''), COALESCE(sha1, ''), COALESCE(sha256, ''),"
      " COALESCE(pdq, ''), pdq_quality, COALESCE(source_ref, ''), media_time,"
      " COALESCE(chromaprint, '') FROM hash_entries WHERE ";
  // Known media: video frames, then recordings, each through its partial index.
  const std::string sql = media_only
                              ? select + "media_time IS NOT NULL" + sets + " UNION ALL " + select +
                                    "chromaprint IS NOT NULL AND media_time IS NULL" + sets +
                                    " ORDER BY 2, 8, 9, 1"
                              : select + "1" + sets + " ORDER BY id";
  Statement s(db_, sql);
  while (true) {
    TANTALIO_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) return Status::Ok();
    // Text() copies; these strings live for the visit only.
    const std::string md5 = s.Text(2), sha1 = s.Text(3), sha256 = s.Text(4), pdq = s.Text(5);
    const std::string source_ref = s.Text(7), chromaprint = s.Text(9);
    MatchableHash hash;
    hash.entry_id = s.Int(0);
    hash.set_id = s.Int(1);
    hash.md5 = md5;
    hash.sha1 = sha1;
    hash.sha256 = sha256;
    hash.pdq = pdq;
    hash.pdq_quality = OptionalInt(s, 6);
    hash.source_ref = source_ref;
    hash.media_time = OptionalDouble(s, 8);
    hash.chromaprint = chromaprint;
    if (!visit(hash)) return Status::Ok();
  }
}

Status SqliteHashSets::ForEachContentForMatching(
    int64_t device_id, const std::function<bool(const ContentForMatching&)>& visit) {
  Statement s(db_,
              "SELECT c.sha256, c.md5, c.sha1, c.mime, COALESCE(p.value, ''),"
              " COALESCE(p.variants, ''), p.quality FROM contents c"
              " LEFT JOIN fingerprints p ON p.sha256 = c.sha256 AND p.algorithm = 'pdq'"
              "   AND p.timestamp_ms = -1"
              " WHERE c.sha256 IN (SELECT sha256 FROM files WHERE device_id = ?1"
              "   AND sha256 IS NOT NULL)"
              " ORDER BY c.sha256");
  s.Bind(1, device_id);
  while (true) {
    TANTALIO_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) return Status::Ok();
    ContentForMatching c{s.Text(0), s.Text(1), s.Text(2),        s.Text(3),
                         s.Text(4), s.Text(5), OptionalInt(s, 6)};
    if (!visit(c)) return Status::Ok();
  }
}

Result<std::map<int64_t, int>> SqliteHashSets::MatchedSets(int64_t device_id) {
  Statement s(db_, "SELECT set_id, max_distance FROM device_matched_sets WHERE device_id = ?");
  s.Bind(1, device_id);
  std::map<int64_t, int> out;
  while (true) {
    TANTALIO_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) return out;
    out[s.Int(0)] = static_cast<int>(s.Int(1));
  }
}

Status SqliteHashSets::RecordMatchedSets(int64_t device_id, const std::vector<int64_t>& set_ids,
                                         int max_distance) {
  Transaction tx(db_);
  TANTALIO_RETURN_IF_ERROR(tx.status());
  Statement s(db_,
              "INSERT INTO device_matched_sets(device_id, set_id, max_distance, matched_at)"
              " VALUES(?,?,?,?) ON CONFLICT(device_id, set_id) DO UPDATE SET"
              " max_distance = excluded.max_distance,"
              " matched_at = excluded.matched_at");
  const std::string now = UtcNow();
  for (int64_t set_id : set_ids) {
    TANTALIO_RETURN_IF_ERROR(
        s.Bind(1, device_id).Bind(2, set_id).Bind(3, int64_t{max_distance}).Bind(4, now).Run());
  }
  return tx.Commit();
}

Status SqliteHashSets::ForEachMatch(int64_t case_id, bool include_known_good,
                                    const std::function<bool(const MatchRow&)>& visit) {
  Statement s(db_,
              "SELECT d.label, f.forensic_path, m.sha256, hs.name, hs.kind,"
              " COALESCE(e.source_ref, '#' || e.id), m.method, m.distance, m.orientation,"
              " e.category, e.category_source, e.series, f.allocation,"
              " m.query_start, m.query_end, m.known_start, m.known_end, m.score, m.known_percent"
              " FROM matches m JOIN hash_entries e ON e.id = m.entry_id"
              " JOIN hash_sets hs ON hs.id = e.set_id"
              " JOIN files f ON f.sha256 = m.sha256 JOIN devices d ON d.id = f.device_id"
              " WHERE d.case_id = ?1 AND (?2 OR hs.kind != 'known-good')"
              " ORDER BY d.label, f.forensic_path, hs.name, m.method, e.id");
  s.Bind(1, case_id).Bind(2, int64_t{include_known_good ? 1 : 0});
  while (true) {
    TANTALIO_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) return Status::Ok();
    MatchRow r;
    r.device = s.Text(0);
    r.forensic_path = s.Text(1);
    r.sha256 = s.Text(2);
    r.hash_set = s.Text(3);
    r.set_kind = s.Text(4);
    r.entry_ref = s.Text(5);
    r.method = s.Text(6);
    r.distance = static_cast<int>(s.Int(7));
    r.orientation = s.Text(8);
    r.category = OptionalInt(s, 9);
    r.category_source = s.Text(10);
    r.series = s.Text(11);
    r.allocation = s.Text(12);
    r.span = ReadSpan(s, 13);
    if (!visit(r)) return Status::Ok();
  }
}

Result<MatchSummary> SqliteHashSets::Summarize(int64_t case_id) {
  MatchSummary out;
  // Images (contents with a still PDQ hash) and videos (with vPDQ frames)
  // of the case: one pass over the case's files each.
  for (const bool videos : {false, true}) {
    Statement s(db_,
                "SELECT COUNT(DISTINCT f.sha256), COUNT(*) FROM files f"
                " JOIN devices d ON d.id = f.device_id"
                " WHERE d.case_id = ?1 AND f.sha256 IS NOT NULL AND EXISTS(SELECT 1 FROM"
                "  fingerprints p WHERE p.sha256 = f.sha256 AND p.algorithm = ?2"
                "  AND (p.timestamp_ms = -1) = (?2 = 'pdq'))");
    s.Bind(1, case_id).Bind(2, std::string_view(videos ? "vpdq" : "pdq"));
    TANTALIO_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) continue;
    const auto contents = static_cast<uint64_t>(s.Int(0));
    const auto files = static_cast<uint64_t>(s.Int(1));
    if (videos) {
      out.videos = out.new_videos = contents;
      out.new_video_files = files;
    } else {
      out.images = out.new_images = contents;
      out.new_image_files = files;
    }
  }
  // Then only the matched contents of the case, which are few next to its
  // contents: one row per (content, set, method) with the content's file
  // count in the case, whether it is an image, and the entry's category.
  Statement s(db_,
              "WITH case_matches AS (SELECT m.sha256, m.method, e.category, hs.id AS set_id,"
              "   hs.name, hs.kind FROM matches m JOIN hash_entries e ON e.id = m.entry_id"
              "   JOIN hash_sets hs ON hs.id = e.set_id),"
              " counted AS (SELECT sha256, (SELECT COUNT(*) FROM files f"
              "   JOIN devices d ON d.id = f.device_id WHERE f.sha256 = x.sha256"
              "   AND d.case_id = ?1) AS n,"
              "   EXISTS(SELECT 1 FROM fingerprints p WHERE p.sha256 = x.sha256"
              "   AND p.algorithm = 'pdq' AND p.timestamp_ms = -1) AS image,"
              "   EXISTS(SELECT 1 FROM fingerprints p WHERE p.sha256 = x.sha256"
              "   AND p.algorithm = 'vpdq') AS video"
              "   FROM (SELECT DISTINCT sha256 FROM case_matches) x)"
              " SELECT cm.sha256, c.n, c.image, cm.set_id, cm.name, cm.kind, cm.method,"
              "  cm.category, c.video FROM case_matches cm JOIN counted c ON c.sha256 = cm.sha256"
              " WHERE c.n > 0 ORDER BY cm.sha256");
  s.Bind(1, case_id);
  struct PerSet {
    SetMatchCount count;
    std::string last_content, last_exact, last_pdq, last_media;
  };
  std::map<std::pair<std::string, int64_t>, PerSet> sets;  // by name, id
  std::map<std::optional<int>, CategoryCount> categories;
  // The content being aggregated.
  std::string content;
  uint64_t files = 0;
  bool image = false, video = false, known = false, good = false;
  std::optional<int> severe;
  bool non_pertinent = false;
  auto finish_content = [&] {
    if (content.empty()) return;
    if (image) {  // it matches something: not new
      --out.new_images;
      out.new_image_files -= files;
    }
    if (video) {
      --out.new_videos;
      out.new_video_files -= files;
    }
    if (known) {
      out.known_files += files;
      std::optional<int> category = severe;
      if (!category && non_pertinent) category = 0;
      CategoryCount& c = categories[category];
      c.category = category;
      ++c.contents;
      c.files += files;
    } else if (good) {
      out.known_good_files += files;
    }
  };
  while (true) {
    TANTALIO_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    std::string sha256 = s.Text(0);
    if (sha256 != content) {
      finish_content();
      content = sha256;
      files = static_cast<uint64_t>(s.Int(1));
      image = s.Int(2) != 0;
      video = s.Int(8) != 0;
      known = good = non_pertinent = false;
      severe.reset();
    }
    const std::string kind = s.Text(5);
    const std::string method = s.Text(6);
    const std::optional<int> category = OptionalInt(s, 7);
    if (kind == kKindKnownGood) {
      good = true;
    } else {
      known = true;
      if (category && *category > 0 && (!severe || *category < *severe)) severe = category;
      if (category && *category == 0) non_pertinent = true;
    }
    PerSet& set = sets[{s.Text(4), s.Int(3)}];
    set.count.name = s.Text(4);
    set.count.kind = kind;
    if (set.last_content != content) {
      set.last_content = content;
      ++set.count.contents;
      set.count.files += files;
    }
    const bool media = IsMediaMethod(method);
    std::string& last = method == kMethodPdq ? set.last_pdq
                        : media              ? set.last_media
                                             : set.last_exact;
    if (last != content) {
      last = content;
      ++(method == kMethodPdq ? set.count.pdq_contents
         : media              ? set.count.media_contents
                              : set.count.exact_contents);
    }
  }
  finish_content();
  for (auto& [key, set] : sets) out.per_set.push_back(set.count);
  for (auto& [category, count] : categories) out.per_category.push_back(count);
  return out;
}

Result<std::unordered_set<std::string>> SqliteHashSets::KnownGoodContents(int64_t case_id) {
  Statement s(db_, std::string(kCaseContents) +
                       " SELECT DISTINCT m.sha256 FROM matches m"
                       " JOIN hash_entries e ON e.id = m.entry_id"
                       " JOIN hash_sets hs ON hs.id = e.set_id"
                       " WHERE hs.kind = 'known-good'"
                       "  AND m.sha256 IN (SELECT sha256 FROM case_contents)"
                       "  AND NOT EXISTS (SELECT 1 FROM matches m2"
                       "   JOIN hash_entries e2 ON e2.id = m2.entry_id"
                       "   JOIN hash_sets s2 ON s2.id = e2.set_id"
                       "   WHERE m2.sha256 = m.sha256 AND s2.kind != 'known-good')");
  s.Bind(1, case_id);
  std::unordered_set<std::string> out;
  while (true) {
    TANTALIO_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) return out;
    out.insert(s.Text(0));
  }
}

Status SqliteHashSets::ForEachCategorisedContent(
    int64_t case_id, const std::function<bool(const CategorisedContent&)>& visit) {
  // Most severe first within each content: 1..4, then 0 (non-pertinent).
  Statement s(db_, std::string(kCaseContents) +
                       " SELECT c.sha256, c.md5, c.sha1, c.mime, c.size, COALESCE(p.value, ''),"
                       "  p.quality, hs.name, " +
                       QualifiedEntryColumns("e") +
                       " FROM matches m JOIN hash_entries e ON e.id = m.entry_id"
                       " JOIN hash_sets hs ON hs.id = e.set_id"
                       " JOIN contents c ON c.sha256 = m.sha256"
                       " LEFT JOIN fingerprints p ON p.sha256 = c.sha256 AND p.algorithm = 'pdq'"
                       "   AND p.timestamp_ms = -1"
                       " WHERE m.sha256 IN (SELECT sha256 FROM case_contents)"
                       "  AND hs.kind != 'known-good' AND e.category IS NOT NULL"
                       " ORDER BY c.sha256, CASE WHEN e.category = 0 THEN 99 ELSE e.category END,"
                       "  e.id");
  s.Bind(1, case_id);
  std::string last;
  while (true) {
    TANTALIO_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) return Status::Ok();
    if (s.Text(0) == last) continue;
    CategorisedContent c;
    c.sha256 = last = s.Text(0);
    c.md5 = s.Text(1);
    c.sha1 = s.Text(2);
    c.mime = s.Text(3);
    c.size = static_cast<uint64_t>(s.Int(4));
    c.pdq = s.Text(5);
    c.pdq_quality = OptionalInt(s, 6);
    c.hash_set = s.Text(7);
    c.entry = ReadEntry(s, 8);
    if (!visit(c)) return Status::Ok();
  }
}

Status SqliteHashSets::WriteMatches(const std::vector<MatchRecord>& matches) {
  if (matches.empty()) return Status::Ok();
  // Exact methods tie the content to every entry holding the digest.
  Statement by_md5(db_,
                   "INSERT OR IGNORE INTO matches(sha256, entry_id, method)"
                   " SELECT ?1, id, 'md5' FROM hash_entries WHERE md5 = ?2");
  Statement by_sha1(db_,
                    "INSERT OR IGNORE INTO matches(sha256, entry_id, method)"
                    " SELECT ?1, id, 'sha1' FROM hash_entries WHERE sha1 = ?2");
  Statement by_sha256(db_,
                      "INSERT OR IGNORE INTO matches(sha256, entry_id, method)"
                      " SELECT ?1, id, 'sha256' FROM hash_entries WHERE sha256 = ?2");
  // PDQ keeps the closest orientation per content and entry.
  Statement pdq(db_,
                "INSERT INTO matches(sha256, entry_id, method, distance, orientation)"
                " VALUES(?,?,'pdq',?,?) ON CONFLICT(sha256, entry_id, method) DO UPDATE SET"
                " distance = excluded.distance, orientation = excluded.orientation"
                " WHERE excluded.distance < matches.distance");
  // Video and audio: one row per known item and place (the entry at the
  // start of the span); a re-match replaces it.
  Statement media(db_,
                  "INSERT INTO matches(sha256, entry_id, method, distance, query_start,"
                  " query_end, known_start, known_end, score, known_percent)"
                  " VALUES(?,?,?,?,?,?,?,?,?,?) ON CONFLICT(sha256, entry_id, method) DO UPDATE"
                  " SET distance = excluded.distance, query_start = excluded.query_start,"
                  " query_end = excluded.query_end, known_start = excluded.known_start,"
                  " known_end = excluded.known_end, score = excluded.score,"
                  " known_percent = excluded.known_percent");
  for (const MatchRecord& m : matches) {
    Statement* exact = m.method == kMethodMd5      ? &by_md5
                       : m.method == kMethodSha1   ? &by_sha1
                       : m.method == kMethodSha256 ? &by_sha256
                                                   : nullptr;
    if (exact != nullptr) {
      TANTALIO_RETURN_IF_ERROR(exact->Bind(1, m.sha256).Bind(2, m.digest).Run());
    } else if (m.method == kMethodPdq) {
      TANTALIO_RETURN_IF_ERROR(pdq.Bind(1, m.sha256)
                                   .Bind(2, m.entry_id)
                                   .Bind(3, int64_t{m.distance})
                                   .Bind(4, m.orientation)
                                   .Run());
    } else if (IsMediaMethod(m.method)) {
      TANTALIO_RETURN_IF_ERROR(media.Bind(1, m.sha256)
                                   .Bind(2, m.entry_id)
                                   .Bind(3, m.method)
                                   .Bind(4, int64_t{m.distance})
                                   .Bind(5, m.span.query_start)
                                   .Bind(6, m.span.query_end)
                                   .Bind(7, m.span.known_start)
                                   .Bind(8, m.span.known_end)
                                   .Bind(9, m.span.score)
                                   .Bind(10, m.span.known_percent)
                                   .Run());
    } else {
      return InternalError("write matches: unknown method '" + m.method + "'");
    }
  }
  return Status::Ok();
}

}  // namespace tantalio::sqlite
