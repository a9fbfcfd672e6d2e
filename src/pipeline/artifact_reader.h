// What a scan learns from messenger databases and text (issue 7): the chat
// databases on a device, what they hold, and the identifiers (phone numbers,
// e-mail addresses, URLs, onion hosts, invite links) in every text-bearing
// content: plain text, HTML and JSON files, chat messages and the text cells
// of other SQLite databases.
//
// Evidence stays untouched: a database is copied, with its -wal and -journal
// sidecars, into a private temporary directory (through the evidence source,
// so access times do not change), and only the copy is opened.
#ifndef TANTALIO_PIPELINE_ARTIFACT_READER_H_
#define TANTALIO_PIPELINE_ARTIFACT_READER_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "artifacts/identifiers.h"
#include "evidence/byte_source.h"
#include "store/records.h"

namespace tantalio {

struct ArtifactOptions {
  bool enabled = true;
  // ISO 3166 alpha-2 region for phone numbers written without "+" (the
  // case's country); "ZZ" accepts only international forms.
  std::string region = "ZZ";
  // SQLite databases inside archives are read only up to this size (they
  // must be held in memory); larger ones get an error row.
  uint64_t max_archived_database_bytes = uint64_t{256} << 20;
  // At most this many identifiers are recorded per file; more are counted in
  // an error row.
  size_t max_identifiers_per_file = 100000;
};

// Finds identifiers in a text stream of any length, in windows, so memory
// stays bounded: every identifier up to kOverlap bytes long is found once.
class TextIdentifierStream {
 public:
  static constexpr size_t kWindow = size_t{1} << 20;
  static constexpr size_t kOverlap = 4096;

  explicit TextIdentifierStream(const ArtifactOptions& options);
  void Feed(std::span<const uint8_t> bytes);
  // Scans what is left; returns the identifiers (forensic_path left empty)
  // and whether the per-file cap cut them short.
  std::vector<IdentifierRecord> Finish(bool* capped);

 private:
  void Scan(bool final);

  const ArtifactOptions& options_;
  artifacts::IdentifierOptions extract_;
  std::string window_;        // bytes not yet owned by an earlier scan, plus context
  uint64_t window_base_ = 0;  // stream offset of window_[0]
  size_t owned_from_ = 0;     // window_ offsets below this were scanned already
  std::vector<IdentifierRecord> found_;
  bool capped_ = false;
};

// Reads databases and text for one worker thread.
class ArtifactReader {
 public:
  explicit ArtifactReader(const ArtifactOptions& options) : options_(options) {}

  // A SQLite database (sniffed by content). `sidecar_base` is the evidence
  // path whose "-wal"/"-journal" siblings belong to it ("" inside archives).
  // WhatsApp databases (Android or iOS, any era) become a chat database
  // record and identifiers; any other database yields the identifiers in
  // its text cells. Problems become error rows; nothing is thrown.
  void ReadDatabase(const RandomAccessSource& source, const std::string& sidecar_base,
                    const FileRecord& record, ScanRecords& out) const;

  // "crypt12", "crypt14", "crypt15" for a WhatsApp backup named like
  // "msgstore.db.crypt14" or "msgstore-2024-01-01.1.db.crypt15"; nullopt else.
  static std::optional<std::string> EncryptedBackupKind(std::string_view forensic_path);
  // Records an encrypted backup: found, not readable without its key.
  void RecordEncryptedBackup(const std::string& kind, const FileRecord& record,
                             ScanRecords& out) const;

  // WhatsApp's Android preferences (shared_prefs/com.whatsapp_preferences*.xml,
  // startup_prefs.xml) hold the account's own number as "cc" and "ph".
  static constexpr size_t kMaxPreferencesBytes = size_t{1} << 20;
  static bool IsWhatsAppPreferences(std::string_view forensic_path);
  // Records the own number found in `xml` as a phone identifier at
  // kWhatsAppOwnNumberLocation: the store takes it as the device's owner.
  void ReadWhatsAppPreferences(std::string_view xml, const FileRecord& record,
                               ScanRecords& out) const;

  // Identifiers in one piece of text at `location` within the file.
  void AddTextIdentifiers(std::string_view text, const std::string& forensic_path,
                          const std::string& location, ScanRecords& out) const;

 private:
  const ArtifactOptions& options_;
};

}  // namespace tantalio

#endif  // TANTALIO_PIPELINE_ARTIFACT_READER_H_
