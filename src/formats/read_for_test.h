// Test helper: reads a hash-set file through ReadHashSet and keeps every
// entry and its location. Used by the formats tests only.
#ifndef TANTALIO_FORMATS_READ_FOR_TEST_H_
#define TANTALIO_FORMATS_READ_FOR_TEST_H_

#include <string>
#include <vector>

#include "formats/hash_set_import.h"

namespace tantalio::formats {

struct ReadOutcome {
  Result<ImportReport> report{InternalError("not read")};
  std::vector<HashSetEntry> entries;
  std::vector<std::string> locations;
};

inline ReadOutcome Read(const std::string& path, ImportOptions options = {}) {
  ReadOutcome outcome;
  outcome.report =
      ReadHashSet(path, options, [&](const HashSetEntry& entry, const RecordLocation& where) {
        outcome.entries.push_back(entry);
        outcome.locations.push_back(where.text);
        return Status::Ok();
      });
  return outcome;
}

}  // namespace tantalio::formats

#endif  // TANTALIO_FORMATS_READ_FOR_TEST_H_
