#include "store/store.h"

#include "store/sqlite/sqlite_store.h"

namespace tantalio {

Result<std::unique_ptr<Store>> Store::Open(const std::string& uri) {
  if (uri.starts_with("postgresql://") || uri.starts_with("postgres://")) {
    return UnsupportedError("open store " + uri +
                            ": the PostgreSQL backend is not built yet; use a SQLite file path");
  }
  std::string path = uri.starts_with("sqlite:") ? uri.substr(7) : uri;
  if (path.empty()) return InvalidArgumentError("open store: empty path");
  return OpenSqliteStore(path);
}

}  // namespace tantalio
