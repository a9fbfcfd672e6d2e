#include "base/forensic_path.h"

#include <gtest/gtest.h>

#include <set>

#include "base/hex.h"

namespace tantalio {
namespace {

TEST(ForensicPathTest, Joins) {
  EXPECT_EQ(JoinPath("phone1", "DCIM"), "phone1/DCIM");
  EXPECT_EQ(JoinPath("", "DCIM"), "DCIM");
  EXPECT_EQ(JoinArchivePath(JoinPath("phone1/DCIM", "a.zip"), "inner/b.tar"),
            "phone1/DCIM/a.zip!/inner/b.tar");
}

TEST(ForensicPathTest, BaseNameAndExtension) {
  EXPECT_EQ(BaseName("a/b/c.JPG"), "c.JPG");
  EXPECT_EQ(LowerExtension("a/b/c.JPG"), "jpg");
  EXPECT_EQ(LowerExtension("a.zip!/x.tar.GZ"), "gz");
  EXPECT_EQ(LowerExtension("a/.bashrc"), "");
  EXPECT_EQ(LowerExtension("a/noext"), "");
  EXPECT_EQ(LowerExtension("a/trailing."), "");
}

TEST(ForensicPathTest, EscapeKeepsUtf8AndEscapesTheRest) {
  EXPECT_EQ(EscapeForDisplay("fotos/niño.jpg"), "fotos/niño.jpg");
  EXPECT_EQ(EscapeForDisplay("a\nb"), "a\\nb");
  EXPECT_EQ(EscapeForDisplay("a\\nb"), "a\\\\nb");
  EXPECT_EQ(EscapeForDisplay(std::string("\xff\xfe.jpg")), "\\xff\\xfe.jpg");
  EXPECT_EQ(EscapeForDisplay(std::string("x\x01y", 3)), "x\\x01y");
  EXPECT_EQ(EscapeForDisplay("\xc0\xaf"), "\\xc0\\xaf");           // overlong '/'
  EXPECT_EQ(EscapeForDisplay("\xed\xa0\x80"), "\\xed\\xa0\\x80");  // surrogate
}

TEST(ForensicPathTest, EscapeIsInjective) {
  std::set<std::string> raw = {"a\nb", "a\\nb", "a\\\\nb", "\xff", "\\xff", "a\tb", "a\\tb"};
  std::set<std::string> escaped;
  for (const auto& r : raw) escaped.insert(EscapeForDisplay(r));
  EXPECT_EQ(escaped.size(), raw.size());
  for (const auto& e : escaped) EXPECT_TRUE(IsValidUtf8(e)) << e;
}

TEST(HexTest, RoundTrip) {
  std::vector<uint8_t> bytes = {0x00, 0xab, 0xff, 0x10};
  EXPECT_EQ(ToHex(bytes), "00abff10");
  EXPECT_EQ(*FromHex("00ABff10"), bytes);
  EXPECT_FALSE(FromHex("abc").has_value());
  EXPECT_FALSE(FromHex("zz").has_value());
  EXPECT_TRUE(IsHex("00ab", 4));
  EXPECT_FALSE(IsHex("00ab", 6));
}

}  // namespace
}  // namespace tantalio
