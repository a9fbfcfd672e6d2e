#include "base/utc_time.h"

#include <gtest/gtest.h>

namespace tantalio {
namespace {

TEST(UtcTimeTest, FormatsSecondsAndMillis) {
  EXPECT_EQ(IsoUtcFromSeconds(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(IsoUtcFromSeconds(1600000000), "2020-09-13T12:26:40Z");
  EXPECT_EQ(IsoUtcFromMillis(1600000000123), "2020-09-13T12:26:40.123Z");
  EXPECT_EQ(IsoUtcFromMillis(-1), "1969-12-31T23:59:59.999Z");
}

}  // namespace
}  // namespace tantalio
