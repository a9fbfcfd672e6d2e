// The `tantalio` command line as a library: Main() takes the arguments and the
// output streams, so tests run every command in-process.
//
// Exit codes: 0 success, 2 usage or input error, 1 any other failure.
#ifndef TANTALIO_CLI_CLI_H_
#define TANTALIO_CLI_CLI_H_

#include <atomic>
#include <ostream>

namespace tantalio::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

// Runs one command. `cancel` (may be null) is polled by long commands; when
// set (Ctrl-C), they stop cleanly and keep what was done.
int Main(int argc, const char* const* argv, std::ostream& out, std::ostream& err,
         const std::atomic<bool>* cancel = nullptr);

}  // namespace tantalio::cli

#endif  // TANTALIO_CLI_CLI_H_
