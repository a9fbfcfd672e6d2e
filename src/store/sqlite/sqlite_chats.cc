#include "store/sqlite/sqlite_chats.h"

#include <sqlite3.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <utility>

#include "artifacts/identifiers.h"

namespace tantalio::sqlite {
namespace {

using artifacts::WhatsAppExtract;

std::string Join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (const std::string& part : parts) {
    if (!out.empty()) out += separator;
    out += part;
  }
  return out;
}

std::optional<int64_t> BoolColumn(const std::optional<bool>& value) {
  if (!value) return std::nullopt;
  return *value ? 1 : 0;
}

// The databases of a case (optionally one device): id, device label, path.
constexpr std::string_view kScope =
    "scope AS (SELECT cd.id AS db_id, d.label AS device, cd.forensic_path AS path"
    " FROM chat_databases cd JOIN devices d ON d.id = cd.device_id"
    " WHERE d.case_id = ?1)";

// The most severe illegal or watch entry each media hash of `media` matches,
// by its own SHA-256 or through a scanned content that matched (any method).
// Needs CTEs `media(sha256, ...)`; parameters ?3 = set name or '', ?4 =
// category or NULL.
constexpr std::string_view kBestEntry =
    " hashes AS (SELECT DISTINCT sha256 FROM media),"
    " hits AS (SELECT h.sha256, e.id AS entry_id FROM hashes h"
    "   JOIN hash_entries e ON e.sha256 = h.sha256"
    "  UNION SELECT h.sha256, m.entry_id FROM hashes h JOIN matches m ON m.sha256 = h.sha256),"
    " best AS (SELECT hits.sha256, hs.name, e.category, e.category_source,"
    "   ROW_NUMBER() OVER (PARTITION BY hits.sha256 ORDER BY"
    "     CASE WHEN e.category IS NULL OR e.category = 0 THEN 99 ELSE e.category END, hs.name)"
    "   AS rank"
    "  FROM hits JOIN hash_entries e ON e.id = hits.entry_id"
    "  JOIN hash_sets hs ON hs.id = e.set_id"
    "  WHERE hs.kind != 'known-good' AND (?3 = '' OR hs.name = ?3)"
    "   AND (?4 IS NULL OR e.category = ?4))";

}  // namespace

Status SqliteChats::WriteChatDatabases(int64_t device_id, std::optional<int64_t> scan_id,
                                       const std::vector<ChatDatabaseRecord>& databases) {
  if (databases.empty()) return Status::Ok();
  Statement db_row(db_,
                   "INSERT OR IGNORE INTO chat_databases(device_id, forensic_path, sha256, app,"
                   " kind, state, era, schema_fingerprint, tables_found, sidecars, warnings, note,"
                   " owner_name, owner_jid, scan_id) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  Statement chat(db_,
                 "INSERT INTO chats(db_id, row_id, jid, lid_jid, kind, subject, created_ms,"
                 " creator_phone, jid_created_ms) VALUES(?,?,?,?,?,?,?,?,?)");
  Statement member(db_,
                   "INSERT INTO chat_members(db_id, chat_jid, member_jid, lid_jid, phone,"
                   " resolved_from_lid, admin, rank) VALUES(?,?,?,?,?,?,?,?)");
  Statement message(db_,
                    "INSERT OR IGNORE INTO chat_messages(db_id, row_id, chat_jid, key_id,"
                    " sender_jid, sender_from_lid, from_me, timestamp_ms, type, status, text,"
                    " text_truncated, forwarded, forward_score, quoted_row_id, quoted_key_id)"
                    " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  Statement media(db_,
                  "INSERT INTO chat_media(db_id, message_row_id, chat_jid, sender_jid, from_me,"
                  " timestamp_ms, type, file_path, media_name, mime_type, size, caption, sha256,"
                  " sha256_base64, enc_sha256, original_sha256)"
                  " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  Statement invite(db_,
                   "INSERT INTO chat_invites(db_id, message_row_id, chat_jid, group_jid,"
                   " admin_jid, group_name, code, expiration) VALUES(?,?,?,?,?,?,?,?)");
  Statement contact(db_,
                    "INSERT INTO chat_contacts(db_id, jid, display_name, wa_name, number)"
                    " VALUES(?,?,?,?,?)");
  for (const ChatDatabaseRecord& r : databases) {
    const WhatsAppExtract& x = r.extract;
    db_row.Bind(1, device_id)
        .BindBlob(2, r.forensic_path)
        .Bind(3, r.sha256)
        .Bind(4, r.app)
        .Bind(5, r.kind)
        .Bind(6, r.state)
        .Bind(7, x.era)
        .Bind(8, x.schema_fingerprint)
        .Bind(9, Join(x.tables_found, ","))
        .Bind(10, Join(r.sidecars, ","))
        .Bind(11, Join(x.warnings, "\n"))
        .Bind(12, r.note)
        .Bind(13, x.owner ? x.owner->push_name : "")
        .Bind(14, x.owner ? x.owner->jid : "")
        .Bind(15, scan_id);
    TANTALIO_RETURN_IF_ERROR(db_row.Run());
    if (sqlite3_changes(db_.get()) == 0) continue;  // stored by an earlier, interrupted run
    const int64_t id = sqlite3_last_insert_rowid(db_.get());
    for (const artifacts::Chat& c : x.chats) {
      TANTALIO_RETURN_IF_ERROR(chat.Bind(1, id)
                                   .Bind(2, c.row_id)
                                   .Bind(3, c.jid)
                                   .Bind(4, c.lid_jid)
                                   .Bind(5, artifacts::ChatKindName(c.kind))
                                   .Bind(6, c.subject)
                                   .Bind(7, c.created_ms)
                                   .Bind(8, c.creator_phone_digits)
                                   .Bind(9, c.jid_created_ms)
                                   .Run());
    }
    for (const artifacts::Participant& p : x.participants) {
      TANTALIO_RETURN_IF_ERROR(member.Bind(1, id)
                                   .Bind(2, p.chat_jid)
                                   .Bind(3, p.member_jid)
                                   .Bind(4, p.lid_jid)
                                   .Bind(5, p.phone_e164)
                                   .Bind(6, int64_t{p.resolved_from_lid})
                                   .Bind(7, BoolColumn(p.admin))
                                   .Bind(8, p.rank)
                                   .Run());
    }
    for (const artifacts::Message& m : x.messages) {
      TANTALIO_RETURN_IF_ERROR(message.Bind(1, id)
                                   .Bind(2, m.row_id)
                                   .Bind(3, m.chat_jid)
                                   .Bind(4, m.key_id)
                                   .Bind(5, m.sender_jid)
                                   .Bind(6, int64_t{m.sender_resolved_from_lid})
                                   .Bind(7, int64_t{m.from_me})
                                   .Bind(8, m.timestamp_ms)
                                   .Bind(9, m.type)
                                   .Bind(10, m.status)
                                   .Bind(11, m.text)
                                   .Bind(12, int64_t{m.text_truncated})
                                   .Bind(13, int64_t{m.forwarded})
                                   .Bind(14, m.forward_score)
                                   .Bind(15, m.quoted_row_id)
                                   .Bind(16, m.quoted_key_id)
                                   .Run());
    }
    for (const artifacts::Media& m : x.media) {
      TANTALIO_RETURN_IF_ERROR(media.Bind(1, id)
                                   .Bind(2, m.message_row_id)
                                   .Bind(3, m.chat_jid)
                                   .Bind(4, m.sender_jid)
                                   .Bind(5, int64_t{m.from_me})
                                   .Bind(6, m.timestamp_ms)
                                   .Bind(7, m.type)
                                   .BindBlob(8, m.file_path)
                                   .Bind(9, m.media_name)
                                   .Bind(10, m.mime_type)
                                   .Bind(11, m.size)
                                   .Bind(12, m.caption)
                                   .Bind(13, m.media_sha256_hex)
                                   .Bind(14, m.media_sha256_base64)
                                   .Bind(15, m.enc_sha256_hex)
                                   .Bind(16, m.original_sha256_hex)
                                   .Run());
    }
    for (const artifacts::InviteCode& i : x.invites) {
      TANTALIO_RETURN_IF_ERROR(invite.Bind(1, id)
                                   .Bind(2, i.message_row_id)
                                   .Bind(3, i.chat_jid)
                                   .Bind(4, i.group_jid)
                                   .Bind(5, i.admin_jid)
                                   .Bind(6, i.group_name)
                                   .Bind(7, i.code)
                                   .Bind(8, i.expiration)
                                   .Run());
    }
    for (const artifacts::Contact& c : x.contacts) {
      TANTALIO_RETURN_IF_ERROR(contact.Bind(1, id)
                                   .Bind(2, c.jid)
                                   .Bind(3, c.display_name)
                                   .Bind(4, c.wa_name)
                                   .Bind(5, c.number)
                                   .Run());
    }
  }
  return Status::Ok();
}

Status SqliteChats::WriteIdentifiers(int64_t device_id, std::optional<int64_t> scan_id,
                                     const std::vector<IdentifierRecord>& identifiers) {
  if (identifiers.empty()) return Status::Ok();
  Statement s(db_,
              "INSERT OR IGNORE INTO identifiers(device_id, forensic_path, location, kind, value,"
              " raw, offset, scan_id) VALUES(?,?,?,?,?,?,?,?)");
  for (const IdentifierRecord& i : identifiers) {
    TANTALIO_RETURN_IF_ERROR(s.Bind(1, device_id)
                                 .BindBlob(2, i.forensic_path)
                                 .Bind(3, i.location)
                                 .Bind(4, i.kind)
                                 .Bind(5, i.value)
                                 .Bind(6, i.raw)
                                 .Bind(7, i.offset)
                                 .Bind(8, scan_id)
                                 .Run());
  }
  return Status::Ok();
}

Result<std::map<int64_t, SqliteChats::Owner>> SqliteChats::Owners(int64_t case_id) {
  std::map<int64_t, Owner> owners;
  Statement recorded(db_,
                     "SELECT cd.id, cd.owner_jid FROM chat_databases cd"
                     " JOIN devices d ON d.id = cd.device_id"
                     " WHERE d.case_id = ? AND cd.owner_jid != ''");
  recorded.Bind(1, case_id);
  while (true) {
    TANTALIO_ASSIGN_OR_RETURN(bool row, recorded.Step());
    if (!row) break;
    owners[recorded.Int(0)] = Owner{recorded.Text(1), false};
  }
  // The own number the app's preferences state, for every database of the
  // device (a phone has one WhatsApp account; a second would show as two).
  Statement stated(db_,
                   "SELECT cd.id, i.value FROM chat_databases cd"
                   " JOIN devices d ON d.id = cd.device_id"
                   " JOIN identifiers i ON i.device_id = cd.device_id AND i.location = ?2"
                   " WHERE d.case_id = ?1 ORDER BY cd.id, i.id");
  stated.Bind(1, case_id).Bind(2, std::string_view(kWhatsAppOwnNumberLocation));
  while (true) {
    TANTALIO_ASSIGN_OR_RETURN(bool row, stated.Step());
    if (!row) break;
    const std::string e164 = stated.Text(1);  // "+447700900101"
    owners.try_emplace(stated.Int(0), Owner{e164.substr(1) + "@s.whatsapp.net", false});
  }
  // An outgoing message has the same protocol id on every device that holds
  // it; on a receiving device its sender is the sending device's owner. The
  // sender seen most often wins (a different sender means a key-id clash).
  Statement inferred(db_,
                     "WITH " + std::string(kScope) +
                         " SELECT mine.db_id, theirs.sender_jid, COUNT(*) AS n"
                         " FROM chat_messages mine JOIN scope s ON s.db_id = mine.db_id"
                         " JOIN chat_messages theirs ON theirs.key_id = mine.key_id"
                         "  AND theirs.from_me = 0 AND theirs.sender_jid LIKE '%@s.whatsapp.net'"
                         " JOIN scope t ON t.db_id = theirs.db_id AND t.device != s.device"
                         " WHERE mine.from_me = 1 AND mine.key_id != ''"
                         " GROUP BY mine.db_id, theirs.sender_jid ORDER BY mine.db_id, n DESC");
  inferred.Bind(1, case_id);
  // It looks up every incoming message (seconds at a million): only worth it
  // when two devices hold chat databases.
  Statement devices_with_chats(db_,
                               "SELECT COUNT(DISTINCT cd.device_id) FROM chat_databases cd"
                               " JOIN devices d ON d.id = cd.device_id WHERE d.case_id = ?");
  devices_with_chats.Bind(1, case_id);
  TANTALIO_ASSIGN_OR_RETURN(bool counted, devices_with_chats.Step());
  while (counted && devices_with_chats.Int(0) >= 2) {
    TANTALIO_ASSIGN_OR_RETURN(bool row, inferred.Step());
    if (!row) break;
    owners.try_emplace(inferred.Int(0), Owner{inferred.Text(1), true});
  }
  // A database without messages (wa.db) takes the owner of its device's
  // message store.
  Statement devices(db_,
                    "SELECT a.id, b.id FROM chat_databases a JOIN chat_databases b"
                    " ON b.device_id = a.device_id AND b.id != a.id"
                    " JOIN devices d ON d.id = a.device_id WHERE d.case_id = ?");
  devices.Bind(1, case_id);
  while (true) {
    TANTALIO_ASSIGN_OR_RETURN(bool row, devices.Step());
    if (!row) break;
    auto other = owners.find(devices.Int(1));
    if (other != owners.end()) owners.try_emplace(devices.Int(0), other->second);
  }
  return owners;
}

Result<std::map<std::string, std::string>> SqliteChats::ClaimedNames(int64_t case_id) {
  std::map<std::string, std::string> names;
  Statement s(db_,
              "SELECT c.jid, c.display_name, d.label FROM chat_contacts c"
              " JOIN chat_databases cd ON cd.id = c.db_id JOIN devices d ON d.id = cd.device_id"
              " WHERE d.case_id = ? AND c.display_name != '' ORDER BY d.label, c.rowid");
  s.Bind(1, case_id);
  while (true) {
    TANTALIO_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) return names;
    names.try_emplace(s.Text(0), s.Text(1) + " (in " + s.Text(2) + "'s contacts)");
  }
}

Result<std::vector<ChatDatabaseRow>> SqliteChats::ListDatabases(int64_t case_id,
                                                                std::optional<int64_t> device_id) {
  TANTALIO_ASSIGN_OR_RETURN(auto owners, Owners(case_id));
  Statement s(db_,
              "SELECT cd.id, d.label, cd.forensic_path, cd.app, cd.kind, cd.state, cd.era,"
              " cd.note, cd.warnings,"
              " (SELECT COUNT(*) FROM chats WHERE db_id = cd.id),"
              " (SELECT COUNT(*) FROM chat_messages WHERE db_id = cd.id),"
              " (SELECT COUNT(*) FROM chat_media WHERE db_id = cd.id),"
              " (SELECT COUNT(*) FROM chat_contacts WHERE db_id = cd.id)"
              " FROM chat_databases cd JOIN devices d ON d.id = cd.device_id"
              " WHERE d.case_id = ?1 AND (?2 IS NULL OR d.id = ?2)"
              " ORDER BY d.label, cd.forensic_path");
  s.Bind(1, case_id).Bind(2, device_id);
  std::vector<ChatDatabaseRow> out;
  while (true) {
    TANTALIO_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) return out;
    ChatDatabaseRow r;
    r.device = s.Text(1);
    r.forensic_path = s.Text(2);
    r.app = s.Text(3);
    r.kind = s.Text(4);
    r.state = s.Text(5);
    r.era = s.Text(6);
    r.note = s.Text(7);
    const std::string warnings = s.Text(8);
    r.warnings = warnings.empty() ? 0 : 1 + std::count(warnings.begin(), warnings.end(), '\n');
    r.chats = static_cast<uint64_t>(s.Int(9));
    r.messages = static_cast<uint64_t>(s.Int(10));
    r.media = static_cast<uint64_t>(s.Int(11));
    r.contacts = static_cast<uint64_t>(s.Int(12));
    if (auto owner = owners.find(s.Int(0)); owner != owners.end()) {
      r.owner_jid = owner->second.jid;
      r.owner_inferred = owner->second.inferred;
    }
    out.push_back(std::move(r));
  }
}

Status SqliteChats::ForEachChat(int64_t case_id, std::optional<int64_t> device_id,
                                const std::function<bool(const ChatRow&)>& visit) {
  Statement s(
      db_,
      "WITH " + std::string(kScope) +
          ", msg AS (SELECT m.db_id, m.chat_jid, COUNT(*) AS n, MIN(m.timestamp_ms) AS lo,"
          "   MAX(m.timestamp_ms) AS hi FROM chat_messages m JOIN scope USING (db_id)"
          "   GROUP BY m.db_id, m.chat_jid),"
          " med AS (SELECT m.db_id, m.chat_jid, COUNT(*) AS n FROM chat_media m"
          "   JOIN scope USING (db_id) GROUP BY m.db_id, m.chat_jid)"
          " SELECT s.device, s.path, c.row_id, c.jid, c.lid_jid, c.kind, c.subject, c.created_ms,"
          "  c.creator_phone, c.jid_created_ms, c.db_id, COALESCE(msg.n, 0),"
          "  COALESCE(med.n, 0), msg.lo, msg.hi"
          " FROM chats c JOIN scope s ON s.db_id = c.db_id"
          " JOIN chat_databases cd ON cd.id = c.db_id"
          " LEFT JOIN msg ON msg.db_id = c.db_id AND msg.chat_jid = c.jid"
          " LEFT JOIN med ON med.db_id = c.db_id AND med.chat_jid = c.jid"
          " WHERE ?2 IS NULL OR cd.device_id = ?2"
          " ORDER BY s.device, s.path, c.kind != 'group', c.subject, c.jid");
  s.Bind(1, case_id).Bind(2, device_id);
  Statement members(db_,
                    "SELECT member_jid FROM chat_members WHERE db_id = ? AND chat_jid = ?"
                    " ORDER BY rowid");
  while (true) {
    TANTALIO_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) return Status::Ok();
    ChatRow r;
    r.evidence = ChatEvidence{s.Text(0), s.Text(1), s.Int(2)};
    r.chat.row_id = s.Int(2);
    r.chat.jid = s.Text(3);
    r.chat.lid_jid = s.Text(4);
    r.chat.kind = artifacts::ChatKindFromName(s.Text(5));
    r.chat.subject = s.Text(6);
    r.chat.created_ms = s.OptionalInt(7);
    r.chat.creator_phone_digits = s.Text(8);
    r.chat.jid_created_ms = s.OptionalInt(9);
    members.Bind(1, s.Int(10)).Bind(2, r.chat.jid);
    while (true) {
      TANTALIO_ASSIGN_OR_RETURN(bool member, members.Step());
      if (!member) break;
      r.members.push_back(members.Text(0));
    }
    members.Reset();
    r.messages = static_cast<uint64_t>(s.Int(11));
    r.media = static_cast<uint64_t>(s.Int(12));
    r.first_ms = s.OptionalInt(13);
    r.last_ms = s.OptionalInt(14);
    if (!visit(r)) return Status::Ok();
  }
}

Status SqliteChats::ForEachMessage(int64_t case_id, std::string_view chat_jid,
                                   const std::function<bool(const ChatMessageRow&)>& visit) {
  TANTALIO_ASSIGN_OR_RETURN(auto owners, Owners(case_id));
  TANTALIO_ASSIGN_OR_RETURN(auto names, ClaimedNames(case_id));
  Statement s(db_, "WITH " + std::string(kScope) +
                       ", media AS (SELECT md.* FROM chat_media md JOIN scope USING (db_id)"
                       "   WHERE md.chat_jid = ?2 AND md.sha256 != '')," +
                       std::string(kBestEntry) +
                       " SELECT s.db_id, s.device, s.path, m.row_id, m.chat_jid, m.key_id,"
                       "  m.sender_jid, m.sender_from_lid, m.from_me, m.timestamp_ms, m.type,"
                       "  m.status, m.text, m.text_truncated, m.forwarded, m.forward_score,"
                       "  m.quoted_row_id, m.quoted_key_id, COALESCE(md.sha256, ''), b.sha256 IS "
                       "NOT NULL, b.category"
                       " FROM chat_messages m JOIN scope s ON s.db_id = m.db_id"
                       " LEFT JOIN media md ON md.db_id = m.db_id AND md.message_row_id = m.row_id"
                       " LEFT JOIN best b ON b.sha256 = md.sha256 AND b.rank = 1"
                       " WHERE m.chat_jid = ?2"
                       " ORDER BY m.timestamp_ms, s.device, m.row_id");
  s.Bind(1, case_id).Bind(2, chat_jid).Bind(3, std::string_view()).BindNull(4);
  while (true) {
    TANTALIO_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) return Status::Ok();
    ChatMessageRow r;
    r.evidence = ChatEvidence{s.Text(1), s.Text(2), s.Int(3)};
    artifacts::Message& m = r.message;
    m.row_id = s.Int(3);
    m.chat_jid = s.Text(4);
    m.key_id = s.Text(5);
    m.sender_jid = s.Text(6);
    m.sender_resolved_from_lid = s.Int(7) != 0;
    m.from_me = s.Int(8) != 0;
    m.timestamp_ms = s.OptionalInt(9);
    m.type = s.Int(10);
    m.status = s.OptionalInt(11);
    m.text = s.Text(12);
    m.text_truncated = s.Int(13) != 0;
    m.forwarded = s.Int(14) != 0;
    m.forward_score = s.OptionalInt(15);
    m.quoted_row_id = s.OptionalInt(16);
    m.quoted_key_id = s.Text(17);
    r.media_sha256 = s.Text(18);
    r.known = s.Int(19) != 0;
    if (!s.IsNull(20)) r.category = static_cast<int>(s.Int(20));
    r.sender = m.sender_jid;
    if (m.from_me) {
      auto owner = owners.find(s.Int(0));
      r.sender = owner == owners.end() ? "" : owner->second.jid;
      r.sender_inferred = owner != owners.end() && owner->second.inferred;
    }
    if (auto name = names.find(r.sender); name != names.end()) {
      r.sender_claimed_name = name->second;
    }
    if (!visit(r)) return Status::Ok();
  }
}

Status SqliteChats::ForEachMedia(int64_t case_id, const MediaFilter& filter,
                                 const std::function<bool(const ChatMediaRow&)>& visit) {
  TANTALIO_ASSIGN_OR_RETURN(auto owners, Owners(case_id));
  TANTALIO_ASSIGN_OR_RETURN(auto names, ClaimedNames(case_id));
  // With only a hash asked for, every posting of it is listed, known or not;
  // otherwise only known material (of the set or category asked for).
  const bool any_posting =
      !filter.sha256.empty() && filter.hash_set.empty() && !filter.category.has_value();
  Statement s(
      db_,
      "WITH " + std::string(kScope) +
          ", media AS (SELECT md.*, s.device, s.path FROM chat_media md JOIN scope s USING (db_id)"
          "   WHERE md.sha256 != '' AND (?2 = '' OR md.sha256 = ?2))," +
          std::string(kBestEntry) +
          " SELECT md.db_id, md.device, md.path, md.message_row_id, md.chat_jid,"
          "  COALESCE((SELECT subject FROM chats c JOIN scope USING (db_id)"
          "   WHERE c.jid = md.chat_jid AND c.subject != '' LIMIT 1), ''),"
          "  COALESCE(m.key_id, ''), md.sender_jid, md.from_me, md.timestamp_ms,"
          "  COALESCE(m.forwarded, 0), m.forward_score, md.sha256, md.file_path, md.mime_type,"
          "  b.name, b.category, b.category_source,"
          "  (SELECT COUNT(*) FROM files f JOIN devices d ON d.id = f.device_id"
          "   WHERE f.sha256 = md.sha256 AND d.case_id = ?1)"
          " FROM media md"
          " LEFT JOIN best b ON b.sha256 = md.sha256 AND b.rank = 1"
          " LEFT JOIN chat_messages m ON m.db_id = md.db_id AND m.row_id = md.message_row_id"
          " WHERE ?5 OR b.sha256 IS NOT NULL"
          " ORDER BY md.timestamp_ms, md.device, md.message_row_id");
  s.Bind(1, case_id)
      .Bind(2, filter.sha256)
      .Bind(3, filter.hash_set)
      .Bind(4, filter.category ? std::optional<int64_t>(*filter.category) : std::nullopt)
      .Bind(5, int64_t{any_posting});
  while (true) {
    TANTALIO_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) return Status::Ok();
    ChatMediaRow r;
    r.evidence = ChatEvidence{s.Text(1), s.Text(2), s.Int(3)};
    r.chat_jid = s.Text(4);
    r.chat_subject = s.Text(5);
    r.key_id = s.Text(6);
    r.sender = s.Text(7);
    r.from_me = s.Int(8) != 0;
    r.timestamp_ms = s.OptionalInt(9);
    r.forwarded = s.Int(10) != 0;
    r.forward_score = s.OptionalInt(11);
    r.sha256 = s.Text(12);
    r.file_path = s.Text(13);
    r.mime_type = s.Text(14);
    if (!s.IsNull(15)) {
      r.hash_set = s.Text(15);
      if (!s.IsNull(16)) r.category = static_cast<int>(s.Int(16));
      r.category_source = s.Text(17);
    }
    r.files_in_case = static_cast<uint64_t>(s.Int(18));
    if (r.from_me) {
      auto owner = owners.find(s.Int(0));
      r.sender = owner == owners.end() ? "" : owner->second.jid;
      r.sender_inferred = owner != owners.end() && owner->second.inferred;
    }
    if (auto name = names.find(r.sender); name != names.end()) {
      r.sender_claimed_name = name->second;
    }
    if (!visit(r)) return Status::Ok();
  }
}

Status SqliteChats::ForEachIdentifier(int64_t case_id, std::string_view kind,
                                      const std::function<bool(const IdentifierRow&)>& visit) {
  // Grouped by value and device here; devices are folded into one row below.
  Statement s(db_,
              "SELECT i.kind, i.value, d.label, COUNT(*),"
              "  MIN(d.label || ':' || CAST(i.forensic_path AS TEXT) ||"
              "   CASE WHEN i.location = '' THEN '' ELSE ' (' || i.location || ')' END)"
              " FROM identifiers i JOIN devices d ON d.id = i.device_id"
              " WHERE d.case_id = ?1 AND (?2 = '' OR i.kind = ?2)"
              " GROUP BY i.kind, i.value, d.label ORDER BY i.kind, i.value, d.label");
  s.Bind(1, case_id).Bind(2, kind);
  std::vector<IdentifierRow> rows;
  while (true) {
    TANTALIO_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    std::string row_kind = s.Text(0);
    std::string value = s.Text(1);
    if (rows.empty() || rows.back().kind != row_kind || rows.back().value != value) {
      IdentifierRow r;
      r.kind = std::move(row_kind);
      r.value = std::move(value);
      r.example = s.Text(4);
      rows.push_back(std::move(r));
    }
    rows.back().devices.push_back(s.Text(2));
    rows.back().occurrences += static_cast<uint64_t>(s.Int(3));
  }
  // What each invite code opens, from the invite cards.
  Statement group(db_,
                  "SELECT ci.group_jid || CASE WHEN ci.group_name = '' THEN ''"
                  "  ELSE ' ' || ci.group_name END FROM chat_invites ci"
                  " JOIN chat_databases cd ON cd.id = ci.db_id"
                  " JOIN devices d ON d.id = cd.device_id"
                  " WHERE d.case_id = ? AND ci.code = ? AND ci.group_jid != '' LIMIT 1");
  constexpr std::string_view kInvitePrefix = "https://chat.whatsapp.com/";
  for (IdentifierRow& r : rows) {
    if (r.kind != artifacts::IdentifierKindName(artifacts::IdentifierKind::kWhatsAppInvite) ||
        !r.value.starts_with(kInvitePrefix)) {
      continue;
    }
    group.Bind(1, case_id).Bind(2, std::string_view(r.value).substr(kInvitePrefix.size()));
    TANTALIO_ASSIGN_OR_RETURN(bool found, group.Step());
    if (found) r.detail = group.Text(0);
    group.Reset();
  }
  // Identifiers that link devices first, then the most frequent.
  std::stable_sort(rows.begin(), rows.end(), [](const IdentifierRow& a, const IdentifierRow& b) {
    if (a.devices.size() != b.devices.size()) return a.devices.size() > b.devices.size();
    return a.occurrences > b.occurrences;
  });
  for (const IdentifierRow& r : rows) {
    if (!visit(r)) break;
  }
  return Status::Ok();
}

Result<std::vector<CrossDeviceLink>> SqliteChats::CrossDeviceLinks(int64_t case_id) {
  std::vector<CrossDeviceLink> links;
  // Each query yields (value, detail, device-or-group) sorted by value; runs
  // of one value with two or more distinct third columns become a link.
  auto collect = [&](const std::string& what, const std::string& sql) -> Status {
    Statement s(db_, sql);
    s.Bind(1, case_id);
    CrossDeviceLink current;
    std::set<std::string> seen;
    auto close = [&] {
      if (current.devices.size() >= 2) {
        std::sort(current.devices.begin(), current.devices.end());
        links.push_back(std::move(current));
      }
      current = CrossDeviceLink{};
      seen.clear();
    };
    while (true) {
      TANTALIO_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      std::string value = s.Text(0);
      if (value != current.value) {
        close();
        current.what = what;
        current.value = std::move(value);
      }
      if (current.detail.empty()) current.detail = s.Text(1);
      if (std::string third = s.Text(2); seen.insert(third).second) {
        current.devices.push_back(std::move(third));
      }
    }
    close();
    return Status::Ok();
  };
  const std::string scope = "WITH " + std::string(kScope) + " ";
  TANTALIO_RETURN_IF_ERROR(collect(
      "group", scope + "SELECT c.jid, c.subject, s.device FROM chats c JOIN scope s USING (db_id)"
                       " WHERE c.kind = 'group' ORDER BY c.jid, c.subject = '', s.device"));
  // A media hash in the chat databases of several devices, or in a chat
  // database of one and among the scanned files of another.
  TANTALIO_RETURN_IF_ERROR(collect(
      "media", scope +
                   ", hashes AS (SELECT DISTINCT sha256 FROM chat_media JOIN scope USING (db_id)"
                   "   WHERE sha256 != '')"
                   " SELECT sha256, detail, device FROM ("
                   "  SELECT md.sha256, md.mime_type AS detail, s.device FROM chat_media md"
                   "   JOIN scope s USING (db_id) WHERE md.sha256 != ''"
                   "  UNION SELECT f.sha256, f.mime, d.label FROM files f"
                   "   JOIN devices d ON d.id = f.device_id JOIN hashes h ON h.sha256 = f.sha256"
                   "   WHERE d.case_id = ?1)"
                   " ORDER BY sha256, detail = '', device"));
  TANTALIO_RETURN_IF_ERROR(
      collect("identifier",
              "SELECT i.kind || ' ' || i.value, i.kind, d.label FROM identifiers i"
              " JOIN devices d ON d.id = i.device_id WHERE d.case_id = ?1"
              " ORDER BY i.kind, i.value, d.label"));
  // A number that is a member of several groups: `devices` lists the groups.
  TANTALIO_RETURN_IF_ERROR(collect(
      "member", scope +
                    "SELECT m.phone, '', m.chat_jid FROM chat_members m JOIN scope USING (db_id)"
                    " WHERE m.phone != '' ORDER BY m.phone, m.chat_jid"));
  return links;
}

}  // namespace tantalio::sqlite
