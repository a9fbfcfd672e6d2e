#include "store/records.h"

#include <iterator>
#include <utility>

namespace tantalio {
namespace {

template <typename T>
void MoveAppend(std::vector<T>& from, std::vector<T>& to) {
  if (to.empty()) {
    to = std::move(from);
  } else {
    std::move(from.begin(), from.end(), std::back_inserter(to));
  }
  from.clear();
}

}  // namespace

bool IsMediaMethod(std::string_view method) {
  return method == kMethodVpdq || method == kMethodVpdqClip || method == kMethodAudio ||
         method == kMethodAudioClip;
}

bool IsHashSetKind(std::string_view kind) {
  return kind == kKindIllegal || kind == kKindKnownGood || kind == kKindWatch;
}

void ScanRecords::MergeFrom(ScanRecords&& other) {
  MoveAppend(other.contents, contents);
  MoveAppend(other.files, files);
  MoveAppend(other.metadata, metadata);
  MoveAppend(other.fingerprints, fingerprints);
  MoveAppend(other.errors, errors);
  MoveAppend(other.matches, matches);
  MoveAppend(other.completed_units, completed_units);
  MoveAppend(other.chat_databases, chat_databases);
  MoveAppend(other.identifiers, identifiers);
  MoveAppend(other.disk_images, disk_images);
  MoveAppend(other.media, media);
  MoveAppend(other.thumbnails, thumbnails);
}

size_t ScanRecords::ChatRowCount() const {
  size_t rows = 0;
  for (const ChatDatabaseRecord& db : chat_databases) {
    const artifacts::WhatsAppExtract& x = db.extract;
    rows += 1 + x.chats.size() + x.participants.size() + x.messages.size() + x.media.size() +
            x.invites.size() + x.contacts.size();
  }
  return rows;
}

}  // namespace tantalio
