// tantalio files | errors | images | media | audit
#include <algorithm>

#include "cli/commands.h"
#include "cli/output.h"
#include "fingerprint/pdq.h"

namespace tantalio::cli {
namespace {

struct ListArgs {
  std::string case_name, device, format = "table";
  bool include_known_good = false;
};

// What a listing command works on: its output format, the store, the case
// of --case and the device of the optional --device.
struct Scope {
  OutputFormat format = OutputFormat::kTable;
  std::unique_ptr<Store> store;
  CaseInfo case_info;
  std::optional<int64_t> device_id;
};

Result<Scope> OpenScope(const Context& context, const ListArgs& args) {
  Scope scope;
  TANTALIO_ASSIGN_OR_RETURN(scope.format, ParseOutputFormat(args.format));
  TANTALIO_ASSIGN_OR_RETURN(scope.store, context.OpenStore());
  TANTALIO_ASSIGN_OR_RETURN(scope.case_info, scope.store->FindCase(args.case_name));
  if (!args.device.empty()) {
    TANTALIO_ASSIGN_OR_RETURN(DeviceInfo device,
                              scope.store->FindDevice(scope.case_info.id, args.device));
    scope.device_id = device.id;
  }
  return scope;
}

std::shared_ptr<ListArgs> AddListOptions(CLI::App* cmd) {
  auto args = std::make_shared<ListArgs>();
  cmd->add_option("--case", args->case_name, "Case name")->required();
  cmd->add_option("--device", args->device, "Only this device");
  cmd->add_option("--format", args->format, "table, csv or json (one object per line)");
  return args;
}

Cell OptionalNumber(const std::optional<int64_t>& v) { return v ? Cell::Number(*v) : Cell::Null(); }
Cell TextOrNull(const std::string& v) { return v.empty() ? Cell::Null() : Cell::Text(v); }

}  // namespace

void RegisterReportCommands(CLI::App& app, Context& context, Action& action) {
  CLI::App* files =
      app.add_subcommand("files", "List the files of a case: one row per instance, with hashes");
  auto file_args = AddListOptions(files);
  files->add_flag("--include-known-good", file_args->include_known_good,
                  "Also list files that only known-good sets match (hidden by default)");
  files->callback([&context, &action, file_args] {
    action = [&context, file_args]() -> Status {
      TANTALIO_ASSIGN_OR_RETURN(Scope scope, OpenScope(context, *file_args));
      auto& [format, store, case_info, device_id] = scope;
      TableWriter table(context.out, format, {"device",     "forensic_path", "kind",
                                              "size",       "mime",          "extension_mismatch",
                                              "md5",        "sha1",          "sha256",
                                              "status",     "mtime",         "link_target",
                                              "pdq",        "pdq_quality",   "pdq_low_quality",
                                              "allocation", "inode",         "atime",
                                              "ctime",      "crtime",        "note"});
      TANTALIO_ASSIGN_OR_RETURN(auto known_good, store->KnownGoodContents(case_info.id));
      uint64_t hidden = 0;
      TANTALIO_RETURN_IF_ERROR(store->ForEachFile(case_info.id, device_id, [&](const FileRow& row) {
        const FileRecord& f = row.file;
        if (!file_args->include_known_good && known_good.contains(f.sha256)) {
          ++hidden;
          return true;
        }
        table.Row(
            {Cell::Text(row.device),
             Cell::Text(f.forensic_path),
             Cell::Text(f.kind),
             Cell::Number(static_cast<int64_t>(f.size)),
             TextOrNull(f.mime),
             Cell::Bool(f.extension_mismatch),
             TextOrNull(row.md5),
             TextOrNull(row.sha1),
             TextOrNull(f.sha256),
             Cell::Text(f.status),
             OptionalNumber(f.mtime),
             TextOrNull(f.link_target),
             TextOrNull(row.pdq),
             row.pdq_quality ? Cell::Number(*row.pdq_quality) : Cell::Null(),
             row.pdq_quality ? Cell::Bool(*row.pdq_quality < kPdqMinGoodQuality) : Cell::Null(),
             TextOrNull(f.allocation),
             f.inode ? Cell::Number(static_cast<int64_t>(*f.inode)) : Cell::Null(),
             OptionalNumber(f.atime),
             OptionalNumber(f.ctime),
             OptionalNumber(f.crtime),
             TextOrNull(f.note)});
        return true;
      }));
      if (hidden > 0) {
        context.err << hidden
                    << " files matching only known-good sets are not listed "
                       "(--include-known-good lists them)\n";
      }
      return Status::Ok();
    };
  });

  CLI::App* errors =
      app.add_subcommand("errors", "List what could not be read, where, at which stage and why");
  auto error_args = AddListOptions(errors);
  errors->callback([&context, &action, error_args] {
    action = [&context, error_args]() -> Status {
      TANTALIO_ASSIGN_OR_RETURN(Scope scope, OpenScope(context, *error_args));
      auto& [format, store, case_info, device_id] = scope;
      TableWriter table(context.out, format,
                        {"device", "forensic_path", "stage", "code", "message", "at"});
      return store->ForEachError(case_info.id, device_id, [&](const StoredError& e) {
        table.Row({Cell::Text(e.device), Cell::Text(e.error.forensic_path),
                   Cell::Text(e.error.stage), Cell::Text(e.error.code), Cell::Text(e.error.message),
                   Cell::Text(e.at)});
        return true;
      });
    };
  });

  CLI::App* images = app.add_subcommand(
      "images",
      "List the disk images of a case: format, acquisition metadata, the hashes stored at\n"
      "acquisition against those computed, and what was found inside");
  auto image_args = AddListOptions(images);
  images->callback([&context, &action, image_args] {
    action = [&context, image_args]() -> Status {
      TANTALIO_ASSIGN_OR_RETURN(Scope scope, OpenScope(context, *image_args));
      auto& [format, store, case_info, device_id] = scope;
      TANTALIO_ASSIGN_OR_RETURN(auto rows, store->ListDiskImages(case_info.id, device_id));
      TableWriter table(
          context.out, format,
          {"device",       "image",           "format",           "media_bytes",
           "volumes",      "files",           "deleted",          "orphans",
           "carved",       "integrity",       "integrity_detail", "stored_md5",
           "computed_md5", "stored_sha1",     "computed_sha1",    "examiner",
           "case_number",  "evidence_number", "acquired_at",      "acquisition_software",
           "description",  "notes",           "segments",         "recorded_at"});
      size_t failures = 0;
      for (const DiskImageRow& row : rows) {
        const DiskImageRecord& d = row.image;
        failures += IntegrityFailed(d.integrity) ? 1 : 0;
        auto count = [](uint64_t n) { return Cell::Number(static_cast<int64_t>(n)); };
        std::string segments = d.segments;
        std::replace(segments.begin(), segments.end(), '\n', ' ');
        table.Row({Cell::Text(row.device),
                   Cell::Text(d.forensic_path),
                   Cell::Text(d.format),
                   count(d.media_size),
                   TextOrNull(d.volumes),
                   count(d.files),
                   count(d.deleted),
                   count(d.orphans),
                   count(d.carved),
                   Cell::Text(d.integrity),
                   TextOrNull(d.integrity_detail),
                   TextOrNull(d.stored_md5),
                   TextOrNull(d.computed_md5),
                   TextOrNull(d.stored_sha1),
                   TextOrNull(d.computed_sha1),
                   TextOrNull(d.examiner),
                   TextOrNull(d.case_number),
                   TextOrNull(d.evidence_number),
                   TextOrNull(d.acquired_at),
                   TextOrNull(d.acquisition_software),
                   TextOrNull(d.description),
                   TextOrNull(d.notes),
                   Cell::Text(segments),
                   Cell::Text(row.recorded_at)});
      }
      if (failures > 0) {
        context.err << "!!! " << failures
                    << " disk image(s) failed the integrity check: see the integrity column\n";
      }
      return Status::Ok();
    };
  });

  CLI::App* media = app.add_subcommand(
      "media",
      "List the videos and audio of a case: container, duration, codecs, resolution, frame\n"
      "rate, creation time and place from the container, and how they were fingerprinted");
  auto media_args = AddListOptions(media);
  media->callback([&context, &action, media_args] {
    action = [&context, media_args]() -> Status {
      TANTALIO_ASSIGN_OR_RETURN(Scope scope, OpenScope(context, *media_args));
      auto& [format, store, case_info, device_id] = scope;
      TableWriter table(
          context.out, format,
          {"device",      "forensic_path", "sha256",      "duration_s",        "container",
           "video_codec", "width",         "height",      "frame_rate",        "rotation",
           "audio_codec", "sample_rate",   "channels",    "creation_time",     "make",
           "model",       "location",      "vpdq_frames", "audio_fingerprint", "thumbnails",
           "partial",     "warning",       "decoder"});
      auto real = [](std::optional<double> v) { return v ? Cell::Real(*v) : Cell::Null(); };
      auto number = [](std::optional<int64_t> v) { return v ? Cell::Number(*v) : Cell::Null(); };
      return store->ForEachMedia(case_info.id, device_id, [&](const MediaRow& row) {
        const MediaInfoRecord& m = row.info;
        table.Row({Cell::Text(row.device),
                   Cell::Text(row.forensic_path),
                   Cell::Text(m.sha256),
                   real(m.duration_seconds),
                   Cell::Text(m.container),
                   TextOrNull(m.video_codec),
                   number(m.width),
                   number(m.height),
                   real(m.frame_rate),
                   m.rotation ? Cell::Number(*m.rotation) : Cell::Null(),
                   TextOrNull(m.audio_codec),
                   number(m.sample_rate),
                   number(m.channels),
                   TextOrNull(m.creation_time),
                   TextOrNull(m.make),
                   TextOrNull(m.model),
                   TextOrNull(m.location),
                   Cell::Number(row.video_frames),
                   Cell::Bool(row.audio_fingerprint),
                   Cell::Number(row.thumbnails),
                   Cell::Bool(row.partial),
                   TextOrNull(row.warning),
                   Cell::Text(m.decoder)});
        return true;
      });
    };
  });

  CLI::App* audit = app.add_subcommand("audit", "Check the store's hash-chained audit log");
  audit->callback([&context, &action] {
    action = [&context]() -> Status {
      TANTALIO_ASSIGN_OR_RETURN(auto store, context.OpenStore());
      TANTALIO_ASSIGN_OR_RETURN(uint64_t entries, store->VerifyAuditChain());
      context.out << "audit log intact: " << entries << " entries, hash chain verified\n";
      return Status::Ok();
    };
  });
}

}  // namespace tantalio::cli
