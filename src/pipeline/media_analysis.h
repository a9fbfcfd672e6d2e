// Everything Tantalio learns from a video or audio file: what its container
// says, the vPDQ fingerprint of its video (one frame per second by default),
// the Chromaprint fingerprint of its audio (audio files and the audio tracks
// of videos), and a handful of small keyframe thumbnails for review.
//
// The file is read once for the video (frames are hashed and thumbnailed in
// the same pass) and once for the audio. A damaged file gives what decodes,
// marked partial; what cannot be read at all becomes a problem for the
// error table. A time limit bounds the work on any one file.
#ifndef TANTALIO_PIPELINE_MEDIA_ANALYSIS_H_
#define TANTALIO_PIPELINE_MEDIA_ANALYSIS_H_

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "evidence/byte_source.h"
#include "fingerprint/audio_fingerprint.h"
#include "fingerprint/pdq.h"
#include "fingerprint/vpdq.h"
#include "media/media_file.h"
#include "store/records.h"

namespace tantalio {

struct MediaOptions {
  bool enabled = true;            // fingerprint video and audio at all
  double seconds_per_hash = 1.0;  // vPDQ sampling (0: every frame)
  bool audio = true;              // Chromaprint over audio streams
  int thumbnails = 4;             // keyframe thumbnails per video (0: none)
  int thumbnail_max_side = 160;   // pixels
  // Wall-clock seconds one file may take, for video and audio each (0: no
  // limit). A file cut short is fingerprinted in part and marked partial.
  double time_limit_seconds = 120;
};

struct MediaAnalysis {
  std::optional<MediaInfo> info;
  std::optional<VpdqFingerprint> video;
  std::optional<AudioFingerprint> audio;
  std::vector<ThumbnailRecord> thumbnails;  // sha256 left empty
  // Failures worth an error row: stage ("media", "video", "audio") and why.
  std::vector<std::pair<std::string, Status>> problems;
};

// One per thread: holds the PDQ scratch buffers.
class MediaAnalyzer {
 public:
  explicit MediaAnalyzer(MediaOptions options = {}) : options_(std::move(options)) {}

  // `name_hint` is the file name, a hint for FFmpeg's probe only.
  MediaAnalysis Analyze(const RandomAccessSource& source, std::string_view name_hint);

  const MediaOptions& options() const { return options_; }

 private:
  void HashVideo(MediaFile& file, MediaAnalysis& out);
  void FingerprintAudioStream(MediaFile& file, MediaAnalysis& out);

  MediaOptions options_;
  PdqHasher hasher_;
};

// The records of an analysis for content `sha256`: its media info, its vPDQ
// frames and audio fingerprint (as FingerprintRecords) and its thumbnails.
void AppendMediaRecords(const std::string& sha256, MediaAnalysis& analysis, ScanRecords& out);

// Reads back the vPDQ frames and audio fingerprint stored for a content
// (kCorrupt for a malformed stored value).
Result<std::vector<VpdqFrame>> VpdqFramesFromRecords(const std::vector<FingerprintRecord>& rows);

}  // namespace tantalio

#endif  // TANTALIO_PIPELINE_MEDIA_ANALYSIS_H_
