// tantalio hash: fingerprints without any store.
#include <cstdio>

#include "base/forensic_path.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "evidence/directory_cursor.h"
#include "fingerprint/audio_fingerprint.h"
#include "fingerprint/pdq.h"
#include "fingerprint/vpdq.h"
#include "pipeline/file_fingerprint.h"

namespace tantalio::cli {
namespace {

struct HashArgs {
  std::string format = "csv";
  bool orientations = false;
  int fast = 1;
  bool video = false;
  bool reference = false;
  double interval = 1.0;
  bool audio = false;
  std::vector<std::string> paths;
};

// Calls `visit` with every regular file under the given paths, reporting
// unreadable items; returns how many could not be read.
size_t ForEachFile(const Context& context, const std::vector<std::string>& paths,
                   const std::function<void(const DirectoryItem&)>& visit) {
  size_t failures = 0;
  for (const auto& path : paths) {
    for (DirectoryCursor cursor(path, path); cursor.Valid(); cursor.Next()) {
      if (context.cancel != nullptr && context.cancel->load()) return failures;
      const DirectoryItem& item = cursor.item();
      if (!item.error.ok()) {
        ++failures;
        context.err << "tantalio: " << item.error.message() << "\n";
      } else if (item.kind == ItemKind::kFile) {  // links, devices: no content
        visit(item);
      }
    }
  }
  return failures;
}

// --video and --audio: the vPDQ frames of every video, in the hash-set line
// form "video_id,time,quality,hash" (or the reference hasher's
// "frameNumber,quality,hash,timestamp" with --vpdq-reference), and the
// Chromaprint fingerprint of every audio stream as CSV rows
// "source_ref,duration,chromaprint"; ids are the files' SHA-256. Both import
// as hash sets (formats vpdq and csv).
Status HashMedia(Context& context, const HashArgs& args) {
  if (args.video && args.audio) {
    return InvalidArgumentError("--video and --audio print different forms: pick one");
  }
  if (args.video && !args.reference) context.out << "video_id,time,quality,hash\n";
  if (args.audio) context.out << "source_ref,duration,chromaprint\n";
  PdqHasher hasher;
  size_t failures = 0;  // files that could not be fingerprinted, counted as they come
  const size_t unreadable = ForEachFile(context, args.paths, [&](const DirectoryItem& item) {
    auto fail = [&](const Status& status) {
      ++failures;
      context.err << "tantalio: " << EscapeForDisplay(item.forensic_path) << ": "
                  << status.message() << "\n";
    };
    auto digests = FingerprintFile(item.fs_path, nullptr);
    if (!digests.ok()) return fail(digests.status());
    if (!digests->mime.starts_with("video/") && !digests->mime.starts_with("audio/")) return;
    const std::string id = digests->digests.Sha256Hex();
    auto input = MediaInputFromFile(item.fs_path);
    if (!input.ok()) return fail(input.status());
    auto file = MediaFile::Open(std::move(input).value(), BaseName(item.fs_path));
    if (!file.ok()) return fail(file.status());
    if (args.video) {
      if (!(*file)->info().has_video) return;  // an audio file
      VpdqHashOptions options;
      options.sampling.seconds_per_hash = args.interval;
      options.sampling.seek = !args.reference;
      options.collapse_repeats = !args.reference;
      auto video = HashVideo(**file, options, hasher);
      if (!video.ok()) return fail(video.status());
      if (video->partial) fail(CorruptError("hashed in part: " + video->warning));
      for (const VpdqFrame& frame : video->frames) {
        if (args.reference) {
          context.out << FormatVpdqLine(frame) << "\n";
          continue;
        }
        char time[32];
        std::snprintf(time, sizeof time, "%.3f", frame.timestamp_seconds);
        context.out << id << "," << time << "," << frame.quality << "," << frame.hash.ToHex()
                    << "\n";
      }
    } else {
      if (!(*file)->info().has_audio) return;  // a silent video
      auto audio = FingerprintAudio(**file);
      if (!audio.ok()) return fail(audio.status());
      if (audio->partial) fail(CorruptError("fingerprinted in part: " + audio->warning));
      char duration[32];
      std::snprintf(duration, sizeof duration, "%.3f", audio->duration_seconds);
      context.out << id << "," << duration << "," << EncodeAudioFingerprint(*audio) << "\n";
    }
  });
  if (context.cancel != nullptr && context.cancel->load())
    return CancelledError("hash interrupted");
  failures += unreadable;
  if (failures > 0)
    return IoError(std::to_string(failures) + " file(s) could not be fingerprinted");
  return Status::Ok();
}

}  // namespace

void RegisterHashCommand(CLI::App& app, Context& context, Action& action) {
  auto args = std::make_shared<HashArgs>();
  CLI::App* hash =
      app.add_subcommand("hash",
                         "Print the fingerprints of files (folders are walked) without any store.\n"
                         "CSV has a header row; JSON is one object per line.");
  hash->add_option("--format", args->format, "csv or json");
  hash->add_flag("--pdq-orientations", args->orientations,
                 "Also print the PDQ hashes of the 7 other orientations (rot90 ... flipminus1)");
  hash->add_option("--pdq-fast", args->fast,
                   "Approximate PDQ: decode JPEGs at 1/N size (N = 2, 4 or 8). Faster, but the\n"
                   "bits differ from the exact hash; the columns are then pdq_fast*.")
      ->check(CLI::IsMember({1, 2, 4, 8}));
  hash->add_flag("--video", args->video,
                 "Print the vPDQ frames of every video as 'video_id,time,quality,hash' lines\n"
                 "(the hash-set vPDQ form; the video id is the file's SHA-256)");
  hash->add_option("--video-interval", args->interval,
                   "Seconds between hashed frames (default 1; 0 hashes every frame)")
      ->check(CLI::Range(0.0, 3600.0));
  hash->add_flag("--vpdq-reference", args->reference,
                 "With --video: print the reference hasher's 'frameNumber,quality,hash,timestamp'\n"
                 "lines instead, decoding every frame in order as it does");
  hash->add_flag("--audio", args->audio,
                 "Print the Chromaprint fingerprint of every audio stream as CSV\n"
                 "'source_ref,duration,chromaprint' (imports as a hash set)");
  hash->add_option("FILE", args->paths, "Files or folders")->required();
  hash->callback([&context, &action, args] {
    action = [&context, args]() -> Status {
      if (args->video || args->audio) return HashMedia(context, *args);
      TANTALIO_ASSIGN_OR_RETURN(OutputFormat format, ParseOutputFormat(args->format));
      if (format == OutputFormat::kTable) return InvalidArgumentError("hash prints csv or json");
      // Approximate hashes never wear the exact hash's name.
      const std::string pdq = args->fast > 1 ? "pdq_fast" : "pdq";
      std::vector<std::string> columns = {"path", "size",   "mime", "md5",
                                          "sha1", "sha256", pdq,    pdq + "_quality"};
      if (args->orientations) {
        for (int v = 1; v < kPdqVariantCount; ++v) {
          columns.push_back(pdq + "_" + std::string(PdqVariantName(static_cast<PdqVariant>(v))));
        }
      }
      TableWriter table(context.out, format, columns);
      DecodeOptions decode;
      decode.jpeg_scale_denom = args->fast;
      ImageAnalyzer images(decode);
      size_t failures = 0;
      for (const auto& path : args->paths) {
        for (DirectoryCursor cursor(path, path); cursor.Valid(); cursor.Next()) {
          if (context.cancel != nullptr && context.cancel->load()) {
            return CancelledError("hash interrupted");
          }
          const DirectoryItem& item = cursor.item();
          if (item.error.ok() && item.kind != ItemKind::kFile)
            continue;  // links, devices: no content
          Result<FileFingerprint> fp = item.error.ok() ? FingerprintFile(item.fs_path, &images)
                                                       : Result<FileFingerprint>(item.error);
          if (!fp.ok()) {
            ++failures;
            context.err << "tantalio: " << fp.status().message() << "\n";
            continue;
          }
          std::vector<Cell> row = {Cell::Text(item.forensic_path),
                                   Cell::Number(static_cast<int64_t>(fp->size)),
                                   Cell::Text(fp->mime),
                                   Cell::Text(fp->digests.Md5Hex()),
                                   Cell::Text(fp->digests.Sha1Hex()),
                                   Cell::Text(fp->digests.Sha256Hex())};
          const bool has_pdq = fp->image && fp->image->pdq;
          if (fp->image) {
            for (const auto& [stage, status] : fp->image->problems) {
              context.err << "tantalio: " << EscapeForDisplay(item.forensic_path) << ": " << stage
                          << ": " << status.message() << "\n";
            }
          }
          row.push_back(has_pdq ? Cell::Text(fp->image->pdq->hashes[0].ToHex()) : Cell::Null());
          row.push_back(has_pdq ? Cell::Number(fp->image->pdq->quality) : Cell::Null());
          for (int v = 1; args->orientations && v < kPdqVariantCount; ++v) {
            row.push_back(has_pdq ? Cell::Text(fp->image->pdq->hashes[v].ToHex()) : Cell::Null());
          }
          table.Row(std::move(row));
        }
      }
      if (failures > 0) return IoError(std::to_string(failures) + " file(s) could not be read");
      return Status::Ok();
    };
  });
}

}  // namespace tantalio::cli
