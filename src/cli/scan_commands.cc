// tantalio scan | verify
#include <filesystem>

#include "base/forensic_path.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "fingerprint/pdq.h"
#include "pipeline/scanner.h"

namespace tantalio::cli {
namespace {

// Refuses a store path inside the evidence: nothing is ever written there.
Status CheckStoreOutsideEvidence(const std::string& db, const std::vector<ResolvedRoot>& roots) {
  namespace fs = std::filesystem;
  std::string path = db.starts_with("sqlite:") ? db.substr(7) : db;
  std::error_code ec;
  std::string store = fs::weakly_canonical(fs::absolute(path), ec).string();
  for (const auto& root : roots) {
    std::string evidence = fs::weakly_canonical(root.fs_path, ec).string();
    if (store == evidence || store.starts_with(evidence + "/")) {
      return InvalidArgumentError("the store " + path + " lies inside the evidence " +
                                  root.fs_path +
                                  "; evidence is read-only: put the store elsewhere with --db");
    }
  }
  return Status::Ok();
}

// --no-carve and --images-as-files: given to scan, and again to verify so
// that it reads the evidence the same way.
struct DiskImageFlags {
  bool no_carve = false;
  bool images_as_files = false;

  void AddTo(CLI::App* command) {
    command->add_flag("--no-carve", no_carve, "Do not carve the unallocated space of disk images");
    command->add_flag("--images-as-files", images_as_files,
                      "Hash disk images as plain files: no file systems, carving or verification");
  }
  void ApplyTo(DiskImageOptions& options) const {
    options.carve = !no_carve;
    options.open = !images_as_files;
  }
};

}  // namespace

std::string Count(uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

void PrintScanSummary(std::ostream& out, const std::string& case_name, const std::string& device,
                      const ScanSummary& s) {
  const double rate = static_cast<double>(s.bytes) / std::max(s.seconds, 1e-3);
  out << "scan of " << device << (s.interrupted ? " INTERRUPTED" : " complete") << " in "
      << HumanDuration(s.seconds) << ": " << Count(s.files) << " files ("
      << Count(s.inside_archives) << " inside archives), " << HumanBytes(s.bytes) << " read ("
      << HumanBytes(static_cast<uint64_t>(rate)) << "/s)\n"
      << "  " << Count(s.new_contents) << " distinct new contents, " << Count(s.known_content_files)
      << " duplicates (content already in the store), " << Count(s.extension_mismatches)
      << " extension mismatches, " << Count(s.encrypted) << " encrypted, " << Count(s.errors)
      << " errors";
  if (s.errors > 0) out << " (see: tantalio errors --case " << case_name << ")";
  if (s.skipped_units > 0) out << "; " << Count(s.skipped_units) << " items already done (skipped)";
  if (s.resumed_files > 0) {
    out << "; " << Count(s.resumed_files)
        << " files of interrupted disk images already stored (not read again)";
  }
  out << "\n";
  if (s.chat_databases > 0 || s.identifiers > 0) {
    out << "  " << Count(s.chat_databases) << " chat databases (tantalio chats --case " << case_name
        << "), " << Count(s.identifiers) << " identifiers in text (tantalio identifiers --case "
        << case_name << ")\n";
  }
  if (s.videos > 0 || s.audio > 0) {
    out << "  " << Count(s.videos) << " videos and " << Count(s.audio)
        << " audio files fingerprinted (tantalio media --case " << case_name << ")\n";
  }
  if (!s.disk_images.empty()) {
    out << "  " << Count(s.disk_images.size()) << " disk images, " << Count(s.deleted_files)
        << " deleted files recovered, " << Count(s.carved_files)
        << " items carved from unallocated space (tantalio images --case " << case_name << ")\n";
    for (const DiskImageRecord& d : s.disk_images) {
      out << "    " << EscapeForDisplay(d.forensic_path) << ": " << d.format << ", "
          << HumanBytes(d.media_size) << " of media" << (d.volumes.empty() ? "" : ", " + d.volumes)
          << "; integrity " << d.integrity << " (" << d.integrity_detail << ")\n";
    }
  }
  if (s.interrupted) out << "  re-run the same command to resume where it stopped\n";
}

size_t PrintIntegrityFailures(std::ostream& out, const std::vector<DiskImageRecord>& images) {
  size_t failures = 0;
  for (const DiskImageRecord& d : images) {
    if (!IntegrityFailed(d.integrity)) continue;
    ++failures;
    out << "\n"
        << "  !!! INTEGRITY FAILURE: " << EscapeForDisplay(d.forensic_path) << " !!!\n"
        << "  "
        << (d.integrity == kIntegrityMismatch
                ? "The media read does not match the hash recorded at acquisition: "
                : "The media could not be read whole, so its acquisition hashes could "
                  "not be checked: ")
        << d.integrity_detail << "\n"
        << "  The image is damaged or was altered. Establish why before relying on anything "
           "read from it.\n\n";
  }
  return failures;
}

void RegisterScanCommands(CLI::App& app, Context& context, Action& action) {
  struct ScanArgs {
    std::string case_name, device;
    std::vector<std::string> evidence;
    int workers = 0;
    int max_distance = kPdqMatchMaxDistance;
    DiskImageFlags images;
    MediaOptions media;
  };
  auto args = std::make_shared<ScanArgs>();
  CLI::App* scan =
      app.add_subcommand("scan",
                         "Scan evidence (folders, files, archives, disk images) into a device\n"
                         "of a case. Disk images (EWF E01/S01, raw .dd/.img/.raw, split .001) are\n"
                         "opened: their file systems, deleted files, carved items and integrity.\n"
                         "Re-running the same scan resumes: completed items are skipped.\n"
                         "Exit 1 if a disk image fails its integrity check.");
  scan->add_option("--case", args->case_name, "Case name")->required();
  scan->add_option("--device", args->device, "Device label (created if new), e.g. phone1")
      ->required();
  scan->add_option("EVIDENCE", args->evidence, "Folders, files or archives")->required();
  scan->add_option("--workers", args->workers, "Worker threads (default: one per core)");
  scan->add_option("--max-distance", args->max_distance,
                   "PDQ match threshold against hash sets, inclusive (default 31)")
      ->check(CLI::Range(0, 256));
  args->images.AddTo(scan);
  scan->add_flag(
      "--no-media", [args](int64_t) { args->media.enabled = false; },
      "Do not fingerprint video and audio (hashes only)");
  scan->add_option("--video-interval", args->media.seconds_per_hash,
                   "Seconds between the video frames hashed with vPDQ (default 1; 0: every frame)")
      ->check(CLI::Range(0.0, 3600.0));
  scan->add_option("--media-time-limit", args->media.time_limit_seconds,
                   "Seconds one video or audio file may take to fingerprint (default 120;\n"
                   "0: no limit); a file cut short is fingerprinted in part and marked partial")
      ->check(CLI::Range(0.0, 86400.0));
  scan->callback([&context, &action, args] {
    action = [&context, args]() -> Status {
      TANTALIO_ASSIGN_OR_RETURN(auto roots, ResolveEvidenceRoots(args->device, args->evidence));
      TANTALIO_RETURN_IF_ERROR(CheckStoreOutsideEvidence(context.db, roots));
      TANTALIO_ASSIGN_OR_RETURN(auto store, context.OpenStore());
      TANTALIO_ASSIGN_OR_RETURN(CaseInfo case_info, store->FindCase(args->case_name));
      ScanOptions options;
      options.workers = args->workers;
      options.actor = "cli";
      options.matching.max_distance = args->max_distance;
      options.matching.snapshot_prefix = context.HashSetIndexPrefix();
      args->images.ApplyTo(options.processor.disk_images);
      options.processor.media = args->media;
      TerminalProgress progress(stderr);
      TANTALIO_ASSIGN_OR_RETURN(
          ScanSummary summary, Scan(*store, case_info, args->device, roots, options, context.cancel,
                                    context.ShowProgress() ? &progress : nullptr));
      PrintScanSummary(context.out, args->case_name, args->device, summary);
      if (summary.hash_sets > 0) {
        TANTALIO_RETURN_IF_ERROR(PrintKnownMaterial(context.out, *store, case_info));
      }
      if (summary.interrupted) return CancelledError("scan interrupted; what was done is kept");
      if (size_t failures = PrintIntegrityFailures(context.out, summary.disk_images)) {
        PrintIntegrityFailures(context.err, summary.disk_images);
        return CorruptError(std::to_string(failures) +
                            " disk image(s) failed the integrity check (see above)");
      }
      return Status::Ok();
    };
  });

  struct VerifyArgs {
    std::string case_name, device, format = "table";
    DiskImageFlags images;  // as given to the scan
  };
  auto vargs = std::make_shared<VerifyArgs>();
  CLI::App* verify =
      app.add_subcommand("verify",
                         "Re-read a device's evidence and report files whose hashes changed,\n"
                         "and files that appeared or disappeared since the scan; check every\n"
                         "disk image against the hashes stored at acquisition. Exit 1 if any.\n"
                         "Give --no-carve or --images-as-files when the scan had them.");
  verify->add_option("--case", vargs->case_name, "Case name")->required();
  verify->add_option("--device", vargs->device, "Device label")->required();
  verify->add_option("--format", vargs->format, "table, csv or json");
  vargs->images.AddTo(verify);
  verify->callback([&context, &action, vargs] {
    action = [&context, vargs]() -> Status {
      TANTALIO_ASSIGN_OR_RETURN(OutputFormat format, ParseOutputFormat(vargs->format));
      TANTALIO_ASSIGN_OR_RETURN(auto store, context.OpenStore());
      TANTALIO_ASSIGN_OR_RETURN(CaseInfo case_info, store->FindCase(vargs->case_name));
      TANTALIO_ASSIGN_OR_RETURN(DeviceInfo device, store->FindDevice(case_info.id, vargs->device));
      ScanOptions options;
      options.actor = "cli";
      vargs->images.ApplyTo(options.processor.disk_images);
      TerminalProgress progress(stderr);
      TANTALIO_ASSIGN_OR_RETURN(VerifyReport report,
                                Verify(*store, case_info, device, options, context.cancel,
                                       context.ShowProgress() ? &progress : nullptr));
      {
        TableWriter table(context.out, format,
                          {"change", "forensic_path", "stored_sha256", "current_sha256", "detail"});
        for (const auto& c : report.changed) {
          table.Row({Cell::Text("changed"), Cell::Text(c.forensic_path),
                     Cell::Text(c.stored_sha256), Cell::Text(c.current_sha256), Cell::Text("")});
        }
        for (const auto& p : report.disappeared) {
          table.Row({Cell::Text("disappeared"), Cell::Text(p), Cell::Text(""), Cell::Text(""),
                     Cell::Text("")});
        }
        for (const auto& p : report.appeared) {
          table.Row({Cell::Text("appeared"), Cell::Text(p), Cell::Text(""), Cell::Text(""),
                     Cell::Text("")});
        }
        for (const auto& e : report.errors) {
          table.Row({Cell::Text("unreadable"), Cell::Text(e.forensic_path), Cell::Text(""),
                     Cell::Text(""), Cell::Text(e.stage + ": " + e.message)});
        }
        for (const auto& d : report.disk_images) {
          table.Row({Cell::Text("image " + d.integrity), Cell::Text(d.forensic_path),
                     Cell::Text(""), Cell::Text(""), Cell::Text(d.integrity_detail)});
        }
      }
      PrintIntegrityFailures(context.err, report.disk_images);
      context.err << "verify " << vargs->device << ": " << Count(report.checked)
                  << " files checked, " << report.changed.size() << " changed, "
                  << report.disappeared.size() << " disappeared, " << report.appeared.size()
                  << " appeared, " << report.errors.size() << " new read errors";
      if (!report.disk_images.empty()) {
        context.err << ", " << report.disk_images.size() << " disk images checked ("
                    << report.IntegrityFailures() << " failed)";
      }
      context.err << "\n";
      if (report.interrupted) return CancelledError("verify interrupted");
      if (!report.clean())
        return IoError("the evidence of " + vargs->device + " differs from what was scanned");
      return Status::Ok();
    };
  });
}

}  // namespace tantalio::cli
