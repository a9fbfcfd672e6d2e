// Lower-case hexadecimal encoding of byte strings (digests, perceptual hashes).
#ifndef TANTALIO_BASE_HEX_H_
#define TANTALIO_BASE_HEX_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tantalio {

// Returns the lower-case hex form of `bytes` (two characters per byte).
std::string ToHex(std::span<const uint8_t> bytes);

// Parses hex (either case) into bytes. Returns nullopt on an odd length or a
// character that is not a hex digit.
std::optional<std::vector<uint8_t>> FromHex(std::string_view hex);

// True when `text` is exactly `length` hex digits.
bool IsHex(std::string_view text, size_t length);

}  // namespace tantalio

#endif  // TANTALIO_BASE_HEX_H_
