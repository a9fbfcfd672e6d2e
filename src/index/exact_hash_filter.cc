#include "index/exact_hash_filter.h"

#include <algorithm>

namespace tantalio::index {

std::optional<uint64_t> ExactHashFilter::Prefix(std::string_view hex) {
  if (hex.size() < 16) return std::nullopt;
  uint64_t value = 0;
  for (size_t i = 0; i < 16; ++i) {
    const char c = hex[i];
    uint64_t digit;
    if (c >= '0' && c <= '9') {
      digit = static_cast<uint64_t>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      digit = static_cast<uint64_t>(c - 'a' + 10);
    } else if (c >= 'A' && c <= 'F') {
      digit = static_cast<uint64_t>(c - 'A' + 10);
    } else {
      return std::nullopt;
    }
    value = (value << 4) | digit;
  }
  return value;
}

bool ExactHashFilter::Add(std::string_view hex) {
  auto prefix = Prefix(hex);
  if (!prefix) return false;
  prefixes_.push_back(*prefix);
  sealed_ = false;
  return true;
}

void ExactHashFilter::Seal() {
  std::sort(prefixes_.begin(), prefixes_.end());
  prefixes_.erase(std::unique(prefixes_.begin(), prefixes_.end()), prefixes_.end());
  prefixes_.shrink_to_fit();
  sealed_ = true;
}

bool ExactHashFilter::MayContain(std::string_view hex) const {
  auto prefix = Prefix(hex);
  if (!prefix || prefixes_.empty()) return false;
  if (!sealed_) return std::find(prefixes_.begin(), prefixes_.end(), *prefix) != prefixes_.end();
  return std::binary_search(prefixes_.begin(), prefixes_.end(), *prefix);
}

}  // namespace tantalio::index
