#include "cli/output.h"

#include <gtest/gtest.h>

#include <sstream>

namespace tantalio::cli {
namespace {

TEST(OutputTest, CsvHasHeaderAndQuotes) {
  std::ostringstream out;
  {
    TableWriter t(out, OutputFormat::kCsv, {"path", "size"});
    t.Row({Cell::Text("a,b.jpg"), Cell::Number(3)});
    t.Row({Cell::Text("say \"hi\""), Cell::Number(4)});
    t.Row({Cell::Text("line1\nline2"), Cell::Null()});
  }
  EXPECT_EQ(out.str(), "path,size\n\"a,b.jpg\",3\n\"say \"\"hi\"\"\",4\nline1\\nline2,\n");
}

TEST(OutputTest, JsonIsOneTypedObjectPerLine) {
  std::ostringstream out;
  {
    TableWriter t(out, OutputFormat::kJson, {"path", "size", "mismatch", "md5"});
    t.Row({Cell::Text(std::string("\xff.jpg")), Cell::Number(12), Cell::Bool(true), Cell::Null()});
  }
  EXPECT_EQ(out.str(), "{\"path\":\"\\\\xff.jpg\",\"size\":12,\"mismatch\":true,\"md5\":null}\n");
}

TEST(OutputTest, TableAligns) {
  std::ostringstream out;
  {
    TableWriter t(out, OutputFormat::kTable, {"a", "bb"});
    t.Row({Cell::Text("long value"), Cell::Text("x")});
  }
  EXPECT_EQ(out.str(), "a           bb\nlong value  x\n");
}

TEST(OutputTest, ParsesFormats) {
  EXPECT_EQ(*ParseOutputFormat("csv"), OutputFormat::kCsv);
  EXPECT_EQ(ParseOutputFormat("xml").status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace tantalio::cli
