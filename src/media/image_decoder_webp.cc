// WebP through libwebp (lossy, lossless, alpha) with its default, fancy
// upsampling; for an animation, the first frame as composed on the canvas.
#include <webp/decode.h>
#include <webp/demux.h>

#include <cstring>
#include <string>

#include "media/image_decoder_formats.h"

namespace tantalio::image_decoder_internal {
namespace {

Result<DecodedImage> DecodeAnimatedWebp(std::span<const uint8_t> bytes,
                                        const DecodeOptions& options, DecodedImage image) {
  WebPData data{bytes.data(), bytes.size()};
  WebPAnimDecoderOptions anim_options;
  if (!WebPAnimDecoderOptionsInit(&anim_options)) return InternalError("decode webp: bad ABI");
  anim_options.color_mode = MODE_RGBA;
  anim_options.use_threads = 0;
  WebPAnimDecoder* decoder = WebPAnimDecoderNew(&data, &anim_options);
  if (decoder == nullptr) return CorruptError("decode webp: cannot parse the animation");
  WebPAnimInfo info;
  Status status;
  uint8_t* rgba = nullptr;
  int timestamp = 0;
  if (!WebPAnimDecoderGetInfo(decoder, &info)) {
    status = CorruptError("decode webp: cannot read the animation header");
  } else if (status = CheckSize(info.canvas_width, info.canvas_height, options, "webp");
             status.ok()) {
    if (!WebPAnimDecoderGetNext(decoder, &rgba, &timestamp)) {
      status = CorruptError("decode webp: cannot decode the first frame");
    } else {
      image.frame_count = static_cast<int>(info.frame_count);
      Allocate(image, info.canvas_width, info.canvas_height, 3);
      const size_t n = static_cast<size_t>(image.width) * image.height;
      for (size_t i = 0; i < n; ++i) std::memcpy(&image.pixels[3 * i], rgba + 4 * i, 3);
    }
  }
  WebPAnimDecoderDelete(decoder);
  if (!status.ok()) return status;
  return image;
}

}  // namespace

Result<DecodedImage> DecodeWebp(std::span<const uint8_t> bytes, const DecodeOptions& options) {
  WebPBitstreamFeatures features;
  if (WebPGetFeatures(bytes.data(), bytes.size(), &features) != VP8_STATUS_OK) {
    return CorruptError("decode webp: cannot read the header");
  }
  TANTALIO_RETURN_IF_ERROR(CheckSize(features.width, features.height, options, "webp"));
  DecodedImage image;
  image.format = ImageFormat::kWebp;
  image.had_alpha = features.has_alpha != 0;
  if (features.has_animation) return DecodeAnimatedWebp(bytes, options, std::move(image));
  Allocate(image, features.width, features.height, 3);
  const int stride = image.width * 3;
  if (WebPDecodeRGBInto(bytes.data(), bytes.size(), image.pixels.data(), image.pixels.size(),
                        stride) == nullptr) {
    // Truncated input: decode incrementally to keep the rows that arrived.
    WebPIDecoder* idec = WebPINewRGB(MODE_RGB, image.pixels.data(), image.pixels.size(), stride);
    if (idec == nullptr) return CorruptError("decode webp: cannot decode");
    const VP8StatusCode code = WebPIAppend(idec, bytes.data(), bytes.size());
    int last_row = 0;
    WebPIDecGetRGB(idec, &last_row, nullptr, nullptr, nullptr);
    WebPIDelete(idec);
    if ((code != VP8_STATUS_SUSPENDED && code != VP8_STATUS_OK) || last_row <= 0) {
      return CorruptError("decode webp: cannot decode (status " + std::to_string(code) + ")");
    }
    image.partial = true;
    image.warning = "truncated WebP: decoded " + std::to_string(last_row) + " of " +
                    std::to_string(image.height) + " rows";
  }
  return image;
}

std::string WebpVersion() {
  const int v = WebPGetDecoderVersion();
  return "libwebp " + std::to_string(v >> 16) + "." + std::to_string((v >> 8) & 255) + "." +
         std::to_string(v & 255);
}

}  // namespace tantalio::image_decoder_internal
