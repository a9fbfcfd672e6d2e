#!/usr/bin/env bash
# Installs the Debian 12 packages Tantalio needs to build, test and benchmark.
# Idempotent, and silent when everything is already installed.
set -euo pipefail

packages=(
  # toolchain
  g++ cmake ninja-build pkg-config git
  # libraries
  libssl-dev libsqlite3-dev libarchive-dev libexiv2-dev libcli11-dev nlohmann-json3-dev
  libjpeg62-turbo-dev libpng-dev libwebp-dev libgif-dev libtiff-dev libheif-dev libphonenumber-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev libfaiss-dev
  coreutils openssl util-linux hashdeep sqlite3 time bc python3 gzip
  # forensic images: The Sleuth Kit, libewf, and the tools that build image fixtures
  libtsk-dev libewf-dev libbfio-dev ewf-tools mtools dosfstools fdisk e2fsprogs
  # more file-system fixtures, built without mounting (file_system_formats_test):
  # NTFS and its streams (mkntfs, ntfscp), exFAT, ISO 9660, classic HFS
  ntfs-3g exfatprogs xorriso hfsutils
  # video and audio: the FFmpeg libraries, Chromaprint, and the ffmpeg program for fixtures
  libavcodec-dev libavformat-dev libavutil-dev libswscale-dev libswresample-dev libchromaprint-dev ffmpeg
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

sudo=""
if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
echo "setup: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >/dev/null
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
