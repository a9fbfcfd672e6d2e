// tantalio hash: fingerprints without any store.
#include "base/forensic_path.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "evidence/directory_cursor.h"
#include "fingerprint/pdq.h"
#include "pipeline/file_fingerprint.h"

namespace tantalio::cli {

void RegisterHashCommand(CLI::App& app, Context& context, Action& action) {
  struct HashArgs {
    std::string format = "csv";
    bool orientations = false;
    int fast = 1;
    std::vector<std::string> paths;
  };
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
  hash->add_option("FILE", args->paths, "Files or folders")->required();
  hash->callback([&context, &action, args] {
    action = [&context, args]() -> Status {
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
