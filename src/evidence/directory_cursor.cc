#include "evidence/directory_cursor.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "base/forensic_path.h"

namespace tantalio {
namespace {

std::string SpecialNote(mode_t mode) {
  if (S_ISFIFO(mode)) return "FIFO";
  if (S_ISSOCK(mode)) return "socket";
  if (S_ISCHR(mode)) return "character device";
  if (S_ISBLK(mode)) return "block device";
  return "special file";
}

Result<std::vector<std::string>> ReadDirectoryNames(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_NOATIME);
  if (fd < 0 && errno == EPERM)
    fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return ErrnoError("open directory " + path, errno);
  DIR* dir = ::fdopendir(fd);
  if (dir == nullptr) {
    int err = errno;
    ::close(fd);
    return ErrnoError("open directory " + path, err);
  }
  std::vector<std::string> names;
  errno = 0;
  while (dirent* entry = ::readdir(dir)) {
    std::string name(entry->d_name);
    if (name != "." && name != "..") names.push_back(std::move(name));
    errno = 0;
  }
  int err = errno;
  ::closedir(dir);
  if (err != 0) return ErrnoError("read directory " + path, err);
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

std::string_view ItemKindName(ItemKind kind) {
  switch (kind) {
    case ItemKind::kFile:
      return "file";
    case ItemKind::kSymlink:
      return "symlink";
    case ItemKind::kSpecial:
      return "special";
    case ItemKind::kDirectory:
      return "directory";
  }
  return "unknown";
}

DirectoryCursor::DirectoryCursor(const std::string& root, const std::string& forensic_root) {
  // The root itself was named by the investigator, so a symlink there is
  // followed once; nothing below it is.
  struct stat st {};
  if (::stat(root.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    auto names = ReadDirectoryNames(root);
    if (!names.ok()) {
      DirectoryItem item;
      item.forensic_path = forensic_root;
      item.fs_path = root;
      item.kind = ItemKind::kDirectory;
      item.error = names.status();
      current_ = std::move(item);
      return;
    }
    stack_.push_back(Frame{root, forensic_root, std::move(names).value(), 0});
    Next();
    return;
  }
  Visit(root, forensic_root);
}

DirectoryCursor::~DirectoryCursor() = default;

void DirectoryCursor::Visit(const std::string& fs_path, const std::string& forensic_path) {
  DirectoryItem item;
  item.forensic_path = forensic_path;
  item.fs_path = fs_path;
  struct stat st {};
  if (::lstat(fs_path.c_str(), &st) != 0) {
    item.error = ErrnoError("stat " + fs_path, errno);
    current_ = std::move(item);
    return;
  }
  item.size = static_cast<uint64_t>(st.st_size);
  item.mtime = st.st_mtim.tv_sec;
  item.atime = st.st_atim.tv_sec;
  item.ctime = st.st_ctim.tv_sec;
  if (S_ISLNK(st.st_mode)) {
    item.kind = ItemKind::kSymlink;
    std::string target(static_cast<size_t>(st.st_size) + 1, '\0');
    ssize_t n = ::readlink(fs_path.c_str(), target.data(), target.size());
    if (n < 0) {
      item.error = ErrnoError("read link " + fs_path, errno);
    } else {
      target.resize(static_cast<size_t>(n));
      item.link_target = std::move(target);
    }
  } else if (S_ISDIR(st.st_mode)) {
    auto names = ReadDirectoryNames(fs_path);
    if (!names.ok()) {
      item.kind = ItemKind::kDirectory;
      item.error = names.status();
    } else {
      stack_.push_back(Frame{fs_path, forensic_path, std::move(names).value(), 0});
      current_.reset();
      return;  // the caller moves on to the first child
    }
  } else if (S_ISREG(st.st_mode)) {
    item.kind = ItemKind::kFile;
  } else {
    item.kind = ItemKind::kSpecial;
    item.note = SpecialNote(st.st_mode);
  }
  current_ = std::move(item);
}

void DirectoryCursor::Next() {
  current_.reset();
  while (!current_.has_value() && !stack_.empty()) {
    Frame& top = stack_.back();
    if (top.next >= top.names.size()) {
      stack_.pop_back();
      continue;
    }
    const std::string& name = top.names[top.next++];
    std::string fs_path = top.fs_path + "/" + name;
    std::string forensic_path = JoinPath(top.forensic_path, name);
    Visit(fs_path, forensic_path);  // may push a frame (reference `top` is dead after)
  }
}

}  // namespace tantalio
