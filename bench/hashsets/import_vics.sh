#!/usr/bin/env bash
# Import of a generated VICS 2.0 hash set with N (default 2,000,000) media
# records, about 1 GB: wall seconds and peak RSS. Target: <= 60 s, <= 1 GB.
source "$(dirname "$0")/../scan/common.sh"
N=${N:-2000000}
FILE=$WORK/vics-$N.json
[[ -f $FILE ]] || python3 "$(dirname "$0")/gen_vics.py" "$FILE" "$N"
DB=$WORK/import.db
rm -f "$DB"*
drop_caches
start=$(date +%s.%N)
rss=$(peak_rss_mb "$TANTALIO" --db "$DB" hashset import "$FILE" --name bench)
end=$(date +%s.%N)
s=$(echo "$end - $start" | bc -l)
echo "machine: $(machine)"
echo "file: $N VICS 2.0 media records, $(du -m "$FILE" | cut -f1) MB"
"$TANTALIO" --db "$DB" hashset list | sed 's/^/  /'
printf 'import: %.1f s  %.0f records/s  peak RSS %s MB\n' "$s" "$(echo "$N/$s" | bc -l)" "$rss"
