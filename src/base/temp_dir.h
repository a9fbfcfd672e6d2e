// A private temporary directory (mode 0700 under $TMPDIR), removed with its
// contents when the object dies. Used by tests, fixture generators, and the
// scan for private copies of evidence that a library must open by name.
#ifndef TANTALIO_BASE_TEMP_DIR_H_
#define TANTALIO_BASE_TEMP_DIR_H_

#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"

namespace tantalio {

class TempDir {
 public:
  TempDir();  // aborts if no directory can be created: for tests and tools
  // Reports failure instead of aborting: for the scan, which goes on.
  static Result<std::unique_ptr<TempDir>> Create();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // path() + "/" + name
  std::string Sub(std::string_view name) const;
  // Writes `bytes` to Sub(name), creating parent directories.
  std::string Write(std::string_view name, std::string_view bytes) const;

 private:
  explicit TempDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

}  // namespace tantalio

#endif  // TANTALIO_BASE_TEMP_DIR_H_
