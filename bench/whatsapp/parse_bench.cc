// Times ReadAndroidWhatsApp on one msgstore.db (BENCHMARKS.md target: a
// generated database with 1M messages and 100k media rows in at most 15 s).
// Prints wall seconds per run, rows per table, output sizes and peak RSS.
//
// usage: whatsapp_parse_bench MSGSTORE.DB [RUNS]
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "artifacts/whatsapp_android.h"

namespace {

double PeakRssMb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // Linux: KiB
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s MSGSTORE.DB [RUNS]\n", argv[0]);
    return 2;
  }
  const std::string path = argv[1];
  const int runs = argc > 2 ? std::max(1, std::atoi(argv[2])) : 3;
  std::vector<double> seconds;
  for (int run = 0; run < runs; ++run) {
    auto start = std::chrono::steady_clock::now();
    auto extract = tantalio::artifacts::ReadAndroidWhatsApp(path);
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!extract.ok()) {
      std::fprintf(stderr, "read failed: %s\n", extract.status().message().c_str());
      return 1;
    }
    seconds.push_back(s);
    std::printf("run %d: %.2f s\n", run + 1, s);
    if (run + 1 == runs) {
      std::printf("era: %s  kind: %s\n", extract->era.c_str(),
                  tantalio::artifacts::WhatsAppDatabaseKindName(extract->kind));
      for (const auto& [table, rows] : extract->table_rows) {
        std::printf("  table %-24s %10lld rows\n", table.c_str(), static_cast<long long>(rows));
      }
      std::printf(
          "  out chats %zu, participants %zu, messages %zu, media %zu, invites %zu, "
          "warnings %zu\n",
          extract->chats.size(), extract->participants.size(), extract->messages.size(),
          extract->media.size(), extract->invites.size(), extract->warnings.size());
      for (size_t i = 0; i < std::min<size_t>(extract->warnings.size(), 5); ++i) {
        std::printf("  warning: %s\n", extract->warnings[i].c_str());
      }
    }
  }
  std::sort(seconds.begin(), seconds.end());
  std::printf("parse: median %.2f s over %d run(s) (min %.2f, max %.2f); peak RSS %.0f MB\n",
              seconds[seconds.size() / 2], runs, seconds.front(), seconds.back(), PeakRssMb());
  return 0;
}
