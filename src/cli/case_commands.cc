// tantalio case create | case list | case export
#include "cli/commands.h"
#include "cli/output.h"
#include "pipeline/case_export.h"

namespace tantalio::cli {

void RegisterCaseCommands(CLI::App& app, Context& context, Action& action) {
  CLI::App* group = app.add_subcommand("case", "Create, list and export cases");
  group->require_subcommand(1);

  struct CreateArgs {
    std::string name, agency, country;
  };
  auto create_args = std::make_shared<CreateArgs>();
  CLI::App* create = group->add_subcommand("create", "Create a case");
  create->add_option("NAME", create_args->name, "Case name, unique in the store")->required();
  create->add_option("--agency", create_args->agency, "Agency that owns the case");
  create->add_option("--country", create_args->country,
                     "Country code (ISO 3166-1 alpha-2), e.g. ES");
  create->callback([&context, &action, create_args] {
    action = [&context, create_args]() -> Status {
      const std::string& cc = create_args->country;
      if (!cc.empty() && (cc.size() != 2 || !std::isupper(static_cast<unsigned char>(cc[0])) ||
                          !std::isupper(static_cast<unsigned char>(cc[1])))) {
        return InvalidArgumentError(
            "--country must be a two-letter upper-case code such as ES, got '" + cc + "'");
      }
      TANTALIO_ASSIGN_OR_RETURN(auto store, context.OpenStore());
      TANTALIO_ASSIGN_OR_RETURN(
          CaseInfo info,
          store->CreateCase(CaseInfo{0, create_args->name, create_args->agency, cc, ""}));
      TANTALIO_RETURN_IF_ERROR(store->AppendAudit(AuditEvent{
          "cli", "case.create",
          "{\"case\":" + JsonString(info.name) + ",\"agency\":" + JsonString(info.agency) +
              ",\"country\":" + JsonString(info.country) + "}"}));
      context.out << "created case '" << info.name << "' in " << context.db << "\n";
      return Status::Ok();
    };
  });

  auto list_format = std::make_shared<std::string>("table");
  CLI::App* list = group->add_subcommand("list", "List the cases in the store");
  list->add_option("--format", *list_format, "table, csv or json");
  list->callback([&context, &action, list_format] {
    action = [&context, list_format]() -> Status {
      TANTALIO_ASSIGN_OR_RETURN(OutputFormat format, ParseOutputFormat(*list_format));
      TANTALIO_ASSIGN_OR_RETURN(auto store, context.OpenStore());
      TANTALIO_ASSIGN_OR_RETURN(auto cases, store->ListCases());
      TableWriter table(context.out, format,
                        {"name", "agency", "country", "devices", "files", "created_at"});
      for (const auto& c : cases) {
        TANTALIO_ASSIGN_OR_RETURN(CaseSummary s, store->SummarizeCase(c.id, std::nullopt));
        table.Row({Cell::Text(c.name), Cell::Text(c.agency), Cell::Text(c.country),
                   Cell::Number(static_cast<int64_t>(s.devices)),
                   Cell::Number(static_cast<int64_t>(s.files)), Cell::Text(c.created_at)});
      }
      return Status::Ok();
    };
  });

  struct ExportArgs {
    std::string case_name, format = "vics", out;
    bool with_files = false;
  };
  auto export_args = std::make_shared<ExportArgs>();
  CLI::App* exp = group->add_subcommand(
      "export",
      "Export a case's categorised media as VICS 2.0 (#Cases) for the next agency's tools.\n"
      "Content files are copied out of the evidence only with --with-files.");
  exp->add_option("--case", export_args->case_name, "Case name")->required();
  exp->add_option("--format", export_args->format, "vics (the only case format)");
  exp->add_option("--out", export_args->out, "Output folder")->required();
  exp->add_flag("--with-files", export_args->with_files,
                "Also copy each content to Files/ (verified against its SHA-256)");
  exp->callback([&context, &action, export_args] {
    action = [&context, export_args]() -> Status {
      if (export_args->format != "vics") {
        return InvalidArgumentError("case export --format: only 'vics' is supported, not '" +
                                    export_args->format + "'");
      }
      TANTALIO_ASSIGN_OR_RETURN(auto store, context.OpenStore());
      TANTALIO_ASSIGN_OR_RETURN(CaseInfo info, store->FindCase(export_args->case_name));
      CaseExportOptions options;
      options.out_dir = export_args->out;
      options.with_files = export_args->with_files;
      options.tool_version = "tantalio 0.1.0";
      options.actor = "cli";
      TANTALIO_ASSIGN_OR_RETURN(auto summary, ExportCaseVics(*store, info, options));
      context.out << "wrote " << summary.json_path << ": " << Count(summary.media)
                  << " categorised media, " << Count(summary.media_files) << " media files";
      if (options.with_files)
        context.out << ", " << Count(summary.files_written) << " contents copied";
      context.out << "\n";
      for (const auto& p : summary.file_problems) context.err << "not copied: " << p << "\n";
      if (!summary.file_problems.empty()) {
        return IoError(std::to_string(summary.file_problems.size()) +
                       " contents could not be copied out of the evidence (listed above)");
      }
      return Status::Ok();
    };
  });
}

}  // namespace tantalio::cli
