#!/usr/bin/env bash
# 100,000 files of 4 KB: files/s for hashdeep -c md5,sha1,sha256 -r against
# tantalio scan with everything stored. Same corpus, same run, warm cache.
source "$(dirname "$0")/common.sh"
CORPUS=$WORK/small
N=${N:-100000}
if [[ ! -f $CORPUS/.done-$N ]]; then
  rm -rf "$CORPUS"; mkdir -p "$CORPUS"
  python3 - "$CORPUS" "$N" <<'PY'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    d = os.path.join(root, "d%03d" % (i // 1000)); os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "f%06d.dat" % i), "wb") as f: f.write(os.urandom(4096))
PY
  touch "$CORPUS/.done-$N"
fi
find "$CORPUS" -type f -exec cat {} + > /dev/null
time_hashdeep_and_scan "$CORPUS"
hm=$HASHDEEP_S; tm=$TANTALIO_S
echo "machine: $(machine)"
echo "corpus: $N files of 4 KB; runs: $RUNS"
printf 'hashdeep: %.2f s  %.0f files/s\n' "$hm" "$(echo "$N/$hm" | bc -l)"
printf 'tantalio scan (stored): %.2f s  %.0f files/s\n' "$tm" "$(echo "$N/$tm" | bc -l)"
printf 'ratio (tantalio files/s / hashdeep files/s): %.2fx\n' "$(echo "$hm/$tm" | bc -l)"
