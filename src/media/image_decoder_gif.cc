// GIF through giflib: the first frame at its own size, palette expanded to
// RGB (the transparent index keeps its palette colour: alpha is dropped).
#include <gif_lib.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "media/image_decoder_formats.h"

namespace tantalio::image_decoder_internal {
namespace {

struct GifInput {
  std::span<const uint8_t> bytes;
  size_t offset = 0;
};

int ReadGifBytes(GifFileType* gif, GifByteType* out, int count) {
  auto* in = static_cast<GifInput*>(gif->UserData);
  const size_t n = std::min<size_t>(count, in->bytes.size() - in->offset);
  std::memcpy(out, in->bytes.data() + in->offset, n);
  in->offset += n;
  return static_cast<int>(n);
}

struct GifCloser {
  void operator()(GifFileType* gif) const {
    int error = 0;
    DGifCloseFile(gif, &error);
  }
};

std::string GifError(std::string_view what, int code) {
  const char* text = GifErrorString(code);
  return "decode gif: " + std::string(what) + ": " + (text != nullptr ? text : "unknown error");
}

}  // namespace

Result<DecodedImage> DecodeGif(std::span<const uint8_t> bytes, const DecodeOptions& options) {
  GifInput input{bytes};
  int error = 0;
  std::unique_ptr<GifFileType, GifCloser> gif(DGifOpen(&input, ReadGifBytes, &error));
  if (gif == nullptr) return CorruptError(GifError("open", error));
  DecodedImage image;
  image.format = ImageFormat::kGif;
  image.frame_count = 0;  // unknown without reading the whole file
  int transparent = -1;
  GifRecordType record;
  do {
    if (DGifGetRecordType(gif.get(), &record) == GIF_ERROR) {
      return CorruptError(GifError("read record", gif->Error));
    }
    if (record == EXTENSION_RECORD_TYPE) {
      int code = 0;
      GifByteType* ext = nullptr;
      if (DGifGetExtension(gif.get(), &code, &ext) == GIF_ERROR) {
        return CorruptError(GifError("read extension", gif->Error));
      }
      if (code == GRAPHICS_EXT_FUNC_CODE && ext != nullptr && ext[0] >= 4 && (ext[1] & 1)) {
        transparent = ext[4];
      }
      while (ext != nullptr) {
        if (DGifGetExtensionNext(gif.get(), &ext) == GIF_ERROR) {
          return CorruptError(GifError("read extension", gif->Error));
        }
      }
    }
  } while (record != IMAGE_DESC_RECORD_TYPE && record != TERMINATE_RECORD_TYPE);
  if (record != IMAGE_DESC_RECORD_TYPE) return CorruptError("decode gif: no image");
  if (DGifGetImageDesc(gif.get()) == GIF_ERROR) {
    return CorruptError(GifError("read image descriptor", gif->Error));
  }
  const GifImageDesc& desc = gif->Image;
  TANTALIO_RETURN_IF_ERROR(CheckSize(desc.Width, desc.Height, options, "gif"));
  const ColorMapObject* map = desc.ColorMap != nullptr ? desc.ColorMap : gif->SColorMap;
  if (map == nullptr) return CorruptError("decode gif: no colour map");
  image.had_alpha = transparent >= 0;
  Allocate(image, desc.Width, desc.Height, 3);
  std::vector<GifPixelType> line(desc.Width);
  // Interlaced images store rows in four passes.
  static constexpr int kStart[] = {0, 4, 2, 1};
  static constexpr int kStep[] = {8, 8, 4, 2};
  const int passes = desc.Interlace ? 4 : 1;
  int rows_done = 0;
  for (int pass = 0; pass < passes; ++pass) {
    const int start = desc.Interlace ? kStart[pass] : 0;
    const int step = desc.Interlace ? kStep[pass] : 1;
    for (int y = start; y < desc.Height; y += step) {
      if (DGifGetLine(gif.get(), line.data(), desc.Width) == GIF_ERROR) {
        if (rows_done == 0) return CorruptError(GifError("read pixels", gif->Error));
        image.partial = true;
        image.warning = GifError("read pixels", gif->Error);
        return image;
      }
      uint8_t* dst = image.pixels.data() + static_cast<size_t>(y) * desc.Width * 3;
      for (int x = 0; x < desc.Width; ++x) {
        const int index = line[x] < map->ColorCount ? line[x] : 0;
        const GifColorType& c = map->Colors[index];
        dst[3 * x] = c.Red;
        dst[3 * x + 1] = c.Green;
        dst[3 * x + 2] = c.Blue;
      }
      ++rows_done;
    }
  }
  return image;
}

std::string GifVersion() {
  return "giflib " + std::to_string(GIFLIB_MAJOR) + "." + std::to_string(GIFLIB_MINOR) + "." +
         std::to_string(GIFLIB_RELEASE);
}

}  // namespace tantalio::image_decoder_internal
