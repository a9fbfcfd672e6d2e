// Matches videos and audio of a case against the known videos (vPDQ frames)
// and recordings (Chromaprint fingerprints) of the hash sets.
//
// Videos: every frame of the known videos goes into one exact Hamming index.
// A scanned video's frames (quality >= 50) are searched in it at distance
// 31; the known videos they hit are the candidates, and each candidate is
// compared in full:
//   - the vPDQ rule (python-threatexchange's convention): the share of the
//     scanned video's distinct frames that have a known frame within 31
//     bits. At 80% or more both ways it is the same video ("vpdq"); at 80%
//     or more of the scanned video only, the scanned video is a clip of the
//     known one;
//   - otherwise, or for a clip, the aligned segments ("vpdq-clip") give the
//     matched time ranges on both sides (a 10 s clip of a 30-minute video,
//     or a known video inside a compilation).
// Audio: known recordings sharing fingerprint items with the scanned audio
// are the candidates; each is aligned over time offsets by bit error rate:
// "audio" when the match covers both recordings, "audio-clip" otherwise.
//
// Read-only after Load(): thread-safe.
#ifndef TANTALIO_PIPELINE_KNOWN_MEDIA_MATCHER_H_
#define TANTALIO_PIPELINE_KNOWN_MEDIA_MATCHER_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/status.h"
#include "fingerprint/audio_fingerprint.h"
#include "fingerprint/vpdq.h"
#include "index/hamming_index.h"
#include "store/store.h"

namespace tantalio {

class KnownMediaMatcher {
 public:
  // Reads the known video frames and recordings of the given sets (all sets
  // when empty). kCorrupt for a malformed stored value.
  static Result<std::unique_ptr<KnownMediaMatcher>> Load(Store& store,
                                                         const std::vector<int64_t>& set_ids);

  // Appends the matches of a scanned video (its vPDQ frames) with the known videos.
  Status MatchVideo(const std::string& sha256, std::span<const VpdqFrame> frames,
                    std::vector<MatchRecord>& out) const;
  // Appends the matches of a scanned audio fingerprint with the known recordings.
  void MatchAudio(const std::string& sha256, const AudioFingerprint& audio,
                  std::vector<MatchRecord>& out) const;

  size_t known_videos() const { return videos_.size(); }
  size_t known_recordings() const { return recordings_.size(); }

 private:
  KnownMediaMatcher() = default;

  struct KnownVideo {
    std::vector<VpdqFrame> frames;   // in time order
    std::vector<int64_t> entry_ids;  // of each frame
  };
  struct KnownRecording {
    int64_t entry_id = 0;
    AudioFingerprint fingerprint;
  };
  Status AddFrame(const MatchableHash& h);
  Status AddRecording(const MatchableHash& h);
  Status BuildIndexes();
  // The entry of the known frame at or just before `time` (the entry a
  // segment's match row points to).
  static int64_t EntryAt(const KnownVideo& video, double time);

  std::vector<KnownVideo> videos_;
  // Where the current video of the (set, id)-ordered load began.
  int64_t last_set_ = 0;
  std::string last_ref_;
  // Every known frame in one index; ids are positions in frame_owner_.
  std::unique_ptr<index::HammingIndex> frame_index_;
  std::vector<uint32_t> frame_owner_;  // frame position -> video
  std::vector<KnownRecording> recordings_;
  // Fingerprint item -> recordings holding it, for candidate selection.
  std::unordered_multimap<uint32_t, uint32_t> audio_items_;
};

}  // namespace tantalio

#endif  // TANTALIO_PIPELINE_KNOWN_MEDIA_MATCHER_H_
