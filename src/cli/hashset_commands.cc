// tantalio hashset import | list | export, match, matches
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "base/forensic_path.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "formats/hash_set_entry.h"
#include "index/hamming_index.h"
#include "pipeline/known_material.h"

namespace tantalio::cli {
namespace {

// "md5=Hash,category=Cat" -> {{"md5", "Hash"}, {"category", "Cat"}}.
Result<std::map<std::string, std::string>> ParseColumnMap(const std::string& text) {
  std::map<std::string, std::string> out;
  std::stringstream in(text);
  std::string pair;
  while (std::getline(in, pair, ',')) {
    const size_t eq = pair.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == pair.size()) {
      return InvalidArgumentError("--columns: '" + pair + "' is not FIELD=HEADER");
    }
    out[pair.substr(0, eq)] = pair.substr(eq + 1);
  }
  return out;
}

std::string CategoryCell(std::optional<int> category) {
  return category ? std::to_string(*category) + " " + std::string(formats::CategoryName(category))
                  : std::string(formats::CategoryName(category));
}

void RegisterImport(CLI::App& group, Context& context, Action& action) {
  struct Args {
    std::string file, name, format = "auto", kind, category_map, category_scheme, columns;
    std::string agency, version;
    bool skip_invalid = false;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = group.add_subcommand(
      "import",
      "Import a hash set (VICS JSON, hashdeep/md5deep, NSRL RDSv3/RDSv2, CSV, plain hash list,\n"
      "PDQ list, vPDQ video frames) as one transaction: a bad file leaves nothing behind.");
  cmd->add_option("FILE", args->file, "The hash-set file")->required();
  cmd->add_option("--name", args->name, "Name of the new set, unique in the store")->required();
  cmd->add_option("--format", args->format,
                  "auto, vics, hashdeep, nsrl, csv, hashlist, pdq or vpdq");
  cmd->add_option("--kind", args->kind,
                  "illegal, known-good or watch (default: known-good for NSRL, else illegal)");
  cmd->add_option("--category-map", args->category_map,
                  "File of 'source_value,category' lines mapping the source's categories to "
                  "the project scheme (0-4, empty for uncategorised)");
  cmd->add_option("--category-scheme", args->category_scheme,
                  "Built-in mapping instead of the format's default: vics-us, dhs, uk, ncmec");
  cmd->add_option("--columns", args->columns,
                  "CSV only: FIELD=HEADER pairs, e.g. md5=Hash,category=Cat");
  cmd->add_option("--agency", args->agency, "Source agency (default: what the file says)");
  cmd->add_option("--set-version", args->version, "Version of the set (default: the file's)");
  cmd->add_flag("--skip-invalid", args->skip_invalid,
                "Skip invalid records (counted, first few shown) instead of stopping");
  cmd->callback([&context, &action, args] {
    action = [&context, args]() -> Status {
      HashSetImportRequest request;
      request.path = args->file;
      request.name = args->name;
      request.kind = args->kind;
      request.agency = args->agency;
      request.version = args->version;
      request.actor = "cli";
      if (!args->kind.empty() && !IsHashSetKind(args->kind)) {
        return InvalidArgumentError("--kind must be illegal, known-good or watch, not '" +
                                    args->kind + "'");
      }
      TANTALIO_ASSIGN_OR_RETURN(request.options.format, formats::ParseHashSetFormat(args->format));
      request.options.skip_invalid = args->skip_invalid;
      if (!args->category_map.empty() && !args->category_scheme.empty()) {
        return InvalidArgumentError("give --category-map or --category-scheme, not both");
      }
      if (!args->category_map.empty()) {
        TANTALIO_ASSIGN_OR_RETURN(request.options.category_map,
                                  formats::CategoryMap::FromFile(args->category_map));
      } else if (!args->category_scheme.empty()) {
        TANTALIO_ASSIGN_OR_RETURN(request.options.category_map,
                                  formats::CategoryMap::BuiltIn(args->category_scheme));
      }
      if (!args->columns.empty()) {
        TANTALIO_ASSIGN_OR_RETURN(request.options.csv_columns, ParseColumnMap(args->columns));
      }
      TANTALIO_ASSIGN_OR_RETURN(auto store, context.OpenStore());
      const auto start = std::chrono::steady_clock::now();
      if (context.ShowProgress()) {
        request.on_progress = [start](uint64_t records) {
          const double s =
              std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
          std::fprintf(
              stderr, "\r\033[Kimport  %s records  %.0f s  %s records/s", Count(records).c_str(), s,
              Count(static_cast<uint64_t>(static_cast<double>(records) / std::max(s, 1e-3)))
                  .c_str());
          std::fflush(stderr);
        };
      }
      auto imported = ImportHashSetFile(*store, request);
      if (context.ShowProgress()) std::fprintf(stderr, "\r\033[K");
      TANTALIO_ASSIGN_OR_RETURN(auto outcome, std::move(imported));
      const auto& r = outcome.report;
      std::ostream& out = context.out;
      out << "imported hash set '" << outcome.set.name << "' (" << outcome.set.kind << ") from "
          << EscapeForDisplay(args->file) << "\n"
          << "  format: " << r.source.format;
      if (!r.source.category_scheme.empty()) out << ", categories: " << r.source.category_scheme;
      if (!outcome.set.agency.empty()) out << ", agency: " << outcome.set.agency;
      if (!outcome.set.version.empty()) out << ", version: " << outcome.set.version;
      out << "\n  " << Count(r.records) << " records read, " << Count(outcome.set.entries)
          << " entries stored, " << Count(outcome.merged) << " duplicates merged, "
          << Count(r.skipped_invalid) << " invalid skipped, " << Count(r.dropped_empty_file)
          << " empty-file hashes dropped\n"
          << "  file SHA-256 " << outcome.source_sha256 << " (recorded in the audit log)\n";
      for (const auto& w : outcome.merge_warnings) context.err << "warning: " << w << "\n";
      if (outcome.merged > outcome.merge_warnings.size()) {
        context.err << "warning: ... and " << Count(outcome.merged - outcome.merge_warnings.size())
                    << " more merged duplicates\n";
      }
      for (const auto& p : r.problems) context.err << "skipped: " << p << "\n";
      if (r.skipped_invalid > r.problems.size()) {
        context.err << "skipped: ... and " << Count(r.skipped_invalid - r.problems.size())
                    << " more invalid records\n";
      }
      out << "  match existing cases against it with: tantalio match --case NAME\n";
      return Status::Ok();
    };
  });
}

void RegisterList(CLI::App& group, Context& context, Action& action) {
  auto format = std::make_shared<std::string>("table");
  CLI::App* cmd = group.add_subcommand("list", "List the hash sets in the store");
  cmd->add_option("--format", *format, "table, csv or json");
  cmd->callback([&context, &action, format] {
    action = [&context, format]() -> Status {
      TANTALIO_ASSIGN_OR_RETURN(OutputFormat f, ParseOutputFormat(*format));
      TANTALIO_ASSIGN_OR_RETURN(auto store, context.OpenStore());
      TANTALIO_ASSIGN_OR_RETURN(auto sets, store->ListHashSets());
      TableWriter table(
          context.out, f,
          {"name", "kind", "entries", "agency", "version", "format", "categories", "imported_at"});
      for (const auto& s : sets) {
        table.Row({Cell::Text(s.name), Cell::Text(s.kind),
                   Cell::Number(static_cast<int64_t>(s.entries)), Cell::Text(s.agency),
                   Cell::Text(s.version), Cell::Text(s.source_format),
                   Cell::Text(s.category_scheme), Cell::Text(s.imported_at)});
      }
      return Status::Ok();
    };
  });
}

void RegisterExport(CLI::App& group, Context& context, Action& action) {
  struct Args {
    std::string name, format, out;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = group.add_subcommand("export", "Write a hash set in an exchange format");
  cmd->add_option("--name", args->name, "The set")->required();
  cmd->add_option("--format", args->format, "vics, hashdeep, csv, pdq, vpdq or hashlist")
      ->required();
  cmd->add_option("--out", args->out, "Output file (must not exist)")->required();
  cmd->callback([&context, &action, args] {
    action = [&context, args]() -> Status {
      TANTALIO_ASSIGN_OR_RETURN(auto format, formats::ParseHashSetFormat(args->format));
      TANTALIO_ASSIGN_OR_RETURN(auto store, context.OpenStore());
      if (std::ifstream(args->out).good()) {
        return AlreadyExistsError("--out " + args->out + " exists; choose another file");
      }
      const std::string partial = args->out + ".partial";
      std::ofstream out(partial, std::ios::binary | std::ios::trunc);
      if (!out) return IoError("create " + partial);
      auto written =
          ExportHashSet(*store, args->name, format, out, formats::ExportHeader{"", "", "tantalio"});
      out.close();
      if (!written.ok() || !out) {
        std::remove(partial.c_str());
        return written.ok() ? IoError("write " + partial) : written.status();
      }
      if (std::rename(partial.c_str(), args->out.c_str()) != 0) {
        return ErrnoError("rename " + partial, errno);
      }
      TANTALIO_RETURN_IF_ERROR(store->AppendAudit(AuditEvent{
          "cli", "hashset.export",
          "{\"set\":" + JsonString(args->name) + ",\"format\":" + JsonString(args->format) +
              ",\"file\":" + JsonString(args->out) + ",\"entries\":" + std::to_string(*written) +
              "}"}));
      context.out << "wrote " << Count(*written) << " entries of '" << args->name << "' to "
                  << args->out << " (" << args->format << ")\n";
      return Status::Ok();
    };
  });
}

void RegisterMatch(CLI::App& app, Context& context, Action& action) {
  struct Args {
    std::string case_name;
    int max_distance = kPdqMatchMaxDistance;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand(
      "match",
      "Match a case against hash sets imported since its devices were scanned.\n"
      "Only new work is done: each device is matched against the sets it has not met yet\n"
      "(or met at a smaller --max-distance).");
  cmd->add_option("--case", args->case_name, "Case name")->required();
  cmd->add_option("--max-distance", args->max_distance, "PDQ threshold, inclusive (default 31)")
      ->check(CLI::Range(0, 256));
  cmd->callback([&context, &action, args] {
    action = [&context, args]() -> Status {
      TANTALIO_ASSIGN_OR_RETURN(auto store, context.OpenStore());
      TANTALIO_ASSIGN_OR_RETURN(CaseInfo case_info, store->FindCase(args->case_name));
      CaseMatchOptions options;
      options.matching.max_distance = args->max_distance;
      options.matching.snapshot_prefix = context.HashSetIndexPrefix();
      options.actor = "cli";
      TANTALIO_ASSIGN_OR_RETURN(auto summary,
                                MatchCase(*store, case_info, options, context.cancel));
      std::ostream& out = context.out;
      out << "match of case '" << case_info.name << "'"
          << (summary.interrupted ? " INTERRUPTED" : "") << ": " << Count(summary.devices)
          << " devices, " << Count(summary.devices_up_to_date) << " already up to date, "
          << Count(summary.contents_checked) << " contents checked";
      if (!summary.sets_matched.empty()) {
        out << " against";
        for (const auto& name : summary.sets_matched) out << " '" << name << "'";
      }
      out << "\n";
      TANTALIO_RETURN_IF_ERROR(PrintKnownMaterial(out, *store, case_info));
      if (summary.interrupted) return CancelledError("match interrupted; re-run to finish");
      return Status::Ok();
    };
  });
}

void RegisterMatches(CLI::App& app, Context& context, Action& action) {
  struct Args {
    std::string case_name, format = "table";
    bool include_known_good = false;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd =
      app.add_subcommand("matches", "List the files of a case that match known material");
  cmd->add_option("--case", args->case_name, "Case name")->required();
  cmd->add_option("--format", args->format, "table, csv or json (one object per line)");
  cmd->add_flag("--include-known-good", args->include_known_good,
                "Also list matches against known-good sets (hidden by default)");
  cmd->callback([&context, &action, args] {
    action = [&context, args]() -> Status {
      TANTALIO_ASSIGN_OR_RETURN(OutputFormat format, ParseOutputFormat(args->format));
      TANTALIO_ASSIGN_OR_RETURN(auto store, context.OpenStore());
      TANTALIO_ASSIGN_OR_RETURN(CaseInfo case_info, store->FindCase(args->case_name));
      // People read one "match" column; programs get the numbers.
      const bool table_format = format == OutputFormat::kTable;
      std::vector<std::string> columns = {"device",    "forensic_path", "sha256",  "hashset",
                                          "entry_ref", "method",        "distance"};
      if (table_format) {
        columns.push_back("match");
      } else {
        for (const char* c : {"orientation", "query_start", "query_end", "known_start", "known_end",
                              "score", "known_percent"}) {
          columns.push_back(c);
        }
      }
      for (const char* c : {"category", "series", "allocation"}) columns.push_back(c);
      TableWriter table(context.out, format, columns);
      auto real = [](std::optional<double> v) { return v ? Cell::Real(*v) : Cell::Null(); };
      return store->ForEachMatch(case_info.id, args->include_known_good, [&](const MatchRow& m) {
        const bool pdq = m.method == kMethodPdq;
        std::vector<Cell> row = {Cell::Text(m.device),    Cell::Text(m.forensic_path),
                                 Cell::Text(m.sha256),    Cell::Text(m.hash_set),
                                 Cell::Text(m.entry_ref), Cell::Text(m.method),
                                 Cell::Number(m.distance)};
        if (table_format) {
          row.push_back(Cell::Text(DescribeMatchMethod(m)));
        } else {
          const MediaSpan& s = m.span;
          row.push_back(pdq ? Cell::Text(m.orientation) : Cell::Null());
          for (const auto& v :
               {s.query_start, s.query_end, s.known_start, s.known_end, s.score, s.known_percent}) {
            row.push_back(real(v));
          }
        }
        row.push_back(m.category ? Cell::Text(CategoryCell(m.category)) : Cell::Null());
        row.push_back(m.series.empty() ? Cell::Null() : Cell::Text(m.series));
        row.push_back(m.allocation.empty() ? Cell::Null() : Cell::Text(m.allocation));
        table.Row(std::move(row));
        return true;
      });
    };
  });
}

void RegisterIndexBuild(CLI::App& app, Context& context, Action& action) {
  auto out = std::make_shared<std::string>();
  CLI::App* group = app.add_subcommand("index", "The matching indexes of the hash sets");
  group->require_subcommand(1);
  CLI::App* build = group->add_subcommand(
      "build",
      "Build the exact Hamming index over every set's PDQ hashes and the digest filters,\n"
      "and write their snapshots. scan and match load them when they are current and\n"
      "rebuild them when a set was added.");
  build->add_option("--out", *out,
                    "Snapshot prefix (default: the store path + .hashsets; writes .pdq and "
                    ".digests)");
  build->callback([&context, &action, out] {
    action = [&context, out]() -> Status {
      const std::string prefix = out->empty() ? context.HashSetIndexPrefix() : *out;
      TANTALIO_ASSIGN_OR_RETURN(auto store, context.OpenStore());
      const auto start = std::chrono::steady_clock::now();
      TANTALIO_ASSIGN_OR_RETURN(auto matcher, HashSetMatcher::BuildSnapshots(*store, prefix));
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      const std::string pdq_path = HashSetMatcher::PdqSnapshotPath(prefix);
      TANTALIO_ASSIGN_OR_RETURN(auto info, index::ReadSnapshotInfo(pdq_path));
      char took[32];
      std::snprintf(took, sizeof took, "%.1f s", seconds);
      context.out << "wrote " << pdq_path << ": " << Count(matcher->pdq_hashes()) << " PDQ hashes ("
                  << info.algorithm
                  << (info.mih_tables > 0 ? ", " + std::to_string(info.mih_tables) + " MIH tables"
                                          : std::string())
                  << ")\nwrote " << HashSetMatcher::DigestSnapshotPath(prefix) << ": "
                  << Count(matcher->exact_hashes()) << " distinct MD5/SHA-1/SHA-256 prefixes\n"
                  << "in " << took << "\n";
      return Status::Ok();
    };
  });
}

}  // namespace

namespace {

// "m:ss.s" (or "h:mm:ss.s").
std::string MediaTime(std::optional<double> seconds) {
  if (!seconds) return "?";
  const double t = std::max(0.0, *seconds);
  const auto whole = static_cast<int64_t>(t);
  const double frac = t - static_cast<double>(whole - whole % 60);
  char text[48];
  if (whole >= 3600) {
    std::snprintf(text, sizeof text, "%lld:%02lld:%04.1f", static_cast<long long>(whole / 3600),
                  static_cast<long long>(whole / 60 % 60), frac);
  } else {
    std::snprintf(text, sizeof text, "%lld:%04.1f", static_cast<long long>(whole / 60), frac);
  }
  return text;
}

std::string Percent(std::optional<double> value) {
  char text[16];
  std::snprintf(text, sizeof text, "%.0f%%", value.value_or(0));
  return text;
}

}  // namespace

std::string DescribeMatchMethod(const MatchRow& m) {
  const MediaSpan& s = m.span;
  const std::string here = MediaTime(s.query_start) + "-" + MediaTime(s.query_end);
  const std::string there = MediaTime(s.known_start) + "-" + MediaTime(s.known_end);
  char ber[32];
  std::snprintf(ber, sizeof ber, "bit error rate %.2f", s.score.value_or(0));
  if (m.method == kMethodPdq) {
    return "pdq distance " + std::to_string(m.distance) + " (" + m.orientation + ")";
  }
  if (m.method == kMethodVpdq) {
    return "video: the same video (" + Percent(s.score) + " of its frames, " +
           Percent(s.known_percent) + " of the known video's)";
  }
  if (m.method == kMethodVpdqClip) {
    return "video clip " + here + " = " + there + " of the known video (" + Percent(s.score) +
           " of its frames there)";
  }
  if (m.method == kMethodAudio) return "audio: the same recording (" + std::string(ber) + ")";
  if (m.method == kMethodAudioClip) {
    return "audio clip " + here + " = " + there + " of the known recording (" + ber + ")";
  }
  return m.method;
}

Status PrintKnownMaterial(std::ostream& out, Store& store, const CaseInfo& case_info) {
  TANTALIO_ASSIGN_OR_RETURN(MatchSummary s, store.SummarizeMatches(case_info.id));
  out << "known material: " << Count(s.known_files) << " files match illegal or watch sets; "
      << Count(s.known_good_files) << " known-good files kept out of review\n";
  for (const auto& set : s.per_set) {
    out << "  set '" << set.name << "' (" << set.kind << "): " << Count(set.files) << " files, "
        << Count(set.contents) << " distinct (" << Count(set.exact_contents) << " exact, "
        << Count(set.pdq_contents) << " perceptual"
        << (set.media_contents > 0 ? ", " + Count(set.media_contents) + " video or audio"
                                   : std::string())
        << ")\n";
  }
  for (const auto& c : s.per_category) {
    out << "  category " << CategoryCell(c.category) << ": " << Count(c.files) << " files, "
        << Count(c.contents) << " distinct\n";
  }
  out << "NEW MATERIAL: " << Count(s.new_images) << " of " << Count(s.images)
      << " distinct images match nothing known (" << Count(s.new_image_files)
      << " files): review these first\n";
  if (s.videos > 0) {
    out << "NEW VIDEOS: " << Count(s.new_videos) << " of " << Count(s.videos)
        << " distinct videos match nothing known (" << Count(s.new_video_files) << " files)\n";
  }
  if (s.known_files > 0)
    out << "  list matches with: tantalio matches --case " << case_info.name << "\n";
  return Status::Ok();
}

void RegisterHashSetCommands(CLI::App& app, Context& context, Action& action) {
  CLI::App* group =
      app.add_subcommand("hashset", "Import, list and export known-material hash sets");
  group->require_subcommand(1);
  RegisterImport(*group, context, action);
  RegisterList(*group, context, action);
  RegisterExport(*group, context, action);
  RegisterMatch(app, context, action);
  RegisterMatches(app, context, action);
  RegisterIndexBuild(app, context, action);
}

}  // namespace tantalio::cli
