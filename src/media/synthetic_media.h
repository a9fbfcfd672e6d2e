// Benign, procedurally generated video and audio for the demo, tests and
// benchmarks, encoded in-process through the FFmpeg libraries.
//
// A video is a sequence of scenes: each scene is a smooth pattern (gradients
// and moving discs, as synthetic_image.h draws) that changes every
// `scene_seconds`, so that consecutive seconds hash differently and a clip
// cut from the video can be told apart from its neighbours. The same seed
// gives the same pictures at the same times, whatever the size, codec or
// container, which is how tests make a "re-encode" and a "clip": the same
// seed at another size, or with `start_seconds` > 0.
#ifndef TANTALIO_MEDIA_SYNTHETIC_MEDIA_H_
#define TANTALIO_MEDIA_SYNTHETIC_MEDIA_H_

#include <cstdint>
#include <string>

#include "base/status.h"

namespace tantalio {

struct SyntheticVideoSpec {
  uint64_t seed = 1;
  int width = 320;
  int height = 240;
  int fps_num = 30;  // frame rate as a fraction
  int fps_den = 1;
  double start_seconds = 0;  // content time of the first frame (clips)
  double duration_seconds = 10;
  double scene_seconds = 2;  // a new pattern this often (content time)
  // FFmpeg encoder and muxer names: "libx264" (else "mpeg4" when absent),
  // "mpeg4", "libx265", "libvpx", "libvpx-vp9", "mjpeg", "wmv2", "flv"...;
  // the container comes from the output file's extension.
  std::string video_codec = "libx264";
  int gop = 30;        // keyframe interval in frames
  bool audio = false;  // add a generated audio track
  std::string audio_codec = "aac";
};

struct SyntheticAudioSpec {
  uint64_t seed = 1;
  int sample_rate = 44100;
  int channels = 1;
  double start_seconds = 0;  // content time of the first sample (clips)
  double duration_seconds = 10;
  std::string codec = "aac";  // "aac", "libmp3lame", "libopus", "flac", "pcm_s16le", ...
};

// Writes a video (with an audio track when spec.audio) to `path`. The audio
// of a video with seed s is the audio of SyntheticAudioSpec{seed = s}.
Status WriteSyntheticVideo(const SyntheticVideoSpec& spec, const std::string& path);

// Writes an audio-only file to `path`: a melody of tones and noise bursts
// that never repeats within an hour, so that any 5 s window is unique.
Status WriteSyntheticAudio(const SyntheticAudioSpec& spec, const std::string& path);

}  // namespace tantalio

#endif  // TANTALIO_MEDIA_SYNTHETIC_MEDIA_H_
