#include "media/image_metadata.h"

#include <cmath>
#include <exiv2/exiv2.hpp>
#include <mutex>

namespace tantalio {
namespace {

void InitializeExiv2Once() {
  static std::once_flag once;
  std::call_once(once, [] {
    Exiv2::XmpParser::initialize();
    Exiv2::enableBMFF(true);
    Exiv2::LogMsg::setLevel(Exiv2::LogMsg::mute);
  });
}

std::string ExifString(const Exiv2::ExifData& exif, const char* key) {
  auto it = exif.findKey(Exiv2::ExifKey(key));
  if (it == exif.end()) return "";
  std::string value = it->toString();
  while (!value.empty() && (value.back() == '\0' || value.back() == ' ')) value.pop_back();
  return value;
}

std::string XmpString(const Exiv2::XmpData& xmp, const char* key) {
  auto it = xmp.findKey(Exiv2::XmpKey(key));
  return it == xmp.end() ? "" : it->toString();
}

std::string FirstOf(const std::string& a, const std::string& b) { return a.empty() ? b : a; }

// Degrees/minutes/seconds as three rationals, signed by the N/S or E/W ref.
std::optional<double> GpsCoordinate(const Exiv2::ExifData& exif, const char* key,
                                    const char* ref_key, char negative_ref) {
  auto it = exif.findKey(Exiv2::ExifKey(key));
  if (it == exif.end() || it->count() < 3) return std::nullopt;
  double value = 0;
  double scale = 1;
  for (long i = 0; i < 3; ++i) {
    Exiv2::Rational r = it->toRational(i);
    if (r.second == 0) return std::nullopt;
    value += static_cast<double>(r.first) / r.second / scale;
    scale *= 60;
  }
  std::string ref = ExifString(exif, ref_key);
  if (!ref.empty() && ref[0] == negative_ref) value = -value;
  if (!std::isfinite(value)) return std::nullopt;
  return value;
}

std::optional<double> GpsAltitude(const Exiv2::ExifData& exif) {
  auto it = exif.findKey(Exiv2::ExifKey("Exif.GPSInfo.GPSAltitude"));
  if (it == exif.end() || it->count() < 1) return std::nullopt;
  Exiv2::Rational r = it->toRational(0);
  if (r.second == 0) return std::nullopt;
  double value = static_cast<double>(r.first) / r.second;
  auto ref = exif.findKey(Exiv2::ExifKey("Exif.GPSInfo.GPSAltitudeRef"));
  if (ref != exif.end() && ref->toLong() == 1) value = -value;
  return value;
}

}  // namespace

bool ImageMetadata::Empty() const {
  return camera_make.empty() && camera_model.empty() && body_serial.empty() && lens.empty() &&
         datetime_original.empty() && !gps_latitude && !gps_longitude && software.empty() &&
         !orientation;
}

std::string MetadataExtractorName() { return std::string("exiv2 ") + Exiv2::versionString(); }

Result<ImageMetadata> ReadImageMetadata(std::span<const uint8_t> bytes) {
  InitializeExiv2Once();
  if (bytes.empty()) return UnsupportedError("read image metadata: empty input");
  try {
    // exiv2 0.27 returns std::auto_ptr here; the file is built with
    // -Wno-deprecated-declarations for that reason alone.
    Exiv2::Image::AutoPtr image =
        Exiv2::ImageFactory::open(bytes.data(), static_cast<long>(bytes.size()));
    if (image.get() == nullptr) return UnsupportedError("read image metadata: unknown format");
    image->readMetadata();
    ImageMetadata out;
    if (image->pixelWidth() > 0) out.width = image->pixelWidth();
    if (image->pixelHeight() > 0) out.height = image->pixelHeight();
    const Exiv2::ExifData& exif = image->exifData();
    const Exiv2::XmpData& xmp = image->xmpData();
    out.camera_make = FirstOf(ExifString(exif, "Exif.Image.Make"), XmpString(xmp, "Xmp.tiff.Make"));
    out.camera_model =
        FirstOf(ExifString(exif, "Exif.Image.Model"), XmpString(xmp, "Xmp.tiff.Model"));
    out.body_serial = FirstOf(ExifString(exif, "Exif.Photo.BodySerialNumber"),
                              FirstOf(ExifString(exif, "Exif.Canon.SerialNumber"),
                                      XmpString(xmp, "Xmp.exifEX.BodySerialNumber")));
    out.lens = FirstOf(ExifString(exif, "Exif.Photo.LensModel"), XmpString(xmp, "Xmp.aux.Lens"));
    out.datetime_original = FirstOf(ExifString(exif, "Exif.Photo.DateTimeOriginal"),
                                    XmpString(xmp, "Xmp.exif.DateTimeOriginal"));
    out.offset_time_original = ExifString(exif, "Exif.Photo.OffsetTimeOriginal");
    out.gps_latitude =
        GpsCoordinate(exif, "Exif.GPSInfo.GPSLatitude", "Exif.GPSInfo.GPSLatitudeRef", 'S');
    out.gps_longitude =
        GpsCoordinate(exif, "Exif.GPSInfo.GPSLongitude", "Exif.GPSInfo.GPSLongitudeRef", 'W');
    out.gps_altitude = GpsAltitude(exif);
    out.software =
        FirstOf(ExifString(exif, "Exif.Image.Software"), XmpString(xmp, "Xmp.xmp.CreatorTool"));
    auto orientation = exif.findKey(Exiv2::ExifKey("Exif.Image.Orientation"));
    if (orientation != exif.end()) {
      long value = orientation->toLong();
      if (value >= 1 && value <= 8) out.orientation = static_cast<int>(value);
    }
    return out;
  } catch (const Exiv2::AnyError& e) {
    return CorruptError(std::string("read image metadata: exiv2: ") + e.what());
  } catch (const std::exception& e) {
    return CorruptError(std::string("read image metadata: ") + e.what());
  }
}

}  // namespace tantalio
