#include "fingerprint/audio_fingerprint.h"

#include <chromaprint.h>

#include <algorithm>
#include <bit>
#include <chrono>
#include <climits>
#include <cmath>
#include <memory>
#include <unordered_map>
#include <utility>

namespace tantalio {
namespace {

constexpr int kAlgorithm = CHROMAPRINT_ALGORITHM_TEST2;
// Chromaprint's internal rate: audio decoded at this rate is not resampled.
constexpr int kChromaprintRate = 11025;
// Under this much audio there are too few items to match reliably.
constexpr double kMinSeconds = 3.0;
// CHROMAPRINT_ALGORITHM_TEST2: one item per 4096/3 samples at 11025 Hz, and
// each item sees 19 more item steps plus one 4096-sample frame of audio.
constexpr double kItemSamples = 1365;
constexpr double kItemContextSamples = 19 * 1365 + 4096;

struct ContextDeleter {
  void operator()(ChromaprintContext* ctx) const { chromaprint_free(ctx); }
};
using ContextPtr = std::unique_ptr<ChromaprintContext, ContextDeleter>;

struct ChromaprintDeleter {
  void operator()(void* p) const { chromaprint_dealloc(p); }
};

double SecondsPerItem() { return kItemSamples / kChromaprintRate; }
// The audio one item summarises, from its start.
double ItemSpanSeconds() { return (kItemContextSamples) / kChromaprintRate; }

// Feeds chunks of PCM to one Chromaprint context and collects the items.
class Fingerprinter {
 public:
  Status Start(int sample_rate, int channels) {
    ctx_.reset(chromaprint_new(kAlgorithm));
    if (!ctx_) return InternalError("chromaprint_new failed");
    if (!chromaprint_start(ctx_.get(), sample_rate, channels)) {
      return InvalidArgumentError("chromaprint cannot take " + std::to_string(sample_rate) +
                                  " Hz, " + std::to_string(channels) + " channels");
    }
    sample_rate_ = sample_rate;
    channels_ = channels;
    return Status::Ok();
  }

  Status Feed(std::span<const int16_t> samples) {
    constexpr size_t kChunk = 1 << 16;  // chromaprint_feed takes an int size
    for (size_t at = 0; at < samples.size(); at += kChunk) {
      const size_t n = std::min(kChunk, samples.size() - at);
      if (!chromaprint_feed(ctx_.get(), samples.data() + at, static_cast<int>(n))) {
        return InternalError("chromaprint_feed failed");
      }
    }
    fed_ += samples.size();
    return Status::Ok();
  }

  Result<AudioFingerprint> Finish() {
    if (!chromaprint_finish(ctx_.get())) return InternalError("chromaprint_finish failed");
    AudioFingerprint fingerprint;
    fingerprint.duration_seconds =
        static_cast<double>(fed_) / channels_ / static_cast<double>(sample_rate_);
    uint32_t* raw = nullptr;
    int size = 0;
    if (!chromaprint_get_raw_fingerprint(ctx_.get(), &raw, &size)) {
      return InternalError("chromaprint_get_raw_fingerprint failed");
    }
    std::unique_ptr<uint32_t, ChromaprintDeleter> owned(raw);
    if (size <= 0 || fingerprint.duration_seconds < kMinSeconds) {
      return InvalidArgumentError(
          "audio too short to fingerprint: " + std::to_string(fingerprint.duration_seconds) +
          " s (needs " + std::to_string(kMinSeconds) + " s)");
    }
    fingerprint.items.assign(raw, raw + size);
    fingerprint.seconds_per_item = static_cast<double>(chromaprint_get_item_duration(ctx_.get())) /
                                   chromaprint_get_sample_rate(ctx_.get());
    return fingerprint;
  }

 private:
  ContextPtr ctx_;
  int sample_rate_ = 0;
  int channels_ = 1;
  size_t fed_ = 0;
};

bool IsUrlSafeBase64(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char ch) {
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
           ch == '-' || ch == '_';
  });
}

// ---- Matching -----------------------------------------------------------

// Above this many item comparisons, candidate offsets come from a histogram
// of equal item prefixes instead of a full pass.
constexpr int64_t kFullPassLimit = int64_t{16} << 20;
// Offsets kept from the coarse pass.
constexpr int kCoarseOffsets = 24;

// The offsets (compared index - query index) worth a full look, by the
// AcoustID method: items whose top bits agree vote for their offset.
std::vector<int> CoarseOffsets(std::span<const uint32_t> q, std::span<const uint32_t> c) {
  constexpr int kBits = 14;
  // A prefix this common (silence, a held chord) says nothing about the offset.
  constexpr size_t kMaxBucket = 32;
  std::unordered_map<uint32_t, std::vector<int>> where;
  for (size_t j = 0; j < c.size(); ++j) where[c[j] >> (32 - kBits)].push_back(static_cast<int>(j));
  std::unordered_map<int, int> votes;
  for (size_t i = 0; i < q.size(); ++i) {
    const auto it = where.find(q[i] >> (32 - kBits));
    if (it == where.end() || it->second.size() > kMaxBucket) continue;
    for (int j : it->second) ++votes[j - static_cast<int>(i)];
  }
  std::vector<std::pair<int, int>> ranked;  // (votes, offset)
  for (const auto& [offset, count] : votes) ranked.emplace_back(count, offset);
  const size_t keep = std::min<size_t>(kCoarseOffsets, ranked.size());
  std::partial_sort(ranked.begin(), ranked.begin() + keep, ranked.end(), std::greater<>());
  std::vector<int> offsets;
  for (size_t k = 0; k < keep; ++k) {
    for (int d = -1; d <= 1; ++d) offsets.push_back(ranked[k].second + d);
  }
  std::sort(offsets.begin(), offsets.end());
  offsets.erase(std::unique(offsets.begin(), offsets.end()), offsets.end());
  return offsets;
}

// A stretch of aligned items: query items [first, last] against compared
// items [first + offset, last + offset].
struct Stretch {
  int offset = 0;
  int first = 0;
  int last = 0;
  int64_t errors = 0;
  // The audio changes just before `first` / after `last` (the overlap goes on).
  bool cut_before = false;
  bool cut_after = false;
  int Length() const { return last - first + 1; }
  double BitErrorRate() const { return static_cast<double>(errors) / (32.0 * Length()); }
  // Agreeing bits beyond chance: long and clean beats a neighbouring offset
  // that is as long but noisier.
  double Score() const { return Length() * (0.5 - BitErrorRate()); }
};

// What a stretch must satisfy at one offset.
struct StretchRule {
  double max_ber = 0.25;
  int min_items = 1;
};

// Items per smoothing window, about 5 s: neighbouring items share most of
// their audio, so shorter windows of unrelated music (chroma patterns are
// alike) dip under 0.25 by chance.
constexpr int kWindow = 40;

// The window limit in bit errors for a window of `items`: an overlap shorter
// than kWindow (a short clip) gets a proportionally stricter rate, since it
// has fewer independent bits.
int WindowLimit(const StretchRule& rule, int items) {
  const double scale = items >= kWindow ? 1.0 : std::sqrt(static_cast<double>(items) / kWindow);
  return static_cast<int>(rule.max_ber * scale * 32 * items);
}

// The best sub-stretch of errors[first..last]: the maximum sum of
// (limit - errors) per item, which cuts the edges where the audio changes.
std::pair<int, int> BestSubStretch(const std::vector<int>& errors, int first, int last,
                                   int item_limit) {
  int best_sum = INT_MIN;
  std::pair<int, int> best{first, first};
  int sum = 0;
  int start = first;
  for (int k = first; k <= last; ++k) {
    if (sum <= 0) {
      sum = 0;
      start = k;
    }
    sum += item_limit - errors[k];
    if (sum > best_sum) {
      best_sum = sum;
      best = {start, k};
    }
  }
  return best;
}

// errors[k] = popcount(a[k] ^ b[k]); the hot loop of matching, built with
// and without the POPCNT instruction (chosen at load time).
#if defined(__x86_64__) && defined(__GNUC__)
[[gnu::target_clones("popcnt", "default")]]
#endif
void CountBitErrors(const uint32_t* a, const uint32_t* b, int n, int* errors) {
  for (int k = 0; k < n; ++k) errors[k] = std::popcount(a[k] ^ b[k]);
}

// The stretches at one offset where the windowed bit error rate stays within
// the limit. `errors` is reused scratch.
void StretchesAtOffset(std::span<const uint32_t> q, std::span<const uint32_t> c, int offset,
                       const StretchRule& rule, std::vector<int>& errors,
                       std::vector<Stretch>* out) {
  const int q_begin = std::max(0, -offset);
  const int q_end = std::min(static_cast<int>(q.size()), static_cast<int>(c.size()) - offset);
  const int n = q_end - q_begin;
  if (n < rule.min_items) return;
  errors.resize(n);
  CountBitErrors(q.data() + q_begin, c.data() + q_begin + offset, n, errors.data());
  const int window = std::min(kWindow, n);
  const int window_limit = WindowLimit(rule, window);
  const int item_limit = static_cast<int>(rule.max_ber * 32);
  int run_first = -1;
  int covered_to = -1;  // the last item of the last window within the limit
  auto close_run = [&]() {
    if (run_first < 0) return;
    const auto [first, last] = BestSubStretch(errors, run_first, covered_to, item_limit);
    Stretch stretch;
    stretch.offset = offset;
    stretch.first = q_begin + first;
    stretch.last = q_begin + last;
    stretch.cut_before = first > 0;
    stretch.cut_after = last < n - 1;
    for (int k = first; k <= last; ++k) stretch.errors += errors[k];
    if (stretch.Length() >= rule.min_items &&
        stretch.errors <= WindowLimit(rule, stretch.Length())) {
      out->push_back(stretch);
    }
    run_first = -1;
  };
  int sum = 0;
  for (int k = 0; k < n; ++k) {
    sum += errors[k];
    if (k >= window) sum -= errors[k - window];
    if (k < window - 1 || sum > window_limit) continue;
    const int start = k - window + 1;
    if (run_first >= 0 && start > covered_to + 1) close_run();
    if (run_first < 0) run_first = start;
    covered_to = k;
  }
  close_run();
}

bool Overlaps(const Stretch& a, const Stretch& b) {
  const int q_overlap = std::min(a.last, b.last) - std::max(a.first, b.first) + 1;
  const int c_overlap = std::min(a.last + a.offset, b.last + b.offset) -
                        std::max(a.first + a.offset, b.first + b.offset) + 1;
  const int shorter = std::min(a.Length(), b.Length());
  return q_overlap * 2 > shorter || c_overlap * 2 > shorter;
}

double DurationOf(const AudioFingerprint& fingerprint) {
  if (fingerprint.duration_seconds > 0) return fingerprint.duration_seconds;
  if (fingerprint.items.empty()) return 0;
  return (fingerprint.items.size() - 1) * fingerprint.seconds_per_item + ItemSpanSeconds();
}

// An item's bits depend mostly on the start of the audio it summarises, so
// items straddling a cut inside the overlap still match for a while: measured
// on synthetic cuts, the matching items begin ~0.6 s before new audio starts
// and the last one ends ~1.3 s after it stops.
constexpr double kCutStartShift = 0.6;
constexpr double kCutEndShift = 1.3;

AudioMatch ToMatch(const Stretch& s, const AudioFingerprint& query,
                   const AudioFingerprint& compared) {
  const double step = query.seconds_per_item;
  const double q_duration = DurationOf(query);
  const double c_duration = DurationOf(compared);
  const double start_shift = s.cut_before ? kCutStartShift : 0;
  const double end = ItemSpanSeconds() - (s.cut_after ? kCutEndShift : 0);
  AudioMatch match;
  match.query_start = s.first * step + start_shift;
  match.query_end = std::min(q_duration, s.last * step + end);
  match.compared_start = (s.first + s.offset) * step + start_shift;
  match.compared_end = std::min(c_duration, (s.last + s.offset) * step + end);
  match.bit_error_rate = s.BitErrorRate();
  match.whole_query = match.query_end - match.query_start >= 0.9 * q_duration;
  match.whole_compared = match.compared_end - match.compared_start >= 0.9 * c_duration;
  return match;
}

}  // namespace

Result<AudioFingerprint> FingerprintPcm(std::span<const int16_t> samples, int sample_rate,
                                        int channels) {
  if (sample_rate <= 0 || channels <= 0) {
    return InvalidArgumentError("bad PCM format: " + std::to_string(sample_rate) + " Hz, " +
                                std::to_string(channels) + " channels");
  }
  if (samples.size() % static_cast<size_t>(channels) != 0) {
    return InvalidArgumentError("PCM sample count is not a multiple of the channel count");
  }
  Fingerprinter fingerprinter;
  TANTALIO_RETURN_IF_ERROR(fingerprinter.Start(sample_rate, channels));
  TANTALIO_RETURN_IF_ERROR(fingerprinter.Feed(samples));
  return fingerprinter.Finish();
}

Result<AudioFingerprint> FingerprintAudio(MediaFile& file, const AudioFingerprintOptions& options) {
  Fingerprinter fingerprinter;
  TANTALIO_RETURN_IF_ERROR(fingerprinter.Start(kChromaprintRate, 1));
  const auto started = std::chrono::steady_clock::now();
  Status feed_status;
  bool out_of_time = false;
  DecodeReport report;
  TANTALIO_RETURN_IF_ERROR(file.DecodeAudio(
      kChromaprintRate, 1, options.max_seconds,
      [&](std::span<const int16_t> chunk) {
        feed_status = fingerprinter.Feed(chunk);
        if (!feed_status.ok()) return false;
        if (options.time_limit_seconds > 0) {
          const std::chrono::duration<double> spent = std::chrono::steady_clock::now() - started;
          out_of_time = spent.count() > options.time_limit_seconds;
        }
        return !out_of_time;
      },
      &report));
  TANTALIO_RETURN_IF_ERROR(feed_status);
  TANTALIO_ASSIGN_OR_RETURN(AudioFingerprint fingerprint, fingerprinter.Finish());
  fingerprint.partial = report.partial || out_of_time;
  fingerprint.warning = report.warning;
  if (out_of_time && fingerprint.warning.empty()) {
    fingerprint.warning = "audio fingerprint time limit of " +
                          std::to_string(options.time_limit_seconds) + " s reached";
  }
  return fingerprint;
}

std::string EncodeAudioFingerprint(const AudioFingerprint& fingerprint) {
  char* encoded = nullptr;
  int size = 0;
  // chromaprint takes a non-const pointer but does not write through it.
  if (!chromaprint_encode_fingerprint(fingerprint.items.data(),
                                      static_cast<int>(fingerprint.items.size()), kAlgorithm,
                                      &encoded, &size, 1)) {
    return "";
  }
  std::unique_ptr<char, ChromaprintDeleter> owned(encoded);
  return std::string(encoded, static_cast<size_t>(size));
}

Result<AudioFingerprint> DecodeAudioFingerprint(std::string_view encoded) {
  if (encoded.empty() || encoded.size() > (size_t{1} << 28) || !IsUrlSafeBase64(encoded)) {
    return InvalidArgumentError("audio fingerprint is not URL-safe base64");
  }
  const std::string text(encoded);
  uint32_t* raw = nullptr;
  int size = 0;
  int algorithm = -1;
  const int ok = chromaprint_decode_fingerprint(text.c_str(), static_cast<int>(text.size()), &raw,
                                                &size, &algorithm, 1);
  std::unique_ptr<uint32_t, ChromaprintDeleter> owned(raw);
  if (!ok || raw == nullptr || size <= 0) {
    return InvalidArgumentError("malformed Chromaprint fingerprint");
  }
  if (algorithm != kAlgorithm) {
    return InvalidArgumentError("Chromaprint algorithm " + std::to_string(algorithm) +
                                ", expected " + std::to_string(kAlgorithm));
  }
  AudioFingerprint fingerprint;
  fingerprint.items.assign(raw, raw + size);
  fingerprint.seconds_per_item = SecondsPerItem();
  fingerprint.duration_seconds = DurationOf(fingerprint);
  return fingerprint;
}

std::vector<AudioMatch> MatchAudio(const AudioFingerprint& query, const AudioFingerprint& compared,
                                   const AudioMatchOptions& options) {
  std::vector<AudioMatch> matches;
  const std::span<const uint32_t> q(query.items);
  const std::span<const uint32_t> c(compared.items);
  if (q.empty() || c.empty() || query.seconds_per_item <= 0) return matches;
  const double step = query.seconds_per_item;
  // A stretch of n items covers (n - 1) steps plus one item's span.
  const int min_items = std::max(
      1, static_cast<int>(std::ceil((options.min_seconds - ItemSpanSeconds()) / step)) + 1);
  StretchRule rule;
  rule.max_ber = options.max_bit_error_rate;
  rule.min_items = min_items;

  std::vector<int> offsets;
  if (static_cast<int64_t>(q.size()) * static_cast<int64_t>(c.size()) <= kFullPassLimit) {
    for (int d = -static_cast<int>(q.size()) + 1; d < static_cast<int>(c.size()); ++d) {
      offsets.push_back(d);
    }
  } else {
    offsets = CoarseOffsets(q, c);
  }
  std::vector<Stretch> stretches;
  std::vector<int> errors;
  for (int offset : offsets) {
    StretchesAtOffset(q, c, offset, rule, errors, &stretches);
  }
  // Best first; neighbouring offsets find the same audio again and are dropped.
  std::sort(stretches.begin(), stretches.end(),
            [](const Stretch& a, const Stretch& b) { return a.Score() > b.Score(); });
  std::vector<Stretch> kept;
  for (const Stretch& s : stretches) {
    if (std::any_of(kept.begin(), kept.end(), [&](const Stretch& k) { return Overlaps(s, k); })) {
      continue;
    }
    kept.push_back(s);
  }
  for (const Stretch& s : kept) matches.push_back(ToMatch(s, query, compared));
  return matches;
}

}  // namespace tantalio
