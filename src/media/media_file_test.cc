// MediaFile tests on videos and audio the tests encode themselves
// (synthetic_media.h), in a private temporary directory.
#include "media/media_file.h"

#include <gtest/gtest.h>
#include <jpeglib.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <random>
#include <string>
#include <vector>

#include "base/temp_dir.h"
#include "media/synthetic_media.h"

namespace tantalio {
namespace {

Result<std::unique_ptr<MediaFile>> OpenPath(const std::string& path) {
  TANTALIO_ASSIGN_OR_RETURN(auto input, MediaInputFromFile(path));
  return MediaFile::Open(std::move(input), path);
}

// What one ForEachVideoFrame pass delivered.
struct Pass {
  Status status;
  DecodeReport report;
  std::vector<int64_t> numbers;
  std::vector<std::vector<uint8_t>> pixels;  // packed RGB rows, when kept
  int width = 0;
  int height = 0;
};

Pass Decode(const std::string& path, const VideoSampling& sampling, bool keep_pixels = false) {
  Pass pass;
  auto file = OpenPath(path);
  if (!file.ok()) {
    pass.status = file.status();
    return pass;
  }
  pass.status = (*file)->ForEachVideoFrame(
      sampling,
      [&](const VideoFrame& frame) {
        pass.numbers.push_back(frame.frame_number);
        pass.width = frame.width;
        pass.height = frame.height;
        if (keep_pixels) {
          std::vector<uint8_t> packed;
          for (int y = 0; y < frame.height; ++y) {
            const uint8_t* row = frame.rgb + y * frame.stride;
            packed.insert(packed.end(), row, row + frame.width * 3);
          }
          pass.pixels.push_back(std::move(packed));
        }
        return true;
      },
      &pass.report);
  return pass;
}

// Decodes all audio to `rate` Hz mono and returns the number of samples.
Result<int64_t> CountSamples(const std::string& path, int rate) {
  TANTALIO_ASSIGN_OR_RETURN(auto file, OpenPath(path));
  int64_t count = 0;
  DecodeReport report;
  TANTALIO_RETURN_IF_ERROR(file->DecodeAudio(
      rate, 1, 0,
      [&](std::span<const int16_t> samples) {
        count += static_cast<int64_t>(samples.size());
        return true;
      },
      &report));
  if (report.partial) return CorruptError("partial: " + report.warning);
  return count;
}

class MediaFileTest : public ::testing::Test {
 protected:
  // Writes a video and returns its path (empty, with a test failure, if not).
  std::string Video(const std::string& name, const SyntheticVideoSpec& spec) {
    const std::string path = dir_.Sub(name);
    const Status status = WriteSyntheticVideo(spec, path);
    EXPECT_TRUE(status.ok()) << status.ToString();
    return status.ok() ? path : "";
  }

  static SyntheticVideoSpec Small(double seconds, int gop = 30) {
    SyntheticVideoSpec spec;
    spec.width = 160;
    spec.height = 120;
    spec.duration_seconds = seconds;
    spec.gop = gop;
    spec.scene_seconds = 1;
    return spec;
  }

  TempDir dir_;
};

TEST_F(MediaFileTest, ProbesContainerStreamsAndTags) {
  SyntheticVideoSpec spec = Small(2);
  spec.width = 320;
  spec.height = 240;
  spec.audio = true;
  const std::string path = Video("probe.mp4", spec);
  auto file = OpenPath(path);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  const MediaInfo& info = (*file)->info();
  EXPECT_NE(info.container.find("mp4"), std::string::npos) << info.container;
  EXPECT_NEAR(info.duration_seconds, 2.0, 0.1);
  EXPECT_GT(info.bit_rate, 0);
  EXPECT_EQ(info.creation_time.substr(0, 19), "2017-05-04T10:00:00");
  EXPECT_TRUE(info.has_video);
  EXPECT_EQ(info.video_codec, "h264");
  EXPECT_EQ(info.width, 320);
  EXPECT_EQ(info.height, 240);
  EXPECT_DOUBLE_EQ(info.frame_rate, 30.0);
  EXPECT_EQ(info.frame_count, 60);
  EXPECT_EQ(info.rotation, 0);
  EXPECT_TRUE(info.has_audio);
  EXPECT_EQ(info.audio_codec, "aac");
  EXPECT_EQ(info.sample_rate, 44100);
  EXPECT_EQ(info.channels, 1);
}

// Container tags that phones write (make, model, ISO 6709 location) and the
// display matrix, added by the ffmpeg program's stream copy when it is there.
TEST_F(MediaFileTest, ReadsCameraTagsAndRotation) {
  if (std::system("ffmpeg -version > /dev/null 2>&1") != 0) {
    GTEST_SKIP() << "the ffmpeg program is not installed; it writes this fixture";
  }
  const std::string source = Video("plain.mp4", Small(1));
  const std::string tagged = dir_.Sub("tagged.mov");
  const std::string command = "ffmpeg -hide_banner -loglevel error -y -i '" + source +
                              "' -c copy -metadata make=Acme -metadata model=Cam1"
                              " -metadata location=+40.4168-003.7038/"
                              " -metadata:s:v:0 rotate=90 '" +
                              tagged + "'";
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  auto file = OpenPath(tagged);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  const MediaInfo& info = (*file)->info();
  EXPECT_EQ(info.make, "Acme");
  EXPECT_EQ(info.model, "Cam1");
  EXPECT_EQ(info.location, "+40.4168-003.7038/");
  // A quarter turn; which way the ffmpeg program's "rotate" tag turns has
  // changed between its versions, so only the axis is checked here.
  EXPECT_TRUE(info.rotation == 90 || info.rotation == 270) << info.rotation;
}

TEST_F(MediaFileTest, OpensFromMemoryAsFromFile) {
  const std::string path = Video("memory.mkv", Small(1));
  std::ifstream in(path, std::ios::binary);
  const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                   std::istreambuf_iterator<char>());
  auto file = MediaFile::Open(MediaInputFromMemory(bytes), "memory.mkv");
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  EXPECT_EQ((*file)->info().video_codec, "h264");
  int64_t frames = 0;
  VideoSampling every;
  every.seconds_per_hash = 0;
  ASSERT_TRUE((*file)
                  ->ForEachVideoFrame(
                      every, [&](const VideoFrame&) { return ++frames; }, nullptr)
                  .ok());
  EXPECT_EQ(frames, 30);
  // A second pass rewinds.
  frames = 0;
  ASSERT_TRUE((*file)
                  ->ForEachVideoFrame(
                      every, [&](const VideoFrame&) { return ++frames; }, nullptr)
                  .ok());
  EXPECT_EQ(frames, 30);
}

struct VideoCase {
  const char* file;
  const char* codec;
  const char* expect_codec;
  int size;
  double seconds;
  bool audio;
};

void PrintTo(const VideoCase& c, std::ostream* os) { *os << c.file << " (" << c.codec << ")"; }

class VideoMatrixTest : public MediaFileTest, public ::testing::WithParamInterface<VideoCase> {};

TEST_P(VideoMatrixTest, DecodesEveryFrame) {
  const VideoCase& c = GetParam();
  SyntheticVideoSpec spec = Small(c.seconds);
  spec.width = c.size * 4 / 3 / 16 * 16;
  spec.height = c.size;
  spec.video_codec = c.codec;
  spec.audio = c.audio;
  const std::string path = Video(c.file, spec);
  ASSERT_FALSE(path.empty());
  auto file = OpenPath(path);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  EXPECT_EQ((*file)->info().video_codec, c.expect_codec);
  EXPECT_EQ((*file)->info().width, spec.width);
  EXPECT_EQ((*file)->info().height, spec.height);
  EXPECT_EQ((*file)->info().has_audio, c.audio);
  for (bool seek : {false, true}) {
    VideoSampling every;
    every.seconds_per_hash = 0;
    every.seek = seek;
    const Pass pass = Decode(path, every);
    ASSERT_TRUE(pass.status.ok()) << pass.status.ToString();
    EXPECT_FALSE(pass.report.partial) << pass.report.warning;
    EXPECT_EQ(pass.report.frames_delivered, std::lround(c.seconds * 30)) << c.file;
    EXPECT_EQ(pass.width, spec.width);
  }
}

INSTANTIATE_TEST_SUITE_P(Containers, VideoMatrixTest,
                         ::testing::Values(VideoCase{"h264.mp4", "libx264", "h264", 96, 1, true},
                                           VideoCase{"h264.mov", "libx264", "h264", 96, 1, false},
                                           VideoCase{"h264.3gp", "libx264", "h264", 96, 1, true},
                                           VideoCase{"mpeg4.3gp", "mpeg4", "mpeg4", 96, 1, false},
                                           VideoCase{"hevc.mkv", "libx265", "hevc", 96, 1, false},
                                           VideoCase{"vp8.webm", "libvpx", "vp8", 96, 1, false},
                                           VideoCase{"vp9.webm", "libvpx-vp9", "vp9", 96, 1, false},
                                           VideoCase{"av1.mkv", "libaom-av1", "av1", 64, 1, false},
                                           VideoCase{"mpeg4.avi", "mpeg4", "mpeg4", 96, 1, false},
                                           VideoCase{"mjpeg.avi", "mjpeg", "mjpeg", 96, 1, false},
                                           VideoCase{"wmv2.wmv", "wmv2", "wmv2", 96, 1, false},
                                           VideoCase{"flv1.flv", "flv", "flv1", 96, 1, false},
                                           VideoCase{"h264.ts", "libx264", "h264", 96, 1, false}),
                         [](const ::testing::TestParamInfo<VideoCase>& param_info) {
                           std::string name = param_info.param.file;
                           for (char& ch : name) {
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           }
                           return name;
                         });

struct AudioCase {
  const char* file;
  const char* codec;
  const char* expect_codec;
};

void PrintTo(const AudioCase& c, std::ostream* os) { *os << c.file << " (" << c.codec << ")"; }

class AudioMatrixTest : public MediaFileTest, public ::testing::WithParamInterface<AudioCase> {};

TEST_P(AudioMatrixTest, DecodesToExpectedSampleCount) {
  const AudioCase& c = GetParam();
  SyntheticAudioSpec spec;
  spec.duration_seconds = 3;
  spec.codec = c.codec;
  const std::string path = dir_.Sub(c.file);
  const Status written = WriteSyntheticAudio(spec, path);
  if (written.code() == StatusCode::kUnsupported) {
    GTEST_SKIP() << "this FFmpeg has no " << c.codec << " encoder: " << written.ToString();
  }
  ASSERT_TRUE(written.ok()) << written.ToString();
  auto file = OpenPath(path);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  EXPECT_EQ((*file)->info().audio_codec, c.expect_codec);
  EXPECT_FALSE((*file)->info().has_video);
  auto samples = CountSamples(path, 16000);
  ASSERT_TRUE(samples.ok()) << samples.status().ToString();
  // Encoder priming and padding may add or drop a frame's worth.
  EXPECT_NEAR(static_cast<double>(*samples), 48000.0, 400.0) << c.file;
  std::printf("%s: %lld samples at 16 kHz for 3 s\n", c.file, static_cast<long long>(*samples));
}

INSTANTIATE_TEST_SUITE_P(Codecs, AudioMatrixTest,
                         ::testing::Values(AudioCase{"aac.m4a", "aac", "aac"},
                                           AudioCase{"mp3.mp3", "libmp3lame", "mp3"},
                                           AudioCase{"opus.ogg", "libopus", "opus"},
                                           AudioCase{"vorbis.ogg", "libvorbis", "vorbis"},
                                           AudioCase{"amr.amr", "libopencore_amrnb", "amr_nb"},
                                           AudioCase{"pcm.wav", "pcm_s16le", "pcm_s16le"},
                                           AudioCase{"flac.flac", "flac", "flac"}),
                         [](const ::testing::TestParamInfo<AudioCase>& param_info) {
                           return std::string(param_info.param.expect_codec);
                         });

TEST_F(MediaFileTest, DecodeAudioHonoursMaxSecondsAndChannels) {
  SyntheticAudioSpec spec;
  spec.duration_seconds = 4;
  spec.codec = "flac";
  spec.channels = 2;
  const std::string path = dir_.Sub("stereo.flac");
  ASSERT_TRUE(WriteSyntheticAudio(spec, path).ok());
  auto file = OpenPath(path);
  ASSERT_TRUE(file.ok());
  EXPECT_EQ((*file)->info().channels, 2);
  int64_t values = 0;
  DecodeReport report;
  ASSERT_TRUE((*file)
                  ->DecodeAudio(
                      8000, 2, 1.5,
                      [&](std::span<const int16_t> s) {
                        values += static_cast<int64_t>(s.size());
                        return true;
                      },
                      &report)
                  .ok());
  EXPECT_EQ(values, 12000 * 2);
  EXPECT_DOUBLE_EQ(report.seconds_decoded, 1.5);
  EXPECT_FALSE(report.partial);
}

TEST_F(MediaFileTest, SamplesOneFramePerSecondAt30Fps) {
  const std::string path = Video("rate30.mp4", Small(4));
  for (bool seek : {false, true}) {
    VideoSampling sampling;
    sampling.seek = seek;
    const Pass pass = Decode(path, sampling);
    ASSERT_TRUE(pass.status.ok()) << pass.status.ToString();
    EXPECT_EQ(pass.numbers, (std::vector<int64_t>{0, 30, 60, 90})) << "seek " << seek;
  }
}

TEST_F(MediaFileTest, SamplesEvery29FramesAtNtscRate) {
  SyntheticVideoSpec spec = Small(4);
  spec.fps_num = 30000;
  spec.fps_den = 1001;
  const std::string path = Video("ntsc.mp4", spec);
  for (bool seek : {false, true}) {
    VideoSampling sampling;
    sampling.seek = seek;
    const Pass pass = Decode(path, sampling);
    ASSERT_TRUE(pass.status.ok()) << pass.status.ToString();
    EXPECT_EQ(pass.numbers, (std::vector<int64_t>{0, 29, 58, 87, 116})) << "seek " << seek;
  }
}

TEST_F(MediaFileTest, ZeroSecondsPerHashDeliversEveryFrameResized) {
  const std::string path = Video("every.mp4", Small(2));
  VideoSampling sampling;
  sampling.seconds_per_hash = 0;
  sampling.resize_to = 64;
  const Pass pass = Decode(path, sampling);
  ASSERT_TRUE(pass.status.ok()) << pass.status.ToString();
  ASSERT_EQ(pass.numbers.size(), 60u);
  for (int64_t i = 0; i < 60; ++i) EXPECT_EQ(pass.numbers[i], i);
  EXPECT_EQ(pass.width, 64);
  EXPECT_EQ(pass.height, 64);
}

// Seek mode must deliver the same frames, pixel for pixel, as a full decode.
// With `max_decoded_share` of the full decode's frames at most.
void ExpectSeekMatchesFullDecode(const std::string& path, double max_decoded_share) {
  VideoSampling full;
  full.seek = false;
  VideoSampling fast;
  fast.seek = true;
  const Pass a = Decode(path, full, true);
  const Pass b = Decode(path, fast, true);
  ASSERT_TRUE(a.status.ok()) << a.status.ToString();
  ASSERT_TRUE(b.status.ok()) << b.status.ToString();
  EXPECT_FALSE(b.report.partial) << b.report.warning;
  EXPECT_EQ(a.numbers, b.numbers);
  ASSERT_EQ(a.pixels.size(), b.pixels.size());
  for (size_t i = 0; i < a.pixels.size(); ++i) {
    EXPECT_TRUE(a.pixels[i] == b.pixels[i]) << "frame " << a.numbers[i] << " differs";
  }
  EXPECT_LE(static_cast<double>(b.report.frames_decoded),
            max_decoded_share * static_cast<double>(a.report.frames_decoded));
  std::printf("%s: seek mode decoded %lld of %lld frames\n", path.c_str(),
              static_cast<long long>(b.report.frames_decoded),
              static_cast<long long>(a.report.frames_decoded));
}

TEST_F(MediaFileTest, SeekModeMatchesFullDecodeGop30) {
  ExpectSeekMatchesFullDecode(Video("gop30.mp4", Small(10, 30)), 0.25);
}

TEST_F(MediaFileTest, SeekModeMatchesFullDecodeGop250) {
  ExpectSeekMatchesFullDecode(Video("gop250.mp4", Small(12, 250)), 0.95);
}

TEST_F(MediaFileTest, SeekModeMatchesFullDecodeNtscGop30) {
  SyntheticVideoSpec spec = Small(10, 30);
  spec.fps_num = 30000;
  spec.fps_den = 1001;
  ExpectSeekMatchesFullDecode(Video("ntsc_gop30.mp4", spec), 0.75);
}

TEST_F(MediaFileTest, SeekModeMatchesFullDecodeInMatroska) {
  ExpectSeekMatchesFullDecode(Video("gop30.mkv", Small(10, 30)), 0.25);
}

TEST_F(MediaFileTest, SeekModeMatchesFullDecodeHevcAndVp9) {
  SyntheticVideoSpec spec = Small(6, 30);
  spec.video_codec = "libx265";
  ExpectSeekMatchesFullDecode(Video("gop30_hevc.mkv", spec), 0.6);
  spec.video_codec = "libvpx-vp9";
  ExpectSeekMatchesFullDecode(Video("gop30_vp9.webm", spec), 0.6);
}

TEST_F(MediaFileTest, TinyPicturesDecode) {
  for (int size : {2, 8, 16}) {
    SyntheticVideoSpec spec = Small(1);
    spec.width = size;
    spec.height = size;
    const std::string path = Video("tiny" + std::to_string(size) + ".mp4", spec);
    for (int resize : {0, 32}) {
      VideoSampling sampling;
      sampling.seconds_per_hash = 0;
      sampling.resize_to = resize;
      const Pass pass = Decode(path, sampling, true);
      ASSERT_TRUE(pass.status.ok()) << pass.status.ToString();
      EXPECT_EQ(pass.numbers.size(), 30u) << size;
      EXPECT_EQ(pass.width, resize > 0 ? resize : size);
    }
  }
}

TEST_F(MediaFileTest, DamageInTheMiddleNeverCrashes) {
  const std::string path = Video("damaged.mp4", Small(4));
  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  std::mt19937 rng(3);
  for (int round = 0; round < 20; ++round) {
    std::string damaged = bytes;
    const size_t at = bytes.size() / 4 + rng() % (bytes.size() / 2);
    for (size_t i = at; i < std::min(damaged.size(), at + 1 + rng() % 2000); ++i) {
      damaged[i] = static_cast<char>(rng());
    }
    const std::string damaged_path = dir_.Write("damaged_copy.mp4", damaged);
    for (bool seek : {false, true}) {
      VideoSampling sampling;
      sampling.seconds_per_hash = 0.5;
      sampling.seek = seek;
      const Pass pass = Decode(damaged_path, sampling);
      // Either a clear error or frames; never a crash or an abort.
      if (pass.status.ok()) {
        EXPECT_GE(pass.numbers.size(), 1u);
      } else {
        EXPECT_FALSE(pass.status.message().empty());
      }
    }
  }
}

TEST_F(MediaFileTest, LongVideoDecodesInProportionToTheSamplingRate) {
  SyntheticVideoSpec spec = Small(120, 30);
  spec.width = 128;
  spec.height = 96;
  spec.scene_seconds = 2;
  const std::string path = Video("long.mp4", spec);
  VideoSampling sampling;
  const auto started = std::chrono::steady_clock::now();
  const Pass pass = Decode(path, sampling);
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
  ASSERT_TRUE(pass.status.ok()) << pass.status.ToString();
  EXPECT_EQ(pass.report.frames_delivered, 120);
  EXPECT_LT(pass.report.frames_decoded, 3600 / 4);
  std::printf("long video: %lld of 3600 frames decoded, %lld delivered, %.3f s\n",
              static_cast<long long>(pass.report.frames_decoded),
              static_cast<long long>(pass.report.frames_delivered), took.count());
}

TEST_F(MediaFileTest, TruncatedFileIsPartialWithEarlierFrames) {
  const std::string path = Video("whole.mp4", Small(6));
  const auto size = std::filesystem::file_size(path);
  std::filesystem::copy_file(path, dir_.Sub("cut.mp4"));
  std::filesystem::resize_file(dir_.Sub("cut.mp4"), size / 2);
  VideoSampling sampling;
  for (bool seek : {false, true}) {
    sampling.seek = seek;
    const Pass pass = Decode(dir_.Sub("cut.mp4"), sampling);
    ASSERT_TRUE(pass.status.ok()) << pass.status.ToString();
    EXPECT_TRUE(pass.report.partial);
    EXPECT_FALSE(pass.report.warning.empty());
    EXPECT_GE(pass.numbers.size(), 1u);
    EXPECT_LT(pass.numbers.size(), 6u);
    std::printf("truncated (seek %d): %zu frames, warning: %s\n", seek, pass.numbers.size(),
                pass.report.warning.c_str());
  }
}

TEST_F(MediaFileTest, GarbageIsAClearError) {
  std::mt19937 rng(7);
  std::string garbage(100000, '\0');
  for (char& c : garbage) c = static_cast<char>(rng());
  const std::string path = dir_.Write("garbage.mp4", garbage);
  auto file = OpenPath(path);
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(file.status().message().find("garbage.mp4"), std::string::npos)
      << file.status().ToString();
}

// A playlist names other files; FFmpeg must never open them (evidence is
// read only through its MediaInput).
TEST_F(MediaFileTest, PlaylistsCannotOpenOtherFiles) {
  const std::string segment = Video("segment.ts", Small(1));
  const std::string playlist =
      dir_.Write("list.m3u8", "#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1.0,\n" + segment +
                                  "\n#EXT-X-ENDLIST\n");
  auto file = OpenPath(playlist);
  if (!file.ok()) {
    SUCCEED() << file.status().ToString();
    return;
  }
  int64_t frames = 0;
  const Status status = (*file)->ForEachVideoFrame(
      VideoSampling(), [&](const VideoFrame&) { return ++frames > 0; }, nullptr);
  EXPECT_EQ(frames, 0) << status.ToString();
}

TEST_F(MediaFileTest, EmptyFileIsAClearError) {
  const std::string path = dir_.Write("empty.mp4", "");
  auto file = OpenPath(path);
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(file.status().message().find("empty"), std::string::npos);
}

TEST_F(MediaFileTest, AudioOnlyFileHasNoVideoToDecode) {
  SyntheticAudioSpec spec;
  spec.duration_seconds = 1;
  const std::string path = dir_.Sub("only.m4a");
  ASSERT_TRUE(WriteSyntheticAudio(spec, path).ok());
  auto file = OpenPath(path);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  const Status status = (*file)->ForEachVideoFrame(
      VideoSampling(), [](const VideoFrame&) { return true; }, nullptr);
  EXPECT_EQ(status.code(), StatusCode::kNotFound) << status.ToString();
}

TEST_F(MediaFileTest, VideoWithoutAudioHasNoAudioToDecode) {
  auto file = OpenPath(Video("mute.mp4", Small(1)));
  ASSERT_TRUE(file.ok());
  const Status status = (*file)->DecodeAudio(
      16000, 1, 0, [](std::span<const int16_t>) { return true; }, nullptr);
  EXPECT_EQ(status.code(), StatusCode::kNotFound) << status.ToString();
}

TEST_F(MediaFileTest, TimeLimitMakesThePassPartial) {
  const std::string path = Video("slow.mp4", Small(20));
  VideoSampling sampling;
  sampling.seconds_per_hash = 0;
  sampling.seek = false;
  sampling.time_limit_seconds = 1e-6;
  const Pass pass = Decode(path, sampling);
  ASSERT_TRUE(pass.status.ok()) << pass.status.ToString();
  EXPECT_TRUE(pass.report.partial);
  EXPECT_TRUE(pass.report.time_limit_hit);
  EXPECT_NE(pass.report.warning.find("time limit"), std::string::npos);
  EXPECT_LT(pass.report.frames_delivered, 600);
}

TEST_F(MediaFileTest, StopsWhenTheCallbackSaysSo) {
  const std::string path = Video("stop.mp4", Small(3));
  auto file = OpenPath(path);
  ASSERT_TRUE(file.ok());
  VideoSampling sampling;
  sampling.seconds_per_hash = 0;
  int calls = 0;
  DecodeReport report;
  ASSERT_TRUE((*file)
                  ->ForEachVideoFrame(
                      sampling, [&](const VideoFrame&) { return ++calls < 5; }, &report)
                  .ok());
  EXPECT_EQ(calls, 5);
  EXPECT_FALSE(report.partial);
}

TEST_F(MediaFileTest, ThumbnailIsAJpegWithinMaxSide) {
  SyntheticVideoSpec spec = Small(1);
  spec.width = 320;
  spec.height = 180;
  const std::string path = Video("thumb.mp4", spec);
  auto file = OpenPath(path);
  ASSERT_TRUE(file.ok());
  std::vector<uint8_t> jpeg;
  ASSERT_TRUE((*file)
                  ->ForEachVideoFrame(
                      VideoSampling(),
                      [&](const VideoFrame& frame) {
                        auto thumb = EncodeThumbnail(frame, 96);
                        EXPECT_TRUE(thumb.ok()) << thumb.status().ToString();
                        if (thumb.ok()) jpeg = *thumb;
                        return false;
                      },
                      nullptr)
                  .ok());
  ASSERT_GT(jpeg.size(), 4u);
  jpeg_decompress_struct cinfo{};
  jpeg_error_mgr jerr{};
  cinfo.err = jpeg_std_error(&jerr);
  jpeg_create_decompress(&cinfo);
  jpeg_mem_src(&cinfo, jpeg.data(), jpeg.size());
  ASSERT_EQ(jpeg_read_header(&cinfo, TRUE), JPEG_HEADER_OK);
  EXPECT_EQ(cinfo.image_width, 96u);
  EXPECT_EQ(cinfo.image_height, 54u);
  jpeg_destroy_decompress(&cinfo);
}

TEST(FfmpegVersionsTest, NamesTheLibraries) {
  const std::string& versions = FfmpegVersions();
  EXPECT_NE(versions.find("libavcodec 59."), std::string::npos) << versions;
  EXPECT_NE(versions.find("libswscale"), std::string::npos) << versions;
}

TEST(MediaInputTest, FileInputReadsAndRefusesLinks) {
  TempDir dir;
  const std::string path = dir.Write("bytes.bin", "0123456789");
  auto input = MediaInputFromFile(path);
  ASSERT_TRUE(input.ok()) << input.status().ToString();
  EXPECT_EQ((*input)->Size(), 10u);
  uint8_t buffer[4] = {};
  auto n = (*input)->ReadAt(8, buffer);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 2u);
  EXPECT_EQ(buffer[0], '8');
  std::filesystem::create_symlink(path, dir.Sub("link.bin"));
  EXPECT_FALSE(MediaInputFromFile(dir.Sub("link.bin")).ok());
  EXPECT_EQ(MediaInputFromFile(dir.Sub("missing.bin")).status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace tantalio
