#include "artifacts/identifiers.h"

#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumbermatch.h>
#include <phonenumbers/phonenumbermatcher.h>
#include <phonenumbers/phonenumberutil.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <iterator>
#include <limits>
#include <unordered_map>
#include <utility>

namespace tantalio::artifacts {
namespace {

using LibPhoneNumber = i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberMatch;
using i18n::phonenumbers::PhoneNumberMatcher;
using i18n::phonenumbers::PhoneNumberUtil;

// E.164 allows 15 digits; with an "00" international prefix 17 digits is the
// most a phone number can show in one unbroken run. Longer runs (card
// numbers written together, hashes, the "billion digits" attack) can never
// hold a number, so they are cut out before libphonenumber sees anything.
constexpr size_t kMaxPhoneDigitRun = 17;
// No number is written with more separators in a row than this
// ("+44 (0) 7400": ") " is two); longer runs split the stretch.
constexpr size_t kMaxSeparatorRun = 4;
// A run of digit groups joined by single separator bytes that holds more
// groups than this is a table or padding, not prose (no number is written in
// more than about 8 groups); only kRunEdgeGroups at each end are scanned.
constexpr size_t kMaxRunGroups = 16;
constexpr size_t kRunEdgeGroups = 8;
// Most candidates libphonenumber may try inside one window (it retries every
// digit group of a failed candidate, at tens of microseconds a try).
constexpr int kMaxTriesPerWindow = 16;
// libphonenumber costs tens of microseconds a try, so text dense with
// distinct phone-shaped stretches that hold no number (random digit groups)
// could still cost tens of microseconds a byte. Windows that yield no number
// are budgeted in units of 1 + (digit groups in the window) / 4, about the
// cost of a few matcher tries: kFruitlessUnits plus one per kFruitlessBytes
// of text; then phone scanning stops and the scan says truncated. Windows that
// yield a number and cached windows are free, so a message or an ordinary
// document never comes near the budget.
constexpr size_t kFruitlessUnits = 256;
constexpr size_t kFruitlessBytes = 2048;
// Windows already matched (thread-local, per region): repeated text (a
// signature line, a pasted list, hostile repetition) costs one hash lookup.
constexpr size_t kMatchCacheEntries = 4096;
// A candidate stretch needs at least this many digits to be worth a look.
constexpr size_t kMinPhoneDigits = 5;
// Long phone-shaped stretches are fed to the matcher in windows of about this
// many bytes (cut at digit-group boundaries) so each matcher call is small.
constexpr size_t kPhoneWindowCore = 64;
constexpr size_t kPhoneWindowOverlap = 32;
// Bytes of surrounding text given to the matcher so it can reject numbers
// glued to letters ("v2.17.700", "id612345678").
constexpr size_t kPhoneContext = 8;
constexpr size_t kMaxEmailLocal = 64;
constexpr size_t kMaxEmailDomain = 253;
constexpr size_t kMaxUrlBytes = 8192;

bool IsDigit(unsigned char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsAlnum(unsigned char c) { return IsDigit(c) || IsAlpha(c); }
char Lower(unsigned char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : static_cast<char>(c);
}
bool IsBase32(unsigned char c) {
  char l = Lower(c);
  return (l >= 'a' && l <= 'z') || (c >= '2' && c <= '7');
}

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = Lower(static_cast<unsigned char>(c));
  return out;
}

// Length of the valid UTF-8 sequence starting at text[i], 0 when invalid
// (bad lead, bad continuation, overlong, surrogate, above U+10FFFF, cut off).
size_t Utf8Length(std::string_view text, size_t i) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char c = b(i);
  if (c < 0x80) return 1;
  size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + n > text.size()) return 0;
  if (b(i + 1) < lo || b(i + 1) > hi) return 0;
  for (size_t k = 2; k < n; ++k) {
    if (b(i + k) < 0x80 || b(i + k) > 0xBF) return 0;
  }
  return n;
}

bool StartsWithNoCase(std::string_view text, size_t i, std::string_view needle) {
  if (i + needle.size() > text.size()) return false;
  for (size_t k = 0; k < needle.size(); ++k) {
    if (Lower(static_cast<unsigned char>(text[i + k])) != needle[k]) return false;
  }
  return true;
}

struct Span {
  size_t begin = 0;
  size_t end = 0;
};

class Collector {
 public:
  explicit Collector(size_t cap) : cap_(cap) {}
  bool full() const { return items_.size() >= cap_; }
  void Add(IdentifierKind kind, std::string value, std::string_view text, size_t offset,
           size_t length) {
    if (full()) return;
    Identifier id;
    id.kind = kind;
    id.value = std::move(value);
    id.raw = std::string(text.substr(offset, length));
    id.offset = offset;
    items_.push_back(std::move(id));
  }
  std::vector<Identifier>& items() { return items_; }

 private:
  size_t cap_;
  std::vector<Identifier> items_;
};

// ---------------------------------------------------------------- e-mail

bool IsEmailLocalChar(unsigned char c) {
  return IsAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}
bool IsDomainChar(unsigned char c) { return IsAlnum(c) || c == '.' || c == '-'; }

// "a.b.example" with 2+ labels of 1..63 [A-Za-z0-9-] not starting or ending
// with '-', and an alphabetic top-level label of 2+ letters.
bool ValidDomain(std::string_view d) {
  if (d.empty() || d.size() > kMaxEmailDomain) return false;
  size_t labels = 0;
  size_t start = 0;
  while (start <= d.size()) {
    size_t dot = d.find('.', start);
    if (dot == std::string_view::npos) dot = d.size();
    std::string_view label = d.substr(start, dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-')
      return false;
    ++labels;
    if (dot == d.size()) {
      if (label.size() < 2) return false;
      for (char c : label) {
        if (!IsAlpha(static_cast<unsigned char>(c))) return false;
      }
      break;
    }
    start = dot + 1;
  }
  return labels >= 2;
}

// WhatsApp JIDs ("447400123456@s.whatsapp.net") look like addresses but are not.
bool IsJidDomain(std::string_view lower_domain) {
  return lower_domain == "s.whatsapp.net" || lower_domain == "g.us" || lower_domain == "c.us";
}

void ScanEmails(std::string_view text, Collector& out, std::vector<Span>& spans) {
  size_t next_free = 0;  // no address starts before the end of the previous one
  for (size_t at = text.find('@'); at != std::string_view::npos && !out.full();
       at = text.find('@', at + 1)) {
    if (at < next_free) continue;
    size_t j = at;
    while (j > next_free && at - j < kMaxEmailLocal &&
           IsEmailLocalChar(static_cast<unsigned char>(text[j - 1])))
      --j;
    if (j > next_free && IsEmailLocalChar(static_cast<unsigned char>(text[j - 1])))
      continue;  // local part too long
    while (j < at && text[j] == '.') ++j;
    std::string_view local = text.substr(j, at - j);
    if (local.empty() || local.back() == '.' || local.find("..") != std::string_view::npos)
      continue;
    size_t k = at + 1;
    while (k < text.size() && k - (at + 1) <= kMaxEmailDomain &&
           IsDomainChar(static_cast<unsigned char>(text[k])))
      ++k;
    if (k < text.size() && IsDomainChar(static_cast<unsigned char>(text[k])))
      continue;  // domain too long
    size_t end = k;
    while (end > at + 1 && (text[end - 1] == '.' || text[end - 1] == '-')) --end;
    std::string_view domain = text.substr(at + 1, end - (at + 1));
    if (!ValidDomain(domain)) continue;
    std::string lower_domain = ToLower(domain);
    if (IsJidDomain(lower_domain)) continue;
    out.Add(IdentifierKind::kEmail, std::string(local) + "@" + lower_domain, text, j, end - j);
    spans.push_back(Span{j, end});
    next_free = end;
  }
}

// ------------------------------------------------------------------ URLs

bool IsUrlAsciiChar(unsigned char c) {
  if (c <= 0x20 || c >= 0x7F) return false;
  switch (c) {
    case '<':
    case '>':
    case '"':
    case '`':
    case '{':
    case '}':
    case '|':
    case '\\':
    case '^':
      return false;
    default:
      return true;
  }
}

// Drops trailing sentence punctuation and unbalanced closing brackets.
size_t TrimUrlEnd(std::string_view text, size_t begin, size_t end) {
  while (end > begin) {
    char c = text[end - 1];
    if (c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' || c == '\'' ||
        c == '*') {
      --end;
      continue;
    }
    if (c == ')' || c == ']') {
      char open = c == ')' ? '(' : '[';
      std::string_view s = text.substr(begin, end - begin);
      if (std::count(s.begin(), s.end(), open) < std::count(s.begin(), s.end(), c)) {
        --end;
        continue;
      }
    }
    break;
  }
  return end;
}

void ScanUrls(std::string_view text, Collector& out, std::vector<Span>& spans) {
  static constexpr std::string_view kPrefixes[] = {"https://", "http://", "ftp://", "www."};
  size_t i = 0;
  while (i < text.size() && !out.full()) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    char l = Lower(c);
    if (l != 'h' && l != 'f' && l != 'w') {
      ++i;
      continue;
    }
    std::string_view prefix;
    for (std::string_view p : kPrefixes) {
      if (StartsWithNoCase(text, i, p)) {
        prefix = p;
        break;
      }
    }
    if (prefix.empty() ||
        (i > 0 && (IsAlnum(static_cast<unsigned char>(text[i - 1])) ||
                   (prefix == "www." && (text[i - 1] == '.' || text[i - 1] == '-'))))) {
      ++i;
      continue;
    }
    size_t end = i + prefix.size();
    while (end < text.size() && end - i < kMaxUrlBytes) {
      unsigned char b = static_cast<unsigned char>(text[end]);
      if (b < 0x80) {
        if (!IsUrlAsciiChar(b)) break;
        ++end;
        continue;
      }
      size_t n = Utf8Length(text, end);
      if (n == 0 || end + n - i > kMaxUrlBytes) break;
      end += n;
    }
    end = TrimUrlEnd(text, i, end);
    // Host: up to the first '/', '?', '#' (and port ':' / userinfo are kept).
    size_t host_begin = i + prefix.size();
    size_t host_end = host_begin;
    while (host_end < end && text[host_end] != '/' && text[host_end] != '?' &&
           text[host_end] != '#')
      ++host_end;
    bool ok = host_end > host_begin;
    if (ok && prefix == "www.") {
      // "www." then a domain of its own: "www.example.com", not "www.example".
      std::string_view host = text.substr(i + prefix.size(), host_end - i - prefix.size());
      size_t colon = host.find(':');
      if (colon != std::string_view::npos) host = host.substr(0, colon);
      ok = ValidDomain(host);
    }
    if (!ok) {
      i += prefix.size();
      continue;
    }
    out.Add(IdentifierKind::kUrl, std::string(text.substr(i, end - i)), text, i, end - i);
    spans.push_back(Span{i, end});
    i = end;
  }
}

// ----------------------------------------------------------------- onion

void ScanOnions(std::string_view text, Collector& out, std::vector<Span>& spans) {
  for (size_t i = 0; i + 6 <= text.size() && !out.full(); ++i) {
    if (text[i] != '.' || !StartsWithNoCase(text, i, ".onion")) continue;
    size_t after = i + 6;
    if (after < text.size()) {
      unsigned char a = static_cast<unsigned char>(text[after]);
      if (IsAlnum(a) || a == '-' || a == '_') continue;
    }
    size_t n = 0;
    while (n < 57 && n < i && IsBase32(static_cast<unsigned char>(text[i - n - 1]))) ++n;
    size_t len = 0;
    if (n >= 56) {
      len = 56;
    } else if (n >= 16) {
      len = 16;
    } else {
      continue;
    }
    if (n != len) continue;  // longer label: not an onion host
    size_t begin = i - len;
    if (begin > 0) {
      unsigned char p = static_cast<unsigned char>(text[begin - 1]);
      if (IsAlnum(p) || p == '-' || p == '_') continue;
    }
    // v3 addresses end in the version byte 3, which base32-encodes as 'd'.
    if (len == 56 && Lower(static_cast<unsigned char>(text[i - 1])) != 'd') continue;
    out.Add(IdentifierKind::kOnion, ToLower(text.substr(begin, len + 6)), text, begin, len + 6);
    spans.push_back(Span{begin, after});
  }
}

// -------------------------------------------------------- messenger links

// Start of a link host at `i`: not glued to a preceding host label.
bool HostBoundary(std::string_view text, size_t i) {
  if (i == 0) return true;
  unsigned char p = static_cast<unsigned char>(text[i - 1]);
  return !(IsAlnum(p) || p == '.' || p == '-' || p == '_' || p == '@');
}

// Extends a link back over "https://" / "http://" directly before it.
size_t WithScheme(std::string_view text, size_t i) {
  for (std::string_view s : {std::string_view("https://"), std::string_view("http://")}) {
    if (i >= s.size() && StartsWithNoCase(text, i - s.size(), s)) return i - s.size();
  }
  return i;
}

size_t RunLength(std::string_view text, size_t i, bool (*pred)(unsigned char)) {
  size_t k = i;
  while (k < text.size() && pred(static_cast<unsigned char>(text[k]))) ++k;
  return k - i;
}

bool IsAlnumChar(unsigned char c) { return IsAlnum(c); }
bool IsDigitChar(unsigned char c) { return IsDigit(c); }
bool IsUsernameChar(unsigned char c) { return IsAlnum(c) || c == '_'; }
bool IsHashChar(unsigned char c) { return IsAlnum(c) || c == '_' || c == '-'; }

void ScanLinks(std::string_view text, Collector& out, const PhoneNumberUtil& util,
               std::vector<Span>& wa_phones) {
  for (size_t i = 0; i < text.size() && !out.full(); ++i) {
    char l = Lower(static_cast<unsigned char>(text[i]));
    if (l != 'c' && l != 'w' && l != 't') continue;
    if (!HostBoundary(text, i)) continue;
    if (StartsWithNoCase(text, i, "chat.whatsapp.com/")) {
      size_t p = i + 18;
      if (StartsWithNoCase(text, p, "invite/")) p += 7;
      size_t n = RunLength(text, p, IsAlnumChar);
      if (n < 20 || n > 24) continue;
      if (p + n < text.size() && (text[p + n] == '_' || text[p + n] == '-')) continue;
      size_t begin = WithScheme(text, i);
      out.Add(IdentifierKind::kWhatsAppInvite,
              "https://chat.whatsapp.com/" + std::string(text.substr(p, n)), text, begin,
              p + n - begin);
      i = p + n - 1;
    } else if (StartsWithNoCase(text, i, "wa.me/")) {
      size_t p = i + 6;
      size_t digits = p < text.size() && text[p] == '+' ? p + 1 : p;
      size_t n = RunLength(text, digits, IsDigitChar);
      if (n < 6 || n > 15) continue;
      if (digits + n < text.size() && IsUsernameChar(static_cast<unsigned char>(text[digits + n])))
        continue;
      std::string number(text.substr(digits, n));
      size_t begin = WithScheme(text, i);
      out.Add(IdentifierKind::kWhatsAppLink, "https://wa.me/" + number, text, begin,
              digits + n - begin);
      LibPhoneNumber parsed;
      if (util.Parse("+" + number, "ZZ", &parsed) == PhoneNumberUtil::NO_PARSING_ERROR &&
          util.IsValidNumber(parsed)) {
        std::string e164;
        util.Format(parsed, PhoneNumberUtil::E164, &e164);
        out.Add(IdentifierKind::kPhone, std::move(e164), text, p, digits + n - p);
        wa_phones.push_back(Span{p, digits + n});
      }
      i = digits + n - 1;
    } else if (StartsWithNoCase(text, i, "t.me/") || StartsWithNoCase(text, i, "telegram.me/")) {
      size_t p = i + (l == 't' && StartsWithNoCase(text, i, "t.me/") ? 5 : 12);
      std::string path;
      size_t end = 0;  // set by each branch below
      if (StartsWithNoCase(text, p, "joinchat/")) {
        size_t n = RunLength(text, p + 9, IsHashChar);
        if (n < 5) continue;
        path = "joinchat/" + std::string(text.substr(p + 9, n));
        end = p + 9 + n;
      } else if (p < text.size() && text[p] == '+') {
        size_t n = RunLength(text, p + 1, IsHashChar);
        if (n < 5) continue;
        path = "+" + std::string(text.substr(p + 1, n));
        end = p + 1 + n;
      } else {
        // Telegram usernames: a letter, then letters, digits or '_'; 4..32 long.
        size_t n = RunLength(text, p, IsUsernameChar);
        if (n < 4 || n > 32 || !IsAlpha(static_cast<unsigned char>(text[p]))) continue;
        path = ToLower(text.substr(p, n));
        end = p + n;
      }
      size_t begin = WithScheme(text, i);
      out.Add(IdentifierKind::kTelegramLink, "https://t.me/" + path, text, begin, end - begin);
      i = end - 1;
    }
  }
}

// ---------------------------------------------------------------- phones

bool IsPhoneSeparator(unsigned char c) {
  return c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '/' || c == '+';
}

// "192.168.1.20", "1.2.3.4567", "2017-03-12", "12/03/2017", "12.03.17":
// shapes that libphonenumber might still accept as a valid number somewhere.
bool LooksLikeNonPhone(std::string_view raw) {
  if (raw.empty() || raw.front() == '+') return false;
  std::vector<size_t> groups;
  std::vector<char> seps;
  size_t run = 0;
  for (char ch : raw) {
    if (IsDigit(static_cast<unsigned char>(ch))) {
      ++run;
      continue;
    }
    if (run == 0) return false;  // two separators in a row or a leading '(': phone-like layout
    groups.push_back(run);
    seps.push_back(ch);
    run = 0;
  }
  if (run == 0) return false;
  groups.push_back(run);
  bool same_sep = std::all_of(seps.begin(), seps.end(), [&](char s) { return s == seps.front(); });
  if (seps.empty() || !same_sep) return false;
  char sep = seps.front();
  // Dotted quads and version strings: 3+ dot-separated groups with a short lead.
  if (sep == '.' && groups.size() >= 4 && groups.front() <= 3) return true;
  if (groups.size() == 3 && (sep == '.' || sep == '-' || sep == '/')) {
    bool dmy = groups[0] <= 2 && groups[1] <= 2 && (groups[2] == 4 || groups[2] == 2);
    bool ymd = groups[0] == 4 && groups[1] <= 2 && groups[2] <= 2;
    if (dmy || ymd) return true;
  }
  return false;
}

// `sorted`: disjoint spans sorted by begin (see MergeSpans).
bool Overlaps(const std::vector<Span>& sorted, size_t begin, size_t end) {
  auto it = std::upper_bound(sorted.begin(), sorted.end(), begin,
                             [](size_t v, const Span& s) { return v < s.begin; });
  if (it != sorted.begin() && std::prev(it)->end > begin) return true;
  return it != sorted.end() && it->begin < end;
}

// Sorts and merges overlapping spans (a URL holding an onion host, say).
std::vector<Span> MergeSpans(std::vector<Span> spans) {
  std::sort(spans.begin(), spans.end(),
            [](const Span& a, const Span& b) { return a.begin < b.begin; });
  std::vector<Span> merged;
  for (const Span& s : spans) {
    if (!merged.empty() && s.begin < merged.back().end) {
      merged.back().end = std::max(merged.back().end, s.end);
    } else {
      merged.push_back(s);
    }
  }
  return merged;
}

struct CachedMatch {
  size_t start = 0;
  size_t length = 0;
  std::string e164;
};

struct MatchCache {
  std::string region;
  std::unordered_map<std::string, std::vector<CachedMatch>> windows;
};

class PhoneScanner {
 public:
  PhoneScanner(std::string_view text, const std::string& region, const PhoneNumberUtil& util,
               const std::vector<Span>& excluded, Collector& out)
      : text_(text), region_(region), util_(util), excluded_(excluded), out_(out) {}

  // False when the fruitless-window budget ran out (the rest of the text was
  // not scanned for phone numbers).
  bool Run() {
    size_t i = 0;
    while (i < text_.size() && !out_.full() && !exhausted_) {
      unsigned char c = static_cast<unsigned char>(text_[i]);
      if (!IsDigit(c) && c != '+' && c != '(') {
        ++i;
        continue;
      }
      size_t end = i;
      while (end < text_.size()) {
        unsigned char b = static_cast<unsigned char>(text_[end]);
        if (!IsDigit(b) && !IsPhoneSeparator(b)) break;
        ++end;
      }
      ScanStretch(i, end);
      i = end;
    }
    return !exhausted_;
  }

 private:
  // A maximal run of digits and separators, cut into pieces for the matcher:
  //  - digit runs too long to be part of a number and separator runs too long
  //    to be inside one are cut out;
  //  - a '+' (with any '(' just before it) starts a new piece: no number holds
  //    a '+' after its first digit, so "+1 +1 +1 ..." gives tiny pieces that
  //    ScanPiece drops without asking libphonenumber;
  //  - a "run" of more than kMaxRunGroups digit groups joined by single
  //    separator bytes ("12 12 12 ...", "1-2.3-4...", a table of figures) is
  //    not prose: what precedes and follows it and its first and last
  //    kRunEdgeGroups groups are scanned as separate pieces, the middle is cut
  //    out.
  // Everything here is one linear pass over the stretch.
  void ScanStretch(size_t begin, size_t end) {
    size_t piece = begin;
    bool piece_left_open = true;
    // The current run: how many groups, where its first kRunEdgeGroups + 1
    // groups start, and (ring buffer) where its last kRunEdgeGroups start.
    size_t run_groups = 0;
    size_t head[kRunEdgeGroups + 1] = {};
    size_t tail[kRunEdgeGroups] = {};
    bool run_cut = false;  // the current run's middle is being skipped
    auto end_run = [&](size_t at) {
      if (run_cut) {
        // The run's last kRunEdgeGroups groups, on their own (what precedes
        // them is the skipped middle; what follows starts a new piece).
        ScanPiece(tail[run_groups % kRunEdgeGroups], at, false, false);
        piece = at;
        piece_left_open = false;
      }
      run_groups = 0;
      run_cut = false;
    };
    size_t i = begin;
    while (i < end) {
      bool digit = IsDigit(static_cast<unsigned char>(text_[i]));
      size_t run_end = i;
      while (run_end < end && IsDigit(static_cast<unsigned char>(text_[run_end])) == digit)
        ++run_end;
      size_t len = run_end - i;
      if (digit) {
        if (len > kMaxPhoneDigitRun) {
          end_run(i);
          ScanPiece(piece, i, piece_left_open, false);
          piece = run_end;
          piece_left_open = false;
        } else {
          if (run_groups <= kRunEdgeGroups) head[run_groups] = i;
          tail[run_groups % kRunEdgeGroups] = i;
          ++run_groups;
          if (run_groups > kMaxRunGroups && !run_cut) {
            // What came before the run, then its first kRunEdgeGroups groups,
            // each on its own so the matcher does not read them as one.
            ScanPiece(piece, head[0], piece_left_open, false);
            ScanPiece(head[0], head[kRunEdgeGroups], false, false);
            run_cut = true;
          }
        }
        i = run_end;
        continue;
      }
      size_t plus = std::string_view::npos;
      bool slash = false;
      for (size_t k = i; k < run_end; ++k) {
        if (text_[k] == '+') plus = k;
        if (text_[k] == '/') slash = true;
      }
      // A single '-', '.', ' ', '(' or ')' keeps the run going.
      if (len > 1 || slash || plus != std::string_view::npos) end_run(i);
      if (len > kMaxSeparatorRun) {
        ScanPiece(piece, i, piece_left_open, false);
        piece = run_end;
        if (text_[run_end - 1] == '+') --piece;  // "((((+44 …" keeps its '+'.
        piece_left_open = false;
      } else if (plus != std::string_view::npos && run_end < end) {
        while (plus > i && text_[plus - 1] == '(') --plus;  // "(+44) …" keeps its '('
        if (plus > piece) {
          ScanPiece(piece, plus, piece_left_open, true);
          piece = plus;
          piece_left_open = true;
        }
      }
      i = run_end;
    }
    end_run(end);
    if (piece < end) ScanPiece(piece, end, piece_left_open, true);
  }

  // [begin, end) holds no digit run longer than kMaxPhoneDigitRun. `left_open`
  // / `right_open`: the piece edge is the edge of the stretch (real context
  // outside it) rather than a cut-out run.
  void ScanPiece(size_t begin, size_t end, bool left_open, bool right_open) {
    while (begin < end && !IsDigit(static_cast<unsigned char>(text_[begin])) &&
           text_[begin] != '+' && text_[begin] != '(')
      ++begin;
    while (end > begin && !IsDigit(static_cast<unsigned char>(text_[end - 1])) &&
           text_[end - 1] != ')')
      --end;
    size_t digits = 0;
    for (size_t k = begin; k < end && digits < kMinPhoneDigits; ++k) {
      if (IsDigit(static_cast<unsigned char>(text_[k]))) ++digits;
    }
    if (digits < kMinPhoneDigits) return;
    size_t start = begin;
    while (start < end && !out_.full()) {
      // The next window starts at least kPhoneWindowCore on, preferably after
      // a strong break between numbers (" / ", "  ", " - "), else at any
      // digit-group boundary (which may split a number written in groups).
      size_t next = end;
      if (end - start > kPhoneWindowCore + kPhoneWindowOverlap) {
        size_t from = start + kPhoneWindowCore;
        size_t limit = std::min(end, from + kPhoneWindowCore);
        next = from;
        while (next < limit && !(IsGroupStart(next) && StrongBreakBefore(next))) ++next;
        if (next >= limit) {
          next = from;
          while (next < end && !IsGroupStart(next)) ++next;
        }
      }
      size_t win_end = next == end ? end : std::min(end, next + kPhoneWindowOverlap);
      while (win_end < end && IsDigit(static_cast<unsigned char>(text_[win_end]))) ++win_end;
      bool first = start == begin;
      bool last = win_end == end;
      size_t ctx_begin = start;
      if (first && left_open) ctx_begin = start >= kPhoneContext ? start - kPhoneContext : 0;
      size_t ctx_end = win_end;
      if (last && right_open) ctx_end = std::min(text_.size(), win_end + kPhoneContext);
      size_t window_digits = 0;
      for (size_t k = start; k < win_end && window_digits < kMinPhoneDigits; ++k) {
        if (IsDigit(static_cast<unsigned char>(text_[k]))) ++window_digits;
      }
      if (window_digits >= kMinPhoneDigits) MatchWindow(ctx_begin, ctx_end, start, next);
      start = next;
    }
  }

  // At least two separator bytes, or a '/', between text_[k] and the digit before.
  bool StrongBreakBefore(size_t k) const {
    size_t n = 0;
    bool slash = false;
    while (k > n && !IsDigit(static_cast<unsigned char>(text_[k - n - 1]))) {
      slash = slash || text_[k - n - 1] == '/';
      ++n;
    }
    return n >= 2 || slash;
  }

  bool IsGroupStart(size_t k) const {
    unsigned char c = static_cast<unsigned char>(text_[k]);
    unsigned char p = static_cast<unsigned char>(text_[k - 1]);
    return (IsDigit(c) || c == '+' || c == '(') && !IsDigit(p) && p != '+' && p != '(';
  }

  // Runs the matcher on text_[ctx_begin, ctx_end) and keeps matches that start
  // in [keep_begin, keep_end).
  void MatchWindow(size_t ctx_begin, size_t ctx_end, size_t keep_begin, size_t keep_end) {
    std::string window = Sanitise(ctx_begin, ctx_end);
    for (const CachedMatch& match : Matches(window)) {
      size_t start = ctx_begin + match.start;
      size_t length = match.length;
      // "00" rewritten to " +" for region ZZ: report the original "00…".
      if (rewrote_idd_ && start > ctx_begin && text_[start] == '0' && text_[start - 1] == '0' &&
          window[start - ctx_begin] == '+') {
        --start;
        ++length;
      }
      if (start < keep_begin || start >= keep_end) continue;
      size_t end = start + length;
      if (start > 0 && IsDigit(static_cast<unsigned char>(text_[start - 1]))) continue;
      if (end < text_.size() && IsDigit(static_cast<unsigned char>(text_[end]))) continue;
      std::string_view raw = text_.substr(start, length);
      if (LooksLikeNonPhone(raw)) continue;
      if (Overlaps(excluded_, start, end)) continue;
      out_.Add(IdentifierKind::kPhone, match.e164, text_, start, length);
    }
  }

  // libphonenumber's matches in `window` (offsets within it), memoised per
  // thread and region.
  const std::vector<CachedMatch>& Matches(const std::string& window) {
    thread_local MatchCache cache;
    if (cache.region != region_) {
      cache.region = region_;
      cache.windows.clear();
    }
    auto found = cache.windows.find(window);
    if (found != cache.windows.end()) return found->second;
    static const std::vector<CachedMatch> kNone;
    if (fruitless_left_ == 0) {
      exhausted_ = true;
      return kNone;
    }
    if (cache.windows.size() >= kMatchCacheEntries) cache.windows.clear();
    std::vector<CachedMatch> matches;
    PhoneNumberMatcher matcher(util_, window, region_, PhoneNumberMatcher::VALID,
                               kMaxTriesPerWindow);
    PhoneNumberMatch match;
    while (matcher.HasNext() && matcher.Next(&match)) {
      CachedMatch cached;
      cached.start = static_cast<size_t>(match.start());
      cached.length = static_cast<size_t>(match.length());
      util_.Format(match.number(), PhoneNumberUtil::E164, &cached.e164);
      matches.push_back(std::move(cached));
    }
    if (matches.empty()) {
      size_t groups = 0;
      for (size_t k = 0; k < window.size(); ++k) {
        if (IsDigit(static_cast<unsigned char>(window[k])) &&
            (k == 0 || !IsDigit(static_cast<unsigned char>(window[k - 1]))))
          ++groups;
      }
      fruitless_left_ -= std::min(fruitless_left_, 1 + groups / 4);
    }
    return cache.windows.emplace(window, std::move(matches)).first->second;
  }

  // A copy libphonenumber can take: invalid UTF-8 bytes and control bytes
  // (a NUL ends its text early) become spaces (same length, so offsets carry
  // over). For region ZZ an "00" international
  // prefix becomes " +", which the matcher understands without a region.
  std::string Sanitise(size_t begin, size_t end) {
    std::string w;
    w.reserve(end - begin);
    std::string_view sub = text_.substr(begin, end - begin);
    for (size_t k = 0; k < sub.size();) {
      size_t n = Utf8Length(sub, k);
      if (n == 0 || static_cast<unsigned char>(sub[k]) < 0x20 || sub[k] == 0x7F) {
        w.push_back(' ');
        ++k;
      } else {
        w.append(sub.substr(k, n));
        k += n;
      }
    }
    rewrote_idd_ = false;
    if (region_ == "ZZ") {
      for (size_t k = 0; k + 2 < w.size(); ++k) {
        bool lead = k == 0 || !IsDigit(static_cast<unsigned char>(w[k - 1]));
        if (lead && w[k] == '0' && w[k + 1] == '0' && w[k + 2] >= '1' && w[k + 2] <= '9') {
          w[k] = ' ';
          w[k + 1] = '+';
          rewrote_idd_ = true;
        }
      }
    }
    return w;
  }

  std::string_view text_;
  const std::string& region_;
  const PhoneNumberUtil& util_;
  const std::vector<Span>& excluded_;
  Collector& out_;
  bool rewrote_idd_ = false;
  size_t fruitless_left_ = kFruitlessUnits + text_.size() / kFruitlessBytes;
  bool exhausted_ = false;
};

std::string NormaliseRegion(std::string_view region) {
  std::string r;
  for (char c : region) r.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  if (r.size() != 2 || !IsAlpha(static_cast<unsigned char>(r[0])) ||
      !IsAlpha(static_cast<unsigned char>(r[1]))) {
    return "ZZ";
  }
  return r;
}

}  // namespace

IdentifierScan ExtractIdentifiers(std::string_view text, const IdentifierOptions& options) {
  IdentifierScan scan;
  if (text.size() > options.max_text_bytes) {
    text = text.substr(0, options.max_text_bytes);
    scan.truncated = true;
  }
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  const std::string region = NormaliseRegion(options.default_region);
  const size_t cap = options.max_identifiers;

  // Each scanner reports in offset order and stops after `cap` + 1 items, so
  // the first `cap` identifiers overall are among what they return, and more
  // than `cap` in all means some were dropped.
  std::vector<Span> excluded;  // URLs, addresses, onion hosts: no phones inside
  std::vector<Span> wa_phones;
  const size_t per_scanner = cap == std::numeric_limits<size_t>::max() ? cap : cap + 1;
  Collector emails(per_scanner), urls(per_scanner), onions(per_scanner), links(per_scanner),
      phones(per_scanner);
  ScanEmails(text, emails, excluded);
  ScanUrls(text, urls, excluded);
  ScanOnions(text, onions, excluded);
  ScanLinks(text, links, util, wa_phones);
  // wa.me digits are excluded too: the link scanner already reported them.
  excluded.insert(excluded.end(), wa_phones.begin(), wa_phones.end());
  excluded = MergeSpans(std::move(excluded));
  bool phones_complete = PhoneScanner(text, region, util, excluded, phones).Run();

  std::vector<Identifier> all;
  bool hit_cap = false;
  for (Collector* c : {&phones, &emails, &urls, &onions, &links}) {
    for (Identifier& id : c->items()) all.push_back(std::move(id));
  }
  std::stable_sort(all.begin(), all.end(), [](const Identifier& a, const Identifier& b) {
    if (a.offset != b.offset) return a.offset < b.offset;
    return static_cast<int>(a.kind) < static_cast<int>(b.kind);
  });
  if (all.size() > cap) {
    all.resize(cap);
    hit_cap = true;
  }
  scan.identifiers = std::move(all);
  scan.truncated = scan.truncated || hit_cap || !phones_complete;
  return scan;
}

std::optional<PhoneNumber> NormalisePhoneNumber(std::string_view number,
                                                std::string_view default_region) {
  // libphonenumber's parser copes with any text, but bound the work anyway:
  // no phone number is written in more than a few dozen bytes.
  constexpr size_t kMaxNumberBytes = 64;
  while (!number.empty() && (number.front() == ' ' || number.front() == '\t'))
    number.remove_prefix(1);
  while (!number.empty() && (number.back() == ' ' || number.back() == '\t'))
    number.remove_suffix(1);
  if (number.empty() || number.size() > kMaxNumberBytes) return std::nullopt;
  std::string text(number);
  for (char& c : text) {
    unsigned char b = static_cast<unsigned char>(c);
    if (b < 0x20 || b == 0x7F) c = ' ';  // a NUL would end libphonenumber's text early
  }
  const std::string region = NormaliseRegion(default_region);
  // "00" is the international prefix of most regions but not of every one
  // (the US dials 011), and region ZZ knows none: rewrite it to "+".
  size_t lead = text.find_first_not_of(" (");
  if (lead != std::string::npos && text.compare(lead, 2, "00") == 0 && lead + 2 < text.size() &&
      text[lead + 2] >= '1' && text[lead + 2] <= '9') {
    text.replace(lead, 2, "+");
  }
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  LibPhoneNumber parsed;
  if (util.Parse(text, region, &parsed) != PhoneNumberUtil::NO_PARSING_ERROR) return std::nullopt;
  if (!util.IsPossibleNumber(parsed)) return std::nullopt;
  PhoneNumber out;
  util.Format(parsed, PhoneNumberUtil::E164, &out.e164);
  out.valid = util.IsValidNumber(parsed);
  return out;
}

}  // namespace tantalio::artifacts
