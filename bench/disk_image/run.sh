#!/usr/bin/env bash
# Disk-image scan: MB/s of media for reading a generated EWF image (E01, split
# into several segments) of an ext4 file system holding many small files,
# against the usual tools on the same image in the same run:
#   ewfverify -q            reads and decompresses every chunk and checks the
#                           stored MD5: the floor for reading the media once.
#   tsk_recover -e          The Sleuth Kit (E01 through libewf): walks the file
#                           system and writes out every allocated and deleted
#                           file (output to a temporary folder, removed after).
#   fls -r -p               The Sleuth Kit listing only (no content): what the
#                           file-system walk costs by itself.
#   tantalio scan           the full scan, every fingerprint on, into a new store.
# Target (issue 8): tantalio scan at least as fast as ewfverify.
# MB/s = bytes of media (the raw image) / wall seconds, MB = 10^6 bytes.
# Each tool runs RUNS times (median seconds); page caches are dropped before
# each run when this is allowed (root), else runs are warm and the output says
# so. Peak RSS is GNU time's maximum resident set size, largest over the runs.
#
# The image is generated once and cached under $WORK/disk-image-$SIZE_MB-jpeg$JPEG_PERCENT:
# SIZE_MB (default 2048) MiB of files, about 20,000 at the default size:
# JPEG_PERCENT% JPEGs (made by ImageMagick from Debian's GNOME wallpapers, each copied
# with its own comment segment), random bytes of 4-200 KB for the rest but 10% text; an
# ext4 image 10% larger made by `mke2fs -d` (no mount), a few files deleted
# with debugfs, two JPEGs written into unallocated blocks; then ewfacquire
# (compression "fast", MD5 and SHA-1 stored, segments of at most 650 MiB).
# Generation takes a few minutes at 2048 on 2 cores.
#
# JPEG_PERCENT (default 45, at most 90) sets the JPEGs' share of the bytes; the
# random-byte files take what the JPEGs leave. JPEG_PERCENT=0 shows the cost of
# reading, hashing and verifying alone.
#
# Usage: [SIZE_MB=2048] [JPEG_PERCENT=45] [RUNS=3] [TANTALIO=...] [BENCH_DIR=...] bench/disk_image/run.sh
# Quick check: SIZE_MB=256 RUNS=1 bench/disk_image/run.sh
source "$(dirname "$0")/../scan/common.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
SIZE_MB=${SIZE_MB:-2048}
JPEG_PERCENT=${JPEG_PERCENT:-45}
DATA=$WORK/disk-image-$SIZE_MB-jpeg$JPEG_PERCENT
RAW=$DATA/disk.raw
E01=$DATA/image.E01

need() {
  local missing=()
  for tool in "$@"; do command -v "$tool" >/dev/null || missing+=("$tool"); done
  if [[ ${#missing[@]} -gt 0 ]]; then
    echo "missing ${missing[*]}: Debian packages sleuthkit, ewf-tools, e2fsprogs," \
      "imagemagick and gnome-backgrounds provide them" >&2
    exit 1
  fi
}
ensure_packages sleuthkit ewf-tools e2fsprogs imagemagick gnome-backgrounds
need ewfacquire ewfverify tsk_recover fls mke2fs debugfs dumpe2fs convert python3 bc /usr/bin/time
[[ -x $TANTALIO ]] || { echo "no tantalio at $TANTALIO: build first (scripts/build.sh)" >&2; exit 1; }

if [[ ! -f $DATA/.done ]]; then
  rm -rf "$DATA"; mkdir -p "$DATA/base" "$DATA/files"
  echo "generating $SIZE_MB MiB of files and the E01 in $DATA ..." >&2
  # Base photos: each wallpaper at 2400 px, cropped at several sizes and offsets.
  mapfile -t sources < <(find /usr/share/backgrounds/gnome -type f \
    \( -name '*.jpg' -o -name '*.png' -o -name '*.webp' \) 2>/dev/null | sort)
  [[ ${#sources[@]} -gt 0 ]] || { echo "no wallpapers: apt-get install gnome-backgrounds" >&2; exit 1; }
  i=0
  for src in "${sources[@]}"; do
    convert "$src" -resize 2400x2400^ "$DATA/base/w$i.png" && i=$((i + 1))
  done
  sizes=(1600x1200 1280x960 1040x780 800x600)
  k=0
  for w in $(seq 0 $((i - 1))); do
    for s in "${sizes[@]}"; do
      x=$(((k * 37) % 700)); y=$(((k * 53) % 500))
      echo "$DATA/base/w$w.png $s+$x+$y $DATA/base/b$k.jpg"
      k=$((k + 1))
    done
  done | xargs -P "$(nproc)" -L 1 sh -c \
    'convert "$0" -crop "$1" +repage -strip -interlace none -quality 80 "$2"'
  rm -f "$DATA"/base/*.png
  python3 "$HERE/make_corpus.py" "$DATA/base" "$DATA/files" "$SIZE_MB" "$JPEG_PERCENT" \
    > "$DATA/corpus.txt"
  # ext4, 10% larger than the files (and 32 MiB for metadata), made without mounting.
  image_mb=$((SIZE_MB * 11 / 10 + 32))
  mke2fs -q -t ext4 -b 4096 -L evidence -d "$DATA/files" "$RAW" "${image_mb}M"
  # Delete every 997th file (at least three), and put two photos in free blocks.
  mapfile -t all < <(cd "$DATA/files" && find . -type f | sort)
  step=$(((${#all[@]} + 2) / 3)); [[ $step -gt 997 ]] && step=997
  for ((j = step / 2; j < ${#all[@]}; j += step)); do echo "rm \"/${all[j]#./}\""; done \
    > "$DATA/deleted.txt"
  debugfs -w -f "$DATA/deleted.txt" "$RAW" >/dev/null 2>&1
  python3 "$HERE/write_unallocated.py" "$RAW" "$DATA/base/b0.jpg" "$DATA/base/b5.jpg" \
    > "$DATA/unallocated.txt"
  raw_bytes=$(stat -c %s "$RAW")
  seg=$((raw_bytes / 3 / 1048576)); [[ $seg -gt 650 ]] && seg=650; [[ $seg -lt 1 ]] && seg=1
  (cd "$DATA" && ewfacquire -u -q -t image -f encase6 -c fast -d sha1 -S $((seg * 1048576)) \
    -C bench -E 1 -e bench -D "generated ext4, $SIZE_MB MiB of small files" disk.raw >/dev/null)
  rm -rf "$DATA/files"  # the raw image stays: it is the media size and a check
  touch "$DATA/.done"
fi

media_bytes=$(stat -c %s "$RAW")
media_mb=$(echo "$media_bytes/1000000" | bc -l)
segments=$(find "$DATA" -maxdepth 1 -name 'image.E[0-9A-Z][0-9A-Z]' | wc -l)
e01_mb=$(du -cm "$DATA"/image.E?? | tail -1 | cut -f1)
if sync && echo 3 > /proc/sys/vm/drop_caches 2>/dev/null; then
  caches="dropped before each run"
else
  caches="NOT dropped (not root): warm runs"
  cat "$DATA"/image.E?? > /dev/null
fi

# measure NAME COMMAND...: runs COMMAND RUNS times; records the median seconds
# in SECONDS_OF[NAME] and the largest peak RSS in RSS_OF[NAME].
declare -A SECONDS_OF RSS_OF STATUS_OF
ORDER=()
measure() {
  local name=$1; shift
  local t=() rss=0 r start end status=ok
  for _ in $(seq "$RUNS"); do
    [[ -n ${BEFORE:-} ]] && eval "$BEFORE"
    drop_caches
    start=$(date +%s.%N)
    /usr/bin/time -f '%M' -o "$WORK/time.out" "$@" >/dev/null 2>"$WORK/stderr.out" ||
      status="exit $(grep -o 'status [0-9]*' "$WORK/time.out" | grep -o '[0-9]*' || echo '?')"
    end=$(date +%s.%N)
    t+=("$(echo "$end - $start" | bc -l)")
    r=$(grep -E '^[0-9]+$' "$WORK/time.out" | tail -1 || true)
    [[ ${r:-0} -gt $rss ]] && rss=$r
  done
  [[ $status != ok ]] && { echo "$name: $status; its stderr:" >&2; tail -5 "$WORK/stderr.out" >&2; }
  SECONDS_OF[$name]=$(median "${t[@]}")
  RSS_OF[$name]=$(echo "$rss/1024" | bc -l)
  STATUS_OF[$name]=$status
  ORDER+=("$name")
}

measure "ewfverify -q" ewfverify -q "$E01"
BEFORE='rm -rf "$WORK/recovered"; mkdir -p "$WORK/recovered"' \
  measure "tsk_recover -e (all files)" tsk_recover -i ewf -e "$E01" "$WORK/recovered"
rm -rf "$WORK/recovered"
measure "fls -r -p (listing only)" fls -i ewf -r -p "$E01"
db=$WORK/disk-image.db
BEFORE='rm -f "$db"*; "$TANTALIO" --db "$db" case create bench >/dev/null' \
  measure "tantalio scan" "$TANTALIO" --db "$db" -q scan --case bench --device laptop "$E01"

echo "machine: $(machine)"
echo "image: $(head -1 "$DATA/corpus.txt"); ext4 of $(printf '%.0f' "$media_mb") MB;" \
  "E01 $e01_mb MiB in $segments segments; runs: $RUNS; caches: $caches"
printf '%-28s %9s %9s %14s  %s\n' tool seconds "MB/s" "peak RSS MB" status
for name in "${ORDER[@]}"; do
  s=${SECONDS_OF[$name]}
  printf '%-28s %9.2f %9.0f %14.1f  %s\n' "$name" "$s" "$(echo "$media_mb/$s" | bc -l)" \
    "${RSS_OF[$name]}" "${STATUS_OF[$name]}"
done
printf 'tantalio scan vs ewfverify (ewfverify time / tantalio time): %.2fx (target: at least 1x)\n' \
  "$(echo "${SECONDS_OF[ewfverify -q]}/${SECONDS_OF[tantalio scan]}" | bc -l)"
printf 'tantalio scan vs tsk_recover -e: %.2fx\n' \
  "$(echo "${SECONDS_OF[tsk_recover -e (all files)]}/${SECONDS_OF[tantalio scan]}" | bc -l)"
