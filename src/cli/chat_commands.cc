// tantalio chats | messages | identifiers | who-sent | links
//
// What the messenger databases and the text on a case's devices say: chats
// and groups, their messages, identifiers, who sent known material where and
// when, and what ties the devices together. Every row names its evidence:
// device, database (forensic path) and row id.
#include <algorithm>
#include <cctype>
#include <map>

#include "base/forensic_path.h"
#include "base/hex.h"
#include "base/utc_time.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "link/media_postings.h"

namespace tantalio::cli {
namespace {

Cell Time(const std::optional<int64_t>& ms) {
  return ms ? Cell::Text(IsoUtcFromMillis(*ms)) : Cell::Null();
}
Cell TextOrNull(const std::string& v) { return v.empty() ? Cell::Null() : Cell::Text(v); }
Cell OptionalNumber(const std::optional<int64_t>& v) { return v ? Cell::Number(*v) : Cell::Null(); }

// A phone JID as people read it: "+447700900001"; other JIDs as they are.
std::string Person(const std::string& jid) {
  const size_t at = jid.find('@');
  if (at != std::string::npos && jid.compare(at, std::string::npos, "@s.whatsapp.net") == 0) {
    const size_t colon = jid.find(':');
    return "+" + jid.substr(0, std::min(at, colon));
  }
  return jid;
}

// "+447700900001", "+447700900001 (inferred owner)", or "(device owner,
// number unknown)".
std::string Sender(const std::string& jid, bool inferred, bool from_me) {
  if (jid.empty()) return from_me ? "(device owner, number unknown)" : "";
  return Person(jid) + (inferred ? " (device owner, inferred)" : "");
}

std::string Evidence(const ChatEvidence& e) {
  return e.device + ":" + e.database + " row " + std::to_string(e.row_id);
}

struct ChatArgs {
  std::string case_name, device, chat, kind, hash_set, sha256, format = "table";
  int category = -1;
};

std::shared_ptr<ChatArgs> AddCaseOptions(CLI::App* cmd) {
  auto args = std::make_shared<ChatArgs>();
  cmd->add_option("--case", args->case_name, "Case name")->required();
  cmd->add_option("--format", args->format, "table, csv or json (one object per line)");
  return args;
}

// What every command here opens first.
struct OpenedCase {
  OutputFormat format = OutputFormat::kTable;
  std::unique_ptr<Store> store;
  CaseInfo info;
};

Result<OpenedCase> OpenCase(const Context& context, const ChatArgs& args) {
  OpenedCase opened;
  TANTALIO_ASSIGN_OR_RETURN(opened.format, ParseOutputFormat(args.format));
  TANTALIO_ASSIGN_OR_RETURN(opened.store, context.OpenStore());
  TANTALIO_ASSIGN_OR_RETURN(opened.info, opened.store->FindCase(args.case_name));
  return opened;
}

// "phone1: data/msgstore.db android_msgstore (current), parsed: 2 chats, ...".
std::string DescribeDatabase(const ChatDatabaseRow& db) {
  std::string out = db.device + "  " + EscapeForDisplay(db.forensic_path) + "  " + db.kind +
                    (db.era.empty() ? "" : " (" + db.era + ")") + ", " + db.state;
  if (db.state == kChatDbParsed) {
    out += ": " + Count(db.chats) + " chats, " + Count(db.messages) + " messages, " +
           Count(db.media) + " media, " + Count(db.contacts) + " contacts; owner " +
           (db.owner_jid.empty() ? "unknown"
                                 : Person(db.owner_jid) + (db.owner_inferred ? " (inferred)" : ""));
  }
  if (db.warnings > 0) out += "; " + std::to_string(db.warnings) + " reader warnings";
  if (!db.note.empty()) out += "; " + db.note;
  return out;
}

// Known-material postings grouped by media hash, each traced in time order.
Result<std::map<std::string, std::vector<ChatMediaRow>>> MediaByHash(Store& store, int64_t case_id,
                                                                     const MediaFilter& filter) {
  std::map<std::string, std::vector<ChatMediaRow>> by_hash;
  TANTALIO_RETURN_IF_ERROR(store.ForEachChatMedia(case_id, filter, [&](const ChatMediaRow& r) {
    by_hash[r.sha256].push_back(r);
    return true;
  }));
  return by_hash;
}

std::string Joined(const std::vector<std::string>& parts, const char* separator = ", ") {
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : separator) + p;
  return out;
}

}  // namespace

Status PrintChatBriefing(std::ostream& out, Store& store, const CaseInfo& c) {
  TANTALIO_ASSIGN_OR_RETURN(auto databases, store.ListChatDatabases(c.id, std::nullopt));
  out << "\nMessenger databases: " << databases.size() << "\n";
  for (const ChatDatabaseRow& db : databases) out << "  " << DescribeDatabase(db) << "\n";
  if (databases.empty()) return Status::Ok();

  // The chain an investigator follows: invite link -> group -> members.
  std::vector<IdentifierRow> invites;
  TANTALIO_RETURN_IF_ERROR(store.ForEachIdentifier(c.id, "invite", [&](const IdentifierRow& r) {
    invites.push_back(r);
    return true;
  }));
  std::map<std::string, std::vector<ChatRow>> groups;
  TANTALIO_RETURN_IF_ERROR(store.ForEachChat(c.id, std::nullopt, [&](const ChatRow& r) {
    if (r.chat.kind == artifacts::ChatKind::kGroup) groups[r.chat.jid].push_back(r);
    return true;
  }));
  out << "\nGroup invite links: " << invites.size() << "\n";
  for (const IdentifierRow& invite : invites) {
    out << "  " << invite.value << "  on " << Joined(invite.devices) << " (" << invite.occurrences
        << " times)\n";
    if (invite.detail.empty()) continue;
    const std::string group_jid = invite.detail.substr(0, invite.detail.find(' '));
    out << "    opens group " << invite.detail << "\n";
    auto group = groups.find(group_jid);
    if (group == groups.end()) continue;
    std::vector<std::string> devices, members;
    for (const ChatRow& row : group->second) {
      devices.push_back(row.evidence.device);
      for (const std::string& m : row.members) {
        if (std::find(members.begin(), members.end(), Person(m)) == members.end()) {
          members.push_back(Person(m));
        }
      }
    }
    std::sort(members.begin(), members.end());
    out << "    the group is on " << Joined(devices) << "; members " << Joined(members) << "\n";
  }

  // Then who posted known material first, and who passed it on.
  TANTALIO_ASSIGN_OR_RETURN(auto by_hash, MediaByHash(store, c.id, MediaFilter{}));
  out << "\nKnown material sent in chats (by the media hash the app recorded; the file "
         "need not exist): "
      << by_hash.size() << " media\n";
  for (const auto& [sha256, rows] : by_hash) {
    const ChatMediaRow& first = rows.front();
    out << "  " << sha256.substr(0, 16) << "  [" << first.hash_set
        << (first.category ? ", category " + std::to_string(*first.category) : "") << "]  "
        << Count(first.files_in_case) << " files with this hash in the case\n";
    for (const MediaPosting& p : TracePostings(rows)) {
      std::vector<std::string> copies;
      for (const ChatEvidence& e : p.copies) copies.push_back(Evidence(e));
      out << "    " << (p.timestamp_ms ? IsoUtcFromMillis(*p.timestamp_ms) : "time unknown") << "  "
          << Sender(p.sender, p.sender_inferred, p.sender.empty())
          << (p.sender_claimed_name.empty() ? "" : " '" + p.sender_claimed_name + "'") << "  in "
          << (p.chat_subject.empty() ? p.chat_jid : "\"" + p.chat_subject + "\"") << "  "
          << PostingRoleName(p.role) << "\n      evidence: " << Joined(copies, "; ") << "\n";
    }
  }
  return Status::Ok();
}

void RegisterChatCommands(CLI::App& app, Context& context, Action& action) {
  CLI::App* chats = app.add_subcommand(
      "chats", "List the messenger databases and their chats and groups, per device");
  auto chat_args = AddCaseOptions(chats);
  chats->add_option("--device", chat_args->device, "Only this device");
  chats->callback([&context, &action, chat_args] {
    action = [&context, chat_args]() -> Status {
      TANTALIO_ASSIGN_OR_RETURN(OpenedCase opened, OpenCase(context, *chat_args));
      auto& [format, store, case_info] = opened;
      std::optional<int64_t> device_id;
      if (!chat_args->device.empty()) {
        TANTALIO_ASSIGN_OR_RETURN(DeviceInfo d, store->FindDevice(case_info.id, chat_args->device));
        device_id = d.id;
      }
      TANTALIO_ASSIGN_OR_RETURN(auto databases, store->ListChatDatabases(case_info.id, device_id));
      for (const ChatDatabaseRow& db : databases) context.err << DescribeDatabase(db) << "\n";
      if (databases.empty()) context.err << "no messenger databases found in this case\n";
      TableWriter table(context.out, format,
                        {"device", "database", "row", "kind", "jid", "subject", "members",
                         "messages", "media", "first", "last", "created", "creator"});
      return store->ForEachChat(case_info.id, device_id, [&](const ChatRow& r) {
        const artifacts::Chat& c = r.chat;
        table.Row({Cell::Text(r.evidence.device), Cell::Text(r.evidence.database),
                   Cell::Number(r.evidence.row_id), Cell::Text(artifacts::ChatKindName(c.kind)),
                   Cell::Text(c.jid), TextOrNull(c.subject),
                   Cell::Number(static_cast<int64_t>(r.members.size())),
                   Cell::Number(static_cast<int64_t>(r.messages)),
                   Cell::Number(static_cast<int64_t>(r.media)), Time(r.first_ms), Time(r.last_ms),
                   Time(c.created_ms ? c.created_ms : c.jid_created_ms),
                   c.creator_phone_digits.empty() ? Cell::Null()
                                                  : Cell::Text("+" + c.creator_phone_digits)});
        return true;
      });
    };
  });

  CLI::App* messages = app.add_subcommand(
      "messages", "The messages of one chat or group, from every device that holds it, by time");
  auto message_args = AddCaseOptions(messages);
  messages->add_option("--chat", message_args->chat, "Chat JID, e.g. 120363...@g.us")->required();
  messages->callback([&context, &action, message_args] {
    action = [&context, message_args]() -> Status {
      TANTALIO_ASSIGN_OR_RETURN(OpenedCase opened, OpenCase(context, *message_args));
      auto& [format, store, case_info] = opened;
      TableWriter table(context.out, format,
                        {"time", "device", "database", "row", "sender", "sender_name_claimed",
                         "direction", "type", "forwarded", "forward_score", "text", "media_sha256",
                         "known_material", "key_id"});
      TANTALIO_RETURN_IF_ERROR(
          store->ForEachChatMessage(case_info.id, message_args->chat, [&](const ChatMessageRow& r) {
            const artifacts::Message& m = r.message;
            std::string known;
            if (r.known) {
              known = r.category ? "category " + std::to_string(*r.category) : "uncategorised";
            }
            table.Row({Time(m.timestamp_ms), Cell::Text(r.evidence.device),
                       Cell::Text(r.evidence.database), Cell::Number(r.evidence.row_id),
                       TextOrNull(Sender(r.sender, r.sender_inferred, m.from_me)),
                       TextOrNull(r.sender_claimed_name),
                       Cell::Text(m.from_me ? "sent" : "received"), Cell::Number(m.type),
                       Cell::Bool(m.forwarded), OptionalNumber(m.forward_score), TextOrNull(m.text),
                       TextOrNull(r.media_sha256), TextOrNull(known), TextOrNull(m.key_id)});
            return true;
          }));
      if (table.rows() == 0) {
        return NotFoundError("no messages of chat '" + message_args->chat +
                             "' in this case (tantalio chats lists the chats)");
      }
      return Status::Ok();
    };
  });

  CLI::App* identifiers = app.add_subcommand(
      "identifiers",
      "Phone numbers, e-mail addresses, URLs, onion hosts and invite links found in text and\n"
      "chat databases, with the devices that hold each; those on most devices first");
  auto id_args = AddCaseOptions(identifiers);
  identifiers
      ->add_option("--kind", id_args->kind, "phone, email, url, onion, invite, wa.me or t.me")
      ->check(CLI::IsMember({"phone", "email", "url", "onion", "invite", "wa.me", "t.me"}));
  identifiers->callback([&context, &action, id_args] {
    action = [&context, id_args]() -> Status {
      TANTALIO_ASSIGN_OR_RETURN(OpenedCase opened, OpenCase(context, *id_args));
      auto& [format, store, case_info] = opened;
      TableWriter table(
          context.out, format,
          {"kind", "value", "devices", "device_count", "occurrences", "first_seen", "opens_group"});
      return store->ForEachIdentifier(case_info.id, id_args->kind, [&](const IdentifierRow& r) {
        table.Row({Cell::Text(r.kind), Cell::Text(r.value), Cell::Text(Joined(r.devices, ",")),
                   Cell::Number(static_cast<int64_t>(r.devices.size())),
                   Cell::Number(static_cast<int64_t>(r.occurrences)), Cell::Text(r.example),
                   TextOrNull(r.detail)});
        return true;
      });
    };
  });

  CLI::App* who_sent = app.add_subcommand(
      "who-sent",
      "Who sent known material, into which chats, when: every media message whose SHA-256 (as\n"
      "the app recorded it) matches an illegal or watch set, even when the file is gone.\n"
      "With --sha256: every posting of that media, with the first poster (candidate producer)\n"
      "and the forwarders (candidate distributors).");
  auto sent_args = AddCaseOptions(who_sent);
  who_sent->add_option("--hashset", sent_args->hash_set, "Only media matching this set");
  who_sent->add_option("--category", sent_args->category, "Only media in this category")
      ->check(CLI::Range(0, 99));
  who_sent->add_option("--sha256", sent_args->sha256, "Trace this media hash (64 hex)");
  who_sent->callback([&context, &action, sent_args] {
    action = [&context, sent_args]() -> Status {
      MediaFilter filter;
      filter.hash_set = sent_args->hash_set;
      if (sent_args->category >= 0) filter.category = sent_args->category;
      if (!sent_args->sha256.empty()) {
        filter.sha256 = sent_args->sha256;
        for (char& c : filter.sha256)
          c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (!IsHex(filter.sha256, 64)) {
          return InvalidArgumentError("--sha256 must be 64 hex digits, got '" + sent_args->sha256 +
                                      "'");
        }
      }
      TANTALIO_ASSIGN_OR_RETURN(OpenedCase opened, OpenCase(context, *sent_args));
      auto& [format, store, case_info] = opened;
      if (!filter.hash_set.empty()) {
        TANTALIO_RETURN_IF_ERROR(store->FindHashSet(filter.hash_set).status());
      }
      TANTALIO_ASSIGN_OR_RETURN(auto by_hash, MediaByHash(*store, case_info.id, filter));
      TableWriter table(context.out, format,
                        {"sha256", "role", "time", "sender", "sender_name_claimed", "chat",
                         "chat_subject", "forwarded", "forward_score", "hash_set", "category",
                         "files_in_case", "copies", "evidence"});
      uint64_t postings = 0, rows = 0;
      for (const auto& [sha256, media_rows] : by_hash) {
        rows += media_rows.size();
        const ChatMediaRow& first = media_rows.front();
        for (const MediaPosting& p : TracePostings(media_rows)) {
          ++postings;
          std::vector<std::string> copies;
          for (const ChatEvidence& e : p.copies) copies.push_back(Evidence(e));
          table.Row({Cell::Text(sha256), Cell::Text(PostingRoleName(p.role)), Time(p.timestamp_ms),
                     TextOrNull(Sender(p.sender, p.sender_inferred, p.sender.empty())),
                     TextOrNull(p.sender_claimed_name), Cell::Text(p.chat_jid),
                     TextOrNull(p.chat_subject), Cell::Bool(p.forwarded),
                     OptionalNumber(p.forward_score), TextOrNull(first.hash_set),
                     first.category ? Cell::Number(*first.category) : Cell::Null(),
                     Cell::Number(static_cast<int64_t>(first.files_in_case)),
                     Cell::Number(static_cast<int64_t>(p.copies.size())),
                     Cell::Text(Joined(copies, "; "))});
        }
      }
      context.err << Count(by_hash.size()) << " media hashes, " << Count(postings) << " postings, "
                  << Count(rows) << " message rows";
      if (filter.sha256.empty()) context.err << " of known material";
      context.err << "\n";
      return Status::Ok();
    };
  });

  CLI::App* links = app.add_subcommand(
      "links",
      "What ties the case's devices together: groups, media and identifiers found on two or\n"
      "more devices, and numbers that are members of two or more groups");
  auto link_args = AddCaseOptions(links);
  links->callback([&context, &action, link_args] {
    action = [&context, link_args]() -> Status {
      TANTALIO_ASSIGN_OR_RETURN(OpenedCase opened, OpenCase(context, *link_args));
      auto& [format, store, case_info] = opened;
      TANTALIO_ASSIGN_OR_RETURN(auto found, store->CrossDeviceLinks(case_info.id));
      TableWriter table(context.out, format, {"link", "value", "detail", "count", "seen_on"});
      std::map<std::string, uint64_t> per_kind;
      for (const CrossDeviceLink& l : found) {
        table.Row({Cell::Text(l.what), Cell::Text(l.what == "member" ? Person(l.value) : l.value),
                   TextOrNull(l.detail), Cell::Number(static_cast<int64_t>(l.devices.size())),
                   Cell::Text(Joined(l.devices, ","))});
        ++per_kind[l.what];
      }
      context.err << "cross-device links:";
      for (const char* kind : {"group", "media", "identifier", "member"}) {
        context.err << " " << per_kind[kind] << " " << kind << (per_kind[kind] == 1 ? "" : "s");
      }
      context.err << " (a member row lists the groups a number is in)\n";
      return Status::Ok();
    };
  });
}

}  // namespace tantalio::cli
