// A private temporary directory (mode 0700 under $TMPDIR), removed with its
// contents when the object dies. Used by tests and fixture generators.
#ifndef TANTALIO_BASE_TEMP_DIR_H_
#define TANTALIO_BASE_TEMP_DIR_H_

#include <string>
#include <string_view>

namespace tantalio {

class TempDir {
 public:
  TempDir();  // aborts if no directory can be created: nothing else can work then
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // path() + "/" + name
  std::string Sub(std::string_view name) const;
  // Writes `bytes` to Sub(name), creating parent directories.
  std::string Write(std::string_view name, std::string_view bytes) const;

 private:
  std::string path_;
};

}  // namespace tantalio

#endif  // TANTALIO_BASE_TEMP_DIR_H_
