// Test helpers shared by the evidence tests (and the pipeline's disk-image
// tests): running the Debian tools that build fixtures, and walking an image
// into a map of what the walker saw. Header-only; include from tests only.
#ifndef TANTALIO_EVIDENCE_EVIDENCE_TEST_UTIL_H_
#define TANTALIO_EVIDENCE_EVIDENCE_TEST_UTIL_H_

#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "evidence/disk_image.h"
#include "evidence/file_system_walker.h"

namespace tantalio::testing_util {

// True when `tool` is on the PATH (tests skip, saying which package to install, when not).
inline bool HaveTool(const std::string& tool) {
  return std::system(("command -v " + tool + " >/dev/null 2>&1").c_str()) == 0;
}

// Runs `command` in a shell, output discarded; returns its exit status.
inline int Shell(const std::string& command) {
  return std::system(("{ " + command + "; } >/dev/null 2>&1").c_str());
}

// One entry the walker reported, with the content read through its reader.
struct Seen {
  FsEntry entry;
  std::string content;
  Status read_status;
};

struct WalkResult {
  Status status;
  std::map<std::string, Seen> entries;  // by path
  std::vector<FsProblem> problems;

  const Seen* Find(const std::string& path) const {
    auto it = entries.find(path);
    return it == entries.end() ? nullptr : &it->second;
  }
  // The first entry with `allocation` whose path ends with `suffix`, ignoring case.
  const Seen* FindSuffix(const std::string& suffix, FsEntry::Allocation allocation) const {
    for (const auto& [path, seen] : entries) {
      if (seen.entry.allocation != allocation || path.size() < suffix.size()) continue;
      bool same = true;
      for (size_t i = 0; i < suffix.size(); ++i) {
        same = same &&
               std::tolower(static_cast<unsigned char>(path[path.size() - suffix.size() + i])) ==
                   std::tolower(static_cast<unsigned char>(suffix[i]));
      }
      if (same) return &seen;
    }
    return nullptr;
  }
  std::string Paths() const {
    std::string out;
    for (const auto& [path, seen] : entries) out += path + "\n";
    return out;
  }
};

// Opens `image_path` and walks it, reading every entry in small chunks (which
// exercises the readers' offsets).
inline WalkResult Walk(const std::string& image_path) {
  WalkResult result;
  auto image = OpenDiskImage(image_path);
  if (!image.ok()) {
    result.status = image.status();
    return result;
  }
  result.status = WalkFileSystems(
      **image,
      [&](const FsEntry& entry, FsEntryReader& reader) {
        Seen seen;
        seen.entry = entry;
        std::vector<uint8_t> buf(1000);
        uint64_t offset = 0;
        while (offset < reader.Size()) {
          auto n = reader.ReadAt(offset, buf);
          if (!n.ok()) {
            seen.read_status = n.status();
            break;
          }
          if (*n == 0) break;
          seen.content.append(reinterpret_cast<const char*>(buf.data()), *n);
          offset += *n;
        }
        result.entries[entry.path] = seen;
        return true;
      },
      [&](const FsProblem& problem) { result.problems.push_back(problem); });
  return result;
}

}  // namespace tantalio::testing_util

#endif  // TANTALIO_EVIDENCE_EVIDENCE_TEST_UTIL_H_
