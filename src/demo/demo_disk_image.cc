#include "demo/demo_disk_image.h"

#include <algorithm>
#include <cctype>
#include <cstring>

namespace tantalio::demo {
namespace {

constexpr uint32_t kSectorBytes = 512;
constexpr uint32_t kTotalSectors = 16384;   // 8 MiB
constexpr uint32_t kSectorsPerCluster = 2;  // 1 KiB clusters: 8,143 of them, so FAT16
constexpr uint32_t kReservedSectors = 1;
constexpr uint32_t kFatCount = 2;
constexpr uint32_t kSectorsPerFat = 32;  // room for 8,192 16-bit entries
constexpr uint32_t kRootEntries = 512;
constexpr uint32_t kRootSectors = kRootEntries * 32 / kSectorBytes;
constexpr uint32_t kDataSector = kReservedSectors + kFatCount * kSectorsPerFat + kRootSectors;
constexpr uint32_t kClusterBytes = kSectorsPerCluster * kSectorBytes;
constexpr uint32_t kClusterCount = (kTotalSectors - kDataSector) / kSectorsPerCluster;
// 12 March 2017, 10:00:00, in DOS date and time format.
constexpr uint16_t kDosDate = ((2017 - 1980) << 9) | (3 << 5) | 12;
constexpr uint16_t kDosTime = 10 << 11;

void Put16(std::vector<uint8_t>& image, size_t at, uint32_t value) {
  image[at] = static_cast<uint8_t>(value);
  image[at + 1] = static_cast<uint8_t>(value >> 8);
}

void Put32(std::vector<uint8_t>& image, size_t at, uint32_t value) {
  Put16(image, at, value & 0xFFFF);
  Put16(image, at + 2, value >> 16);
}

void WriteBootSector(std::vector<uint8_t>& image) {
  const uint8_t jump[3] = {0xEB, 0x3C, 0x90};
  std::memcpy(image.data(), jump, 3);
  std::memcpy(image.data() + 3, "TANTALIO", 8);
  Put16(image, 11, kSectorBytes);
  image[13] = kSectorsPerCluster;
  Put16(image, 14, kReservedSectors);
  image[16] = kFatCount;
  Put16(image, 17, kRootEntries);
  Put16(image, 19, kTotalSectors);
  image[21] = 0xF8;  // fixed disk
  Put16(image, 22, kSectorsPerFat);
  Put16(image, 24, 32);          // sectors per track
  Put16(image, 26, 64);          // heads
  image[36] = 0x80;              // drive number
  image[38] = 0x29;              // extended boot signature
  Put32(image, 39, 0x20170312);  // volume serial
  std::memcpy(image.data() + 43, "DEMO USB   ", 11);
  std::memcpy(image.data() + 54, "FAT16   ", 8);
  image[510] = 0x55;
  image[511] = 0xAA;
}

// "IMG_0007.JPG" -> "IMG_0007JPG" (8 + 3, space padded); empty when not 8.3.
std::string ShortName(const std::string& name) {
  const size_t dot = name.find('.');
  const std::string base = name.substr(0, dot);
  const std::string ext = dot == std::string::npos ? "" : name.substr(dot + 1);
  if (base.empty() || base.size() > 8 || ext.size() > 3) return "";
  std::string out =
      base + std::string(8 - base.size(), ' ') + ext + std::string(3 - ext.size(), ' ');
  for (char c : out) {
    if (c != ' ' && c != '_' && !std::isupper(static_cast<unsigned char>(c)) &&
        !std::isdigit(static_cast<unsigned char>(c))) {
      return "";
    }
  }
  return out;
}

}  // namespace

Result<std::vector<uint8_t>> MakeFat16Image(const std::vector<FatFile>& files,
                                            const std::vector<uint8_t>& loose) {
  std::vector<uint8_t> image(size_t{kTotalSectors} * kSectorBytes, 0);
  WriteBootSector(image);
  std::vector<uint16_t> fat(kClusterCount + 2, 0);
  fat[0] = 0xFFF8;
  fat[1] = 0xFFFF;
  uint32_t next_cluster = 2;
  size_t entry_at = size_t{kReservedSectors + kFatCount * kSectorsPerFat} * kSectorBytes;
  for (const FatFile& file : files) {
    const std::string short_name = ShortName(file.name);
    if (short_name.empty())
      return InvalidArgumentError("demo FAT image: not an 8.3 name: " + file.name);
    const uint32_t clusters = std::max<uint32_t>(
        1, static_cast<uint32_t>((file.bytes.size() + kClusterBytes - 1) / kClusterBytes));
    if (next_cluster + clusters > kClusterCount + 2) {
      return InvalidArgumentError("demo FAT image: the files do not fit in 8 MiB");
    }
    const size_t data_at =
        (size_t{kDataSector} + size_t{next_cluster - 2} * kSectorsPerCluster) * kSectorBytes;
    std::copy(file.bytes.begin(), file.bytes.end(),
              image.begin() + static_cast<ptrdiff_t>(data_at));
    if (!file.deleted) {  // a deleted file's clusters are free again
      for (uint32_t c = 0; c < clusters; ++c) {
        fat[next_cluster + c] =
            c + 1 == clusters ? 0xFFFF : static_cast<uint16_t>(next_cluster + c + 1);
      }
    }
    std::memcpy(image.data() + entry_at, short_name.data(), 11);
    if (file.deleted) image[entry_at] = 0xE5;
    image[entry_at + 11] = 0x20;            // archive
    Put16(image, entry_at + 14, kDosTime);  // created
    Put16(image, entry_at + 16, kDosDate);
    Put16(image, entry_at + 18, kDosDate);  // accessed
    Put16(image, entry_at + 22, kDosTime);  // modified
    Put16(image, entry_at + 24, kDosDate);
    Put16(image, entry_at + 26, next_cluster);
    Put32(image, entry_at + 28, static_cast<uint32_t>(file.bytes.size()));
    entry_at += 32;
    next_cluster += clusters;
  }
  const uint32_t loose_cluster = next_cluster + 64;
  const size_t loose_at =
      (size_t{kDataSector} + size_t{loose_cluster - 2} * kSectorsPerCluster) * kSectorBytes;
  if (loose_at + loose.size() > image.size()) {
    return InvalidArgumentError("demo FAT image: the loose bytes do not fit in 8 MiB");
  }
  std::copy(loose.begin(), loose.end(), image.begin() + static_cast<ptrdiff_t>(loose_at));
  for (uint32_t copy = 0; copy < kFatCount; ++copy) {
    const size_t fat_at = size_t{kReservedSectors + copy * kSectorsPerFat} * kSectorBytes;
    for (size_t i = 0; i < fat.size(); ++i) Put16(image, fat_at + 2 * i, fat[i]);
  }
  return image;
}

}  // namespace tantalio::demo
