#include "artifacts/sqlite_text_cells.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <string>
#include <vector>

#include "artifacts/artifacts_test_util.h"
#include "base/temp_dir.h"

namespace tantalio::artifacts {
namespace {

// Synthetic people only: UK drama numbers (+44 7700 900xxx) and example.com.
using test_util::MakeDb;

struct Seen {
  std::string table;
  std::string column;
  int64_t rowid;
  std::string text;
};

// Runs the scan and copies every visited cell (the views die with the visit).
Result<TextCellScan> Scan(const std::string& path, const TextCellLimits& limits,
                          std::vector<Seen>* seen) {
  return ForEachTextCell(path, limits, [seen](const TextCell& cell) {
    seen->push_back(Seen{cell.table, cell.column, cell.rowid, std::string(cell.text)});
    return true;
  });
}

bool HasWarning(const TextCellScan& scan, const std::string& needle) {
  return std::any_of(scan.warnings.begin(), scan.warnings.end(),
                     [&](const std::string& w) { return w.find(needle) != std::string::npos; });
}

constexpr char kAppDb[] = R"sql(
CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT, phone TEXT, age INTEGER, photo BLOB);
CREATE TABLE notes (body TEXT, score REAL, misc);
CREATE TABLE "odd ""name""" (v TEXT);
CREATE VIEW contact_view AS SELECT name || ' via view' AS shown FROM contacts;
INSERT INTO contacts VALUES (7, 'Alex Example', '+44 7700 900301', 123456789, X'41424344454647');
INSERT INTO contacts VALUES (8, 'Al', '07700 900302', 1, NULL);
INSERT INTO contacts VALUES (9, 'Robin Example', 1234567, 99, 'text in a blob column');
INSERT INTO notes VALUES ('mail robin@example.com', 1.5, 1234567890123);
INSERT INTO notes VALUES (NULL, 2.5, 3.14159265358979);
INSERT INTO notes VALUES (NULL, 3.5, X'6C6F6E6720626C6F622062797465732068657265');
INSERT INTO notes VALUES (NULL, 4.5, 'untyped text cell');
INSERT INTO "odd ""name""" VALUES ('quoted table name');
)sql";

TEST(SqliteTextCellsTest, VisitsOnlyTextCellsOfTables) {
  TempDir dir;
  MakeDb(dir.Sub("app.db"), kAppDb);
  std::vector<Seen> seen;
  auto scan = Scan(dir.Sub("app.db"), TextCellLimits(), &seen);
  ASSERT_TRUE(scan.ok()) << scan.status().ToString();
  std::vector<std::string> texts;
  for (const Seen& s : seen)
    texts.push_back(s.table + "." + s.column + "#" + std::to_string(s.rowid) + "=" + s.text);
  // Name order; integers, reals, blobs, short cells ("Al") and the view are
  // skipped; a TEXT value in a BLOB column is still TEXT, and a TEXT column's
  // affinity stores the integer 1234567 as text.
  EXPECT_EQ(texts, (std::vector<std::string>{
                       "contacts.name#7=Alex Example",
                       "contacts.phone#7=+44 7700 900301",
                       "contacts.phone#8=07700 900302",
                       "contacts.name#9=Robin Example",
                       "contacts.phone#9=1234567",
                       "contacts.photo#9=text in a blob column",
                       "notes.body#1=mail robin@example.com",
                       "notes.misc#4=untyped text cell",
                       "odd \"name\".v#1=quoted table name",
                   }));
  EXPECT_EQ(scan->cells, 9u);
  uint64_t bytes = 0;
  for (const Seen& s : seen) bytes += s.text.size();
  EXPECT_EQ(scan->bytes, bytes);
  EXPECT_FALSE(scan->truncated);
  EXPECT_TRUE(scan->warnings.empty());
}

TEST(SqliteTextCellsTest, StopsAtLimits) {
  TempDir dir;
  MakeDb(dir.Sub("app.db"), kAppDb);
  std::vector<Seen> seen;
  TextCellLimits limits;
  limits.max_cells = 3;
  auto scan = Scan(dir.Sub("app.db"), limits, &seen);
  ASSERT_TRUE(scan.ok());
  EXPECT_EQ(seen.size(), 3u);
  EXPECT_EQ(scan->cells, 3u);
  EXPECT_TRUE(scan->truncated);

  seen.clear();
  limits = TextCellLimits();
  limits.max_total_bytes = 30;  // "Alex Example" (12) + "+44 7700 900301" (15), not the next
  scan = Scan(dir.Sub("app.db"), limits, &seen);
  ASSERT_TRUE(scan.ok());
  EXPECT_EQ(seen.size(), 2u);
  EXPECT_EQ(scan->bytes, 27u);
  EXPECT_TRUE(scan->truncated);

  // The visitor may stop the scan: not a truncation.
  int visits = 0;
  scan = ForEachTextCell(dir.Sub("app.db"), TextCellLimits(), [&visits](const TextCell&) {
    ++visits;
    return visits < 2;
  });
  ASSERT_TRUE(scan.ok());
  EXPECT_EQ(visits, 2);
  EXPECT_EQ(scan->cells, 2u);
  EXPECT_FALSE(scan->truncated);
}

TEST(SqliteTextCellsTest, CutsHugeCellsAtAUtf8Boundary) {
  TempDir dir;
  // 3 MB of 'y', and 'a' followed by two-byte 'é' characters.
  MakeDb(dir.Sub("big.db"),
         "CREATE TABLE t (v TEXT);"
         "INSERT INTO t VALUES (printf('%.3000000c', 'y'));"
         "INSERT INTO t VALUES ('a' || replace(printf('%.20c', 'e'), 'e', char(233)));");
  std::vector<Seen> seen;
  auto scan = Scan(dir.Sub("big.db"), TextCellLimits(), &seen);
  ASSERT_TRUE(scan.ok());
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].text.size(), 1u << 20);
  EXPECT_EQ(seen[1].text.size(), 41u);
  EXPECT_TRUE(HasWarning(*scan, "t: 1 cell(s) cut at 1048576 bytes"));
  EXPECT_FALSE(scan->truncated);

  seen.clear();
  TextCellLimits limits;
  limits.max_cell_bytes = 8;  // "a" + three and a half 'é'
  scan = Scan(dir.Sub("big.db"), limits, &seen);
  ASSERT_TRUE(scan.ok());
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].text, "yyyyyyyy");
  EXPECT_EQ(seen[1].text, "a\xC3\xA9\xC3\xA9\xC3\xA9");
  EXPECT_TRUE(HasWarning(*scan, "t: 2 cell(s) cut at 8 bytes"));
}

TEST(SqliteTextCellsTest, WithoutRowidAndShadowedRowidTables) {
  TempDir dir;
  MakeDb(dir.Sub("wr.db"),
         "CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT) WITHOUT ROWID;"
         "INSERT INTO kv VALUES ('key-bbbb', 'value two'), ('key-aaaa', 'value one');"
         "CREATE TABLE shadow (rowid TEXT, v TEXT);"
         "INSERT INTO shadow VALUES ('not the rowid', 'shadow value');"
         "CREATE VIRTUAL TABLE fts USING fts5(body);"
         "INSERT INTO fts VALUES ('searchable body text');");
  std::vector<Seen> seen;
  auto scan = Scan(dir.Sub("wr.db"), TextCellLimits(), &seen);
  ASSERT_TRUE(scan.ok()) << scan.status().ToString();
  EXPECT_TRUE(HasWarning(*scan, "kv: no rowid (WITHOUT ROWID table)"));
  EXPECT_TRUE(HasWarning(*scan, "fts: virtual table not read"));
  std::vector<std::string> kv;
  bool shadow_rowid_ok = false;
  bool fts_content_seen = false;
  for (const Seen& s : seen) {
    if (s.table == "kv") kv.push_back(std::to_string(s.rowid) + ":" + s.text);
    if (s.table == "shadow" && s.column == "rowid") {
      // `rowid` is a declared column here: the real rowid comes through _rowid_.
      EXPECT_EQ(s.text, "not the rowid");
      shadow_rowid_ok = s.rowid == 1;
    }
    if (s.table == "fts_content" && s.text == "searchable body text") fts_content_seen = true;
  }
  EXPECT_EQ(kv,
            (std::vector<std::string>{"1:key-aaaa", "1:value one", "2:key-bbbb", "2:value two"}));
  EXPECT_TRUE(shadow_rowid_ok);
  EXPECT_TRUE(fts_content_seen);  // the shadow table holds the text once
}

TEST(SqliteTextCellsTest, UnreadableFilesAreErrors) {
  TempDir dir;
  dir.Write("garbage.db", std::string(8192, '\x5a'));
  auto visit = [](const TextCell&) { return true; };
  auto garbage = ForEachTextCell(dir.Sub("garbage.db"), TextCellLimits(), visit);
  ASSERT_FALSE(garbage.ok());
  EXPECT_EQ(garbage.status().code(), StatusCode::kCorrupt) << garbage.status().ToString();
  auto missing = ForEachTextCell(dir.Sub("missing.db"), TextCellLimits(), visit);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  // An empty file is an empty database to SQLite: nothing to visit.
  dir.Write("empty.db", "");
  auto empty = ForEachTextCell(dir.Sub("empty.db"), TextCellLimits(), visit);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->cells, 0u);
}

}  // namespace
}  // namespace tantalio::artifacts
