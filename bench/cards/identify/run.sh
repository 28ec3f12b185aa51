#!/usr/bin/env bash
# Cards identify benchmark (see ../README.md): N generated catalog cards, P generated phone photos, pinned to one core.
#   bench/cards/identify/run.sh [catalog cards, 1000] [photos, 1000]
# Prints embedding images/s (Tessera on ONNX Runtime, then the same ONNX graphs on OpenCV's dnn module and the ratio)
# and identify accuracy (top-1 and top-5 by name, exact printing) and latency per photo on one core.
set -euo pipefail
cd "$(dirname "$0")/../../.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dotnet build -c Release -v quiet -clp:ErrorsOnly bench/cards/identify/IdentifyBench
bin=bench/cards/identify/IdentifyBench/bin/Release/net10.0
taskset -c 0 dotnet "$bin/IdentifyBench.dll" "${1:-1000}" "${2:-1000}" "$work" | tee "$work/tessera.txt"
taskset -c 0 /usr/bin/python3 bench/cards/identify/cv_dnn_embed.py "$work/images.txt" "$bin/models" | tee "$work/opencv.txt"
tessera=$(sed -n 's/^embed: .* = \([0-9.]*\) images\/s.*/\1/p' "$work/tessera.txt")
opencv=$(sed -n 's/^opencv-dnn: .* = \([0-9.]*\) images\/s.*/\1/p' "$work/opencv.txt")
awk -v t="$tessera" -v o="$opencv" 'BEGIN { printf "embedding ratio Tessera (ONNX Runtime) / OpenCV dnn, one core: %.2f\n", t / o }'
