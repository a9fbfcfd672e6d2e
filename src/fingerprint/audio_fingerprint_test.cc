#include "fingerprint/audio_fingerprint.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <memory>
#include <numbers>
#include <random>
#include <vector>

#include "base/temp_dir.h"
#include "media/media_file.h"
#include "media/synthetic_media.h"

namespace tantalio {
namespace {

// A melody of random notes (three partials) and noise bursts, a function of
// time so that any clip or sample rate of it is the same audio.
class Melody {
 public:
  Melody(uint64_t seed, double seconds) {
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> length(0.15, 0.6);
    std::uniform_int_distribution<int> semitone(0, 47);
    std::uniform_real_distribution<double> unit(0, 1);
    for (double t = 0; t < seconds;) {
      Note note;
      note.start = t;
      note.end = t + length(rng);
      note.frequency = 110.0 * std::pow(2.0, semitone(rng) / 12.0);
      note.noise = unit(rng) < 0.15;
      note.amplitude = 0.3 + 0.5 * unit(rng);
      notes_.push_back(note);
      t = note.end;
    }
  }

  double At(double t) const {
    const auto it = std::upper_bound(notes_.begin(), notes_.end(), t,
                                     [](double time, const Note& n) { return time < n.start; });
    if (it == notes_.begin()) return 0;
    const Note& note = *(it - 1);
    const double into = t - note.start;
    const double envelope = std::min({1.0, into / 0.01, (note.end - t) / 0.02});
    if (envelope <= 0) return 0;
    if (note.noise) {
      // Deterministic noise: a hash of the 1/8000 s slot.
      uint64_t x = static_cast<uint64_t>(t * 8000) * 0x9E3779B97F4A7C15ull;
      x ^= x >> 29;
      x *= 0xBF58476D1CE4E5B9ull;
      x ^= x >> 32;
      return note.amplitude * envelope * ((x & 0xffff) / 32768.0 - 1.0) * 0.5;
    }
    const double w = 2 * std::numbers::pi * note.frequency * t;
    return note.amplitude * envelope *
           (std::sin(w) + 0.5 * std::sin(2 * w) + 0.25 * std::sin(3 * w)) / 1.75;
  }

  // [start, start + seconds) at `rate` Hz, `channels` identical channels.
  std::vector<int16_t> Pcm(double start, double seconds, int rate, int channels = 1) const {
    const size_t n = static_cast<size_t>(seconds * rate);
    std::vector<int16_t> pcm;
    pcm.reserve(n * channels);
    for (size_t i = 0; i < n; ++i) {
      const auto v =
          static_cast<int16_t>(std::lround(At(start + static_cast<double>(i) / rate) * 30000));
      for (int ch = 0; ch < channels; ++ch) pcm.push_back(v);
    }
    return pcm;
  }

 private:
  struct Note {
    double start = 0;
    double end = 0;
    double frequency = 0;
    bool noise = false;
    double amplitude = 0;
  };
  std::vector<Note> notes_;
};

AudioFingerprint Fingerprint(const Melody& melody, double start, double seconds, int rate = 11025,
                             int channels = 1) {
  Result<AudioFingerprint> fp =
      FingerprintPcm(melody.Pcm(start, seconds, rate, channels), rate, channels);
  EXPECT_TRUE(fp.ok()) << fp.status().ToString();
  return fp.ok() ? *fp : AudioFingerprint();
}

// Bit error rate of the items aligned at offset 0 over their overlap.
double AlignedBer(const AudioFingerprint& a, const AudioFingerprint& b) {
  const size_t n = std::min(a.items.size(), b.items.size());
  int64_t errors = 0;
  for (size_t i = 0; i < n; ++i) errors += std::popcount(a.items[i] ^ b.items[i]);
  return static_cast<double>(errors) / (32.0 * static_cast<double>(n));
}

TEST(AudioFingerprintTest, ItemRateIsChromaprints) {
  const Melody melody(1, 20);
  const AudioFingerprint fp = Fingerprint(melody, 0, 20);
  EXPECT_NEAR(fp.seconds_per_item, 1365.0 / 11025, 1e-9);
  EXPECT_NEAR(fp.duration_seconds, 20, 1e-3);
  // 20 s: (220500 - 4096) / 1365 + 1 frames, less 19 of context.
  EXPECT_NEAR(static_cast<double>(fp.items.size()), 140, 2);
}

TEST(AudioFingerprintTest, SameAudioMatchesWhole) {
  const Melody melody(2, 30);
  const AudioFingerprint a = Fingerprint(melody, 0, 30);
  const AudioFingerprint b = Fingerprint(melody, 0, 30);
  EXPECT_EQ(a.items, b.items);
  const std::vector<AudioMatch> matches = MatchAudio(a, b);
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_LT(matches[0].bit_error_rate, 0.01);
  EXPECT_TRUE(matches[0].whole_query);
  EXPECT_TRUE(matches[0].whole_compared);
  EXPECT_NEAR(matches[0].query_start, 0, 0.2);
  EXPECT_NEAR(matches[0].query_end, 30, 0.5);
}

TEST(AudioFingerprintTest, ResampledStereoCopyMatches) {
  const Melody melody(3, 30);
  const AudioFingerprint mono = Fingerprint(melody, 0, 30);
  const AudioFingerprint stereo = Fingerprint(melody, 0, 30, 44100, 2);
  const double ber = AlignedBer(mono, stereo);
  std::printf("BER mono 11025 vs stereo 44100: %.4f\n", ber);
  EXPECT_LT(ber, 0.1);
  const std::vector<AudioMatch> matches = MatchAudio(stereo, mono);
  ASSERT_FALSE(matches.empty());
  EXPECT_TRUE(matches[0].whole_query);
  EXPECT_TRUE(matches[0].whole_compared);
}

TEST(AudioFingerprintTest, UnrelatedAudioDoesNotMatch) {
  const AudioFingerprint a = Fingerprint(Melody(4, 60), 0, 60);
  const AudioFingerprint b = Fingerprint(Melody(5, 60), 0, 60);
  const double ber = AlignedBer(a, b);
  std::printf("BER unrelated: %.4f\n", ber);
  EXPECT_GT(ber, 0.35);
  EXPECT_LT(ber, 0.65);
  EXPECT_TRUE(MatchAudio(a, b).empty());
  // Silence-free noise against a melody.
  EXPECT_TRUE(MatchAudio(b, a).empty());
}

void ExpectClipMatch(const AudioMatch& m, double q_start, double q_end, double c_start,
                     double c_end) {
  EXPECT_NEAR(m.query_start, q_start, 0.5);
  EXPECT_NEAR(m.query_end, q_end, 0.5);
  EXPECT_NEAR(m.compared_start, c_start, 0.5);
  EXPECT_NEAR(m.compared_end, c_end, 0.5);
}

TEST(AudioFingerprintTest, FindsTenSecondClipAt37Seconds) {
  const Melody melody(6, 120);
  const AudioFingerprint full = Fingerprint(melody, 0, 120);
  const AudioFingerprint clip = Fingerprint(melody, 37, 10);
  const std::vector<AudioMatch> matches = MatchAudio(clip, full);
  ASSERT_EQ(matches.size(), 1u);
  const AudioMatch& m = matches[0];
  std::printf("clip: q %.2f-%.2f c %.2f-%.2f BER %.4f\n", m.query_start, m.query_end,
              m.compared_start, m.compared_end, m.bit_error_rate);
  ExpectClipMatch(m, 0, 10, 37, 47);
  EXPECT_LT(m.bit_error_rate, 0.15);
  EXPECT_TRUE(m.whole_query);
  EXPECT_FALSE(m.whole_compared);

  const std::vector<AudioMatch> reverse = MatchAudio(full, clip);
  ASSERT_EQ(reverse.size(), 1u);
  ExpectClipMatch(reverse[0], 37, 47, 0, 10);
  EXPECT_FALSE(reverse[0].whole_query);
  EXPECT_TRUE(reverse[0].whole_compared);
}

TEST(AudioFingerprintTest, FindsTwoStretchesOfACompilation) {
  const Melody melody(7, 200);
  const Melody other(8, 20);
  // 8 s from 150 s, 6 s of other audio, 10 s from 20 s.
  std::vector<int16_t> pcm = melody.Pcm(150, 8, 11025);
  const std::vector<int16_t> filler = other.Pcm(0, 6, 11025);
  const std::vector<int16_t> second = melody.Pcm(20, 10, 11025);
  pcm.insert(pcm.end(), filler.begin(), filler.end());
  pcm.insert(pcm.end(), second.begin(), second.end());
  Result<AudioFingerprint> query = FingerprintPcm(pcm, 11025, 1);
  ASSERT_TRUE(query.ok());
  const std::vector<AudioMatch> matches = MatchAudio(*query, Fingerprint(melody, 0, 200));
  ASSERT_EQ(matches.size(), 2u);
  // An item summarises 2.7 s of audio, so a cut is placed within +-0.8 s.
  EXPECT_NEAR(matches[0].query_start, 14, 0.8);
  EXPECT_NEAR(matches[0].query_end, 24, 0.5);
  EXPECT_NEAR(matches[0].compared_start, 20, 0.8);
  EXPECT_NEAR(matches[0].compared_end, 30, 0.5);
  EXPECT_NEAR(matches[1].query_start, 0, 0.5);
  EXPECT_NEAR(matches[1].query_end, 8, 0.8);
  EXPECT_NEAR(matches[1].compared_start, 150, 0.5);
  EXPECT_NEAR(matches[1].compared_end, 158, 0.8);
  for (const AudioMatch& m : matches) {
    std::printf("compilation: q %.2f-%.2f c %.2f-%.2f BER %.4f\n", m.query_start, m.query_end,
                m.compared_start, m.compared_end, m.bit_error_rate);
    EXPECT_FALSE(m.whole_query);
    EXPECT_FALSE(m.whole_compared);
  }
}

TEST(AudioFingerprintTest, MatchingTenSecondsAgainstTenMinutesIsFast) {
  const Melody melody(9, 600);
  const AudioFingerprint full = Fingerprint(melody, 0, 600);
  const AudioFingerprint clip = Fingerprint(melody, 421.3, 10);
  const auto start = std::chrono::steady_clock::now();
  constexpr int kRuns = 20;
  std::vector<AudioMatch> matches;
  for (int i = 0; i < kRuns; ++i) matches = MatchAudio(clip, full);
  const std::chrono::duration<double, std::milli> spent = std::chrono::steady_clock::now() - start;
  std::printf("MatchAudio 10 s vs 600 s: %.3f ms per call\n", spent.count() / kRuns);
  EXPECT_LT(spent.count() / kRuns, 50);
  ASSERT_FALSE(matches.empty());
  ExpectClipMatch(matches[0], 0, 10, 421.3, 431.3);

  // Two long recordings take the coarse path.
  const AudioFingerprint shifted = Fingerprint(melody, 100, 500);
  const auto long_start = std::chrono::steady_clock::now();
  const std::vector<AudioMatch> long_matches = MatchAudio(shifted, full);
  const std::chrono::duration<double, std::milli> long_spent =
      std::chrono::steady_clock::now() - long_start;
  std::printf("MatchAudio 500 s vs 600 s: %.3f ms\n", long_spent.count());
  ASSERT_FALSE(long_matches.empty());
  ExpectClipMatch(long_matches[0], 0, 500, 100, 600);
}

TEST(AudioFingerprintTest, EncodeDecodeRoundTrip) {
  const AudioFingerprint fp = Fingerprint(Melody(10, 15), 0, 15);
  const std::string encoded = EncodeAudioFingerprint(fp);
  ASSERT_FALSE(encoded.empty());
  EXPECT_EQ(
      encoded.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
      std::string::npos);
  Result<AudioFingerprint> decoded = DecodeAudioFingerprint(encoded);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->items, fp.items);
  EXPECT_DOUBLE_EQ(decoded->seconds_per_item, fp.seconds_per_item);
  EXPECT_NEAR(decoded->duration_seconds, fp.duration_seconds, 0.5);
}

TEST(AudioFingerprintTest, MalformedEncodedStringIsRejected) {
  const AudioFingerprint fp = Fingerprint(Melody(11, 15), 0, 15);
  const std::string encoded = EncodeAudioFingerprint(fp);
  for (const std::string& bad : {std::string(), std::string("not base64!"), std::string("AQ"),
                                 encoded.substr(0, 6), encoded + "=", "A" + encoded.substr(1, 3)}) {
    Result<AudioFingerprint> decoded = DecodeAudioFingerprint(bad);
    ASSERT_FALSE(decoded.ok()) << "'" << bad << "'";
    EXPECT_EQ(decoded.status().code(), StatusCode::kInvalidArgument);
  }
}

TEST(AudioFingerprintTest, TooShortOrBadFormatIsRejected) {
  const Melody melody(12, 5);
  Result<AudioFingerprint> short_fp = FingerprintPcm(melody.Pcm(0, 1.5, 11025), 11025, 1);
  ASSERT_FALSE(short_fp.ok());
  EXPECT_EQ(short_fp.status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(FingerprintPcm({}, 11025, 1).ok());
  EXPECT_EQ(FingerprintPcm(melody.Pcm(0, 4, 11025), 0, 1).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(FingerprintPcm(melody.Pcm(0, 4, 11025, 1), 11025, 0).status().code(),
            StatusCode::kInvalidArgument);
  const std::vector<int16_t> odd(3 * 11025 * 2 + 1, 0);
  EXPECT_EQ(FingerprintPcm(odd, 11025, 2).status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(FingerprintPcm(melody.Pcm(0, 4, 11025), 11025, 1).ok());
}

// ---- Files (encoded through FFmpeg) ----

class AudioFileTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { dir_ = new TempDir(); }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }

  // Writes (once) and fingerprints a synthetic audio file.
  static AudioFingerprint FingerprintFile(const std::string& name, uint64_t seed, double start,
                                          double seconds, const std::string& codec,
                                          int sample_rate = 44100) {
    const std::string path = dir_->Sub(name);
    if (!std::filesystem::exists(path)) {
      SyntheticAudioSpec spec;
      spec.seed = seed;
      spec.sample_rate = sample_rate;
      spec.start_seconds = start;
      spec.duration_seconds = seconds;
      spec.codec = codec;
      const Status written = WriteSyntheticAudio(spec, path);
      EXPECT_TRUE(written.ok()) << written.ToString();
    }
    Result<AudioFingerprint> fp = FingerprintPath(path);
    EXPECT_TRUE(fp.ok()) << name << ": " << fp.status().ToString();
    return fp.ok() ? *fp : AudioFingerprint();
  }

  static Result<AudioFingerprint> FingerprintPath(const std::string& path,
                                                  const AudioFingerprintOptions& options = {}) {
    TANTALIO_ASSIGN_OR_RETURN(std::unique_ptr<MediaInput> input, MediaInputFromFile(path));
    TANTALIO_ASSIGN_OR_RETURN(std::unique_ptr<MediaFile> file, MediaFile::Open(std::move(input)));
    return FingerprintAudio(*file, options);
  }

  static TempDir* dir_;
};

TempDir* AudioFileTest::dir_ = nullptr;

TEST_F(AudioFileTest, AacAndMp3OfTheSameAudioMatchWhole) {
  const AudioFingerprint aac = FingerprintFile("a.m4a", 1, 0, 60, "aac");
  const AudioFingerprint mp3 = FingerprintFile("a.mp3", 1, 0, 60, "libmp3lame", 22050);
  EXPECT_NEAR(aac.duration_seconds, 60, 0.1);
  EXPECT_NEAR(mp3.duration_seconds, 60, 0.1);
  const std::vector<AudioMatch> matches = MatchAudio(mp3, aac);
  ASSERT_FALSE(matches.empty());
  std::printf("AAC vs MP3: q %.2f-%.2f c %.2f-%.2f BER %.4f\n", matches[0].query_start,
              matches[0].query_end, matches[0].compared_start, matches[0].compared_end,
              matches[0].bit_error_rate);
  EXPECT_LT(matches[0].bit_error_rate, 0.2);
  EXPECT_TRUE(matches[0].whole_query);
  EXPECT_TRUE(matches[0].whole_compared);
  EXPECT_NEAR(matches[0].compared_start - matches[0].query_start, 0, 0.2);
}

TEST_F(AudioFileTest, ClipFileIsFoundWithItsTimeRange) {
  const AudioFingerprint aac = FingerprintFile("a.m4a", 1, 0, 60, "aac");
  const AudioFingerprint clip = FingerprintFile("clip.mp3", 1, 37, 10, "libmp3lame");
  const std::vector<AudioMatch> matches = MatchAudio(clip, aac);
  ASSERT_EQ(matches.size(), 1u);
  const AudioMatch& m = matches[0];
  std::printf("MP3 clip in AAC: q %.2f-%.2f c %.2f-%.2f BER %.4f\n", m.query_start, m.query_end,
              m.compared_start, m.compared_end, m.bit_error_rate);
  ExpectClipMatch(m, 0, 10, 37, 47);
  EXPECT_TRUE(m.whole_query);
  EXPECT_FALSE(m.whole_compared);
}

TEST_F(AudioFileTest, UnrelatedFileDoesNotMatch) {
  const AudioFingerprint aac = FingerprintFile("a.m4a", 1, 0, 60, "aac");
  const AudioFingerprint other = FingerprintFile("b.m4a", 2, 0, 60, "aac");
  std::printf("AAC unrelated (aligned): BER %.4f\n", AlignedBer(aac, other));
  EXPECT_GT(AlignedBer(aac, other), 0.3);
  EXPECT_TRUE(MatchAudio(other, aac).empty());
}

TEST_F(AudioFileTest, SpeedAndLimits) {
  FingerprintFile("a.m4a", 1, 0, 60, "aac");
  const std::string path = dir_->Sub("a.m4a");
  const std::clock_t cpu_start = std::clock();
  Result<AudioFingerprint> fp = FingerprintPath(path);
  const double cpu = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  ASSERT_TRUE(fp.ok()) << fp.status().ToString();
  std::printf("FingerprintAudio 60 s AAC: %.3f CPU s, %.0f s of audio per CPU second\n", cpu,
              fp->duration_seconds / cpu);
  EXPECT_FALSE(fp->partial);

  AudioFingerprintOptions options;
  options.max_seconds = 20;
  Result<AudioFingerprint> first = FingerprintPath(path, options);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_NEAR(first->duration_seconds, 20, 0.2);
  // The first 20 s are the start of the whole fingerprint.
  const std::vector<AudioMatch> matches = MatchAudio(*first, *fp);
  ASSERT_FALSE(matches.empty());
  EXPECT_NEAR(matches[0].compared_start, 0, 0.2);

  const std::string short_path = dir_->Sub("short.m4a");
  SyntheticAudioSpec spec;
  spec.duration_seconds = 1.5;
  ASSERT_TRUE(WriteSyntheticAudio(spec, short_path).ok());
  EXPECT_EQ(FingerprintPath(short_path).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(AudioFileTest, VideoWithoutAudioIsAnError) {
  const std::string path = dir_->Sub("silent.mp4");
  SyntheticVideoSpec spec;
  spec.width = 64;
  spec.height = 48;
  spec.duration_seconds = 1;
  spec.video_codec = "mpeg4";
  ASSERT_TRUE(WriteSyntheticVideo(spec, path).ok());
  Result<AudioFingerprint> fp = FingerprintPath(path);
  ASSERT_FALSE(fp.ok());
  EXPECT_EQ(fp.status().code(), StatusCode::kNotFound) << fp.status().ToString();
}

}  // namespace
}  // namespace tantalio
