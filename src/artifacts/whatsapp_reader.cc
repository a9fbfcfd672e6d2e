#include "artifacts/whatsapp_reader.h"

#include <utility>

#include "artifacts/identifiers.h"
#include "artifacts/sqlite_reader.h"

namespace tantalio::artifacts {
namespace {

// Fills Participant::phone_e164: a phone JID's user part is E.164 digits by
// WhatsApp's rules; libphonenumber checks they form a possible number.
WhatsAppExtract WithE164(WhatsAppExtract extract) {
  for (Participant& p : extract.participants) {
    if (p.phone_digits.empty()) continue;
    if (auto phone = NormalisePhoneNumber("+" + p.phone_digits, "ZZ")) p.phone_e164 = phone->e164;
  }
  return extract;
}

}  // namespace

WhatsAppDatabaseKind DetectWhatsAppFromTables(const std::vector<std::string>& tables) {
  WhatsAppDatabaseKind ios = DetectIosWhatsAppFromTables(tables);
  if (ios == WhatsAppDatabaseKind::kIosChatStorage) return ios;
  WhatsAppDatabaseKind android = DetectAndroidWhatsAppFromTables(tables);
  if (android != WhatsAppDatabaseKind::kUnknown) return android;
  return ios;
}

WhatsAppDatabaseKind DetectWhatsAppDatabase(const std::string& db_path) {
  auto db = sqlite::OpenReadOnly(db_path);
  if (!db.ok()) return WhatsAppDatabaseKind::kUnknown;
  auto schema = sqlite::ReadSchema(db->get(), db_path);
  if (!schema.ok()) return WhatsAppDatabaseKind::kUnknown;
  return DetectWhatsAppFromTables(sqlite::TableNames(*schema));
}

Result<WhatsAppExtract> ReadWhatsAppDatabase(const std::string& db_path,
                                             const ReadOptions& options) {
  WhatsAppExtract unknown;
  {
    // Closed before a reader opens the file again.
    TANTALIO_ASSIGN_OR_RETURN(sqlite::DbPtr db, sqlite::OpenReadOnly(db_path));
    TANTALIO_ASSIGN_OR_RETURN(sqlite::Schema schema, sqlite::ReadSchema(db.get(), db_path));
    unknown.tables_found = sqlite::TableNames(schema);
    unknown.schema_fingerprint = sqlite::Fingerprint(schema);
  }
  switch (DetectWhatsAppFromTables(unknown.tables_found)) {
    case WhatsAppDatabaseKind::kAndroidMsgstore:
    case WhatsAppDatabaseKind::kAndroidWaDb: {
      TANTALIO_ASSIGN_OR_RETURN(WhatsAppExtract extract, ReadAndroidWhatsApp(db_path, options));
      return WithE164(std::move(extract));
    }
    case WhatsAppDatabaseKind::kIosChatStorage:
    case WhatsAppDatabaseKind::kIosContacts: {
      TANTALIO_ASSIGN_OR_RETURN(WhatsAppExtract extract, ReadIosWhatsApp(db_path, options));
      return WithE164(std::move(extract));
    }
    case WhatsAppDatabaseKind::kUnknown:
      break;
  }
  unknown.warnings.push_back(
      "schema: no WhatsApp table (Android message, messages, wa_contacts; iOS ZWAMESSAGE, "
      "ZWACHATSESSION, ZWAADDRESSBOOKCONTACT) among " +
      std::to_string(unknown.tables_found.size()) +
      " table(s): " + sqlite::JoinNames(unknown.tables_found));
  return unknown;
}

}  // namespace tantalio::artifacts
