// Synthetic media tests: the same seed gives the same pictures and sound at
// the same content time, whatever the size or the clip.
#include "media/synthetic_media.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "base/temp_dir.h"
#include "media/media_file.h"

namespace tantalio {
namespace {

// Frames of `path`, one per second, as 32x32 grey thumbnails.
std::vector<std::vector<int>> Thumbnails(const std::string& path) {
  std::vector<std::vector<int>> out;
  auto input = MediaInputFromFile(path);
  EXPECT_TRUE(input.ok());
  if (!input.ok()) return out;
  auto file = MediaFile::Open(std::move(*input), path);
  EXPECT_TRUE(file.ok()) << file.status().ToString();
  if (!file.ok()) return out;
  VideoSampling sampling;
  sampling.resize_to = 32;
  const Status status = (*file)->ForEachVideoFrame(
      sampling,
      [&](const VideoFrame& frame) {
        std::vector<int> grey;
        for (int y = 0; y < frame.height; ++y) {
          for (int x = 0; x < frame.width; ++x) {
            const uint8_t* p = frame.rgb + y * frame.stride + x * 3;
            grey.push_back((p[0] + p[1] + p[2]) / 3);
          }
        }
        out.push_back(std::move(grey));
        return true;
      },
      nullptr);
  EXPECT_TRUE(status.ok()) << status.ToString();
  return out;
}

double MeanDifference(const std::vector<int>& a, const std::vector<int>& b) {
  double sum = 0;
  for (size_t i = 0; i < a.size(); ++i) sum += std::abs(a[i] - b[i]);
  return sum / static_cast<double>(a.size());
}

std::vector<int16_t> Samples(const std::string& path) {
  std::vector<int16_t> out;
  auto input = MediaInputFromFile(path);
  EXPECT_TRUE(input.ok());
  if (!input.ok()) return out;
  auto file = MediaFile::Open(std::move(*input), path);
  EXPECT_TRUE(file.ok()) << file.status().ToString();
  if (!file.ok()) return out;
  const Status status = (*file)->DecodeAudio(
      44100, 1, 0,
      [&](std::span<const int16_t> s) {
        out.insert(out.end(), s.begin(), s.end());
        return true;
      },
      nullptr);
  EXPECT_TRUE(status.ok()) << status.ToString();
  return out;
}

TEST(SyntheticVideoTest, SameSeedLooksTheSameAtAnySize) {
  TempDir dir;
  SyntheticVideoSpec big;
  big.seed = 11;
  big.width = 640;
  big.height = 360;
  big.duration_seconds = 4;
  SyntheticVideoSpec small = big;
  small.width = 320;
  small.height = 180;
  small.video_codec = "mpeg4";
  ASSERT_TRUE(WriteSyntheticVideo(big, dir.Sub("big.mp4")).ok());
  ASSERT_TRUE(WriteSyntheticVideo(small, dir.Sub("small.avi")).ok());
  const auto a = Thumbnails(dir.Sub("big.mp4"));
  const auto b = Thumbnails(dir.Sub("small.avi"));
  ASSERT_EQ(a.size(), 4u);
  ASSERT_EQ(b.size(), 4u);
  for (size_t i = 0; i < a.size(); ++i) EXPECT_LT(MeanDifference(a[i], b[i]), 6.0) << i;
  // Seconds 0 and 1 share a scene (close); scenes 0 and 1 differ strongly.
  EXPECT_LT(MeanDifference(a[0], a[1]), 12.0);
  EXPECT_GT(MeanDifference(a[0], a[2]), 20.0);
}

TEST(SyntheticVideoTest, AClipShowsTheSamePicturesAsTheOriginal) {
  TempDir dir;
  SyntheticVideoSpec whole;
  whole.seed = 5;
  whole.duration_seconds = 6;
  SyntheticVideoSpec clip = whole;
  clip.start_seconds = 2;
  clip.duration_seconds = 3;
  ASSERT_TRUE(WriteSyntheticVideo(whole, dir.Sub("whole.mkv")).ok());
  ASSERT_TRUE(WriteSyntheticVideo(clip, dir.Sub("clip.mkv")).ok());
  const auto a = Thumbnails(dir.Sub("whole.mkv"));
  const auto b = Thumbnails(dir.Sub("clip.mkv"));
  ASSERT_EQ(a.size(), 6u);
  ASSERT_EQ(b.size(), 3u);
  for (size_t i = 0; i < b.size(); ++i) EXPECT_LT(MeanDifference(a[i + 2], b[i]), 3.0) << i;
  const SyntheticVideoSpec other = [&] {
    SyntheticVideoSpec s = whole;
    s.seed = 6;
    return s;
  }();
  ASSERT_TRUE(WriteSyntheticVideo(other, dir.Sub("other.mkv")).ok());
  const auto c = Thumbnails(dir.Sub("other.mkv"));
  ASSERT_EQ(c.size(), 6u);
  EXPECT_GT(MeanDifference(a[0], c[0]), 20.0);
}

TEST(SyntheticVideoTest, VideoAudioIsTheAudioOfTheSameSeed) {
  TempDir dir;
  SyntheticVideoSpec video;
  video.seed = 3;
  video.width = 64;
  video.height = 48;
  video.duration_seconds = 2;
  video.audio = true;
  video.audio_codec = "pcm_s16le";
  ASSERT_TRUE(WriteSyntheticVideo(video, dir.Sub("v.mov")).ok());
  SyntheticAudioSpec audio;
  audio.seed = 3;
  audio.duration_seconds = 2;
  audio.codec = "pcm_s16le";
  ASSERT_TRUE(WriteSyntheticAudio(audio, dir.Sub("a.wav")).ok());
  const auto a = Samples(dir.Sub("v.mov"));
  const auto b = Samples(dir.Sub("a.wav"));
  ASSERT_EQ(a.size(), 88200u);
  EXPECT_EQ(a, b);
}

TEST(SyntheticAudioTest, AClipIsTheSameSoundAndWindowsDiffer) {
  TempDir dir;
  SyntheticAudioSpec whole;
  whole.seed = 9;
  whole.duration_seconds = 12;
  whole.codec = "pcm_s16le";
  SyntheticAudioSpec clip = whole;
  clip.start_seconds = 5;
  clip.duration_seconds = 5;
  ASSERT_TRUE(WriteSyntheticAudio(whole, dir.Sub("whole.wav")).ok());
  ASSERT_TRUE(WriteSyntheticAudio(clip, dir.Sub("clip.wav")).ok());
  const auto a = Samples(dir.Sub("whole.wav"));
  const auto b = Samples(dir.Sub("clip.wav"));
  ASSERT_EQ(a.size(), 12u * 44100);
  ASSERT_EQ(b.size(), 5u * 44100);
  const std::vector<int16_t> middle(a.begin() + 5 * 44100, a.begin() + 10 * 44100);
  int64_t max_error = 0;
  for (size_t i = 0; i < b.size(); ++i) {
    max_error = std::max<int64_t>(max_error, std::abs(middle[i] - b[i]));
  }
  EXPECT_LE(max_error, 1);  // the same signal, up to float rounding of the time
  const std::vector<int16_t> first(a.begin(), a.begin() + 5 * 44100);
  EXPECT_NE(first, middle);
  int64_t energy = 0;
  for (int16_t s : first) energy += std::abs(s);
  EXPECT_GT(energy / static_cast<int64_t>(first.size()), 500);  // not silence
}

TEST(SyntheticMediaTest, RefusesUnknownEncodersAndContainers) {
  TempDir dir;
  SyntheticVideoSpec video;
  video.video_codec = "no-such-encoder";
  EXPECT_EQ(WriteSyntheticVideo(video, dir.Sub("x.mp4")).code(), StatusCode::kUnsupported);
  SyntheticAudioSpec audio;
  EXPECT_EQ(WriteSyntheticAudio(audio, dir.Sub("x.unknownext")).code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace tantalio
