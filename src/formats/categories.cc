#include "formats/categories.h"

#include <cctype>
#include <charconv>
#include <cstdint>
#include <fstream>
#include <utility>

#include "formats/hash_set_entry.h"
#include "formats/text_formats.h"

namespace tantalio::formats {
namespace {

// Parses a whole string as a decimal integer (optional sign, digits only).
std::optional<int64_t> ParseInteger(std::string_view text) {
  if (text.empty()) return std::nullopt;
  if (text.front() == '+') text.remove_prefix(1);
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// The form values are compared in: trimmed, upper-cased, and integers written
// in canonical decimal ("01" and "+1" are "1").
std::string Canonical(std::string_view value) {
  value = internal::TrimWhitespace(value);
  if (auto number = ParseInteger(value)) return std::to_string(*number);
  std::string key(value);
  for (char& c : key) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return key;
}

}  // namespace

Result<CategoryMap> CategoryMap::BuiltIn(std::string_view scheme) {
  CategoryMap map;
  map.scheme_ = std::string(scheme);
  if (scheme == "vics-us") {
    for (int code = 0; code <= kMaxCategory; ++code) map.values_[std::to_string(code)] = code;
  } else if (scheme == "dhs") {
    // CAT-0 uncategorised, CAT-1..CAT-4 as in VICS 2.0 US, CAT-5 non-pertinent.
    for (int code = 0; code <= 5; ++code) {
      std::optional<int> category;
      if (code >= 1 && code <= 4) category = code;
      if (code == 5) category = kNonPertinent;
      map.values_[std::to_string(code)] = category;
      map.values_["CAT-" + std::to_string(code)] = category;
    }
  } else if (scheme == "uk") {
    for (const char* grade : {"A", "B", "C"}) map.values_[grade] = kChildAbuseMaterial;
  } else if (scheme == "ncmec") {
    for (const char* cls : {"A1", "A2", "B1", "B2"}) map.values_[cls] = kChildAbuseMaterial;
  } else {
    return InvalidArgumentError("unknown category scheme '" + std::string(scheme) +
                                "'; expected vics-us, dhs, uk or ncmec (or a map file)");
  }
  return map;
}

Result<CategoryMap> CategoryMap::FromFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return ErrnoError("open category map " + path, errno);
  CategoryMap map;
  map.scheme_ = "file:" + path;
  std::map<std::string, size_t> defined_on;  // key -> line number
  std::string line;
  size_t line_number = 0;
  auto error = [&](const std::string& why) {
    return InvalidArgumentError("category map " + path + ": line " + std::to_string(line_number) +
                                ": " + why);
  };
  while (std::getline(in, line)) {
    ++line_number;
    std::string_view text = line;
    if (line_number == 1 && text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
    if (size_t hash = text.find('#'); hash != std::string_view::npos) text = text.substr(0, hash);
    text = internal::TrimWhitespace(text);
    if (text.empty()) continue;
    // The category never holds a comma, so the last comma splits the pair and
    // a source value may itself contain commas.
    size_t comma = text.rfind(',');
    if (comma == std::string_view::npos) {
      return error("expected 'source_value,category', found '" + std::string(text) + "'");
    }
    std::string_view source = internal::TrimWhitespace(text.substr(0, comma));
    std::string_view target = internal::TrimWhitespace(text.substr(comma + 1));
    if (source.empty()) {
      return error("the source value is empty (an empty value always means uncategorised)");
    }
    std::optional<int> category;
    if (!target.empty()) {
      auto number = ParseInteger(target);
      if (!number || *number < 0 || *number > kMaxCategory) {
        return error("category '" + std::string(target) +
                     "' is not 0..4 (or empty for uncategorised)");
      }
      category = static_cast<int>(*number);
    }
    std::string key = Canonical(source);
    auto [it, inserted] = map.values_.emplace(key, category);
    if (!inserted && it->second != category) {
      return error("source value '" + std::string(source) + "' is already mapped on line " +
                   std::to_string(defined_on[key]) + " to another category");
    }
    defined_on.emplace(key, line_number);
  }
  if (in.bad()) return ErrnoError("read category map " + path, errno);
  if (map.values_.empty()) {
    return InvalidArgumentError("category map " + path + ": no 'source_value,category' lines");
  }
  return map;
}

Result<std::optional<int>> CategoryMap::Map(std::string_view source_value) const {
  std::string key = Canonical(source_value);
  if (key.empty()) return std::optional<int>();
  auto it = values_.find(key);
  if (it == values_.end()) {
    return InvalidArgumentError("category '" + std::string(source_value) +
                                "' is not known in the category scheme " + scheme_);
  }
  return it->second;
}

}  // namespace tantalio::formats
