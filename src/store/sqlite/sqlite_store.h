// The embedded SQLite backend of Store: one file, WAL mode, versioned
// migrations, one transaction per batch.
#ifndef TANTALIO_STORE_SQLITE_SQLITE_STORE_H_
#define TANTALIO_STORE_SQLITE_SQLITE_STORE_H_

#include <memory>
#include <string>

#include "store/store.h"

namespace tantalio {

// Opens or creates the SQLite store at `path` and migrates it. Refuses a file
// whose schema is newer than this build knows.
Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path);

}  // namespace tantalio

#endif  // TANTALIO_STORE_SQLITE_SQLITE_STORE_H_
