#include "pipeline/artifact_reader.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "artifacts/sqlite_text_cells.h"
#include "artifacts/whatsapp_android.h"
#include "artifacts/whatsapp_reader.h"
#include "base/temp_dir.h"

namespace tantalio {
namespace {

using artifacts::IdentifierKindName;

void AddError(ScanRecords& out, const std::string& path, std::string stage, const Status& status) {
  out.errors.push_back(ErrorRecord{path, std::move(stage),
                                   std::string(StatusCodeName(status.code())), status.message()});
}

// Copies `source` to a new file at `dest` (created 0600, never existing).
Status CopySource(const RandomAccessSource& source, const std::string& dest) {
  int fd = ::open(dest.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return IoError("create " + dest + ": " + std::strerror(errno));
  std::vector<uint8_t> buffer(size_t{1} << 20);
  uint64_t offset = 0;
  Status status;
  while (status.ok()) {
    auto n = source.ReadAt(offset, buffer);
    if (!n.ok()) {
      status = n.status();
      break;
    }
    if (*n == 0) break;
    for (size_t done = 0; done < *n;) {
      ssize_t w = ::write(fd, buffer.data() + done, *n - done);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) {
        status = IoError("write " + dest + ": " + std::strerror(errno));
        break;
      }
      done += static_cast<size_t>(w);
    }
    offset += *n;
  }
  if (::close(fd) != 0 && status.ok())
    status = IoError("close " + dest + ": " + std::strerror(errno));
  return status;
}

std::string BaseName(std::string_view path) {
  size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

// Names WhatsApp gives its databases: a database by such a name whose layout
// is not recognised is worth a word to the investigator.
bool NamedLikeWhatsApp(std::string_view path) {
  const std::string name = BaseName(path);
  return name.starts_with("msgstore") || name == "wa.db" || name == "ChatStorage.sqlite" ||
         name == "ContactsV2.sqlite";
}

// A chat database record for the file `record` describes.
ChatDatabaseRecord DatabaseRecord(const FileRecord& record, std::string kind, const char* state,
                                  std::string note) {
  ChatDatabaseRecord db;
  db.forensic_path = record.forensic_path;
  db.sha256 = record.sha256;
  db.kind = std::move(kind);
  db.state = state;
  db.note = std::move(note);
  return db;
}

// Phone numbers of a WhatsApp extract's people, as identifiers.
void AddJidPhone(const std::string& jid, const std::string& path, const std::string& location,
                 ScanRecords& out) {
  const std::string digits = artifacts::PhoneDigitsFromJid(jid);
  if (digits.empty()) return;
  auto phone = artifacts::NormalisePhoneNumber("+" + digits, "ZZ");
  if (!phone) return;
  IdentifierRecord r;
  r.forensic_path = path;
  r.location = location;
  r.kind = IdentifierKindName(artifacts::IdentifierKind::kPhone);
  r.value = phone->e164;
  r.raw = jid;
  out.identifiers.push_back(std::move(r));
}

}  // namespace

TextIdentifierStream::TextIdentifierStream(const ArtifactOptions& options) : options_(options) {
  extract_.default_region = options.region;
  extract_.max_text_bytes = kWindow + kOverlap;  // a window never holds more
}

void TextIdentifierStream::Feed(std::span<const uint8_t> bytes) {
  while (!bytes.empty() && !capped_) {
    const size_t take = std::min(bytes.size(), kWindow + kOverlap - window_.size());
    window_.append(reinterpret_cast<const char*>(bytes.data()), take);
    bytes = bytes.subspan(take);
    if (window_.size() == kWindow + kOverlap) Scan(false);
  }
}

std::vector<IdentifierRecord> TextIdentifierStream::Finish(bool* capped) {
  Scan(true);
  window_.clear();
  *capped = capped_;
  return std::move(found_);
}

// Each stream offset is owned by exactly one scan: [owned_from_, own_end) of
// this window. An identifier is reported by the scan owning its first byte;
// kOverlap bytes of context on either side keep it whole.
void TextIdentifierStream::Scan(bool final) {
  if (capped_ || window_.empty()) return;
  const size_t own_end = final ? window_.size() : window_.size() - kOverlap;
  artifacts::IdentifierScan scan = artifacts::ExtractIdentifiers(window_, extract_);
  for (artifacts::Identifier& id : scan.identifiers) {
    if (id.offset < owned_from_ || id.offset >= own_end) continue;
    if (found_.size() >= options_.max_identifiers_per_file) {
      capped_ = true;
      break;
    }
    IdentifierRecord r;
    r.kind = IdentifierKindName(id.kind);
    r.value = std::move(id.value);
    r.raw = std::move(id.raw);
    r.offset = static_cast<int64_t>(window_base_ + id.offset);
    found_.push_back(std::move(r));
  }
  if (final) return;
  const size_t keep_from = own_end - kOverlap;  // context before the next owned byte
  window_.erase(0, keep_from);
  window_base_ += keep_from;
  owned_from_ = own_end - keep_from;
}

std::optional<std::string> ArtifactReader::EncryptedBackupKind(std::string_view forensic_path) {
  const std::string name = BaseName(forensic_path);
  const size_t at = name.rfind(".db.crypt");
  if (at == std::string::npos || at == 0) return std::nullopt;
  std::string_view version = std::string_view(name).substr(at + 9);
  if (version.empty() || version.size() > 2) return std::nullopt;
  for (char c : version) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  return "crypt" + std::string(version);
}

void ArtifactReader::RecordEncryptedBackup(const std::string& kind, const FileRecord& record,
                                           ScanRecords& out) const {
  out.chat_databases.push_back(DatabaseRecord(
      record, kind, kChatDbEncrypted,
      "encrypted WhatsApp backup (" + kind +
          "): key needed; Tantalio does not decrypt backups yet. The key is in "
          "/data/data/com.whatsapp/files/key (crypt12/14) or the 64-hex backup key (crypt15)."));
}

bool ArtifactReader::IsWhatsAppPreferences(std::string_view forensic_path) {
  const std::string name = BaseName(forensic_path);
  return (name.starts_with("com.whatsapp") && name.find("_preferences") != std::string::npos &&
          name.ends_with(".xml")) ||
         name == "startup_prefs.xml";
}

void ArtifactReader::ReadWhatsAppPreferences(std::string_view xml, const FileRecord& record,
                                             ScanRecords& out) const {
  // <string name="cc">44</string> <string name="ph">7700900101</string>
  auto value = [&](std::string_view key) -> std::string {
    const std::string open = "<string name=\"" + std::string(key) + "\">";
    const size_t at = xml.find(open);
    if (at == std::string_view::npos) return "";
    const size_t from = at + open.size();
    const size_t to = xml.find('<', from);
    if (to == std::string_view::npos || to - from > 20) return "";
    std::string digits(xml.substr(from, to - from));
    for (char c : digits) {
      if (c < '0' || c > '9') return "";
    }
    return digits;
  };
  const std::string cc = value("cc");
  const std::string ph = value("ph");
  if (cc.empty() || ph.empty()) return;
  auto phone = artifacts::NormalisePhoneNumber("+" + cc + ph, "ZZ");
  if (!phone) return;
  IdentifierRecord r;
  r.forensic_path = record.forensic_path;
  r.location = kWhatsAppOwnNumberLocation;
  r.kind = IdentifierKindName(artifacts::IdentifierKind::kPhone);
  r.value = phone->e164;
  r.raw = "cc=" + cc + " ph=" + ph;
  out.identifiers.push_back(std::move(r));
}

void ArtifactReader::AddTextIdentifiers(std::string_view text, const std::string& forensic_path,
                                        const std::string& location, ScanRecords& out) const {
  if (text.empty()) return;
  artifacts::IdentifierOptions extract;
  extract.default_region = options_.region;
  for (artifacts::Identifier& id : artifacts::ExtractIdentifiers(text, extract).identifiers) {
    IdentifierRecord r;
    r.forensic_path = forensic_path;
    r.location = location;
    r.kind = IdentifierKindName(id.kind);
    r.value = std::move(id.value);
    r.raw = std::move(id.raw);
    r.offset = static_cast<int64_t>(id.offset);
    out.identifiers.push_back(std::move(r));
  }
}

void ArtifactReader::ReadDatabase(const RandomAccessSource& source, const std::string& sidecar_base,
                                  const FileRecord& record, ScanRecords& out) const {
  const std::string& path = record.forensic_path;
  auto dir = TempDir::Create();
  if (!dir.ok()) {
    AddError(out, path, "chat database", dir.status());
    return;
  }
  const std::string copy = (*dir)->Sub("evidence.db");
  if (Status copied = CopySource(source, copy); !copied.ok()) {
    AddError(out, path, "chat database", copied.WithContext("private copy"));
    return;
  }
  std::vector<std::string> sidecars;
  for (const char* suffix : {"-wal", "-journal"}) {
    if (sidecar_base.empty()) break;
    auto sidecar = OpenEvidenceFile(sidecar_base + suffix);
    if (!sidecar.ok()) {
      if (sidecar.status().code() != StatusCode::kNotFound) {
        AddError(out, path, std::string("sidecar ") + suffix,
                 sidecar.status().WithContext("read without its sidecar"));
      }
      continue;
    }
    if (Status copied = CopySource(**sidecar, copy + suffix); !copied.ok()) {
      AddError(out, path, std::string("sidecar ") + suffix,
               copied.WithContext("read without its sidecar"));
      ::unlink((copy + suffix).c_str());  // a half-copied WAL must not be applied
      continue;
    }
    sidecars.push_back(suffix);
  }

  auto extract = artifacts::ReadWhatsAppDatabase(copy);
  if (!extract.ok()) {
    AddError(out, path, "sqlite", extract.status());
    if (NamedLikeWhatsApp(path)) {
      out.chat_databases.push_back(DatabaseRecord(
          record, "unknown", kChatDbError,
          "named like a WhatsApp database, but unreadable: " + extract.status().message()));
    }
    return;
  }
  if (extract->kind != artifacts::WhatsAppDatabaseKind::kUnknown) {
    ChatDatabaseRecord db = DatabaseRecord(
        record, artifacts::WhatsAppDatabaseKindName(extract->kind), kChatDbParsed, "");
    db.sidecars = std::move(sidecars);
    db.extract = std::move(extract).value();
    const artifacts::WhatsAppExtract& x = db.extract;
    if (x.messages.empty() && x.contacts.empty() && x.chats.empty()) {
      db.note = "no chats, messages or contacts found";
    }
    if (!x.warnings.empty()) {
      // Missing tables or columns, unreadable cells: read in part, and said
      // where `tantalio errors` shows it, not only beside the database.
      AddError(out, path, "chat database",
               UnsupportedError("read with " + std::to_string(x.warnings.size()) +
                                " warning(s), first: " + x.warnings.front() +
                                " (tantalio chats lists the database)"));
    }
    for (const artifacts::Message& m : x.messages) {
      AddTextIdentifiers(m.text, path, "message " + std::to_string(m.row_id), out);
    }
    for (const artifacts::Media& m : x.media) {
      AddTextIdentifiers(m.caption, path, "caption of message " + std::to_string(m.message_row_id),
                         out);
    }
    for (const artifacts::InviteCode& i : x.invites) {
      IdentifierRecord r;
      r.forensic_path = path;
      r.location = "invite card, message " + std::to_string(i.message_row_id);
      r.kind = IdentifierKindName(artifacts::IdentifierKind::kWhatsAppInvite);
      r.value = "https://chat.whatsapp.com/" + i.code;
      r.raw = i.code;
      out.identifiers.push_back(std::move(r));
    }
    for (const artifacts::Participant& p : x.participants) {
      AddJidPhone(p.member_jid, path, "member of " + p.chat_jid, out);
    }
    for (const artifacts::Chat& c : x.chats) {
      if (c.kind == artifacts::ChatKind::kIndividual)
        AddJidPhone(c.jid, path, "chat " + c.jid, out);
    }
    for (const artifacts::Contact& c : x.contacts) {
      AddJidPhone(c.jid, path, "contact " + c.jid, out);
    }
    out.chat_databases.push_back(std::move(db));
    return;
  }
  if (NamedLikeWhatsApp(path)) {
    ChatDatabaseRecord db =
        DatabaseRecord(record, "unknown", kChatDbUnrecognised,
                       "named like a WhatsApp database, but its layout is not one Tantalio knows");
    db.extract = std::move(extract).value();  // keeps the tables found and the warning
    out.chat_databases.push_back(std::move(db));
  }
  // Any other database: the identifiers in its text cells.
  const size_t before = out.identifiers.size();
  auto cells = artifacts::ForEachTextCell(
      copy, artifacts::TextCellLimits{}, [&](const artifacts::TextCell& cell) {
        AddTextIdentifiers(cell.text, path,
                           cell.table + "." + cell.column + " row " + std::to_string(cell.rowid),
                           out);
        return out.identifiers.size() - before < options_.max_identifiers_per_file;
      });
  if (!cells.ok()) {
    AddError(out, path, "identifiers", cells.status());
  } else if (cells->truncated ||
             out.identifiers.size() - before >= options_.max_identifiers_per_file) {
    AddError(
        out, path, "identifiers",
        ResourceExhaustedError("text cells read only in part (" + std::to_string(cells->cells) +
                               " cells, " + std::to_string(out.identifiers.size() - before) +
                               " identifiers): limits reached"));
  }
}

}  // namespace tantalio
