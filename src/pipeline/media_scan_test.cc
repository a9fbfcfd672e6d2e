// Scanning video and audio end to end: generated videos and audio (benign
// patterns and tones) are fingerprinted by a scan, stored with their media
// facts and thumbnails, and matched against a hash set holding a known
// video's vPDQ frames and a known recording's Chromaprint fingerprint: a
// re-encode matches as a whole, a clip with its time ranges, audio by
// alignment. Damaged files get error rows and the scan goes on.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "base/temp_dir.h"
#include "demo/demo_evidence.h"
#include "fingerprint/audio_fingerprint.h"
#include "fingerprint/vpdq.h"
#include "media/media_file.h"
#include "media/synthetic_media.h"
#include "pipeline/media_analysis.h"
#include "pipeline/scan_test_util.h"
#include "pipeline/scanner.h"
#include "store/store.h"

namespace tantalio {
namespace {

std::vector<uint8_t> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class MediaScanTest : public ::testing::Test {
 protected:
  static constexpr uint64_t kSeed = 61;

  void SetUp() override {
    std::filesystem::create_directories(dir_.Sub("known"));
    std::filesystem::create_directories(dir_.Sub("phone"));
    SyntheticVideoSpec original;
    original.seed = kSeed;
    original.width = 320;
    original.height = 240;
    original.duration_seconds = 40;
    original.audio = true;
    ASSERT_TRUE(WriteSyntheticVideo(original, dir_.Sub("known/original.mp4")).ok());

    SyntheticVideoSpec reencode = original;  // the same pictures, smaller, another codec
    reencode.width = 176;
    reencode.height = 144;
    reencode.video_codec = "mpeg4";
    ASSERT_TRUE(WriteSyntheticVideo(reencode, dir_.Sub("phone/VID-20170504-WA0001.mp4")).ok());

    SyntheticVideoSpec clip = original;  // 10 s cut from 20 s into the original
    clip.start_seconds = 20;
    clip.duration_seconds = 10;
    clip.audio = false;
    ASSERT_TRUE(WriteSyntheticVideo(clip, dir_.Sub("phone/clip.mkv")).ok());

    SyntheticVideoSpec moment = clip;  // 2 s: too few frames for a segment of several
    moment.start_seconds = 6;
    moment.duration_seconds = 2;
    ASSERT_TRUE(WriteSyntheticVideo(moment, dir_.Sub("phone/moment.mp4")).ok());

    SyntheticVideoSpec other = original;  // unrelated pictures
    other.seed = kSeed + 100;
    other.duration_seconds = 12;
    other.audio = false;
    ASSERT_TRUE(WriteSyntheticVideo(other, dir_.Sub("phone/other.mp4")).ok());

    SyntheticAudioSpec song;
    song.seed = 7;
    song.duration_seconds = 60;
    ASSERT_TRUE(WriteSyntheticAudio(song, dir_.Sub("known/song.m4a")).ok());
    SyntheticAudioSpec song_clip = song;  // 12 s of it from 30 s, as a voice note would carry
    song_clip.start_seconds = 30;
    song_clip.duration_seconds = 12;
    song_clip.codec = "libopus";
    song_clip.sample_rate = 48000;
    ASSERT_TRUE(WriteSyntheticAudio(song_clip, dir_.Sub("phone/PTT-20170504-WA0002.opus")).ok());

    // Damaged: a truncated video and bytes that only look like one.
    std::vector<uint8_t> bytes = ReadFile(dir_.Sub("known/original.mp4"));
    bytes.resize(bytes.size() / 2);
    dir_.Write("phone/truncated.mp4", std::string(bytes.begin(), bytes.end()));
    std::string fake(
        "\x00\x00\x00\x18"
        "ftypmp42",
        12);
    fake.resize(4096, '\x5a');
    dir_.Write("phone/fake.mp4", fake);

    // A codec this FFmpeg does not know: an AVI whose video FourCC is renamed.
    SyntheticVideoSpec avi = other;
    avi.video_codec = "mpeg4";
    avi.audio = true;
    avi.audio_codec = "libmp3lame";
    ASSERT_TRUE(WriteSyntheticVideo(avi, dir_.Sub("known/avi.avi")).ok());
    bytes = ReadFile(dir_.Sub("known/avi.avi"));
    std::string renamed(bytes.begin(), bytes.end());
    int fourccs = 0;
    for (size_t at = renamed.find("FMP4"); at != std::string::npos; at = renamed.find("FMP4", at)) {
      renamed.replace(at, 4, "QQQQ");
      ++fourccs;
    }
    ASSERT_EQ(fourccs, 2);  // the stream header and the format
    dir_.Write("phone/unknown-codec.avi", renamed);
    auto store = Store::Open("sqlite:" + dir_.Sub("case.db"));
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    auto c = store_->CreateCase(CaseInfo{0, "op", "", "", ""});
    ASSERT_TRUE(c.ok());
    case_ = *c;
  }

  // Imports the known video's frames and the known song's fingerprint as a set.
  void ImportKnownMedia() {
    auto import = store_->BeginHashSetImport(HashSetInfo::Named("known-media", kKindIllegal));
    ASSERT_TRUE(import.ok()) << import.status().ToString();
    auto input = MediaInputFromFile(dir_.Sub("known/original.mp4"));
    ASSERT_TRUE(input.ok());
    auto video = MediaFile::Open(std::move(input).value(), "original.mp4");
    ASSERT_TRUE(video.ok()) << video.status().ToString();
    PdqHasher hasher;
    auto frames = HashVideo(**video, {}, hasher);
    ASSERT_TRUE(frames.ok()) << frames.status().ToString();
    ASSERT_GE(frames->frames.size(), 20u);
    for (const VpdqFrame& frame : frames->frames) {
      formats::HashSetEntry e;
      e.source_ref = "KV-1";
      e.media_time = frame.timestamp_seconds;
      e.pdq = frame.hash.ToHex();
      e.pdq_quality = frame.quality;
      e.category = 1;
      ASSERT_TRUE((*import)->Add(e).ok());
    }
    auto song_input = MediaInputFromFile(dir_.Sub("known/song.m4a"));
    ASSERT_TRUE(song_input.ok());
    auto song = MediaFile::Open(std::move(song_input).value(), "song.m4a");
    ASSERT_TRUE(song.ok()) << song.status().ToString();
    auto audio = FingerprintAudio(**song);
    ASSERT_TRUE(audio.ok()) << audio.status().ToString();
    formats::HashSetEntry e;
    e.source_ref = "KA-1";
    e.chromaprint = EncodeAudioFingerprint(*audio);
    ASSERT_TRUE((*import)->Add(e).ok());
    ASSERT_TRUE((*import)->Commit(HashSetInfo::Named("known-media", kKindIllegal)).ok());
  }

  ScanSummary ScanPhone(const ScanOptions& options = {}) {
    return testing_util::ScanFolder(*store_, case_, "phone", dir_.Sub("phone"), options);
  }

  std::map<std::string, MediaRow> Media() {
    std::map<std::string, MediaRow> out;
    EXPECT_TRUE(store_
                    ->ForEachMedia(case_.id, std::nullopt,
                                   [&](const MediaRow& row) {
                                     out[row.forensic_path] = row;
                                     return true;
                                   })
                    .ok());
    return out;
  }

  // Matches by forensic path.
  std::multimap<std::string, MatchRow> Matches() {
    std::multimap<std::string, MatchRow> out;
    EXPECT_TRUE(store_
                    ->ForEachMatch(case_.id, true,
                                   [&](const MatchRow& row) {
                                     out.emplace(row.forensic_path, row);
                                     return true;
                                   })
                    .ok());
    return out;
  }

  std::vector<StoredError> Errors() { return testing_util::CaseErrors(*store_, case_.id); }

  TempDir dir_;
  std::unique_ptr<Store> store_;
  CaseInfo case_;
};

TEST_F(MediaScanTest, VideosAndAudioAreDescribedFingerprintedAndThumbnailed) {
  ScanPhone();
  auto media = Media();
  ASSERT_TRUE(media.contains("phone/VID-20170504-WA0001.mp4"));
  const MediaRow& video = media["phone/VID-20170504-WA0001.mp4"];
  EXPECT_EQ(video.info.video_codec, "mpeg4");
  EXPECT_EQ(video.info.width, 176);
  EXPECT_EQ(video.info.height, 144);
  EXPECT_NEAR(video.info.duration_seconds.value_or(0), 40, 0.5);
  EXPECT_NEAR(video.info.frame_rate.value_or(0), 30, 0.01);
  EXPECT_EQ(video.info.audio_codec, "aac");
  EXPECT_FALSE(video.info.creation_time.empty());
  EXPECT_NE(video.info.decoder.find("libavcodec"), std::string::npos) << video.info.decoder;
  // One frame per second, repeats collapsed: at most 40, and scenes differ.
  EXPECT_GE(video.video_frames, 10);
  EXPECT_LE(video.video_frames, 40);
  EXPECT_TRUE(video.audio_fingerprint);
  EXPECT_EQ(video.thumbnails, 4);
  EXPECT_FALSE(video.partial);

  auto thumbs = store_->Thumbnails(video.info.sha256);
  ASSERT_TRUE(thumbs.ok());
  ASSERT_EQ(thumbs->size(), 4u);
  EXPECT_LE(std::max((*thumbs)[0].width, (*thumbs)[0].height), 160);
  EXPECT_EQ((*thumbs)[0].jpeg[0], 0xFF);  // a JPEG
  EXPECT_EQ((*thumbs)[0].jpeg[1], 0xD8);

  ASSERT_TRUE(media.contains("phone/PTT-20170504-WA0002.opus"));
  const MediaRow& voice = media["phone/PTT-20170504-WA0002.opus"];
  EXPECT_EQ(voice.info.audio_codec, "opus");
  EXPECT_TRUE(voice.info.video_codec.empty());
  EXPECT_TRUE(voice.audio_fingerprint);
  EXPECT_EQ(voice.video_frames, 0);

  auto frames = store_->Fingerprints(video.info.sha256, kVpdqAlgorithm);
  ASSERT_TRUE(frames.ok());
  ASSERT_FALSE(frames->empty());
  EXPECT_EQ(frames->front().timestamp_ms, 0);
  EXPECT_NE(frames->front().producer.find("one frame per 1 s"), std::string::npos);
}

TEST_F(MediaScanTest, KnownVideoMatchesWholeAndAsAClipWithTimeRanges) {
  ImportKnownMedia();
  ScanPhone();
  auto matches = Matches();

  auto whole = matches.equal_range("phone/VID-20170504-WA0001.mp4");
  bool found_whole = false, found_audio = false;
  for (auto it = whole.first; it != whole.second; ++it) {
    const MatchRow& m = it->second;
    if (m.method == kMethodVpdq) {
      found_whole = true;
      EXPECT_EQ(m.entry_ref, "KV-1");
      EXPECT_GE(m.span.score.value_or(0), 80);
      EXPECT_GE(m.span.known_percent.value_or(0), 80);
    }
    if (m.method == kMethodAudio) {
      found_audio = true;  // the re-encode kept the original's audio track
    }
  }
  EXPECT_TRUE(found_whole) << "the re-encode should match the known video as a whole";
  EXPECT_FALSE(found_audio) << "the known recording is the song, not the video's track";

  auto clip = matches.equal_range("phone/clip.mkv");
  ASSERT_NE(clip.first, clip.second) << "the 10 s clip should match the known video";
  const MatchRow& c = clip.first->second;
  EXPECT_EQ(c.method, kMethodVpdqClip);
  EXPECT_EQ(c.entry_ref, "KV-1");
  EXPECT_NEAR(c.span.query_start.value_or(-1), 0, 1.01);
  EXPECT_NEAR(c.span.query_end.value_or(-1), 10, 1.51);
  EXPECT_NEAR(c.span.known_start.value_or(-1), 20, 1.01);
  EXPECT_NEAR(c.span.known_end.value_or(-1), 30, 1.51);

  auto moment = matches.equal_range("phone/moment.mp4");
  ASSERT_NE(moment.first, moment.second) << "a 2 s clip still matches by the vPDQ rule";
  EXPECT_EQ(moment.first->second.method, kMethodVpdqClip);
  EXPECT_NEAR(moment.first->second.span.known_start.value_or(-1), 6, 1.01);

  EXPECT_EQ(matches.count("phone/other.mp4"), 0u) << "unrelated pictures must not match";

  auto voice = matches.equal_range("phone/PTT-20170504-WA0002.opus");
  ASSERT_NE(voice.first, voice.second) << "the voice note carries 12 s of the known song";
  const MatchRow& a = voice.first->second;
  EXPECT_EQ(a.method, kMethodAudioClip);
  EXPECT_EQ(a.entry_ref, "KA-1");
  EXPECT_LT(a.span.score.value_or(1), 0.25);
  EXPECT_NEAR(a.span.known_start.value_or(-1), 30, 1.0);
  EXPECT_NEAR(a.span.known_end.value_or(-1), 42, 1.5);

  auto summary = store_->SummarizeMatches(case_.id);
  ASSERT_TRUE(summary.ok());
  // The re-encode, the two clips, the unrelated video and the truncated copy
  // of the known video (fingerprinted in part, and still matched): one is new.
  EXPECT_EQ(summary->videos, 5u);
  EXPECT_EQ(summary->new_videos, 1u);
  EXPECT_TRUE(matches.contains("phone/truncated.mp4"));
}

TEST_F(MediaScanTest, DamagedMediaGetErrorRowsAndTheScanGoesOn) {
  ScanSummary summary = ScanPhone();
  EXPECT_GE(summary.errors, 2u);
  bool truncated = false, fake = false;
  for (const StoredError& e : Errors()) {
    if (e.error.forensic_path == "phone/truncated.mp4" && e.error.stage == "video") {
      truncated = true;
      EXPECT_NE(e.error.message.find("in part"), std::string::npos) << e.error.message;
    }
    if (e.error.forensic_path == "phone/fake.mp4") {
      fake = true;
      EXPECT_EQ(e.error.stage, "media") << e.error.message;
    }
  }
  EXPECT_TRUE(truncated);
  EXPECT_TRUE(fake);
  // The unknown codec: an error row naming it, and the audio track still fingerprinted.
  bool unknown = false;
  for (const StoredError& e : Errors()) {
    if (e.error.forensic_path != "phone/unknown-codec.avi") continue;
    unknown = true;
    EXPECT_EQ(e.error.stage, "video");
    EXPECT_EQ(e.error.code, "unsupported") << e.error.message;
  }
  EXPECT_TRUE(unknown);
  auto described = Media();
  ASSERT_TRUE(described.contains("phone/unknown-codec.avi"));
  EXPECT_TRUE(described["phone/unknown-codec.avi"].audio_fingerprint);
  EXPECT_EQ(described["phone/unknown-codec.avi"].video_frames, 0);

  auto media = Media();
  ASSERT_TRUE(media.contains("phone/truncated.mp4"));
  EXPECT_TRUE(media["phone/truncated.mp4"].partial);
  EXPECT_GT(media["phone/truncated.mp4"].video_frames, 0);
  EXPECT_TRUE(media.contains("phone/clip.mkv"));  // the files after them were scanned
}

// An MP4 of zero duration (written by the ffmpeg program with -t 0: a
// container without a single sample) is reported, not skipped.
TEST_F(MediaScanTest, ZeroDurationVideoGetsAnErrorRow) {
  if (std::system("ffmpeg -version > /dev/null 2>&1") != 0) {
    GTEST_SKIP() << "the ffmpeg program is not installed (scripts/setup.sh installs it)";
  }
  std::filesystem::remove_all(dir_.Sub("phone"));
  std::filesystem::create_directories(dir_.Sub("phone"));
  ASSERT_EQ(std::system(("ffmpeg -hide_banner -loglevel error -y -f lavfi -i "
                         "testsrc=s=64x64:r=30 -t 0 -c:v mpeg4 '" +
                         dir_.Sub("phone/zero.mp4") + "'")
                            .c_str()),
            0);
  ScanPhone();
  std::vector<StoredError> errors = Errors();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].error.forensic_path, "phone/zero.mp4");
  EXPECT_EQ(errors[0].error.stage, "media");
  EXPECT_NE(errors[0].error.message.find("no audio or video stream"), std::string::npos)
      << errors[0].error.message;
}

TEST_F(MediaScanTest, VideoInsideAnArchiveIsFingerprinted) {
  std::vector<uint8_t> clip = ReadFile(dir_.Sub("phone/clip.mkv"));
  auto zip = WriteArchive(DemoArchiveFormat::kZip, {ArchiveMember{"DCIM/clip.mkv", clip, false}});
  ASSERT_TRUE(zip.ok());
  std::filesystem::remove_all(dir_.Sub("phone"));
  std::filesystem::create_directories(dir_.Sub("phone"));
  dir_.Write("phone/backup.zip", std::string(zip->begin(), zip->end()));
  ScanPhone();
  auto media = Media();
  ASSERT_TRUE(media.contains("phone/backup.zip!/DCIM/clip.mkv"));
  EXPECT_GE(media["phone/backup.zip!/DCIM/clip.mkv"].video_frames, 3);
}

TEST_F(MediaScanTest, MediaCanBeTurnedOff) {
  ScanOptions options;
  options.processor.media.enabled = false;
  ScanPhone(options);
  EXPECT_TRUE(Media().empty());
}

}  // namespace
}  // namespace tantalio
