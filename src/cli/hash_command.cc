// tantalio hash: fingerprints without any store.
#include "cli/commands.h"
#include "cli/output.h"
#include "evidence/directory_cursor.h"
#include "pipeline/file_fingerprint.h"

namespace tantalio::cli {

void RegisterHashCommand(CLI::App& app, Context& context, Action& action) {
  struct HashArgs {
    std::string format = "csv";
    std::vector<std::string> paths;
  };
  auto args = std::make_shared<HashArgs>();
  CLI::App* hash =
      app.add_subcommand("hash",
                         "Print the fingerprints of files (folders are walked) without any store.\n"
                         "CSV has a header row; JSON is one object per line.");
  hash->add_option("--format", args->format, "csv or json");
  hash->add_option("FILE", args->paths, "Files or folders")->required();
  hash->callback([&context, &action, args] {
    action = [&context, args]() -> Status {
      TANTALIO_ASSIGN_OR_RETURN(OutputFormat format, ParseOutputFormat(args->format));
      if (format == OutputFormat::kTable) return InvalidArgumentError("hash prints csv or json");
      TableWriter table(context.out, format, {"path", "size", "mime", "md5", "sha1", "sha256"});
      size_t failures = 0;
      for (const auto& path : args->paths) {
        for (DirectoryCursor cursor(path, path); cursor.Valid(); cursor.Next()) {
          if (context.cancel != nullptr && context.cancel->load())
            return CancelledError("hash interrupted");
          const DirectoryItem& item = cursor.item();
          if (item.error.ok() && item.kind != ItemKind::kFile)
            continue;  // links, devices: no content
          Result<FileFingerprint> fp =
              item.error.ok() ? FingerprintFile(item.fs_path) : Result<FileFingerprint>(item.error);
          if (!fp.ok()) {
            ++failures;
            context.err << "tantalio: " << fp.status().message() << "\n";
            continue;
          }
          table.Row({Cell::Text(item.forensic_path), Cell::Number(static_cast<long long>(fp->size)),
                     Cell::Text(fp->mime), Cell::Text(fp->digests.Md5Hex()),
                     Cell::Text(fp->digests.Sha1Hex()), Cell::Text(fp->digests.Sha256Hex())});
        }
      }
      if (failures > 0) return IoError(std::to_string(failures) + " file(s) could not be read");
      return Status::Ok();
    };
  });
}

}  // namespace tantalio::cli
