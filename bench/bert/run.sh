#!/usr/bin/env bash
# MiniLM on the in-house engine vs ONNX Runtime, side by side (see README.md):
#   bench/bert/run.sh [repeats] [cpus for taskset, e.g. 0-1]
set -euo pipefail
cd "$(dirname "$0")/../.."
dotnet build -c Release -v quiet -clp:ErrorsOnly bench/bert/BertBench
taskset -c "${2:-0-1}" dotnet bench/bert/BertBench/bin/Release/net10.0/BertBench.dll "${1:-30}"
