#!/usr/bin/env bash
# MD5+SHA-1+SHA-256 throughput over a mixed corpus (1 KB to 50 MB files):
# hashdeep -c md5,sha1,sha256 -r against tantalio scan (everything stored),
# same corpus, same run, warm page cache for both. Prints medians and the ratio.
source "$(dirname "$0")/common.sh"
CORPUS=$WORK/mixed
SIZE_MB=${SIZE_MB:-1024}
if [[ ! -f $CORPUS/.done-$SIZE_MB ]]; then
  rm -rf "$CORPUS"; mkdir -p "$CORPUS"
  python3 - "$CORPUS" "$SIZE_MB" <<'PY'
import os, random, sys
root, total = sys.argv[1], int(sys.argv[2]) << 20
rng = random.Random(7); written = 0; i = 0
sizes = [1 << 10, 16 << 10, 200 << 10, 2 << 20, 12 << 20, 50 << 20]
while written < total:
    size = min(rng.choice(sizes), total - written)
    d = os.path.join(root, "d%02d" % (i % 16)); os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "f%05d.bin" % i), "wb") as f: f.write(os.urandom(size))
    written += size; i += 1
PY
  touch "$CORPUS/.done-$SIZE_MB"
fi
cat "$CORPUS"/*/* > /dev/null  # warm the cache for both tools
time_hashdeep_and_scan "$CORPUS"
hm=$HASHDEEP_S; tm=$TANTALIO_S
echo "machine: $(machine)"
echo "corpus: ${SIZE_MB} MiB, $(find "$CORPUS" -type f -name '*.bin' | wc -l) files; runs: $RUNS"
printf 'hashdeep md5+sha1+sha256: %.2f s  %.0f MB/s\n' "$hm" "$(echo "$SIZE_MB*1.048576/$hm" | bc -l)"
printf 'tantalio scan (stored):   %.2f s  %.0f MB/s\n' "$tm" "$(echo "$SIZE_MB*1.048576/$tm" | bc -l)"
printf 'ratio (hashdeep / tantalio time): %.2fx\n' "$(echo "$hm/$tm" | bc -l)"
