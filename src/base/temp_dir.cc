#include "base/temp_dir.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <utility>

namespace tantalio {

namespace {

std::string Pattern() {
  const char* base = std::getenv("TMPDIR");
  return std::string(base != nullptr && *base ? base : "/tmp") + "/tantalio-XXXXXX";
}

}  // namespace

TempDir::TempDir() {
  std::string pattern = Pattern();
  if (::mkdtemp(pattern.data()) == nullptr) {
    std::perror("mkdtemp");
    std::abort();
  }
  path_ = pattern;
}

Result<std::unique_ptr<TempDir>> TempDir::Create() {
  std::string pattern = Pattern();
  if (::mkdtemp(pattern.data()) == nullptr) {
    return IoError("create a private temporary directory " + pattern + ": " + std::strerror(errno));
  }
  return std::unique_ptr<TempDir>(new TempDir(std::move(pattern)));
}

TempDir::~TempDir() {
  std::error_code ec;
  // Tests may leave unreadable entries behind; make them removable first.
  for (auto it = std::filesystem::recursive_directory_iterator(
           path_, std::filesystem::directory_options::skip_permission_denied, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_directory(ec) && !it->is_symlink(ec)) {
      std::filesystem::permissions(it->path(), std::filesystem::perms::owner_all,
                                   std::filesystem::perm_options::add, ec);
    }
  }
  std::filesystem::remove_all(path_, ec);
}

std::string TempDir::Sub(std::string_view name) const { return path_ + "/" + std::string(name); }

std::string TempDir::Write(std::string_view name, std::string_view bytes) const {
  std::string path = Sub(name);
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return path;
}

}  // namespace tantalio
