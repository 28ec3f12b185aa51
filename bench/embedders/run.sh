#!/usr/bin/env bash
# Quality and throughput of the packaged embedders beside the classical defaults (see README.md):
#   bench/embedders/run.sh [STS_TSV] [gallery images] [queries per transform]
set -euo pipefail
cd "$(dirname "$0")/../.."
dotnet build -c Release -v quiet -clp:ErrorsOnly bench/embedders/EmbedderBench
dotnet bench/embedders/EmbedderBench/bin/Release/net10.0/EmbedderBench.dll \
  "${1:-bench/embedders/data/stsb-test-captions.tsv}" "${2:-1000}" "${3:-40}"
