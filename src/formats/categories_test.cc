#include "formats/categories.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "base/temp_dir.h"
#include "formats/hash_set_entry.h"

namespace tantalio::formats {
namespace {

// Maps `value` and expects success.
std::optional<int> MapOk(const CategoryMap& map, std::string_view value) {
  auto result = map.Map(value);
  EXPECT_TRUE(result.ok()) << value << ": " << result.status().ToString();
  return result.ok() ? *result : std::optional<int>(-1);
}

CategoryMap BuiltIn(std::string_view scheme) {
  auto map = CategoryMap::BuiltIn(scheme);
  EXPECT_TRUE(map.ok()) << map.status().ToString();
  return std::move(map).value();
}

TEST(CategoryMapTest, VicsUsMapsZeroToFourToThemselves) {
  CategoryMap map = BuiltIn("vics-us");
  EXPECT_EQ(map.scheme(), "vics-us");
  for (int code = 0; code <= kMaxCategory; ++code) {
    EXPECT_EQ(MapOk(map, std::to_string(code)), code);
  }
  EXPECT_EQ(MapOk(map, " 2 "), 2);
  EXPECT_EQ(MapOk(map, "01"), 1);
  EXPECT_EQ(map.Map("5").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(map.Map("CAT-1").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(map.Map("1.0").status().code(), StatusCode::kInvalidArgument);
}

TEST(CategoryMapTest, DhsRenumbersZeroAndFive) {
  CategoryMap map = BuiltIn("dhs");
  EXPECT_EQ(MapOk(map, "0"), std::nullopt);
  for (int code = 1; code <= 4; ++code) {
    EXPECT_EQ(MapOk(map, std::to_string(code)), code);
    EXPECT_EQ(MapOk(map, "CAT-" + std::to_string(code)), code);
  }
  EXPECT_EQ(MapOk(map, "5"), kNonPertinent);
  EXPECT_EQ(MapOk(map, "cat-5"), kNonPertinent);
  EXPECT_EQ(MapOk(map, "CAT-0"), std::nullopt);
  EXPECT_EQ(map.Map("6").status().code(), StatusCode::kInvalidArgument);
}

TEST(CategoryMapTest, UkAndNcmecGradesAreCam) {
  CategoryMap uk = BuiltIn("uk");
  for (const char* grade : {"A", "B", "C", "a", " b "}) {
    EXPECT_EQ(MapOk(uk, grade), kChildAbuseMaterial) << grade;
  }
  EXPECT_EQ(uk.Map("D").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(uk.Map("1").status().code(), StatusCode::kInvalidArgument);

  CategoryMap ncmec = BuiltIn("ncmec");
  for (const char* cls : {"A1", "A2", "B1", "b2"}) {
    EXPECT_EQ(MapOk(ncmec, cls), kChildAbuseMaterial) << cls;
  }
  EXPECT_EQ(ncmec.Map("C1").status().code(), StatusCode::kInvalidArgument);
}

TEST(CategoryMapTest, EmptyValueIsUncategorisedInEveryScheme) {
  for (const char* scheme : {"vics-us", "dhs", "uk", "ncmec"}) {
    CategoryMap map = BuiltIn(scheme);
    EXPECT_EQ(MapOk(map, ""), std::nullopt) << scheme;
    EXPECT_EQ(MapOk(map, "  "), std::nullopt) << scheme;
  }
}

TEST(CategoryMapTest, UnknownValueErrorNamesValueAndScheme) {
  auto result = BuiltIn("dhs").Map("CAT-9");
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("'CAT-9'"), std::string::npos);
  EXPECT_NE(result.status().message().find("dhs"), std::string::npos);
}

TEST(CategoryMapTest, UnknownBuiltInSchemeIsRejected) {
  auto map = CategoryMap::BuiltIn("iwf");
  ASSERT_FALSE(map.ok());
  EXPECT_EQ(map.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(map.status().message().find("iwf"), std::string::npos);
}

TEST(CategoryMapTest, FromFileReadsPairsCommentsAndBlanks) {
  TempDir dir;
  std::string path = dir.Write("map.csv",
                               "\xEF\xBB\xBF# CAID grades into the project scheme\n"
                               "\n"
                               "Category A, 1\n"
                               "category b,1   # same\n"
                               "  Cat C ,2\r\n"
                               "ignorable,0\n"
                               "unknown,\n"
                               "07,3\n"
                               "a, b, with commas,4\n");
  auto map = CategoryMap::FromFile(path);
  ASSERT_TRUE(map.ok()) << map.status().ToString();
  EXPECT_EQ(map->scheme(), "file:" + path);
  EXPECT_EQ(MapOk(*map, "CATEGORY A"), 1);
  EXPECT_EQ(MapOk(*map, "Category B"), 1);
  EXPECT_EQ(MapOk(*map, "cat c"), 2);
  EXPECT_EQ(MapOk(*map, "Ignorable"), 0);
  EXPECT_EQ(MapOk(*map, "unknown"), std::nullopt);
  EXPECT_EQ(MapOk(*map, "7"), 3);
  EXPECT_EQ(MapOk(*map, "a, b, with commas"), 4);
  EXPECT_EQ(MapOk(*map, ""), std::nullopt);
  EXPECT_EQ(map->Map("Category D").status().code(), StatusCode::kInvalidArgument);
}

TEST(CategoryMapTest, FromFileErrorsNameFileLineAndReason) {
  TempDir dir;
  struct Case {
    const char* text;
    const char* line;
    const char* reason;
  } cases[] = {
      {"A,1\nB 2\n", "line 2", "source_value,category"},
      {"A,1\n\nB,7\n", "line 3", "'7' is not 0..4"},
      {"A,1.0\n", "line 1", "'1.0' is not 0..4"},
      {",1\n", "line 1", "source value is empty"},
      {"A,1\na,2\n", "line 2", "already mapped on line 1"},
  };
  for (const Case& c : cases) {
    std::string path = dir.Write("bad.csv", c.text);
    auto map = CategoryMap::FromFile(path);
    ASSERT_FALSE(map.ok()) << c.text;
    EXPECT_EQ(map.status().code(), StatusCode::kInvalidArgument);
    const std::string& message = map.status().message();
    EXPECT_NE(message.find(path), std::string::npos) << message;
    EXPECT_NE(message.find(c.line), std::string::npos) << message;
    EXPECT_NE(message.find(c.reason), std::string::npos) << message;
  }
}

TEST(CategoryMapTest, FromFileAllowsARepeatedIdenticalPair) {
  TempDir dir;
  auto map = CategoryMap::FromFile(dir.Write("map.csv", "A,1\na,1\n"));
  ASSERT_TRUE(map.ok()) << map.status().ToString();
  EXPECT_EQ(MapOk(*map, "A"), 1);
}

TEST(CategoryMapTest, FromFileRejectsEmptyAndMissingFiles) {
  TempDir dir;
  auto empty = CategoryMap::FromFile(dir.Write("empty.csv", "# nothing\n\n"));
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(empty.status().message().find("empty.csv"), std::string::npos);

  auto missing = CategoryMap::FromFile(dir.Sub("missing.csv"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("missing.csv"), std::string::npos);
}

}  // namespace
}  // namespace tantalio::formats
