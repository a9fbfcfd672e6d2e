// PNG through libpng, lossless: alpha stripped (not composited), grey kept
// grey, palettes expanded to RGB, 16-bit scaled to 8 bits with rounding.
#include <png.h>

#include <csetjmp>
#include <cstring>
#include <string>
#include <vector>

#include "media/image_decoder_formats.h"

namespace tantalio::image_decoder_internal {
namespace {

struct PngState {
  std::span<const uint8_t> bytes;
  size_t offset;
  char error[256];
  char first_warning[256];
  int warnings;
};

void ReadPngBytes(png_structp png, png_bytep out, png_size_t count) {
  auto* state = static_cast<PngState*>(png_get_io_ptr(png));
  if (state->bytes.size() - state->offset < count) {
    png_error(png, "unexpected end of file");
  }
  std::memcpy(out, state->bytes.data() + state->offset, count);
  state->offset += count;
}

[[noreturn]] void OnPngError(png_structp png, png_const_charp message) {
  auto* state = static_cast<PngState*>(png_get_error_ptr(png));
  std::snprintf(state->error, sizeof(state->error), "%s", message);
  png_longjmp(png, 1);
}

void OnPngWarning(png_structp png, png_const_charp message) {
  auto* state = static_cast<PngState*>(png_get_error_ptr(png));
  if (state->warnings++ == 0) {
    std::snprintf(state->first_warning, sizeof(state->first_warning), "%s", message);
  }
}

// The libpng calls, free of C++ objects with destructors (see the JPEG
// decoder). Returns false on a fatal error.
bool DecodePngInto(png_structp png, png_infop info, const DecodeOptions& options,
                   DecodedImage* image, std::vector<uint8_t>* wide, std::vector<png_bytep>* rows,
                   Status* size_status, volatile int* stage) {
  if (setjmp(png_jmpbuf(png))) return false;
  png_read_info(png, info);
  png_uint_32 width = 0, height = 0;
  int depth = 0, color = 0, interlace = 0;
  png_get_IHDR(png, info, &width, &height, &depth, &color, &interlace, nullptr, nullptr);
  *size_status = CheckSize(width, height, options, "png");
  if (!size_status->ok()) return true;
  image->source_bit_depth = depth;
  image->had_alpha = (color & PNG_COLOR_MASK_ALPHA) != 0 || png_get_valid(png, info, PNG_INFO_tRNS);
  if (color == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
  if (color == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(png);
  if (color & PNG_COLOR_MASK_ALPHA) png_set_strip_alpha(png);
  const int passes = png_set_interlace_handling(png);
  (void)passes;
  png_read_update_info(png, info);
  const int channels = png_get_channels(png, info);
  const int out_depth = png_get_bit_depth(png, info);
  if (channels != 1 && channels != 3) png_error(png, "unexpected channel count");
  Allocate(*image, width, height, channels);
  *stage = 1;
  const size_t row_bytes = png_get_rowbytes(png, info);
  if (out_depth == 16) {
    wide->resize(row_bytes * height);
  }
  rows->resize(height);
  for (png_uint_32 y = 0; y < height; ++y) {
    (*rows)[y] = out_depth == 16 ? wide->data() + row_bytes * y
                                 : image->pixels.data() + static_cast<size_t>(width) * channels * y;
  }
  png_read_image(png, rows->data());
  *stage = 2;
  png_read_end(png, nullptr);
  return true;
}

void Narrow16(const std::vector<uint8_t>& wide, DecodedImage& image) {
  const size_t samples = image.pixels.size();
  for (size_t i = 0; i < samples; ++i) {
    image.pixels[i] = Scale16To8((unsigned{wide[2 * i]} << 8) | wide[2 * i + 1]);
  }
}

}  // namespace

Result<DecodedImage> DecodePng(std::span<const uint8_t> bytes, const DecodeOptions& options) {
  PngState state{bytes, 0, {}, {}, 0};
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &state, OnPngError, OnPngWarning);
  if (png == nullptr) return InternalError("decode png: cannot create reader");
  png_infop info = png_create_info_struct(png);
  if (info == nullptr) {
    png_destroy_read_struct(&png, nullptr, nullptr);
    return InternalError("decode png: cannot create reader");
  }
  png_set_read_fn(png, &state, ReadPngBytes);
  DecodedImage image;
  image.format = ImageFormat::kPng;
  std::vector<uint8_t> wide;
  std::vector<png_bytep> rows;
  Status size_status;
  volatile int stage = 0;
  const bool ok = DecodePngInto(png, info, options, &image, &wide, &rows, &size_status, &stage);
  png_destroy_read_struct(&png, &info, nullptr);
  if (!size_status.ok()) return size_status;
  if (!ok) {
    if (stage == 0) return CorruptError(std::string("decode png: ") + state.error);
    // Truncated or corrupt after the header: keep what decoded (libpng fills
    // rows in order; the rest stays black). A bad trailer after all pixels
    // (stage 2) is only a warning.
    image.partial = stage < 2;
    image.warning = state.error;
  } else if (state.warnings > 0) {
    image.warning = state.first_warning;
  }
  if (!wide.empty()) Narrow16(wide, image);
  return image;
}

std::string PngVersion() { return std::string("libpng ") + png_get_libpng_ver(nullptr); }

}  // namespace tantalio::image_decoder_internal
