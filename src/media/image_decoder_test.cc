// Image decoder tests on images the tests encode themselves.
#include "media/image_decoder.h"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

// clang-format off
#include <gif_lib.h>
#include <gtest/gtest.h>
#include <jpeglib.h>  // needs size_t and FILE from above
#include <libheif/heif.h>
#include <png.h>
#include <tiffio.h>
#include <webp/encode.h>
// clang-format on

#include "media/synthetic_image.h"

namespace tantalio {
namespace {

std::vector<uint8_t> Pattern(int width, int height, int channels) {
  std::vector<uint8_t> p(static_cast<size_t>(width) * height * channels);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      for (int c = 0; c < channels; ++c) {
        // Smooth (lossy codecs keep it well) and non-trivial.
        p[(static_cast<size_t>(y) * width + x) * channels + c] = static_cast<uint8_t>(
            128 + 60 * std::sin(x / 7.0 + c) + 50 * std::cos(y / 5.0 + x / 11.0));
      }
    }
  }
  return p;
}

double MeanAbsDiff(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b) {
  if (a.size() != b.size() || a.empty()) return 1e9;
  double sum = 0;
  for (size_t i = 0; i < a.size(); ++i) sum += std::abs(int{a[i]} - int{b[i]});
  return sum / a.size();
}

// --- encoders used to make fixtures ------------------------------------------------

std::vector<uint8_t> EncodeJpegWith(const std::vector<uint8_t>& pixels, int width, int height,
                                    int components, J_COLOR_SPACE in_space, bool progressive) {
  jpeg_compress_struct cinfo{};
  jpeg_error_mgr err{};
  cinfo.err = jpeg_std_error(&err);
  jpeg_create_compress(&cinfo);
  unsigned char* out = nullptr;
  unsigned long out_size = 0;  // NOLINT(runtime/int): libjpeg's type
  jpeg_mem_dest(&cinfo, &out, &out_size);
  cinfo.image_width = width;
  cinfo.image_height = height;
  cinfo.input_components = components;
  cinfo.in_color_space = in_space;
  jpeg_set_defaults(&cinfo);
  jpeg_set_quality(&cinfo, 95, TRUE);
  if (progressive) jpeg_simple_progression(&cinfo);
  jpeg_start_compress(&cinfo, TRUE);
  while (cinfo.next_scanline < cinfo.image_height) {
    JSAMPROW row = const_cast<uint8_t*>(pixels.data()) +
                   static_cast<size_t>(cinfo.next_scanline) * width * components;
    jpeg_write_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_compress(&cinfo);
  std::vector<uint8_t> bytes(out, out + out_size);
  jpeg_destroy_compress(&cinfo);
  std::free(out);
  return bytes;
}

void AppendPngBytes(png_structp png, png_bytep data, png_size_t size) {
  auto* out = static_cast<std::vector<uint8_t>*>(png_get_io_ptr(png));
  out->insert(out->end(), data, data + size);
}

// `samples` holds rows of `width * channels` samples of `depth` bits (16-bit
// samples big-endian, as PNG stores them). For palette images, `palette`
// gives RGB triples.
std::vector<uint8_t> EncodePngWith(const std::vector<uint8_t>& samples, int width, int height,
                                   int color_type, int depth,
                                   const std::vector<png_color>& palette = {}) {
  std::vector<uint8_t> out;
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png_create_info_struct(png);
  png_set_write_fn(png, &out, AppendPngBytes, nullptr);
  png_set_IHDR(png, info, width, height, depth, color_type, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  if (!palette.empty()) png_set_PLTE(png, info, palette.data(), static_cast<int>(palette.size()));
  png_write_info(png, info);
  const size_t row_bytes = png_get_rowbytes(png, info);
  for (int y = 0; y < height; ++y) {
    png_write_row(png, const_cast<uint8_t*>(samples.data()) + row_bytes * y);
  }
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  return out;
}

int AppendGifBytes(GifFileType* gif, const GifByteType* data, int size) {
  auto* out = static_cast<std::vector<uint8_t>*>(gif->UserData);
  out->insert(out->end(), data, data + size);
  return size;
}

// A two-frame GIF with a 4-colour palette; frame 0 holds index (x + y) % 4.
std::vector<uint8_t> EncodeGif(int width, int height) {
  std::vector<uint8_t> out;
  int error = 0;
  GifFileType* gif = EGifOpen(&out, AppendGifBytes, &error);
  GifColorType colours[4] = {{0, 0, 0}, {255, 0, 0}, {0, 255, 0}, {10, 20, 250}};
  ColorMapObject* map = GifMakeMapObject(4, colours);
  EGifPutScreenDesc(gif, width, height, 2, 0, map);
  std::vector<GifPixelType> line(width);
  for (int frame = 0; frame < 2; ++frame) {
    EGifPutImageDesc(gif, 0, 0, width, height, false, nullptr);
    for (int y = 0; y < height; ++y) {
      for (int x = 0; x < width; ++x) line[x] = static_cast<GifPixelType>((x + y + frame) % 4);
      EGifPutLine(gif, line.data(), width);
    }
  }
  EGifCloseFile(gif, &error);
  GifFreeMapObject(map);
  return out;
}

std::vector<uint8_t> ReadAll(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(in)), {});
}

// --- tests ---------------------------------------------------------------------------

TEST(ImageDecoderTest, SniffsFormatsByContent) {
  EXPECT_EQ(SniffImageFormat(std::vector<uint8_t>{0xFF, 0xD8, 0xFF, 0xE0}), ImageFormat::kJpeg);
  const std::string png = "\x89PNG\r\n\x1A\n";
  EXPECT_EQ(SniffImageFormat(std::span(reinterpret_cast<const uint8_t*>(png.data()), png.size())),
            ImageFormat::kPng);
  const std::string heic = std::string(
      "\0\0\0\x18"
      "ftypheic",
      12);
  EXPECT_EQ(SniffImageFormat(std::span(reinterpret_cast<const uint8_t*>(heic.data()), heic.size())),
            ImageFormat::kHeif);
  EXPECT_EQ(SniffImageFormat(std::vector<uint8_t>{1, 2, 3}), ImageFormat::kUnknown);
  auto result = DecodeImage(std::vector<uint8_t>{1, 2, 3, 4, 5});
  EXPECT_EQ(result.status().code(), StatusCode::kUnsupported);
}

TEST(ImageDecoderTest, PngRgbIsLossless) {
  RgbImage image = GeneratePattern(97, 61, 3);
  auto png = EncodePng(image);
  ASSERT_TRUE(png.ok());
  auto decoded = DecodeImage(*png);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->format, ImageFormat::kPng);
  EXPECT_EQ(decoded->width, 97);
  EXPECT_EQ(decoded->height, 61);
  EXPECT_EQ(decoded->channels, 3);
  EXPECT_FALSE(decoded->had_alpha);
  EXPECT_EQ(decoded->pixels, image.pixels);
}

TEST(ImageDecoderTest, PngGreyStaysGreyAndAlphaIsDroppedNotComposited) {
  const auto grey = Pattern(40, 30, 1);
  auto decoded = DecodeImage(EncodePngWith(grey, 40, 30, PNG_COLOR_TYPE_GRAY, 8));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->channels, 1);
  EXPECT_EQ(decoded->pixels, grey);

  // Grey + alpha with alpha 0 everywhere: compositing would give black.
  std::vector<uint8_t> ga(40 * 30 * 2);
  for (size_t i = 0; i < grey.size(); ++i) ga[2 * i] = grey[i], ga[2 * i + 1] = 0;
  decoded = DecodeImage(EncodePngWith(ga, 40, 30, PNG_COLOR_TYPE_GRAY_ALPHA, 8));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->channels, 1);
  EXPECT_TRUE(decoded->had_alpha);
  EXPECT_EQ(decoded->pixels, grey);

  const auto rgb = Pattern(40, 30, 3);
  std::vector<uint8_t> rgba(40 * 30 * 4);
  for (size_t i = 0; i < 40 * 30; ++i) {
    std::memcpy(&rgba[4 * i], &rgb[3 * i], 3);
    rgba[4 * i + 3] = static_cast<uint8_t>(i % 7 * 20);
  }
  decoded = DecodeImage(EncodePngWith(rgba, 40, 30, PNG_COLOR_TYPE_RGB_ALPHA, 8));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->channels, 3);
  EXPECT_TRUE(decoded->had_alpha);
  EXPECT_EQ(decoded->pixels, rgb);
}

TEST(ImageDecoderTest, PngPaletteAndLowBitDepths) {
  std::vector<png_color> palette = {{0, 0, 0}, {200, 10, 20}, {5, 250, 7}, {1, 2, 3}};
  std::vector<uint8_t> indices(16 * 8);
  for (size_t i = 0; i < indices.size(); ++i) indices[i] = static_cast<uint8_t>(i % 4);
  auto decoded = DecodeImage(EncodePngWith(indices, 16, 8, PNG_COLOR_TYPE_PALETTE, 8, palette));
  ASSERT_TRUE(decoded.ok());
  ASSERT_EQ(decoded->channels, 3);
  for (size_t i = 0; i < indices.size(); ++i) {
    EXPECT_EQ(decoded->pixels[3 * i], palette[i % 4].red);
    EXPECT_EQ(decoded->pixels[3 * i + 2], palette[i % 4].blue);
  }
  // 1-bit grey: 0 and 255.
  std::vector<uint8_t> bits = {0b10100000, 0b01010000};  // 4 px per row, 2 rows
  decoded = DecodeImage(EncodePngWith(bits, 4, 2, PNG_COLOR_TYPE_GRAY, 1));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->channels, 1);
  EXPECT_EQ(decoded->pixels, (std::vector<uint8_t>{255, 0, 255, 0, 0, 255, 0, 255}));
}

// 16-bit samples are scaled with rounding, (v + 128) / 257, not clipped.
TEST(ImageDecoderTest, Png16BitIsScaledNotClipped) {
  const std::vector<unsigned> values = {0, 128, 129, 385, 386, 1000, 32767, 65407, 65535};
  std::vector<uint8_t> samples;
  for (unsigned v : values)
    samples.push_back(static_cast<uint8_t>(v >> 8)), samples.push_back(v & 255);
  auto decoded = DecodeImage(
      EncodePngWith(samples, static_cast<int>(values.size()), 1, PNG_COLOR_TYPE_GRAY, 16));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->source_bit_depth, 16);
  ASSERT_EQ(decoded->pixels.size(), values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    EXPECT_EQ(decoded->pixels[i], (values[i] + 128) / 257) << values[i];
  }
}

TEST(ImageDecoderTest, JpegBaselineProgressiveGreyAndCmyk) {
  const auto rgb = Pattern(80, 56, 3);
  for (bool progressive : {false, true}) {
    auto decoded = DecodeImage(EncodeJpegWith(rgb, 80, 56, 3, JCS_RGB, progressive));
    ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
    EXPECT_EQ(decoded->format, ImageFormat::kJpeg);
    EXPECT_EQ(decoded->channels, 3);
    EXPECT_FALSE(decoded->partial);
    EXPECT_LT(MeanAbsDiff(decoded->pixels, rgb), 6.0) << progressive;
  }
  const auto grey = Pattern(64, 48, 1);
  auto decoded = DecodeImage(EncodeJpegWith(grey, 64, 48, 1, JCS_GRAYSCALE, false));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->channels, 1);
  EXPECT_LT(MeanAbsDiff(decoded->pixels, grey), 4.0);

  // Adobe-style (inverted) CMYK: stored C = M = Y = 255 - v, K = 255 - 0
  // means "no ink", so RGB = C * K / 255 = the stored C, M, Y.
  std::vector<uint8_t> cmyk(32 * 16 * 4);
  for (size_t i = 0; i < 32 * 16; ++i) {
    cmyk[4 * i] = static_cast<uint8_t>(i % 256);
    cmyk[4 * i + 1] = 128;
    cmyk[4 * i + 2] = 40;
    cmyk[4 * i + 3] = 255;
  }
  decoded = DecodeImage(EncodeJpegWith(cmyk, 32, 16, 4, JCS_CMYK, false));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->channels, 3);
  std::vector<uint8_t> expected(32 * 16 * 3);
  for (size_t i = 0; i < 32 * 16; ++i) {
    expected[3 * i] = cmyk[4 * i], expected[3 * i + 1] = 128, expected[3 * i + 2] = 40;
  }
  EXPECT_LT(MeanAbsDiff(decoded->pixels, expected), 4.0);
}

TEST(ImageDecoderTest, TruncatedJpegIsPartialWithTheDecoderWarning) {
  auto jpeg = EncodeJpegWith(Pattern(128, 128, 3), 128, 128, 3, JCS_RGB, false);
  jpeg.resize(jpeg.size() / 2);
  auto decoded = DecodeImage(jpeg);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_TRUE(decoded->partial);
  EXPECT_NE(decoded->warning.find("Premature end"), std::string::npos) << decoded->warning;
  EXPECT_EQ(decoded->width, 128);
}

TEST(ImageDecoderTest, TruncatedPngIsPartial) {
  RgbImage image = GeneratePattern(200, 200, 9);
  auto png = EncodePng(image);
  ASSERT_TRUE(png.ok());
  png->resize(png->size() * 2 / 3);
  auto decoded = DecodeImage(*png);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_TRUE(decoded->partial);
  EXPECT_FALSE(decoded->warning.empty());
}

TEST(ImageDecoderTest, PixelLimitIsCheckedBeforeDecoding) {
  auto jpeg = EncodeJpegWith(Pattern(100, 100, 3), 100, 100, 3, JCS_RGB, false);
  DecodeOptions options;
  options.max_pixels = 9999;
  auto decoded = DecodeImage(jpeg, options);
  EXPECT_EQ(decoded.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(decoded.status().message().find("100x100"), std::string::npos);
  options.max_pixels = 10000;
  EXPECT_TRUE(DecodeImage(jpeg, options).ok());
  RgbImage image = GeneratePattern(100, 100, 1);
  auto png = EncodePng(image);
  ASSERT_TRUE(png.ok());
  options.max_pixels = 100;
  EXPECT_EQ(DecodeImage(*png, options).status().code(), StatusCode::kResourceExhausted);
}

TEST(ImageDecoderTest, BeforeAllocateSeesTheSizeAndCanRefuse) {
  RgbImage image = GeneratePattern(40, 30, 2);
  auto png = EncodePng(image);
  ASSERT_TRUE(png.ok());
  DecodeOptions options;
  int64_t seen_width = 0, seen_height = 0;
  options.before_allocate = [&](int64_t width, int64_t height) {
    seen_width = width;
    seen_height = height;
    return Status::Ok();
  };
  ASSERT_TRUE(DecodeImage(*png, options).ok());
  EXPECT_EQ(seen_width, 40);
  EXPECT_EQ(seen_height, 30);
  options.before_allocate = [](int64_t, int64_t) { return CancelledError("no memory for you"); };
  EXPECT_EQ(DecodeImage(*png, options).status().code(), StatusCode::kCancelled);
}

TEST(ImageDecoderTest, WebpLossyLosslessAndAlpha) {
  const auto rgb = Pattern(50, 40, 3);
  uint8_t* out = nullptr;
  size_t size = WebPEncodeLosslessRGB(rgb.data(), 50, 40, 150, &out);
  ASSERT_GT(size, 0u);
  auto decoded = DecodeImage(std::span<const uint8_t>(out, size));
  WebPFree(out);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->format, ImageFormat::kWebp);
  EXPECT_EQ(decoded->pixels, rgb);

  std::vector<uint8_t> rgba(50 * 40 * 4);
  for (size_t i = 0; i < 50 * 40; ++i) {
    std::memcpy(&rgba[4 * i], &rgb[3 * i], 3);
    rgba[4 * i + 3] = 255;  // opaque: a lossless encoder may alter RGB under alpha 0
  }
  rgba[3] = 0;
  size = WebPEncodeLosslessRGBA(rgba.data(), 50, 40, 200, &out);
  decoded = DecodeImage(std::span<const uint8_t>(out, size));
  WebPFree(out);
  ASSERT_TRUE(decoded.ok());
  EXPECT_TRUE(decoded->had_alpha);
  EXPECT_EQ(std::vector<uint8_t>(decoded->pixels.begin() + 3, decoded->pixels.end()),
            std::vector<uint8_t>(rgb.begin() + 3, rgb.end()));

  size = WebPEncodeRGB(rgb.data(), 50, 40, 150, 95, &out);
  decoded = DecodeImage(std::span<const uint8_t>(out, size));
  WebPFree(out);
  ASSERT_TRUE(decoded.ok());
  EXPECT_LT(MeanAbsDiff(decoded->pixels, rgb), 8.0);
}

TEST(ImageDecoderTest, GifFirstFrame) {
  auto decoded = DecodeImage(EncodeGif(20, 10));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->format, ImageFormat::kGif);
  ASSERT_EQ(decoded->width, 20);
  const uint8_t colours[4][3] = {{0, 0, 0}, {255, 0, 0}, {0, 255, 0}, {10, 20, 250}};
  for (int y = 0; y < 10; ++y) {
    for (int x = 0; x < 20; ++x) {
      const uint8_t* px = &decoded->pixels[(static_cast<size_t>(y) * 20 + x) * 3];
      ASSERT_EQ(std::memcmp(px, colours[(x + y) % 4], 3), 0) << x << "," << y;
    }
  }
}

TEST(ImageDecoderTest, Bmp24BitBottomUpAnd8BitPalette) {
  const int w = 3, h = 2;
  std::vector<uint8_t> bmp(54 + 2 * 12, 0);
  auto put32 = [&bmp](size_t at, uint32_t v) {
    for (int i = 0; i < 4; ++i) bmp[at + i] = static_cast<uint8_t>(v >> (8 * i));
  };
  bmp[0] = 'B', bmp[1] = 'M';
  put32(2, static_cast<uint32_t>(bmp.size()));
  put32(10, 54);
  put32(14, 40);
  put32(18, w);
  put32(22, h);
  bmp[26] = 1, bmp[28] = 24;
  // Bottom row first (row stride 12: 9 bytes + 3 padding), BGR order.
  for (int row = 0; row < h; ++row) {
    for (int x = 0; x < w; ++x) {
      uint8_t* p = &bmp[54 + row * 12 + x * 3];
      p[0] = static_cast<uint8_t>(10 * x), p[1] = static_cast<uint8_t>(100 + row), p[2] = 200;
    }
  }
  auto decoded = DecodeImage(bmp);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->format, ImageFormat::kBmp);
  ASSERT_EQ(decoded->pixels.size(), 18u);
  // Image row 0 is the file's last row (row 1): G = 101.
  EXPECT_EQ(decoded->pixels[0], 200);
  EXPECT_EQ(decoded->pixels[1], 101);
  EXPECT_EQ(decoded->pixels[3 * 2 + 2], 20);
  EXPECT_EQ(decoded->pixels[9 + 1], 100);
}

TEST(ImageDecoderTest, TiffRgbAndGrey16) {
  const std::filesystem::path dir = ::testing::TempDir();
  const auto rgb = Pattern(33, 17, 3);
  const auto path = dir / "decoder_test_rgb.tif";
  {
    TIFF* tif = TIFFOpen(path.c_str(), "w");
    ASSERT_NE(tif, nullptr);
    TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, 33);
    TIFFSetField(tif, TIFFTAG_IMAGELENGTH, 17);
    TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, 3);
    TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, 8);
    TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_RGB);
    TIFFSetField(tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
    TIFFSetField(tif, TIFFTAG_COMPRESSION, COMPRESSION_LZW);
    for (int y = 0; y < 17; ++y) {
      TIFFWriteScanline(tif, const_cast<uint8_t*>(rgb.data()) + y * 33 * 3, y, 0);
    }
    TIFFClose(tif);
  }
  auto decoded = DecodeImage(ReadAll(path));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->format, ImageFormat::kTiff);
  EXPECT_EQ(decoded->pixels, rgb);

  const auto grey_path = dir / "decoder_test_grey16.tif";
  {
    TIFF* tif = TIFFOpen(grey_path.c_str(), "w");
    ASSERT_NE(tif, nullptr);
    TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, 4);
    TIFFSetField(tif, TIFFTAG_IMAGELENGTH, 1);
    TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, 1);
    TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, 16);
    TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISBLACK);
    uint16_t row[4] = {0, 385, 386, 65535};
    TIFFWriteScanline(tif, row, 0, 0);
    TIFFClose(tif);
  }
  decoded = DecodeImage(ReadAll(grey_path));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->channels, 1);
  EXPECT_EQ(decoded->pixels, (std::vector<uint8_t>{0, 1, 2, 255}));
  std::filesystem::remove(path);
  std::filesystem::remove(grey_path);
}

heif_error WriteHeifBytes(heif_context*, const void* data, size_t size, void* userdata) {
  auto* out = static_cast<std::vector<uint8_t>*>(userdata);
  const auto* p = static_cast<const uint8_t*>(data);
  out->insert(out->end(), p, p + size);
  return heif_error{heif_error_Ok, heif_suberror_Unspecified, "ok"};
}

TEST(ImageDecoderTest, AvifThroughLibheif) {
  heif_context* ctx = heif_context_alloc();
  heif_encoder* encoder = nullptr;
  if (heif_context_get_encoder_for_format(ctx, heif_compression_AV1, &encoder).code !=
      heif_error_Ok) {
    heif_context_free(ctx);
    GTEST_SKIP() << "libheif has no AV1 encoder here; HEIF decoding is not exercised";
  }
  heif_encoder_set_lossy_quality(encoder, 90);
  heif_image* image = nullptr;
  heif_image_create(64, 48, heif_colorspace_RGB, heif_chroma_interleaved_RGB, &image);
  heif_image_add_plane(image, heif_channel_interleaved, 64, 48, 8);
  int stride = 0;
  uint8_t* plane = heif_image_get_plane(image, heif_channel_interleaved, &stride);
  const auto rgb = Pattern(64, 48, 3);
  for (int y = 0; y < 48; ++y) std::memcpy(plane + y * stride, &rgb[y * 64 * 3], 64 * 3);
  heif_context_encode_image(ctx, image, encoder, nullptr, nullptr);
  std::vector<uint8_t> bytes;
  heif_writer writer{1, WriteHeifBytes};
  heif_context_write(ctx, &writer, &bytes);
  heif_image_release(image);
  heif_encoder_release(encoder);
  heif_context_free(ctx);
  ASSERT_FALSE(bytes.empty());
  EXPECT_EQ(SniffImageFormat(bytes), ImageFormat::kHeif);
  auto decoded = DecodeImage(bytes);
  if (!decoded.ok() && decoded.status().message().find("decoder") != std::string::npos) {
    GTEST_SKIP() << "libheif cannot decode AV1 here: " << decoded.status().ToString();
  }
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->width, 64);
  EXPECT_EQ(decoded->height, 48);
  EXPECT_LT(MeanAbsDiff(decoded->pixels, rgb), 12.0);
}

TEST(ImageDecoderTest, VersionsNameEveryLibrary) {
  const std::string versions = ImageDecoderVersions();
  for (const char* name : {"libjpeg-turbo", "libpng", "libwebp", "giflib", "LIBTIFF", "libheif"}) {
    EXPECT_NE(versions.find(name), std::string::npos) << versions;
  }
}

// The conformance images decode to the sizes the vectors state (when the
// shared data is present).
TEST(ImageDecoderTest, DecodesEveryConformanceImage) {
  const std::filesystem::path images =
      std::filesystem::path(TANTALIO_SHARED_DIR) / "pdq-vectors" / "images";
  if (!std::filesystem::exists(images)) {
    GTEST_SKIP() << "no conformance images at " << images << " (TANTALIO_SHARED_DIR); skipping";
  }
  int count = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(images)) {
    if (!entry.is_regular_file()) continue;
    auto decoded = DecodeImage(ReadAll(entry.path()));
    ASSERT_TRUE(decoded.ok()) << entry.path() << ": " << decoded.status().ToString();
    EXPECT_FALSE(decoded->partial) << entry.path() << ": " << decoded->warning;
    ++count;
  }
  EXPECT_GE(count, 50);
}

}  // namespace
}  // namespace tantalio
