// tantalio demo | summary
#include <filesystem>

#include "base/forensic_path.h"
#include "cli/commands.h"
#include "demo/demo_evidence.h"
#include "link/similar_images.h"
#include "pipeline/known_material.h"
#include "pipeline/scanner.h"

namespace tantalio::cli {
namespace {

constexpr char kDemoCase[] = "demo-operation";

constexpr char kDemoReferenceSet[] = "demo-reference";
constexpr char kDemoKnownGoodSet[] = "demo-known-good";
constexpr char kDemoVideoSet[] = "demo-reference-videos";
constexpr char kDemoAudioSet[] = "demo-reference-audio";

// Imports a demo set unless an earlier demo run did.
Status ImportDemoSet(Store& store, const std::string& path, const std::string& name,
                     const std::string& kind, std::ostream& out) {
  if (store.FindHashSet(name).ok()) return Status::Ok();
  HashSetImportRequest request;
  request.path = path;
  request.name = name;
  request.kind = kind;
  request.actor = "cli";
  TANTALIO_ASSIGN_OR_RETURN(auto outcome, ImportHashSetFile(store, request));
  out << "imported hash set '" << name << "' (" << kind << ", " << outcome.report.source.format
      << "): " << outcome.set.entries << " entries\n";
  return Status::Ok();
}

std::string Short(const std::string& sha256) { return sha256.substr(0, 16); }

// What an investigator wants to see first about a case.
Status PrintBriefing(Store& store, const CaseInfo& c, std::ostream& out) {
  TANTALIO_ASSIGN_OR_RETURN(CaseSummary s, store.SummarizeCase(c.id, std::nullopt));
  TANTALIO_ASSIGN_OR_RETURN(auto devices, store.ListDevices(c.id));
  out << "\n== Case " << c.name;
  if (!c.agency.empty())
    out << " (" << c.agency << (c.country.empty() ? "" : ", " + c.country) << ")";
  out << " ==\n"
      << s.devices << " devices, " << s.files << " files (" << s.inside_archives
      << " inside archives), " << HumanBytes(s.bytes) << ", " << s.distinct_contents
      << " distinct contents, " << s.duplicate_files
      << " files whose content appears more than once\n";
  if (s.disk_images > 0) {
    out << s.disk_images << " disk images (" << s.integrity_failures
        << " failed the integrity check), " << s.deleted_files << " deleted files recovered, "
        << s.carved_files << " items carved from unallocated space\n";
  }
  for (const auto& d : devices) {
    TANTALIO_ASSIGN_OR_RETURN(CaseSummary ds, store.SummarizeCase(c.id, d.id));
    out << "  " << d.label << ": " << ds.files << " files, " << HumanBytes(ds.bytes) << ", "
        << ds.errors << " errors\n";
  }

  // Contents that only known-good sets match stay out of the lists below.
  TANTALIO_ASSIGN_OR_RETURN(auto known_good, store.KnownGoodContents(c.id));
  TANTALIO_ASSIGN_OR_RETURN(auto shared, store.ContentsOnSeveralDevices(c.id, 10));
  out << "\nSame content on more than one device: " << s.contents_on_several_devices << "\n";
  for (const auto& sc : shared) {
    if (known_good.contains(sc.sha256)) continue;
    out << "  " << Short(sc.sha256) << "  " << sc.mime << "  on ";
    for (size_t i = 0; i < sc.devices.size(); ++i) out << (i ? ", " : "") << sc.devices[i];
    out << "\n";
    for (size_t i = 0; i < sc.example_paths.size() && i < 4; ++i) {
      out << "      " << EscapeForDisplay(sc.example_paths[i]) << "\n";
    }
  }

  out << "\n";
  TANTALIO_RETURN_IF_ERROR(PrintKnownMaterial(out, store, c));
  // One line per file and set entry, with every method that matched it.
  std::vector<std::string> lines;
  std::string key;
  TANTALIO_RETURN_IF_ERROR(store.ForEachMatch(c.id, false, [&](const MatchRow& m) {
    const std::string row_key =
        m.device + '\0' + m.forensic_path + '\0' + m.hash_set + '\0' + m.entry_ref;
    std::string method = DescribeMatchMethod(m);
    if (row_key == key) {
      lines.back() += ", " + method;
      return true;
    }
    key = row_key;
    const bool recovered = !m.allocation.empty() && m.allocation != kAllocationAllocated;
    lines.push_back("  " + m.device + "  " + EscapeForDisplay(m.forensic_path) +
                    (recovered ? " (" + m.allocation + ")" : "") + "  [" + m.hash_set + " #" +
                    m.entry_ref + (m.category ? ", category " + std::to_string(*m.category) : "") +
                    (m.series.empty() ? "" : ", " + m.series) + "]  " + method);
    return true;
  }));
  for (size_t i = 0; i < lines.size() && i < 20; ++i) out << lines[i] << "\n";

  TANTALIO_ASSIGN_OR_RETURN(auto similar, FindSimilarImages(store, c.id));
  out << "\nVisually similar images (PDQ within 31 bits: re-saved, resized or re-compressed "
         "copies that the hashes above cannot tie together): "
      << similar.size() << " pairs\n";
  for (size_t i = 0; i < similar.size() && i < 10; ++i) {
    const SimilarPair& p = similar[i];
    out << "  distance " << p.distance << "\n";
    for (const SimilarContent* side : {&p.a, &p.b}) {
      out << "      " << side->places[0].first << "  " << EscapeForDisplay(side->places[0].second)
          << "  (quality " << side->quality << ")\n";
    }
  }

  out << "\nContent does not match the file name (possible hiding): " << s.extension_mismatches
      << "\n";
  TANTALIO_RETURN_IF_ERROR(store.ForEachFile(c.id, std::nullopt, [&](const FileRow& row) {
    if (row.file.extension_mismatch && !known_good.contains(row.file.sha256)) {
      out << "  " << row.device << "  " << EscapeForDisplay(row.file.forensic_path) << "  is "
          << row.file.mime << "\n";
    }
    return true;
  }));

  TANTALIO_ASSIGN_OR_RETURN(auto cameras, store.Cameras(c.id));
  out << "\nCameras (from EXIF; a body serial ties photos to one device):\n";
  for (const auto& cam : cameras) {
    out << "  " << cam.make << " " << cam.model << "  serial "
        << (cam.body_serial.empty() ? "-" : cam.body_serial) << "  " << cam.images << " images on ";
    for (size_t i = 0; i < cam.devices.size(); ++i) out << (i ? ", " : "") << cam.devices[i];
    out << "\n";
  }
  TANTALIO_ASSIGN_OR_RETURN(auto gps, store.GpsPositions(c.id, 5));
  out << "\nImages with GPS positions: " << s.images_with_gps << " (first " << gps.size()
      << " by time)\n";
  for (const auto& g : gps) {
    char where[64];
    std::snprintf(where, sizeof where, "%.5f, %.5f", g.latitude, g.longitude);
    out << "  " << g.datetime_original << "  " << where << "  " << g.device << "  "
        << EscapeForDisplay(g.forensic_path) << "\n";
  }

  TANTALIO_RETURN_IF_ERROR(PrintChatBriefing(out, store, c));

  out << "\nEncrypted items: " << s.encrypted << "    Errors: " << s.errors << "\n";
  size_t shown = 0;
  TANTALIO_RETURN_IF_ERROR(store.ForEachError(c.id, std::nullopt, [&](const StoredError& e) {
    out << "  " << e.device << "  " << EscapeForDisplay(e.error.forensic_path) << "  ["
        << e.error.stage << "] " << e.error.message << "\n";
    return ++shown < 10;
  }));
  return Status::Ok();
}

}  // namespace

void RegisterDemoCommand(CLI::App& app, Context& context, Action& action) {
  auto dir = std::make_shared<std::string>("./tantalio-demo-evidence");
  CLI::App* demo = app.add_subcommand(
      "demo",
      "Generate a small benign demo case (four devices with photos, documents,\n"
      "renamed files, nested archives, WhatsApp databases, a USB stick's disk image\n"
      "with a deleted and a carved photo, videos and voice notes) and scan it.");
  demo->add_option("--dir", *dir,
                   "Where to write the demo evidence (default ./tantalio-demo-evidence)");
  demo->callback([&context, &action, dir] {
    action = [&context, dir]() -> Status {
      context.out << "generating demo evidence in " << *dir << " ...\n";
      TANTALIO_ASSIGN_OR_RETURN(DemoEvidence evidence, GenerateDemoEvidence(*dir));
      TANTALIO_ASSIGN_OR_RETURN(auto store, context.OpenStore());
      // The reference set is imported before the scan, so the scan matches
      // as it goes; the known-good set after it, so `match` does just that.
      TANTALIO_RETURN_IF_ERROR(ImportDemoSet(*store, evidence.reference_set, kDemoReferenceSet,
                                             kKindIllegal, context.out));
      TANTALIO_RETURN_IF_ERROR(
          ImportDemoSet(*store, evidence.video_set, kDemoVideoSet, kKindIllegal, context.out));
      TANTALIO_RETURN_IF_ERROR(
          ImportDemoSet(*store, evidence.audio_set, kDemoAudioSet, kKindIllegal, context.out));
      auto existing = store->FindCase(kDemoCase);
      CaseInfo case_info;
      if (existing.ok()) {
        case_info = *existing;
      } else {
        TANTALIO_ASSIGN_OR_RETURN(
            case_info, store->CreateCase(CaseInfo{0, kDemoCase, "Demo Police", "ES", ""}));
        TANTALIO_RETURN_IF_ERROR(
            store->AppendAudit(AuditEvent{"cli", "case.create", "{\"case\":\"demo-operation\"}"}));
      }
      for (const auto& device : evidence.devices) {
        TANTALIO_ASSIGN_OR_RETURN(auto roots, ResolveEvidenceRoots(device.label, {device.fs_path}));
        ScanOptions options;
        options.actor = "cli";
        TerminalProgress progress(stderr);
        TANTALIO_ASSIGN_OR_RETURN(
            ScanSummary summary,
            Scan(*store, case_info, device.label, roots, options, context.cancel,
                 context.ShowProgress() ? &progress : nullptr));
        PrintScanSummary(context.out, case_info.name, device.label, summary);
        if (summary.interrupted) return CancelledError("demo interrupted");
      }
      TANTALIO_RETURN_IF_ERROR(ImportDemoSet(*store, evidence.known_good_set, kDemoKnownGoodSet,
                                             kKindKnownGood, context.out));
      TANTALIO_ASSIGN_OR_RETURN(auto matched,
                                MatchCase(*store, case_info, CaseMatchOptions{}, context.cancel));
      context.out << "match: " << matched.contents_checked
                  << " contents checked against the sets new to each device\n";
      TANTALIO_RETURN_IF_ERROR(PrintBriefing(*store, case_info, context.out));
      context.out << "\nStore: " << context.db << "\nNext: tantalio files --case " << kDemoCase
                  << "   tantalio errors --case " << kDemoCase << "   tantalio verify --case "
                  << kDemoCase << " --device phone1\n      tantalio matches --case " << kDemoCase
                  << "   tantalio case export --case " << kDemoCase << " --format vics --out DIR\n"
                  << "      tantalio chats --case " << kDemoCase << "   tantalio who-sent --case "
                  << kDemoCase << "   tantalio identifiers --case " << kDemoCase
                  << "   tantalio links --case " << kDemoCase << "   tantalio media --case "
                  << kDemoCase << "\n";
      return Status::Ok();
    };
  });

  auto case_name = std::make_shared<std::string>();
  CLI::App* summary = app.add_subcommand(
      "summary",
      "What to look at first in a case: shared content, renamed files, cameras, places, errors");
  summary->add_option("--case", *case_name, "Case name")->required();
  summary->callback([&context, &action, case_name] {
    action = [&context, case_name]() -> Status {
      TANTALIO_ASSIGN_OR_RETURN(auto store, context.OpenStore());
      TANTALIO_ASSIGN_OR_RETURN(CaseInfo case_info, store->FindCase(*case_name));
      return PrintBriefing(*store, case_info, context.out);
    };
  });
}

}  // namespace tantalio::cli
