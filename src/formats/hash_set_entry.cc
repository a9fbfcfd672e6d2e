#include "formats/hash_set_entry.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "base/hex.h"

namespace tantalio::formats {
namespace {

Status CheckHex(std::string& value, size_t length, std::string_view field) {
  if (value.empty()) return Status::Ok();
  if (!IsHex(value, length)) {
    return InvalidArgumentError(std::string(field) + " '" + value + "' is not " +
                                std::to_string(length) + " hex digits");
  }
  std::transform(value.begin(), value.end(), value.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return Status::Ok();
}

}  // namespace

std::string_view CategoryName(std::optional<int> category) {
  if (!category) return "uncategorised";
  switch (*category) {
    case kNonPertinent:
      return "non-pertinent";
    case kChildAbuseMaterial:
      return "CAM";
    case kExploitiveAgeDifficult:
      return "age-difficult/exploitive";
    case kCgiAnimation:
      return "CGI/animation";
    case kComparison:
      return "comparison";
    default:
      return "unknown";
  }
}

Status NormaliseEntry(HashSetEntry& entry) {
  TANTALIO_RETURN_IF_ERROR(CheckHex(entry.md5, 32, "MD5"));
  TANTALIO_RETURN_IF_ERROR(CheckHex(entry.sha1, 40, "SHA-1"));
  TANTALIO_RETURN_IF_ERROR(CheckHex(entry.sha256, 64, "SHA-256"));
  TANTALIO_RETURN_IF_ERROR(CheckHex(entry.pdq, 64, "PDQ"));
  if (entry.pdq_quality && (*entry.pdq_quality < 0 || *entry.pdq_quality > 100)) {
    return InvalidArgumentError("PDQ quality " + std::to_string(*entry.pdq_quality) +
                                " is outside 0..100");
  }
  if (entry.pdq_quality && entry.pdq.empty()) {
    return InvalidArgumentError("a PDQ quality is given without a PDQ hash");
  }
  if (entry.category && (*entry.category < 0 || *entry.category > kMaxCategory)) {
    return InvalidArgumentError("category " + std::to_string(*entry.category) +
                                " is outside the project scheme 0..4");
  }
  if (entry.size && *entry.size < 0) {
    return InvalidArgumentError("size " + std::to_string(*entry.size) + " is negative");
  }
  if (entry.media_time) {
    if (!std::isfinite(*entry.media_time)) {
      return InvalidArgumentError("video frame time " + std::to_string(*entry.media_time) +
                                  " is not a finite number");
    }
    if (*entry.media_time < 0) {
      return InvalidArgumentError("video frame time " + std::to_string(*entry.media_time) +
                                  " is negative");
    }
    if (entry.pdq.empty()) return InvalidArgumentError("a video frame has no PDQ hash");
    if (entry.source_ref.empty()) {
      return InvalidArgumentError("a video frame does not name its video (no video id)");
    }
  }
  if (!entry.chromaprint.empty()) {
    const size_t bad = entry.chromaprint.find_first_not_of(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");
    if (bad != std::string::npos) {
      return InvalidArgumentError("audio fingerprint has a character outside URL-safe base64 at " +
                                  std::to_string(bad));
    }
    if (entry.source_ref.empty()) {
      return InvalidArgumentError("an audio fingerprint does not name its recording (no id)");
    }
  }
  if (!entry.HasHash()) {
    return InvalidArgumentError(entry.photodna.empty()
                                    ? "the record has no MD5, SHA-1, SHA-256 or PDQ hash"
                                    : "the record has only a PhotoDNA value, which Tantalio "
                                      "stores but cannot match; it needs MD5, SHA-1, SHA-256 "
                                      "or PDQ");
  }
  return Status::Ok();
}

bool IsEmptyFileHash(std::string_view lower_hex) {
  return lower_hex == "d41d8cd98f00b204e9800998ecf8427e" ||
         lower_hex == "da39a3ee5e6b4b0d3255bfef95601890afd80709" ||
         lower_hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
}

}  // namespace tantalio::formats
