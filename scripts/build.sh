#!/usr/bin/env bash
# Configures and builds Tantalio into ./build (Release with debug info).
# TANTALIO_WERROR=ON turns warnings into errors (CI sets it).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DTANTALIO_WERROR="${TANTALIO_WERROR:-OFF}" >/dev/null
cmake --build build -j"$(nproc)"
