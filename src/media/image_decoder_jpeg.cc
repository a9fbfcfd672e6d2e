// JPEG through libjpeg-turbo with its default decoding settings (ISLOW IDCT,
// fancy upsampling): the pixels the canonical PDQ vectors were made from.
#include <algorithm>
#include <csetjmp>
#include <cstddef>
#include <cstdio>  // before jpeglib.h, which needs size_t and FILE
#include <string>
#include <vector>

// clang-format off
#include <jpeglib.h>
// clang-format on

#include "media/image_decoder_formats.h"

namespace tantalio::image_decoder_internal {
namespace {

struct JpegErrorManager {
  jpeg_error_mgr pub;
  std::jmp_buf jump;
  char error[JMSG_LENGTH_MAX];
  char first_warning[JMSG_LENGTH_MAX];
  int warnings;
};

[[noreturn]] void OnJpegError(j_common_ptr cinfo) {
  auto* err = reinterpret_cast<JpegErrorManager*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, err->error);
  std::longjmp(err->jump, 1);
}

void OnJpegMessage(j_common_ptr cinfo, int level) {
  if (level >= 0) return;  // trace messages
  auto* err = reinterpret_cast<JpegErrorManager*>(cinfo->err);
  if (err->warnings++ == 0) (*cinfo->err->format_message)(cinfo, err->first_warning);
}

// RGB from the stored CMYK samples, as ImageMagick converts them: the samples
// of Adobe CMYK JPEGs are inverted, so R = round(C * K / 255).
void CmykRowToRgb(const uint8_t* cmyk, int width, uint8_t* rgb) {
  for (int x = 0; x < width; ++x) {
    const unsigned k = cmyk[4 * x + 3];
    for (int c = 0; c < 3; ++c) {
      rgb[3 * x + c] = static_cast<uint8_t>((2 * cmyk[4 * x + c] * k + 255) / 510);
    }
  }
}

// The libjpeg calls, kept free of C++ objects with destructors so that the
// error longjmp skips none. Returns false on a fatal error (message in err).
bool DecodeJpegInto(std::span<const uint8_t> bytes, const DecodeOptions& options,
                    jpeg_decompress_struct* cinfo, JpegErrorManager* err, DecodedImage* image,
                    std::vector<uint8_t>* cmyk_row, Status* size_status, volatile int* rows_done) {
  if (setjmp(err->jump)) return false;
  jpeg_create_decompress(cinfo);
  jpeg_mem_src(cinfo, bytes.data(), bytes.size());
  jpeg_read_header(cinfo, TRUE);
  *size_status = CheckSize(cinfo->image_width, cinfo->image_height, options, "jpeg");
  if (!size_status->ok()) return true;
  const unsigned shorter = std::min(cinfo->image_width, cinfo->image_height);
  for (int denom = options.jpeg_scale_denom; denom > 1; denom /= 2) {
    if (shorter / static_cast<unsigned>(denom) >= 256) {
      cinfo->scale_num = 1;
      cinfo->scale_denom = static_cast<unsigned>(denom);
      break;
    }
  }
  int channels = 3;
  bool cmyk = false;
  switch (cinfo->jpeg_color_space) {
    case JCS_GRAYSCALE:
      cinfo->out_color_space = JCS_GRAYSCALE;
      channels = 1;
      break;
    case JCS_CMYK:
    case JCS_YCCK:
      cinfo->out_color_space = JCS_CMYK;
      cmyk = true;
      break;
    default:
      cinfo->out_color_space = JCS_RGB;
      break;
  }
  jpeg_start_decompress(cinfo);
  Allocate(*image, cinfo->output_width, cinfo->output_height, channels);
  if (cmyk) cmyk_row->resize(static_cast<size_t>(cinfo->output_width) * 4);
  const size_t row_bytes = static_cast<size_t>(cinfo->output_width) * channels;
  while (cinfo->output_scanline < cinfo->output_height) {
    uint8_t* dst = image->pixels.data() + row_bytes * cinfo->output_scanline;
    JSAMPROW row = cmyk ? cmyk_row->data() : dst;
    if (jpeg_read_scanlines(cinfo, &row, 1) != 1) break;
    if (cmyk) CmykRowToRgb(cmyk_row->data(), cinfo->output_width, dst);
    *rows_done = *rows_done + 1;
  }
  jpeg_finish_decompress(cinfo);
  return true;
}

}  // namespace

Result<DecodedImage> DecodeJpeg(std::span<const uint8_t> bytes, const DecodeOptions& options) {
  jpeg_decompress_struct cinfo{};
  JpegErrorManager err{};
  cinfo.err = jpeg_std_error(&err.pub);
  err.pub.error_exit = OnJpegError;
  err.pub.emit_message = OnJpegMessage;
  DecodedImage image;
  image.format = ImageFormat::kJpeg;
  std::vector<uint8_t> cmyk_row;
  Status size_status;
  volatile int rows_done = 0;
  const bool ok =
      DecodeJpegInto(bytes, options, &cinfo, &err, &image, &cmyk_row, &size_status, &rows_done);
  jpeg_destroy_decompress(&cinfo);
  if (!size_status.ok()) return size_status;
  if (!ok) {
    if (rows_done == 0 || image.pixels.empty()) {
      return CorruptError(std::string("decode jpeg: ") + err.error);
    }
    image.partial = true;
    image.warning = err.error;
    return image;
  }
  if (err.warnings > 0) {
    image.partial = true;
    image.warning = err.first_warning;
  }
  return image;
}

std::string JpegVersion() {
  const int v = LIBJPEG_TURBO_VERSION_NUMBER;
  return "libjpeg-turbo " + std::to_string(v / 1000000) + "." + std::to_string(v / 1000 % 1000) +
         "." + std::to_string(v % 1000);
}

}  // namespace tantalio::image_decoder_internal
