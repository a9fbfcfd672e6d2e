// The case store: every case, device, file, content, fingerprint, error and
// audit event Tantalio knows. Backend-neutral: SQLite is the embedded default,
// PostgreSQL comes later behind the same interface. No SQL lives outside
// src/store/.
//
// Thread safety: a Store object is used by one thread at a time. Several
// processes may open the same SQLite file; writes are serialised by the
// backend.
#ifndef TANTALIO_STORE_STORE_H_
#define TANTALIO_STORE_STORE_H_

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "base/status.h"
#include "store/chat_records.h"
#include "store/hash_set_records.h"
#include "store/records.h"

namespace tantalio {

// A hash-set import in progress; see Store::BeginHashSetImport.
class HashSetImport {
 public:
  virtual ~HashSetImport() = default;  // rolls back unless committed
  // Adds one normalised entry. When the set already holds an entry with the
  // same source id (MediaID) or any same hash, the two are merged: fields
  // the earlier one lacks are filled, conflicting values keep the earlier
  // one, except the category, which keeps the more severe (lower non-zero
  // code). Returns a sentence describing the merge, or nullopt when new.
  virtual Result<std::optional<std::string>> Add(const formats::HashSetEntry& entry) = 0;
  // Commits the set; returns it with its entry count. Fields of `described`
  // that are not empty (agency, version, source_format, category_scheme)
  // replace those given to BeginHashSetImport: what the file says about
  // itself is known only once it is read. Call at most once.
  virtual Result<HashSetInfo> Commit(const HashSetInfo& described) = 0;
};

class Store {
 public:
  // Opens or creates the store named by `uri`: a file path (SQLite) or
  // "sqlite:PATH". Applies pending schema migrations. "postgresql://..." is
  // refused with kUnsupported until that backend exists.
  static Result<std::unique_ptr<Store>> Open(const std::string& uri);

  virtual ~Store() = default;

  // The schema version after migrations.
  virtual Result<int> SchemaVersion() = 0;

  // Creates a case; kAlreadyExists if the name is taken.
  virtual Result<CaseInfo> CreateCase(const CaseInfo& info) = 0;
  virtual Result<std::vector<CaseInfo>> ListCases() = 0;
  // kNotFound if there is no case by that name.
  virtual Result<CaseInfo> FindCase(std::string_view name) = 0;

  // Returns the device, creating it when it is new to the case.
  virtual Result<DeviceInfo> GetOrCreateDevice(int64_t case_id, std::string_view label) = 0;
  // kNotFound if the case has no such device.
  virtual Result<DeviceInfo> FindDevice(int64_t case_id, std::string_view label) = 0;
  virtual Result<std::vector<DeviceInfo>> ListDevices(int64_t case_id) = 0;

  // Records where a device's evidence is read from (idempotent).
  virtual Status AddEvidenceRoot(int64_t device_id, const EvidenceRoot& root) = 0;
  virtual Result<std::vector<EvidenceRoot>> EvidenceRoots(int64_t device_id) = 0;

  // Opens a scan record in state "running"; returns its id.
  virtual Result<int64_t> BeginScan(int64_t device_id, std::string_view tool_version) = 0;
  // Closes it with `state` ("completed", "interrupted", "failed") and totals.
  virtual Status FinishScan(int64_t scan_id, std::string_view state, const ScanTotals& totals) = 0;

  // The top-level evidence items already finished on this device.
  virtual Result<std::unordered_set<std::string>> CompletedUnits(int64_t device_id) = 0;
  // For each unit of the device that a scan started but did not complete,
  // the forensic paths of the files it already stored (a disk image is one
  // unit: a resumed scan skips what it read before).
  virtual Result<std::unordered_map<std::string, std::unordered_set<std::string>>> UnfinishedUnits(
      int64_t device_id) = 0;

  // Writes the whole batch in one transaction: all of it or none of it.
  // Idempotent: rows already present (same device and forensic path, same
  // content) are left as they are, so a resumed scan adds no duplicates.
  // Returns how many contents and files were new.
  virtual Result<ApplyStats> Apply(const IngestBatch& batch) = 0;

  // Streams the files of a case (optionally one device), ordered by device
  // then forensic path. Stops early when `visit` returns false.
  virtual Status ForEachFile(int64_t case_id, std::optional<int64_t> device_id,
                             const std::function<bool(const FileRow&)>& visit) = 0;
  // The disk images scanned into the case (or one device), by device and path.
  virtual Result<std::vector<DiskImageRow>> ListDiskImages(int64_t case_id,
                                                           std::optional<int64_t> device_id) = 0;
  virtual Status ForEachError(int64_t case_id, std::optional<int64_t> device_id,
                              const std::function<bool(const StoredError&)>& visit) = 0;

  // Counts for a case, or for one of its devices.
  virtual Result<CaseSummary> SummarizeCase(int64_t case_id, std::optional<int64_t> device_id) = 0;
  // Contents held by more than one device of the case, most devices first.
  virtual Result<std::vector<SharedContent>> ContentsOnSeveralDevices(int64_t case_id,
                                                                      size_t limit) = 0;
  // Cameras seen in image metadata, by make, model and body serial.
  virtual Result<std::vector<CameraRow>> Cameras(int64_t case_id) = 0;
  virtual Result<std::vector<GpsRow>> GpsPositions(int64_t case_id, size_t limit) = 0;
  // Streams every file of the case whose content has a still-image
  // fingerprint of `algorithm` (e.g. "pdq"), ordered by content.
  virtual Status ForEachPerceptualHash(int64_t case_id, std::string_view algorithm,
                                       const std::function<bool(const PerceptualRow&)>& visit) = 0;

  // The video and audio files of a case (optionally one device), with what
  // their containers say and how they were fingerprinted, by device and path.
  virtual Status ForEachMedia(int64_t case_id, std::optional<int64_t> device_id,
                              const std::function<bool(const MediaRow&)>& visit) = 0;
  // The fingerprints of `algorithm` stored for one content, in time order
  // (a video's vPDQ frames; one row for a still or an audio fingerprint).
  virtual Result<std::vector<FingerprintRecord>> Fingerprints(std::string_view sha256,
                                                              std::string_view algorithm) = 0;
  // The thumbnails of a video content, in time order.
  virtual Result<std::vector<ThumbnailRecord>> Thumbnails(std::string_view sha256) = 0;

  // ---- Known-material hash sets ----

  // Starts importing a new set. Everything added through the returned object
  // is one transaction: it becomes visible on Commit(), and destroying the
  // object uncommitted leaves nothing of the set behind. The Store must not
  // be used for anything else until the import object is gone.
  // kAlreadyExists if a set of that name exists; kInvalidArgument for an
  // empty name or an unknown kind.
  virtual Result<std::unique_ptr<HashSetImport>> BeginHashSetImport(const HashSetInfo& info) = 0;
  // All sets, by name, with their entry counts.
  virtual Result<std::vector<HashSetInfo>> ListHashSets() = 0;
  // kNotFound naming the set when there is none.
  virtual Result<HashSetInfo> FindHashSet(std::string_view name) = 0;
  // Streams a set's entries in import order. Stops when `visit` returns false.
  virtual Status ForEachHashSetEntry(int64_t set_id,
                                     const std::function<bool(const StoredHashEntry&)>& visit) = 0;
  // Streams the matchable values of every entry of the given sets (all sets
  // when `set_ids` is empty), in entry order.
  virtual Status ForEachMatchableHash(const std::vector<int64_t>& set_ids,
                                      const std::function<bool(const MatchableHash&)>& visit) = 0;
  // The same, restricted to known video frames and recordings (entries with
  // a media time or a Chromaprint fingerprint), ordered by set, id and time.
  virtual Status ForEachKnownMediaHash(const std::vector<int64_t>& set_ids,
                                       const std::function<bool(const MatchableHash&)>& visit) = 0;

  // ---- Matches ----

  // Streams a device's contents with their digests and PDQ orientations, by
  // SHA-256.
  virtual Status ForEachContentForMatching(
      int64_t device_id, const std::function<bool(const ContentForMatching&)>& visit) = 0;
  // The sets already matched against a device, with the PDQ distance used.
  virtual Result<std::map<int64_t, int>> MatchedSets(int64_t device_id) = 0;
  // Records that every content of the device was matched against `set_ids`
  // at `max_distance`, replacing what was recorded for those sets before.
  virtual Status RecordMatchedSets(int64_t device_id, const std::vector<int64_t>& set_ids,
                                   int max_distance) = 0;
  // Streams the case's matches, by device, path, set. Known-good matches are
  // left out unless `include_known_good`.
  virtual Status ForEachMatch(int64_t case_id, bool include_known_good,
                              const std::function<bool(const MatchRow&)>& visit) = 0;
  // Counts per set and category, known-good files, and new material.
  virtual Result<MatchSummary> SummarizeMatches(int64_t case_id) = 0;
  // The SHA-256 of every content of the case that matches only known-good
  // sets: review lists leave these out (they are never deleted).
  virtual Result<std::unordered_set<std::string>> KnownGoodContents(int64_t case_id) = 0;

  // Streams each content of the case that an illegal or watch set
  // categorises (category not null), once, with its most severe entry, by
  // SHA-256.
  virtual Status ForEachCategorisedContent(
      int64_t case_id, const std::function<bool(const CategorisedContent&)>& visit) = 0;

  // ---- Chat artifacts and identifiers ----
  // (Written by Apply with the rest of a scan's records.)

  // The messenger databases found on a case's devices (optionally one), with
  // their state, counts and owner account.
  virtual Result<std::vector<ChatDatabaseRow>> ListChatDatabases(
      int64_t case_id, std::optional<int64_t> device_id) = 0;
  // Streams the chats of every database, by device, database, groups first.
  virtual Status ForEachChat(int64_t case_id, std::optional<int64_t> device_id,
                             const std::function<bool(const ChatRow&)>& visit) = 0;
  // Streams one chat's messages from every device that holds it, by time.
  virtual Status ForEachChatMessage(int64_t case_id, std::string_view chat_jid,
                                    const std::function<bool(const ChatMessageRow&)>& visit) = 0;
  // Streams media messages by time: with only `filter.sha256`, every posting
  // of that hash; otherwise the postings of known material (illegal or watch
  // sets), narrowed by the filter. A file need not exist for a posting to
  // count: the hash is the one the app recorded.
  virtual Status ForEachChatMedia(int64_t case_id, const MediaFilter& filter,
                                  const std::function<bool(const ChatMediaRow&)>& visit) = 0;
  // Streams identifiers (all kinds when `kind` is empty) with their devices
  // and counts, those seen on most devices first.
  virtual Status ForEachIdentifier(int64_t case_id, std::string_view kind,
                                   const std::function<bool(const IdentifierRow&)>& visit) = 0;
  // Groups, media hashes and identifiers seen on two or more devices, and
  // numbers that are members of two or more groups.
  virtual Result<std::vector<CrossDeviceLink>> CrossDeviceLinks(int64_t case_id) = 0;

  // Appends to the hash-chained audit log.
  virtual Status AppendAudit(const AuditEvent& event) = 0;
  // Recomputes the chain; kCorrupt naming the first broken entry if altered.
  virtual Result<uint64_t> VerifyAuditChain() = 0;
};

}  // namespace tantalio

#endif  // TANTALIO_STORE_STORE_H_
