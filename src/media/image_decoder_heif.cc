// HEIF/HEIC and AVIF through libheif: the primary image as 8-bit RGB, alpha
// dropped. libheif applies the container's own rotation and mirror boxes
// (irot, imir), which are part of the image geometry for every HEIF reader;
// EXIF orientation is not applied.
#include <libheif/heif.h>

#include <cstring>
#include <memory>
#include <string>

#include "media/image_decoder_formats.h"

namespace tantalio::image_decoder_internal {
namespace {

struct ContextFree {
  void operator()(heif_context* c) const { heif_context_free(c); }
};
struct HandleFree {
  void operator()(heif_image_handle* h) const { heif_image_handle_release(h); }
};
struct ImageFree {
  void operator()(heif_image* i) const { heif_image_release(i); }
};

Status HeifError(std::string_view what, const heif_error& error) {
  return CorruptError("decode heif: " + std::string(what) + ": " +
                      (error.message != nullptr ? error.message : "error"));
}

}  // namespace

Result<DecodedImage> DecodeHeif(std::span<const uint8_t> bytes, const DecodeOptions& options) {
  std::unique_ptr<heif_context, ContextFree> context(heif_context_alloc());
  if (context == nullptr) return InternalError("decode heif: cannot allocate a context");
  heif_error error = heif_context_read_from_memory_without_copy(context.get(), bytes.data(),
                                                                bytes.size(), nullptr);
  if (error.code != heif_error_Ok) return HeifError("parse", error);
  heif_image_handle* raw_handle = nullptr;
  error = heif_context_get_primary_image_handle(context.get(), &raw_handle);
  if (error.code != heif_error_Ok) return HeifError("primary image", error);
  std::unique_ptr<heif_image_handle, HandleFree> handle(raw_handle);
  TANTALIO_RETURN_IF_ERROR(CheckSize(heif_image_handle_get_width(handle.get()),
                                     heif_image_handle_get_height(handle.get()), options, "heif"));
  DecodedImage image;
  image.format = ImageFormat::kHeif;
  image.had_alpha = heif_image_handle_has_alpha_channel(handle.get()) != 0;
  image.source_bit_depth = heif_image_handle_get_luma_bits_per_pixel(handle.get());
  image.frame_count = heif_context_get_number_of_top_level_images(context.get());
  heif_image* raw_image = nullptr;
  error = heif_decode_image(handle.get(), &raw_image, heif_colorspace_RGB,
                            heif_chroma_interleaved_RGB, nullptr);
  if (error.code != heif_error_Ok) return HeifError("decode", error);
  std::unique_ptr<heif_image, ImageFree> decoded(raw_image);
  const int width = heif_image_get_width(decoded.get(), heif_channel_interleaved);
  const int height = heif_image_get_height(decoded.get(), heif_channel_interleaved);
  TANTALIO_RETURN_IF_ERROR(CheckSize(width, height, options, "heif"));
  int stride = 0;
  const uint8_t* plane =
      heif_image_get_plane_readonly(decoded.get(), heif_channel_interleaved, &stride);
  if (plane == nullptr) return CorruptError("decode heif: no interleaved RGB plane");
  Allocate(image, width, height, 3);
  for (int y = 0; y < height; ++y) {
    std::memcpy(image.pixels.data() + static_cast<size_t>(y) * width * 3,
                plane + static_cast<size_t>(y) * stride, static_cast<size_t>(width) * 3);
  }
  return image;
}

std::string HeifVersion() { return std::string("libheif ") + heif_get_version(); }

}  // namespace tantalio::image_decoder_internal
