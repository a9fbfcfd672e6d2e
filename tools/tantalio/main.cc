// tantalio: the command-line entry point. All logic lives in src/cli.
#include <csignal>
#include <iostream>

#include "cli/cli.h"

namespace {

std::atomic<bool> g_cancel{false};

// First Ctrl-C: stop cleanly and keep what was done. Second: the default (exit).
void OnInterrupt(int signal) {
  g_cancel.store(true);
  std::signal(signal, SIG_DFL);
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGINT, OnInterrupt);
  std::signal(SIGTERM, OnInterrupt);
  return tantalio::cli::Main(argc, argv, std::cout, std::cerr, &g_cancel);
}
