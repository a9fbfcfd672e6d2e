#!/usr/bin/env bash
# The approximate PDQ mode (`tantalio hash --pdq-fast N`, JPEGs decoded at 1/N
# size) against the exact hash on the WhatsApp-like corpus of image_scan.sh:
# time per image and the Hamming distance to the exact hash (mean and max).
source "$(dirname "$0")/common.sh"
N=${N:-1000}
CORPUS=$WORK/whatsapp-$N
[[ -f $CORPUS/.done ]] || N=$N RUNS=1 "$(dirname "$0")/image_scan.sh" >/dev/null
echo "machine: $(machine)"
echo "corpus: $N JPEGs, 1600x1200, quality 75 (image_scan.sh); one thread (tantalio hash)"
"$TANTALIO" hash --format json "$CORPUS"/*.jpg > "$WORK/exact.json"
exact_s=$(seconds "$TANTALIO" hash --format json "$CORPUS"/*.jpg)
printf 'exact:        %.2f ms per image\n' "$(echo "$exact_s*1000/$N" | bc -l)"
for denom in 2 4; do
  "$TANTALIO" hash --pdq-fast "$denom" --format json "$CORPUS"/*.jpg > "$WORK/fast$denom.json"
  fast_s=$(seconds "$TANTALIO" hash --pdq-fast "$denom" --format json "$CORPUS"/*.jpg)
  python3 - "$WORK/exact.json" "$WORK/fast$denom.json" "$denom" "$fast_s" "$N" <<'PY'
import json, sys
exact = [json.loads(l) for l in open(sys.argv[1])]
fast = [json.loads(l) for l in open(sys.argv[2])]
ms = float(sys.argv[4]) * 1000 / int(sys.argv[5])
print("--pdq-fast %s: %.2f ms per image" % (sys.argv[3], ms))
for label, keep in (("all images", lambda e: True),
                    ("exact quality >= 50", lambda e: e["pdq_quality"] >= 50)):
    d = [bin(int(e["pdq"], 16) ^ int(f["pdq_fast"], 16)).count("1")
         for e, f in zip(exact, fast) if keep(e)]
    print("  %-20s distance to exact: mean %.2f, max %d, over 31: %d of %d"
          % (label + ":", sum(d) / len(d), max(d), sum(x > 31 for x in d), len(d)))
PY
done
