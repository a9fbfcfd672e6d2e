// The per-format readers behind ReadHashSet (internal to src/formats/).
//
// Each reader opens `path` itself, fills report.source (format text,
// category scheme, agency, version where the file says), calls
// context.UseCategoryScheme(...) before its first entry when the format has
// categories, and hands every record to context.Emit() or context.Invalid().
// They never hold more than one record (or one buffered line) in memory.
#ifndef TANTALIO_FORMATS_READERS_H_
#define TANTALIO_FORMATS_READERS_H_

#include <string>

#include "base/status.h"
#include "formats/hash_set_import.h"

namespace tantalio::formats::internal {

Status ReadVics(const std::string& path, ImportContext& context, ImportReport& report);
Status ReadHashdeep(const std::string& path, ImportContext& context, ImportReport& report);
Status ReadNsrl(const std::string& path, ImportContext& context, ImportReport& report);
Status ReadCsv(const std::string& path, const ImportOptions& options, ImportContext& context,
               ImportReport& report);
Status ReadHashList(const std::string& path, ImportContext& context, ImportReport& report);
Status ReadPdqList(const std::string& path, ImportContext& context, ImportReport& report);
Status ReadVpdqList(const std::string& path, ImportContext& context, ImportReport& report);

}  // namespace tantalio::formats::internal

#endif  // TANTALIO_FORMATS_READERS_H_
