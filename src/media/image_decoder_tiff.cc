// TIFF through libtiff, first page. Strip-based 8/16-bit grey and RGB are
// read as stored (alpha and other extra samples dropped, 16-bit scaled);
// anything else (palette, YCbCr, CMYK, bilevel, tiles) goes through libtiff's
// RGBA conversion, in stored row order (the Orientation tag is not applied).
#include <tiffio.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "media/image_decoder_formats.h"

namespace tantalio::image_decoder_internal {
namespace {

struct TiffInput {
  std::span<const uint8_t> bytes;
  toff_t offset = 0;
};

tsize_t TiffRead(thandle_t h, tdata_t buf, tsize_t size) {
  auto* in = static_cast<TiffInput*>(h);
  if (in->offset >= in->bytes.size()) return 0;
  const tsize_t n = std::min<tsize_t>(size, in->bytes.size() - in->offset);
  std::memcpy(buf, in->bytes.data() + in->offset, n);
  in->offset += n;
  return n;
}
tsize_t TiffWrite(thandle_t, tdata_t, tsize_t) { return 0; }
toff_t TiffSeek(thandle_t h, toff_t off, int whence) {
  auto* in = static_cast<TiffInput*>(h);
  switch (whence) {
    case SEEK_SET:
      in->offset = off;
      break;
    case SEEK_CUR:
      in->offset += off;
      break;
    case SEEK_END:
      in->offset = in->bytes.size() + off;
      break;
    default:
      return static_cast<toff_t>(-1);
  }
  return in->offset;
}
int TiffClose(thandle_t) { return 0; }
toff_t TiffSize(thandle_t h) { return static_cast<TiffInput*>(h)->bytes.size(); }
int TiffMap(thandle_t, tdata_t*, toff_t*) { return 0; }
void TiffUnmap(thandle_t, tdata_t, toff_t) {}

struct TiffCloser {
  void operator()(TIFF* tif) const { TIFFClose(tif); }
};

}  // namespace

Result<DecodedImage> DecodeTiff(std::span<const uint8_t> bytes, const DecodeOptions& options) {
  TiffInput input{bytes};
  // libtiff's default handlers print to stderr; errors come back through
  // return codes instead. The handlers are process-wide: set them once.
  static const bool silenced = [] {
    TIFFSetWarningHandler(nullptr);
    TIFFSetErrorHandler(nullptr);
    return true;
  }();
  (void)silenced;
  std::unique_ptr<TIFF, TiffCloser> tif(TIFFClientOpen("memory", "rm", &input, TiffRead, TiffWrite,
                                                       TiffSeek, TiffClose, TiffSize, TiffMap,
                                                       TiffUnmap));
  if (tif == nullptr) return CorruptError("decode tiff: cannot open");
  uint32_t width = 0, height = 0;
  uint16_t bits = 8, samples = 1, photometric = PHOTOMETRIC_MINISBLACK,
           planar = PLANARCONFIG_CONTIG;
  uint16_t orientation = ORIENTATION_TOPLEFT;
  TIFFGetField(tif.get(), TIFFTAG_IMAGEWIDTH, &width);
  TIFFGetField(tif.get(), TIFFTAG_IMAGELENGTH, &height);
  TIFFGetFieldDefaulted(tif.get(), TIFFTAG_BITSPERSAMPLE, &bits);
  TIFFGetFieldDefaulted(tif.get(), TIFFTAG_SAMPLESPERPIXEL, &samples);
  TIFFGetFieldDefaulted(tif.get(), TIFFTAG_PLANARCONFIG, &planar);
  TIFFGetFieldDefaulted(tif.get(), TIFFTAG_ORIENTATION, &orientation);
  TIFFGetField(tif.get(), TIFFTAG_PHOTOMETRIC, &photometric);
  TANTALIO_RETURN_IF_ERROR(CheckSize(width, height, options, "tiff"));
  DecodedImage image;
  image.format = ImageFormat::kTiff;
  image.source_bit_depth = bits;
  image.frame_count = TIFFNumberOfDirectories(tif.get());
  const bool grey = photometric == PHOTOMETRIC_MINISBLACK || photometric == PHOTOMETRIC_MINISWHITE;
  const int colour_samples = grey ? 1 : 3;
  image.had_alpha = samples > colour_samples;
  const bool direct = !TIFFIsTiled(tif.get()) && planar == PLANARCONFIG_CONTIG &&
                      (bits == 8 || bits == 16) &&
                      ((grey && samples >= 1) || (photometric == PHOTOMETRIC_RGB && samples >= 3));
  if (direct) {
    Allocate(image, width, height, colour_samples);
    std::vector<uint8_t> line(TIFFScanlineSize(tif.get()));
    const int bytes_per_sample = bits / 8;
    for (uint32_t y = 0; y < height; ++y) {
      if (TIFFReadScanline(tif.get(), line.data(), y, 0) < 0) {
        if (y == 0) return CorruptError("decode tiff: cannot read row 0");
        image.partial = true;
        image.warning = "decode tiff: cannot read row " + std::to_string(y);
        return image;
      }
      uint8_t* dst = image.pixels.data() + static_cast<size_t>(y) * width * colour_samples;
      for (uint32_t x = 0; x < width; ++x) {
        for (int c = 0; c < colour_samples; ++c) {
          const size_t i = (static_cast<size_t>(x) * samples + c) * bytes_per_sample;
          uint8_t v;
          if (bits == 16) {
            uint16_t w;
            std::memcpy(&w, &line[i], 2);
            v = Scale16To8(w);
          } else {
            v = line[i];
          }
          if (photometric == PHOTOMETRIC_MINISWHITE) v = 255 - v;
          dst[static_cast<size_t>(x) * colour_samples + c] = v;
        }
      }
    }
    return image;
  }
  std::vector<uint32_t> raster(static_cast<size_t>(width) * height);
  if (!TIFFReadRGBAImageOriented(tif.get(), width, height, raster.data(), orientation, 0)) {
    return CorruptError("decode tiff: cannot convert to RGB (photometric " +
                        std::to_string(photometric) + ", " + std::to_string(bits) + " bits)");
  }
  Allocate(image, width, height, 3);
  for (size_t i = 0; i < raster.size(); ++i) {
    image.pixels[3 * i] = static_cast<uint8_t>(TIFFGetR(raster[i]));
    image.pixels[3 * i + 1] = static_cast<uint8_t>(TIFFGetG(raster[i]));
    image.pixels[3 * i + 2] = static_cast<uint8_t>(TIFFGetB(raster[i]));
  }
  return image;
}

std::string TiffVersion() {
  std::string v = TIFFGetVersion();
  const size_t end = v.find('\n');
  return end == std::string::npos ? v : v.substr(0, end);
}

}  // namespace tantalio::image_decoder_internal
