// The demo's videos and audio (internal to src/demo): a "known" video held
// by another agency, published to the demo as vPDQ frames (the hash-set vPDQ
// form) and its soundtrack's Chromaprint fingerprint (a CSV set), and the
// copies found on the devices: the original itself, a re-encode at another
// size, a 10-second clip, a voice note carrying part of the soundtrack, and an
// unrelated video that matches nothing (new material).
//
// Nothing here depicts anything: the pictures are gradients and discs, the
// sound is tones and noise.
#ifndef TANTALIO_DEMO_DEMO_MEDIA_H_
#define TANTALIO_DEMO_DEMO_MEDIA_H_

#include <string>

#include "base/status.h"

namespace tantalio::demo {

struct DemoMediaPaths {
  std::string known_video;  // the reference copy (not on any device)
  std::string phone1;       // device folders
  std::string phone2;
  std::string laptop;
  std::string video_set;  // written: the known video's vPDQ frames
  std::string audio_set;  // written: the known soundtrack's fingerprint (CSV)
};

// The id the sets give the known video and its soundtrack.
inline constexpr char kDemoKnownVideoId[] = "VID-REF-0042";
inline constexpr char kDemoKnownAudioId[] = "AUD-REF-0042";

Status WriteDemoMedia(const DemoMediaPaths& paths);

}  // namespace tantalio::demo

#endif  // TANTALIO_DEMO_DEMO_MEDIA_H_
