// Benign, procedurally generated images for the demo, tests and benchmarks.
//
// Tantalio never needs real photos to exercise its pipeline: these patterns
// (gradients, shapes, noise) are deterministic for a given seed, and can be
// encoded as JPEG or PNG and tagged with EXIF camera and GPS fields.
#ifndef TANTALIO_MEDIA_SYNTHETIC_IMAGE_H_
#define TANTALIO_MEDIA_SYNTHETIC_IMAGE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"

namespace tantalio {

struct RgbImage {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> pixels;  // row-major, 3 bytes per pixel (R, G, B)
};

// A smooth pattern of gradients and discs, different for every seed.
RgbImage GeneratePattern(int width, int height, uint64_t seed);

// Encodes with libjpeg-turbo (baseline, 4:2:0) at `quality` 1..100.
Result<std::vector<uint8_t>> EncodeJpeg(const RgbImage& image, int quality);
// Encodes as 8-bit RGB PNG with libpng.
Result<std::vector<uint8_t>> EncodePng(const RgbImage& image);

struct SyntheticExif {
  std::string make;
  std::string model;
  std::string body_serial;
  std::string datetime_original;  // "YYYY:MM:DD HH:MM:SS"
  std::string offset_time_original;
  std::string software;
  std::optional<double> gps_latitude;
  std::optional<double> gps_longitude;
  std::optional<double> gps_altitude;
  std::optional<int> orientation;
};

// Returns `encoded` (a JPEG or PNG) with the given EXIF fields written by exiv2.
Result<std::vector<uint8_t>> WithExif(const std::vector<uint8_t>& encoded,
                                      const SyntheticExif& exif);

}  // namespace tantalio

#endif  // TANTALIO_MEDIA_SYNTHETIC_IMAGE_H_
