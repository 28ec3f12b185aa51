#!/usr/bin/env bash
# Guides benchmarks (see README.md here):
#   (a) processing time per minute of video (real-time factor) of the default worker (`tessera guides make`, which
#       runs guides.process in-process on SQLite), split by stage from the job's recorded transitions, against the
#       same tools run directly on the same video (ffmpeg's frames and audio, tesseract on each frame,
#       pocketsphinx on the audio): the orchestration overhead in %. Videos of S screens, 3.5 s each, white with
#       black text, narrated by espeak-ng (no subtitle stream). Median of R repeats;
#   (b) the recognizer's word error rate: pocketsphinx on those narrations and on shared/fixtures/audio/jfk.flac
#       against its known text.
# Usage: bench/guides/run.sh [SCREENS="4 16"] [R=3]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
screens_list="${1:-4 16}"; repeats="${2:-3}"
jfk="$root/../shared/fixtures/audio/jfk.flac"
[ -f "$jfk" ] || jfk="/work/shared/fixtures/audio/jfk.flac"
for tool in ffmpeg ffprobe espeak-ng tesseract pocketsphinx_continuous python3; do
  command -v "$tool" >/dev/null || { echo "bench/guides needs $tool (apt-get install ffmpeg espeak-ng tesseract-ocr tesseract-ocr-eng pocketsphinx pocketsphinx-en-us)"; exit 1; }
done
work=$(mktemp -d /tmp/tessera-bench-guides.XXXXXX)
trap 'rm -rf "$work"' EXIT

echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"
"$root/tessera" --help >/dev/null   # builds the CLI (Release) when missing or stale
tessera=(dotnet "$root/.artifacts/cli/tessera.dll")

sentences=("Open the settings menu." "Click the privacy tab." "Turn off location sharing." "Press save."
  "Open the account page." "Type your new name." "Click the upload button." "Close the window.")
titles=("Settings" "Privacy" "Location sharing" "Saved" "Account" "Your name" "Upload" "Goodbye")

# make_video S FILE SCRIPT: S screens of 3.5 s, each titled and narrated by the next sentence.
make_video() {
  local n=$1 out=$2 script=$3 inputs=() filter="" i
  : >"$script"
  for ((i = 0; i < n; i++)); do
    local k=$((i % ${#sentences[@]}))
    espeak-ng -v en-us+f2 -s 110 -w "$work/s$i.wav" "${sentences[$k]}"
    echo "${sentences[$k]}" >>"$script"
    inputs+=(-f lavfi -i "color=c=white:s=640x360:r=10:d=3.5,drawtext=text='${titles[$k]} $((i + 1))':fontcolor=black:fontsize=44:x=40:y=50")
  done
  for ((i = 0; i < n; i++)); do inputs+=(-i "$work/s$i.wav"); done
  for ((i = 0; i < n; i++)); do filter+="[$i:v]"; done
  filter+="concat=n=$n:v=1:a=0[v];"
  for ((i = 0; i < n; i++)); do filter+="[$((n + i)):a]aresample=16000,apad=whole_dur=3.5[a$i];"; done
  for ((i = 0; i < n; i++)); do filter+="[a$i]"; done
  filter+="concat=n=$n:v=0:a=1[a]"
  ffmpeg -loglevel error -nostdin -y "${inputs[@]}" -filter_complex "$filter" -map "[v]" -map "[a]" -c:v mpeg4 -c:a flac "$out"
}

now() { date +%s.%N; }
calc() { awk "BEGIN {print $1}"; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
wer() { python3 "$root/bench/guides/wer.py" "$1" "$2"; }

# The worker's own commands (MediaTools, ScreenReader, PocketsphinxRecognizer), run directly: media, ocr, asr seconds.
direct() {
  local video=$1 dir=$2
  rm -rf "$dir"; mkdir -p "$dir"
  local t0 t1 t2 t3
  t0=$(now)
  ffprobe -v error -print_format json -show_format -show_streams "$video" >/dev/null
  ffmpeg -hide_banner -nostdin -i "$video" -vf "select='eq(n\,0)+gt(scene\,0.01)',showinfo" -fps_mode vfr -frames:v 300 "$dir/frame_%05d.png" 2>/dev/null
  ffmpeg -hide_banner -nostdin -loglevel error -i "$video" -vn -ac 1 -ar 16000 -c:a pcm_s16le "$dir/audio.wav"
  t1=$(now)
  for f in "$dir"/frame_*.png; do tesseract "$f" stdout --psm 11 -l eng >/dev/null 2>&1; done
  t2=$(now)
  pocketsphinx_continuous -infile "$dir/audio.wav" -time yes -logfn /dev/null >"$dir/asr.txt"
  t3=$(now)
  echo "$(calc "$t1 - $t0") $(calc "$t2 - $t1") $(calc "$t3 - $t2")"
}

# tessera: wall time of `guides make`, and from the job's transitions PROCESSING→TRANSCRIBED (media, ocr, asr) and →DRAFTED.
through_tessera() {
  local video=$1 dir=$2 t0 t1
  rm -rf "$dir"
  "${tessera[@]}" guides make --help >/dev/null
  t0=$(now)
  "${tessera[@]}" guides make "$video" --data-dir "$dir" --json >"$dir.json" 2>"$dir.log" || { cat "$dir.log"; exit 1; }
  t1=$(now)
  python3 - "$dir/tessera.db" "$(calc "$t1 - $t0")" <<'PY'
import sqlite3, sys
from datetime import datetime
rows = sqlite3.connect(sys.argv[1]).execute("SELECT to_status, created_at FROM guides_job_transitions ORDER BY seq").fetchall()
at = {s: datetime.fromisoformat(t.replace('Z', '+00:00')) for s, t in rows}
print(sys.argv[2], (at['TRANSCRIBED'] - at['PROCESSING']).total_seconds(), (at['DRAFTED'] - at['TRANSCRIBED']).total_seconds())
PY
}

printf '\n(a) processing time, median of %s; RTF = seconds of processing per second of video\n' "$repeats"
printf '%-8s %-7s | %-32s | %-40s | %s\n' "screens" "video s" "tools directly: media ocr asr = sum" "tessera: make (media+ocr+asr, draft)" "overhead, RTF"
for n in $screens_list; do
  video="$work/video$n.mkv"; make_video "$n" "$video" "$work/script$n.txt"
  duration=$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$video")
  : >"$work/direct"; : >"$work/tessera"
  for ((r = 0; r < repeats; r++)); do
    direct "$video" "$work/direct$n" >>"$work/direct"
    through_tessera "$video" "$work/data$n" >>"$work/tessera"
  done
  media=$(cut -d' ' -f1 "$work/direct" | median); ocr=$(cut -d' ' -f2 "$work/direct" | median); asr=$(cut -d' ' -f3 "$work/direct" | median)
  sum=$(awk '{print $1 + $2 + $3}' "$work/direct" | median)
  make=$(cut -d' ' -f1 "$work/tessera" | median); transcribe=$(cut -d' ' -f2 "$work/tessera" | median); draft=$(cut -d' ' -f3 "$work/tessera" | median)
  printf '%-8s %-7.1f | %5.2f %5.2f %5.2f = %6.2f s        | %6.2f s (%5.2f, %5.2f)                  | %+5.0f %%, tools %.3f, tessera %.3f\n' \
    "$n" "$duration" "$media" "$ocr" "$asr" "$sum" "$make" "$transcribe" "$draft" \
    "$(calc "($make - $sum) / $sum * 100")" "$(calc "$sum / $duration")" "$(calc "$make / $duration")"
  # The utterance lines of `-time yes` output (the others are "word start end confidence").
  python3 -c 'import re, sys; print(" ".join(l.strip() for l in open(sys.argv[1]) if l.strip() and not re.match(r"^\S+ [0-9.]+ [0-9.]+ -?[0-9.]+$", l.strip())))' \
    "$work/direct$n/asr.txt" >"$work/heard$n.txt"
done

printf '\n(b) pocketsphinx word error rate (lower is better)\n'
for n in $screens_list; do
  printf '  narration, %2s screens: %s\n' "$n" "$(wer "$work/script$n.txt" "$work/heard$n.txt")"
done
ffmpeg -loglevel error -nostdin -y -i "$jfk" -ac 1 -ar 16000 -c:a pcm_s16le "$work/jfk.wav"
pocketsphinx_continuous -infile "$work/jfk.wav" -logfn /dev/null | tr '\n' ' ' >"$work/jfk-heard.txt"
echo "And so my fellow Americans, ask not what your country can do for you, ask what you can do for your country." >"$work/jfk-text.txt"
printf '  jfk.flac:               %s\n' "$(wer "$work/jfk-text.txt" "$work/jfk-heard.txt")"
printf '  (heard: %s)\n' "$(cat "$work/jfk-heard.txt")"
