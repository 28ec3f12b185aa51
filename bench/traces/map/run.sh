#!/usr/bin/env bash
# The Traces map page's script at 1,000,000 points in headless chromium (WebGL2 in software: SwiftShader, as on the
# test machines): time to first draw, and requestAnimationFrame frame times (median, p95) while panning and zooming.
# Usage: bench/traces/map/run.sh [POINTS=1000000] [SECONDS_PER_GESTURE=4]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
work=$(mktemp -d /tmp/tessera-bench-map.XXXXXX)
trap 'rm -rf "$work"' EXIT
dotnet build "$root/bench/traces/map/MapBench" -c Release -nologo -v quiet -clp:ErrorsOnly -o "$work/bench" >&2
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); $(/usr/bin/chromium --version 2>/dev/null | tail -1)"
dotnet "$work/bench/MapBench.dll" "$root" "${1:-1000000}" "${2:-4}"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
