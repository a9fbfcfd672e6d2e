#include "pipeline/media_analysis.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <utility>

namespace tantalio {
namespace {

// Picks up to `count` frames spread evenly over the video for thumbnails:
// the first delivered frame at or after each of the times (k + 0.5) / count
// of the duration (or every 10 s when the duration is unknown).
class ThumbnailPicker {
 public:
  ThumbnailPicker(int count, int max_side, double duration)
      : count_(count), max_side_(max_side), duration_(duration) {}

  void Offer(const VideoFrame& frame, MediaAnalysis& out) {
    if (static_cast<int>(out.thumbnails.size()) >= count_) return;
    const double k = static_cast<double>(out.thumbnails.size());
    const double due = duration_ > 0 ? duration_ * (k + 0.5) / count_ : k * 10;
    if (frame.timestamp_seconds + 1e-6 < due) return;
    auto jpeg = EncodeThumbnail(frame, max_side_);
    if (!jpeg.ok()) {
      if (!failed_) out.problems.emplace_back("thumbnail", jpeg.status());
      failed_ = true;
      return;
    }
    ThumbnailRecord t;
    t.timestamp_ms = std::llround(frame.timestamp_seconds * 1000);
    const double scale =
        std::min(1.0, static_cast<double>(max_side_) / std::max(frame.width, frame.height));
    t.width = std::max(1, static_cast<int>(std::lround(frame.width * scale)));
    t.height = std::max(1, static_cast<int>(std::lround(frame.height * scale)));
    t.jpeg = std::move(jpeg).value();
    out.thumbnails.push_back(std::move(t));
  }

 private:
  int count_;
  int max_side_;
  double duration_;
  bool failed_ = false;
};

std::optional<int64_t> Positive(int64_t v) {
  return v > 0 ? std::optional<int64_t>(v) : std::nullopt;
}
std::optional<double> Positive(double v) { return v > 0 ? std::optional<double>(v) : std::nullopt; }

// "one frame per 1 s", "one frame per 0.5 s", "every frame".
std::string DescribeSampling(double seconds_per_hash) {
  if (seconds_per_hash <= 0) return "every frame";
  char text[48];
  std::snprintf(text, sizeof text, "one frame per %g s", seconds_per_hash);
  return text;
}

}  // namespace

MediaAnalysis MediaAnalyzer::Analyze(const RandomAccessSource& source, std::string_view name_hint) {
  MediaAnalysis out;
  auto file = MediaFile::Open(BorrowedSource(source), name_hint);
  if (!file.ok()) {
    out.problems.emplace_back("media", file.status());
    return out;
  }
  out.info = (*file)->info();
  if (out.info->has_video) HashVideo(**file, out);
  if (out.info->has_audio && options_.audio) FingerprintAudioStream(**file, out);
  return out;
}

void MediaAnalyzer::HashVideo(MediaFile& file, MediaAnalysis& out) {
  VpdqHashOptions options;
  options.sampling.seconds_per_hash = options_.seconds_per_hash;
  options.sampling.time_limit_seconds = options_.time_limit_seconds;
  ThumbnailPicker thumbnails(options_.thumbnails, options_.thumbnail_max_side,
                             out.info->duration_seconds);
  auto video = tantalio::HashVideo(file, options, hasher_,
                                   [&](const VideoFrame& frame) { thumbnails.Offer(frame, out); });
  if (!video.ok()) {
    out.problems.emplace_back("video", video.status());
    return;
  }
  if (video->partial) {
    out.problems.emplace_back("video", CorruptError("video fingerprinted in part (" +
                                                    std::to_string(video->frames.size()) +
                                                    " frames): " + video->warning));
  }
  out.video = std::move(video).value();
}

void MediaAnalyzer::FingerprintAudioStream(MediaFile& file, MediaAnalysis& out) {
  AudioFingerprintOptions options;
  options.time_limit_seconds = options_.time_limit_seconds;
  auto audio = FingerprintAudio(file, options);
  if (!audio.ok()) {
    out.problems.emplace_back("audio", audio.status());
    return;
  }
  if (audio->partial) {
    out.problems.emplace_back("audio",
                              CorruptError("audio fingerprinted in part: " + audio->warning));
  }
  out.audio = std::move(audio).value();
}

void AppendMediaRecords(const std::string& sha256, MediaAnalysis& analysis, ScanRecords& out) {
  if (!analysis.info) return;
  const MediaInfo& i = *analysis.info;
  MediaInfoRecord m;
  m.sha256 = sha256;
  m.container = i.container;
  m.duration_seconds = Positive(i.duration_seconds);
  m.bit_rate = Positive(i.bit_rate);
  m.creation_time = i.creation_time;
  m.make = i.make;
  m.model = i.model;
  m.location = i.location;
  if (i.has_video) {
    m.video_codec = i.video_codec;
    m.width = Positive(int64_t{i.width});
    m.height = Positive(int64_t{i.height});
    m.frame_rate = Positive(i.frame_rate);
    m.frame_count = Positive(i.frame_count);
    m.rotation = i.rotation;
  }
  if (i.has_audio) {
    m.audio_codec = i.audio_codec;
    m.sample_rate = Positive(int64_t{i.sample_rate});
    m.channels = Positive(int64_t{i.channels});
  }
  m.decoder = FfmpegVersions();
  out.media.push_back(std::move(m));

  if (analysis.video) {
    const VpdqFingerprint& v = *analysis.video;
    const std::string producer = FfmpegVersions() + "; " + DescribeSampling(v.seconds_per_hash);
    for (const VpdqFrame& frame : v.frames) {
      FingerprintRecord f;
      f.sha256 = sha256;
      f.algorithm = kVpdqAlgorithm;
      f.version = kVpdqVersion;
      f.timestamp_ms = std::llround(frame.timestamp_seconds * 1000);
      f.value = frame.hash.ToHex();
      f.quality = frame.quality;
      f.partial = v.partial;
      f.warning = v.warning;
      f.producer = producer;
      out.fingerprints.push_back(std::move(f));
    }
  }
  if (analysis.audio) {
    FingerprintRecord f;
    f.sha256 = sha256;
    f.algorithm = kAudioFingerprintAlgorithm;
    f.version = kAudioFingerprintVersion;
    f.value = EncodeAudioFingerprint(*analysis.audio);
    f.partial = analysis.audio->partial;
    f.warning = analysis.audio->warning;
    f.producer = FfmpegVersions();
    out.fingerprints.push_back(std::move(f));
  }
  for (ThumbnailRecord& t : analysis.thumbnails) {
    t.sha256 = sha256;
    out.thumbnails.push_back(std::move(t));
  }
  analysis.thumbnails.clear();
}

Result<std::vector<VpdqFrame>> VpdqFramesFromRecords(const std::vector<FingerprintRecord>& rows) {
  std::vector<VpdqFrame> frames;
  frames.reserve(rows.size());
  for (const FingerprintRecord& row : rows) {
    auto hash = PdqHash::FromHex(row.value);
    if (!hash.ok()) {
      return CorruptError("stored vPDQ frame at " + std::to_string(row.timestamp_ms) + " ms of " +
                          row.sha256 + " is malformed: " + hash.status().message());
    }
    VpdqFrame frame;
    frame.hash = *hash;
    frame.quality = row.quality.value_or(0);
    frame.timestamp_seconds = static_cast<double>(row.timestamp_ms) / 1000;
    frame.frame_number = static_cast<int64_t>(frames.size());
    frames.push_back(frame);
  }
  return frames;
}

}  // namespace tantalio
