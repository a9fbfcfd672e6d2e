// Reader for iOS WhatsApp databases: ChatStorage.sqlite (Core Data: chats,
// groups, members, messages, media metadata, push names) and
// ContactsV2.sqlite (address-book contacts). Fills the same WhatsAppExtract
// as the Android reader, in Android terms:
//
//  - Times: Core Data seconds since 2001-01-01 UTC (REAL) become Unix
//    milliseconds: round((seconds + 978307200) * 1000).
//  - Message::type: iOS ZMESSAGETYPE mapped to the Android code (spec §7), see
//    MapIosMessageType. Codes without an Android equivalent are kept as
//    kIosUnmappedTypeBase + iOS code, with one warning listing them.
//  - Message::status stays unset: iOS ZMESSAGESTATUS codes are not Android's.
//  - Forwarded: ZWAMESSAGE.ZFLAGS & 0x80 (no forward score on iOS).
//  - Sender: "" for own messages; for incoming ones the group member's
//    ZWAGROUPMEMBER.ZMEMBERJID (via ZWAMESSAGE.ZGROUPMEMBER), else ZFROMJID,
//    else the chat JID.
//  - Media: one Media per ZWAMEDIAITEM row. ZVCARDNAME is the base64 SHA-256
//    of the decrypted media, except on contact cards (iOS type 4, or
//    ZVCARDSTRING starting "BEGIN:") where it is the contact's name and is
//    not read as a hash. ZVCARDSTRING is the MIME type unless it is vCard
//    text. Caption ZTITLE, path ZMEDIALOCALPATH, size ZFILESIZE.
//  - Chats: ZWACHATSESSION; Chat::subject is ZPARTNERNAME, which for 1:1
//    chats is the partner's name as the device showed it. Kind from the JID
//    (ClassifyJid), else from ZSESSIONTYPE (0 private, 1 group, 2 broadcast,
//    3 status); disagreements are counted in one warning.
//  - Participants: every ZWAGROUPMEMBER row, former (ZISACTIVE = 0) members
//    included; admin = ZISADMIN.
//  - Contacts: ChatStorage ZWAPROFILEPUSHNAME rows as {jid, wa_name};
//    ContactsV2 ZWAADDRESSBOOKCONTACT rows as {jid = ZWHATSAPPID,
//    display_name = ZFULLNAME, number = ZPHONENUMBER}.
//  - Owner: left unset; no ChatStorage table states the device owner.
//  - LIDs are kept as stored (LID.sqlite is not read); invite codes are not
//    extracted (no known table holds them).
//
// Evidence contract as for ReadAndroidWhatsApp: read a private copy made by
// CopyWithSidecars, never the original. The schema is probed, never assumed;
// views are never read; an absent optional table or column gives NULL fields
// plus a warning; an unrecognised layout gives kind kUnknown plus a warning
// listing the tables; only an unreadable file is an error.
#ifndef TANTALIO_ARTIFACTS_WHATSAPP_IOS_H_
#define TANTALIO_ARTIFACTS_WHATSAPP_IOS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "artifacts/whatsapp.h"
#include "artifacts/whatsapp_android.h"  // ReadOptions and the shared JID/hash helpers
#include "base/status.h"

namespace tantalio::artifacts {

// Seconds between 1970-01-01 and the Core Data epoch 2001-01-01 (UTC).
inline constexpr int64_t kCoreDataEpochUnixSeconds = 978307200;

// iOS message types with no Android equivalent are stored as this + the iOS
// code (e.g. iOS 7, URL, becomes 1007).
inline constexpr int64_t kIosUnmappedTypeBase = 1000;

// Classifies a database by its table names (case-insensitive): ZWAMESSAGE or
// ZWACHATSESSION -> kIosChatStorage; ZWAADDRESSBOOKCONTACT -> kIosContacts.
WhatsAppDatabaseKind DetectIosWhatsAppFromTables(const std::vector<std::string>& tables);

// Reads everything this module understands from ChatStorage.sqlite or
// ContactsV2.sqlite. Memory grows with the output; rows are streamed.
// Errors: NotFound when the file is missing, Corrupt when it is not a
// readable SQLite database.
Result<WhatsAppExtract> ReadIosWhatsApp(const std::string& db_path,
                                        const ReadOptions& options = ReadOptions());

// --- Helpers, exposed for tests. ---

// Core Data seconds -> Unix milliseconds (rounded); nullopt when the value is
// not finite or out of the int64 millisecond range.
std::optional<int64_t> CoreDataSecondsToUnixMs(double seconds);

// The Android Message::type code for an iOS ZMESSAGETYPE: 0->0, 1->1, 2->3,
// 3->2, 4->4, 5->5, 6->7, 8->9, 10->7, 11->13, 12->11, 14->15, 15->20, 27->24,
// 38->42, 39->43, 46->66; nullopt for any other code.
std::optional<int64_t> MapIosMessageType(int64_t ios_type);

}  // namespace tantalio::artifacts

#endif  // TANTALIO_ARTIFACTS_WHATSAPP_IOS_H_
