#include "demo/demo_media.h"

#include <filesystem>
#include <fstream>

#include "fingerprint/audio_fingerprint.h"
#include "fingerprint/vpdq.h"
#include "formats/hash_set_export.h"
#include "media/media_file.h"
#include "media/synthetic_media.h"

namespace tantalio::demo {
namespace {

namespace fs = std::filesystem;

constexpr uint64_t kKnownSeed = 4200;

Result<std::unique_ptr<MediaFile>> OpenMedia(const std::string& path) {
  TANTALIO_ASSIGN_OR_RETURN(auto input, MediaInputFromFile(path));
  return MediaFile::Open(std::move(input), fs::path(path).filename().string());
}

Status WriteVideo(const SyntheticVideoSpec& spec, const fs::path& path) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  return WriteSyntheticVideo(spec, path.string()).WithContext("demo video " + path.string());
}

// Writes `entries` as a hash set file in `format`.
Status WriteSet(formats::HashSetFormat format, const std::string& name, const std::string& path,
                const std::vector<formats::HashSetEntry>& entries) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return IoError("cannot write " + path);
  formats::ExportHeader header;
  header.set_name = name;
  header.agency = "Demo Reference Agency";
  header.tool_version = "tantalio demo";
  TANTALIO_ASSIGN_OR_RETURN(auto writer, formats::NewHashSetWriter(format, out, header));
  for (const auto& entry : entries) TANTALIO_RETURN_IF_ERROR(writer->Write(entry));
  return writer->Finish();
}

// The known video's vPDQ frames and its soundtrack's fingerprint, as the
// agency that holds the video would publish them.
Status WriteKnownSets(const DemoMediaPaths& paths) {
  std::vector<formats::HashSetEntry> frames;
  {
    TANTALIO_ASSIGN_OR_RETURN(auto file, OpenMedia(paths.known_video));
    PdqHasher hasher;
    TANTALIO_ASSIGN_OR_RETURN(VpdqFingerprint video, HashVideo(*file, {}, hasher));
    for (const VpdqFrame& frame : video.frames) {
      formats::HashSetEntry& e = frames.emplace_back();
      e.source_ref = kDemoKnownVideoId;
      e.media_time = frame.timestamp_seconds;
      e.pdq = frame.hash.ToHex();
      e.pdq_quality = frame.quality;
    }
  }
  TANTALIO_RETURN_IF_ERROR(
      WriteSet(formats::HashSetFormat::kVpdq, "demo-reference-videos", paths.video_set, frames));

  TANTALIO_ASSIGN_OR_RETURN(auto file, OpenMedia(paths.known_video));
  TANTALIO_ASSIGN_OR_RETURN(AudioFingerprint audio, FingerprintAudio(*file));
  formats::HashSetEntry soundtrack;
  soundtrack.source_ref = kDemoKnownAudioId;
  soundtrack.chromaprint = EncodeAudioFingerprint(audio);
  soundtrack.category = 1;
  soundtrack.series = "Demo series C";
  soundtrack.name = "soundtrack of " + std::string(kDemoKnownVideoId);
  return WriteSet(formats::HashSetFormat::kCsv, "demo-reference-audio", paths.audio_set,
                  {soundtrack});
}

}  // namespace

Status WriteDemoMedia(const DemoMediaPaths& paths) {
  SyntheticVideoSpec known;
  known.seed = kKnownSeed;
  known.width = 640;
  known.height = 360;
  known.duration_seconds = 30;
  known.audio = true;
  TANTALIO_RETURN_IF_ERROR(WriteVideo(known, paths.known_video));
  TANTALIO_RETURN_IF_ERROR(WriteKnownSets(paths));

  // The laptop holds the original itself, as its camera wrote it.
  TANTALIO_RETURN_IF_ERROR(
      WriteVideo(known, fs::path(paths.laptop) / "Users/alex/Videos/VID_20170504_100000.mp4"));

  // phone1 received it through WhatsApp: re-encoded smaller.
  SyntheticVideoSpec reencode = known;
  reencode.width = 320;
  reencode.height = 180;
  TANTALIO_RETURN_IF_ERROR(WriteVideo(
      reencode, fs::path(paths.phone1) / "WhatsApp/Media/WhatsApp Video/VID-20170504-WA0003.mp4"));

  // phone2 holds 10 seconds cut from 12 s into it, and a voice note that
  // carries 12 seconds of its soundtrack from 5 s.
  SyntheticVideoSpec clip = known;
  clip.start_seconds = 12;
  clip.duration_seconds = 10;
  TANTALIO_RETURN_IF_ERROR(WriteVideo(
      clip, fs::path(paths.phone2) / "WhatsApp/Media/WhatsApp Video/VID-20170506-WA0001.mp4"));
  SyntheticAudioSpec voice;
  voice.seed = kKnownSeed;
  voice.start_seconds = 5;
  voice.duration_seconds = 12;
  voice.codec = "libopus";
  voice.sample_rate = 48000;
  const fs::path notes = fs::path(paths.phone2) / "WhatsApp/Media/WhatsApp Voice Notes";
  std::error_code ec;
  fs::create_directories(notes, ec);
  TANTALIO_RETURN_IF_ERROR(WriteSyntheticAudio(voice, (notes / "PTT-20170506-WA0002.opus").string())
                               .WithContext("demo voice note"));

  // The laptop holds a video nobody has seen before: new material.
  SyntheticVideoSpec unknown;
  unknown.seed = kKnownSeed + 100;
  unknown.width = 640;
  unknown.height = 360;
  unknown.duration_seconds = 15;
  return WriteVideo(unknown, fs::path(paths.laptop) / "Users/alex/Videos/holiday.mkv");
}

}  // namespace tantalio::demo
