// A small, benign demo investigation: four seized "devices" as folders, with
// procedurally generated photos (with EXIF camera serials and GPS), documents,
// files renamed with the wrong extension, nested zip and tar archives, an
// encrypted archive entry, the same photos on two devices, and WhatsApp
// databases on the two phones (fictional people; a group, an invite link, a
// known image posted by one phone's owner and forwarded by the other's), and a
// USB stick as a raw FAT image with a deleted known photo and another in free
// space; and videos and voice notes: a re-encode and a clip of a known video,
// part of its soundtrack in a voice note, and a video nobody has seen.
//
// Nothing here depicts anything: the images are gradients and discs.
#ifndef TANTALIO_DEMO_DEMO_EVIDENCE_H_
#define TANTALIO_DEMO_DEMO_EVIDENCE_H_

#include <string>
#include <vector>

#include "base/status.h"

namespace tantalio {

struct DemoDevice {
  std::string label;    // e.g. "phone1"
  std::string fs_path;  // the folder that holds its evidence
};

struct DemoEvidence {
  std::vector<DemoDevice> devices;
  // A VICS 2.0 hash set of "known" originals, as another agency would send
  // it: one photo by its digests (exact copies on both devices), one by
  // digests and PDQ (a resized, re-compressed copy on the laptop), one chat
  // image by PDQ only (rotated and mirrored copies on the laptop).
  std::string reference_set;
  // A hashdeep known-good set (like NSRL): the demo's harmless documents.
  std::string known_good_set;
  // A known video as vPDQ frames (the hash-set vPDQ form) and its
  // soundtrack's Chromaprint fingerprint (CSV): phone1 holds a re-encode,
  // phone2 a 10-second clip and a voice note with part of the soundtrack.
  std::string video_set;
  std::string audio_set;
};

// Writes the demo evidence and its hash sets under `dir` (created if needed;
// files written before by this function are replaced). Deterministic: the
// same bytes every time.
Result<DemoEvidence> GenerateDemoEvidence(const std::string& dir);

// Archive writing for fixtures: `entries` as (name, bytes) pairs.
enum class DemoArchiveFormat { kZip, kTar, kTarGz, kTarBz2, kTarXz, kTarZstd, k7z };
struct ArchiveMember {
  std::string name;
  std::vector<uint8_t> bytes;
  bool encrypt = false;  // zip only: ZipCrypto with the passphrase "demo"
};
Result<std::vector<uint8_t>> WriteArchive(DemoArchiveFormat format,
                                          const std::vector<ArchiveMember>& members);

}  // namespace tantalio

#endif  // TANTALIO_DEMO_DEMO_EVIDENCE_H_
