// Forensic paths: where an item lives, from the device down to the entry.
//
//   phone1/dump/DCIM/a.zip!/inner/b.tar!/x.jpg
//
// Components are joined with '/', and "!/" steps into an archive. Paths are
// byte strings: a file name with invalid UTF-8 or a newline is kept exactly
// as the evidence holds it. EscapeForDisplay() makes it safe to print.
#ifndef TANTALIO_BASE_FORENSIC_PATH_H_
#define TANTALIO_BASE_FORENSIC_PATH_H_

#include <string>
#include <string_view>

namespace tantalio {

// The separator that steps from an archive into one of its entries.
inline constexpr std::string_view kArchiveSeparator = "!/";

// "a" + "b" -> "a/b"; an empty parent yields the child alone.
std::string JoinPath(std::string_view parent, std::string_view child);

// "x.zip" + "inner/y.jpg" -> "x.zip!/inner/y.jpg".
std::string JoinArchivePath(std::string_view archive, std::string_view entry);

// The part after the last '/' (the file name), e.g. for extension checks.
std::string_view BaseName(std::string_view path);

// The extension of the file name, lower-cased, without the dot; empty if none.
std::string LowerExtension(std::string_view path);

// Printable, unambiguous form: valid UTF-8 passes through; backslash becomes
// "\\", control characters become "\n", "\t", "\r" or "\xNN", and bytes that
// are not valid UTF-8 become "\xNN". Distinct inputs give distinct outputs.
std::string EscapeForDisplay(std::string_view raw);

// EscapeForDisplay, then quotes and backslashes escaped: safe inside a JSON
// string (audit log details).
std::string EscapeForJson(std::string_view text);

// True when `text` is well-formed UTF-8 (no overlongs, no surrogates).
bool IsValidUtf8(std::string_view text);

}  // namespace tantalio

#endif  // TANTALIO_BASE_FORENSIC_PATH_H_
