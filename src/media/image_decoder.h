// Image decoding to 8-bit pixels, in process, for perceptual hashing.
//
// Formats are recognised by content (magic bytes), not by name: JPEG
// (libjpeg-turbo), PNG (libpng), WebP (libwebp), GIF (giflib, first frame),
// BMP (built in), TIFF (libtiff, first page) and HEIF/HEIC/AVIF (libheif,
// primary image).
//
// The pixels are what the reference PDQ pipeline sees (spec pdq.md §4):
// - JPEG with libjpeg-turbo's defaults (ISLOW IDCT, fancy upsampling); CMYK
//   and YCCK are converted to RGB as ImageMagick does (R = C·K / 255 on the
//   stored, Adobe-inverted samples);
// - alpha is dropped, never composited (had_alpha records that it was there);
// - grey stays grey (1 channel); palettes expand to RGB;
// - 16-bit samples are scaled to 8 bits with rounding (v + 128) / 257, not
//   clipped;
// - EXIF orientation is NOT applied (read it with ReadImageMetadata).
//
// Thread-safe: every call is independent.
#ifndef TANTALIO_MEDIA_IMAGE_DECODER_H_
#define TANTALIO_MEDIA_IMAGE_DECODER_H_

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace tantalio {

enum class ImageFormat { kUnknown, kJpeg, kPng, kWebp, kGif, kBmp, kTiff, kHeif };

// "jpeg", "png", "webp", "gif", "bmp", "tiff", "heif" or "unknown".
std::string_view ImageFormatName(ImageFormat format);

// The format `bytes` starts with, from its magic bytes; kUnknown otherwise.
ImageFormat SniffImageFormat(std::span<const uint8_t> bytes);

struct DecodedImage {
  int width = 0;
  int height = 0;
  int channels = 0;             // 1 (grey) or 3 (R, G, B)
  std::vector<uint8_t> pixels;  // row-major, width * channels bytes per row
  ImageFormat format = ImageFormat::kUnknown;
  bool had_alpha = false;    // an alpha channel or transparency was dropped
  int source_bit_depth = 8;  // bits per sample in the file
  int frame_count = 1;       // frames in an animation (only the first is decoded); 0 if unknown
  // True when the input was truncated or corrupt but some pixels decoded; the
  // rest of the image is filled by the decoder (grey or black). `warning`
  // holds the decoder's message.
  bool partial = false;
  std::string warning;
};

struct DecodeOptions {
  // Images with more pixels than this are refused (kResourceExhausted)
  // before any pixel buffer is allocated.
  uint64_t max_pixels = 200'000'000;
  // Approximate mode, never the default: decode JPEGs at 1/2, 1/4 or 1/8 of
  // their size (libjpeg-turbo DCT scaling), as far as the shorter side stays
  // at least 256 px. Much faster for big photos, but the pixels, and so the
  // PDQ bits, differ from the full decode. 1 decodes exactly.
  int jpeg_scale_denom = 1;
  // Called once the image size is known and before the pixel buffer is
  // allocated (after the max_pixels check). A caller can use it to bound the
  // memory of concurrent decodes; a non-OK status aborts the decode with it.
  std::function<Status(int64_t width, int64_t height)> before_allocate;
};

// Decodes the first (or primary) image in `bytes`. kUnsupported for an
// unknown format, kCorrupt when nothing could be decoded, kResourceExhausted
// above the pixel limit. The bytes are only read during the call.
Result<DecodedImage> DecodeImage(std::span<const uint8_t> bytes, const DecodeOptions& options = {});

// "libjpeg-turbo 2.1.5; libpng 1.6.39; libwebp 1.2.4; ...": the decoder
// versions to record with every perceptual hash.
std::string ImageDecoderVersions();

}  // namespace tantalio

#endif  // TANTALIO_MEDIA_IMAGE_DECODER_H_
