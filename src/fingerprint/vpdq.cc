#include "fingerprint/vpdq.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <set>
#include <system_error>
#include <utility>

namespace tantalio {
namespace {

// ---- Line form ----------------------------------------------------------

std::vector<std::string_view> SplitFields(std::string_view line) {
  std::vector<std::string_view> fields;
  size_t start = 0;
  while (true) {
    const size_t comma = line.find(',', start);
    fields.push_back(line.substr(start, comma == std::string_view::npos ? comma : comma - start));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return fields;
}

bool ParseInt64(std::string_view text, int64_t* out) {
  if (text.empty()) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size();
}

bool ParseDouble(std::string_view text, double* out) {
  if (text.empty()) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size() && std::isfinite(*out);
}

// ---- Percentages --------------------------------------------------------

// Frames of quality >= min_quality; with `dedupe`, only the first frame of
// each distinct hash (python-threatexchange dedupes before filtering).
std::vector<PdqHash> KeptHashes(std::span<const VpdqFrame> frames, int min_quality, bool dedupe) {
  std::vector<PdqHash> kept;
  std::set<std::array<uint16_t, 16>> seen;
  for (const VpdqFrame& frame : frames) {
    if (dedupe && !seen.insert(frame.hash.words()).second) continue;
    if (frame.quality >= min_quality) kept.push_back(frame.hash);
  }
  return kept;
}

// How many of `from` have a hash in `to` within the rule's distance.
size_t CountMatched(const std::vector<PdqHash>& from, const std::vector<PdqHash>& to,
                    int max_distance, bool strict) {
  size_t matched = 0;
  for (const PdqHash& a : from) {
    for (const PdqHash& b : to) {
      const int d = PdqDistance(a, b);
      if (strict ? d < max_distance : d <= max_distance) {
        ++matched;
        break;
      }
    }
  }
  return matched;
}

// ---- Segments -----------------------------------------------------------

// A kept frame: its time interval [start, end) and hash.
struct TimedFrame {
  double start = 0;
  double end = 0;
  const VpdqFrame* frame = nullptr;
};

double MedianInterval(std::span<const VpdqFrame> frames) {
  std::vector<double> gaps;
  for (size_t i = 1; i < frames.size(); ++i) {
    const double gap = frames[i].timestamp_seconds - frames[i - 1].timestamp_seconds;
    if (gap > 0) gaps.push_back(gap);
  }
  if (gaps.empty()) return 1.0;
  std::nth_element(gaps.begin(), gaps.begin() + gaps.size() / 2, gaps.end());
  return gaps[gaps.size() / 2];
}

// Frames of sufficient quality with their spans: to the next frame (of any
// quality: a bad frame still shows that the picture changed), or the median
// interval for the last one.
std::vector<TimedFrame> TimedFrames(std::span<const VpdqFrame> frames, int min_quality) {
  const double median = MedianInterval(frames);
  std::vector<TimedFrame> out;
  for (size_t i = 0; i < frames.size(); ++i) {
    if (frames[i].quality < min_quality) continue;
    TimedFrame timed;
    timed.start = frames[i].timestamp_seconds;
    timed.end = i + 1 < frames.size() ? frames[i + 1].timestamp_seconds : timed.start + median;
    if (timed.end <= timed.start) timed.end = timed.start + median;
    timed.frame = &frames[i];
    out.push_back(timed);
  }
  return out;
}

// A matching frame pair and the range of time offsets (compared - query) it
// is consistent with: its own offset +- the tolerance, widened to the frames'
// spans (a still scene matches wherever in it the other side starts).
struct FramePair {
  int q = 0;  // index into the query's TimedFrames
  int c = 0;
  int distance = 0;
  double offset = 0;
  double low = 0;
  double high = 0;
  double span = 0;  // both frames' spans: how loosely the pair fixes the offset
};

// Near-static video (slides, a talking head) matches itself everywhere: each
// query frame keeps only its closest compared frames, and the search stops
// after this many alignments, so that such a pair stays fast.
constexpr size_t kMaxPairsPerQueryFrame = 32;
constexpr int kMaxAlignments = 64;

FramePair MakePair(const std::vector<TimedFrame>& query, const std::vector<TimedFrame>& compared,
                   size_t qi, size_t ci, int distance, double tolerance) {
  FramePair pair;
  pair.q = static_cast<int>(qi);
  pair.c = static_cast<int>(ci);
  pair.distance = distance;
  pair.offset = compared[ci].start - query[qi].start;
  pair.low = std::min(pair.offset - tolerance, compared[ci].start - query[qi].end);
  pair.high = std::max(pair.offset + tolerance, compared[ci].end - query[qi].start);
  pair.span = (query[qi].end - query[qi].start) + (compared[ci].end - compared[ci].start);
  return pair;
}

std::vector<FramePair> MatchingPairs(const std::vector<TimedFrame>& query,
                                     const std::vector<TimedFrame>& compared, int max_distance,
                                     double tolerance) {
  std::vector<FramePair> pairs;
  std::vector<std::pair<int, size_t>> hits;  // (distance, compared index)
  for (size_t qi = 0; qi < query.size(); ++qi) {
    hits.clear();
    for (size_t ci = 0; ci < compared.size(); ++ci) {
      const int d = PdqDistance(query[qi].frame->hash, compared[ci].frame->hash);
      if (d <= max_distance) hits.emplace_back(d, ci);
    }
    if (hits.size() > kMaxPairsPerQueryFrame) {
      std::nth_element(hits.begin(), hits.begin() + kMaxPairsPerQueryFrame, hits.end());
      hits.resize(kMaxPairsPerQueryFrame);
    }
    for (const auto& [d, ci] : hits)
      pairs.push_back(MakePair(query, compared, qi, ci, d, tolerance));
  }
  return pairs;
}

// The offset contained in the most pair ranges (a sweep over range ends), and
// how many contain it.
std::pair<double, int> DensestOffset(const std::vector<FramePair>& pairs,
                                     const std::vector<bool>& used) {
  std::vector<std::pair<double, int>> events;  // (offset, +1 open / -1 close)
  for (size_t i = 0; i < pairs.size(); ++i) {
    if (used[i]) continue;
    events.emplace_back(pairs[i].low, +1);
    events.emplace_back(pairs[i].high, -1);
  }
  // Opens sort before closes at the same offset: closed ranges.
  std::sort(events.begin(), events.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first < b.first : a.second > b.second;
  });
  int count = 0;
  int best = 0;
  double best_offset = 0;
  for (const auto& [offset, delta] : events) {
    count += delta;
    if (count > best) {
      best = count;
      best_offset = offset;
    }
  }
  return {best_offset, best};
}

// The group's offset: the median of the pairs' offsets weighted by how
// precise each is (a still scene's frame may be matched anywhere in it).
double MedianOffset(const std::vector<FramePair>& pairs, const std::vector<int>& members) {
  std::vector<std::pair<double, double>> weighted;  // (offset, weight)
  double total = 0;
  for (int i : members) {
    const double weight = 1.0 / std::max(1e-3, pairs[i].span);
    weighted.emplace_back(pairs[i].offset, weight);
    total += weight;
  }
  std::sort(weighted.begin(), weighted.end());
  double below = 0;
  for (const auto& [offset, weight] : weighted) {
    below += weight;
    if (below >= total / 2) return offset;
  }
  return weighted.back().first;
}

// One pair per query frame: the one whose offset is nearest the group's,
// then the closest hash. Sorted by query time.
std::vector<FramePair> BestPairPerQueryFrame(const std::vector<FramePair>& pairs,
                                             const std::vector<int>& members, double offset) {
  std::vector<FramePair> best;
  for (int i : members) best.push_back(pairs[i]);
  std::sort(best.begin(), best.end(), [offset](const FramePair& a, const FramePair& b) {
    if (a.q != b.q) return a.q < b.q;
    const double da = std::abs(a.offset - offset);
    const double db = std::abs(b.offset - offset);
    if (da != db) return da < db;
    return a.distance < b.distance;
  });
  best.erase(std::unique(best.begin(), best.end(),
                         [](const FramePair& a, const FramePair& b) { return a.q == b.q; }),
             best.end());
  return best;
}

struct SegmentInputs {
  const std::vector<TimedFrame>* query;
  const std::vector<TimedFrame>* compared;
};

// The segment of one run of pairs (sorted by query time) at `offset`.
VpdqSegment SegmentOfRun(const SegmentInputs& in, std::span<const FramePair> run, double offset) {
  const TimedFrame& q_first = (*in.query)[run.front().q];
  const TimedFrame& c_first = (*in.compared)[run.front().c];
  const TimedFrame& q_last = (*in.query)[run.back().q];
  const TimedFrame& c_last = (*in.compared)[run.back().c];
  VpdqSegment segment;
  // Each side's frames bound the other: a clip cut inside a still scene
  // starts where the offset puts it, not where the scene does.
  segment.query_start = std::max(q_first.start, c_first.start - offset);
  segment.query_end = std::min(q_last.end, c_last.end - offset);
  if (segment.query_end <= segment.query_start) {
    segment.query_start = q_first.start;
    segment.query_end = q_last.end;
  }
  segment.compared_start = std::max(c_first.start, segment.query_start + offset);
  segment.compared_end = std::min(c_last.end, segment.query_end + offset);
  if (segment.compared_end <= segment.compared_start) {
    segment.compared_start = c_first.start;
    segment.compared_end = c_last.end;
  }
  segment.matched_frames = static_cast<int>(run.size());
  for (const TimedFrame& frame : *in.query) {
    if (frame.start >= q_first.start && frame.start <= q_last.start) ++segment.query_frames;
  }
  double distance_sum = 0;
  for (const FramePair& pair : run) distance_sum += pair.distance;
  segment.mean_distance = static_cast<int>(std::lround(distance_sum / run.size()));
  return segment;
}

// Splits one offset group into runs along query time and keeps those with
// enough matching frames.
void AppendRuns(const SegmentInputs& in, const std::vector<FramePair>& best, double offset,
                const VpdqSegmentOptions& options, std::vector<VpdqSegment>* out) {
  size_t run_start = 0;
  for (size_t i = 1; i <= best.size(); ++i) {
    const bool split =
        i == best.size() ||
        (*in.query)[best[i].q].start - (*in.query)[best[i - 1].q].end > options.max_gap_seconds;
    if (!split) continue;
    const std::span<const FramePair> run(best.data() + run_start, i - run_start);
    if (static_cast<int>(run.size()) >= options.min_matched_frames) {
      out->push_back(SegmentOfRun(in, run, offset));
    }
    run_start = i;
  }
}

bool Better(const VpdqSegment& a, const VpdqSegment& b) {
  if (a.matched_frames != b.matched_frames) return a.matched_frames > b.matched_frames;
  return a.mean_distance < b.mean_distance;
}

bool ContainedIn(const VpdqSegment& inner, const VpdqSegment& outer, double slack) {
  return inner.query_start >= outer.query_start - slack &&
         inner.query_end <= outer.query_end + slack &&
         inner.compared_start >= outer.compared_start - slack &&
         inner.compared_end <= outer.compared_end + slack;
}

std::vector<VpdqSegment> DropContained(std::vector<VpdqSegment> segments, double slack) {
  std::sort(segments.begin(), segments.end(), Better);
  std::vector<VpdqSegment> kept;
  for (const VpdqSegment& segment : segments) {
    const bool contained = std::any_of(kept.begin(), kept.end(), [&](const VpdqSegment& k) {
      return ContainedIn(segment, k, slack);
    });
    if (!contained) kept.push_back(segment);
  }
  return kept;
}

}  // namespace

Result<VpdqFingerprint> HashVideo(MediaFile& file, const VpdqHashOptions& options,
                                  PdqHasher& hasher,
                                  const std::function<void(const VideoFrame&)>& on_frame) {
  VpdqFingerprint fingerprint;
  fingerprint.frame_rate = file.info().frame_rate;
  fingerprint.seconds_per_hash = options.sampling.seconds_per_hash;
  fingerprint.duration_seconds = file.info().duration_seconds;
  Status hash_status;
  DecodeReport report;
  TANTALIO_RETURN_IF_ERROR(file.ForEachVideoFrame(
      options.sampling,
      [&](const VideoFrame& frame) {
        if (on_frame) on_frame(frame);
        PdqImageView view;
        view.pixels = frame.rgb;
        view.width = frame.width;
        view.height = frame.height;
        view.channels = 3;
        view.row_stride = frame.stride;
        Result<PdqResult> pdq = hasher.Hash(view);
        if (!pdq.ok()) {
          hash_status =
              pdq.status().WithContext("hash frame " + std::to_string(frame.frame_number));
          return false;
        }
        VpdqFrame hashed;
        hashed.frame_number = frame.frame_number;
        hashed.quality = pdq->quality;
        hashed.hash = pdq->hash;
        hashed.timestamp_seconds = frame.timestamp_seconds;
        fingerprint.frames.push_back(hashed);
        return true;
      },
      &report));
  TANTALIO_RETURN_IF_ERROR(hash_status);
  if (options.collapse_repeats) fingerprint.frames = CollapseRepeats(fingerprint.frames);
  fingerprint.partial = report.partial;
  fingerprint.warning = report.warning;
  fingerprint.frames_decoded = report.frames_decoded;
  return fingerprint;
}

std::vector<VpdqFrame> CollapseRepeats(std::span<const VpdqFrame> frames) {
  std::vector<VpdqFrame> kept;
  for (const VpdqFrame& frame : frames) {
    if (!kept.empty() && kept.back().hash == frame.hash) continue;
    kept.push_back(frame);
  }
  return kept;
}

std::string FormatVpdqLine(const VpdqFrame& frame) {
  char timestamp[64];
  std::snprintf(timestamp, sizeof(timestamp), "%.3f", frame.timestamp_seconds);
  return std::to_string(frame.frame_number) + "," + std::to_string(frame.quality) + "," +
         frame.hash.ToHex() + "," + timestamp;
}

Result<VpdqFrame> ParseVpdqLine(std::string_view line) {
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.remove_suffix(1);
  const std::vector<std::string_view> fields = SplitFields(line);
  const std::string context = "vPDQ line '" + std::string(line.substr(0, 100)) + "'";
  if (fields.size() != 4) {
    return InvalidArgumentError(context + ": expected 4 fields (frameNumber,quality,pdqhex," +
                                "timestamp), found " + std::to_string(fields.size()));
  }
  VpdqFrame frame;
  if (!ParseInt64(fields[0], &frame.frame_number) || frame.frame_number < 0) {
    return InvalidArgumentError(context + ": frame number is not a non-negative integer");
  }
  int64_t quality = 0;
  if (!ParseInt64(fields[1], &quality) || quality < 0 || quality > 100) {
    return InvalidArgumentError(context + ": quality is not an integer in 0..100");
  }
  frame.quality = static_cast<int>(quality);
  Result<PdqHash> hash = PdqHash::FromHex(fields[2]);
  if (!hash.ok()) return hash.status().WithContext(context + ": hash");
  frame.hash = *hash;
  if (!ParseDouble(fields[3], &frame.timestamp_seconds) || frame.timestamp_seconds < 0) {
    return InvalidArgumentError(context + ": timestamp is not a non-negative number");
  }
  return frame;
}

VpdqPercentages MatchPercentages(std::span<const VpdqFrame> query,
                                 std::span<const VpdqFrame> compared,
                                 const VpdqMatchOptions& options) {
  const bool pytx = options.rule == VpdqRule::kPythonThreatExchange;
  const std::vector<PdqHash> q = KeptHashes(query, options.min_quality, pytx);
  const std::vector<PdqHash> c = KeptHashes(compared, options.min_quality, pytx);
  VpdqPercentages result;
  if (q.empty() || c.empty()) return result;
  result.query_percent = 100.0 *
                         static_cast<double>(CountMatched(q, c, options.max_distance, !pytx)) /
                         static_cast<double>(q.size());
  result.compared_percent = 100.0 *
                            static_cast<double>(CountMatched(c, q, options.max_distance, !pytx)) /
                            static_cast<double>(c.size());
  return result;
}

std::vector<VpdqSegment> FindSegments(std::span<const VpdqFrame> query,
                                      std::span<const VpdqFrame> compared,
                                      const VpdqSegmentOptions& options) {
  const std::vector<TimedFrame> q = TimedFrames(query, options.match.min_quality);
  const std::vector<TimedFrame> c = TimedFrames(compared, options.match.min_quality);
  const std::vector<FramePair> pairs =
      MatchingPairs(q, c, options.match.max_distance, options.offset_tolerance_seconds);
  const SegmentInputs in{&q, &c};
  const int min_frames = std::max(1, options.min_matched_frames);
  std::vector<bool> used(pairs.size(), false);
  std::vector<VpdqSegment> segments;
  // Greedy: the best-supported alignment first, then what is left.
  for (int alignment = 0; alignment < kMaxAlignments; ++alignment) {
    const auto [densest, support] = DensestOffset(pairs, used);
    if (support < min_frames) break;
    std::vector<int> members;
    for (size_t i = 0; i < pairs.size(); ++i) {
      if (!used[i] && pairs[i].low <= densest && densest <= pairs[i].high) {
        members.push_back(static_cast<int>(i));
        used[i] = true;
      }
    }
    const double offset = MedianOffset(pairs, members);
    AppendRuns(in, BestPairPerQueryFrame(pairs, members, offset), offset, options, &segments);
  }
  segments = DropContained(std::move(segments), options.offset_tolerance_seconds);
  std::stable_sort(segments.begin(), segments.end(),
                   [](const VpdqSegment& a, const VpdqSegment& b) {
                     return a.query_end - a.query_start > b.query_end - b.query_start;
                   });
  return segments;
}

}  // namespace tantalio
