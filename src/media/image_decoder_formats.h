// Internal to the image decoder: one function per format, and shared helpers.
#ifndef TANTALIO_MEDIA_IMAGE_DECODER_FORMATS_H_
#define TANTALIO_MEDIA_IMAGE_DECODER_FORMATS_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "base/status.h"
#include "media/image_decoder.h"

namespace tantalio::image_decoder_internal {

// kResourceExhausted when width x height exceeds the limit, kCorrupt when a
// side is not positive. Call before allocating pixels.
Status CheckSize(int64_t width, int64_t height, const DecodeOptions& options,
                 std::string_view format);

// Sets size and channels and allocates the pixel buffer (after CheckSize).
void Allocate(DecodedImage& image, int width, int height, int channels);

// 16-bit to 8-bit with rounding, as ImageMagick Q16 does: (v + 128) / 257.
inline uint8_t Scale16To8(unsigned v) { return static_cast<uint8_t>((v + 128) / 257); }

Result<DecodedImage> DecodeJpeg(std::span<const uint8_t> bytes, const DecodeOptions& options);
Result<DecodedImage> DecodePng(std::span<const uint8_t> bytes, const DecodeOptions& options);
Result<DecodedImage> DecodeWebp(std::span<const uint8_t> bytes, const DecodeOptions& options);
Result<DecodedImage> DecodeGif(std::span<const uint8_t> bytes, const DecodeOptions& options);
Result<DecodedImage> DecodeBmp(std::span<const uint8_t> bytes, const DecodeOptions& options);
Result<DecodedImage> DecodeTiff(std::span<const uint8_t> bytes, const DecodeOptions& options);
Result<DecodedImage> DecodeHeif(std::span<const uint8_t> bytes, const DecodeOptions& options);

std::string JpegVersion();
std::string PngVersion();
std::string WebpVersion();
std::string GifVersion();
std::string TiffVersion();
std::string HeifVersion();

}  // namespace tantalio::image_decoder_internal

#endif  // TANTALIO_MEDIA_IMAGE_DECODER_FORMATS_H_
