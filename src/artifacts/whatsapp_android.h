// Reader for Android WhatsApp databases (msgstore.db in the legacy `messages`
// era, the current `message` era and the `jid_map`/LID era; wa.db contacts).
//
// Evidence contract: ReadAndroidWhatsApp opens `db_path` READ-ONLY, but SQLite
// may still create a -shm file beside it, and only applies a -wal that sits
// beside the file with the matching name. Never point it at original evidence:
// copy the database with its sidecars into a private directory first
// (CopyWithSidecars does exactly that) and read the copy.
//
// The schema is probed, never assumed: sqlite_master and PRAGMA table_info
// decide the era and which optional joins are built. Views are never read.
// Missing optional tables/columns give NULL fields plus a warning; an
// unrecognised layout gives kind kUnknown plus a warning listing the tables.
// Only an unreadable file (missing, not a database, corrupt) is an error.
#ifndef TANTALIO_ARTIFACTS_WHATSAPP_ANDROID_H_
#define TANTALIO_ARTIFACTS_WHATSAPP_ANDROID_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "artifacts/whatsapp.h"
#include "base/status.h"

namespace tantalio::artifacts {

struct ReadOptions {
  // Text cells longer than this are kept truncated (at a UTF-8 boundary) and
  // reported with a warning: hostile databases can hold gigabyte cells.
  size_t max_text_bytes = 1 << 20;
  // Warnings beyond this many are counted in one final warning.
  size_t max_warnings = 1000;
  // Resolve "@lid" JIDs through jid_map where the table exists.
  bool resolve_lids = true;
};

// Copies `db_path` and its existing "-wal" and "-journal" sidecars into
// `temp_dir` (which must exist), keeping the base name, so that rows that live
// only in the WAL are seen. "-shm" is not copied (a stale one can lock the
// copy; SQLite rebuilds it) and a leftover one at the destination is removed.
// Returns the copy's path.
Result<std::string> CopyWithSidecars(const std::string& db_path, const std::string& temp_dir);

// Classifies a database by its table names (case-insensitive).
WhatsAppDatabaseKind DetectAndroidWhatsAppFromTables(const std::vector<std::string>& tables);
// Opens `db_path` read-only and classifies it; kUnknown when unreadable.
WhatsAppDatabaseKind DetectAndroidWhatsApp(const std::string& db_path);

// Reads everything this module understands from an Android msgstore.db or
// wa.db. Memory grows with the output (plus one id -> JID table); rows are
// streamed from prepared statements. Errors: NotFound when the file is
// missing, Corrupt when it is not a readable SQLite database.
Result<WhatsAppExtract> ReadAndroidWhatsApp(const std::string& db_path,
                                            const ReadOptions& options = ReadOptions());

// --- Helpers, exposed for tests and later linkage stages. ---

// Decodes a base64 SHA-256 (44 characters, standard or URL-safe alphabet,
// padding optional) to 64 lower-case hex. nullopt unless exactly 32 bytes.
std::optional<std::string> DecodeBase64Sha256(std::string_view base64);

struct LegacyGroupJid {
  std::string creator_phone_digits;
  int64_t created_ms = 0;
};
// Parses "<creator digits>-<unix seconds>@g.us"; nullopt for any other form.
std::optional<LegacyGroupJid> ParseLegacyGroupJid(std::string_view jid);

// Chat kind from the JID's server ("g.us" -> group, "status@broadcast" ->
// status, ...).
ChatKind ClassifyJid(std::string_view jid);

// The digits of a phone JID's user part ("447700900123:5@s.whatsapp.net" ->
// "447700900123"); "" for non-phone servers (lid, g.us, broadcast, ...).
std::string PhoneDigitsFromJid(std::string_view jid);

}  // namespace tantalio::artifacts

#endif  // TANTALIO_ARTIFACTS_WHATSAPP_ANDROID_H_
