#include "store/sqlite/migrations.h"

namespace tantalio::sqlite {
namespace {

// Paths and link targets are BLOBs: evidence file names need not be UTF-8.
constexpr std::string_view kV1 = R"sql(
CREATE TABLE cases(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  agency TEXT NOT NULL DEFAULT '',
  country TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL);
CREATE TABLE devices(
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases(id),
  label TEXT NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE(case_id, label));
CREATE TABLE evidence_roots(
  device_id INTEGER NOT NULL REFERENCES devices(id),
  forensic_root BLOB NOT NULL,
  fs_path BLOB NOT NULL,
  added_at TEXT NOT NULL,
  PRIMARY KEY(device_id, forensic_root));
CREATE TABLE scans(
  id INTEGER PRIMARY KEY,
  device_id INTEGER NOT NULL REFERENCES devices(id),
  tool_version TEXT NOT NULL,
  state TEXT NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  files INTEGER NOT NULL DEFAULT 0,
  bytes INTEGER NOT NULL DEFAULT 0,
  errors INTEGER NOT NULL DEFAULT 0,
  skipped_units INTEGER NOT NULL DEFAULT 0);
CREATE TABLE contents(
  sha256 TEXT PRIMARY KEY,
  md5 TEXT NOT NULL,
  sha1 TEXT NOT NULL,
  size INTEGER NOT NULL,
  mime TEXT NOT NULL,
  digest_algorithm TEXT NOT NULL,
  digest_version INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX contents_by_md5 ON contents(md5);
CREATE INDEX contents_by_sha1 ON contents(sha1);
CREATE TABLE files(
  id INTEGER PRIMARY KEY,
  device_id INTEGER NOT NULL REFERENCES devices(id),
  forensic_path BLOB NOT NULL,
  unit_path BLOB NOT NULL,
  kind TEXT NOT NULL,
  status TEXT NOT NULL,
  size INTEGER NOT NULL,
  mtime INTEGER, atime INTEGER, ctime INTEGER,
  link_target BLOB,
  mime TEXT NOT NULL DEFAULT '',
  extension TEXT NOT NULL DEFAULT '',
  extension_mismatch INTEGER NOT NULL DEFAULT 0,
  depth INTEGER NOT NULL DEFAULT 0,
  sha256 TEXT REFERENCES contents(sha256),
  note TEXT NOT NULL DEFAULT '',
  scan_id INTEGER REFERENCES scans(id),
  UNIQUE(device_id, forensic_path));
CREATE INDEX files_by_sha256 ON files(sha256);
CREATE TABLE image_metadata(
  sha256 TEXT PRIMARY KEY REFERENCES contents(sha256),
  extractor TEXT NOT NULL,
  width INTEGER, height INTEGER,
  camera_make TEXT NOT NULL DEFAULT '', camera_model TEXT NOT NULL DEFAULT '',
  body_serial TEXT NOT NULL DEFAULT '', lens TEXT NOT NULL DEFAULT '',
  datetime_original TEXT NOT NULL DEFAULT '', offset_time_original TEXT NOT NULL DEFAULT '',
  software TEXT NOT NULL DEFAULT '',
  gps_latitude REAL, gps_longitude REAL, gps_altitude REAL,
  orientation INTEGER) WITHOUT ROWID;
CREATE TABLE fingerprints(
  sha256 TEXT NOT NULL REFERENCES contents(sha256),
  algorithm TEXT NOT NULL,
  version INTEGER NOT NULL,
  timestamp_ms INTEGER NOT NULL DEFAULT -1,
  value BLOB NOT NULL,
  quality INTEGER,
  PRIMARY KEY(sha256, algorithm, version, timestamp_ms)) WITHOUT ROWID;
CREATE TABLE errors(
  id INTEGER PRIMARY KEY,
  device_id INTEGER NOT NULL REFERENCES devices(id),
  forensic_path BLOB NOT NULL,
  stage TEXT NOT NULL,
  code TEXT NOT NULL,
  message TEXT NOT NULL,
  scan_id INTEGER REFERENCES scans(id),
  created_at TEXT NOT NULL,
  UNIQUE(device_id, forensic_path, stage));
CREATE TABLE completed_units(
  device_id INTEGER NOT NULL REFERENCES devices(id),
  unit_path BLOB NOT NULL,
  scan_id INTEGER REFERENCES scans(id),
  PRIMARY KEY(device_id, unit_path)) WITHOUT ROWID;
CREATE TABLE audit_log(
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  details TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
)sql";

// Perceptual hashes remember whether their image decoded only in part, and
// which decoders produced the pixels; matching looks them up by value.
constexpr std::string_view kV2 = R"sql(
ALTER TABLE fingerprints ADD COLUMN partial INTEGER NOT NULL DEFAULT 0;
ALTER TABLE fingerprints ADD COLUMN warning TEXT NOT NULL DEFAULT '';
ALTER TABLE fingerprints ADD COLUMN producer TEXT NOT NULL DEFAULT '';
CREATE INDEX fingerprints_by_value ON fingerprints(algorithm, value);
)sql";

// Known-material hash sets, their entries, the matches of contents against
// them, which sets each device was matched against, and the 7 other PDQ
// orientations of each image (matching after a scan needs no re-decode).
// Hashes are lower-case hex like contents; the indexes are partial, so
// entries without a given hash cost nothing in it.
constexpr std::string_view kV3 = R"sql(
CREATE TABLE hash_sets(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  agency TEXT NOT NULL DEFAULT '',
  kind TEXT NOT NULL CHECK(kind IN ('illegal', 'known-good', 'watch')),
  version TEXT NOT NULL DEFAULT '',
  imported_at TEXT NOT NULL,
  source_format TEXT NOT NULL DEFAULT '',
  category_scheme TEXT NOT NULL DEFAULT '',
  source_file BLOB NOT NULL DEFAULT '',
  entries INTEGER NOT NULL DEFAULT 0);
CREATE TABLE hash_entries(
  id INTEGER PRIMARY KEY,
  set_id INTEGER NOT NULL REFERENCES hash_sets(id),
  md5 TEXT, sha1 TEXT, sha256 TEXT, pdq TEXT,
  pdq_quality INTEGER,
  photodna TEXT NOT NULL DEFAULT '',
  category INTEGER,
  category_source TEXT NOT NULL DEFAULT '',
  series TEXT NOT NULL DEFAULT '',
  victim_identified INTEGER, offender_identified INTEGER, distributed INTEGER,
  tags TEXT NOT NULL DEFAULT '',
  comments TEXT NOT NULL DEFAULT '',
  source_ref TEXT,
  size INTEGER,
  mime_type TEXT NOT NULL DEFAULT '',
  name BLOB NOT NULL DEFAULT '');
CREATE INDEX hash_entries_by_md5 ON hash_entries(md5) WHERE md5 IS NOT NULL;
CREATE INDEX hash_entries_by_sha1 ON hash_entries(sha1) WHERE sha1 IS NOT NULL;
CREATE INDEX hash_entries_by_sha256 ON hash_entries(sha256) WHERE sha256 IS NOT NULL;
CREATE INDEX hash_entries_by_pdq ON hash_entries(pdq) WHERE pdq IS NOT NULL;
CREATE INDEX hash_entries_by_ref ON hash_entries(set_id, source_ref) WHERE source_ref IS NOT NULL;
CREATE TABLE matches(
  sha256 TEXT NOT NULL REFERENCES contents(sha256),
  entry_id INTEGER NOT NULL REFERENCES hash_entries(id),
  method TEXT NOT NULL,
  distance INTEGER NOT NULL DEFAULT 0,
  orientation TEXT NOT NULL DEFAULT '',
  PRIMARY KEY(sha256, entry_id, method)) WITHOUT ROWID;
CREATE INDEX matches_by_entry ON matches(entry_id);
CREATE TABLE device_matched_sets(
  device_id INTEGER NOT NULL REFERENCES devices(id),
  set_id INTEGER NOT NULL REFERENCES hash_sets(id),
  max_distance INTEGER NOT NULL,
  matched_at TEXT NOT NULL,
  PRIMARY KEY(device_id, set_id)) WITHOUT ROWID;
ALTER TABLE fingerprints ADD COLUMN variants TEXT NOT NULL DEFAULT '';
)sql";

// Messenger databases found on devices and what they hold (chats, members,
// messages, media with the SHA-256 the app recorded, invites, contacts), and
// identifiers found in text. Row ids are the source database's own; every
// child row names its database, so each fact keeps device, file and row.
constexpr std::string_view kV4 = R"sql(
CREATE TABLE chat_databases(
  id INTEGER PRIMARY KEY,
  device_id INTEGER NOT NULL REFERENCES devices(id),
  forensic_path BLOB NOT NULL,
  sha256 TEXT,
  app TEXT NOT NULL,
  kind TEXT NOT NULL,
  state TEXT NOT NULL,
  era TEXT NOT NULL DEFAULT '',
  schema_fingerprint TEXT NOT NULL DEFAULT '',
  tables_found TEXT NOT NULL DEFAULT '',
  sidecars TEXT NOT NULL DEFAULT '',
  warnings TEXT NOT NULL DEFAULT '',
  note TEXT NOT NULL DEFAULT '',
  owner_name TEXT NOT NULL DEFAULT '',
  owner_jid TEXT NOT NULL DEFAULT '',
  scan_id INTEGER REFERENCES scans(id),
  UNIQUE(device_id, forensic_path));
CREATE TABLE chats(
  db_id INTEGER NOT NULL REFERENCES chat_databases(id),
  row_id INTEGER NOT NULL,
  jid TEXT NOT NULL,
  lid_jid TEXT NOT NULL DEFAULT '',
  kind TEXT NOT NULL,
  subject TEXT NOT NULL DEFAULT '',
  created_ms INTEGER,
  creator_phone TEXT NOT NULL DEFAULT '',
  jid_created_ms INTEGER);
CREATE INDEX chats_by_db ON chats(db_id, jid);
CREATE INDEX chats_by_jid ON chats(jid);
CREATE TABLE chat_members(
  db_id INTEGER NOT NULL REFERENCES chat_databases(id),
  chat_jid TEXT NOT NULL,
  member_jid TEXT NOT NULL,
  lid_jid TEXT NOT NULL DEFAULT '',
  phone TEXT NOT NULL DEFAULT '',
  resolved_from_lid INTEGER NOT NULL DEFAULT 0,
  admin INTEGER,
  rank INTEGER);
CREATE INDEX chat_members_by_chat ON chat_members(db_id, chat_jid);
CREATE INDEX chat_members_by_phone ON chat_members(phone) WHERE phone <> '';
CREATE TABLE chat_messages(
  db_id INTEGER NOT NULL REFERENCES chat_databases(id),
  row_id INTEGER NOT NULL,
  chat_jid TEXT NOT NULL,
  key_id TEXT NOT NULL DEFAULT '',
  sender_jid TEXT NOT NULL DEFAULT '',
  sender_from_lid INTEGER NOT NULL DEFAULT 0,
  from_me INTEGER NOT NULL,
  timestamp_ms INTEGER,
  type INTEGER NOT NULL,
  status INTEGER,
  text TEXT NOT NULL DEFAULT '',
  text_truncated INTEGER NOT NULL DEFAULT 0,
  forwarded INTEGER NOT NULL DEFAULT 0,
  forward_score INTEGER,
  quoted_row_id INTEGER,
  quoted_key_id TEXT NOT NULL DEFAULT '',
  PRIMARY KEY(db_id, row_id)) WITHOUT ROWID;
CREATE INDEX chat_messages_by_chat ON chat_messages(chat_jid, timestamp_ms);
CREATE INDEX chat_messages_by_key ON chat_messages(key_id) WHERE key_id <> '';
CREATE TABLE chat_media(
  db_id INTEGER NOT NULL REFERENCES chat_databases(id),
  message_row_id INTEGER NOT NULL,
  chat_jid TEXT NOT NULL,
  sender_jid TEXT NOT NULL DEFAULT '',
  from_me INTEGER NOT NULL,
  timestamp_ms INTEGER,
  type INTEGER NOT NULL,
  file_path BLOB NOT NULL DEFAULT '',
  media_name TEXT NOT NULL DEFAULT '',
  mime_type TEXT NOT NULL DEFAULT '',
  size INTEGER,
  caption TEXT NOT NULL DEFAULT '',
  sha256 TEXT NOT NULL DEFAULT '',
  sha256_base64 TEXT NOT NULL DEFAULT '',
  enc_sha256 TEXT NOT NULL DEFAULT '',
  original_sha256 TEXT NOT NULL DEFAULT '');
CREATE INDEX chat_media_by_message ON chat_media(db_id, message_row_id);
CREATE INDEX chat_media_by_sha256 ON chat_media(sha256) WHERE sha256 <> '';
CREATE TABLE chat_invites(
  db_id INTEGER NOT NULL REFERENCES chat_databases(id),
  message_row_id INTEGER NOT NULL,
  chat_jid TEXT NOT NULL DEFAULT '',
  group_jid TEXT NOT NULL DEFAULT '',
  admin_jid TEXT NOT NULL DEFAULT '',
  group_name TEXT NOT NULL DEFAULT '',
  code TEXT NOT NULL,
  expiration INTEGER);
CREATE TABLE chat_contacts(
  db_id INTEGER NOT NULL REFERENCES chat_databases(id),
  jid TEXT NOT NULL,
  display_name TEXT NOT NULL DEFAULT '',
  wa_name TEXT NOT NULL DEFAULT '',
  number TEXT NOT NULL DEFAULT '');
CREATE TABLE identifiers(
  id INTEGER PRIMARY KEY,
  device_id INTEGER NOT NULL REFERENCES devices(id),
  forensic_path BLOB NOT NULL,
  location TEXT NOT NULL DEFAULT '',
  kind TEXT NOT NULL,
  value TEXT NOT NULL,
  raw TEXT NOT NULL DEFAULT '',
  offset INTEGER NOT NULL DEFAULT 0,
  scan_id INTEGER REFERENCES scans(id),
  UNIQUE(device_id, forensic_path, location, offset, kind, value));
CREATE INDEX identifiers_by_value ON identifiers(kind, value);
)sql";

constexpr std::string_view kV5 = R"sql(
ALTER TABLE files ADD COLUMN crtime INTEGER;
ALTER TABLE files ADD COLUMN inode INTEGER;
ALTER TABLE files ADD COLUMN allocation TEXT NOT NULL DEFAULT '';
CREATE TABLE disk_images(
  device_id INTEGER NOT NULL REFERENCES devices(id),
  forensic_path BLOB NOT NULL,
  format TEXT NOT NULL,
  media_size INTEGER NOT NULL,
  segments BLOB NOT NULL DEFAULT '',
  examiner TEXT NOT NULL DEFAULT '',
  case_number TEXT NOT NULL DEFAULT '',
  evidence_number TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  notes TEXT NOT NULL DEFAULT '',
  acquired_at TEXT NOT NULL DEFAULT '',
  acquisition_software TEXT NOT NULL DEFAULT '',
  stored_md5 TEXT NOT NULL DEFAULT '',
  stored_sha1 TEXT NOT NULL DEFAULT '',
  computed_md5 TEXT NOT NULL DEFAULT '',
  computed_sha1 TEXT NOT NULL DEFAULT '',
  integrity TEXT NOT NULL,
  integrity_detail TEXT NOT NULL DEFAULT '',
  volumes TEXT NOT NULL DEFAULT '',
  files INTEGER NOT NULL DEFAULT 0,
  deleted INTEGER NOT NULL DEFAULT 0,
  orphans INTEGER NOT NULL DEFAULT 0,
  carved INTEGER NOT NULL DEFAULT 0,
  scan_id INTEGER REFERENCES scans(id),
  recorded_at TEXT NOT NULL,
  PRIMARY KEY(device_id, forensic_path));
)sql";

// Video and audio: what each media file's container says, thumbnails of
// video frames, known video frames and recordings in hash sets, and where a
// video or audio match lies in both items.
constexpr std::string_view kV6 = R"sql(
CREATE TABLE media_info(
  sha256 TEXT PRIMARY KEY REFERENCES contents(sha256),
  container TEXT NOT NULL DEFAULT '',
  duration REAL,
  bit_rate INTEGER,
  creation_time TEXT NOT NULL DEFAULT '',
  make TEXT NOT NULL DEFAULT '',
  model TEXT NOT NULL DEFAULT '',
  location TEXT NOT NULL DEFAULT '',
  video_codec TEXT NOT NULL DEFAULT '',
  width INTEGER, height INTEGER,
  frame_rate REAL,
  frame_count INTEGER,
  rotation INTEGER,
  audio_codec TEXT NOT NULL DEFAULT '',
  sample_rate INTEGER, channels INTEGER,
  decoder TEXT NOT NULL DEFAULT '') WITHOUT ROWID;
CREATE TABLE thumbnails(
  sha256 TEXT NOT NULL REFERENCES contents(sha256),
  timestamp_ms INTEGER NOT NULL,
  width INTEGER NOT NULL,
  height INTEGER NOT NULL,
  jpeg BLOB NOT NULL,
  PRIMARY KEY(sha256, timestamp_ms)) WITHOUT ROWID;
ALTER TABLE hash_entries ADD COLUMN media_time REAL;
ALTER TABLE hash_entries ADD COLUMN chromaprint TEXT;
CREATE INDEX hash_entries_by_frame ON hash_entries(set_id, source_ref, media_time)
  WHERE media_time IS NOT NULL;
CREATE INDEX hash_entries_by_recording ON hash_entries(set_id, source_ref)
  WHERE chromaprint IS NOT NULL;
ALTER TABLE matches ADD COLUMN query_start REAL;
ALTER TABLE matches ADD COLUMN query_end REAL;
ALTER TABLE matches ADD COLUMN known_start REAL;
ALTER TABLE matches ADD COLUMN known_end REAL;
ALTER TABLE matches ADD COLUMN score REAL;
ALTER TABLE matches ADD COLUMN known_percent REAL;
)sql";

constexpr Migration kMigrations[] = {
    {1, "cases, devices, files, contents, metadata, fingerprints, errors, audit", kV1},
    {2, "fingerprints: partial flag, decoder warning and producer; index by value", kV2},
    {3, "hash sets, entries, matches, matched sets per device; PDQ orientations", kV3},
    {4, "chat databases (chats, members, messages, media, invites, contacts); identifiers", kV4},
    {5, "disk images (acquisition metadata, integrity); file creation time, inode, allocation",
     kV5},
    {6, "video and audio: media info, thumbnails, known frames and recordings, match spans", kV6},
};

}  // namespace

std::span<const Migration> Migrations() { return kMigrations; }

}  // namespace tantalio::sqlite
