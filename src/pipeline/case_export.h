// The VICS 2.0 case export: the case's categorised media (contents that an
// illegal or watch set categorises) with one MediaFile per instance on each
// device, written as `<out_dir>/<case>.json`. With `with_files`, each
// content is also copied out of the evidence to
// `<out_dir>/Files/<md5[0:2]>/<md5[2:4]>/<md5>.<ext>` (read-only from the
// evidence, archive members extracted in memory) and verified against its
// SHA-256 before it is kept.
#ifndef TANTALIO_PIPELINE_CASE_EXPORT_H_
#define TANTALIO_PIPELINE_CASE_EXPORT_H_

#include <string>
#include <vector>

#include "base/status.h"
#include "store/store.h"

namespace tantalio {

struct CaseExportOptions {
  std::string out_dir;  // created when missing; an existing export file is refused
  bool with_files = false;
  std::string tool_version = "tantalio";
  std::string actor = "tantalio";
};

struct CaseExportSummary {
  std::string json_path;
  uint64_t media = 0;
  uint64_t media_files = 0;
  uint64_t files_written = 0;
  // Contents that could not be copied out (evidence gone, changed): "sha256: why".
  std::vector<std::string> file_problems;
};

Result<CaseExportSummary> ExportCaseVics(Store& store, const CaseInfo& case_info,
                                         const CaseExportOptions& options);

}  // namespace tantalio

#endif  // TANTALIO_PIPELINE_CASE_EXPORT_H_
