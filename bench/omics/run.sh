#!/usr/bin/env bash
# Omics benchmarks against a real `tessera serve` on embedded defaults (SQLite, in-process workers):
#   1. 10,000 peptides from upload to searchable, with the classical embedder and with the ESM-2 t6_8M geometry
#      (6 layers x 320 hidden x 20 heads, random weights); goal: share outside embedding <= 10 %.
#   2. search latency over HTTP with 100,000 peptides indexed, wrk at about 200 requests/s; goal: p99 <= 10 ms.
# Usage: bench/omics/run.sh [pipeline|latency|all] [omics_bench.py options, e.g. --repeat 3 --duration 30]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
what="${1:-all}"; shift || true

if ! command -v wrk >/dev/null; then
  sudo=""; [[ $(id -u) -ne 0 ]] && sudo=sudo
  $sudo apt-get update -qq && $sudo apt-get install -y -qq wrk
fi

work=$(mktemp -d /tmp/tessera-bench-omics.XXXXXX)
trap 'rm -rf "$work"' EXIT

echo "Building the CLI and the ESM benchmark tool (Release)..." >&2
dotnet build "$root/src/Tessera.Cli" -c Release -nologo -v quiet -clp:ErrorsOnly -o "$work/cli" >&2
dotnet build "$root/bench/esm/EsmBench" -c Release -nologo -v quiet -clp:ErrorsOnly -o "$work/esmbench" >&2
dotnet "$work/esmbench/EsmBench.dll" make "$work/esm2_t6_random" 6 320 20 1280 1

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/python3 "$root/bench/omics/omics_bench.py" "$what" --tessera "$work/cli/tessera.dll" \
  --esm-model "$work/esm2_t6_random" --work "$work" "$@"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
