#!/usr/bin/env bash
# WhatsApp benchmarks (issue 7). Builds nothing: give the build directory.
#   bench/whatsapp/run.sh BUILD_DIR
# Environment: N (messages, default 1000000), M (media rows, default 100000),
# SIZE_MB (identifier text, default 1024), THREADS (default nproc), RUNS (3).
# The generated database is kept in $BENCH_DIR (default /tmp/tantalio-bench).
set -euo pipefail
BUILD=${1:?usage: run.sh BUILD_DIR}
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=${BENCH_DIR:-${TMPDIR:-/tmp}/tantalio-bench}
N=${N:-1000000}
M=${M:-100000}
SIZE_MB=${SIZE_MB:-1024}
THREADS=${THREADS:-$(nproc)}
RUNS=${RUNS:-3}
mkdir -p "$WORK"
find_bin() {
  local f
  f=$(find "$BUILD" -type f -name "$1" -perm -u+x | head -1)
  [[ -n $f ]] || { echo "$1 not found under $BUILD (build it first)" >&2; exit 1; }
  echo "$f"
}
PARSE=$(find_bin whatsapp_parse_bench)
IDS=$(find_bin whatsapp_identifiers_bench)
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(date -u +%Y-%m-%d)"
DB=$WORK/msgstore-$N-$M.db
if [[ ! -f $DB ]]; then
  start=$(date +%s.%N)
  python3 "$HERE/gen_msgstore.py" "$DB" "$N" "$M"
  echo "generated in $(echo "$(date +%s.%N) - $start" | bc -l | xargs printf '%.1f') s"
fi
echo "== parse: $DB ($(du -m "$DB" | cut -f1) MB)"
"$PARSE" "$DB" "$RUNS"
echo "== identifiers: $SIZE_MB MB, $THREADS threads"
"$IDS" "$SIZE_MB" "$THREADS"
