#include "pipeline/progress.h"

#include <cmath>

namespace tantalio {

std::string HumanBytes(uint64_t bytes) {
  static const char* kUnits[] = {"B", "kB", "MB", "GB", "TB", "PB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1000 && unit < 5) {
    value /= 1000;
    ++unit;
  }
  char buf[32];
  if (unit == 0) {
    std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(bytes));
  } else {
    std::snprintf(buf, sizeof buf, "%.1f %s", value, kUnits[unit]);
  }
  return buf;
}

std::string HumanDuration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const long long total = std::llround(seconds);
  char buf[32];
  if (total >= 3600) {
    std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", total / 3600, total / 60 % 60, total % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%lld:%02lld", total / 60, total % 60);
  }
  return buf;
}

void TerminalProgress::Update(const ProgressCounters& c, std::chrono::duration<double> elapsed,
                              bool final) {
  const uint64_t units = c.units_done.load();
  const uint64_t units_total = c.units_total.load();
  const uint64_t bytes = c.bytes_done.load();
  const uint64_t bytes_total = c.bytes_total.load();
  const double seconds = std::max(elapsed.count(), 1e-3);
  const double rate = static_cast<double>(bytes) / seconds;
  // Many small files are bound by their count, big ones by their bytes: the
  // estimate weighs both fractions of the work.
  std::string eta = "?";
  if (units_total > 0 && bytes_total > 0 && units > 0) {
    const double done = 0.5 * (static_cast<double>(units) / static_cast<double>(units_total) +
                               static_cast<double>(bytes) / static_cast<double>(bytes_total));
    if (done > 0 && done <= 1) eta = HumanDuration(seconds * (1 - done) / done);
  }
  std::fprintf(out_, "\r\033[Kscan  %llu/%llu items  %s/%s  %s/s  ETA %s  files %llu  errors %llu",
               static_cast<unsigned long long>(units), static_cast<unsigned long long>(units_total),
               HumanBytes(bytes).c_str(), HumanBytes(bytes_total).c_str(),
               HumanBytes(static_cast<uint64_t>(rate)).c_str(), eta.c_str(),
               static_cast<unsigned long long>(c.files.load()),
               static_cast<unsigned long long>(c.errors.load()));
  if (final) std::fprintf(out_, "\r\033[K");
  std::fflush(out_);
}

}  // namespace tantalio
