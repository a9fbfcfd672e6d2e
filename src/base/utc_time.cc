#include "base/utc_time.h"

#include <cstdio>
#include <ctime>

namespace tantalio {
namespace {

std::string Format(int64_t seconds, const char* pattern) {
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[48];
  std::strftime(buf, sizeof buf, pattern, &tm);
  return buf;
}

}  // namespace

std::string IsoUtcFromSeconds(int64_t seconds) { return Format(seconds, "%Y-%m-%dT%H:%M:%SZ"); }

std::string IsoUtcFromMillis(int64_t millis) {
  int64_t seconds = millis / 1000;
  int64_t rest = millis % 1000;
  if (rest < 0) {  // floor, so that -1 ms is 23:59:59.999 of the day before
    rest += 1000;
    --seconds;
  }
  char ms[8];
  std::snprintf(ms, sizeof ms, ".%03dZ", static_cast<int>(rest));
  return Format(seconds, "%Y-%m-%dT%H:%M:%S") + ms;
}

}  // namespace tantalio
