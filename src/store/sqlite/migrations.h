// Versioned schema migrations for the SQLite store. Each migration runs once,
// inside one transaction, and is recorded in schema_migrations.
#ifndef TANTALIO_STORE_SQLITE_MIGRATIONS_H_
#define TANTALIO_STORE_SQLITE_MIGRATIONS_H_

#include <span>
#include <string_view>

namespace tantalio::sqlite {

struct Migration {
  int version;
  std::string_view description;
  std::string_view sql;
};

// All migrations, in ascending version order.
std::span<const Migration> Migrations();

}  // namespace tantalio::sqlite

#endif  // TANTALIO_STORE_SQLITE_MIGRATIONS_H_
