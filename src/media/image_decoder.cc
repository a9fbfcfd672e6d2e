#include "media/image_decoder.h"

#include <cstring>
#include <string>

#include "media/image_decoder_formats.h"

namespace tantalio {

namespace image_decoder_internal {

Status CheckSize(int64_t width, int64_t height, const DecodeOptions& options,
                 std::string_view format) {
  if (width <= 0 || height <= 0) {
    return CorruptError("decode " + std::string(format) + ": bad image size " +
                        std::to_string(width) + "x" + std::to_string(height));
  }
  if (static_cast<uint64_t>(width) * static_cast<uint64_t>(height) > options.max_pixels) {
    return ResourceExhaustedError("decode " + std::string(format) + ": " + std::to_string(width) +
                                  "x" + std::to_string(height) + " is over the limit of " +
                                  std::to_string(options.max_pixels) + " pixels");
  }
  if (options.before_allocate) return options.before_allocate(width, height);
  return Status::Ok();
}

void Allocate(DecodedImage& image, int width, int height, int channels) {
  image.width = width;
  image.height = height;
  image.channels = channels;
  image.pixels.assign(static_cast<size_t>(width) * height * channels, 0);
}

}  // namespace image_decoder_internal

std::string_view ImageFormatName(ImageFormat format) {
  switch (format) {
    case ImageFormat::kUnknown:
      return "unknown";
    case ImageFormat::kJpeg:
      return "jpeg";
    case ImageFormat::kPng:
      return "png";
    case ImageFormat::kWebp:
      return "webp";
    case ImageFormat::kGif:
      return "gif";
    case ImageFormat::kBmp:
      return "bmp";
    case ImageFormat::kTiff:
      return "tiff";
    case ImageFormat::kHeif:
      return "heif";
  }
  return "unknown";
}

ImageFormat SniffImageFormat(std::span<const uint8_t> b) {
  auto starts = [&b](std::string_view magic, size_t offset = 0) {
    return b.size() >= offset + magic.size() &&
           std::memcmp(b.data() + offset, magic.data(), magic.size()) == 0;
  };
  if (starts("\xFF\xD8\xFF")) return ImageFormat::kJpeg;
  if (starts("\x89PNG\r\n\x1A\n")) return ImageFormat::kPng;
  if (starts("RIFF") && starts("WEBP", 8)) return ImageFormat::kWebp;
  if (starts("GIF87a") || starts("GIF89a")) return ImageFormat::kGif;
  if (starts("BM") && b.size() >= 26) return ImageFormat::kBmp;
  if (starts(std::string_view("II*\0", 4)) || starts(std::string_view("MM\0*", 4))) {
    return ImageFormat::kTiff;
  }
  if (starts("ftyp", 4) && b.size() >= 12) {
    static constexpr std::string_view kBrands[] = {"heic", "heix", "hevc", "hevx", "heim",
                                                   "heis", "mif1", "msf1", "avif", "avis"};
    for (std::string_view brand : kBrands) {
      if (starts(brand, 8)) return ImageFormat::kHeif;
    }
  }
  return ImageFormat::kUnknown;
}

Result<DecodedImage> DecodeImage(std::span<const uint8_t> bytes, const DecodeOptions& options) {
  namespace in = image_decoder_internal;
  switch (SniffImageFormat(bytes)) {
    case ImageFormat::kJpeg:
      return in::DecodeJpeg(bytes, options);
    case ImageFormat::kPng:
      return in::DecodePng(bytes, options);
    case ImageFormat::kWebp:
      return in::DecodeWebp(bytes, options);
    case ImageFormat::kGif:
      return in::DecodeGif(bytes, options);
    case ImageFormat::kBmp:
      return in::DecodeBmp(bytes, options);
    case ImageFormat::kTiff:
      return in::DecodeTiff(bytes, options);
    case ImageFormat::kHeif:
      return in::DecodeHeif(bytes, options);
    case ImageFormat::kUnknown:
      break;
  }
  return UnsupportedError("decode image: unknown format");
}

std::string ImageDecoderVersions() {
  namespace in = image_decoder_internal;
  return in::JpegVersion() + "; " + in::PngVersion() + "; " + in::WebpVersion() + "; " +
         in::GifVersion() + "; " + in::TiffVersion() + "; " + in::HeifVersion();
}

}  // namespace tantalio
