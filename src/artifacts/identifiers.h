// Identifiers in free text (issue 7 point 5): phone numbers, e-mail
// addresses, URLs, Tor onion hosts and messenger links (WhatsApp group
// invites, wa.me and t.me links) found in message bodies, notes or any other
// text an artifact reader hands over.
//
// Precision over recall: phone numbers come from libphonenumber's matcher at
// leniency VALID (number must be valid for its region), and only from short,
// phone-shaped stretches of text, so dates, times, IP addresses, serial
// numbers, card numbers, IMEIs and version strings are not reported. E-mail,
// URL, onion and link scanners are hand-written linear scanners (no
// std::regex), so hostile input (binary noise, huge lines, endless digits)
// costs linear time and bounded memory. Invalid UTF-8 is tolerated anywhere.
//
// Every occurrence is reported with its byte offset; nothing is deduplicated.
// One piece of text can yield several identifiers: "https://chat.whatsapp.com/
// <code>" gives a kUrl and a kWhatsAppInvite, "http://<x>.onion/" a kUrl and a
// kOnion, "wa.me/<digits>" a kWhatsAppLink and (when the number is valid) a
// kPhone. Phone numbers are not reported from inside URLs, e-mail addresses or
// onion hosts, except the one derived from a wa.me link.
#ifndef TANTALIO_ARTIFACTS_IDENTIFIERS_H_
#define TANTALIO_ARTIFACTS_IDENTIFIERS_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tantalio::artifacts {

enum class IdentifierKind {
  kPhone,           // value: E.164, "+447400123456"
  kEmail,           // value: local part as found, domain lower-cased
  kUrl,             // value: as found, trailing punctuation trimmed
  kOnion,           // value: lower-case "<16 or 56 base32 chars>.onion"
  kWhatsAppInvite,  // value: "https://chat.whatsapp.com/<code>"
  kWhatsAppLink,    // value: "https://wa.me/<digits>"
  kTelegramLink,    // value: "https://t.me/<name>" (usernames lower-cased),
                    // "https://t.me/joinchat/<hash>" or "https://t.me/+<hash>"
};

// "phone", "email", "url", "onion", "invite", "wa.me" or "t.me".
inline const char* IdentifierKindName(IdentifierKind kind) {
  switch (kind) {
    case IdentifierKind::kPhone:
      return "phone";
    case IdentifierKind::kEmail:
      return "email";
    case IdentifierKind::kUrl:
      return "url";
    case IdentifierKind::kOnion:
      return "onion";
    case IdentifierKind::kWhatsAppInvite:
      return "invite";
    case IdentifierKind::kWhatsAppLink:
      return "wa.me";
    case IdentifierKind::kTelegramLink:
      return "t.me";
  }
  return "unknown";
}

struct Identifier {
  IdentifierKind kind = IdentifierKind::kUrl;
  std::string value;  // normalised (see IdentifierKind)
  std::string raw;    // the bytes as found: text.substr(offset, raw.size())
  size_t offset = 0;  // byte offset of `raw` in the scanned text
};

struct IdentifierOptions {
  // ISO 3166 alpha-2 region of the device or case ("ES", "GB"), used for
  // numbers written without an international prefix. "ZZ" (unknown) accepts
  // only numbers written with "+" or "00".
  std::string default_region = "ZZ";
  // Longer text is scanned only up to this many bytes; the scan says truncated.
  size_t max_text_bytes = size_t{16} << 20;
  // At most this many identifiers (the first ones by offset); more sets truncated.
  size_t max_identifiers = 100000;
};

struct IdentifierScan {
  std::vector<Identifier> identifiers;  // sorted by offset, then by kind
  // Text longer than max_text_bytes, max_identifiers hit, or phone scanning
  // stopped early on hostile text (see ExtractIdentifiers).
  bool truncated = false;
};

// Finds every identifier in `text`. Never fails; never throws on bad input.
// Thread-safe. Cost is linear in the text: phone-shaped stretches are cut into
// bounded windows before libphonenumber sees them, runs of more than 16 digit
// groups joined by single separators ("12 12 12 ...", figure tables) are
// scanned only at their first and last 8 groups, and matcher results are
// memoised per thread (4096 windows), so repetitive hostile text is cheap.
// Distinct phone-shaped stretches cost libphonenumber calls (tens of
// microseconds each): windows that yield no number are budgeted (about 256
// plus one per 2 KB of text; windows with many digit groups count more); past
// the budget phone scanning stops and the scan says truncated. Messages and
// ordinary documents stay far below it; a long table of figures may not.
IdentifierScan ExtractIdentifiers(std::string_view text, const IdentifierOptions& options);

struct PhoneNumber {
  std::string e164;    // "+447400123456"
  bool valid = false;  // libphonenumber IsValidNumber (else only IsPossibleNumber)
};

// Normalises one number written on its own (a contact's number, a JID's user
// part) to E.164 with libphonenumber. Accepted forms: "+<country code>…",
// "00<country code>…", or national form read with `default_region` (ISO 3166
// alpha-2, any case; "ZZ" or anything unrecognised accepts only the two
// international forms). Spaces, dashes, dots and brackets are allowed. Callers
// holding the bare digits of a WhatsApp JID ("447400123456@s.whatsapp.net")
// pass "+" + digits. Returns the E.164 form when the number is at least
// possible for its region (IsPossibleNumber: plausible length), with `valid`
// telling whether it is also valid (IsValidNumber: an assigned range);
// nullopt when it cannot be parsed or is not possible. Thread-safe.
std::optional<PhoneNumber> NormalisePhoneNumber(std::string_view number,
                                                std::string_view default_region);

}  // namespace tantalio::artifacts

#endif  // TANTALIO_ARTIFACTS_IDENTIFIERS_H_
