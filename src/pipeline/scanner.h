// Scan orchestration: evidence roots -> walker -> workers -> batched writer.
//
// The calling thread walks the evidence; worker threads read, hash and parse
// each unit (UnitProcessor); one writer thread applies batches to the Store,
// one transaction each. Queues between the stages are bounded, so memory
// stays flat whatever the size of the evidence.
//
// Resumable: a unit is marked complete in the same transaction as (or after)
// its last records, so a scan killed at any moment leaves a consistent store,
// and re-running it skips completed units and redoes the rest without
// duplicating rows.
#ifndef TANTALIO_PIPELINE_SCANNER_H_
#define TANTALIO_PIPELINE_SCANNER_H_

#include <atomic>
#include <string>
#include <vector>

#include "base/status.h"
#include "pipeline/hash_set_matcher.h"
#include "pipeline/progress.h"
#include "pipeline/unit_processor.h"
#include "store/store.h"

namespace tantalio {

struct ScanOptions {
  ProcessorOptions processor;
  int workers = 0;  // 0: one per core, at least 2
  // Files per store transaction (at most). Large batches matter: random hash
  // keys dirty index pages, and a page written once per batch is cheaper than
  // once per file (bench/store: 1,000 -> 20,000 halves the cost per file).
  size_t batch_files = 20000;
  std::string tool_version = "tantalio";
  std::string actor = "tantalio";  // who runs it, for the audit log
  // Scan matches every content against every hash set in the store as it
  // is fingerprinted. A completed scan that read every unit records the sets
  // as matched for the device, so `tantalio match` skips them.
  bool match_hash_sets = true;
  MatcherOptions matching;
};

struct ScanSummary {
  uint64_t units = 0;          // top-level items processed now
  uint64_t skipped_units = 0;  // already completed by an earlier run
  uint64_t resumed_files = 0;  // files of interrupted disk images stored by an earlier run
  uint64_t files = 0;          // file rows written now (entries included)
  uint64_t bytes = 0;          // evidence bytes read now
  uint64_t errors = 0;
  uint64_t new_contents = 0;         // distinct contents the store had not seen before
  uint64_t known_content_files = 0;  // files whose content the store already held
  uint64_t inside_archives = 0;
  uint64_t extension_mismatches = 0;
  uint64_t encrypted = 0;
  size_t hash_sets = 0;         // sets matched against while scanning
  uint64_t chat_databases = 0;  // messenger databases found (parsed, encrypted or not)
  uint64_t identifiers = 0;     // identifier occurrences found in text
  uint64_t videos = 0;          // video files described and fingerprinted (vPDQ)
  uint64_t audio = 0;           // audio-only files (Chromaprint)
  uint64_t deleted_files = 0;   // deleted or orphan files recovered from disk images
  uint64_t carved_files = 0;    // items carved from the unallocated space of disk images
  std::vector<DiskImageRecord> disk_images;  // every disk image read, with its integrity
  double seconds = 0;
  bool interrupted = false;
};

// An evidence argument resolved: absolute path plus its forensic root.
struct ResolvedRoot {
  std::string fs_path;
  std::string forensic_root;  // "<device label>/<base name>"
};

// Checks every path exists and gives each a distinct forensic root.
// kInvalidArgument names the offending path.
Result<std::vector<ResolvedRoot>> ResolveEvidenceRoots(const std::string& device_label,
                                                       const std::vector<std::string>& paths);

// Scans `roots` into `device` of `case_info`. `cancel` (may be null) stops
// the scan cleanly: finished work is kept and the summary says interrupted.
// `progress` (may be null) is updated from a helper thread.
Result<ScanSummary> Scan(Store& store, const CaseInfo& case_info, const std::string& device_label,
                         const std::vector<ResolvedRoot>& roots, const ScanOptions& options,
                         const std::atomic<bool>* cancel, ProgressObserver* progress);

// Where a device's evidence no longer matches what the store holds.
struct VerifyReport {
  struct Changed {
    std::string forensic_path, stored_sha256, current_sha256;
  };
  uint64_t checked = 0;
  std::vector<Changed> changed;
  std::vector<std::string> disappeared;
  std::vector<std::string> appeared;
  std::vector<ErrorRecord> errors;           // read errors now (where the store had none)
  std::vector<DiskImageRecord> disk_images;  // each image's integrity, checked again now
  bool interrupted = false;
  bool clean() const {
    return changed.empty() && disappeared.empty() && appeared.empty() && errors.empty() &&
           IntegrityFailures() == 0;
  }
  size_t IntegrityFailures() const {
    size_t n = 0;
    for (const DiskImageRecord& d : disk_images) n += IntegrityFailed(d.integrity) ? 1 : 0;
    return n;
  }
};

// Re-reads every evidence root recorded for the device and compares.
Result<VerifyReport> Verify(Store& store, const CaseInfo& case_info, const DeviceInfo& device,
                            const ScanOptions& options, const std::atomic<bool>* cancel,
                            ProgressObserver* progress);

}  // namespace tantalio

#endif  // TANTALIO_PIPELINE_SCANNER_H_
