// Type by content: magic bytes, not the file name.
//
// Our own table covers the types Tantalio acts on (images, video, audio,
// archives, documents, databases, disk images). Renaming a file is a classic
// way to hide material, so each type lists the extensions that agree with it
// and ExtensionMismatch() tells when the name disagrees with the content.
#ifndef TANTALIO_EVIDENCE_FILE_TYPE_H_
#define TANTALIO_EVIDENCE_FILE_TYPE_H_

#include <cstdint>
#include <span>
#include <string_view>

namespace tantalio {

enum class TypeFamily {
  kUnknown,
  kImage,
  kVideo,
  kAudio,
  kArchive,
  kDocument,
  kDatabase,
  kDiskImage,
  kExecutable,
  kText
};

struct FileType {
  std::string_view mime;  // e.g. "image/jpeg"; "application/octet-stream" if unknown
  TypeFamily family = TypeFamily::kUnknown;
  std::string_view extensions;  // space-separated extensions that agree, e.g. "jpg jpeg jpe jfif"
};

// How many leading bytes SniffType() wants to see (fewer is fine for short files).
inline constexpr size_t kSniffBytes = 4096;

// Identifies the type from the first bytes of a file.
FileType SniffType(std::span<const uint8_t> head);

// True when the file name's extension disagrees with the sniffed type: the
// type is known, the name has an extension, and it is not one of the type's.
// A file without an extension is not a mismatch.
bool ExtensionMismatch(const FileType& type, std::string_view lower_extension);

// True when the type is a container that the archive source can open.
bool IsArchive(const FileType& type);

}  // namespace tantalio

#endif  // TANTALIO_EVIDENCE_FILE_TYPE_H_
