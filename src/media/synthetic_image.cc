#include "media/synthetic_image.h"

#include <jpeglib.h>
#include <png.h>

#include <cmath>
#include <cstdio>
#include <exiv2/exiv2.hpp>
#include <memory>
#include <random>

namespace tantalio {

RgbImage GeneratePattern(int width, int height, uint64_t seed) {
  RgbImage image{width, height, std::vector<uint8_t>(static_cast<size_t>(width) * height * 3)};
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  struct Disc {
    double x, y, r;
    uint8_t c[3];
  };
  std::vector<Disc> discs(3 + rng() % 6);
  for (auto& d : discs) {
    d = {unit(rng) * width,
         unit(rng) * height,
         (0.05 + 0.25 * unit(rng)) * std::min(width, height),
         {static_cast<uint8_t>(rng()), static_cast<uint8_t>(rng()), static_cast<uint8_t>(rng())}};
  }
  const double fx = 1 + unit(rng) * 6;
  const double fy = 1 + unit(rng) * 6;
  const double phase = unit(rng) * 6.28;
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      const double u = static_cast<double>(x) / width;
      const double v = static_cast<double>(y) / height;
      double base = 0.5 + 0.5 * std::sin(fx * u * 6.28 + phase) * std::cos(fy * v * 6.28);
      uint8_t* px = &image.pixels[(static_cast<size_t>(y) * width + x) * 3];
      px[0] = static_cast<uint8_t>(255 * base);
      px[1] = static_cast<uint8_t>(255 * u);
      px[2] = static_cast<uint8_t>(255 * v);
      for (const auto& d : discs) {
        const double dx = x - d.x;
        const double dy = y - d.y;
        if (dx * dx + dy * dy < d.r * d.r) {
          px[0] = d.c[0], px[1] = d.c[1], px[2] = d.c[2];
        }
      }
    }
  }
  return image;
}

Result<std::vector<uint8_t>> EncodeJpeg(const RgbImage& image, int quality) {
  if (image.width <= 0 || image.height <= 0)
    return InvalidArgumentError("encode JPEG: empty image");
  jpeg_compress_struct cinfo{};
  jpeg_error_mgr jerr{};
  cinfo.err = jpeg_std_error(&jerr);
  // The default error handler exits the process; our inputs are generated and
  // sized correctly, so the only failure left is out-of-memory.
  jpeg_create_compress(&cinfo);
  unsigned char* buffer = nullptr;
  unsigned long size = 0;
  jpeg_mem_dest(&cinfo, &buffer, &size);
  cinfo.image_width = static_cast<JDIMENSION>(image.width);
  cinfo.image_height = static_cast<JDIMENSION>(image.height);
  cinfo.input_components = 3;
  cinfo.in_color_space = JCS_RGB;
  jpeg_set_defaults(&cinfo);
  jpeg_set_quality(&cinfo, quality, TRUE);
  jpeg_start_compress(&cinfo, TRUE);
  while (cinfo.next_scanline < cinfo.image_height) {
    JSAMPROW row = const_cast<JSAMPROW>(
        &image.pixels[static_cast<size_t>(cinfo.next_scanline) * image.width * 3]);
    jpeg_write_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_compress(&cinfo);
  std::vector<uint8_t> out(buffer, buffer + size);
  jpeg_destroy_compress(&cinfo);
  std::free(buffer);
  return out;
}

Result<std::vector<uint8_t>> EncodePng(const RgbImage& image) {
  if (image.width <= 0 || image.height <= 0) return InvalidArgumentError("encode PNG: empty image");
  png_image png{};
  png.version = PNG_IMAGE_VERSION;
  png.width = static_cast<png_uint_32>(image.width);
  png.height = static_cast<png_uint_32>(image.height);
  png.format = PNG_FORMAT_RGB;
  png_alloc_size_t size = 0;
  if (!png_image_write_to_memory(&png, nullptr, &size, 0, image.pixels.data(), 0, nullptr)) {
    return InternalError(std::string("encode PNG: ") + png.message);
  }
  std::vector<uint8_t> out(size);
  if (!png_image_write_to_memory(&png, out.data(), &size, 0, image.pixels.data(), 0, nullptr)) {
    return InternalError(std::string("encode PNG: ") + png.message);
  }
  out.resize(size);
  return out;
}

namespace {

Exiv2::URationalValue DegreesMinutesSeconds(double value) {
  value = std::fabs(value);
  const auto degrees = static_cast<uint32_t>(value);
  const double minutes_full = (value - degrees) * 60;
  const auto minutes = static_cast<uint32_t>(minutes_full);
  const auto seconds_x1000 = static_cast<uint32_t>(std::lround((minutes_full - minutes) * 60000));
  Exiv2::URationalValue v;
  v.value_ = {{degrees, 1}, {minutes, 1}, {seconds_x1000, 1000}};
  return v;
}

}  // namespace

Result<std::vector<uint8_t>> WithExif(const std::vector<uint8_t>& encoded,
                                      const SyntheticExif& exif) {
  try {
    Exiv2::Image::AutoPtr image =
        Exiv2::ImageFactory::open(encoded.data(), static_cast<long>(encoded.size()));
    if (image.get() == nullptr) return UnsupportedError("write EXIF: unknown image format");
    image->readMetadata();
    Exiv2::ExifData& data = image->exifData();
    if (!exif.make.empty()) data["Exif.Image.Make"] = exif.make;
    if (!exif.model.empty()) data["Exif.Image.Model"] = exif.model;
    if (!exif.software.empty()) data["Exif.Image.Software"] = exif.software;
    if (!exif.body_serial.empty()) data["Exif.Photo.BodySerialNumber"] = exif.body_serial;
    if (!exif.datetime_original.empty())
      data["Exif.Photo.DateTimeOriginal"] = exif.datetime_original;
    if (!exif.offset_time_original.empty()) {
      data["Exif.Photo.OffsetTimeOriginal"] = exif.offset_time_original;
    }
    if (exif.orientation) data["Exif.Image.Orientation"] = static_cast<uint16_t>(*exif.orientation);
    if (exif.gps_latitude && exif.gps_longitude) {
      data["Exif.GPSInfo.GPSLatitudeRef"] = *exif.gps_latitude < 0 ? "S" : "N";
      data["Exif.GPSInfo.GPSLatitude"] = DegreesMinutesSeconds(*exif.gps_latitude);
      data["Exif.GPSInfo.GPSLongitudeRef"] = *exif.gps_longitude < 0 ? "W" : "E";
      data["Exif.GPSInfo.GPSLongitude"] = DegreesMinutesSeconds(*exif.gps_longitude);
    }
    if (exif.gps_altitude) {
      data["Exif.GPSInfo.GPSAltitudeRef"] = static_cast<uint8_t>(*exif.gps_altitude < 0 ? 1 : 0);
      data["Exif.GPSInfo.GPSAltitude"] = Exiv2::URational(
          static_cast<uint32_t>(std::lround(std::fabs(*exif.gps_altitude) * 100)), 100);
    }
    image->writeMetadata();
    Exiv2::BasicIo& io = image->io();
    io.seek(0, Exiv2::BasicIo::beg);
    std::vector<uint8_t> out(io.size());
    if (io.read(out.data(), static_cast<long>(out.size())) != static_cast<long>(out.size())) {
      return InternalError("write EXIF: short read back from memory");
    }
    return out;
  } catch (const Exiv2::AnyError& e) {
    return InternalError(std::string("write EXIF: exiv2: ") + e.what());
  }
}

}  // namespace tantalio
