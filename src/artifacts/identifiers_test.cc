#include "artifacts/identifiers.h"

#include <gtest/gtest.h>
#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace tantalio::artifacts {
namespace {

// Phone numbers used below. The ITU/Ofcom drama ranges (UK 07700 900xxx) are
// not valid in libphonenumber 8.12 metadata, so the tests use libphonenumber's
// own documentation example numbers, which it considers valid:
//   GB mobile +44 7400 123456, ES mobile +34 612 345 678,
//   US +1 202-555-01xx (the fictional 555-01xx block, valid for the US).

IdentifierScan Scan(std::string_view text, const std::string& region = "ZZ") {
  IdentifierOptions options;
  options.default_region = region;
  return ExtractIdentifiers(text, options);
}

std::vector<Identifier> OfKind(const IdentifierScan& scan, IdentifierKind kind) {
  std::vector<Identifier> out;
  for (const Identifier& id : scan.identifiers) {
    if (id.kind == kind) out.push_back(id);
  }
  return out;
}

std::vector<std::string> Values(const IdentifierScan& scan, IdentifierKind kind) {
  std::vector<std::string> out;
  for (const Identifier& id : OfKind(scan, kind)) out.push_back(id.value);
  return out;
}

// Every identifier's raw text sits at its offset.
void ExpectRawAtOffset(std::string_view text, const IdentifierScan& scan) {
  for (const Identifier& id : scan.identifiers) {
    ASSERT_LE(id.offset + id.raw.size(), text.size());
    EXPECT_EQ(text.substr(id.offset, id.raw.size()), id.raw)
        << IdentifierKindName(id.kind) << " " << id.value;
  }
}

double SecondsToScan(std::string_view text, IdentifierScan* scan,
                     const std::string& region = "GB") {
  auto t0 = std::chrono::steady_clock::now();
  *scan = Scan(text, region);
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

TEST(IdentifierKindNameTest, Names) {
  EXPECT_STREQ(IdentifierKindName(IdentifierKind::kPhone), "phone");
  EXPECT_STREQ(IdentifierKindName(IdentifierKind::kEmail), "email");
  EXPECT_STREQ(IdentifierKindName(IdentifierKind::kUrl), "url");
  EXPECT_STREQ(IdentifierKindName(IdentifierKind::kOnion), "onion");
  EXPECT_STREQ(IdentifierKindName(IdentifierKind::kWhatsAppInvite), "invite");
  EXPECT_STREQ(IdentifierKindName(IdentifierKind::kWhatsAppLink), "wa.me");
  EXPECT_STREQ(IdentifierKindName(IdentifierKind::kTelegramLink), "t.me");
}

TEST(ExtractIdentifiersTest, EmptyText) {
  IdentifierScan scan = Scan("");
  EXPECT_TRUE(scan.identifiers.empty());
  EXPECT_FALSE(scan.truncated);
}

TEST(ExtractIdentifiersTest, PhoneFormatsGb) {
  std::string text =
      "Call +44 7400 123456 or 07400 123456, mobile 07400123456, "
      "intl 0044 7400 123456, (07400) 123 456; US +1 202-555-0123.";
  IdentifierScan scan = Scan(text, "GB");
  EXPECT_EQ(Values(scan, IdentifierKind::kPhone),
            (std::vector<std::string>{"+447400123456", "+447400123456", "+447400123456",
                                      "+447400123456", "+447400123456", "+12025550123"}));
  std::vector<Identifier> phones = OfKind(scan, IdentifierKind::kPhone);
  ASSERT_EQ(phones.size(), 6u);
  EXPECT_EQ(phones[0].raw, "+44 7400 123456");
  EXPECT_EQ(phones[0].offset, text.find("+44"));
  EXPECT_EQ(phones[1].raw, "07400 123456");
  EXPECT_EQ(phones[3].raw, "0044 7400 123456");
  EXPECT_EQ(phones[5].raw, "+1 202-555-0123");
  ExpectRawAtOffset(text, scan);
}

TEST(ExtractIdentifiersTest, PhoneFormatsEs) {
  std::string text = "Móvil: 612 345 678 / 612-34-56-78, +34 612 345 678, 0034 612345678. Mañana.";
  IdentifierScan scan = Scan(text, "ES");
  EXPECT_EQ(
      Values(scan, IdentifierKind::kPhone),
      (std::vector<std::string>{"+34612345678", "+34612345678", "+34612345678", "+34612345678"}));
  ExpectRawAtOffset(text, scan);
}

TEST(ExtractIdentifiersTest, LongListsOfNumbers) {
  // Longer than one matcher window: every number comes out exactly once.
  std::string slashes = "Tel. 612 345 670";
  std::string spaces = "Tel. 612345670";
  for (int i = 1; i < 10; ++i) {
    slashes += " / 612 345 67" + std::to_string(i);
    spaces += " 61234567" + std::to_string(i);
  }
  for (const std::string& text : {slashes, spaces}) {
    IdentifierScan scan = Scan(text, "ES");
    std::vector<std::string> phones = Values(scan, IdentifierKind::kPhone);
    ASSERT_EQ(phones.size(), 10u) << text;
    for (int i = 0; i < 10; ++i) EXPECT_EQ(phones[i], "+3461234567" + std::to_string(i));
    ExpectRawAtOffset(text, scan);
  }
}

TEST(ExtractIdentifiersTest, UnknownRegionNeedsInternationalPrefix) {
  std::string text =
      "local 07400 123456 and 612 345 678; intl +44 7400 123456 and 0034 612 345 678";
  IdentifierScan scan = Scan(text, "ZZ");
  std::vector<Identifier> phones = OfKind(scan, IdentifierKind::kPhone);
  ASSERT_EQ(phones.size(), 2u);
  EXPECT_EQ(phones[0].value, "+447400123456");
  EXPECT_EQ(phones[1].value, "+34612345678");
  EXPECT_EQ(phones[1].raw, "0034 612 345 678");
  EXPECT_EQ(phones[1].offset, text.find("0034"));
  // A region name in lower case, or garbage, is handled.
  EXPECT_EQ(OfKind(Scan(text, "gb"), IdentifierKind::kPhone).size(), 3u);
  EXPECT_EQ(OfKind(Scan(text, "not a region"), IdentifierKind::kPhone).size(), 2u);
}

TEST(ExtractIdentifiersTest, NotPhones) {
  // Dates, times, IP addresses, serials, card numbers, IMEIs, versions,
  // timestamps and long digit runs: none is a phone number, in any region.
  std::string text =
      "On 2017-03-12 and 12/03/2017 (also 12.03.2017, 03/12/17) at 10:30:45 "
      "we saw 192.168.100.123 and 10.200.30.41; serial SN-4411223344556677, "
      "card 4111 1111 1111 1111, card 4111111111111111, IMEI 356938035643809, "
      "version 1.2.3.4567 and v2.17.700.123456, build 20170312103045, unix 1489314645123, "
      "order #612345678901234567890, hash 7400123456740012345674001234567, "
      "ISBN 978-3-16-148410-0, price 1,234,567.89 EUR, 12345678";
  for (const char* region : {"ZZ", "GB", "ES", "US"}) {
    IdentifierScan scan = Scan(text, region);
    std::vector<std::string> phones = Values(scan, IdentifierKind::kPhone);
    EXPECT_TRUE(phones.empty()) << region << ": " << (phones.empty() ? "" : phones.front());
  }
}

TEST(ExtractIdentifiersTest, PhoneGluedToLettersOrDigitsIsIgnored) {
  IdentifierScan scan = Scan("id612345678 x 612345678abc 9612345678 +34612345678", "ES");
  EXPECT_EQ(Values(scan, IdentifierKind::kPhone), (std::vector<std::string>{"+34612345678"}));
}

TEST(ExtractIdentifiersTest, Emails) {
  std::string text =
      "Mail John.Doe+tag@Mail.Example.COM, <alice@example.com>. not: a@b, x@localhost, "
      "@example.com, bob@.example.com, carol@example.c0m, dots..x@example.com ok@example.org.";
  IdentifierScan scan = Scan(text);
  EXPECT_EQ(Values(scan, IdentifierKind::kEmail),
            (std::vector<std::string>{"John.Doe+tag@mail.example.com", "alice@example.com",
                                      "ok@example.org"}));
  std::vector<Identifier> emails = OfKind(scan, IdentifierKind::kEmail);
  EXPECT_EQ(emails[0].raw, "John.Doe+tag@Mail.Example.COM");
  EXPECT_EQ(emails[0].offset, text.find("John"));
  ExpectRawAtOffset(text, scan);
}

TEST(ExtractIdentifiersTest, WhatsAppJidsAreNotEmails) {
  IdentifierScan scan = Scan("447400123456@s.whatsapp.net 120363000000000001@g.us");
  EXPECT_TRUE(OfKind(scan, IdentifierKind::kEmail).empty());
  EXPECT_TRUE(OfKind(scan, IdentifierKind::kPhone).empty());
}

TEST(ExtractIdentifiersTest, Urls) {
  std::string text =
      "See https://example.com/a?b=1&c=(2). Or (http://example.org/x_(y)) and "
      "www.example.net/path, "
      "ftp://files.example.com/f.txt; HTTPS://EXAMPLE.COM. https://es.example.com/wiki/España!";
  IdentifierScan scan = Scan(text);
  EXPECT_EQ(
      Values(scan, IdentifierKind::kUrl),
      (std::vector<std::string>{"https://example.com/a?b=1&c=(2)", "http://example.org/x_(y)",
                                "www.example.net/path", "ftp://files.example.com/f.txt",
                                "HTTPS://EXAMPLE.COM", "https://es.example.com/wiki/España"}));
  ExpectRawAtOffset(text, scan);
}

TEST(ExtractIdentifiersTest, NotUrls) {
  IdentifierScan scan =
      Scan("https:// and http://. and wwww.example.com and www.nodot and xhttp://example.com");
  EXPECT_TRUE(OfKind(scan, IdentifierKind::kUrl).empty());
}

TEST(ExtractIdentifiersTest, NoPhonesInsideUrlsOrEmails) {
  IdentifierScan scan =
      Scan("https://example.com/+447400123456 and +447400123456@example.com", "GB");
  EXPECT_TRUE(OfKind(scan, IdentifierKind::kPhone).empty());
  EXPECT_EQ(OfKind(scan, IdentifierKind::kUrl).size(), 1u);
  EXPECT_EQ(OfKind(scan, IdentifierKind::kEmail).size(), 1u);
}

TEST(ExtractIdentifiersTest, Onions) {
  const std::string v2 = "expyuzz4wqqyqhjn";  // 16 chars
  const std::string v3 =
      "2gzyxa5ihm7nsggfxnu52rck2vv4rvmdlkiu3zzui5du4xyclen53wid";  // 56, ends in 'd'
  std::string text = "old " + v2 + ".onion new http://www." + v3 + ".onion/index.html UPPER " +
                     "EXPYUZZ4WQQYQHJN.ONION; bad: " + v2 + "x.onion a" + v2 + ".onion " + v2 +
                     ".onionz " + v3.substr(0, 55) + "a.onion";
  IdentifierScan scan = Scan(text);
  EXPECT_EQ(Values(scan, IdentifierKind::kOnion),
            (std::vector<std::string>{v2 + ".onion", v3 + ".onion", v2 + ".onion"}));
  EXPECT_EQ(Values(scan, IdentifierKind::kUrl),
            (std::vector<std::string>{"http://www." + v3 + ".onion/index.html"}));
  std::vector<Identifier> onions = OfKind(scan, IdentifierKind::kOnion);
  EXPECT_EQ(onions[2].raw, "EXPYUZZ4WQQYQHJN.ONION");
  ExpectRawAtOffset(text, scan);
}

TEST(ExtractIdentifiersTest, WhatsAppInvites) {
  std::string text =
      "join https://chat.whatsapp.com/AbCdEfGhIjKlMnOpQrStUv or "
      "chat.whatsapp.com/invite/ABCDEFGHIJ0123456789. "
      "short chat.whatsapp.com/abc, long chat.whatsapp.com/ABCDEFGHIJKLMNOPQRSTUVWXYZ, "
      "fake evilchat.whatsapp.com/AbCdEfGhIjKlMnOpQrStUv";
  IdentifierScan scan = Scan(text);
  EXPECT_EQ(Values(scan, IdentifierKind::kWhatsAppInvite),
            (std::vector<std::string>{"https://chat.whatsapp.com/AbCdEfGhIjKlMnOpQrStUv",
                                      "https://chat.whatsapp.com/ABCDEFGHIJ0123456789"}));
  std::vector<Identifier> invites = OfKind(scan, IdentifierKind::kWhatsAppInvite);
  EXPECT_EQ(invites[0].raw, "https://chat.whatsapp.com/AbCdEfGhIjKlMnOpQrStUv");
  EXPECT_EQ(invites[0].offset, text.find("https://chat"));
  // The full link is also a URL.
  EXPECT_EQ(Values(scan, IdentifierKind::kUrl),
            (std::vector<std::string>{"https://chat.whatsapp.com/AbCdEfGhIjKlMnOpQrStUv"}));
  ExpectRawAtOffset(text, scan);
}

TEST(ExtractIdentifiersTest, WaMeLinksYieldPhones) {
  std::string text =
      "msg me: https://wa.me/447400123456 or wa.me/34612345678?text=hi, invalid wa.me/99999999";
  IdentifierScan scan = Scan(text);
  EXPECT_EQ(Values(scan, IdentifierKind::kWhatsAppLink),
            (std::vector<std::string>{"https://wa.me/447400123456", "https://wa.me/34612345678",
                                      "https://wa.me/99999999"}));
  std::vector<Identifier> phones = OfKind(scan, IdentifierKind::kPhone);
  ASSERT_EQ(phones.size(), 2u);
  EXPECT_EQ(phones[0].value, "+447400123456");
  EXPECT_EQ(phones[0].raw, "447400123456");
  EXPECT_EQ(phones[0].offset, text.find("447400123456"));
  EXPECT_EQ(phones[1].value, "+34612345678");
  ExpectRawAtOffset(text, scan);
  // Regions that would read the digits as national numbers still report once.
  EXPECT_EQ(OfKind(Scan(text, "GB"), IdentifierKind::kPhone).size(), 2u);
}

TEST(ExtractIdentifiersTest, TelegramLinks) {
  std::string text =
      "t.me/Example_Channel, https://telegram.me/someuser, t.me/joinchat/AAAAAEx-ample_123 and "
      "https://t.me/+AbCdEf-12345; not: t.me/ab, at.me/example, t.me/_bad";
  IdentifierScan scan = Scan(text);
  EXPECT_EQ(Values(scan, IdentifierKind::kTelegramLink),
            (std::vector<std::string>{"https://t.me/example_channel", "https://t.me/someuser",
                                      "https://t.me/joinchat/AAAAAEx-ample_123",
                                      "https://t.me/+AbCdEf-12345"}));
  ExpectRawAtOffset(text, scan);
}

TEST(ExtractIdentifiersTest, MixedMessageSortedByOffset) {
  std::string text = "Ring +44 7400 123456, mail a@example.com, see https://t.me/someuser";
  IdentifierScan scan = Scan(text, "GB");
  ASSERT_EQ(scan.identifiers.size(), 4u);
  EXPECT_EQ(scan.identifiers[0].kind, IdentifierKind::kPhone);
  EXPECT_EQ(scan.identifiers[1].kind, IdentifierKind::kEmail);
  EXPECT_EQ(scan.identifiers[2].kind, IdentifierKind::kUrl);
  EXPECT_EQ(scan.identifiers[3].kind, IdentifierKind::kTelegramLink);
  EXPECT_EQ(scan.identifiers[2].offset, scan.identifiers[3].offset);
}

TEST(ExtractIdentifiersTest, EveryOccurrenceReportedAndCapped) {
  std::string text;
  for (int i = 0; i < 10; ++i) text += "a@example.com ";
  EXPECT_EQ(Scan(text).identifiers.size(), 10u);
  IdentifierOptions options;
  options.max_identifiers = 4;
  IdentifierScan scan = ExtractIdentifiers(text, options);
  ASSERT_EQ(scan.identifiers.size(), 4u);
  EXPECT_TRUE(scan.truncated);
  EXPECT_EQ(scan.identifiers[3].offset, 3u * 14u);
  options.max_identifiers = 10;
  EXPECT_FALSE(ExtractIdentifiers(text, options).truncated);
}

TEST(ExtractIdentifiersTest, MaxTextBytesTruncates) {
  std::string text = "a@example.com b@example.com";
  IdentifierOptions options;
  options.max_text_bytes = 15;
  IdentifierScan scan = ExtractIdentifiers(text, options);
  EXPECT_TRUE(scan.truncated);
  ASSERT_EQ(scan.identifiers.size(), 1u);
  EXPECT_EQ(scan.identifiers[0].value, "a@example.com");
}

TEST(ExtractIdentifiersTest, InvalidUtf8) {
  std::string text =
      "\xff\xfe+44 7400 123456\xc3\x28 \xe2\x82 www.example.com\x80\xed\xa0\x80 a@example.com\xf8";
  text += std::string("\0+34 612 345 678\0", 18);
  IdentifierScan scan = Scan(text, "GB");
  EXPECT_EQ(Values(scan, IdentifierKind::kPhone),
            (std::vector<std::string>{"+447400123456", "+34612345678"}));
  EXPECT_EQ(Values(scan, IdentifierKind::kUrl), (std::vector<std::string>{"www.example.com"}));
  EXPECT_EQ(Values(scan, IdentifierKind::kEmail), (std::vector<std::string>{"a@example.com"}));
  ExpectRawAtOffset(text, scan);
}

TEST(ExtractIdentifiersTest, HostileTenMegabytesOfDigits) {
  std::string text(10u << 20, '9');
  text.replace(1000, 9, "612345678");
  IdentifierScan scan;
  double seconds = SecondsToScan(text, &scan, "ES");
  EXPECT_LT(seconds, 2.0);
  EXPECT_TRUE(scan.identifiers.empty());
  EXPECT_FALSE(scan.truncated);
}

TEST(ExtractIdentifiersTest, HostileTenMegabytesOfRandomBytes) {
  std::mt19937_64 rng(7);
  std::string text(10u << 20, '\0');
  for (char& c : text) c = static_cast<char>(rng() & 0xff);
  IdentifierScan scan;
  double seconds = SecondsToScan(text, &scan);
  EXPECT_LT(seconds, 2.0);
  ExpectRawAtOffset(text, scan);
}

TEST(ExtractIdentifiersTest, HostileRepeatedSeparatorsAndAts) {
  // Long runs that each scanner walks: '@'s, dots, digits with separators.
  std::string text(1u << 20, '@');
  text += std::string(1u << 20, '.');
  text += std::string(1u << 20, 'a');
  text += " +44 7400 123456" + std::string(1u << 20, '(') + "+44 7400 123456 end ";
  // Dense digit groups: a run of 16,384 groups is scanned only at its edges.
  for (int i = 0; i < (1 << 14); ++i) text += "12 ";
  IdentifierScan scan;
  double seconds = SecondsToScan(text, &scan);
  EXPECT_LT(seconds, 10.0);
  EXPECT_EQ(Values(scan, IdentifierKind::kPhone),
            (std::vector<std::string>{"+447400123456", "+447400123456"}));
}

TEST(ExtractIdentifiersTest, HostileHugeLine) {
  std::string text;
  text.reserve(20u << 20);
  while (text.size() < (20u << 20)) text += "lorem ipsum dolor sit amet wwwexample https:/x ";
  text += "+44 7400 123456";
  IdentifierOptions options;
  options.default_region = "GB";
  options.max_text_bytes = 32u << 20;
  auto t0 = std::chrono::steady_clock::now();
  IdentifierScan scan = ExtractIdentifiers(text, options);
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 10.0);
  EXPECT_EQ(Values(scan, IdentifierKind::kPhone), (std::vector<std::string>{"+447400123456"}));
}

// Hostile shapes, 4 MB each: every one must stay linear and cheap (the bound
// is generous so that Debug and sanitizer builds pass; a release build takes
// well under a second for each). Before the run-length and cache limits,
// "12 12 12 ..." cost about 10 us a byte (40 s for 4 MB).
TEST(ExtractIdentifiersTest, HostileFourMegabytePatternsAreLinear) {
  constexpr size_t kSize = 4u << 20;
  auto repeat = [](std::string_view unit) {
    std::string text;
    text.reserve(kSize + unit.size());
    while (text.size() < kSize) text += unit;
    return text;
  };
  std::mt19937_64 rng(11);
  std::vector<std::pair<std::string, std::string>> cases;
  cases.emplace_back("digit groups", repeat("12 "));
  cases.emplace_back("plus one", repeat("+1 "));
  cases.emplace_back("dashes and dots", repeat("1-2."));
  cases.emplace_back("dotted groups", repeat("123.456-"));
  cases.emplace_back("unbroken numbers", repeat("612345678 "));
  cases.emplace_back("slashed groups", repeat("12 12 12 12 / "));
  cases.emplace_back("all digits", std::string(kSize, '7'));
  std::string random_groups;
  while (random_groups.size() < kSize) random_groups += std::to_string(10 + rng() % 90) + " ";
  cases.emplace_back("random digit groups", random_groups);
  std::string short_stretches;  // distinct phone-shaped stretches: the budget bounds them
  while (short_stretches.size() < kSize) {
    for (int k = 0; k < 4; ++k) short_stretches += std::to_string(10 + rng() % 90) + " ";
    short_stretches += rng() % 2 ? "x " : "/ ";
  }
  cases.emplace_back("random short stretches", short_stretches);
  std::string soup(kSize, ' ');
  for (char& c : soup) c = "0123456789 -.+()/"[rng() % 17];
  cases.emplace_back("digit and separator soup", soup);
  std::string bytes(kSize, '\0');
  for (char& c : bytes) c = static_cast<char>(rng() & 0xff);
  cases.emplace_back("random bytes", bytes);
  for (const auto& [name, text] : cases) {
    IdentifierScan scan;
    double seconds = SecondsToScan(text, &scan);
    EXPECT_LT(seconds, 3.0) << name;
    ExpectRawAtOffset(text, scan);
  }
}

TEST(ExtractIdentifiersTest, NumbersNextToLongDigitTablesAreFound) {
  // A run of more than 16 digit groups joined by single separators is
  // scanned only at its first and last 8 groups; numbers set off from it by
  // a strong break (" / ", "+", two spaces) are still found on either side.
  std::string table;
  for (int i = 0; i < 200; ++i) table += std::to_string(10 + i % 90) + " ";
  std::string text = "Call 07400 123456 / " + table + "/ 07400 123457, or " + table +
                     " +44 7400 123458  " + table + "end";
  IdentifierScan scan = Scan(text, "GB");
  EXPECT_EQ(Values(scan, IdentifierKind::kPhone),
            (std::vector<std::string>{"+447400123456", "+447400123457", "+447400123458"}));
  ExpectRawAtOffset(text, scan);
}

TEST(ExtractIdentifiersTest, RepeatedTextGivesTheSameAnswer) {
  // The per-thread match cache must not change results: the same window in a
  // different context (excluded by a URL) or region.
  std::string text = "Ring +44 7400 123456 now. ";
  IdentifierScan first = Scan(text, "GB");
  IdentifierScan second = Scan(text, "GB");
  ASSERT_EQ(Values(first, IdentifierKind::kPhone), Values(second, IdentifierKind::kPhone));
  EXPECT_EQ(Values(first, IdentifierKind::kPhone), (std::vector<std::string>{"+447400123456"}));
  EXPECT_EQ(Values(Scan("local 07400 123456", "GB"), IdentifierKind::kPhone),
            (std::vector<std::string>{"+447400123456"}));
  EXPECT_TRUE(Values(Scan("local 07400 123456", "ZZ"), IdentifierKind::kPhone).empty());
  EXPECT_EQ(Values(Scan("local 07400 123456", "GB"), IdentifierKind::kPhone).size(), 1u);
}

TEST(NormalisePhoneNumberTest, InternationalForms) {
  for (const char* text : {"+44 7400 123456", "+447400123456", "0044 7400 123456", "00447400123456",
                           "+44 (0) 7400 123456", " +44-7400-123456 "}) {
    std::optional<PhoneNumber> number = NormalisePhoneNumber(text, "ZZ");
    ASSERT_TRUE(number.has_value()) << text;
    EXPECT_EQ(number->e164, "+447400123456") << text;
    EXPECT_TRUE(number->valid) << text;
  }
  // International forms ignore the default region.
  std::optional<PhoneNumber> es = NormalisePhoneNumber("+34 612 345 678", "US");
  ASSERT_TRUE(es.has_value());
  EXPECT_EQ(es->e164, "+34612345678");
  EXPECT_TRUE(es->valid);
  // "00" works even where the region dials another international prefix.
  std::optional<PhoneNumber> us_idd = NormalisePhoneNumber("0034612345678", "US");
  ASSERT_TRUE(us_idd.has_value());
  EXPECT_EQ(us_idd->e164, "+34612345678");
}

TEST(NormalisePhoneNumberTest, NationalFormsUseTheDefaultRegion) {
  std::optional<PhoneNumber> gb = NormalisePhoneNumber("07400 123456", "GB");
  ASSERT_TRUE(gb.has_value());
  EXPECT_EQ(gb->e164, "+447400123456");
  EXPECT_TRUE(gb->valid);
  std::optional<PhoneNumber> lower = NormalisePhoneNumber("(07400) 123-456", "gb");
  ASSERT_TRUE(lower.has_value());
  EXPECT_EQ(lower->e164, "+447400123456");
  // The fictional US 555-01xx block.
  std::optional<PhoneNumber> us = NormalisePhoneNumber("(202) 555-0123", "US");
  ASSERT_TRUE(us.has_value());
  EXPECT_EQ(us->e164, "+12025550123");
  EXPECT_TRUE(us->valid);
  // Without a usable region a national number means nothing.
  EXPECT_FALSE(NormalisePhoneNumber("07400 123456", "ZZ").has_value());
  EXPECT_FALSE(NormalisePhoneNumber("07400 123456", "not a region").has_value());
  EXPECT_FALSE(NormalisePhoneNumber("07400 123456", "").has_value());
}

TEST(NormalisePhoneNumberTest, PossibleButNotValid) {
  // Ofcom's drama range 07700 900xxx has a possible length but is not an
  // assigned range in libphonenumber 8.12: kept, flagged not valid.
  std::optional<PhoneNumber> drama = NormalisePhoneNumber("07700 900123", "GB");
  ASSERT_TRUE(drama.has_value());
  EXPECT_EQ(drama->e164, "+447700900123");
  EXPECT_FALSE(drama->valid);
  // A JID's user part, passed as "+digits" by callers.
  std::optional<PhoneNumber> jid = NormalisePhoneNumber("+447700900010", "ES");
  ASSERT_TRUE(jid.has_value());
  EXPECT_EQ(jid->e164, "+447700900010");
  EXPECT_FALSE(jid->valid);
}

TEST(NormalisePhoneNumberTest, ExampleNumbersOfSeveralRegions) {
  const auto& util = *i18n::phonenumbers::PhoneNumberUtil::GetInstance();
  for (const char* region : {"GB", "ES", "US", "DE", "FR", "BR", "IN", "NG"}) {
    i18n::phonenumbers::PhoneNumber example;
    ASSERT_TRUE(util.GetExampleNumber(region, &example)) << region;
    std::string e164, national, international;
    util.Format(example, i18n::phonenumbers::PhoneNumberUtil::E164, &e164);
    util.Format(example, i18n::phonenumbers::PhoneNumberUtil::NATIONAL, &national);
    util.Format(example, i18n::phonenumbers::PhoneNumberUtil::INTERNATIONAL, &international);
    for (const std::string& text : {e164, national, international}) {
      std::optional<PhoneNumber> number = NormalisePhoneNumber(text, region);
      ASSERT_TRUE(number.has_value()) << region << " " << text;
      EXPECT_EQ(number->e164, e164) << region << " " << text;
      EXPECT_TRUE(number->valid) << region << " " << text;
    }
  }
}

TEST(NormalisePhoneNumberTest, Rejects) {
  for (const char* text : {"", "   ", "abc", "+", "+44", "+44 74", "12", "+999 123456789",
                           "+44 7400 123456 7890 1234 5678"}) {
    EXPECT_FALSE(NormalisePhoneNumber(text, "GB").has_value()) << text;
  }
  // Hostile input: long, binary, NULs.
  EXPECT_FALSE(NormalisePhoneNumber(std::string(1 << 20, '7'), "GB").has_value());
  EXPECT_FALSE(NormalisePhoneNumber(std::string("\0\xff\xfe", 3), "GB").has_value());
  std::optional<PhoneNumber> with_nul =
      NormalisePhoneNumber(std::string("+44 7400 123456\0", 16), "GB");
  ASSERT_TRUE(with_nul.has_value());
  EXPECT_EQ(with_nul->e164, "+447400123456");
}

TEST(NormalisePhoneNumberTest, ThreadSafe) {
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&failures, t] {
      for (int i = 0; i < 200; ++i) {
        std::optional<PhoneNumber> number = NormalisePhoneNumber(
            t % 2 == 0 ? "07400 123456" : "+34 612 345 678", t % 2 == 0 ? "GB" : "ZZ");
        if (!number || number->e164 != (t % 2 == 0 ? "+447400123456" : "+34612345678")) ++failures;
        IdentifierScan scan = Scan("call 07400 123456 or +34 612 345 678", "GB");
        if (scan.identifiers.size() != 2) ++failures;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
}

}  // namespace
}  // namespace tantalio::artifacts
