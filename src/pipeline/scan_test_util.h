// Test helpers shared by the pipeline's end-to-end scan tests: scan a folder
// into a case and collect what the store then holds.
#ifndef TANTALIO_PIPELINE_SCAN_TEST_UTIL_H_
#define TANTALIO_PIPELINE_SCAN_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "pipeline/scanner.h"
#include "store/store.h"

namespace tantalio::testing_util {

// Scans `evidence` into `device` of case `c`; a failure fails the test and
// gives an empty summary.
inline ScanSummary ScanFolder(Store& store, const CaseInfo& c, const std::string& device,
                              const std::string& evidence, const ScanOptions& options = {}) {
  auto roots = ResolveEvidenceRoots(device, {evidence});
  EXPECT_TRUE(roots.ok()) << roots.status().ToString();
  if (!roots.ok()) return {};
  auto summary = Scan(store, c, device, *roots, options, nullptr, nullptr);
  EXPECT_TRUE(summary.ok()) << summary.status().ToString();
  return summary.ok() ? *summary : ScanSummary{};
}

// Every error row of case `case_id`.
inline std::vector<StoredError> CaseErrors(Store& store, int64_t case_id) {
  std::vector<StoredError> out;
  EXPECT_TRUE(store
                  .ForEachError(case_id, std::nullopt,
                                [&](const StoredError& e) { return out.push_back(e), true; })
                  .ok());
  return out;
}

}  // namespace tantalio::testing_util

#endif  // TANTALIO_PIPELINE_SCAN_TEST_UTIL_H_
