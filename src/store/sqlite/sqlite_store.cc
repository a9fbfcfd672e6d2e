#include "store/sqlite/sqlite_store.h"

#include <openssl/evp.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <functional>
#include <map>
#include <set>

#include "base/hex.h"
#include "store/sqlite/migrations.h"
#include "store/sqlite/sqlite_chats.h"
#include "store/sqlite/sqlite_handle.h"
#include "store/sqlite/sqlite_hash_sets.h"

namespace tantalio {
namespace {

using sqlite::Database;
using sqlite::Statement;
using sqlite::Transaction;
using sqlite::UtcNow;

std::string Sha256Hex(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(text.data(), text.size(), digest, &len, EVP_sha256(), nullptr);
  return ToHex(std::span<const uint8_t>(digest, len));
}

// The audit chain: each entry's hash covers the previous hash and its fields.
std::string AuditHash(const std::string& prev, const std::string& at, const AuditEvent& e) {
  std::string text = prev;
  for (const std::string* field : {&at, &e.actor, &e.action, &e.details}) {
    text += '\x1f';
    text += *field;
  }
  return Sha256Hex(text);
}

template <typename T>
Status StepAll(Statement& s, std::vector<T>& out, const std::function<T(const Statement&)>& row) {
  while (true) {
    TANTALIO_ASSIGN_OR_RETURN(bool has_row, s.Step());
    if (!has_row) return Status::Ok();
    out.push_back(row(s));
  }
}

class SqliteStore : public Store {
 public:
  explicit SqliteStore(std::unique_ptr<Database> db)
      : db_(std::move(db)),
        hash_sets_(std::make_unique<sqlite::SqliteHashSets>(*db_)),
        chats_(std::make_unique<sqlite::SqliteChats>(*db_)) {}

  Status Initialize() {
    TANTALIO_RETURN_IF_ERROR(db_->Exec("PRAGMA page_size=16384"));  // new stores only
    TANTALIO_RETURN_IF_ERROR(db_->Exec("PRAGMA journal_mode=WAL"));
    TANTALIO_RETURN_IF_ERROR(db_->Exec("PRAGMA synchronous=NORMAL"));
    TANTALIO_RETURN_IF_ERROR(db_->Exec("PRAGMA foreign_keys=ON"));
    // Scans insert into several indexes at once; a larger page cache keeps
    // them from being re-read from disk on every batch (64 MiB at most).
    TANTALIO_RETURN_IF_ERROR(db_->Exec("PRAGMA cache_size=-262144"));
    TANTALIO_RETURN_IF_ERROR(db_->Exec("PRAGMA temp_store=MEMORY"));
    // Checkpoint the WAL every 4,000 pages (64 MiB) rather than every 1,000:
    // a scan batch is larger than the default, which checkpointed on every commit.
    TANTALIO_RETURN_IF_ERROR(db_->Exec("PRAGMA wal_autocheckpoint=4000"));
    TANTALIO_RETURN_IF_ERROR(db_->Exec("PRAGMA mmap_size=268435456"));
    TANTALIO_RETURN_IF_ERROR(
        db_->Exec("CREATE TABLE IF NOT EXISTS schema_migrations(version INTEGER PRIMARY KEY,"
                  " description TEXT NOT NULL, applied_at TEXT NOT NULL)"));
    TANTALIO_ASSIGN_OR_RETURN(int current, SchemaVersion());
    const auto migrations = sqlite::Migrations();
    if (current > migrations.back().version) {
      return UnsupportedError("store schema version " + std::to_string(current) +
                              " is newer than this build of tantalio knows (" +
                              std::to_string(migrations.back().version) + "); upgrade tantalio");
    }
    for (const auto& m : migrations) {
      if (m.version <= current) continue;
      Transaction tx(*db_);
      TANTALIO_RETURN_IF_ERROR(tx.status());
      Status applied = db_->Exec(m.sql);
      if (!applied.ok())
        return applied.WithContext("migrate store to version " + std::to_string(m.version));
      Statement record(*db_, "INSERT INTO schema_migrations VALUES(?,?,?)");
      TANTALIO_RETURN_IF_ERROR(
          record.Bind(1, int64_t{m.version}).Bind(2, m.description).Bind(3, UtcNow()).Run());
      TANTALIO_RETURN_IF_ERROR(tx.Commit());
    }
    return Status::Ok();
  }

  Result<int> SchemaVersion() override {
    Statement s(*db_, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    TANTALIO_ASSIGN_OR_RETURN(bool row, s.Step());
    return row ? static_cast<int>(s.Int(0)) : 0;
  }

  Result<CaseInfo> CreateCase(const CaseInfo& info) override {
    if (info.name.empty()) return InvalidArgumentError("create case: the name is empty");
    CaseInfo out = info;
    out.created_at = UtcNow();
    Statement s(*db_, "INSERT INTO cases(name, agency, country, created_at) VALUES(?,?,?,?)");
    Status st =
        s.Bind(1, out.name).Bind(2, out.agency).Bind(3, out.country).Bind(4, out.created_at).Run();
    if (st.code() == StatusCode::kAlreadyExists) {
      return AlreadyExistsError("create case: a case named '" + info.name + "' already exists");
    }
    TANTALIO_RETURN_IF_ERROR(st);
    out.id = sqlite3_last_insert_rowid(db_->get());
    return out;
  }

  Result<std::vector<CaseInfo>> ListCases() override {
    Statement s(*db_, "SELECT id, name, agency, country, created_at FROM cases ORDER BY name");
    std::vector<CaseInfo> out;
    TANTALIO_RETURN_IF_ERROR(StepAll<CaseInfo>(s, out, ReadCase));
    return out;
  }

  Result<CaseInfo> FindCase(std::string_view name) override {
    Statement s(*db_, "SELECT id, name, agency, country, created_at FROM cases WHERE name = ?");
    s.Bind(1, name);
    TANTALIO_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) {
      return NotFoundError("no case named '" + std::string(name) +
                           "' (create it with: tantalio case create NAME)");
    }
    return ReadCase(s);
  }

  Result<DeviceInfo> GetOrCreateDevice(int64_t case_id, std::string_view label) override {
    if (label.empty()) return InvalidArgumentError("device label is empty");
    Statement insert(*db_,
                     "INSERT OR IGNORE INTO devices(case_id, label, created_at) VALUES(?,?,?)");
    TANTALIO_RETURN_IF_ERROR(insert.Bind(1, case_id).Bind(2, label).Bind(3, UtcNow()).Run());
    return FindDevice(case_id, label);
  }

  Result<DeviceInfo> FindDevice(int64_t case_id, std::string_view label) override {
    Statement s(
        *db_, "SELECT id, case_id, label, created_at FROM devices WHERE case_id = ? AND label = ?");
    s.Bind(1, case_id).Bind(2, label);
    TANTALIO_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) return NotFoundError("the case has no device labelled '" + std::string(label) + "'");
    return ReadDevice(s);
  }

  Result<std::vector<DeviceInfo>> ListDevices(int64_t case_id) override {
    Statement s(
        *db_,
        "SELECT id, case_id, label, created_at FROM devices WHERE case_id = ? ORDER BY label");
    s.Bind(1, case_id);
    std::vector<DeviceInfo> out;
    TANTALIO_RETURN_IF_ERROR(StepAll<DeviceInfo>(s, out, ReadDevice));
    return out;
  }

  Status AddEvidenceRoot(int64_t device_id, const EvidenceRoot& root) override {
    Statement s(
        *db_,
        "INSERT INTO evidence_roots(device_id, forensic_root, fs_path, added_at) VALUES(?,?,?,?)"
        " ON CONFLICT(device_id, forensic_root) DO UPDATE SET fs_path = excluded.fs_path");
    return s.Bind(1, device_id)
        .BindBlob(2, root.forensic_root)
        .BindBlob(3, root.fs_path)
        .Bind(4, UtcNow())
        .Run();
  }

  Result<std::vector<EvidenceRoot>> EvidenceRoots(int64_t device_id) override {
    Statement s(*db_,
                "SELECT fs_path, forensic_root FROM evidence_roots WHERE device_id = ? ORDER BY "
                "forensic_root");
    s.Bind(1, device_id);
    std::vector<EvidenceRoot> out;
    TANTALIO_RETURN_IF_ERROR(StepAll<EvidenceRoot>(s, out, [](const Statement& r) {
      return EvidenceRoot{r.Text(0), r.Text(1)};
    }));
    return out;
  }

  Result<int64_t> BeginScan(int64_t device_id, std::string_view tool_version) override {
    Statement s(
        *db_,
        "INSERT INTO scans(device_id, tool_version, state, started_at) VALUES(?,?, 'running', ?)");
    TANTALIO_RETURN_IF_ERROR(s.Bind(1, device_id).Bind(2, tool_version).Bind(3, UtcNow()).Run());
    return sqlite3_last_insert_rowid(db_->get());
  }

  Status FinishScan(int64_t scan_id, std::string_view state, const ScanTotals& totals) override {
    Statement s(*db_,
                "UPDATE scans SET state = ?, finished_at = ?, files = ?, bytes = ?, errors = ?,"
                " skipped_units = ? WHERE id = ?");
    return s.Bind(1, state)
        .Bind(2, UtcNow())
        .Bind(3, static_cast<int64_t>(totals.files))
        .Bind(4, static_cast<int64_t>(totals.bytes))
        .Bind(5, static_cast<int64_t>(totals.errors))
        .Bind(6, static_cast<int64_t>(totals.skipped_units))
        .Bind(7, scan_id)
        .Run();
  }

  Result<std::unordered_set<std::string>> CompletedUnits(int64_t device_id) override {
    Statement s(*db_, "SELECT unit_path FROM completed_units WHERE device_id = ?");
    s.Bind(1, device_id);
    std::unordered_set<std::string> out;
    while (true) {
      TANTALIO_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      out.insert(s.Text(0));
    }
    return out;
  }

  Result<std::unordered_map<std::string, std::unordered_set<std::string>>> UnfinishedUnits(
      int64_t device_id) override {
    Statement s(
        *db_,
        "SELECT f.unit_path, f.forensic_path FROM files f WHERE f.device_id = ?1"
        " AND f.forensic_path <> f.unit_path AND NOT EXISTS (SELECT 1 FROM completed_units c"
        "   WHERE c.device_id = ?1 AND c.unit_path = f.unit_path)");
    s.Bind(1, device_id);
    std::unordered_map<std::string, std::unordered_set<std::string>> out;
    while (true) {
      TANTALIO_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) return out;
      out[s.Text(0)].insert(s.Text(1));
    }
  }

  Result<ApplyStats> Apply(const IngestBatch& batch) override {
    ApplyStats stats;
    if (batch.empty()) return stats;
    Transaction tx(*db_);
    TANTALIO_RETURN_IF_ERROR(tx.status());
    TANTALIO_ASSIGN_OR_RETURN(stats.new_contents, WriteContents(batch));
    TANTALIO_ASSIGN_OR_RETURN(stats.new_files, WriteFiles(batch));
    TANTALIO_RETURN_IF_ERROR(WriteMetadata(batch));
    TANTALIO_RETURN_IF_ERROR(WriteFingerprints(batch));
    TANTALIO_RETURN_IF_ERROR(WriteMedia(batch));
    TANTALIO_RETURN_IF_ERROR(WriteErrors(batch));
    TANTALIO_RETURN_IF_ERROR(WriteDiskImages(batch));
    TANTALIO_RETURN_IF_ERROR(hash_sets_->WriteMatches(batch.matches));
    TANTALIO_RETURN_IF_ERROR(
        chats_->WriteChatDatabases(batch.device_id, ScanId(batch), batch.chat_databases));
    TANTALIO_RETURN_IF_ERROR(
        chats_->WriteIdentifiers(batch.device_id, ScanId(batch), batch.identifiers));
    Statement unit(
        *db_, "INSERT OR IGNORE INTO completed_units(device_id, unit_path, scan_id) VALUES(?,?,?)");
    for (const auto& path : batch.completed_units) {
      TANTALIO_RETURN_IF_ERROR(
          unit.Bind(1, batch.device_id).BindBlob(2, path).Bind(3, ScanId(batch)).Run());
    }
    TANTALIO_RETURN_IF_ERROR(tx.Commit().WithContext("commit batch"));
    return stats;
  }

  Status ForEachFile(int64_t case_id, std::optional<int64_t> device_id,
                     const std::function<bool(const FileRow&)>& visit) override {
    Statement s(
        *db_,
        "SELECT d.label, f.forensic_path, f.unit_path, f.kind, f.status, f.size, f.mtime, f.atime,"
        " f.ctime, f.link_target, f.mime, f.extension, f.extension_mismatch, f.depth,"
        " COALESCE(f.sha256, ''), f.note, COALESCE(c.md5, ''), COALESCE(c.sha1, ''),"
        " COALESCE(p.value, ''), p.quality, f.crtime, f.inode, f.allocation"
        " FROM files f JOIN devices d ON d.id = f.device_id"
        " LEFT JOIN contents c ON c.sha256 = f.sha256"
        " LEFT JOIN fingerprints p ON p.sha256 = f.sha256 AND p.algorithm = 'pdq'"
        "   AND p.timestamp_ms = -1"
        " WHERE d.case_id = ?1 AND (?2 IS NULL OR d.id = ?2)"
        " ORDER BY d.label, f.forensic_path");
    s.Bind(1, case_id).Bind(2, device_id);
    while (true) {
      TANTALIO_ASSIGN_OR_RETURN(bool has_row, s.Step());
      if (!has_row) return Status::Ok();
      FileRow row;
      row.device = s.Text(0);
      FileRecord& f = row.file;
      f.forensic_path = s.Text(1);
      f.unit_path = s.Text(2);
      f.kind = s.Text(3);
      f.status = s.Text(4);
      f.size = static_cast<uint64_t>(s.Int(5));
      f.mtime = s.OptionalInt(6);
      f.atime = s.OptionalInt(7);
      f.ctime = s.OptionalInt(8);
      f.link_target = s.Text(9);
      f.mime = s.Text(10);
      f.extension = s.Text(11);
      f.extension_mismatch = s.Int(12) != 0;
      f.depth = static_cast<int>(s.Int(13));
      f.sha256 = s.Text(14);
      f.note = s.Text(15);
      row.md5 = s.Text(16);
      row.sha1 = s.Text(17);
      row.pdq = s.Text(18);
      if (!s.IsNull(19)) row.pdq_quality = static_cast<int>(s.Int(19));
      f.crtime = s.OptionalInt(20);
      if (!s.IsNull(21)) f.inode = static_cast<uint64_t>(s.Int(21));
      f.allocation = s.Text(22);
      if (!visit(row)) return Status::Ok();
    }
  }

  Result<std::vector<DiskImageRow>> ListDiskImages(int64_t case_id,
                                                   std::optional<int64_t> device_id) override {
    Statement s(*db_,
                "SELECT d.label, i.forensic_path, i.format, i.media_size, i.segments, i.examiner,"
                " i.case_number, i.evidence_number, i.description, i.notes, i.acquired_at,"
                " i.acquisition_software, i.stored_md5, i.stored_sha1, i.computed_md5,"
                " i.computed_sha1, i.integrity, i.integrity_detail, i.volumes, i.files, i.deleted,"
                " i.orphans, i.carved, i.recorded_at"
                " FROM disk_images i JOIN devices d ON d.id = i.device_id"
                " WHERE d.case_id = ?1 AND (?2 IS NULL OR d.id = ?2)"
                " ORDER BY d.label, i.forensic_path");
    s.Bind(1, case_id).Bind(2, device_id);
    std::vector<DiskImageRow> out;
    while (true) {
      TANTALIO_ASSIGN_OR_RETURN(bool has_row, s.Step());
      if (!has_row) return out;
      DiskImageRow row;
      row.device = s.Text(0);
      DiskImageRecord& d = row.image;
      d.forensic_path = s.Text(1);
      d.format = s.Text(2);
      d.media_size = static_cast<uint64_t>(s.Int(3));
      d.segments = s.Text(4);
      d.examiner = s.Text(5);
      d.case_number = s.Text(6);
      d.evidence_number = s.Text(7);
      d.description = s.Text(8);
      d.notes = s.Text(9);
      d.acquired_at = s.Text(10);
      d.acquisition_software = s.Text(11);
      d.stored_md5 = s.Text(12);
      d.stored_sha1 = s.Text(13);
      d.computed_md5 = s.Text(14);
      d.computed_sha1 = s.Text(15);
      d.integrity = s.Text(16);
      d.integrity_detail = s.Text(17);
      d.volumes = s.Text(18);
      d.files = static_cast<uint64_t>(s.Int(19));
      d.deleted = static_cast<uint64_t>(s.Int(20));
      d.orphans = static_cast<uint64_t>(s.Int(21));
      d.carved = static_cast<uint64_t>(s.Int(22));
      row.recorded_at = s.Text(23);
      out.push_back(std::move(row));
    }
  }

  Status ForEachError(int64_t case_id, std::optional<int64_t> device_id,
                      const std::function<bool(const StoredError&)>& visit) override {
    Statement s(*db_,
                "SELECT d.label, e.forensic_path, e.stage, e.code, e.message, e.created_at"
                " FROM errors e JOIN devices d ON d.id = e.device_id"
                " WHERE d.case_id = ?1 AND (?2 IS NULL OR d.id = ?2)"
                " ORDER BY d.label, e.forensic_path, e.stage");
    s.Bind(1, case_id).Bind(2, device_id);
    while (true) {
      TANTALIO_ASSIGN_OR_RETURN(bool has_row, s.Step());
      if (!has_row) return Status::Ok();
      StoredError row{s.Text(0), ErrorRecord{s.Text(1), s.Text(2), s.Text(3), s.Text(4)},
                      s.Text(5)};
      if (!visit(row)) return Status::Ok();
    }
  }

  Result<CaseSummary> SummarizeCase(int64_t case_id, std::optional<int64_t> device_id) override {
    // One pass over the files in scope, one grouped pass over their contents
    // (in files_by_sha256 order): a 100,000-file device takes a fraction of a
    // second.
    Statement s(
        *db_,
        "WITH scope AS (SELECT id FROM devices WHERE case_id = ?1 AND (?2 IS NULL OR id = ?2)),"
        " files_in AS (SELECT * FROM files WHERE device_id IN scope),"
        " by_content AS MATERIALIZED (SELECT COUNT(*) AS n, COUNT(DISTINCT device_id) AS nd"
        "   FROM files_in WHERE sha256 IS NOT NULL GROUP BY sha256),"
        " totals AS (SELECT COUNT(*) AS files,"
        "   COALESCE(SUM(CASE WHEN sha256 IS NOT NULL THEN size END), 0) AS bytes,"
        "   COALESCE(SUM(extension_mismatch), 0) AS mismatches,"
        "   COALESCE(SUM(status = 'encrypted'), 0) AS encrypted,"
        "   COALESCE(SUM(status = 'link'), 0) AS links,"
        "   COALESCE(SUM(status = 'special'), 0) AS special,"
        "   COALESCE(SUM(depth > 0), 0) AS inside,"
        "   COALESCE(SUM(allocation IN ('deleted', 'orphan')), 0) AS deleted,"
        "   COALESCE(SUM(allocation = 'carved'), 0) AS carved FROM files_in)"
        " SELECT (SELECT COUNT(*) FROM scope), files, bytes,"
        "  (SELECT COUNT(*) FROM by_content),"
        "  (SELECT COALESCE(SUM(n), 0) FROM by_content WHERE n > 1),"
        "  (SELECT COUNT(*) FROM by_content WHERE nd > 1),"
        "  mismatches, encrypted, links, special, inside,"
        "  (SELECT COUNT(*) FROM errors WHERE device_id IN scope),"
        "  (SELECT COUNT(DISTINCT m.sha256) FROM image_metadata m JOIN files_in f ON f.sha256 = "
        "m.sha256"
        "    WHERE m.gps_latitude IS NOT NULL),"
        "  deleted, carved,"
        "  (SELECT COUNT(*) FROM disk_images WHERE device_id IN scope),"
        "  (SELECT COUNT(*) FROM disk_images WHERE device_id IN scope"
        "    AND integrity IN ('MISMATCH', 'unreadable'))"
        " FROM totals");
    s.Bind(1, case_id).Bind(2, device_id);
    TANTALIO_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) return InternalError("summarize case: no result row");
    auto count = [&](int column) { return static_cast<uint64_t>(s.Int(column)); };
    CaseSummary out;
    out.devices = count(0);
    out.files = count(1);
    out.bytes = count(2);
    out.distinct_contents = count(3);
    out.duplicate_files = count(4);
    out.contents_on_several_devices = count(5);
    out.extension_mismatches = count(6);
    out.encrypted = count(7);
    out.links = count(8);
    out.special = count(9);
    out.inside_archives = count(10);
    out.errors = count(11);
    out.images_with_gps = count(12);
    out.deleted_files = count(13);
    out.carved_files = count(14);
    out.disk_images = count(15);
    out.integrity_failures = count(16);
    return out;
  }

  Result<std::vector<SharedContent>> ContentsOnSeveralDevices(int64_t case_id,
                                                              size_t limit) override {
    Statement s(
        *db_,
        "SELECT f.sha256, c.mime, c.size, d.label, f.forensic_path FROM files f"
        " JOIN devices d ON d.id = f.device_id JOIN contents c ON c.sha256 = f.sha256"
        " WHERE d.case_id = ?1 AND f.sha256 IN (SELECT f2.sha256 FROM files f2"
        "   JOIN devices d2 ON d2.id = f2.device_id WHERE d2.case_id = ?1 AND f2.sha256 IS NOT NULL"
        "   GROUP BY f2.sha256 HAVING COUNT(DISTINCT f2.device_id) > 1)"
        " ORDER BY f.sha256, d.label, f.forensic_path");
    s.Bind(1, case_id);
    std::map<std::string, SharedContent> by_hash;
    while (true) {
      TANTALIO_ASSIGN_OR_RETURN(bool has_row, s.Step());
      if (!has_row) break;
      SharedContent& c = by_hash[s.Text(0)];
      c.sha256 = s.Text(0);
      c.mime = s.Text(1);
      c.size = static_cast<uint64_t>(s.Int(2));
      std::string device = s.Text(3);
      if (c.devices.empty() || c.devices.back() != device) c.devices.push_back(device);
      c.example_paths.push_back(s.Text(4));
    }
    std::vector<SharedContent> out;
    for (auto& [hash, c] : by_hash) out.push_back(std::move(c));
    std::stable_sort(out.begin(), out.end(), [](const SharedContent& a, const SharedContent& b) {
      return a.devices.size() > b.devices.size();
    });
    if (out.size() > limit) out.resize(limit);
    return out;
  }

  Result<std::vector<CameraRow>> Cameras(int64_t case_id) override {
    Statement s(*db_,
                "SELECT m.camera_make, m.camera_model, m.body_serial, COUNT(DISTINCT m.sha256),"
                " GROUP_CONCAT(DISTINCT d.label) FROM image_metadata m"
                " JOIN files f ON f.sha256 = m.sha256 JOIN devices d ON d.id = f.device_id"
                " WHERE d.case_id = ?1 AND (m.camera_make != '' OR m.camera_model != '' OR "
                "m.body_serial != '')"
                " GROUP BY m.camera_make, m.camera_model, m.body_serial ORDER BY 4 DESC");
    s.Bind(1, case_id);
    std::vector<CameraRow> out;
    TANTALIO_RETURN_IF_ERROR(StepAll<CameraRow>(s, out, [](const Statement& r) {
      CameraRow row{r.Text(0), r.Text(1), r.Text(2), static_cast<uint64_t>(r.Int(3)), {}};
      std::string labels = r.Text(4);
      for (size_t start = 0; start <= labels.size();) {
        size_t comma = labels.find(',', start);
        if (comma == std::string::npos) comma = labels.size();
        if (comma > start) row.devices.push_back(labels.substr(start, comma - start));
        start = comma + 1;
      }
      return row;
    }));
    return out;
  }

  Result<std::vector<GpsRow>> GpsPositions(int64_t case_id, size_t limit) override {
    Statement s(
        *db_,
        "SELECT d.label, f.forensic_path, m.datetime_original, m.gps_latitude, m.gps_longitude"
        " FROM image_metadata m JOIN files f ON f.sha256 = m.sha256"
        " JOIN devices d ON d.id = f.device_id"
        " WHERE d.case_id = ?1 AND m.gps_latitude IS NOT NULL AND m.gps_longitude IS NOT NULL"
        " ORDER BY m.datetime_original, d.label, f.forensic_path LIMIT ?2");
    s.Bind(1, case_id).Bind(2, static_cast<int64_t>(limit));
    std::vector<GpsRow> out;
    TANTALIO_RETURN_IF_ERROR(StepAll<GpsRow>(s, out, [](const Statement& r) {
      return GpsRow{r.Text(0), r.Text(1), r.Text(2), r.Double(3), r.Double(4)};
    }));
    return out;
  }

  Status ForEachPerceptualHash(int64_t case_id, std::string_view algorithm,
                               const std::function<bool(const PerceptualRow&)>& visit) override {
    Statement s(*db_,
                "SELECT d.label, f.forensic_path, p.sha256, p.value, COALESCE(p.quality, 0)"
                " FROM fingerprints p JOIN files f ON f.sha256 = p.sha256"
                " JOIN devices d ON d.id = f.device_id"
                " WHERE d.case_id = ?1 AND p.algorithm = ?2 AND p.timestamp_ms = -1"
                " ORDER BY p.sha256, d.label, f.forensic_path");
    s.Bind(1, case_id).Bind(2, algorithm);
    while (true) {
      TANTALIO_ASSIGN_OR_RETURN(bool has_row, s.Step());
      if (!has_row) return Status::Ok();
      PerceptualRow row{s.Text(0), s.Text(1), s.Text(2), s.Text(3), static_cast<int>(s.Int(4))};
      if (!visit(row)) return Status::Ok();
    }
  }

  Status ForEachMedia(int64_t case_id, std::optional<int64_t> device_id,
                      const std::function<bool(const MediaRow&)>& visit) override {
    Statement s(
        *db_,
        "SELECT d.label, f.forensic_path, m.sha256, m.container, m.duration, m.bit_rate,"
        " m.creation_time, m.make, m.model, m.location, m.video_codec, m.width, m.height,"
        " m.frame_rate, m.frame_count, m.rotation, m.audio_codec, m.sample_rate, m.channels,"
        " m.decoder,"
        " (SELECT COUNT(*) FROM fingerprints p WHERE p.sha256 = m.sha256"
        "   AND p.algorithm = 'vpdq'),"
        " EXISTS(SELECT 1 FROM fingerprints p WHERE p.sha256 = m.sha256"
        "   AND p.algorithm = 'chromaprint'),"
        " (SELECT MAX(p.partial) FROM fingerprints p WHERE p.sha256 = m.sha256"
        "   AND p.algorithm IN ('vpdq', 'chromaprint')),"
        " (SELECT p.warning FROM fingerprints p WHERE p.sha256 = m.sha256"
        "   AND p.algorithm IN ('vpdq', 'chromaprint') AND p.partial LIMIT 1),"
        " (SELECT COUNT(*) FROM thumbnails t WHERE t.sha256 = m.sha256)"
        " FROM media_info m JOIN files f ON f.sha256 = m.sha256"
        " JOIN devices d ON d.id = f.device_id"
        " WHERE d.case_id = ?1 AND (?2 IS NULL OR d.id = ?2)"
        " ORDER BY d.label, f.forensic_path");
    s.Bind(1, case_id).Bind(2, device_id);
    while (true) {
      TANTALIO_ASSIGN_OR_RETURN(bool has_row, s.Step());
      if (!has_row) return Status::Ok();
      MediaRow row;
      row.device = s.Text(0);
      row.forensic_path = s.Text(1);
      MediaInfoRecord& m = row.info;
      m.sha256 = s.Text(2);
      m.container = s.Text(3);
      if (!s.IsNull(4)) m.duration_seconds = s.Double(4);
      m.bit_rate = s.OptionalInt(5);
      m.creation_time = s.Text(6);
      m.make = s.Text(7);
      m.model = s.Text(8);
      m.location = s.Text(9);
      m.video_codec = s.Text(10);
      m.width = s.OptionalInt(11);
      m.height = s.OptionalInt(12);
      if (!s.IsNull(13)) m.frame_rate = s.Double(13);
      m.frame_count = s.OptionalInt(14);
      if (!s.IsNull(15)) m.rotation = static_cast<int>(s.Int(15));
      m.audio_codec = s.Text(16);
      m.sample_rate = s.OptionalInt(17);
      m.channels = s.OptionalInt(18);
      m.decoder = s.Text(19);
      row.video_frames = static_cast<int>(s.Int(20));
      row.audio_fingerprint = s.Int(21) != 0;
      row.partial = !s.IsNull(22) && s.Int(22) != 0;
      row.warning = s.Text(23);
      row.thumbnails = static_cast<int>(s.Int(24));
      if (!visit(row)) return Status::Ok();
    }
  }

  Result<std::vector<FingerprintRecord>> Fingerprints(std::string_view sha256,
                                                      std::string_view algorithm) override {
    Statement s(*db_,
                "SELECT version, timestamp_ms, value, quality, partial, warning, producer,"
                " variants FROM fingerprints WHERE sha256 = ?1 AND algorithm = ?2"
                " ORDER BY timestamp_ms");
    s.Bind(1, sha256).Bind(2, algorithm);
    std::vector<FingerprintRecord> out;
    while (true) {
      TANTALIO_ASSIGN_OR_RETURN(bool has_row, s.Step());
      if (!has_row) return out;
      FingerprintRecord& f = out.emplace_back();
      f.sha256 = sha256;
      f.algorithm = algorithm;
      f.version = static_cast<int>(s.Int(0));
      f.timestamp_ms = s.Int(1);
      f.value = s.Text(2);
      if (!s.IsNull(3)) f.quality = static_cast<int>(s.Int(3));
      f.partial = s.Int(4) != 0;
      f.warning = s.Text(5);
      f.producer = s.Text(6);
      f.variants = s.Text(7);
    }
  }

  Result<std::vector<ThumbnailRecord>> Thumbnails(std::string_view sha256) override {
    Statement s(*db_,
                "SELECT timestamp_ms, width, height, jpeg FROM thumbnails WHERE sha256 = ?"
                " ORDER BY timestamp_ms");
    s.Bind(1, sha256);
    std::vector<ThumbnailRecord> out;
    while (true) {
      TANTALIO_ASSIGN_OR_RETURN(bool has_row, s.Step());
      if (!has_row) return out;
      ThumbnailRecord& t = out.emplace_back();
      t.sha256 = sha256;
      t.timestamp_ms = s.Int(0);
      t.width = static_cast<int>(s.Int(1));
      t.height = static_cast<int>(s.Int(2));
      const std::string jpeg = s.Text(3);
      t.jpeg.assign(jpeg.begin(), jpeg.end());
    }
  }

  Result<std::unique_ptr<HashSetImport>> BeginHashSetImport(const HashSetInfo& info) override {
    return hash_sets_->BeginImport(info);
  }
  Result<std::vector<HashSetInfo>> ListHashSets() override { return hash_sets_->List(); }
  Result<HashSetInfo> FindHashSet(std::string_view name) override { return hash_sets_->Find(name); }
  Status ForEachHashSetEntry(int64_t set_id,
                             const std::function<bool(const StoredHashEntry&)>& visit) override {
    return hash_sets_->ForEachEntry(set_id, visit);
  }
  Status ForEachMatchableHash(const std::vector<int64_t>& set_ids,
                              const std::function<bool(const MatchableHash&)>& visit) override {
    return hash_sets_->ForEachMatchable(set_ids, visit);
  }
  Status ForEachKnownMediaHash(const std::vector<int64_t>& set_ids,
                               const std::function<bool(const MatchableHash&)>& visit) override {
    return hash_sets_->ForEachMatchable(set_ids, visit, /*media_only=*/true);
  }
  Status ForEachContentForMatching(
      int64_t device_id, const std::function<bool(const ContentForMatching&)>& visit) override {
    return hash_sets_->ForEachContentForMatching(device_id, visit);
  }
  Result<std::map<int64_t, int>> MatchedSets(int64_t device_id) override {
    return hash_sets_->MatchedSets(device_id);
  }
  Status RecordMatchedSets(int64_t device_id, const std::vector<int64_t>& set_ids,
                           int max_distance) override {
    return hash_sets_->RecordMatchedSets(device_id, set_ids, max_distance);
  }
  Status ForEachMatch(int64_t case_id, bool include_known_good,
                      const std::function<bool(const MatchRow&)>& visit) override {
    return hash_sets_->ForEachMatch(case_id, include_known_good, visit);
  }
  Result<MatchSummary> SummarizeMatches(int64_t case_id) override {
    return hash_sets_->Summarize(case_id);
  }
  Result<std::unordered_set<std::string>> KnownGoodContents(int64_t case_id) override {
    return hash_sets_->KnownGoodContents(case_id);
  }

  Status ForEachCategorisedContent(
      int64_t case_id, const std::function<bool(const CategorisedContent&)>& visit) override {
    return hash_sets_->ForEachCategorisedContent(case_id, visit);
  }

  Result<std::vector<ChatDatabaseRow>> ListChatDatabases(
      int64_t case_id, std::optional<int64_t> device_id) override {
    return chats_->ListDatabases(case_id, device_id);
  }
  Status ForEachChat(int64_t case_id, std::optional<int64_t> device_id,
                     const std::function<bool(const ChatRow&)>& visit) override {
    return chats_->ForEachChat(case_id, device_id, visit);
  }
  Status ForEachChatMessage(int64_t case_id, std::string_view chat_jid,
                            const std::function<bool(const ChatMessageRow&)>& visit) override {
    return chats_->ForEachMessage(case_id, chat_jid, visit);
  }
  Status ForEachChatMedia(int64_t case_id, const MediaFilter& filter,
                          const std::function<bool(const ChatMediaRow&)>& visit) override {
    return chats_->ForEachMedia(case_id, filter, visit);
  }
  Status ForEachIdentifier(int64_t case_id, std::string_view kind,
                           const std::function<bool(const IdentifierRow&)>& visit) override {
    return chats_->ForEachIdentifier(case_id, kind, visit);
  }
  Result<std::vector<CrossDeviceLink>> CrossDeviceLinks(int64_t case_id) override {
    return chats_->CrossDeviceLinks(case_id);
  }

  Status AppendAudit(const AuditEvent& event) override {
    Transaction tx(*db_);
    TANTALIO_RETURN_IF_ERROR(tx.status());
    Statement last(*db_, "SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1");
    TANTALIO_ASSIGN_OR_RETURN(bool has_last, last.Step());
    std::string prev = has_last ? last.Text(0) : std::string(64, '0');
    std::string at = UtcNow();
    Statement s(
        *db_,
        "INSERT INTO audit_log(at, actor, action, details, prev_hash, hash) VALUES(?,?,?,?,?,?)");
    TANTALIO_RETURN_IF_ERROR(s.Bind(1, at)
                                 .Bind(2, event.actor)
                                 .Bind(3, event.action)
                                 .Bind(4, event.details)
                                 .Bind(5, prev)
                                 .Bind(6, AuditHash(prev, at, event))
                                 .Run());
    return tx.Commit();
  }

  Result<uint64_t> VerifyAuditChain() override {
    Statement s(
        *db_, "SELECT id, at, actor, action, details, prev_hash, hash FROM audit_log ORDER BY id");
    std::string prev(64, '0');
    uint64_t count = 0;
    while (true) {
      TANTALIO_ASSIGN_OR_RETURN(bool has_row, s.Step());
      if (!has_row) return count;
      AuditEvent e{s.Text(2), s.Text(3), s.Text(4)};
      if (s.Text(5) != prev || AuditHash(prev, s.Text(1), e) != s.Text(6)) {
        return CorruptError("audit log entry " + std::to_string(s.Int(0)) +
                            " does not match the hash chain: the log was altered");
      }
      prev = s.Text(6);
      ++count;
    }
  }

 private:
  static CaseInfo ReadCase(const Statement& s) {
    return CaseInfo{s.Int(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4)};
  }
  static DeviceInfo ReadDevice(const Statement& s) {
    return DeviceInfo{s.Int(0), s.Int(1), s.Text(2), s.Text(3)};
  }

  // Batches written outside a scan (imports, tests) carry no scan id.
  static std::optional<int64_t> ScanId(const IngestBatch& batch) {
    return batch.scan_id > 0 ? std::optional<int64_t>(batch.scan_id) : std::nullopt;
  }

  // Returns how many rows were inserted (not already present).
  Result<uint64_t> WriteContents(const IngestBatch& batch) {
    Statement s(*db_,
                "INSERT OR IGNORE INTO contents(sha256, md5, sha1, size, mime, digest_algorithm,"
                " digest_version) VALUES(?,?,?,?,?,?,?)");
    // In key order: neighbouring inserts land on the same B-tree pages.
    std::vector<const ContentRecord*> sorted;
    sorted.reserve(batch.contents.size());
    for (const auto& c : batch.contents) sorted.push_back(&c);
    std::sort(sorted.begin(), sorted.end(),
              [](const ContentRecord* a, const ContentRecord* b) { return a->sha256 < b->sha256; });
    uint64_t inserted = 0;
    for (const ContentRecord* content : sorted) {
      const ContentRecord& c = *content;
      TANTALIO_RETURN_IF_ERROR(s.Bind(1, c.sha256)
                                   .Bind(2, c.md5)
                                   .Bind(3, c.sha1)
                                   .Bind(4, static_cast<int64_t>(c.size))
                                   .Bind(5, c.mime)
                                   .Bind(6, c.digest_algorithm)
                                   .Bind(7, int64_t{c.digest_version})
                                   .Run());
      inserted += static_cast<uint64_t>(sqlite3_changes(db_->get()));
    }
    return inserted;
  }

  Result<uint64_t> WriteFiles(const IngestBatch& batch) {
    Statement s(
        *db_,
        "INSERT OR IGNORE INTO files(device_id, forensic_path, unit_path, kind, status, size,"
        " mtime, atime, ctime, link_target, mime, extension, extension_mismatch, depth, sha256,"
        " note, scan_id, crtime, inode, allocation)"
        " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    uint64_t inserted = 0;
    for (const auto& f : batch.files) {
      s.Bind(1, batch.device_id)
          .BindBlob(2, f.forensic_path)
          .BindBlob(3, f.unit_path)
          .Bind(4, f.kind)
          .Bind(5, f.status)
          .Bind(6, static_cast<int64_t>(f.size))
          .Bind(7, f.mtime)
          .Bind(8, f.atime)
          .Bind(9, f.ctime)
          .Bind(11, f.mime)
          .Bind(12, f.extension)
          .Bind(13, int64_t{f.extension_mismatch ? 1 : 0})
          .Bind(14, int64_t{f.depth})
          .Bind(16, f.note)
          .Bind(17, ScanId(batch))
          .Bind(18, f.crtime)
          .Bind(20, f.allocation);
      if (f.inode)
        s.Bind(19, static_cast<int64_t>(*f.inode));
      else
        s.BindNull(19);
      if (f.link_target.empty())
        s.BindNull(10);
      else
        s.BindBlob(10, f.link_target);
      if (f.sha256.empty())
        s.BindNull(15);
      else
        s.Bind(15, f.sha256);
      TANTALIO_RETURN_IF_ERROR(s.Run());
      inserted += static_cast<uint64_t>(sqlite3_changes(db_->get()));
    }
    return inserted;
  }

  Status WriteMetadata(const IngestBatch& batch) {
    Statement s(
        *db_,
        "INSERT OR IGNORE INTO image_metadata(sha256, extractor, width, height, camera_make,"
        " camera_model, body_serial, lens, datetime_original, offset_time_original, software,"
        " gps_latitude, gps_longitude, gps_altitude, orientation)"
        " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    for (const auto& m : batch.metadata) {
      std::optional<int64_t> orientation;
      if (m.orientation) orientation = *m.orientation;
      TANTALIO_RETURN_IF_ERROR(s.Bind(1, m.sha256)
                                   .Bind(2, m.extractor)
                                   .Bind(3, m.width)
                                   .Bind(4, m.height)
                                   .Bind(5, m.camera_make)
                                   .Bind(6, m.camera_model)
                                   .Bind(7, m.body_serial)
                                   .Bind(8, m.lens)
                                   .Bind(9, m.datetime_original)
                                   .Bind(10, m.offset_time_original)
                                   .Bind(11, m.software)
                                   .Bind(12, m.gps_latitude)
                                   .Bind(13, m.gps_longitude)
                                   .Bind(14, m.gps_altitude)
                                   .Bind(15, orientation)
                                   .Run());
    }
    return Status::Ok();
  }

  Status WriteFingerprints(const IngestBatch& batch) {
    Statement s(
        *db_,
        "INSERT OR IGNORE INTO fingerprints(sha256, algorithm, version, timestamp_ms, value,"
        " quality, partial, warning, producer, variants) VALUES(?,?,?,?,?,?,?,?,?,?)");
    for (const auto& f : batch.fingerprints) {
      std::optional<int64_t> quality;
      if (f.quality) quality = *f.quality;
      TANTALIO_RETURN_IF_ERROR(s.Bind(1, f.sha256)
                                   .Bind(2, f.algorithm)
                                   .Bind(3, int64_t{f.version})
                                   .Bind(4, f.timestamp_ms)
                                   .Bind(5, f.value)
                                   .Bind(6, quality)
                                   .Bind(7, int64_t{f.partial ? 1 : 0})
                                   .Bind(8, f.warning)
                                   .Bind(9, f.producer)
                                   .Bind(10, f.variants)
                                   .Run());
    }
    return Status::Ok();
  }

  Status WriteMedia(const IngestBatch& batch) {
    if (batch.media.empty() && batch.thumbnails.empty()) return Status::Ok();
    Statement s(*db_,
                "INSERT OR IGNORE INTO media_info(sha256, container, duration, bit_rate,"
                " creation_time, make, model, location, video_codec, width, height, frame_rate,"
                " frame_count, rotation, audio_codec, sample_rate, channels, decoder)"
                " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    for (const MediaInfoRecord& m : batch.media) {
      std::optional<int64_t> rotation;
      if (m.rotation) rotation = *m.rotation;
      TANTALIO_RETURN_IF_ERROR(s.Bind(1, m.sha256)
                                   .Bind(2, m.container)
                                   .Bind(3, m.duration_seconds)
                                   .Bind(4, m.bit_rate)
                                   .Bind(5, m.creation_time)
                                   .Bind(6, m.make)
                                   .Bind(7, m.model)
                                   .Bind(8, m.location)
                                   .Bind(9, m.video_codec)
                                   .Bind(10, m.width)
                                   .Bind(11, m.height)
                                   .Bind(12, m.frame_rate)
                                   .Bind(13, m.frame_count)
                                   .Bind(14, rotation)
                                   .Bind(15, m.audio_codec)
                                   .Bind(16, m.sample_rate)
                                   .Bind(17, m.channels)
                                   .Bind(18, m.decoder)
                                   .Run());
    }
    Statement t(*db_,
                "INSERT OR IGNORE INTO thumbnails(sha256, timestamp_ms, width, height, jpeg)"
                " VALUES(?,?,?,?,?)");
    for (const ThumbnailRecord& r : batch.thumbnails) {
      const std::string_view jpeg(reinterpret_cast<const char*>(r.jpeg.data()), r.jpeg.size());
      TANTALIO_RETURN_IF_ERROR(t.Bind(1, r.sha256)
                                   .Bind(2, r.timestamp_ms)
                                   .Bind(3, int64_t{r.width})
                                   .Bind(4, int64_t{r.height})
                                   .BindBlob(5, jpeg)
                                   .Run());
    }
    return Status::Ok();
  }

  // A re-scan of the same image replaces its row: the latest reading stands.
  Status WriteDiskImages(const IngestBatch& batch) {
    if (batch.disk_images.empty()) return Status::Ok();
    Statement s(*db_,
                "INSERT OR REPLACE INTO disk_images(device_id, forensic_path, format, media_size,"
                " segments, examiner, case_number, evidence_number, description, notes,"
                " acquired_at, acquisition_software, stored_md5, stored_sha1, computed_md5,"
                " computed_sha1, integrity, integrity_detail, volumes, files, deleted, orphans,"
                " carved, scan_id, recorded_at)"
                " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    for (const DiskImageRecord& d : batch.disk_images) {
      TANTALIO_RETURN_IF_ERROR(s.Bind(1, batch.device_id)
                                   .BindBlob(2, d.forensic_path)
                                   .Bind(3, d.format)
                                   .Bind(4, static_cast<int64_t>(d.media_size))
                                   .BindBlob(5, d.segments)
                                   .Bind(6, d.examiner)
                                   .Bind(7, d.case_number)
                                   .Bind(8, d.evidence_number)
                                   .Bind(9, d.description)
                                   .Bind(10, d.notes)
                                   .Bind(11, d.acquired_at)
                                   .Bind(12, d.acquisition_software)
                                   .Bind(13, d.stored_md5)
                                   .Bind(14, d.stored_sha1)
                                   .Bind(15, d.computed_md5)
                                   .Bind(16, d.computed_sha1)
                                   .Bind(17, d.integrity)
                                   .Bind(18, d.integrity_detail)
                                   .Bind(19, d.volumes)
                                   .Bind(20, static_cast<int64_t>(d.files))
                                   .Bind(21, static_cast<int64_t>(d.deleted))
                                   .Bind(22, static_cast<int64_t>(d.orphans))
                                   .Bind(23, static_cast<int64_t>(d.carved))
                                   .Bind(24, ScanId(batch))
                                   .Bind(25, UtcNow())
                                   .Run());
    }
    return Status::Ok();
  }

  Status WriteErrors(const IngestBatch& batch) {
    Statement s(
        *db_,
        "INSERT OR IGNORE INTO errors(device_id, forensic_path, stage, code, message, scan_id,"
        " created_at) VALUES(?,?,?,?,?,?,?)");
    const std::string now = UtcNow();
    for (const auto& e : batch.errors) {
      TANTALIO_RETURN_IF_ERROR(s.Bind(1, batch.device_id)
                                   .BindBlob(2, e.forensic_path)
                                   .Bind(3, e.stage)
                                   .Bind(4, e.code)
                                   .Bind(5, e.message)
                                   .Bind(6, ScanId(batch))
                                   .Bind(7, now)
                                   .Run());
    }
    return Status::Ok();
  }

  std::unique_ptr<Database> db_;
  std::unique_ptr<sqlite::SqliteHashSets> hash_sets_;
  std::unique_ptr<sqlite::SqliteChats> chats_;
};

}  // namespace

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path) {
  TANTALIO_ASSIGN_OR_RETURN(auto db, Database::Open(path));
  auto store = std::make_unique<SqliteStore>(std::move(db));
  Status init = store->Initialize();
  if (!init.ok()) return init.WithContext("open store " + path);
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace tantalio
