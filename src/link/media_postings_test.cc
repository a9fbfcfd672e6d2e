// Producer and distributor ordering: copies of one message fold into one
// posting, postings are ordered by time, and roles follow the forwarded flag.
#include "link/media_postings.h"

#include <gtest/gtest.h>

namespace tantalio {
namespace {

ChatMediaRow Row(const std::string& device, int64_t row, const std::string& key,
                 const std::string& sender, std::optional<int64_t> time_ms, bool forwarded,
                 bool inferred = false) {
  ChatMediaRow r;
  r.evidence = ChatEvidence{device, "msgstore.db", row};
  r.key_id = key;
  r.chat_jid = "120363000000000001@g.us";
  r.sender = sender;
  r.sender_inferred = inferred;
  r.timestamp_ms = time_ms;
  r.forwarded = forwarded;
  return r;
}

TEST(TracePostingsTest, EmptyGivesNothing) { EXPECT_TRUE(TracePostings({}).empty()); }

TEST(TracePostingsTest, CopiesFoldAndTheEarliestUnforwardedPosterComesFirst) {
  // Given out of order, as several devices' rows would be.
  std::vector<ChatMediaRow> rows = {
      Row("c", 31, "K2", "bob", 2003, true),
      Row("b", 20, "K1", "alice", 1005, false),
      Row("a", 10, "K1", "alice", 1000, false, /*inferred=*/true),
      Row("b", 21, "K2", "bob", 2000, true, /*inferred=*/true),
      Row("d", 40, "K3", "dave", 3000, false),
  };
  std::vector<MediaPosting> postings = TracePostings(rows);
  ASSERT_EQ(postings.size(), 3u);
  EXPECT_EQ(postings[0].key_id, "K1");
  EXPECT_EQ(postings[0].role, PostingRole::kFirstPoster);
  EXPECT_EQ(postings[0].sender, "alice");
  EXPECT_FALSE(postings[0].sender_inferred);  // a receiver's copy states it
  EXPECT_EQ(postings[0].timestamp_ms, 1000);  // the earliest copy's time
  EXPECT_EQ(postings[0].copies.size(), 2u);
  EXPECT_EQ(postings[1].key_id, "K2");
  EXPECT_EQ(postings[1].role, PostingRole::kForwarder);
  EXPECT_EQ(postings[2].role, PostingRole::kReposter);
}

TEST(TracePostingsTest, AForwardedEarliestPostingMeansTheOriginIsElsewhere) {
  std::vector<MediaPosting> postings =
      TracePostings({Row("a", 1, "K1", "x", 500, true), Row("b", 2, "K2", "y", 900, false)});
  ASSERT_EQ(postings.size(), 2u);
  EXPECT_EQ(postings[0].role, PostingRole::kForwardedIn);
  EXPECT_EQ(postings[1].role, PostingRole::kReposter);
}

TEST(TracePostingsTest, RowsWithoutKeyOrTimeStayApartAndComeLast) {
  std::vector<MediaPosting> postings =
      TracePostings({Row("a", 1, "", "x", std::nullopt, false), Row("b", 2, "", "y", 100, false),
                     Row("c", 3, "", "z", 200, true)});
  ASSERT_EQ(postings.size(), 3u);
  EXPECT_EQ(postings[0].sender, "y");
  EXPECT_EQ(postings[0].role, PostingRole::kFirstPoster);
  EXPECT_EQ(postings[1].role, PostingRole::kForwarder);
  EXPECT_EQ(postings[2].sender, "x");
  EXPECT_FALSE(postings[2].timestamp_ms.has_value());
}

}  // namespace
}  // namespace tantalio
