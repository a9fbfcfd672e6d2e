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
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "base/status.h"
#include "store/records.h"

namespace tantalio {

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

  // Writes the whole batch in one transaction: all of it or none of it.
  // Idempotent: rows already present (same device and forensic path, same
  // content) are left as they are, so a resumed scan adds no duplicates.
  // Returns how many contents and files were new.
  virtual Result<ApplyStats> Apply(const IngestBatch& batch) = 0;

  // Streams the files of a case (optionally one device), ordered by device
  // then forensic path. Stops early when `visit` returns false.
  virtual Status ForEachFile(int64_t case_id, std::optional<int64_t> device_id,
                             const std::function<bool(const FileRow&)>& visit) = 0;
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

  // Appends to the hash-chained audit log.
  virtual Status AppendAudit(const AuditEvent& event) = 0;
  // Recomputes the chain; kCorrupt naming the first broken entry if altered.
  virtual Result<uint64_t> VerifyAuditChain() = 0;
};

}  // namespace tantalio

#endif  // TANTALIO_STORE_STORE_H_
