#!/usr/bin/env bash
# End-to-end image scan: images/s for `tantalio scan` (crypto + PDQ + EXIF +
# store) over WhatsApp-like JPEGs: 1600 px long side, quality 75, baseline.
# The photos are Debian's GNOME wallpapers (package gnome-backgrounds, installed
# here if missing), cropped at many offsets and re-encoded by ImageMagick.
source "$(dirname "$0")/common.sh"
N=${N:-1000}
CORPUS=$WORK/whatsapp-$N
if [[ ! -f $CORPUS/.done ]]; then
  ensure_packages gnome-backgrounds imagemagick
  rm -rf "$CORPUS"; mkdir -p "$CORPUS/base"
  mapfile -t sources < <(find /usr/share/backgrounds/gnome -type f \( -name '*.jpg' -o -name '*.png' -o -name '*.webp' \) | sort)
  i=0  # GNOME 43 ships its photos as WebP
  for src in "${sources[@]}"; do  # one 2400 px base per wallpaper
    convert "$src" -resize 2400x2400^ "$CORPUS/base/$i.png" && i=$((i + 1))
  done
  for k in $(seq 0 $((N - 1))); do  # crops at different offsets: distinct photos
    b=$((k % i)); x=$(((k * 37) % 700)); y=$(((k * 53) % 500))
    convert "$CORPUS/base/$b.png" -crop 1600x1200+$x+$y +repage -strip -interlace none -quality 75 \
      "$CORPUS/IMG-2017$(printf %04d "$k")-WA0001.jpg"
  done
  rm -rf "$CORPUS/base"; touch "$CORPUS/.done"
fi
cat "$CORPUS"/*.jpg > /dev/null
t=()
for _ in $(seq "$RUNS"); do
  rm -f "$WORK/img.db"*; "$TANTALIO" --db "$WORK/img.db" case create bench >/dev/null
  t+=("$(seconds "$TANTALIO" --db "$WORK/img.db" -q scan --case bench --device d "$CORPUS")")
done
tm=$(median "${t[@]}")
echo "machine: $(machine)"
echo "corpus: $N JPEGs, 1600x1200, quality 75, baseline ($(du -sm "$CORPUS" | cut -f1) MB); runs: $RUNS"
printf 'tantalio scan (crypto + PDQ + EXIF + store): %.2f s  %.0f images/s\n' "$tm" "$(echo "$N/$tm" | bc -l)"
