// tantalio case create | case list
#include "cli/commands.h"
#include "cli/output.h"

namespace tantalio::cli {

void RegisterCaseCommands(CLI::App& app, Context& context, Action& action) {
  CLI::App* group = app.add_subcommand("case", "Create and list cases");
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
}

}  // namespace tantalio::cli
