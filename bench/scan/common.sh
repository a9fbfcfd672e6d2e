# Shared helpers for the whole-run benchmarks (sourced, not run).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
TANTALIO=${TANTALIO:-$ROOT/build/tools/tantalio/tantalio}
WORK=${BENCH_DIR:-${TMPDIR:-/tmp}/tantalio-bench}
RUNS=${RUNS:-3}
mkdir -p "$WORK"

# seconds COMMAND...: wall seconds of one run, output discarded.
seconds() {
  local start end
  start=$(date +%s.%N)
  "$@" >/dev/null 2>&1
  end=$(date +%s.%N)
  echo "$end - $start" | bc -l
}

# median of the numbers given as arguments.
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

# peak_rss_mb COMMAND...: peak resident set size in MB (GNU time).
peak_rss_mb() { /usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -1 | awk '{printf "%.1f", $1/1024}'; }

# ensure_packages PKG...: installs the Debian packages a benchmark needs beyond
# scripts/setup.sh (which keeps to what building and testing need).
ensure_packages() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  local sudo=""; [[ $(id -u) -ne 0 ]] && sudo="sudo"
  $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# drop_caches: best effort, so runs start from the same cache state.
drop_caches() { sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true; }

machine() { echo "$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(date -u +%Y-%m-%d)"; }

# time_hashdeep_and_scan CORPUS: runs hashdeep and tantalio scan (into a new
# store each time) RUNS times on CORPUS; sets HASHDEEP_S and TANTALIO_S to the
# median wall seconds of each.
time_hashdeep_and_scan() {
  local corpus=$1 db=$WORK/compare.db h=() t=()
  for _ in $(seq "$RUNS"); do
    h+=("$(seconds hashdeep -c md5,sha1,sha256 -r "$corpus")")
    rm -f "$db"*; "$TANTALIO" --db "$db" case create bench >/dev/null
    t+=("$(seconds "$TANTALIO" --db "$db" -q scan --case bench --device d "$corpus")")
  done
  HASHDEEP_S=$(median "${h[@]}")
  TANTALIO_S=$(median "${t[@]}")
}
