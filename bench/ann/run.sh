#!/usr/bin/env bash
# Side-by-side ANN benchmark: hnswlib, FAISS IndexHNSWFlat and IndexHNSWSQ (8-bit; Debian builds, no AVX) against
# `tessera index bench` with float32 and sq8 traversal (with sq8, float32 resident or memory-mapped) on three generated
# datasets. Every process is pinned to the same cores; single-query figures run on one thread, tessera's batched
# figures on all pinned cores (its thread scaling). Figures are medians of --repeat passes. Prints the table and ratios.
#
#   bench/ann/run.sh [--n 100000] [--queries 1000] [--ef 10,16,32,64,128,256,512] [--repeat 3] [--cores 0,1] [--keep DIR] [--skip-faiss]
#
# --skip-faiss leaves FAISS out (its 320-dimensional build alone takes minutes), for quicker iterations.
set -euo pipefail

n=100000
queries=1000
efs=10,16,32,64,128,256,512
repeat=3
cores=0,1
keep=""
libs="hnswlib faiss faiss-sq8"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --n) n="$2"; shift 2 ;;
    --queries) queries="$2"; shift 2 ;;
    --ef) efs="$2"; shift 2 ;;
    --repeat) repeat="$2"; shift 2 ;;
    --cores) cores="$2"; shift 2 ;;
    --keep) keep="$2"; shift 2 ;;
    --skip-faiss) libs="hnswlib"; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

root="$(cd "$(dirname "$0")/../.." && pwd)"
here="$root/bench/ann"
python=/usr/bin/python3

# The reference libraries come from Debian (built without AVX); install them when missing.
if ! "$python" -c "import numpy, hnswlib, faiss" 2>/dev/null; then
  sudo=""; [[ $(id -u) -ne 0 ]] && sudo=sudo
  $sudo apt-get update -qq >&2
  $sudo apt-get install -y -qq python3-numpy python3-hnswlib python3-faiss >&2
fi

work="${keep:-$(mktemp -d)}"
mkdir -p "$work"
[[ -z "$keep" ]] && trap 'rm -rf "$work"' EXIT
results="$work/results.jsonl"
: > "$results"

echo "building tessera (Release)…" >&2
dotnet build -c Release "$root/src/Tessera.Cli" -v quiet -nologo >&2
tessera=(dotnet "$root/src/Tessera.Cli/bin/Release/net10.0/tessera.dll")

echo "generating datasets ($n vectors, $queries queries) in $work…" >&2
"$python" "$here/ann_bench.py" generate "$work" --n "$n" --queries "$queries"

tag() { "$python" -c 'import json,sys; d,l=sys.argv[1:3]
for line in sys.stdin:
    row=json.loads(line); row["dataset"]=d; row["lib"]=l; print(json.dumps(row), flush=True)' "$1" "$2"; }

for dataset in clustered-128 normalized-320 uniform-64; do
  dir="$work/$dataset"
  metric="$(cat "$dir/metric")"
  for lib in $libs; do
    echo "$dataset: $lib…" >&2
    taskset -c "$cores" "$python" "$here/ann_bench.py" reference "$dir" --lib "$lib" --ef "$efs" --repeat "$repeat" | tag "$dataset" "$lib" >> "$results"
  done
  threads=$(( $(tr -cd , <<< "$cores" | wc -c) + 1 ))
  for variant in none:resident sq8:resident sq8:mapped; do
    quantization=${variant%:*} float32=${variant#*:}
    lib=tessera; [[ $quantization == sq8 ]] && lib=tessera-sq8; [[ $float32 == mapped ]] && lib=tessera-sq8-mapped
    echo "$dataset: $lib…" >&2
    taskset -c "$cores" "${tessera[@]}" index bench --base "$dir/base.npy" --queries "$dir/queries.npy" --truth "$dir/truth.npy" \
      --metric "$metric" --m 16 --ef-construction 200 --ef "$efs" --threads "$threads" --k 10 --repeat "$repeat" --filter-fraction 0.01 \
      --quantization "$quantization" --float32 "$float32" | tag "$dataset" "$lib" >> "$results"
  done
done

"$python" "$here/ann_bench.py" report "$results"
