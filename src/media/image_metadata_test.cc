#include "media/image_metadata.h"

#include <gtest/gtest.h>

#include "media/synthetic_image.h"

namespace tantalio {
namespace {

SyntheticExif FullExif() {
  SyntheticExif exif;
  exif.make = "Demophone";
  exif.model = "DP-7";
  exif.body_serial = "DP7-0042-1173";
  exif.datetime_original = "2017:03:12 18:30:05";
  exif.offset_time_original = "+01:00";
  exif.software = "DemoOS 1.0";
  exif.gps_latitude = 40.416775;
  exif.gps_longitude = -3.703790;
  exif.gps_altitude = -12.5;
  exif.orientation = 6;
  return exif;
}

void ExpectFull(const ImageMetadata& m) {
  EXPECT_EQ(m.camera_make, "Demophone");
  EXPECT_EQ(m.camera_model, "DP-7");
  EXPECT_EQ(m.body_serial, "DP7-0042-1173");
  EXPECT_EQ(m.datetime_original, "2017:03:12 18:30:05");
  EXPECT_EQ(m.offset_time_original, "+01:00");
  EXPECT_EQ(m.software, "DemoOS 1.0");
  ASSERT_TRUE(m.gps_latitude && m.gps_longitude && m.gps_altitude);
  EXPECT_NEAR(*m.gps_latitude, 40.416775, 1e-5);
  EXPECT_NEAR(*m.gps_longitude, -3.703790, 1e-5);
  EXPECT_NEAR(*m.gps_altitude, -12.5, 1e-6);
  EXPECT_EQ(m.orientation, 6);
  EXPECT_FALSE(m.Empty());
}

TEST(ImageMetadataTest, JpegExifReadsBack) {
  auto jpeg = EncodeJpeg(GeneratePattern(64, 48, 1), 85);
  ASSERT_TRUE(jpeg.ok());
  auto tagged = WithExif(*jpeg, FullExif());
  ASSERT_TRUE(tagged.ok()) << tagged.status().ToString();
  auto m = ReadImageMetadata(*tagged);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  ExpectFull(*m);
  EXPECT_EQ(m->width, 64);
  EXPECT_EQ(m->height, 48);
}

TEST(ImageMetadataTest, PngExifReadsBack) {
  auto png = EncodePng(GeneratePattern(40, 30, 2));
  ASSERT_TRUE(png.ok());
  auto tagged = WithExif(*png, FullExif());
  ASSERT_TRUE(tagged.ok()) << tagged.status().ToString();
  auto m = ReadImageMetadata(*tagged);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  ExpectFull(*m);
}

TEST(ImageMetadataTest, NoExifIsEmptyButSized) {
  auto jpeg = EncodeJpeg(GeneratePattern(32, 16, 3), 80);
  ASSERT_TRUE(jpeg.ok());
  auto m = ReadImageMetadata(*jpeg);
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(m->Empty());
  EXPECT_EQ(m->width, 32);
}

TEST(ImageMetadataTest, GarbageIsAnErrorNotACrash) {
  std::vector<uint8_t> garbage = {0xff, 0xd8, 0xff, 0xe1, 0x00, 0x10, 'E',  'x',
                                  'i',  'f',  0,    0,    'I',  'I',  0x2a, 0};
  auto m = ReadImageMetadata(garbage);
  if (m.ok())
    EXPECT_TRUE(m->Empty());
  else
    EXPECT_NE(m.status().code(), StatusCode::kOk);
  EXPECT_FALSE(ReadImageMetadata(std::vector<uint8_t>{}).ok());
  std::vector<uint8_t> text = {'h', 'e', 'l', 'l', 'o'};
  EXPECT_FALSE(ReadImageMetadata(text).ok());
}

}  // namespace
}  // namespace tantalio
