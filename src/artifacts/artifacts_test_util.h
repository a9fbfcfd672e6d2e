// Fixture helpers shared by the artifacts tests (test code only): hash
// constants, a writable SQLite connection for building fixture databases,
// and lookups into a WhatsAppExtract.
#ifndef TANTALIO_ARTIFACTS_ARTIFACTS_TEST_UTIL_H_
#define TANTALIO_ARTIFACTS_ARTIFACTS_TEST_UTIL_H_

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <cstdint>
#include <string>

#include "artifacts/whatsapp.h"

namespace tantalio::artifacts::test_util {

// Synthetic people only: UK drama numbers (+44 7700 900xxx), North American
// fictional numbers (+1 202 555 01xx) and example.com names.
inline constexpr char kEmptySha256Base64[] = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
inline constexpr char kEmptySha256Hex[] =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
inline constexpr char kOtherSha256Base64[] = "zO8CZedJ/Af6hfahMGFoGULu7/6cO1D2T031rRojJ5g=";
inline constexpr char kOtherSha256Hex[] =
    "ccef0265e749fc07fa85f6a13061681942eeeffe9c3b50f64f4df5ad1a232798";

// A writable connection for building fixtures.
class FixtureDb {
 public:
  explicit FixtureDb(const std::string& path) {
    int rc =
        sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    EXPECT_EQ(rc, SQLITE_OK) << path;
    Exec("PRAGMA synchronous = OFF");  // fixtures only: keeps the suite fast
  }
  ~FixtureDb() { sqlite3_close_v2(db_); }
  FixtureDb(const FixtureDb&) = delete;
  FixtureDb& operator=(const FixtureDb&) = delete;
  // Returns "" on success, else the SQLite error.
  std::string Exec(const std::string& sql) {
    char* error = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) == SQLITE_OK) return "";
    std::string message = error != nullptr ? error : "error";
    sqlite3_free(error);
    return message;
  }

 private:
  sqlite3* db_ = nullptr;
};

inline void MakeDb(const std::string& path, const std::string& sql) {
  FixtureDb db(path);
  ASSERT_EQ(db.Exec(sql), "");
}

inline bool HasWarning(const WhatsAppExtract& extract, const std::string& needle) {
  return std::any_of(extract.warnings.begin(), extract.warnings.end(),
                     [&](const std::string& w) { return w.find(needle) != std::string::npos; });
}

inline std::string AllWarnings(const WhatsAppExtract& extract) {
  std::string out;
  for (const std::string& w : extract.warnings) out += w + "\n";
  return out;
}

inline const Message* FindMessage(const WhatsAppExtract& extract, int64_t row_id) {
  for (const Message& m : extract.messages) {
    if (m.row_id == row_id) return &m;
  }
  return nullptr;
}

inline const Chat* FindChat(const WhatsAppExtract& extract, const std::string& jid) {
  for (const Chat& c : extract.chats) {
    if (c.jid == jid) return &c;
  }
  return nullptr;
}

inline const Media* FindMedia(const WhatsAppExtract& extract, int64_t message_row_id) {
  for (const Media& m : extract.media) {
    if (m.message_row_id == message_row_id) return &m;
  }
  return nullptr;
}

}  // namespace tantalio::artifacts::test_util

#endif  // TANTALIO_ARTIFACTS_ARTIFACTS_TEST_UTIL_H_
