#include "pipeline/known_media_matcher.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <set>
#include <unordered_set>

namespace tantalio {
namespace {

// A known recording becomes a candidate when it shares this many exact
// fingerprint items with the scanned audio (the same audio re-encoded keeps
// a few percent of its 32-bit items exactly; unrelated audio almost none).
constexpr int kMinSharedAudioItems = 3;
// At most this many candidates per scanned audio are aligned in full.
constexpr size_t kMaxAudioCandidates = 64;
// A whole-video match: at least this share of each video's frames (%).
constexpr double kWholeVideoPercent = 80;

void PackPdq(const PdqHash& hash, uint8_t* out) {
  const auto limbs = hash.Limbs();
  std::memcpy(out, limbs.data(), 32);
}

double Duration(std::span<const VpdqFrame> frames) {
  if (frames.empty()) return 0;
  // The last frame spans one sampling interval (the median gap).
  std::vector<double> gaps;
  for (size_t i = 1; i < frames.size(); ++i) {
    gaps.push_back(frames[i].timestamp_seconds - frames[i - 1].timestamp_seconds);
  }
  double step = 1;
  if (!gaps.empty()) {
    std::nth_element(gaps.begin(), gaps.begin() + static_cast<ptrdiff_t>(gaps.size() / 2),
                     gaps.end());
    step = gaps[gaps.size() / 2];
  }
  return frames.back().timestamp_seconds + step;
}

}  // namespace

Result<std::unique_ptr<KnownMediaMatcher>> KnownMediaMatcher::Load(
    Store& store, const std::vector<int64_t>& set_ids) {
  std::unique_ptr<KnownMediaMatcher> m(new KnownMediaMatcher());
  Status bad;
  TANTALIO_RETURN_IF_ERROR(store.ForEachKnownMediaHash(set_ids, [&](const MatchableHash& h) {
    if (h.media_time && !h.pdq.empty()) bad = m->AddFrame(h);
    if (bad.ok() && !h.chromaprint.empty()) bad = m->AddRecording(h);
    return bad.ok();
  }));
  TANTALIO_RETURN_IF_ERROR(bad);
  TANTALIO_RETURN_IF_ERROR(m->BuildIndexes());
  return m;
}

Status KnownMediaMatcher::AddFrame(const MatchableHash& h) {
  auto hash = PdqHash::FromHex(h.pdq);
  if (!hash.ok()) {
    return CorruptError("hash set entry " + std::to_string(h.entry_id) +
                        ": stored vPDQ frame is malformed: " + hash.status().message());
  }
  // Entries arrive ordered by set, video id and time: a new (set, id) starts a video.
  if (videos_.empty() || h.set_id != last_set_ || h.source_ref != last_ref_) {
    videos_.emplace_back();
    last_set_ = h.set_id;
    last_ref_ = std::string(h.source_ref);
  }
  KnownVideo& video = videos_.back();
  VpdqFrame frame;
  frame.frame_number = static_cast<int64_t>(video.frames.size());
  frame.hash = *hash;
  // A list without qualities is trusted, as for still images.
  frame.quality = h.pdq_quality.value_or(100);
  frame.timestamp_seconds = *h.media_time;
  video.frames.push_back(frame);
  video.entry_ids.push_back(h.entry_id);
  return Status::Ok();
}

Status KnownMediaMatcher::AddRecording(const MatchableHash& h) {
  auto fingerprint = DecodeAudioFingerprint(h.chromaprint);
  if (!fingerprint.ok()) {
    return CorruptError(
        "hash set entry " + std::to_string(h.entry_id) +
        ": stored audio fingerprint is malformed: " + fingerprint.status().message());
  }
  const auto at = static_cast<uint32_t>(recordings_.size());
  KnownRecording& r = recordings_.emplace_back();
  r.entry_id = h.entry_id;
  r.fingerprint = std::move(fingerprint).value();
  std::unordered_set<uint32_t> seen;
  for (uint32_t item : r.fingerprint.items) {
    if (seen.insert(item).second) audio_items_.emplace(item, at);
  }
  return Status::Ok();
}

Status KnownMediaMatcher::BuildIndexes() {
  std::vector<uint8_t> codes;
  std::vector<uint64_t> ids;
  for (size_t v = 0; v < videos_.size(); ++v) {
    for (const VpdqFrame& frame : videos_[v].frames) {
      if (frame.quality < kPdqMinGoodQuality) continue;
      codes.resize(codes.size() + 32);
      PackPdq(frame.hash, codes.data() + codes.size() - 32);
      ids.push_back(frame_owner_.size());
      frame_owner_.push_back(static_cast<uint32_t>(v));
    }
  }
  if (ids.empty()) return Status::Ok();
  index::HammingIndexOptions options;
  options.num_threads = 1;  // each scan worker searches on its own thread
  TANTALIO_ASSIGN_OR_RETURN(frame_index_, index::NewHammingIndex(options));
  return frame_index_->Add(codes, ids);
}

int64_t KnownMediaMatcher::EntryAt(const KnownVideo& video, double time) {
  size_t i = 0;
  while (i + 1 < video.frames.size() && video.frames[i + 1].timestamp_seconds <= time + 1e-6) ++i;
  return video.entry_ids[i];
}

Status KnownMediaMatcher::MatchVideo(const std::string& sha256, std::span<const VpdqFrame> frames,
                                     std::vector<MatchRecord>& out) const {
  if (!frame_index_ || frames.empty()) return Status::Ok();
  std::vector<uint8_t> queries;
  for (const VpdqFrame& frame : frames) {
    if (frame.quality < kPdqMinGoodQuality) continue;
    queries.resize(queries.size() + 32);
    PackPdq(frame.hash, queries.data() + queries.size() - 32);
  }
  if (queries.empty()) return Status::Ok();
  index::SearchOptions search;
  search.num_threads = 1;
  TANTALIO_ASSIGN_OR_RETURN(auto results,
                            frame_index_->Search(queries, kPdqMatchMaxDistance, search));
  std::set<uint32_t> candidates;  // known videos with a frame near one of the query's
  for (size_t q = 0; q < queries.size() / 32; ++q) {
    for (const auto& match : results.ForQuery(q)) candidates.insert(frame_owner_[match.id]);
  }
  const double query_duration = Duration(frames);
  for (uint32_t v : candidates) {
    const KnownVideo& known = videos_[v];
    const VpdqPercentages pct = MatchPercentages(frames, known.frames);
    const double known_duration = Duration(known.frames);
    if (pct.query_percent >= kWholeVideoPercent && pct.compared_percent >= kWholeVideoPercent) {
      MatchRecord r;
      r.sha256 = sha256;
      r.method = kMethodVpdq;
      r.entry_id = known.entry_ids.front();
      r.span.query_start = 0;
      r.span.query_end = query_duration;
      r.span.known_start = known.frames.front().timestamp_seconds;
      r.span.known_end = known_duration;
      r.span.score = pct.query_percent;
      r.span.known_percent = pct.compared_percent;
      out.push_back(std::move(r));
      continue;
    }
    std::vector<VpdqSegment> segments = FindSegments(frames, known.frames);
    if (segments.empty() && pct.IsMatch(VpdqMatchOptions{})) {
      // A vPDQ match too short for a segment of several frames (a clip of a
      // second or two): its frames still place it.
      VpdqSegmentOptions one_frame;
      one_frame.min_matched_frames = 1;
      segments = FindSegments(frames, known.frames, one_frame);
    }
    for (const VpdqSegment& segment : segments) {
      MatchRecord r;
      r.sha256 = sha256;
      r.method = kMethodVpdqClip;
      r.entry_id = EntryAt(known, segment.compared_start);
      r.distance = segment.mean_distance;
      r.span.query_start = segment.query_start;
      r.span.query_end = segment.query_end;
      r.span.known_start = segment.compared_start;
      r.span.known_end = segment.compared_end;
      r.span.score =
          segment.query_frames > 0 ? 100.0 * segment.matched_frames / segment.query_frames : 0.0;
      r.span.known_percent = pct.compared_percent;
      out.push_back(std::move(r));
    }
  }
  return Status::Ok();
}

void KnownMediaMatcher::MatchAudio(const std::string& sha256, const AudioFingerprint& audio,
                                   std::vector<MatchRecord>& out) const {
  if (recordings_.empty() || audio.items.empty()) return;
  std::unordered_map<uint32_t, int> shared;  // recording -> items in common
  std::unordered_set<uint32_t> seen;
  for (uint32_t item : audio.items) {
    if (recordings_.size() <= kMaxAudioCandidates) break;
    if (!seen.insert(item).second) continue;
    auto [begin, end] = audio_items_.equal_range(item);
    for (auto it = begin; it != end; ++it) ++shared[it->second];
  }
  // Few recordings are all aligned in full; many are narrowed first.
  std::vector<std::pair<int, uint32_t>> candidates;
  if (recordings_.size() <= kMaxAudioCandidates) {
    for (size_t r = 0; r < recordings_.size(); ++r) {
      candidates.emplace_back(shared[static_cast<uint32_t>(r)], static_cast<uint32_t>(r));
    }
  } else {
    for (const auto& [recording, count] : shared) {
      if (count >= kMinSharedAudioItems) candidates.emplace_back(count, recording);
    }
  }
  std::sort(candidates.rbegin(), candidates.rend());
  if (candidates.size() > kMaxAudioCandidates) candidates.resize(kMaxAudioCandidates);
  for (const auto& [count, recording] : candidates) {
    const KnownRecording& known = recordings_[recording];
    const auto matches = tantalio::MatchAudio(audio, known.fingerprint);
    if (matches.empty()) continue;
    const AudioMatch& best = matches.front();  // one row per recording: the best stretch
    MatchRecord r;
    r.sha256 = sha256;
    r.method = best.whole_query && best.whole_compared ? kMethodAudio : kMethodAudioClip;
    r.entry_id = known.entry_id;
    r.distance = static_cast<int>(std::lround(best.bit_error_rate * 32));
    r.span.query_start = best.query_start;
    r.span.query_end = best.query_end;
    r.span.known_start = best.compared_start;
    r.span.known_end = best.compared_end;
    r.span.score = best.bit_error_rate;
    out.push_back(std::move(r));
  }
}

}  // namespace tantalio
