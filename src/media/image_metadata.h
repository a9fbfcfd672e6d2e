// Image metadata (EXIF/XMP) through exiv2: camera, capture time, GPS.
//
// Works on any format exiv2 reads: JPEG, PNG, TIFF and raw formats, WebP,
// HEIC/AVIF (BMFF), GIF, BMP and more. Thread-safe: call from any worker.
#ifndef TANTALIO_MEDIA_IMAGE_METADATA_H_
#define TANTALIO_MEDIA_IMAGE_METADATA_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "base/status.h"

namespace tantalio {

struct ImageMetadata {
  std::optional<int64_t> width;
  std::optional<int64_t> height;
  std::string camera_make;
  std::string camera_model;
  std::string body_serial;  // camera body serial number: ties photos to one camera
  std::string lens;
  std::string datetime_original;        // as recorded: "YYYY:MM:DD HH:MM:SS"
  std::string offset_time_original;     // e.g. "+02:00"; empty when not recorded
  std::optional<double> gps_latitude;   // decimal degrees, south negative
  std::optional<double> gps_longitude;  // decimal degrees, west negative
  std::optional<double> gps_altitude;   // metres, below sea level negative
  std::string software;
  std::optional<int> orientation;  // EXIF 1..8

  // True when nothing beyond the pixel size was found.
  bool Empty() const;
};

// "exiv2 <version>": the extractor recorded with every metadata row.
std::string MetadataExtractorName();

// Reads the metadata of the encoded image in `bytes`. Returns kUnsupported
// when exiv2 does not know the format, kCorrupt when it fails to parse.
Result<ImageMetadata> ReadImageMetadata(std::span<const uint8_t> bytes);

}  // namespace tantalio

#endif  // TANTALIO_MEDIA_IMAGE_METADATA_H_
