// vPDQ video fingerprints (Meta ThreatExchange; spec: ../shared/specs/pdq.md
// section 8): the PDQ hash of one frame per second (configurable), with its
// quality and time, and the rules that match two videos, whole or in part.
//
// Frames are converted to RGB24 with SWS_AREA and hashed at native size
// without PDQ's 512 pre-resize, as the reference hasher does; the FFmpeg
// versions are recorded with every fingerprint (hashes drift slightly between
// FFmpeg releases, see the spec).
#ifndef TANTALIO_FINGERPRINT_VPDQ_H_
#define TANTALIO_FINGERPRINT_VPDQ_H_

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "fingerprint/pdq.h"
#include "media/media_file.h"

namespace tantalio {

inline constexpr char kVpdqAlgorithm[] = "vpdq";
inline constexpr int kVpdqVersion = 1;

struct VpdqFrame {
  int64_t frame_number = 0;
  int quality = 0;
  PdqHash hash;
  double timestamp_seconds = 0;
  bool operator==(const VpdqFrame&) const = default;
};

struct VpdqFingerprint {
  std::vector<VpdqFrame> frames;  // in time order
  double frame_rate = 0;
  double seconds_per_hash = 0;
  double duration_seconds = 0;  // of the video (0 when unknown)
  bool partial = false;         // decoding stopped early; `warning` says why
  std::string warning;
  int64_t frames_decoded = 0;  // decoder work, for benchmarks and tests
};

struct VpdqHashOptions {
  VideoSampling sampling;
  // Drop a frame whose hash equals the previous kept frame's (a still scene
  // hashes to one frame; its time span runs to the next kept frame).
  bool collapse_repeats = true;
};

// Hashes the sampled frames of `file`'s first video stream. `on_frame`, when
// set, also sees each delivered frame (the scan takes thumbnails there, so
// that no frame is decoded twice).
Result<VpdqFingerprint> HashVideo(MediaFile& file, const VpdqHashOptions& options,
                                  PdqHasher& hasher,
                                  const std::function<void(const VideoFrame&)>& on_frame = {});

// Removes frames whose hash equals the previous kept frame's.
std::vector<VpdqFrame> CollapseRepeats(std::span<const VpdqFrame> frames);

// The reference line form "frameNumber,quality,pdqhex,timestamp" (timestamp
// with 3 decimals), and its parser (kInvalidArgument saying what is wrong).
std::string FormatVpdqLine(const VpdqFrame& frame);
Result<VpdqFrame> ParseVpdqLine(std::string_view line);

// Which reference's counting rule to apply (they differ; see the spec).
enum class VpdqRule {
  // python-threatexchange: exact-duplicate hashes removed first, a frame
  // matches at distance <= max_distance. Tantalio's rule.
  kPythonThreatExchange,
  // vpdq/cpp matchTwoHashBrute: no dedupe, distance < max_distance (strict).
  kReferenceCpp,
};

struct VpdqMatchOptions {
  int max_distance = kPdqMatchMaxDistance;  // 31
  int min_quality = kPdqMinGoodQuality;     // 50; frames below are ignored on both sides
  // A whole-video match needs query% >= min_query_percent and
  // compared% >= min_compared_percent (python-threatexchange: 80 and 0).
  double min_query_percent = 80;
  double min_compared_percent = 0;
  VpdqRule rule = VpdqRule::kPythonThreatExchange;
};

struct VpdqPercentages {
  double query_percent = 0;     // share of the query's kept frames with a match
  double compared_percent = 0;  // and the other way round
  bool IsMatch(const VpdqMatchOptions& options) const {
    return query_percent >= options.min_query_percent &&
           compared_percent >= options.min_compared_percent && query_percent > 0;
  }
};

// The vPDQ bag-of-frames percentages. 0/0 when either side has no frame of
// sufficient quality.
VpdqPercentages MatchPercentages(std::span<const VpdqFrame> query,
                                 std::span<const VpdqFrame> compared,
                                 const VpdqMatchOptions& options = {});

// A stretch of the query that shows a stretch of the compared video: frames
// matching at a consistent time offset. Times in seconds; end is the time of
// the last matching frame plus its span (the sampling interval or the time to
// the next kept frame).
struct VpdqSegment {
  double query_start = 0;
  double query_end = 0;
  double compared_start = 0;
  double compared_end = 0;
  int matched_frames = 0;  // query frames in the segment that match
  int query_frames = 0;    // query frames (quality >= min) in the segment
  int mean_distance = 0;   // rounded mean distance of the matching frames
};

struct VpdqSegmentOptions {
  VpdqMatchOptions match;
  // Offsets within this many seconds count as one alignment.
  double offset_tolerance_seconds = 1.5;
  // A segment needs at least this many matching frames...
  int min_matched_frames = 3;
  // ...and a gap longer than this (query time, no match) ends it.
  double max_gap_seconds = 4;
};

// Finds the segments where `query` shows part of `compared` (a clip cut from
// a known video, or a known video inside a compilation), longest first.
std::vector<VpdqSegment> FindSegments(std::span<const VpdqFrame> query,
                                      std::span<const VpdqFrame> compared,
                                      const VpdqSegmentOptions& options = {});

}  // namespace tantalio

#endif  // TANTALIO_FINGERPRINT_VPDQ_H_
