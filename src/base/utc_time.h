// Times for people and exchange formats: ISO 8601 in UTC.
#ifndef TANTALIO_BASE_UTC_TIME_H_
#define TANTALIO_BASE_UTC_TIME_H_

#include <cstdint>
#include <string>

namespace tantalio {

// "2026-11-27T21:48:50Z" for Unix seconds.
std::string IsoUtcFromSeconds(int64_t seconds);
// "2026-11-27T21:48:50.123Z" for Unix milliseconds (negative times too).
std::string IsoUtcFromMillis(int64_t millis);

}  // namespace tantalio

#endif  // TANTALIO_BASE_UTC_TIME_H_
