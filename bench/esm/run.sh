#!/usr/bin/env bash
# ESM-2 throughput, Tessera (C#) vs PyTorch on CPU with OpenBLAS, same geometry and same weights.
#
#   bench/esm/run.sh                 full grid: batch 1,16 × length 64,256,1022 × threads 1,2
#   REPEATS=7 bench/esm/run.sh       more timed passes per cell (median reported)
#
# Geometry esm2_t6_8M_UR50D (6 layers, 320 hidden, 20 heads, FFN 1280), random weights written by
# EsmBench as an HF safetensors checkpoint; torch_esm.py reads the same file. Each cell runs both
# engines back to back, pinned with taskset to the same cores, so machine load hits both alike.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=bench/esm/out
REPEATS=${REPEATS:-5}
mkdir -p "$OUT"

# --- setup: Debian's torch links the reference BLAS (libblas.so.3), ~20x slower than OpenBLAS.
# libopenblas0-openmp takes over libblas.so.3 through update-alternatives.
missing=()
/usr/bin/python3 -c "import torch, numpy" 2>/dev/null || missing+=(python3-torch python3-numpy)
dpkg -s libopenblas0-openmp >/dev/null 2>&1 || missing+=(libopenblas0-openmp)
[ -x /usr/bin/time ] || missing+=(time)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi

dotnet build -c Release -v quiet -nologo bench/esm/EsmBench >/dev/null
BENCH=bench/esm/EsmBench/bin/Release/net10.0/EsmBench
CKPT="$OUT/esm2_t6_8M_random"
[ -f "$CKPT/model.safetensors" ] || "$BENCH" make "$CKPT" 6 320 20 1280 1

echo "== environment"
lscpu | grep -E "Model name|^CPU\(s\)" | sed 's/  */ /g'
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/python3 bench/esm/torch_esm.py blas
"$BENCH" dump "$CKPT" 300 "$OUT/csharp_hidden_300.npy"
/usr/bin/python3 bench/esm/torch_esm.py compare "$CKPT" 300 "$OUT/csharp_hidden_300.npy"

field() { sed -n "s/.*$1=\([^ ]*\).*/\1/p"; }
echo
echo "== residues/s (median of $REPEATS passes after warm-up; 3 for 16 x 1022)"
echo "memory (C#): RSS of an empty runtime, RSS after loading the model, peak RSS over warm-up + passes;"
echo "pass memory = peak - after-load RSS, against 2 x largest activation (the [batch, length+2, 1280] FFN intermediate);"
echo "the model's share = after-load - empty runtime, against the packed weights"
echo
echo "| threads | batch | length | PyTorch res/s | Tessera C# res/s | C#/PyTorch | empty / loaded / peak RSS MB | weights MB | pass memory MB | 2x largest activation MB |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for threads in 1 2; do
  cpus=0; [ "$threads" = 2 ] && cpus=0,1
  for batch in 1 16; do
    for length in 64 256 1022; do
      repeats=$REPEATS
      [ "$batch" = 16 ] && [ "$length" = 1022 ] && repeats=3
      torch_line=$(OMP_NUM_THREADS=$threads taskset -c $cpus /usr/bin/python3 bench/esm/torch_esm.py bench "$CKPT" "$batch" "$length" "$threads" "$repeats")
      csharp_line=$(taskset -c $cpus "$BENCH" run "$CKPT" "$batch" "$length" "$threads" "$repeats")
      echo "$torch_line" >> "$OUT/raw.txt"; echo "$csharp_line" >> "$OUT/raw.txt"
      t=$(echo "$torch_line" | field residues_per_s)
      c=$(echo "$csharp_line" | field residues_per_s)
      peak=$(echo "$csharp_line" | field peak_rss_mb)
      base=$(echo "$csharp_line" | field baseline_rss_mb)
      loaded=$(echo "$csharp_line" | field loaded_rss_mb)
      weights=$(echo "$csharp_line" | field weights_mb)
      activation=$(echo "$csharp_line" | field largest_activation_mb)
      echo "| $threads | $batch | $length | $t | $c | $(awk -v c="$c" -v t="$t" 'BEGIN { printf "%.2fx", c / t }') | $base / $loaded / $peak | $weights | $(awk -v p="$peak" -v l="$loaded" 'BEGIN { printf "%.1f", p - l }') | $(awk -v a="$activation" 'BEGIN { printf "%.1f", 2 * a }') |"
    done
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
