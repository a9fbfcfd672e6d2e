#!/usr/bin/env bash
# Peak RSS of tantalio scan over generated evidence of two sizes (default 1 GB
# and 20 GB): many files, big files and archives. Memory must not grow with
# the evidence.
source "$(dirname "$0")/common.sh"
echo "machine: $(machine)"
for gb in ${SIZES_GB:-1 20}; do
  corpus=$WORK/rss-$gb
  if [[ ! -f $corpus/.done ]]; then
    rm -rf "$corpus"; mkdir -p "$corpus"
    python3 - "$corpus" "$gb" <<'PY'
import os, sys, zipfile
root, gb = sys.argv[1], int(sys.argv[2])
total = gb * 10**9; written = 0; i = 0
block = os.urandom(1 << 20)
while written < total:
    d = os.path.join(root, "d%04d" % (i // 200)); os.makedirs(d, exist_ok=True)
    if i % 50 == 0:    # a zip of 40 small files
        with zipfile.ZipFile(os.path.join(d, "a%06d.zip" % i), "w", zipfile.ZIP_STORED) as z:
            for k in range(40): z.writestr("e%02d.bin" % k, block[k * 4096:(k + 1) * 4096 + i % 97])
        written += 40 * 4096
    elif i % 10 == 0:  # a big file
        with open(os.path.join(d, "big%06d.bin" % i), "wb") as f:
            for _ in range(64): f.write(block)
        written += 64 << 20
    else:
        with open(os.path.join(d, "f%06d.bin" % i), "wb") as f: f.write(block[: 4096 + (i * 7919) % 200000] + str(i).encode())
        written += 4096 + (i * 7919) % 200000
    i += 1
PY
    touch "$corpus/.done"
  fi
  rm -f "$WORK/rss.db"*; "$TANTALIO" --db "$WORK/rss.db" case create bench >/dev/null
  rss=$(peak_rss_mb "$TANTALIO" --db "$WORK/rss.db" -q scan --case bench --device d "$corpus")
  echo "$gb GB of evidence ($(find "$corpus" -type f | wc -l) files): peak RSS $rss MB"
done
