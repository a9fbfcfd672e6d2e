// Who posted a media file first, and who passed it on: the postings of one
// media hash across every chat database of a case, in time order.
//
// The same message appears on the sender's device (as its own message) and
// on each receiver's (as incoming); WhatsApp gives all copies one protocol
// message id, so copies are folded into one posting that lists every copy as
// evidence. When the earliest posting was not forwarded, its sender is the
// candidate producer: that person uploaded the file. Every later posting is
// a candidate distributor's. "Candidate": the chat data shows who sent a file
// first among the devices seized, not who made it.
#ifndef TANTALIO_LINK_MEDIA_POSTINGS_H_
#define TANTALIO_LINK_MEDIA_POSTINGS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "store/store.h"

namespace tantalio {

enum class PostingRole {
  kFirstPoster,  // earliest posting, not marked forwarded: candidate producer
  kForwardedIn,  // earliest posting, already forwarded: origin outside the case
  kForwarder,    // a later posting marked forwarded: candidate distributor
  kReposter,     // a later posting sent afresh (not forwarded): also a distributor
};

// "first poster (candidate producer)", "earliest seen, already forwarded
// (origin outside the seized devices)", "forwarder (candidate distributor)",
// "re-poster (candidate distributor)".
const char* PostingRoleName(PostingRole role);

struct MediaPosting {
  PostingRole role = PostingRole::kFirstPoster;
  std::string key_id;
  std::string sender;  // phone JID; "" when no copy tells
  bool sender_inferred = false;
  std::string sender_claimed_name;  // ChatMediaRow::sender_claimed_name of a copy
  std::string chat_jid, chat_subject;
  std::optional<int64_t> timestamp_ms;  // the earliest copy's time
  bool forwarded = false;               // any copy marked forwarded
  std::optional<int64_t> forward_score;
  std::vector<ChatEvidence> copies;  // every database row holding this posting
};

// Folds `rows` (postings of one media hash, any order) into postings by
// protocol message id (rows without one stay alone) and orders them by time;
// postings without a time come last. Roles as described above.
std::vector<MediaPosting> TracePostings(const std::vector<ChatMediaRow>& rows);

// Reads every posting of `sha256` in the case and traces them.
Result<std::vector<MediaPosting>> TraceMediaHash(Store& store, int64_t case_id,
                                                 const std::string& sha256);

}  // namespace tantalio

#endif  // TANTALIO_LINK_MEDIA_POSTINGS_H_
