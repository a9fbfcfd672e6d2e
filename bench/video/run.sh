#!/usr/bin/env bash
# Video and audio fingerprinting speed (issue 6), in real time per CPU core.
#
#   bench/video/run.sh            # DURATION=60 s videos, a 600 s audio file, RUNS=3
#
# Video: 1280x720 30 fps H.264 (libx264, veryfast, 4 Mbit/s like a phone
# camera) of FFmpeg's mandelbrot zoom (detail everywhere, so no shortcut from
# flat frames), once with a keyframe every second (phone cameras) and once
# with x264's default of one every 250 frames. For each file:
#   ffmpeg   `ffmpeg -threads 1 -i F -an -f null -`: decodes every frame;
#   tantalio `tantalio hash --video F`: vPDQ, one frame per second (seeks to
#            keyframes and skips non-reference frames it does not hash), plus
#            the file's SHA-256.
# Audio: 600 s of AAC 128 kbit/s stereo (tones over noise), `tantalio hash
# --audio` (Chromaprint) next to `fpcalc -length 0` (Chromaprint's own tool).
# Figures are CPU seconds (user + sys, single-threaded work), medians of RUNS;
# "x real time per core" = media seconds / CPU seconds.
source "$(dirname "$0")/../scan/common.sh"
ensure_packages ffmpeg libchromaprint-tools
DURATION=${DURATION:-60}
AUDIO_SECONDS=${AUDIO_SECONDS:-600}
DIR=$WORK/video
mkdir -p "$DIR"

# cpu_seconds COMMAND...: user + sys CPU seconds of one run.
cpu_seconds() { /usr/bin/time -f '%U %S' "$@" 2>&1 >/dev/null | tail -1 | awk '{print $1 + $2}'; }
median_cpu() {
  local runs=()
  for _ in $(seq "$RUNS"); do runs+=("$(cpu_seconds "$@")"); done
  median "${runs[@]}"
}

echo "machine: $(machine); FFmpeg $(ffmpeg -version | head -1 | awk '{print $3}')"
printf '%-28s %10s %12s %10s %12s %8s\n' file "ffmpeg s" "ffmpeg x rt" "tantalio s" "tantalio x rt" frames
for gop in 30 250; do
  f=$DIR/mandelbrot-720p-gop$gop-${DURATION}s.mp4
  [[ -s $f ]] || ffmpeg -hide_banner -loglevel error -y -f lavfi \
      -i "mandelbrot=size=1280x720:rate=30" -t "$DURATION" -c:v libx264 -preset veryfast \
      -b:v 4M -maxrate 5M -bufsize 8M -g "$gop" -keyint_min "$gop" -pix_fmt yuv420p "$f"
  ff=$(median_cpu ffmpeg -hide_banner -loglevel error -threads 1 -i "$f" -an -f null -)
  ta=$(median_cpu "$TANTALIO" hash --video "$f")
  frames=$(( $("$TANTALIO" hash --video "$f" | wc -l) - 1 ))
  printf '%-28s %10.2f %12.1f %10.2f %12.1f %8d\n' "$(basename "$f")" "$ff" \
    "$(echo "$DURATION / $ff" | bc -l)" "$ta" "$(echo "$DURATION / $ta" | bc -l)" "$frames"
done

a=$DIR/tones-${AUDIO_SECONDS}s.m4a
[[ -s $a ]] || ffmpeg -hide_banner -loglevel error -y \
    -f lavfi -i "sine=frequency=440:beep_factor=4:duration=$AUDIO_SECONDS" \
    -f lavfi -i "anoisesrc=duration=$AUDIO_SECONDS:amplitude=0.05:color=pink" \
    -filter_complex "[0:a][1:a]amix=inputs=2,aformat=channel_layouts=stereo" \
    -c:a aac -b:a 128k "$a"
fp=$(median_cpu fpcalc -length 0 "$a")
ta=$(median_cpu "$TANTALIO" hash --audio "$a")
printf '%-28s %10s %12s %10s %12s\n' file "fpcalc s" "fpcalc x rt" "tantalio s" "tantalio x rt"
printf '%-28s %10.2f %12.1f %10.2f %12.1f\n' "$(basename "$a")" "$fp" \
  "$(echo "$AUDIO_SECONDS / $fp" | bc -l)" "$ta" "$(echo "$AUDIO_SECONDS / $ta" | bc -l)"
