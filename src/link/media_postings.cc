#include "link/media_postings.h"

#include <algorithm>
#include <map>
#include <tuple>

namespace tantalio {

const char* PostingRoleName(PostingRole role) {
  switch (role) {
    case PostingRole::kFirstPoster:
      return "first poster (candidate producer)";
    case PostingRole::kForwardedIn:
      return "earliest seen, already forwarded (origin outside the seized devices)";
    case PostingRole::kForwarder:
      return "forwarder (candidate distributor)";
    case PostingRole::kReposter:
      return "re-poster (candidate distributor)";
  }
  return "unknown";
}

std::vector<MediaPosting> TracePostings(const std::vector<ChatMediaRow>& rows) {
  std::vector<MediaPosting> postings;
  std::map<std::string, size_t> by_key;  // protocol message id -> postings index
  for (const ChatMediaRow& row : rows) {
    size_t index = postings.size();
    if (!row.key_id.empty()) {
      auto [it, fresh] = by_key.try_emplace(row.key_id, index);
      index = it->second;
      if (fresh) postings.emplace_back();
    } else {
      postings.emplace_back();
    }
    MediaPosting& p = postings[index];
    if (p.copies.empty()) {
      p.key_id = row.key_id;
      p.chat_jid = row.chat_jid;
    }
    p.copies.push_back(row.evidence);
    if (p.chat_subject.empty()) p.chat_subject = row.chat_subject;
    if (p.sender_claimed_name.empty()) p.sender_claimed_name = row.sender_claimed_name;
    // A sender stated by a copy beats one inferred for the owner's own copy.
    if (!row.sender.empty() && (p.sender.empty() || (p.sender_inferred && !row.sender_inferred))) {
      p.sender = row.sender;
      p.sender_inferred = row.sender_inferred;
    }
    if (row.timestamp_ms && (!p.timestamp_ms || *row.timestamp_ms < *p.timestamp_ms)) {
      p.timestamp_ms = row.timestamp_ms;
    }
    p.forwarded = p.forwarded || row.forwarded;
    if (row.forward_score && (!p.forward_score || *row.forward_score > *p.forward_score)) {
      p.forward_score = row.forward_score;
    }
  }
  std::stable_sort(
      postings.begin(), postings.end(), [](const MediaPosting& a, const MediaPosting& b) {
        return std::make_tuple(!a.timestamp_ms.has_value(), a.timestamp_ms.value_or(0)) <
               std::make_tuple(!b.timestamp_ms.has_value(), b.timestamp_ms.value_or(0));
      });
  for (size_t i = 0; i < postings.size(); ++i) {
    MediaPosting& p = postings[i];
    if (i == 0) {
      p.role = p.forwarded ? PostingRole::kForwardedIn : PostingRole::kFirstPoster;
    } else {
      p.role = p.forwarded ? PostingRole::kForwarder : PostingRole::kReposter;
    }
  }
  return postings;
}

Result<std::vector<MediaPosting>> TraceMediaHash(Store& store, int64_t case_id,
                                                 const std::string& sha256) {
  MediaFilter filter;
  filter.sha256 = sha256;
  std::vector<ChatMediaRow> rows;
  TANTALIO_RETURN_IF_ERROR(store.ForEachChatMedia(case_id, filter, [&](const ChatMediaRow& row) {
    rows.push_back(row);
    return true;
  }));
  return TracePostings(rows);
}

}  // namespace tantalio
