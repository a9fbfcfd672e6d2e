// Category schemes and the mapping of a source's categories into the project
// scheme (VICS 2.0 US: 0 non-pertinent, 1 CAM, 2 age-difficult/exploitive,
// 3 CGI/animation, 4 comparison; nullopt uncategorised).
//
// Built-in schemes:
//   vics-us  VICS 2.0 US numbering: 0..4 map to themselves.
//   dhs      the older DHS / Autopsy "CAT-n" numbering used by VICS 1.x:
//            0 uncategorised -> nullopt, 1..4 -> 1..4, 5 non-pertinent -> 0.
//            "CAT-3" and the like are accepted too.
//   uk       UK sentencing categories A, B, C: all indecent images -> 1 (CAM).
//   ncmec    Tech Coalition classes A1, A2, B1, B2 -> 1 (CAM).
// A map file handles anything else. The source's original value is always
// kept beside the mapped category (HashSetEntry::category_source).
#ifndef TANTALIO_FORMATS_CATEGORIES_H_
#define TANTALIO_FORMATS_CATEGORIES_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace tantalio::formats {

class CategoryMap {
 public:
  // A built-in scheme by name ("vics-us", "dhs", "uk", "ncmec");
  // kInvalidArgument for any other name.
  static Result<CategoryMap> BuiltIn(std::string_view scheme);

  // Reads a map file: one `source_value,category` pair per line, where the
  // category is 0..4 or empty for uncategorised; `#` starts a comment; blank
  // lines are ignored. Source values compare case-insensitively after
  // trimming. Errors name the file, the line and the reason.
  static Result<CategoryMap> FromFile(const std::string& path);

  // The scheme name: a built-in name or "file:<path>".
  const std::string& scheme() const { return scheme_; }

  // Maps a source value (as text: "1", "A", "CAT-2", "" for absent/null).
  // Returns nullopt inside the Result for "uncategorised", kInvalidArgument
  // for a value the scheme does not know.
  Result<std::optional<int>> Map(std::string_view source_value) const;

 private:
  std::string scheme_;
  std::map<std::string, std::optional<int>> values_;  // keys upper-cased, trimmed
};

}  // namespace tantalio::formats

#endif  // TANTALIO_FORMATS_CATEGORIES_H_
