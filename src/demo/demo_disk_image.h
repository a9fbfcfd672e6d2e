// A small FAT16 volume image for the demo's "USB stick": files in its root
// folder, some deleted, and bytes left in free space, written directly (no
// mkfs, no mount) so that the demo needs no tool. The layout is the classic
// one: boot sector, two FATs, a 512-entry root folder, 1 KiB clusters.
#ifndef TANTALIO_DEMO_DEMO_DISK_IMAGE_H_
#define TANTALIO_DEMO_DEMO_DISK_IMAGE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"

namespace tantalio::demo {

struct FatFile {
  std::string name;  // 8.3, upper case: "IMG_0007.JPG"
  std::vector<uint8_t> bytes;
  bool deleted = false;  // entry marked deleted, clusters freed, content left in place
};

// Lays out `files` contiguously from the first cluster, then writes `loose`
// at a cluster boundary well past them, referenced by nothing: only carving
// finds it. Returns the 8 MiB image. kInvalidArgument for a bad name or when
// the content does not fit.
Result<std::vector<uint8_t>> MakeFat16Image(const std::vector<FatFile>& files,
                                            const std::vector<uint8_t>& loose);

}  // namespace tantalio::demo

#endif  // TANTALIO_DEMO_DEMO_DISK_IMAGE_H_
