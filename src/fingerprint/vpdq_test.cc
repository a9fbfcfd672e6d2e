#include "fingerprint/vpdq.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "base/temp_dir.h"
#include "fingerprint/pdq_test_util.h"
#include "media/media_file.h"
#include "media/synthetic_media.h"

namespace tantalio {
namespace {

using testing_util::FlipPdqBits;
using testing_util::RandomPdqHash;

VpdqFrame MakeFrame(int64_t number, int quality, const PdqHash& hash, double timestamp) {
  VpdqFrame frame;
  frame.frame_number = number;
  frame.quality = quality;
  frame.hash = hash;
  frame.timestamp_seconds = timestamp;
  return frame;
}

// One frame per second with random hashes.
std::vector<VpdqFrame> RandomVideo(int seconds, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<VpdqFrame> frames;
  for (int s = 0; s < seconds; ++s) frames.push_back(MakeFrame(s * 30, 100, RandomPdqHash(rng), s));
  return frames;
}

// Frames [first, first + count) of `video`, a few bits flipped, times shifted
// so that the clip starts at `start`.
std::vector<VpdqFrame> Clip(const std::vector<VpdqFrame>& video, int first, int count,
                            double start = 0) {
  std::vector<VpdqFrame> clip;
  const double shift = video[first].timestamp_seconds - start;
  for (int i = first; i < first + count; ++i) {
    VpdqFrame frame = video[i];
    frame.hash = FlipPdqBits(frame.hash, 3 + i % 7, i % 200);
    frame.timestamp_seconds -= shift;
    frame.frame_number = static_cast<int64_t>(std::lround(frame.timestamp_seconds * 30));
    clip.push_back(frame);
  }
  return clip;
}

constexpr char kHex[] = "e271017837246aaccddea259648fb7d62f435c89d9e99b2497763e216c8d055c";

TEST(VpdqLineTest, RoundTrip) {
  const std::string line = std::string("12,87,") + kHex + ",0.400";
  Result<VpdqFrame> frame = ParseVpdqLine(line);
  ASSERT_TRUE(frame.ok()) << frame.status().ToString();
  EXPECT_EQ(frame->frame_number, 12);
  EXPECT_EQ(frame->quality, 87);
  EXPECT_EQ(frame->hash.ToHex(), kHex);
  EXPECT_DOUBLE_EQ(frame->timestamp_seconds, 0.4);
  EXPECT_EQ(FormatVpdqLine(*frame), line);
  EXPECT_TRUE(ParseVpdqLine(line + "\r\n").ok());
}

TEST(VpdqLineTest, FormatsThreeDecimals) {
  const VpdqFrame frame = MakeFrame(1, 100, PdqHash(), 1.0 / 30);
  EXPECT_EQ(FormatVpdqLine(frame), "1,100," + std::string(64, '0') + ",0.033");
}

TEST(VpdqLineTest, RejectsBadLines) {
  const std::string hex = kHex;
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"", "4 fields"},
      {"1,100," + hex, "4 fields"},
      {"1,100," + hex + ",0.1,7", "4 fields"},
      {"-1,100," + hex + ",0.1", "frame number"},
      {"x,100," + hex + ",0.1", "frame number"},
      {",100," + hex + ",0.1", "frame number"},
      {"1,101," + hex + ",0.1", "quality"},
      {"1,-5," + hex + ",0.1", "quality"},
      {"1,," + hex + ",0.1", "quality"},
      {"1,100," + hex.substr(1) + ",0.1", "hash"},
      {"1,100," + hex.substr(1) + "g,0.1", "hash"},
      {"1,100," + hex + ",", "timestamp"},
      {"1,100," + hex + ",-0.5", "timestamp"},
      {"1,100," + hex + ",1.0s", "timestamp"},
  };
  for (const auto& [line, what] : bad) {
    Result<VpdqFrame> frame = ParseVpdqLine(line);
    ASSERT_FALSE(frame.ok()) << line;
    EXPECT_EQ(frame.status().code(), StatusCode::kInvalidArgument) << line;
    EXPECT_NE(frame.status().message().find(what), std::string::npos)
        << line << " -> " << frame.status().message();
  }
}

TEST(VpdqCollapseTest, DropsConsecutiveRepeatsOnly) {
  std::mt19937_64 rng(7);
  const PdqHash a = RandomPdqHash(rng);
  const PdqHash b = RandomPdqHash(rng);
  const std::vector<VpdqFrame> frames = {MakeFrame(0, 100, a, 0), MakeFrame(1, 100, a, 1),
                                         MakeFrame(2, 90, a, 2),  MakeFrame(3, 100, b, 3),
                                         MakeFrame(4, 100, a, 4), MakeFrame(5, 100, a, 5)};
  const std::vector<VpdqFrame> kept = CollapseRepeats(frames);
  ASSERT_EQ(kept.size(), 3u);
  EXPECT_EQ(kept[0], frames[0]);
  EXPECT_EQ(kept[1], frames[3]);
  EXPECT_EQ(kept[2], frames[4]);
  EXPECT_TRUE(CollapseRepeats({}).empty());
}

VpdqMatchOptions Rule(VpdqRule rule) {
  VpdqMatchOptions options;
  options.rule = rule;
  return options;
}

TEST(VpdqPercentagesTest, DuplicatesCountOnceUnderPytxOnly) {
  std::mt19937_64 rng(11);
  const PdqHash a = RandomPdqHash(rng);
  const PdqHash b = RandomPdqHash(rng);
  const PdqHash c = RandomPdqHash(rng);
  // Query: a three times, b once. Compared: a only.
  const std::vector<VpdqFrame> query = {MakeFrame(0, 100, a, 0), MakeFrame(1, 100, a, 1),
                                        MakeFrame(2, 100, a, 2), MakeFrame(3, 100, b, 3)};
  const std::vector<VpdqFrame> compared = {MakeFrame(0, 100, FlipPdqBits(a, 5), 0),
                                           MakeFrame(1, 100, c, 1)};
  const VpdqPercentages pytx =
      MatchPercentages(query, compared, Rule(VpdqRule::kPythonThreatExchange));
  EXPECT_DOUBLE_EQ(pytx.query_percent, 50);  // {a, b}: a matches
  EXPECT_DOUBLE_EQ(pytx.compared_percent, 50);
  const VpdqPercentages cpp = MatchPercentages(query, compared, Rule(VpdqRule::kReferenceCpp));
  EXPECT_DOUBLE_EQ(cpp.query_percent, 75);  // a, a, a, b: three match
  EXPECT_DOUBLE_EQ(cpp.compared_percent, 50);
}

TEST(VpdqPercentagesTest, QualityFilterOnBothSides) {
  std::mt19937_64 rng(12);
  const PdqHash a = RandomPdqHash(rng);
  const PdqHash b = RandomPdqHash(rng);
  const std::vector<VpdqFrame> query = {MakeFrame(0, 100, a, 0), MakeFrame(1, 49, b, 1)};
  const std::vector<VpdqFrame> compared = {MakeFrame(0, 50, a, 0), MakeFrame(1, 10, b, 1)};
  for (VpdqRule rule : {VpdqRule::kPythonThreatExchange, VpdqRule::kReferenceCpp}) {
    const VpdqPercentages p = MatchPercentages(query, compared, Rule(rule));
    EXPECT_DOUBLE_EQ(p.query_percent, 100);  // b (quality 49) is not counted
    EXPECT_DOUBLE_EQ(p.compared_percent, 100);
  }
  VpdqMatchOptions strict = Rule(VpdqRule::kPythonThreatExchange);
  strict.min_quality = 51;  // the compared side has nothing left
  const VpdqPercentages none = MatchPercentages(query, compared, strict);
  EXPECT_EQ(none.query_percent, 0);
  EXPECT_EQ(none.compared_percent, 0);
  EXPECT_FALSE(none.IsMatch(strict));
}

TEST(VpdqPercentagesTest, DistanceBoundaryDiffersBetweenRules) {
  std::mt19937_64 rng(13);
  const PdqHash a = RandomPdqHash(rng);
  const PdqHash b = RandomPdqHash(rng);
  const std::vector<VpdqFrame> query = {MakeFrame(0, 100, a, 0), MakeFrame(1, 100, b, 1)};
  const std::vector<VpdqFrame> at31 = {MakeFrame(0, 100, FlipPdqBits(a, 31), 0),
                                       MakeFrame(1, 100, FlipPdqBits(b, 32), 1)};
  ASSERT_EQ(PdqDistance(a, at31[0].hash), 31);
  ASSERT_EQ(PdqDistance(b, at31[1].hash), 32);
  const VpdqPercentages pytx = MatchPercentages(query, at31, Rule(VpdqRule::kPythonThreatExchange));
  EXPECT_DOUBLE_EQ(pytx.query_percent, 50);  // 31 <= 31, 32 is not
  EXPECT_DOUBLE_EQ(pytx.compared_percent, 50);
  EXPECT_FALSE(pytx.IsMatch(Rule(VpdqRule::kPythonThreatExchange)));
  const VpdqPercentages cpp = MatchPercentages(query, at31, Rule(VpdqRule::kReferenceCpp));
  EXPECT_DOUBLE_EQ(cpp.query_percent, 0);  // strict: 31 < 31 fails
  EXPECT_DOUBLE_EQ(cpp.compared_percent, 0);
}

TEST(VpdqPercentagesTest, EmptySideGivesZero) {
  const std::vector<VpdqFrame> video = RandomVideo(5, 3);
  for (VpdqRule rule : {VpdqRule::kPythonThreatExchange, VpdqRule::kReferenceCpp}) {
    const VpdqPercentages p = MatchPercentages(video, {}, Rule(rule));
    EXPECT_EQ(p.query_percent, 0);
    EXPECT_EQ(p.compared_percent, 0);
    const VpdqPercentages same = MatchPercentages(video, video, Rule(rule));
    EXPECT_DOUBLE_EQ(same.query_percent, 100);
    EXPECT_TRUE(same.IsMatch(Rule(rule)));
  }
}

TEST(VpdqSegmentsTest, FindsTenSecondClipInHalfHourVideo) {
  const std::vector<VpdqFrame> video = RandomVideo(1800, 21);
  const std::vector<VpdqFrame> clip = Clip(video, 1234, 10);
  const std::vector<VpdqSegment> segments = FindSegments(clip, video);
  ASSERT_EQ(segments.size(), 1u);
  const VpdqSegment& s = segments[0];
  EXPECT_NEAR(s.query_start, 0, 1e-9);
  EXPECT_NEAR(s.query_end, 10, 1e-9);
  EXPECT_NEAR(s.compared_start, 1234, 1e-9);
  EXPECT_NEAR(s.compared_end, 1244, 1e-9);
  EXPECT_EQ(s.matched_frames, 10);
  EXPECT_EQ(s.query_frames, 10);
  EXPECT_GE(s.mean_distance, 3);
  EXPECT_LE(s.mean_distance, 9);

  // The other way round: the long video contains the clip at 1234 s.
  const std::vector<VpdqSegment> reverse = FindSegments(video, clip);
  ASSERT_EQ(reverse.size(), 1u);
  EXPECT_NEAR(reverse[0].query_start, 1234, 1e-9);
  EXPECT_NEAR(reverse[0].query_end, 1244, 1e-9);
  EXPECT_NEAR(reverse[0].compared_start, 0, 1e-9);
  EXPECT_NEAR(reverse[0].compared_end, 10, 1e-9);
}

TEST(VpdqSegmentsTest, ClipWithFarBitFlipsOrLowQualityIsNotMatched) {
  const std::vector<VpdqFrame> video = RandomVideo(200, 22);
  std::vector<VpdqFrame> clip = Clip(video, 50, 10);
  std::vector<VpdqFrame> far = clip;
  for (VpdqFrame& frame : far) frame.hash = FlipPdqBits(frame.hash, 40, 100);
  EXPECT_TRUE(FindSegments(far, video).empty());
  for (VpdqFrame& frame : clip) frame.quality = 20;
  EXPECT_TRUE(FindSegments(clip, video).empty());
}

// A video of still scenes collapsed to one frame each: scene i starts at
// `starts[i]` with a random picture.
std::vector<VpdqFrame> StillScenes(const std::vector<double>& starts, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<VpdqFrame> frames;
  for (double start : starts) {
    frames.push_back(MakeFrame(static_cast<int64_t>(start * 30), 100, RandomPdqHash(rng), start));
  }
  return frames;
}

TEST(VpdqSegmentsTest, CollapsedStillScenesClipCutMidScene) {
  // Compared: scenes at 0, 100, 112, 120, 131, 140, 150 s.
  const std::vector<VpdqFrame> video = StillScenes({0, 100, 112, 120, 131, 140, 150}, 31);
  // Query: the video from 103 s to 135 s, collapsed: scenes at 0 (103), 9 (112),
  // 17 (120), 28 (131).
  std::vector<VpdqFrame> clip;
  const double starts[] = {0, 9, 17, 28};
  for (int i = 0; i < 4; ++i) {
    VpdqFrame frame = video[i + 1];
    frame.hash = FlipPdqBits(frame.hash, 4, 10 * i);
    frame.timestamp_seconds = starts[i];
    clip.push_back(frame);
  }
  const std::vector<VpdqSegment> segments = FindSegments(clip, video);
  ASSERT_EQ(segments.size(), 1u);
  const VpdqSegment& s = segments[0];
  EXPECT_NEAR(s.query_start, 0, 1e-9);
  EXPECT_NEAR(s.compared_start, 103, 1e-9);
  EXPECT_EQ(s.matched_frames, 4);
  // The last query scene runs for the median interval (9 s): to 37 s, bounded
  // by the compared scene's end at 140 s, i.e. 37 s on the query side.
  EXPECT_NEAR(s.query_end, 37, 1e-9);
  EXPECT_NEAR(s.compared_end, 140, 1e-9);

  // The reverse: the clip's first scene starts 3 s into the video's scene.
  const std::vector<VpdqSegment> reverse = FindSegments(video, clip);
  ASSERT_EQ(reverse.size(), 1u);
  EXPECT_NEAR(reverse[0].query_start, 103, 1e-9);
  EXPECT_NEAR(reverse[0].compared_start, 0, 1e-9);
  EXPECT_NEAR(reverse[0].query_end, 140, 1e-9);
}

TEST(VpdqSegmentsTest, UncollapsedQueryAgainstCollapsedStill) {
  // Compared: a still scene from 50 to 60 s (one frame), surrounded by others.
  const std::vector<VpdqFrame> video = StillScenes({0, 20, 50, 60, 61, 62, 63, 90}, 41);
  // Query: 1 frame per second of 55..63 s (5 frames of the still, then 3 scenes).
  std::vector<VpdqFrame> query;
  const int source[] = {2, 2, 2, 2, 2, 3, 4, 5};
  for (int i = 0; i < 8; ++i) {
    VpdqFrame frame = video[source[i]];
    frame.hash = FlipPdqBits(frame.hash, 2 + i, 30);
    frame.timestamp_seconds = i;
    query.push_back(frame);
  }
  const std::vector<VpdqSegment> segments = FindSegments(query, video);
  ASSERT_EQ(segments.size(), 1u);
  EXPECT_NEAR(segments[0].query_start, 0, 1e-9);
  EXPECT_NEAR(segments[0].compared_start, 55, 1e-9);
  EXPECT_NEAR(segments[0].query_end, 8, 1e-9);
  EXPECT_NEAR(segments[0].compared_end, 63, 1e-9);
  EXPECT_EQ(segments[0].matched_frames, 8);
}

TEST(VpdqSegmentsTest, TwoSeparateSegmentsLongestFirst) {
  const std::vector<VpdqFrame> video = RandomVideo(600, 51);
  const std::vector<VpdqFrame> other = RandomVideo(30, 52);
  // A compilation: 6 s of the video at 400 s, 10 s of something else, then
  // 12 s of the video at 100 s.
  std::vector<VpdqFrame> query = Clip(video, 400, 6, 0);
  for (int i = 0; i < 10; ++i) {
    VpdqFrame frame = other[i];
    frame.timestamp_seconds = 6 + i;
    query.push_back(frame);
  }
  for (const VpdqFrame& frame : Clip(video, 100, 12, 16)) query.push_back(frame);
  const std::vector<VpdqSegment> segments = FindSegments(query, video);
  ASSERT_EQ(segments.size(), 2u);
  EXPECT_NEAR(segments[0].query_start, 16, 1e-9);
  EXPECT_NEAR(segments[0].query_end, 28, 1e-9);
  EXPECT_NEAR(segments[0].compared_start, 100, 1e-9);
  EXPECT_NEAR(segments[0].compared_end, 112, 1e-9);
  EXPECT_EQ(segments[0].matched_frames, 12);
  EXPECT_NEAR(segments[1].query_start, 0, 1e-9);
  EXPECT_NEAR(segments[1].query_end, 6, 1e-9);
  EXPECT_NEAR(segments[1].compared_start, 400, 1e-9);
  EXPECT_NEAR(segments[1].compared_end, 406, 1e-9);
  EXPECT_EQ(segments[1].query_frames, 6);
}

TEST(VpdqSegmentsTest, GapSplitsAndShortRunsAreDropped) {
  const std::vector<VpdqFrame> video = RandomVideo(300, 61);
  // 5 matching frames, 6 s of unrelated frames, then 2 matching frames at the
  // same offset: the gap ends the first run and the second is too short.
  std::vector<VpdqFrame> query = Clip(video, 200, 13, 0);
  std::mt19937_64 rng(62);
  for (int i = 5; i < 11; ++i) query[i].hash = RandomPdqHash(rng);
  const std::vector<VpdqSegment> segments = FindSegments(query, video);
  ASSERT_EQ(segments.size(), 1u);
  EXPECT_NEAR(segments[0].query_start, 0, 1e-9);
  EXPECT_NEAR(segments[0].query_end, 5, 1e-9);
  EXPECT_EQ(segments[0].matched_frames, 5);
}

TEST(VpdqSegmentsTest, UnrelatedVideosHaveNoSegment) {
  const std::vector<VpdqFrame> a = RandomVideo(1800, 71);
  const std::vector<VpdqFrame> b = RandomVideo(600, 72);
  EXPECT_TRUE(FindSegments(a, b).empty());
  EXPECT_TRUE(FindSegments(a, {}).empty());
  EXPECT_TRUE(FindSegments({}, a).empty());
}

TEST(VpdqSegmentsTest, NearStaticVideoStaysFast) {
  // 1800 frames that all lie within a few bits of one another.
  std::mt19937_64 rng(81);
  const PdqHash base = RandomPdqHash(rng);
  std::vector<VpdqFrame> video;
  for (int s = 0; s < 1800; ++s) {
    video.push_back(MakeFrame(s * 30, 100, FlipPdqBits(base, 1 + s % 5, (s * 7) % 250), s));
  }
  const auto start = std::chrono::steady_clock::now();
  const std::vector<VpdqSegment> segments = FindSegments(video, video);
  const std::chrono::duration<double> spent = std::chrono::steady_clock::now() - start;
  std::printf("near-static 1800 x 1800 frames: %.3f s, %zu segments\n", spent.count(),
              segments.size());
  EXPECT_LT(spent.count(), 5);
  ASSERT_FALSE(segments.empty());
  EXPECT_NEAR(segments[0].query_end - segments[0].query_start, 1800, 2);
}

// ---- Hashing files (encoded through FFmpeg) ----

Result<VpdqFingerprint> HashFile(const std::string& path, const VpdqHashOptions& options,
                                 int* delivered = nullptr) {
  TANTALIO_ASSIGN_OR_RETURN(std::unique_ptr<MediaInput> input, MediaInputFromFile(path));
  TANTALIO_ASSIGN_OR_RETURN(std::unique_ptr<MediaFile> file, MediaFile::Open(std::move(input)));
  PdqHasher hasher;
  return HashVideo(*file, options, hasher, [delivered](const VideoFrame& frame) {
    EXPECT_NE(frame.rgb, nullptr);
    if (delivered != nullptr) ++*delivered;
  });
}

TEST(VpdqHashVideoTest, OneFramePerSecondWithTimes) {
  TempDir dir;
  SyntheticVideoSpec spec;
  spec.width = 160;
  spec.height = 120;
  spec.duration_seconds = 5;
  spec.video_codec = "mpeg4";
  const std::string path = dir.Sub("five.mp4");
  ASSERT_TRUE(WriteSyntheticVideo(spec, path).ok());
  VpdqHashOptions options;
  options.collapse_repeats = false;
  int delivered = 0;
  Result<VpdqFingerprint> fp = HashFile(path, options, &delivered);
  ASSERT_TRUE(fp.ok()) << fp.status().ToString();
  ASSERT_EQ(fp->frames.size(), 5u);
  EXPECT_EQ(delivered, 5);
  EXPECT_DOUBLE_EQ(fp->frame_rate, 30);
  EXPECT_DOUBLE_EQ(fp->seconds_per_hash, 1);
  EXPECT_NEAR(fp->duration_seconds, 5, 0.1);
  EXPECT_FALSE(fp->partial) << fp->warning;
  EXPECT_GE(fp->frames_decoded, 5);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(fp->frames[i].frame_number, 30 * i);
    EXPECT_NEAR(fp->frames[i].timestamp_seconds, i, 1e-9);
    EXPECT_GE(fp->frames[i].quality, kPdqMinGoodQuality);
  }
  // Collapsing keeps every frame whose hash differs from the previous one.
  options.collapse_repeats = true;
  Result<VpdqFingerprint> collapsed = HashFile(path, options);
  ASSERT_TRUE(collapsed.ok());
  EXPECT_EQ(collapsed->frames, CollapseRepeats(fp->frames));
}

TEST(VpdqHashVideoTest, ClipOfAnEncodedVideoIsFound) {
  TempDir dir;
  SyntheticVideoSpec spec;
  spec.width = 160;
  spec.height = 120;
  spec.duration_seconds = 30;
  const std::string full = dir.Sub("full.mp4");
  ASSERT_TRUE(WriteSyntheticVideo(spec, full).ok());
  spec.start_seconds = 12;
  spec.duration_seconds = 8;
  spec.width = 240;  // a re-encode at another size
  spec.height = 180;
  spec.video_codec = "mpeg4";
  const std::string clip = dir.Sub("clip.mkv");
  ASSERT_TRUE(WriteSyntheticVideo(spec, clip).ok());
  Result<VpdqFingerprint> a = HashFile(full, {});
  Result<VpdqFingerprint> b = HashFile(clip, {});
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  const std::vector<VpdqSegment> segments = FindSegments(b->frames, a->frames);
  ASSERT_FALSE(segments.empty());
  const VpdqSegment& s = segments[0];
  std::printf("clip segment: q %.2f-%.2f c %.2f-%.2f, %d/%d frames, mean distance %d\n",
              s.query_start, s.query_end, s.compared_start, s.compared_end, s.matched_frames,
              s.query_frames, s.mean_distance);
  EXPECT_NEAR(s.query_start, 0, 1);
  EXPECT_NEAR(s.query_end, 8, 1);
  EXPECT_NEAR(s.compared_start, 12, 1);
  EXPECT_NEAR(s.compared_end, 20, 1);
  const VpdqPercentages p = MatchPercentages(b->frames, a->frames);
  EXPECT_GE(p.query_percent, 80);
  EXPECT_TRUE(p.IsMatch({}));
}

}  // namespace
}  // namespace tantalio
