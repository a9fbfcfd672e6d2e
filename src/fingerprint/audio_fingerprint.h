// Audio fingerprints with Chromaprint (the AcoustID fingerprint), and the
// matching that finds one recording inside another by aligning fingerprints
// over time offsets and counting differing bits (bit error rate).
//
// A raw Chromaprint fingerprint is one 32-bit item per ~0.124 s of audio
// (4096/3 samples at 11025 Hz). The same audio re-encoded (AAC, MP3, Opus,
// another bit rate or sample rate) keeps most bits; unrelated audio differs
// in about half of them.
#ifndef TANTALIO_FINGERPRINT_AUDIO_FINGERPRINT_H_
#define TANTALIO_FINGERPRINT_AUDIO_FINGERPRINT_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "media/media_file.h"

namespace tantalio {

inline constexpr char kAudioFingerprintAlgorithm[] = "chromaprint";
// Tantalio's version of the stored value: Chromaprint's default algorithm
// (CHROMAPRINT_ALGORITHM_TEST2), raw items, 11025 Hz mono input.
inline constexpr int kAudioFingerprintVersion = 1;

struct AudioFingerprint {
  std::vector<uint32_t> items;  // raw Chromaprint items
  double seconds_per_item = 0;  // time between items
  double duration_seconds = 0;  // audio fingerprinted
  bool partial = false;         // decoding stopped early; `warning` says why
  std::string warning;
};

struct AudioFingerprintOptions {
  double max_seconds = 0;         // fingerprint at most this much audio (0: all)
  double time_limit_seconds = 0;  // wall clock per file (0: none)
};

// Fingerprints the first audio stream of `file` (an audio file, or the audio
// track of a video). kNotFound without an audio stream;
// kInvalidArgument when it is too short to fingerprint (under ~3 s).
Result<AudioFingerprint> FingerprintAudio(MediaFile& file,
                                          const AudioFingerprintOptions& options = {});

// Fingerprints interleaved signed 16-bit PCM (tests, benchmarks).
Result<AudioFingerprint> FingerprintPcm(std::span<const int16_t> samples, int sample_rate,
                                        int channels);

// The compact exchange form: Chromaprint's compressed, URL-safe base64
// encoding (what AcoustID and fpcalc print), and its decoder
// (kInvalidArgument for a malformed string).
std::string EncodeAudioFingerprint(const AudioFingerprint& fingerprint);
Result<AudioFingerprint> DecodeAudioFingerprint(std::string_view encoded);

struct AudioMatchOptions {
  // Aligned stretches whose bit error rate is at most this match (unrelated
  // audio is near 0.5; the same audio re-encoded is well under 0.2).
  double max_bit_error_rate = 0.25;
  // A match must last at least this long.
  double min_seconds = 3;
};

// Where `query` and `compared` carry the same audio.
struct AudioMatch {
  double query_start = 0;
  double query_end = 0;
  double compared_start = 0;
  double compared_end = 0;
  double bit_error_rate = 0;  // over the matched stretch
  // The matched stretch covers (nearly) all of the query: a whole match, not a clip.
  bool whole_query = false;
  bool whole_compared = false;
};

// Aligns the two fingerprints over every time offset and returns the
// matching stretches, best first (empty when none).
std::vector<AudioMatch> MatchAudio(const AudioFingerprint& query, const AudioFingerprint& compared,
                                   const AudioMatchOptions& options = {});

}  // namespace tantalio

#endif  // TANTALIO_FINGERPRINT_AUDIO_FINGERPRINT_H_
