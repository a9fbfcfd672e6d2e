// Video and audio through the FFmpeg libraries (libavformat, libavcodec,
// libswscale, libswresample): what a media file holds, its sampled video
// frames as RGB24 pixels for vPDQ, and its audio as 16-bit PCM for audio
// fingerprints.
//
// Bytes come through a MediaInput (random access, read-only), so that a file
// on disk, a spooled archive member and a file inside a disk image are read
// the same way; FFmpeg never opens evidence by name.
//
// Decoding does only the work the sampling needs: with VideoSampling::seek it
// seeks to the keyframe before the next frame it must hash when that is ahead
// of where decoding stands, and tells the decoder to skip non-reference frames
// it will not hash. Damaged input never aborts: what decodes is delivered and
// the DecodeReport says the result is partial, and why.
#ifndef TANTALIO_MEDIA_MEDIA_FILE_H_
#define TANTALIO_MEDIA_MEDIA_FILE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/random_access.h"
#include "base/status.h"

namespace tantalio {

// A media file's encoded bytes: any RandomAccessSource (a file on disk, a
// spooled archive member, a file inside a disk image).
using MediaInput = RandomAccessSource;

// Borrows `bytes`, which must outlive the input.
inline std::unique_ptr<MediaInput> MediaInputFromMemory(std::span<const uint8_t> bytes) {
  return BorrowedMemory(bytes);
}
// Opens a file read-only (O_NOFOLLOW, O_NOATIME where allowed).
inline Result<std::unique_ptr<MediaInput>> MediaInputFromFile(const std::string& path) {
  return OpenReadOnlyFile(path);
}

// What the container says, for the `media` metadata of a content.
struct MediaInfo {
  std::string container;        // FFmpeg's demuxer name, e.g. "mov,mp4,m4a,3gp,3g2,mj2"
  double duration_seconds = 0;  // 0 when unknown
  int64_t bit_rate = 0;         // bits/s, 0 when unknown
  // The container's creation_time tag as written (ISO 8601, usually UTC), or "".
  std::string creation_time;
  // Other container tags that matter to an investigator, "" when absent:
  // make, model, and the location (ISO 6709, e.g. "+40.4168-003.7038/").
  std::string make;
  std::string model;
  std::string location;

  // The first video stream (not cover art), when there is one.
  bool has_video = false;
  std::string video_codec;  // FFmpeg codec name, e.g. "h264"
  int width = 0;            // coded picture size
  int height = 0;
  double frame_rate = 0;    // avg_frame_rate, else r_frame_rate; 0 when unknown
  int64_t frame_count = 0;  // from the container, 0 when unknown
  int rotation = 0;         // display rotation in degrees (0, 90, 180, 270)

  // The first audio stream, when there is one.
  bool has_audio = false;
  std::string audio_codec;  // e.g. "aac", "opus"
  int sample_rate = 0;
  int channels = 0;
};

// Which frames ForEachVideoFrame delivers. The rule is vPDQ's: frame_mod =
// trunc(seconds_per_hash * frame_rate), 0 treated as 1, and frame f (0-based)
// is delivered iff f mod frame_mod == 0. 29.97 fps at 1 s gives frame_mod 29.
struct VideoSampling {
  double seconds_per_hash = 1.0;  // 0: every frame
  // Scale every delivered frame to N x N (aspect ignored), as vpdq's -s N;
  // 0 keeps the native size. Scaling uses swscale's SWS_AREA, as vPDQ does.
  int resize_to = 0;
  // Seek and skip non-reference frames (fast). false decodes every frame in
  // order and counts frames as the decoder returns them, exactly as the
  // reference hasher does (conformance tests).
  bool seek = true;
  // Stop after this much wall-clock time on one file (0: no limit); the
  // result is then partial.
  double time_limit_seconds = 0;
};

// One delivered frame. The pixels are RGB24 and valid only during the callback.
struct VideoFrame {
  int64_t frame_number = 0;      // 0-based index at the stream's frame rate
  double timestamp_seconds = 0;  // frame_number / frame_rate
  int width = 0;
  int height = 0;
  const uint8_t* rgb = nullptr;
  size_t stride = 0;  // bytes per row
  bool keyframe = false;
};

// How decoding went. A partial result is still delivered up to where it broke.
struct DecodeReport {
  bool partial = false;        // input damaged or truncated, or a limit was hit
  std::string warning;         // why, for the record (first problem, with the position)
  int64_t frames_decoded = 0;  // video frames the decoder produced (to prove skipping works)
  int64_t frames_delivered = 0;
  bool time_limit_hit = false;
  double seconds_decoded = 0;  // media time covered (video: last frame's time; audio: samples)
};

class MediaFile {
 public:
  // Opens and probes. `name_hint` (a file name) helps FFmpeg's probe only.
  // kInvalidArgument when FFmpeg finds no known container or no audio or video
  // stream. A stream whose codec this FFmpeg cannot decode is described all
  // the same; decoding it is kUnsupported, naming the codec.
  static Result<std::unique_ptr<MediaFile>> Open(std::unique_ptr<MediaInput> input,
                                                 std::string_view name_hint = "");
  ~MediaFile();
  MediaFile(const MediaFile&) = delete;
  MediaFile& operator=(const MediaFile&) = delete;

  const MediaInfo& info() const;

  // Delivers the sampled frames of the first video stream in order; stops
  // early when `frame` returns false. kNotFound without a video
  // stream. Damage after the first frame makes the report partial, not an error.
  Status ForEachVideoFrame(const VideoSampling& sampling,
                           const std::function<bool(const VideoFrame&)>& frame,
                           DecodeReport* report);

  // Decodes the first audio stream to interleaved signed 16-bit PCM at
  // `sample_rate` Hz and `channels` channels (resampled by swresample), in
  // chunks; stops early when `samples` returns false or after `max_seconds`
  // of audio (0: all). kNotFound without an audio stream.
  Status DecodeAudio(int sample_rate, int channels, double max_seconds,
                     const std::function<bool(std::span<const int16_t>)>& samples,
                     DecodeReport* report);

 private:
  struct State;
  explicit MediaFile(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

// A small JPEG of `frame` whose longest side is at most `max_side` pixels
// (for the review UI's keyframe strip).
Result<std::vector<uint8_t>> EncodeThumbnail(const VideoFrame& frame, int max_side);

// The FFmpeg library versions, recorded with every fingerprint made from
// decoded media ("libavcodec 59.37.100, libswscale 6.7.100, ...").
const std::string& FfmpegVersions();

}  // namespace tantalio

#endif  // TANTALIO_MEDIA_MEDIA_FILE_H_
