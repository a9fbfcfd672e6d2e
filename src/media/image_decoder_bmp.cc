// BMP (Windows bitmap), built in: uncompressed 1/4/8-bit palette, 16/24/32-bit
// direct colour and BI_BITFIELDS; bottom-up or top-down. RLE compression is
// not supported. Alpha (32-bit with an alpha mask) is dropped.
#include <bit>
#include <cstring>
#include <string>

#include "media/image_decoder_formats.h"

namespace tantalio::image_decoder_internal {
namespace {

uint32_t Le32(const uint8_t* p) {
  return p[0] | (p[1] << 8) | (p[2] << 16) | (uint32_t{p[3]} << 24);
}
uint16_t Le16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | (p[1] << 8)); }

// Extracts the field selected by `mask` from `pixel`, scaled to 0..255.
uint8_t Field(uint32_t pixel, uint32_t mask) {
  if (mask == 0) return 0;
  const int shift = std::countr_zero(mask);
  const int bits = std::popcount(mask);
  const uint32_t v = (pixel & mask) >> shift;
  const uint32_t max = bits >= 32 ? 0xFFFFFFFFu : (1u << bits) - 1;
  return static_cast<uint8_t>((v * 255 + max / 2) / max);
}

}  // namespace

Result<DecodedImage> DecodeBmp(std::span<const uint8_t> b, const DecodeOptions& options) {
  if (b.size() < 26) return CorruptError("decode bmp: file too short");
  const uint32_t data_offset = Le32(&b[10]);
  const uint32_t header_size = Le32(&b[14]);
  if (b.size() < 14 + static_cast<size_t>(header_size) || header_size < 12) {
    return CorruptError("decode bmp: truncated header");
  }
  int64_t width, height;
  int bpp;
  uint32_t compression = 0, colours_used = 0;
  if (header_size == 12) {  // BITMAPCOREHEADER
    width = Le16(&b[18]);
    height = static_cast<int16_t>(Le16(&b[20]));
    bpp = Le16(&b[24]);
  } else {
    if (header_size < 40) return CorruptError("decode bmp: unknown header");
    width = static_cast<int32_t>(Le32(&b[18]));
    height = static_cast<int32_t>(Le32(&b[22]));
    bpp = Le16(&b[28]);
    compression = Le32(&b[30]);
    colours_used = Le32(&b[46]);
  }
  const bool top_down = height < 0;
  if (top_down) height = -height;
  TANTALIO_RETURN_IF_ERROR(CheckSize(width, height, options, "bmp"));
  if (compression != 0 && compression != 3 && compression != 6) {
    return UnsupportedError("decode bmp: compression " + std::to_string(compression) +
                            " (RLE or embedded JPEG/PNG) is not supported");
  }
  uint32_t masks[4] = {0, 0, 0, 0};  // R, G, B, A
  if (bpp == 16) {
    masks[0] = 0x7C00, masks[1] = 0x03E0, masks[2] = 0x001F;
  } else if (bpp == 32) {
    masks[0] = 0x00FF0000, masks[1] = 0x0000FF00, masks[2] = 0x000000FF;
  }
  if (compression == 3 || compression == 6) {
    // Masks follow a 40-byte header, or sit inside a V4/V5 header.
    const size_t at = 14 + 40;
    if (b.size() < at + 12) return CorruptError("decode bmp: truncated bit masks");
    for (int i = 0; i < 3; ++i) masks[i] = Le32(&b[at + 4 * i]);
    if (header_size >= 56 || compression == 6) {
      if (b.size() >= at + 16) masks[3] = Le32(&b[at + 12]);
    }
  } else if (bpp == 32 && header_size >= 56) {
    masks[3] = Le32(&b[14 + 40 + 12]);
  }
  const bool palette = bpp == 1 || bpp == 4 || bpp == 8;
  if (!palette && bpp != 16 && bpp != 24 && bpp != 32) {
    return UnsupportedError("decode bmp: " + std::to_string(bpp) + " bits per pixel");
  }
  const size_t palette_at = 14 + static_cast<size_t>(header_size) +
                            ((compression == 3 && header_size == 40) ? 12 : 0) +
                            ((compression == 6 && header_size == 40) ? 16 : 0);
  const int entry = header_size == 12 ? 3 : 4;
  const uint32_t palette_size = palette ? (colours_used ? colours_used : 1u << bpp) : 0;
  if (palette && palette_at + static_cast<size_t>(palette_size) * entry > b.size()) {
    return CorruptError("decode bmp: truncated palette");
  }
  DecodedImage image;
  image.format = ImageFormat::kBmp;
  image.source_bit_depth = bpp;
  image.had_alpha = masks[3] != 0;
  Allocate(image, static_cast<int>(width), static_cast<int>(height), 3);
  const size_t stride = (static_cast<size_t>(width) * bpp + 31) / 32 * 4;
  for (int64_t row = 0; row < height; ++row) {
    const size_t at = data_offset + stride * row;
    if (at + stride > b.size()) {
      if (row == 0) return CorruptError("decode bmp: no pixel data");
      image.partial = true;
      image.warning = "decode bmp: truncated after " + std::to_string(row) + " rows";
      break;
    }
    const uint8_t* src = &b[at];
    const int64_t y = top_down ? row : height - 1 - row;
    uint8_t* dst = image.pixels.data() + static_cast<size_t>(y) * width * 3;
    for (int64_t x = 0; x < width; ++x) {
      uint8_t* px = dst + 3 * x;
      if (palette) {
        const int per_byte = 8 / bpp;
        const int shift = 8 - bpp * (1 + static_cast<int>(x % per_byte));
        uint32_t index = (src[x / per_byte] >> shift) & ((1u << bpp) - 1);
        if (index >= palette_size) index = 0;
        const uint8_t* c = &b[palette_at + static_cast<size_t>(index) * entry];
        px[0] = c[2], px[1] = c[1], px[2] = c[0];
      } else if (bpp == 24) {
        px[0] = src[3 * x + 2], px[1] = src[3 * x + 1], px[2] = src[3 * x];
      } else {
        const uint32_t pixel = bpp == 16 ? Le16(&src[2 * x]) : Le32(&src[4 * x]);
        px[0] = Field(pixel, masks[0]), px[1] = Field(pixel, masks[1]),
        px[2] = Field(pixel, masks[2]);
      }
    }
  }
  return image;
}

}  // namespace tantalio::image_decoder_internal
