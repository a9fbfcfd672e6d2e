// Walks a directory tree of evidence, one entry at a time (leveldb cursor shape).
//
//   DirectoryCursor cursor(root, "phone1/dump");
//   for (; cursor.Valid(); cursor.Next()) Use(cursor.item());
//
// Entries come in a deterministic order (names sorted bytewise, depth first).
// Symlinks are recorded as links and never followed, so a link can neither
// loop nor lead out of the evidence root. Devices, FIFOs and sockets are
// reported as special items and never opened. A directory that cannot be
// read is reported as an item with a non-OK `error`, and the walk goes on.
#ifndef TANTALIO_EVIDENCE_DIRECTORY_CURSOR_H_
#define TANTALIO_EVIDENCE_DIRECTORY_CURSOR_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"

namespace tantalio {

enum class ItemKind { kFile, kSymlink, kSpecial, kDirectory };

std::string_view ItemKindName(ItemKind kind);

struct DirectoryItem {
  std::string forensic_path;  // device-relative, exact bytes of the names
  std::string fs_path;        // where to open it on this machine
  ItemKind kind = ItemKind::kFile;
  uint64_t size = 0;
  std::optional<int64_t> mtime;  // unix seconds
  std::optional<int64_t> atime;
  std::optional<int64_t> ctime;
  std::string link_target;  // symlinks only, exact bytes
  std::string note;         // special items: "FIFO", "socket", ...
  Status error;             // non-OK: this entry could not be examined
};

class DirectoryCursor {
 public:
  // `root` may name a directory or a single file. Every item's forensic path
  // starts with `forensic_root`.
  DirectoryCursor(const std::string& root, const std::string& forensic_root);
  ~DirectoryCursor();
  DirectoryCursor(const DirectoryCursor&) = delete;
  DirectoryCursor& operator=(const DirectoryCursor&) = delete;

  bool Valid() const { return current_.has_value(); }
  void Next();
  // Requires Valid().
  const DirectoryItem& item() const { return *current_; }

 private:
  struct Frame {
    std::string fs_path;
    std::string forensic_path;
    std::vector<std::string> names;
    size_t next = 0;
  };
  void Visit(const std::string& fs_path, const std::string& forensic_path);

  std::vector<Frame> stack_;
  std::optional<DirectoryItem> current_;
};

}  // namespace tantalio

#endif  // TANTALIO_EVIDENCE_DIRECTORY_CURSOR_H_
