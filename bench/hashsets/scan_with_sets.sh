#!/usr/bin/env bash
# Scan rate with and without hash sets loaded: the small-files corpus
# (bench/scan/small_files.sh, N files of 4 KB) scanned into a store that holds
# no sets, then into one that holds SETS (default 10,000,000) MD5 + SHA-256
# hashes, and one PDQ set of PDQ (default 100,000) hashes. Median of RUNS.
source "$(dirname "$0")/../scan/common.sh"
N=${N:-100000}
SETS=${SETS:-10000000}
PDQ=${PDQ:-100000}
CORPUS=$WORK/small
[[ -f $CORPUS/.done-$N ]] || N=$N "$(dirname "$0")/../scan/small_files.sh" >/dev/null
LIST=$WORK/known-$SETS.hashdeep
if [[ ! -f $LIST ]]; then
  python3 - "$LIST" "$SETS" <<'PY'
import hashlib, sys
out, n = sys.argv[1], int(sys.argv[2])
with open(out, "w") as f:
    f.write("%%%% HASHDEEP-1.0\n%%%% size,md5,sha256,filename\n")
    for i in range(n):
        h = hashlib.sha256(b"known" + i.to_bytes(8, "little")).hexdigest()
        f.write("%d,%s,%s,known/%d.jpg\n" % (1000 + i % 5000, h[:32], h, i))
PY
fi
PDQLIST=$WORK/known-$PDQ.pdq
if [[ ! -f $PDQLIST ]]; then
  python3 - "$PDQLIST" "$PDQ" <<'PY'
import hashlib, sys
out, n = sys.argv[1], int(sys.argv[2])
with open(out, "w") as f:
    for i in range(n):
        f.write("%s,100,known-%d\n" % (hashlib.sha256(b"pdq" + i.to_bytes(8, "little")).hexdigest(), i))
PY
fi
BASE=$WORK/sets-base.db
LOADED=$WORK/sets-loaded-$SETS-$PDQ.db
if [[ ! -f $LOADED.done ]]; then
  rm -f "$BASE"* "$LOADED"*
  "$TANTALIO" --db "$BASE" case create bench >/dev/null
  cp "$BASE" "$LOADED"
  seconds "$TANTALIO" --db "$LOADED" hashset import "$LIST" --name big --format hashdeep \
    > "$LOADED.import-seconds"
  "$TANTALIO" --db "$LOADED" hashset import "$PDQLIST" --name pdq --format pdq >/dev/null
  touch "$LOADED.done"
fi
import_s=$(cat "$LOADED.import-seconds")
find "$CORPUS" -type f -exec cat {} + > /dev/null
# scan_into DB: median seconds of RUNS scans, each into a fresh copy of DB
# whose index snapshots (DB.hashsets.*) are current: `tantalio index build`
# runs once first and is timed on its own.
scan_into() {
  local t=()
  rm -f "$WORK"/run.db*
  cp "$1" "$WORK/run.db"
  seconds "$TANTALIO" --db "$WORK/run.db" index build > "$WORK/index-seconds"
  for _ in $(seq "$RUNS"); do
    rm -f "$WORK/run.db" "$WORK/run.db-wal" "$WORK/run.db-shm"
    cp "$1" "$WORK/run.db"
    sync  # the copy's write-back must not overlap the timed scan
    t+=("$(seconds "$TANTALIO" --db "$WORK/run.db" -q scan --case bench --device d "$CORPUS")")
  done
  median "${t[@]}"
}
without=$(scan_into "$BASE")
with=$(scan_into "$LOADED")
"$TANTALIO" --db "$WORK/run.db" index build | sed 's/^/  /'  # prints what the index holds
echo "machine: $(machine)"
echo "corpus: $N files of 4 KB; sets: $SETS MD5+SHA-256 entries (hashdeep import $(printf '%.1f' "$import_s") s) + $PDQ PDQ; runs: $RUNS"
printf 'index build (PDQ index + digest filters of every set): %.1f s\n' "$(cat "$WORK/index-seconds" 2>/dev/null || echo 0)"
printf 'scan without sets: %.2f s  %.0f files/s\n' "$without" "$(echo "$N/$without" | bc -l)"
printf 'scan with sets:    %.2f s  %.0f files/s\n' "$with" "$(echo "$N/$with" | bc -l)"
printf 'slowdown: %.1f%%\n' "$(echo "($with/$without - 1) * 100" | bc -l)"
