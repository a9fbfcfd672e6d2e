#!/usr/bin/env python3
"""Writes a synthetic current-era Android WhatsApp msgstore.db for benchmarks.

Tables and columns follow the 2026-05 fixture (specs/whatsapp.md section 4 and
samples/whatsapp/android_2026-05_chat-history-manager/msgstore.sql) for the
columns the reader uses, plus the indexes WhatsApp creates: jid, jid_map,
chat, message, message_media, message_forwarded, message_quoted,
group_participant_user, message_group_invite, props.

N messages (default 1,000,000), M media rows (default 100,000), a few hundred
chats (1:1 chats, groups, some LID-resolved), fictional numbers only (UK
07700 900xxx drama range and US 555-01xx, extended with synthetic digits),
base64 SHA-256 file_hash / enc_file_hash values, deterministic (seeded).
Everything is inserted with executemany in one transaction.

usage: gen_msgstore.py OUT [N] [M]
"""
import base64
import hashlib
import os
import random
import sqlite3
import sys

SCHEMA = """
CREATE TABLE jid (_id INTEGER PRIMARY KEY AUTOINCREMENT, user TEXT NOT NULL, server TEXT NOT NULL,
  agent INTEGER, device INTEGER, type INTEGER, raw_string TEXT);
CREATE UNIQUE INDEX jid_key_index ON jid (user, server, agent, device);
CREATE TABLE jid_map (lid_row_id INTEGER PRIMARY KEY, jid_row_id INTEGER, sort_id INTEGER);
CREATE TABLE chat (_id INTEGER PRIMARY KEY AUTOINCREMENT, jid_row_id INTEGER UNIQUE,
  hidden INTEGER, subject TEXT, created_timestamp INTEGER, display_message_row_id INTEGER,
  last_message_row_id INTEGER, archived INTEGER, sort_timestamp INTEGER,
  group_type INTEGER NOT NULL DEFAULT 0);
CREATE TABLE message (_id INTEGER PRIMARY KEY AUTOINCREMENT, chat_row_id INTEGER NOT NULL,
  from_me INTEGER NOT NULL, key_id TEXT NOT NULL, sender_jid_row_id INTEGER, status INTEGER,
  broadcast INTEGER, recipient_count INTEGER, participant_hash TEXT, origination_flags INTEGER,
  origin INTEGER, timestamp INTEGER, received_timestamp INTEGER, receipt_server_timestamp INTEGER,
  message_type INTEGER, text_data TEXT, starred INTEGER, lookup_tables INTEGER,
  sort_id INTEGER NOT NULL DEFAULT 0, message_add_on_flags INTEGER, view_mode INTEGER,
  translated_text TEXT, view_replies_thread_id INTEGER, server_sts INTEGER);
CREATE UNIQUE INDEX message_key_index ON message (chat_row_id, from_me, key_id, sender_jid_row_id);
CREATE INDEX message_sort_id_index ON message (sort_id);
CREATE TABLE message_media (message_row_id INTEGER PRIMARY KEY, chat_row_id INTEGER,
  autotransfer_retry_enabled INTEGER, multicast_id TEXT, media_job_uuid TEXT,
  transferred INTEGER, transcoded INTEGER, file_path TEXT, file_size INTEGER,
  suspicious_content INTEGER, media_key BLOB, media_key_timestamp INTEGER, width INTEGER,
  height INTEGER, direct_path TEXT, message_url TEXT, mime_type TEXT, file_length INTEGER,
  media_name TEXT, file_hash TEXT, media_duration INTEGER, page_count INTEGER,
  enc_file_hash TEXT, partial_media_hash TEXT, partial_media_enc_hash TEXT,
  is_animated_sticker INTEGER, original_file_hash TEXT, mute_video INTEGER DEFAULT 0,
  media_caption TEXT);
CREATE INDEX message_media_hash_index ON message_media (file_hash);
CREATE INDEX message_media_original_hash_index ON message_media (original_file_hash);
CREATE TABLE message_forwarded (message_row_id INTEGER PRIMARY KEY, forward_score INTEGER,
  forward_origin INTEGER);
CREATE TABLE message_quoted (message_row_id INTEGER PRIMARY KEY AUTOINCREMENT,
  chat_row_id INTEGER NOT NULL, parent_message_chat_row_id INTEGER NOT NULL,
  from_me INTEGER NOT NULL, sender_jid_row_id INTEGER, key_id TEXT NOT NULL, timestamp INTEGER,
  message_type INTEGER, origin INTEGER, text_data TEXT, payment_transaction_id TEXT,
  lookup_tables INTEGER, quoted_source INTEGER, quoted_type INTEGER);
CREATE TABLE group_participant_user (_id INTEGER PRIMARY KEY AUTOINCREMENT,
  group_jid_row_id INTEGER NOT NULL, user_jid_row_id INTEGER NOT NULL, rank INTEGER,
  pending INTEGER);
CREATE UNIQUE INDEX group_participant_user_index ON group_participant_user
  (group_jid_row_id, user_jid_row_id);
CREATE TABLE message_group_invite (message_row_id INTEGER PRIMARY KEY,
  group_jid_row_id INTEGER, admin_jid_row_id INTEGER, group_name TEXT, invite_code TEXT,
  expiration INTEGER, invite_time INTEGER, expired INTEGER);
CREATE TABLE props (_id INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT UNIQUE, value TEXT);
"""

WORDS = ("ok see you at the station tomorrow call me later did you get the photo where are "
         "we meeting send the file please thanks lol yes no maybe tonight weekend the car "
         "is outside running late new number group link price").split()
MIMES = [("image/jpeg", 0.7, 1, "Media/WhatsApp Images/IMG-2024{:04d}-WA{:04d}.jpg"),
         ("video/mp4", 0.15, 3, "Media/WhatsApp Video/VID-2024{:04d}-WA{:04d}.mp4"),
         ("audio/ogg; codecs=opus", 0.1, 2, "Media/WhatsApp Voice Notes/PTT-2024{:04d}-WA{:04d}.opus"),
         ("application/pdf", 0.05, 9, "Media/WhatsApp Documents/DOC-2024{:04d}-WA{:04d}.pdf")]


def b64sha(seed):
    return base64.b64encode(hashlib.sha256(seed).digest()).decode()


def main():
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    m = int(sys.argv[3]) if len(sys.argv) > 3 else 100_000
    rng = random.Random(7)
    for suffix in ("", "-wal", "-shm", "-journal"):
        if os.path.exists(out + suffix):
            os.remove(out + suffix)
    db = sqlite3.connect(out)
    db.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA page_size = 4096;")
    db.executescript(SCHEMA)
    db.execute("BEGIN")
    db.execute("INSERT INTO props (key, value) VALUES ('user_push_name', 'Bench Owner')")

    # Identities: 2,000 contacts (UK drama range / US 555-01xx extended with
    # synthetic digits), 100 groups, 200 LIDs of which 150 map to a contact.
    jids = []
    contacts = []
    for i in range(2000):
        if i % 2 == 0:
            user = "4477009%05d" % i
        else:
            user = "1202555%04d%02d" % (100 + (i // 2) % 100, (i // 2) // 100)
        jids.append((user, "s.whatsapp.net", 0, 0, 0, user + "@s.whatsapp.net"))
        contacts.append(len(jids))
    groups = []
    for i in range(100):
        user = "120363%012d" % (rng.randrange(10**12))
        jids.append((user, "g.us", 0, 0, 1, user + "@g.us"))
        groups.append(len(jids))
    lids = []
    for i in range(200):
        user = "%015d" % (100000000000000 + i * 7919)
        jids.append((user, "lid", 0, 0, 0, user + "@lid"))
        lids.append(len(jids))
    jids.append(("status", "broadcast", 0, 0, 11, "status@broadcast"))
    status_jid = len(jids)
    db.executemany("INSERT INTO jid (user, server, agent, device, type, raw_string) "
                   "VALUES (?, ?, ?, ?, ?, ?)", jids)
    db.executemany("INSERT INTO jid_map VALUES (?, ?, ?)",
                   [(lids[i], contacts[i * 3], i) for i in range(150)])

    # Chats: 300 1:1 chats (50 through a LID), 100 groups, status.
    chat_jids = contacts[:250] + lids[:50] + groups + [status_jid]
    chats = []
    for k, jid_row in enumerate(chat_jids):
        is_group = jid_row in groups
        chats.append((jid_row, 0, "Group %d" % k if is_group else None,
                      1600000000000 + k * 86400000 if is_group else None, 0, 0, 0))
    db.executemany("INSERT INTO chat (jid_row_id, hidden, subject, created_timestamp, archived, "
                   "sort_timestamp, group_type) VALUES (?, ?, ?, ?, ?, ?, ?)", chats)
    group_chat_rows = [k + 1 for k, j in enumerate(chat_jids) if j in groups]
    members = {}
    participants = []
    for g in groups:
        ms = rng.sample(contacts[:1500] + lids[:200], 30)
        members[g] = ms
        for r, u in enumerate(ms):
            participants.append((g, u, 2 if r == 0 else 0, 0))
    db.executemany("INSERT INTO group_participant_user (group_jid_row_id, user_jid_row_id, rank, "
                   "pending) VALUES (?, ?, ?, ?)", participants)

    # Messages; every (n // m)-th is a media message (M rows in all).
    media_every = max(1, n // m) if m else 0
    ts = 1700000000000
    batch, media, forwarded, quoted, invites = [], [], [], [], []
    n_chats = len(chat_jids)

    def flush():
        db.executemany("INSERT INTO message (_id, chat_row_id, from_me, key_id, sender_jid_row_id, "
                       "status, broadcast, recipient_count, origination_flags, origin, timestamp, "
                       "received_timestamp, message_type, text_data, starred, lookup_tables, "
                       "sort_id) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, 0, ?, ?, ?, ?, 0, 0, ?)", batch)
        batch.clear()

    for i in range(1, n + 1):
        chat_row = 1 + (i * 7919) % n_chats
        jid_row = chat_jids[chat_row - 1]
        is_group = jid_row in members
        from_me = 1 if rng.random() < 0.4 else 0
        sender = rng.choice(members[jid_row]) if is_group and not from_me else None
        ts += rng.randrange(1000, 60000)
        key_id = "3EB0%016X" % i
        is_media = media_every and i % media_every == 0 and len(media) < m
        if is_media:
            kind = rng.random()
            acc = 0.0
            for mime, share, mtype, path in MIMES:
                acc += share
                if kind <= acc:
                    break
            text = None
            media.append((i, chat_row, 1, path.format(i % 10000, i % 9999), rng.randrange(20000, 5000000),
                          rng.randbytes(32), ts // 1000, rng.randrange(100, 4000),
                          rng.randrange(100, 4000), "/v/t62.7118-24/%d" % i,
                          "https://mmg.whatsapp.net/v/t62/%d" % i, mime,
                          "DOC-%d.pdf" % i if mtype == 9 else None,
                          b64sha(b"plain%d" % (i % (m // 2 + 1))), b64sha(b"enc%d" % i),
                          "caption %d" % i if rng.random() < 0.2 else None))
        else:
            mtype = 0
            words = rng.randrange(2, 25)
            text = " ".join(rng.choice(WORDS) for _ in range(words))
            if i % 97 == 0:
                text += " 07700 900%03d" % (i % 1000)
            if i % 211 == 0:
                text += " https://chat.whatsapp.com/AbCdEfGhIjKlMn%08d" % (i % 10**8)
        batch.append((i, chat_row, from_me, key_id, sender, 13 if from_me else 0,
                      len(members[jid_row]) if is_group else 0, 1 if i % 50 == 0 else 0, ts,
                      ts + 1500, mtype, text, i))
        if i % 40 == 0:
            forwarded.append((i, rng.randrange(1, 10), 0))
        if i % 25 == 0 and i > 1:
            quoted.append((i, chat_row, chat_row, 0, None, "3EB0%016X" % (i - 1), ts - 1000, 0,
                           0, "quoted text"))
        if i % 5000 == 0 and group_chat_rows:
            g = rng.choice(groups)
            invites.append((i, g, members[g][0], "Group", "AbCdEfGhIjKlMn%08d" % i,
                            1800000000, ts // 1000, 0))
        if len(batch) >= 50000:
            flush()
    if batch:
        flush()
    db.executemany("INSERT INTO message_media (message_row_id, chat_row_id, transferred, file_path, "
                   "file_size, media_key, media_key_timestamp, width, height, direct_path, "
                   "message_url, mime_type, media_name, file_hash, enc_file_hash, media_caption) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", media)
    db.executemany("INSERT INTO message_forwarded VALUES (?, ?, ?)", forwarded)
    db.executemany("INSERT INTO message_quoted (message_row_id, chat_row_id, "
                   "parent_message_chat_row_id, from_me, sender_jid_row_id, key_id, timestamp, "
                   "message_type, origin, text_data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", quoted)
    db.executemany("INSERT INTO message_group_invite VALUES (?, ?, ?, ?, ?, ?, ?, ?)", invites)
    db.commit()
    db.close()
    print("%s: %d messages, %d media, %d chats, %d MB" %
          (out, n, len(media), n_chats, os.path.getsize(out) >> 20))


if __name__ == "__main__":
    main()
