// Scan progress: counters the pipeline updates, and a terminal display.
#ifndef TANTALIO_PIPELINE_PROGRESS_H_
#define TANTALIO_PIPELINE_PROGRESS_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace tantalio {

// Live counters, updated by workers with relaxed atomics. Totals are zero
// when unknown (no pre-count was made).
struct ProgressCounters {
  std::atomic<uint64_t> units_total{0};
  std::atomic<uint64_t> bytes_total{0};
  std::atomic<uint64_t> units_done{0};
  std::atomic<uint64_t> bytes_done{0};
  std::atomic<uint64_t> files{0};
  std::atomic<uint64_t> errors{0};
};

// Receives a snapshot a few times a second while a scan runs, and once at the end.
class ProgressObserver {
 public:
  virtual ~ProgressObserver() = default;
  virtual void Update(const ProgressCounters& counters, std::chrono::duration<double> elapsed,
                      bool final) = 0;
};

// Draws one self-rewriting line on a terminal:
//   scan  1,234/5,000 items  1.2 GB/3.4 GB  120 MB/s  ETA 0:18  errors 2
class TerminalProgress : public ProgressObserver {
 public:
  explicit TerminalProgress(std::FILE* out) : out_(out) {}
  void Update(const ProgressCounters& counters, std::chrono::duration<double> elapsed,
              bool final) override;

 private:
  std::FILE* out_;
};

// "1.2 GB", "512 B": decimal units, as investigators read disk sizes.
std::string HumanBytes(uint64_t bytes);
// "1:02:03" or "2:03".
std::string HumanDuration(double seconds);

}  // namespace tantalio

#endif  // TANTALIO_PIPELINE_PROGRESS_H_
