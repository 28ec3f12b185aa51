#!/usr/bin/env bash
# Side-by-side ANN benchmark: hnswlib and FAISS IndexHNSWFlat (Debian builds) against `tessera index bench`
# on three generated datasets, single thread, each process pinned to one core. Prints the table and ratios.
#
#   bench/ann/run.sh [--n 100000] [--queries 1000] [--ef 10,16,32,64,128,256,512] [--repeat 3] [--core 1] [--keep DIR] [--skip-faiss]
#
# --skip-faiss leaves FAISS out (its 320-dimensional build alone takes minutes), for quicker iterations.
set -euo pipefail

n=100000
queries=1000
efs=10,16,32,64,128,256,512
repeat=3
core=1
keep=""
libs="hnswlib faiss"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --n) n="$2"; shift 2 ;;
    --queries) queries="$2"; shift 2 ;;
    --ef) efs="$2"; shift 2 ;;
    --repeat) repeat="$2"; shift 2 ;;
    --core) core="$2"; shift 2 ;;
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
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq python3-numpy python3-hnswlib python3-faiss
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
    taskset -c "$core" "$python" "$here/ann_bench.py" reference "$dir" --lib "$lib" --ef "$efs" --repeat "$repeat" | tag "$dataset" "$lib" >> "$results"
  done
  echo "$dataset: tessera…" >&2
  taskset -c "$core" "${tessera[@]}" index bench --base "$dir/base.npy" --queries "$dir/queries.npy" --truth "$dir/truth.npy" \
    --metric "$metric" --m 16 --ef-construction 200 --ef "$efs" --threads 1 --k 10 --repeat "$repeat" --filter-fraction 0.01 \
    | tag "$dataset" tessera >> "$results"
done

"$python" "$here/ann_bench.py" report "$results"
