// Known-material workflows on a store: importing a hash-set file, exporting
// a set, and re-matching a case's devices against sets imported after they
// were scanned. The CLI's `hashset import|export` and `match` call these.
#ifndef TANTALIO_PIPELINE_KNOWN_MATERIAL_H_
#define TANTALIO_PIPELINE_KNOWN_MATERIAL_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "base/status.h"
#include "formats/hash_set_export.h"
#include "formats/hash_set_import.h"
#include "pipeline/hash_set_matcher.h"
#include "store/store.h"

namespace tantalio {

struct HashSetImportRequest {
  std::string path;
  std::string name;
  std::string kind;     // kKind*; "" picks known-good for NSRL, illegal otherwise
  std::string agency;   // "" takes what the file says (VICS ContactOrganization, NIST)
  std::string version;  // "" takes what the file says (NSRL VERSION)
  formats::ImportOptions options;
  std::string actor = "tantalio";  // for the audit log
  // Called every kProgressEvery records with the count so far (may be empty).
  std::function<void(uint64_t records)> on_progress;
  static constexpr uint64_t kProgressEvery = 20000;
};

struct HashSetImportOutcome {
  HashSetInfo set;
  formats::ImportReport report;
  std::string source_sha256;                // of the imported file, for the audit trail
  uint64_t merged = 0;                      // records merged into an earlier one of the same set
  std::vector<std::string> merge_warnings;  // the first few, "WHERE: message"
  static constexpr size_t kMaxWarnings = 10;
};

// Reads `request.path` and stores it as a new set in one transaction: an
// error anywhere (malformed file, invalid record without skip_invalid, a
// full disk) leaves nothing of the set behind. Appends "hashset.import" to
// the audit log with the file's SHA-256.
Result<HashSetImportOutcome> ImportHashSetFile(Store& store, const HashSetImportRequest& request);

// Writes the set named `name` to `out` in `format`; returns entries written.
Result<uint64_t> ExportHashSet(Store& store, const std::string& name, formats::HashSetFormat format,
                               std::ostream& out, const formats::ExportHeader& header);

struct CaseMatchOptions {
  MatcherOptions matching;  // set_ids must be empty: the pending sets are chosen per device
  std::string actor = "tantalio";
};

struct CaseMatchSummary {
  uint64_t devices = 0;
  uint64_t devices_up_to_date = 0;  // nothing new to match
  uint64_t contents_checked = 0;
  uint64_t match_records = 0;             // candidate matches written (exact digests, PDQ entries)
  std::vector<std::string> sets_matched;  // names of the sets that were new to some device
  bool interrupted = false;
};

// Matches every device of the case against the sets it was not matched
// against yet (or only at a smaller PDQ distance). Only that new work is
// done; what was matched before stays. `cancel` (may be null) stops between
// contents; the sets of an unfinished device are then not recorded.
Result<CaseMatchSummary> MatchCase(Store& store, const CaseInfo& case_info,
                                   const CaseMatchOptions& options,
                                   const std::atomic<bool>* cancel);

}  // namespace tantalio

#endif  // TANTALIO_PIPELINE_KNOWN_MATERIAL_H_
