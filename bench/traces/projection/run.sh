#!/usr/bin/env bash
# PCA fit/transform time and agreement vs scikit-learn, and Parquet write throughput, side by side in one run:
#   bench/traces/projection/run.sh [N=100000] [D=384]
set -euo pipefail
cd "$(dirname "$0")/../../.."
N="${1:-100000}"; D="${2:-384}"
OUT="$(mktemp -d)"; trap 'rm -rf "$OUT"' EXIT
dotnet build -c Release -v quiet -clp:ErrorsOnly bench/traces/projection/TracesProjectionBench
dotnet bench/traces/projection/TracesProjectionBench/bin/Release/net10.0/TracesProjectionBench.dll "$N" "$D" "$OUT" | tee "$OUT/tessera.txt"
FIT=$(grep -o 'tessera_fit_s=[0-9.]*' "$OUT/tessera.txt" | cut -d= -f2)
TRANSFORM=$(grep -o 'tessera_transform_s=[0-9.]*' "$OUT/tessera.txt" | cut -d= -f2)
/usr/bin/python3 bench/traces/projection/sklearn_pca.py "$N" "$D" "$OUT" "$FIT" "$TRANSFORM"
