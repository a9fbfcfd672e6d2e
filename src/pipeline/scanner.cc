#include "pipeline/scanner.h"

#include <pthread.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <thread>
#include <unordered_set>

#include "base/bounded_queue.h"
#include "base/forensic_path.h"
#include "evidence/directory_cursor.h"

namespace tantalio {
namespace {

using Clock = std::chrono::steady_clock;

int WorkerCount(const ScanOptions& options) {
  if (options.workers > 0) return options.workers;
  return std::max(2, static_cast<int>(std::thread::hardware_concurrency()));
}

// Runs until stopped, forwarding an external cancel request into `stop` and
// feeding the progress observer.
class Monitor {
 public:
  Monitor(const std::atomic<bool>* cancel, std::atomic<bool>& stop, ProgressObserver* progress,
          const ProgressCounters& counters)
      : cancel_(cancel),
        stop_(stop),
        progress_(progress),
        counters_(counters),
        start_(Clock::now()),
        thread_([this] { Loop(); }) {}
  ~Monitor() {
    {
      std::lock_guard lock(mutex_);
      done_ = true;
    }
    wake_.notify_all();
    thread_.join();
    if (progress_ != nullptr) progress_->Update(counters_, Clock::now() - start_, /*final=*/true);
  }

 private:
  void Loop() {
    std::unique_lock lock(mutex_);
    while (!done_) {
      wake_.wait_for(lock, std::chrono::milliseconds(50));
      if (cancel_ != nullptr && cancel_->load()) stop_.store(true);
      auto now = Clock::now();
      if (progress_ != nullptr && now - last_draw_ > std::chrono::milliseconds(250)) {
        progress_->Update(counters_, now - start_, /*final=*/false);
        last_draw_ = now;
      }
    }
  }

  const std::atomic<bool>* cancel_;
  std::atomic<bool>& stop_;
  ProgressObserver* progress_;
  const ProgressCounters& counters_;
  Clock::time_point start_;
  Clock::time_point last_draw_{};
  std::mutex mutex_;
  std::condition_variable wake_;
  bool done_ = false;
  std::thread thread_;
};

struct RunResult {
  uint64_t units = 0;
  uint64_t skipped = 0;
  bool interrupted = false;
  Status failure;  // the consumer failed (e.g. the disk is full)
};

using Consumer = std::function<Status(UnitOutput&&)>;

// Walks `roots` on this thread, processes units on worker threads and hands
// every output to `consume` on one consumer thread, in arrival order.
RunResult ProcessRoots(const std::vector<ResolvedRoot>& roots,
                       const std::unordered_set<std::string>& skip, const ScanOptions& options,
                       const std::atomic<bool>* cancel, ProgressObserver* progress,
                       const Consumer& consume) {
  RunResult result;
  ProgressCounters counters;
  if (progress != nullptr) {  // a pre-count makes the ETA possible
    for (const auto& root : roots) {
      for (DirectoryCursor c(root.fs_path, root.forensic_root); c.Valid(); c.Next()) {
        if (skip.count(c.item().forensic_path) != 0) continue;
        counters.units_total.fetch_add(1, std::memory_order_relaxed);
        if (c.item().kind == ItemKind::kFile) counters.bytes_total += c.item().size;
      }
    }
  }
  std::atomic<bool> stop{false};
  Monitor monitor(cancel, stop, progress, counters);
  // Items travel in chunks and outputs are merged per worker, so that 100,000
  // small files do not cost 400,000 thread wake-ups.
  constexpr size_t kItemsPerChunk = 32;
  constexpr size_t kRecordsPerOutput = 256;
  BoundedQueue<std::vector<DirectoryItem>> work(64);
  // Room for more than one store batch (20,000 files) of records, so that
  // workers keep going while the writer commits.
  BoundedQueue<UnitOutput> outputs(256);

  std::thread consumer([&] {  // the only thread that touches result.failure until joined
    ::pthread_setname_np(::pthread_self(), "tantalio-write");
    while (auto output = outputs.Pop()) {
      if (!result.failure.ok()) continue;  // drain so workers never block
      Status status = consume(std::move(*output));
      if (!status.ok()) {
        result.failure = status;
        stop.store(true);
      }
    }
  });
  std::vector<std::thread> workers;
  for (int i = 0; i < WorkerCount(options); ++i) {
    workers.emplace_back([&] {
      ::pthread_setname_np(::pthread_self(), "tantalio-work");
      UnitProcessor processor(options.processor, &stop);
      UnitOutput pending;
      while (auto chunk = work.Pop()) {
        for (const DirectoryItem& item : *chunk) {
          if (stop.load()) break;
          processor.Process(item, [&](UnitOutput output) {
            counters.bytes_done.fetch_add(output.bytes_read, std::memory_order_relaxed);
            counters.files.fetch_add(output.files.size(), std::memory_order_relaxed);
            counters.errors.fetch_add(output.errors.size(), std::memory_order_relaxed);
            counters.units_done.fetch_add(output.completed_units.size(), std::memory_order_relaxed);
            pending.MergeFrom(std::move(output));
            if (pending.RecordCount() >= kRecordsPerOutput) {
              outputs.Push(std::move(pending));
              pending = UnitOutput{};
            }
          });
        }
      }
      if (!pending.empty()) outputs.Push(std::move(pending));
    });
  }
  std::vector<DirectoryItem> chunk;
  for (const auto& root : roots) {
    for (DirectoryCursor c(root.fs_path, root.forensic_root); c.Valid() && !stop.load(); c.Next()) {
      if (skip.count(c.item().forensic_path) != 0) {
        ++result.skipped;
        continue;
      }
      ++result.units;
      chunk.push_back(c.item());
      if (chunk.size() >= kItemsPerChunk) {
        work.Push(std::move(chunk));
        chunk = {};
      }
    }
  }
  if (!chunk.empty()) work.Push(std::move(chunk));
  work.Close();
  for (auto& w : workers) w.join();
  outputs.Close();
  consumer.join();
  result.interrupted = stop.load();
  return result;
}

// Collects unit outputs into store batches: at most `batch_files` files, or
// whatever is pending every two seconds, one transaction each.
class BatchWriter {
 public:
  BatchWriter(Store& store, int64_t device_id, int64_t scan_id, size_t batch_files,
              ScanSummary& summary)
      : store_(store), batch_files_(batch_files), summary_(summary) {
    batch_.device_id = device_id;
    batch_.scan_id = scan_id;
  }

  Status Add(UnitOutput&& out) {
    summary_.files += out.files.size();
    summary_.errors += out.errors.size();
    summary_.bytes += out.bytes_read;
    summary_.chat_databases += out.chat_databases.size();
    summary_.identifiers += out.identifiers.size();
    for (const MediaInfoRecord& m : out.media)
      ++(m.video_codec.empty() ? summary_.audio : summary_.videos);
    summary_.resumed_files += out.resumed_files;
    summary_.disk_images.insert(summary_.disk_images.end(), out.disk_images.begin(),
                                out.disk_images.end());
    for (const FileRecord& f : out.files) {
      summary_.inside_archives += f.depth > 0 ? 1 : 0;
      summary_.deleted_files +=
          f.allocation == kAllocationDeleted || f.allocation == kAllocationOrphan ? 1 : 0;
      summary_.carved_files += f.allocation == kAllocationCarved ? 1 : 0;
      summary_.extension_mismatches += f.extension_mismatch ? 1 : 0;
      summary_.encrypted += f.status == kStatusEncrypted ? 1 : 0;
      content_files_ += f.sha256.empty() ? 0 : 1;
    }
    batch_.MergeFrom(std::move(out));
    const bool due = Clock::now() - last_flush_ > std::chrono::seconds(2);
    if (batch_.files.size() + batch_.errors.size() >= batch_files_ || due) return Flush();
    return Status::Ok();
  }

  Status Flush() {
    last_flush_ = Clock::now();
    if (batch_.empty()) return Status::Ok();
    Result<ApplyStats> stats = store_.Apply(batch_);
    if (stats.ok()) summary_.new_contents += stats->new_contents;
    static_cast<ScanRecords&>(batch_) = ScanRecords{};
    summary_.known_content_files = content_files_ - std::min(content_files_, summary_.new_contents);
    return stats.status().WithContext("write scan results to the store");
  }

 private:
  Store& store_;
  size_t batch_files_;
  ScanSummary& summary_;
  IngestBatch batch_;
  uint64_t content_files_ = 0;
  Clock::time_point last_flush_ = Clock::now();
};

// After a completed scan, records which sets the device is now fully matched
// against. A fresh device whose every unit this scan read is matched against
// every set the scan loaded. Otherwise earlier files (of earlier runs or
// other evidence roots) met only the sets recorded for them then: those stay
// recorded, at the smaller of the two distances, and `tantalio match` redoes
// the device for the rest.
Status RecordScanMatching(Store& store, int64_t device_id, bool fresh_device,
                          const ScanSummary& summary, const std::map<int64_t, int>& matched_before,
                          const HashSetMatcher& matcher) {
  const int distance = matcher.options().max_distance;
  if (fresh_device && summary.skipped_units == 0) {
    if (matcher.set_ids().empty()) return Status::Ok();
    return store.RecordMatchedSets(device_id, matcher.set_ids(), distance);
  }
  std::map<int, std::vector<int64_t>> by_distance;
  for (int64_t set_id : matcher.set_ids()) {
    auto before = matched_before.find(set_id);
    if (before != matched_before.end()) {
      by_distance[std::min(before->second, distance)].push_back(set_id);
    }
  }
  for (const auto& [d, sets] : by_distance) {
    TANTALIO_RETURN_IF_ERROR(store.RecordMatchedSets(device_id, sets, d));
  }
  return Status::Ok();
}

// The integrity outcome of one disk image, for the audit log.
std::string DiskImageAuditJson(int64_t scan_id, const DiskImageRecord& d) {
  auto field = [](const char* name, const std::string& value) {
    return std::string(",\"") + name + "\":\"" + EscapeForJson(value) + "\"";
  };
  return "{\"scan_id\":" + std::to_string(scan_id) + field("image", d.forensic_path) +
         field("format", d.format) + ",\"media_bytes\":" + std::to_string(d.media_size) +
         field("stored_md5", d.stored_md5) + field("stored_sha1", d.stored_sha1) +
         field("computed_md5", d.computed_md5) + field("computed_sha1", d.computed_sha1) +
         field("integrity", d.integrity) + field("detail", d.integrity_detail) + "}";
}

}  // namespace

Result<std::vector<ResolvedRoot>> ResolveEvidenceRoots(const std::string& device_label,
                                                       const std::vector<std::string>& paths) {
  namespace fs = std::filesystem;
  if (paths.empty()) return InvalidArgumentError("no evidence given");
  std::vector<ResolvedRoot> out;
  std::set<std::string> names;
  for (const auto& p : paths) {
    std::error_code ec;
    fs::path absolute = fs::absolute(fs::path(p), ec).lexically_normal();
    if (ec || !fs::exists(fs::symlink_status(absolute, ec)) || ec) {
      return InvalidArgumentError("evidence " + EscapeForDisplay(p) +
                                  ": no such file or directory");
    }
    std::string text = absolute.string();
    while (text.size() > 1 && text.back() == '/') text.pop_back();
    std::string name(BaseName(text));
    if (name.empty()) name = "root";
    if (!names.insert(name).second) {
      return InvalidArgumentError("evidence " + EscapeForDisplay(p) +
                                  ": another evidence path is also named '" +
                                  EscapeForDisplay(name) + "'; scan them as separate devices");
    }
    out.push_back(ResolvedRoot{text, JoinPath(device_label, name)});
  }
  // One folder is the device itself: its contents sit right under the label
  // (phone1/DCIM/...). Several paths, or a file, keep their names.
  if (out.size() == 1 && std::filesystem::is_directory(out[0].fs_path))
    out[0].forensic_root = device_label;
  return out;
}

Result<ScanSummary> Scan(Store& store, const CaseInfo& case_info, const std::string& device_label,
                         const std::vector<ResolvedRoot>& roots, const ScanOptions& options,
                         const std::atomic<bool>* cancel, ProgressObserver* progress) {
  const auto start = Clock::now();
  TANTALIO_ASSIGN_OR_RETURN(DeviceInfo device, store.GetOrCreateDevice(case_info.id, device_label));
  for (const auto& root : roots) {
    TANTALIO_RETURN_IF_ERROR(
        store.AddEvidenceRoot(device.id, EvidenceRoot{root.fs_path, root.forensic_root}));
  }
  TANTALIO_ASSIGN_OR_RETURN(auto completed, store.CompletedUnits(device.id));
  TANTALIO_ASSIGN_OR_RETURN(auto unfinished, store.UnfinishedUnits(device.id));
  TANTALIO_ASSIGN_OR_RETURN(int64_t scan_id, store.BeginScan(device.id, options.tool_version));
  std::string roots_json;
  for (const auto& root : roots) {
    roots_json += (roots_json.empty() ? "\"" : ",\"") + EscapeForJson(root.fs_path) + "\"";
  }
  TANTALIO_RETURN_IF_ERROR(store.AppendAudit(
      AuditEvent{options.actor, "scan.start",
                 "{\"case\":\"" + EscapeForJson(case_info.name) + "\",\"device\":\"" +
                     EscapeForJson(device_label) + "\",\"scan_id\":" + std::to_string(scan_id) +
                     ",\"evidence\":[" + roots_json + "]}"}));

  ScanSummary summary;
  ScanOptions run_options = options;
  ArtifactOptions& artifacts = run_options.processor.artifacts;
  if (artifacts.region == "ZZ" && !case_info.country.empty()) artifacts.region = case_info.country;
  run_options.processor.already_stored = &unfinished;
  std::unique_ptr<HashSetMatcher> matcher;
  // What the device's earlier files were matched against: a scan can only
  // vouch for the files it reads itself.
  const bool fresh_device = completed.empty();
  TANTALIO_ASSIGN_OR_RETURN(auto matched_before, store.MatchedSets(device.id));
  if (options.match_hash_sets) {
    TANTALIO_ASSIGN_OR_RETURN(matcher, HashSetMatcher::Load(store, options.matching));
    run_options.processor.matcher = matcher.get();
    summary.hash_sets = matcher->set_ids().size();
  }
  BatchWriter writer(store, device.id, scan_id, options.batch_files, summary);
  RunResult run = ProcessRoots(roots, completed, run_options, cancel, progress,
                               [&](UnitOutput&& out) { return writer.Add(std::move(out)); });
  Status flushed = run.failure.ok() ? writer.Flush() : run.failure;
  summary.units = run.units;
  summary.skipped_units = run.skipped;
  summary.interrupted = run.interrupted;
  summary.seconds = std::chrono::duration<double>(Clock::now() - start).count();

  const char* state = !flushed.ok() ? "failed" : run.interrupted ? "interrupted" : "completed";
  ScanTotals totals{summary.files, summary.bytes, summary.errors, summary.skipped_units};
  Status finished = store.FinishScan(scan_id, state, totals);
  Status audited =
      store.AppendAudit(AuditEvent{options.actor, "scan.finish",
                                   "{\"scan_id\":" + std::to_string(scan_id) + ",\"state\":\"" +
                                       state + "\",\"files\":" + std::to_string(summary.files) +
                                       ",\"bytes\":" + std::to_string(summary.bytes) +
                                       ",\"errors\":" + std::to_string(summary.errors) + "}"});
  TANTALIO_RETURN_IF_ERROR(flushed);
  TANTALIO_RETURN_IF_ERROR(finished);
  TANTALIO_RETURN_IF_ERROR(audited);
  for (const DiskImageRecord& d : summary.disk_images) {
    TANTALIO_RETURN_IF_ERROR(store.AppendAudit(
        AuditEvent{options.actor, "disk_image.integrity", DiskImageAuditJson(scan_id, d)}));
  }
  if (matcher && !run.interrupted) {
    TANTALIO_RETURN_IF_ERROR(
        RecordScanMatching(store, device.id, fresh_device, summary, matched_before, *matcher));
  }
  return summary;
}

Result<VerifyReport> Verify(Store& store, const CaseInfo& case_info, const DeviceInfo& device,
                            const ScanOptions& options, const std::atomic<bool>* cancel,
                            ProgressObserver* progress) {
  TANTALIO_ASSIGN_OR_RETURN(auto stored_roots, store.EvidenceRoots(device.id));
  if (stored_roots.empty()) {
    return NotFoundError("device '" + device.label + "' has no recorded evidence: scan it first");
  }
  // What the store says: forensic path -> sha256 ("" for items without content).
  std::map<std::string, std::string> stored;
  std::set<std::string> stored_errors;
  TANTALIO_RETURN_IF_ERROR(store.ForEachFile(case_info.id, device.id, [&](const FileRow& row) {
    stored[row.file.forensic_path] = row.file.sha256;
    return true;
  }));
  TANTALIO_RETURN_IF_ERROR(store.ForEachError(case_info.id, device.id, [&](const StoredError& e) {
    stored_errors.insert(e.error.forensic_path + '\0' + e.error.stage);
    return true;
  }));

  std::vector<ResolvedRoot> roots;
  for (const auto& r : stored_roots) roots.push_back(ResolvedRoot{r.fs_path, r.forensic_root});
  VerifyReport report;
  std::set<std::string> seen;
  RunResult run = ProcessRoots(roots, {}, options, cancel, progress, [&](UnitOutput&& out) {
    for (const auto& f : out.files) {
      ++report.checked;
      seen.insert(f.forensic_path);
      auto it = stored.find(f.forensic_path);
      if (it == stored.end()) {
        report.appeared.push_back(f.forensic_path);
      } else if (it->second != f.sha256) {
        report.changed.push_back({f.forensic_path, it->second, f.sha256});
      }
    }
    for (auto& e : out.errors) {
      if (e.stage == "integrity") continue;  // reported with its image below
      if (stored_errors.count(e.forensic_path + '\0' + e.stage) == 0)
        report.errors.push_back(std::move(e));
    }
    for (auto& d : out.disk_images) report.disk_images.push_back(std::move(d));
    return Status::Ok();
  });
  TANTALIO_RETURN_IF_ERROR(run.failure);
  report.interrupted = run.interrupted;
  if (!run.interrupted) {
    for (const auto& [path, sha] : stored) {
      if (seen.count(path) == 0) report.disappeared.push_back(path);
    }
  }
  TANTALIO_RETURN_IF_ERROR(store.AppendAudit(AuditEvent{
      options.actor, "verify",
      "{\"case\":\"" + EscapeForJson(case_info.name) + "\",\"device\":\"" +
          EscapeForJson(device.label) + "\",\"checked\":" + std::to_string(report.checked) +
          ",\"changed\":" + std::to_string(report.changed.size()) +
          ",\"appeared\":" + std::to_string(report.appeared.size()) +
          ",\"disappeared\":" + std::to_string(report.disappeared.size()) +
          ",\"disk_images\":" + std::to_string(report.disk_images.size()) +
          ",\"integrity_failures\":" + std::to_string(report.IntegrityFailures()) + "}"}));
  return report;
}

}  // namespace tantalio
