#include "evidence/carver.h"

// clang-format off
#include <cstdio>  // before jpeglib.h, which needs FILE
#include <jpeglib.h>
// clang-format on

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "media/synthetic_image.h"

namespace tantalio {
namespace {

using Bytes = std::vector<uint8_t>;

Bytes RandomBytes(size_t size, uint64_t seed) {
  std::mt19937_64 rng(seed);
  Bytes out(size);
  for (uint8_t& b : out) b = static_cast<uint8_t>(rng());
  return out;
}

Bytes Jpeg(int width, int height, uint64_t seed, int quality = 85) {
  auto encoded = EncodeJpeg(GeneratePattern(width, height, seed), quality);
  EXPECT_TRUE(encoded.ok()) << encoded.status().ToString();
  return encoded.ok() ? *encoded : Bytes();
}

Bytes Png(int width, int height, uint64_t seed) {
  auto encoded = EncodePng(GeneratePattern(width, height, seed));
  EXPECT_TRUE(encoded.ok()) << encoded.status().ToString();
  return encoded.ok() ? *encoded : Bytes();
}

// A progressive JPEG straight from libjpeg (several SOS segments with DHT between them).
Bytes ProgressiveJpeg(int width, int height, uint64_t seed) {
  const RgbImage image = GeneratePattern(width, height, seed);
  jpeg_compress_struct cinfo{};
  jpeg_error_mgr jerr{};
  cinfo.err = jpeg_std_error(&jerr);
  jpeg_create_compress(&cinfo);
  unsigned char* buffer = nullptr;
  unsigned long size = 0;  // NOLINT(google-runtime-int): libjpeg's type
  jpeg_mem_dest(&cinfo, &buffer, &size);
  cinfo.image_width = static_cast<JDIMENSION>(width);
  cinfo.image_height = static_cast<JDIMENSION>(height);
  cinfo.input_components = 3;
  cinfo.in_color_space = JCS_RGB;
  jpeg_set_defaults(&cinfo);
  jpeg_set_quality(&cinfo, 80, TRUE);
  jpeg_simple_progression(&cinfo);
  jpeg_start_compress(&cinfo, TRUE);
  while (cinfo.next_scanline < cinfo.image_height) {
    auto* row = const_cast<JSAMPLE*>(image.pixels.data() +
                                     size_t{cinfo.next_scanline} * 3 * static_cast<size_t>(width));
    jpeg_write_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_compress(&cinfo);
  Bytes out(buffer, buffer + size);
  jpeg_destroy_compress(&cinfo);
  std::free(buffer);
  return out;
}

int CountMarkers(const Bytes& jpeg, uint8_t marker) {
  int count = 0;
  for (size_t i = 0; i + 1 < jpeg.size(); ++i) count += jpeg[i] == 0xFF && jpeg[i + 1] == marker;
  return count;
}

// `jpeg` with an APP1 EXIF segment right after SOI that holds `thumbnail` (a whole JPEG).
Bytes WithThumbnail(const Bytes& jpeg, const Bytes& thumbnail) {
  Bytes app1 = {'E', 'x', 'i', 'f', 0, 0, 'I', 'I', 0x2A, 0, 8, 0, 0, 0, 0, 0};
  app1.insert(app1.end(), thumbnail.begin(), thumbnail.end());
  const size_t len = app1.size() + 2;
  Bytes out = {0xFF, 0xD8, 0xFF, 0xE1, static_cast<uint8_t>(len >> 8), static_cast<uint8_t>(len)};
  out.insert(out.end(), app1.begin(), app1.end());
  out.insert(out.end(), jpeg.begin() + 2, jpeg.end());
  return out;
}

void Append(Bytes& out, std::initializer_list<uint8_t> bytes) {
  out.insert(out.end(), bytes.begin(), bytes.end());
}
void Append(Bytes& out, const Bytes& bytes) { out.insert(out.end(), bytes.begin(), bytes.end()); }
void Append(Bytes& out, std::string_view text) { out.insert(out.end(), text.begin(), text.end()); }
void AppendBe32(Bytes& out, uint64_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<uint8_t>(v >> shift));
}

// A GIF89a with a 4-colour global table, a comment, and `frames` images whose LZW data is
// `data_bytes` long in sub-blocks of up to 255 bytes.
Bytes Gif(int frames, size_t data_bytes, uint64_t seed) {
  Bytes out;
  Append(out, "GIF89a");
  Append(out, {0x10, 0x00, 0x10, 0x00, 0x81, 0x00, 0x00});  // 16x16, 4-colour table
  Append(out, {0, 0, 0, 255, 255, 255, 255, 0, 0, 0, 0, 255});
  Append(out, {0x21, 0xFE, 5});
  Append(out, "hello");
  out.push_back(0);
  const Bytes data = RandomBytes(data_bytes, seed);
  for (int f = 0; f < frames; ++f) {
    Append(out, {0x21, 0xF9, 4, 0x04, 0x0A, 0x00, 0x00, 0x00});  // graphic control
    Append(out, {0x2C, 0, 0, 0, 0, 0x10, 0, 0x10, 0, 0x00, 0x02});
    for (size_t i = 0; i < data.size(); i += 255) {
      const size_t n = std::min<size_t>(255, data.size() - i);
      out.push_back(static_cast<uint8_t>(n));
      out.insert(out.end(), data.begin() + static_cast<ptrdiff_t>(i),
                 data.begin() + static_cast<ptrdiff_t>(i + n));
    }
    out.push_back(0);
  }
  out.push_back(0x3B);
  return out;
}

void AppendBox(Bytes& out, std::string_view type, const Bytes& payload, bool large = false) {
  if (large) {
    AppendBe32(out, 1);
    Append(out, type);
    const uint64_t size = payload.size() + 16;
    AppendBe32(out, size >> 32);
    AppendBe32(out, size & 0xFFFFFFFFu);
  } else {
    AppendBe32(out, payload.size() + 8);
    Append(out, type);
  }
  Append(out, payload);
}

// ftyp (major brand `brand`), then `extra` boxes given by type, mdat and moov.
Bytes Mp4(std::string_view brand, size_t mdat_bytes, uint64_t seed, bool large_mdat = false) {
  Bytes out;
  Bytes ftyp;
  Append(ftyp, brand);
  Append(ftyp, {0, 0, 2, 0});
  Append(ftyp, brand);
  Append(ftyp, "mp41");
  AppendBox(out, "ftyp", ftyp);
  if (brand == "qt  ") AppendBox(out, "wide", {});
  AppendBox(out, "free", Bytes(12, 0));
  AppendBox(out, "mdat", RandomBytes(mdat_bytes, seed), large_mdat);
  Bytes moov;
  AppendBox(moov, "mvhd", RandomBytes(100, seed + 1));
  AppendBox(moov, "trak", RandomBytes(300, seed + 2));
  AppendBox(out, "moov", moov);
  return out;
}

struct Carve {
  Status status;
  std::vector<CarvedItem> items;
};

Carve CarveIn(const Bytes& data, std::vector<ByteRange> ranges, const CarveOptions& options = {},
              const std::atomic<bool>* cancel = nullptr) {
  auto source = MemorySource(data);
  Carve out;
  out.status = CarveRanges(
      *source, ranges, options,
      [&](const CarvedItem& item) {
        out.items.push_back(item);
        return true;
      },
      cancel);
  return out;
}

Carve RunAll(const Bytes& data, const CarveOptions& options = {}) {
  ByteRange all;
  all.length = data.size();
  return CarveIn(data, {all}, options);
}

struct Placed {
  uint64_t offset;
  Bytes bytes;
  std::string extension;
};

// Lays out `items` between fillers of random bytes and zeros of odd sizes.
Bytes Layout(const std::vector<Bytes>& items, std::vector<uint64_t>* offsets) {
  Bytes out = RandomBytes(1001, 7);
  for (size_t i = 0; i < items.size(); ++i) {
    offsets->push_back(out.size());
    Append(out, items[i]);
    if (i % 2 == 0) {
      Append(out, Bytes(333 + i * 2, 0));
    } else {
      Append(out, RandomBytes(777 + i * 2, 100 + i));
    }
  }
  Append(out, RandomBytes(4099, 99));
  return out;
}

void ExpectItem(const Bytes& data, const CarvedItem& item, uint64_t offset, const Bytes& original,
                const std::string& extension) {
  EXPECT_EQ(item.offset, offset) << extension;
  EXPECT_EQ(item.length, original.size()) << extension;
  EXPECT_EQ(item.extension, extension);
  EXPECT_TRUE(item.complete) << extension;
  ASSERT_LE(item.offset + item.length, data.size());
  EXPECT_TRUE(std::equal(original.begin(), original.end(),
                         data.begin() + static_cast<ptrdiff_t>(item.offset)))
      << extension;
}

TEST(CarverTest, FindsEachFormatAtOddOffsets) {
  const Bytes jpeg = Jpeg(64, 48, 1);
  const Bytes png = Png(40, 30, 2);
  const Bytes gif = Gif(2, 600, 3);
  const Bytes mp4 = Mp4("isom", 5000, 4);
  const Bytes mov = Mp4("qt  ", 3000, 5);
  const Bytes mp4_large = Mp4("mp42", 2000, 6, /*large_mdat=*/true);
  const std::vector<Bytes> items = {jpeg, png, gif, mp4, mov, mp4_large};
  const std::vector<std::string> extensions = {"jpg", "png", "gif", "mp4", "mov", "mp4"};
  std::vector<uint64_t> offsets;
  const Bytes data = Layout(items, &offsets);
  Carve carve = RunAll(data);
  ASSERT_TRUE(carve.status.ok()) << carve.status.ToString();
  ASSERT_EQ(carve.items.size(), items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    ExpectItem(data, carve.items[i], offsets[i], items[i], extensions[i]);
  }
}

TEST(CarverTest, TruncatedItemsAreIncomplete) {
  const std::vector<Bytes> items = {Jpeg(64, 48, 11), Png(40, 30, 12), Gif(1, 900, 13),
                                    Mp4("isom", 4000, 14)};
  const std::vector<std::string> extensions = {"jpg", "png", "gif", "mp4"};
  for (size_t i = 0; i < items.size(); ++i) {
    Bytes data = RandomBytes(333, 20 + i);
    const uint64_t offset = data.size();
    Append(data, items[i]);
    Append(data, RandomBytes(1000, 30 + i));
    ByteRange range;
    range.offset = 0;
    range.length = offset + items[i].size() / 2 + 1;
    Carve carve = CarveIn(data, {range});
    ASSERT_TRUE(carve.status.ok());
    ASSERT_EQ(carve.items.size(), 1u) << extensions[i];
    EXPECT_EQ(carve.items[0].offset, offset);
    EXPECT_EQ(carve.items[0].length, range.length - offset) << extensions[i];
    EXPECT_EQ(carve.items[0].extension, extensions[i]);
    EXPECT_FALSE(carve.items[0].complete) << extensions[i];
  }
}

TEST(CarverTest, MaxItemBytesCutsItems) {
  const Bytes jpeg = Jpeg(64, 64, 15);
  Bytes data = RandomBytes(101, 16);
  Append(data, jpeg);
  size_t sos = 0;  // the header must fit within the limit for the JPEG to count
  while (sos + 1 < jpeg.size() && !(jpeg[sos] == 0xFF && jpeg[sos + 1] == 0xDA)) ++sos;
  ASSERT_LT(sos + 200, jpeg.size());
  CarveOptions options;
  options.max_item_bytes = sos + 100;
  Carve carve = RunAll(data, options);
  ASSERT_TRUE(carve.status.ok());
  ASSERT_EQ(carve.items.size(), 1u);
  EXPECT_EQ(carve.items[0].offset, 101u);
  EXPECT_EQ(carve.items[0].length, sos + 100);
  EXPECT_FALSE(carve.items[0].complete);
  options.max_item_bytes = sos;  // header cut off: not a JPEG
  EXPECT_TRUE(RunAll(data, options).items.empty());
}

TEST(CarverTest, OverwrittenJpegEndsBeforeTheNextOne) {
  const Bytes first = Jpeg(64, 64, 17);
  const Bytes second = Jpeg(48, 32, 18);
  Bytes data = RandomBytes(99, 19);
  Append(data, Bytes(first.begin(), first.begin() + static_cast<ptrdiff_t>(first.size() / 2)));
  const uint64_t second_at = data.size();
  Append(data, second);
  Append(data, Bytes(50, 0));
  Carve carve = RunAll(data);
  ASSERT_TRUE(carve.status.ok());
  ASSERT_EQ(carve.items.size(), 2u);
  EXPECT_EQ(carve.items[0].offset, 99u);
  EXPECT_EQ(carve.items[0].length, second_at - 99);
  EXPECT_FALSE(carve.items[0].complete);
  ExpectItem(data, carve.items[1], second_at, second, "jpg");
}

TEST(CarverTest, ProgressiveJpeg) {
  const Bytes jpeg = ProgressiveJpeg(80, 60, 21);
  ASSERT_GT(CountMarkers(jpeg, 0xDA), 1) << "not progressive";
  ASSERT_EQ(CountMarkers(jpeg, 0xC2), 1);
  Bytes data = RandomBytes(12345, 22);
  const uint64_t offset = data.size();
  Append(data, jpeg);
  Append(data, RandomBytes(3333, 23));
  Carve carve = RunAll(data);
  ASSERT_TRUE(carve.status.ok());
  ASSERT_EQ(carve.items.size(), 1u);
  ExpectItem(data, carve.items[0], offset, jpeg, "jpg");
}

TEST(CarverTest, ExifThumbnailYieldsOneItem) {
  const Bytes thumbnail = Jpeg(16, 12, 31);
  const Bytes jpeg = WithThumbnail(Jpeg(96, 64, 32), thumbnail);
  Bytes data = Bytes(777, 0);
  Append(data, jpeg);
  Append(data, Bytes(777, 0));
  Carve carve = RunAll(data);
  ASSERT_TRUE(carve.status.ok());
  ASSERT_EQ(carve.items.size(), 1u);
  ExpectItem(data, carve.items[0], 777, jpeg, "jpg");
}

TEST(CarverTest, RangeBoundariesAreRespected) {
  const Bytes a = Jpeg(64, 48, 41);
  const Bytes b = Png(40, 30, 42);
  const Bytes c = Gif(1, 700, 43);
  std::vector<uint64_t> offsets;
  const Bytes data = Layout({a, b, c}, &offsets);
  // Range 1 starts one byte into `a` (not found) and ends inside `b` (cut); range 2 covers `c`.
  ByteRange r1;
  r1.offset = offsets[0] + 1;
  r1.length = offsets[1] + 100 - r1.offset;
  ByteRange r2;
  r2.offset = offsets[2] - 5;
  r2.length = c.size() + 10;
  Carve carve = CarveIn(data, {r1, r2});
  ASSERT_TRUE(carve.status.ok());
  ASSERT_EQ(carve.items.size(), 2u);
  EXPECT_EQ(carve.items[0].offset, offsets[1]);
  EXPECT_EQ(carve.items[0].length, 100u);
  EXPECT_FALSE(carve.items[0].complete);
  ExpectItem(data, carve.items[1], offsets[2], c, "gif");
  // A range past the end of the source is ignored; one that runs past it is cut there.
  ByteRange beyond;
  beyond.offset = data.size() + 10;
  beyond.length = 100;
  ByteRange tail;
  tail.offset = offsets[2];
  tail.length = UINT64_MAX;
  carve = CarveIn(data, {beyond, tail});
  ASSERT_TRUE(carve.status.ok());
  ASSERT_EQ(carve.items.size(), 1u);
  ExpectItem(data, carve.items[0], offsets[2], c, "gif");
}

TEST(CarverTest, SmallItemsAreIgnored) {
  const Bytes gif = Gif(1, 10, 51);
  ASSERT_LT(gif.size(), 100u);
  Bytes data = RandomBytes(50, 52);
  Append(data, gif);
  Append(data, RandomBytes(50, 53));
  CarveOptions options;
  options.min_item_bytes = 100;
  EXPECT_TRUE(RunAll(data, options).items.empty());
  options.min_item_bytes = gif.size();
  EXPECT_EQ(RunAll(data, options).items.size(), 1u);
}

TEST(CarverTest, MaxItemsStopsWithResourceExhausted) {
  std::vector<uint64_t> offsets;
  const Bytes data = Layout({Jpeg(32, 32, 61), Png(20, 20, 62), Gif(1, 300, 63)}, &offsets);
  CarveOptions options;
  options.max_items = 2;
  Carve carve = RunAll(data, options);
  EXPECT_EQ(carve.status.code(), StatusCode::kResourceExhausted) << carve.status.ToString();
  EXPECT_EQ(carve.items.size(), 2u);
  options.max_items = 3;
  carve = RunAll(data, options);
  EXPECT_TRUE(carve.status.ok());
  EXPECT_EQ(carve.items.size(), 3u);
}

TEST(CarverTest, VisitorCanStopAndCancelWorks) {
  std::vector<uint64_t> offsets;
  const Bytes data = Layout({Jpeg(32, 32, 71), Png(20, 20, 72), Gif(1, 300, 73)}, &offsets);
  auto source = MemorySource(data);
  ByteRange all;
  all.length = data.size();
  int calls = 0;
  Status status = CarveRanges(*source, std::span<const ByteRange>(&all, 1), CarveOptions(),
                              [&](const CarvedItem&) { return ++calls < 2; });
  EXPECT_TRUE(status.ok());
  EXPECT_EQ(calls, 2);

  std::atomic<bool> cancel{false};
  calls = 0;
  status = CarveRanges(
      *source, std::span<const ByteRange>(&all, 1), CarveOptions(),
      [&](const CarvedItem&) {
        ++calls;
        cancel = true;
        return true;
      },
      &cancel);
  EXPECT_EQ(status.code(), StatusCode::kCancelled);
  EXPECT_EQ(calls, 1);
}

// Fails every read that touches bytes at or past `bad_from`.
class FailingSource : public RandomAccessSource {
 public:
  FailingSource(uint64_t size, uint64_t bad_from) : size_(size), bad_from_(bad_from) {}
  uint64_t Size() const override { return size_; }
  Result<size_t> ReadAt(uint64_t offset, std::span<uint8_t> out) const override {
    if (offset >= size_) return size_t{0};
    const size_t n = static_cast<size_t>(std::min<uint64_t>(out.size(), size_ - offset));
    if (offset + n > bad_from_) return IoError("bad sector");
    std::fill(out.begin(), out.begin() + static_cast<ptrdiff_t>(n), 0);
    return n;
  }

 private:
  uint64_t size_, bad_from_;
};

TEST(CarverTest, ReadErrorsAreReturnedWithTheOffset) {
  FailingSource source(uint64_t{8} << 20, uint64_t{3} << 20);
  ByteRange all;
  all.length = source.Size();
  Status status = CarveRanges(source, std::span<const ByteRange>(&all, 1), CarveOptions(),
                              [](const CarvedItem&) { return true; });
  EXPECT_EQ(status.code(), StatusCode::kIoError) << status.ToString();
  EXPECT_NE(status.message().find(std::to_string(uint64_t{3} << 20)), std::string::npos)
      << status.ToString();
  EXPECT_NE(status.message().find("bad sector"), std::string::npos);
}

Bytes Repeat(std::string_view pattern, size_t size) {
  Bytes out;
  out.reserve(size + pattern.size());
  while (out.size() < size) Append(out, pattern);
  return out;
}

TEST(CarverTest, HostileInputFinishesQuickly) {
  const size_t kSize = size_t{10} << 20;
  const std::vector<Bytes> inputs = {
      Repeat(std::string_view("\xFF\xD8\xFF\xE0", 4), kSize),
      Repeat(std::string_view("\xFF\xD8\xFF\xDB\x00\x43", 6), kSize),
      Repeat("ftyp", kSize),
      Repeat(std::string_view("\x00\x00\x00\x10"
                              "ftyp",
                              8),
             kSize),
      Repeat(std::string_view("\x89PNG\r\n\x1a\n", 8), kSize),
      Repeat("GIF89a", kSize),
      Repeat(std::string_view("GIF89a\x01\x00\x01\x00\x00\x00\x00\x21\xFE\x00\x21\xFE\x00", 19),
             kSize),
      Bytes(kSize, 0xFF),
      RandomBytes(kSize, 1234),
  };
  for (size_t i = 0; i < inputs.size(); ++i) {
    const auto start = std::chrono::steady_clock::now();
    Carve carve = RunAll(inputs[i]);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_TRUE(carve.status.ok()) << i;
    EXPECT_TRUE(carve.items.empty()) << "input " << i << ": " << carve.items.size() << " items";
    EXPECT_LT(seconds, 5.0) << "input " << i;
  }
  // A real JPEG after 10 MiB of false starts is still found.
  Bytes data = inputs[0];
  Append(data, Bytes(3, 0));
  const uint64_t offset = data.size();
  const Bytes jpeg = Jpeg(32, 32, 81);
  Append(data, jpeg);
  Carve carve = RunAll(data);
  ASSERT_TRUE(carve.status.ok());
  ASSERT_EQ(carve.items.size(), 1u);
  ExpectItem(data, carve.items[0], offset, jpeg, "jpg");
}

TEST(CarverTest, Mp4SizeZeroRunsToRangeEnd) {
  Bytes mp4;
  Bytes ftyp;
  Append(ftyp, "isom");
  Append(ftyp, {0, 0, 2, 0});
  Append(ftyp, "isommp41");
  AppendBox(mp4, "ftyp", ftyp);
  Append(mp4, {0, 0, 0, 0});
  Append(mp4, "mdat");
  Bytes data = RandomBytes(17, 91);
  Append(data, mp4);
  Append(data, RandomBytes(5000, 92));
  Carve carve = RunAll(data);
  ASSERT_TRUE(carve.status.ok());
  ASSERT_EQ(carve.items.size(), 1u);
  EXPECT_EQ(carve.items[0].offset, 17u);
  EXPECT_EQ(carve.items[0].length, data.size() - 17);
  EXPECT_EQ(carve.items[0].extension, "mp4");
  EXPECT_FALSE(carve.items[0].complete);
}

TEST(CarverTest, Mp4WithoutMoovIsIncomplete) {
  Bytes mp4;
  Bytes ftyp;
  Append(ftyp, "mp42");
  Append(ftyp, {0, 0, 0, 0});
  AppendBox(mp4, "ftyp", ftyp);
  AppendBox(mp4, "mdat", RandomBytes(500, 93));
  Bytes data = Bytes(64, 0);
  Append(data, mp4);
  Append(data, Bytes(64, 0));
  Carve carve = RunAll(data);
  ASSERT_TRUE(carve.status.ok());
  ASSERT_EQ(carve.items.size(), 1u);
  EXPECT_EQ(carve.items[0].offset, 64u);
  EXPECT_EQ(carve.items[0].length, mp4.size());
  EXPECT_FALSE(carve.items[0].complete);
}

}  // namespace
}  // namespace tantalio
