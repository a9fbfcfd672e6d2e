// The subcommands of `tantalio`, each registered on a CLI11 app. Internal to
// the cli module.
#ifndef TANTALIO_CLI_COMMANDS_H_
#define TANTALIO_CLI_COMMANDS_H_

#include <CLI/CLI.hpp>
#include <atomic>
#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "base/status.h"
#include "pipeline/scanner.h"
#include "store/store.h"

namespace tantalio::cli {

// What every command may use: global options and the streams.
struct Context {
  std::string db;  // store URI (--db, else $TANTALIO_DB, else ./tantalio.db)
  bool quiet = false;
  std::ostream& out;
  std::ostream& err;
  const std::atomic<bool>* cancel;

  // Opens the store named by `db`.
  Result<std::unique_ptr<Store>> OpenStore() const;
  // True when progress may be drawn: stderr is a terminal and not --quiet.
  bool ShowProgress() const;
  // Where the snapshots of the hash sets' PDQ index and digest filters
  // live: beside the SQLite store ("case.db.hashsets.pdq", ".digests").
  std::string HashSetIndexPrefix() const;
};

// A registered command: runs after a successful parse when it was chosen.
using Action = std::function<Status()>;
using Register = std::function<void(CLI::App& parent, Context& context, Action& action)>;

void RegisterCaseCommands(CLI::App& app, Context& context, Action& action);
void RegisterScanCommands(CLI::App& app, Context& context, Action& action);
void RegisterReportCommands(CLI::App& app, Context& context, Action& action);
void RegisterHashCommand(CLI::App& app, Context& context, Action& action);
void RegisterDemoCommand(CLI::App& app, Context& context, Action& action);
void RegisterHashSetCommands(CLI::App& app, Context& context, Action& action);
void RegisterChatCommands(CLI::App& app, Context& context, Action& action);

// Shared by commands that print scan results.
void PrintScanSummary(std::ostream& out, const std::string& case_name, const std::string& device,
                      const ScanSummary& summary);
// "1,234,567"
std::string Count(uint64_t n);
// How a match was made, for people: "sha256", "pdq distance 12 (rot90)",
// "video clip 0:00.0-0:10.0 = 0:20.0-0:30.0 of the known video (100% of its
// frames)", "audio: the same recording (bit error rate 0.08)".
std::string DescribeMatchMethod(const MatchRow& m);
// The known-material lines of a case: matches per set and category,
// known-good files hidden from review, and new material.
Status PrintKnownMaterial(std::ostream& out, Store& store, const CaseInfo& case_info);
// The chat lines of a case: messenger databases, invite links with the group
// they open and its members, and who posted known material first and who
// passed it on.
Status PrintChatBriefing(std::ostream& out, Store& store, const CaseInfo& case_info);

}  // namespace tantalio::cli

#endif  // TANTALIO_CLI_COMMANDS_H_
