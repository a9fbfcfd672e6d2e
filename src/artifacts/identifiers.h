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
  bool truncated = false;               // text longer than max_text_bytes, or max_identifiers hit
};

// Finds every identifier in `text`. Never fails; never throws on bad input.
IdentifierScan ExtractIdentifiers(std::string_view text, const IdentifierOptions& options);

}  // namespace tantalio::artifacts

#endif  // TANTALIO_ARTIFACTS_IDENTIFIERS_H_
