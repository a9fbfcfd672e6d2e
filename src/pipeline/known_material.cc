#include "pipeline/known_material.h"

#include <fstream>
#include <set>
#include <vector>

#include "base/forensic_path.h"
#include "evidence/byte_source.h"
#include "fingerprint/crypto_digest.h"
#include "pipeline/media_analysis.h"

namespace tantalio {
namespace {

// A stored video's vPDQ frames and a stored audio fingerprint against the
// known videos and recordings (nothing to read when the sets hold none).
Status MatchStoredMedia(Store& store, const HashSetMatcher& matcher, const ContentForMatching& c,
                        std::vector<MatchRecord>& out) {
  const bool video = c.mime.starts_with("video/");
  if (!video && !c.mime.starts_with("audio/")) return Status::Ok();
  if (video && matcher.known_videos() > 0) {
    TANTALIO_ASSIGN_OR_RETURN(auto rows, store.Fingerprints(c.sha256, kVpdqAlgorithm));
    TANTALIO_ASSIGN_OR_RETURN(auto frames, VpdqFramesFromRecords(rows));
    TANTALIO_RETURN_IF_ERROR(matcher.MatchVideo(c.sha256, frames, out));
  }
  if (matcher.known_recordings() > 0) {
    TANTALIO_ASSIGN_OR_RETURN(auto rows, store.Fingerprints(c.sha256, kAudioFingerprintAlgorithm));
    for (const FingerprintRecord& row : rows) {
      auto audio = DecodeAudioFingerprint(row.value);
      if (!audio.ok()) {
        return CorruptError("content " + c.sha256 +
                            ": stored audio fingerprint is malformed: " + audio.status().message());
      }
      matcher.MatchAudio(c.sha256, *audio, out);
    }
  }
  return Status::Ok();
}

// The SHA-256 of a file, read through the evidence reader (read-only, no
// atime change): the audit trail names exactly what was imported.
Result<std::string> FileSha256(const std::string& path) {
  TANTALIO_ASSIGN_OR_RETURN(auto source, OpenEvidenceFile(path));
  CryptoHasher hasher;
  std::vector<uint8_t> buffer(size_t{1} << 20);
  uint64_t offset = 0;
  while (true) {
    TANTALIO_ASSIGN_OR_RETURN(size_t n, source->ReadAt(offset, buffer));
    if (n == 0) break;
    hasher.Update(std::span<const uint8_t>(buffer.data(), n));
    offset += n;
  }
  return hasher.Finish().Sha256Hex();
}

}  // namespace

Result<HashSetImportOutcome> ImportHashSetFile(Store& store, const HashSetImportRequest& request) {
  HashSetImportOutcome outcome;
  formats::ImportOptions options = request.options;
  if (options.format == formats::HashSetFormat::kAuto) {
    TANTALIO_ASSIGN_OR_RETURN(options.format, formats::DetectHashSetFormat(request.path));
  }
  std::string kind = request.kind;
  if (kind.empty())
    kind = options.format == formats::HashSetFormat::kNsrl ? kKindKnownGood : kKindIllegal;
  TANTALIO_ASSIGN_OR_RETURN(outcome.source_sha256, FileSha256(request.path));

  HashSetInfo info = HashSetInfo::Named(request.name, kind);
  info.agency = request.agency;
  info.version = request.version;
  info.source_file = request.path;
  TANTALIO_ASSIGN_OR_RETURN(auto import, store.BeginHashSetImport(info));
  uint64_t added = 0;
  auto report = formats::ReadHashSet(
      request.path, options,
      [&](const formats::HashSetEntry& entry, const formats::RecordLocation& where) -> Status {
        if (request.on_progress && ++added % HashSetImportRequest::kProgressEvery == 0) {
          request.on_progress(added);
        }
        TANTALIO_ASSIGN_OR_RETURN(auto merged, import->Add(entry));
        if (merged) {
          ++outcome.merged;
          if (outcome.merge_warnings.size() < HashSetImportOutcome::kMaxWarnings) {
            outcome.merge_warnings.push_back(where.text + ": " + *merged);
          }
        }
        return Status::Ok();
      });
  if (!report.ok()) return report.status().WithContext("import hash set " + request.name);
  outcome.report = std::move(report).value();

  HashSetInfo described;
  if (request.agency.empty()) described.agency = outcome.report.source.agency;
  // NSRL names its release; a VICS file names only its data-model version,
  // which the format text already carries ("VICS 2.0 ..."), not the set's.
  if (request.version.empty() && options.format == formats::HashSetFormat::kNsrl) {
    described.version = outcome.report.source.version;
  }
  described.source_format = outcome.report.source.format;
  described.category_scheme = outcome.report.source.category_scheme;
  TANTALIO_ASSIGN_OR_RETURN(outcome.set, import->Commit(described));
  import.reset();

  TANTALIO_RETURN_IF_ERROR(store.AppendAudit(AuditEvent{
      request.actor, "hashset.import",
      "{\"set\":\"" + EscapeForJson(outcome.set.name) + "\",\"kind\":\"" + outcome.set.kind +
          "\",\"file\":\"" + EscapeForJson(request.path) + "\",\"sha256\":\"" +
          outcome.source_sha256 + "\",\"format\":\"" + EscapeForJson(outcome.set.source_format) +
          "\",\"entries\":" + std::to_string(outcome.set.entries) +
          ",\"records\":" + std::to_string(outcome.report.records) +
          ",\"skipped_invalid\":" + std::to_string(outcome.report.skipped_invalid) +
          ",\"merged\":" + std::to_string(outcome.merged) + "}"}));
  return outcome;
}

Result<uint64_t> ExportHashSet(Store& store, const std::string& name, formats::HashSetFormat format,
                               std::ostream& out, const formats::ExportHeader& header) {
  TANTALIO_ASSIGN_OR_RETURN(HashSetInfo set, store.FindHashSet(name));
  formats::ExportHeader full = header;
  if (full.set_name.empty()) full.set_name = set.name;
  if (full.agency.empty()) full.agency = set.agency;
  TANTALIO_ASSIGN_OR_RETURN(auto writer, formats::NewHashSetWriter(format, out, full));
  uint64_t written = 0;
  Status failed;
  TANTALIO_RETURN_IF_ERROR(store.ForEachHashSetEntry(set.id, [&](const StoredHashEntry& e) {
    failed = writer->Write(e.entry);
    if (!failed.ok()) {
      failed =
          failed.WithContext("entry " + std::to_string(e.id) +
                             (e.entry.source_ref.empty() ? "" : " (" + e.entry.source_ref + ")"));
      return false;
    }
    ++written;
    return true;
  }));
  TANTALIO_RETURN_IF_ERROR(failed);
  TANTALIO_RETURN_IF_ERROR(writer->Finish());
  return written;
}

Result<CaseMatchSummary> MatchCase(Store& store, const CaseInfo& case_info,
                                   const CaseMatchOptions& options,
                                   const std::atomic<bool>* cancel) {
  CaseMatchSummary summary;
  TANTALIO_ASSIGN_OR_RETURN(auto sets, store.ListHashSets());
  TANTALIO_ASSIGN_OR_RETURN(auto devices, store.ListDevices(case_info.id));
  const int distance = options.matching.max_distance;
  std::set<std::string> matched_names;
  for (const DeviceInfo& device : devices) {
    ++summary.devices;
    TANTALIO_ASSIGN_OR_RETURN(auto done, store.MatchedSets(device.id));
    MatcherOptions matching = options.matching;
    matching.set_ids.clear();
    for (const HashSetInfo& set : sets) {
      auto it = done.find(set.id);
      if (it == done.end() || it->second < distance) {
        matching.set_ids.push_back(set.id);
        matched_names.insert(set.name);
      }
    }
    if (matching.set_ids.empty()) {
      ++summary.devices_up_to_date;
      continue;
    }
    TANTALIO_ASSIGN_OR_RETURN(auto matcher, HashSetMatcher::Load(store, matching));
    IngestBatch batch;
    batch.device_id = device.id;
    constexpr size_t kBatchMatches = 20000;
    Status failed;
    TANTALIO_RETURN_IF_ERROR(
        store.ForEachContentForMatching(device.id, [&](const ContentForMatching& c) {
          if (cancel != nullptr && cancel->load()) {
            summary.interrupted = true;
            return false;
          }
          ++summary.contents_checked;
          matcher->MatchDigests(ContentRecord{c.sha256, c.md5, c.sha1, 0, "", "", 0},
                                batch.matches);
          failed = matcher->MatchStoredPdq(c, batch.matches);
          if (failed.ok()) failed = MatchStoredMedia(store, *matcher, c, batch.matches);
          if (!failed.ok()) return false;
          if (batch.matches.size() >= kBatchMatches) {
            summary.match_records += batch.matches.size();
            failed = store.Apply(batch).status();
            batch.matches.clear();
            if (!failed.ok()) return false;
          }
          return true;
        }));
    TANTALIO_RETURN_IF_ERROR(failed.WithContext("match device " + device.label));
    summary.match_records += batch.matches.size();
    TANTALIO_RETURN_IF_ERROR(store.Apply(batch).status());
    if (summary.interrupted) break;
    TANTALIO_RETURN_IF_ERROR(store.RecordMatchedSets(device.id, matcher->set_ids(), distance));
  }
  summary.sets_matched.assign(matched_names.begin(), matched_names.end());
  TANTALIO_RETURN_IF_ERROR(store.AppendAudit(AuditEvent{
      options.actor, "case.match",
      "{\"case\":\"" + EscapeForJson(case_info.name) + "\",\"max_distance\":" +
          std::to_string(distance) + ",\"contents\":" + std::to_string(summary.contents_checked) +
          ",\"interrupted\":" + (summary.interrupted ? "true" : "false") + "}"}));
  return summary;
}

}  // namespace tantalio
