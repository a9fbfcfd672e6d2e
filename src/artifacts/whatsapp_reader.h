// One entry point for any WhatsApp database: detects the platform and kind
// from the table names and calls the Android or iOS reader.
//
// Evidence contract as for the readers: pass a private copy made by
// CopyWithSidecars (whatsapp_android.h), never the original evidence.
#ifndef TANTALIO_ARTIFACTS_WHATSAPP_READER_H_
#define TANTALIO_ARTIFACTS_WHATSAPP_READER_H_

#include <string>
#include <vector>

#include "artifacts/whatsapp.h"
#include "artifacts/whatsapp_android.h"
#include "artifacts/whatsapp_ios.h"
#include "base/status.h"

namespace tantalio::artifacts {

// Classifies a database by its table names (case-insensitive). iOS Core Data
// names (ZWAMESSAGE, ZWACHATSESSION) are checked first because they are
// specific, then Android msgstore (message/messages), Android wa.db
// (wa_contacts), iOS ContactsV2 (ZWAADDRESSBOOKCONTACT).
WhatsAppDatabaseKind DetectWhatsAppFromTables(const std::vector<std::string>& tables);

// Opens `db_path` read-only and classifies it; kUnknown when it is not a
// WhatsApp database or cannot be read.
WhatsAppDatabaseKind DetectWhatsAppDatabase(const std::string& db_path);

// Detects the kind and runs the matching reader. For a readable database of
// no known kind, returns an extract with kind kUnknown, tables_found and
// schema_fingerprint filled and one warning listing the tables. Errors as for
// the readers: NotFound when missing, Corrupt when not a readable database.
Result<WhatsAppExtract> ReadWhatsAppDatabase(const std::string& db_path,
                                             const ReadOptions& options = ReadOptions());

}  // namespace tantalio::artifacts

#endif  // TANTALIO_ARTIFACTS_WHATSAPP_READER_H_
