#include "cli/cli.h"

#include <unistd.h>

#include <cstdlib>

#include "cli/commands.h"

namespace tantalio::cli {

Result<std::unique_ptr<Store>> Context::OpenStore() const { return Store::Open(db); }

std::string Context::HashSetIndexPrefix() const {
  return (db.starts_with("sqlite:") ? db.substr(7) : db) + ".hashsets";
}

bool Context::ShowProgress() const { return !quiet && ::isatty(STDERR_FILENO) == 1; }

namespace {

int ExitCodeFor(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk:
      return kExitOk;
    case StatusCode::kInvalidArgument:
    case StatusCode::kNotFound:
    case StatusCode::kAlreadyExists:
      return kExitUsage;
    default:
      return kExitFailure;
  }
}

std::string DefaultDb() {
  const char* env = std::getenv("TANTALIO_DB");
  return env != nullptr && *env != '\0' ? env : "./tantalio.db";
}

}  // namespace

int Main(int argc, const char* const* argv, std::ostream& out, std::ostream& err,
         const std::atomic<bool>* cancel) {
  Context context{DefaultDb(), false, out, err, cancel};
  CLI::App app{
      "Tantalio: find known material on seized devices, fingerprint what is new, and link it.\n"
      "Evidence is opened read-only; results go to a case store (SQLite by default).",
      "tantalio"};
  app.set_help_all_flag("--help-all", "Show help for every command");
  app.add_option("--db", context.db,
                 "Case store: a SQLite file path (default ./tantalio.db, or $TANTALIO_DB)");
  app.add_flag("-q,--quiet", context.quiet, "No progress display");
  app.require_subcommand(1);
  app.fallthrough();

  Action action;
  RegisterCaseCommands(app, context, action);
  RegisterScanCommands(app, context, action);
  RegisterReportCommands(app, context, action);
  RegisterHashCommand(app, context, action);
  RegisterDemoCommand(app, context, action);
  RegisterHashSetCommands(app, context, action);
  RegisterChatCommands(app, context, action);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e, out, err) == 0 ? kExitOk : kExitUsage;
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e, out, err) == 0 ? kExitOk : kExitUsage;
  } catch (const CLI::ParseError& e) {
    app.exit(e, out, err);
    return kExitUsage;
  }
  if (!action) {
    err << "tantalio: no command given; see tantalio --help\n";
    return kExitUsage;
  }
  try {
    Status status = action();
    if (!status.ok()) {
      err << "tantalio: " << status.message() << "\n";
      return ExitCodeFor(status);
    }
    return kExitOk;
  } catch (const std::exception& e) {
    err << "tantalio: internal error: " << e.what() << "\n";
    return kExitFailure;
  }
}

}  // namespace tantalio::cli
