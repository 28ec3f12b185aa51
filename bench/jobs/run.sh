#!/usr/bin/env bash
# Job engine benchmark with no-op jobs (system.noop), via `tessera jobs bench`:
#   1. SQLite, one in-process worker (goal: >= 500 jobs/s);
#   2. PostgreSQL 15 (a throwaway cluster, default durability: fsync and synchronous_commit on),
#      2 `tessera worker` processes (goal: >= 1,000 jobs/s);
# each followed by enqueue-to-start latency on the idle system (goal: median <= 20 ms).
# Usage: bench/jobs/run.sh [COUNT=20000] [LATENCY_SAMPLES=200] [CONCURRENCY=32]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
count="${1:-20000}"
samples="${2:-200}"
concurrency="${3:-32}"

source "$root/scripts/throwaway-postgres.sh"
work=$(mktemp -d /tmp/tessera-bench-jobs.XXXXXX)
cleanup() {
  pg_throwaway_stop "$work/pg"
  rm -rf "$work"
}
trap cleanup EXIT

echo "Building the CLI (Release)..."
dotnet build "$root/src/Tessera.Cli" -c Release -nologo -v quiet -clp:ErrorsOnly -o "$work/cli"
tessera=(dotnet "$work/cli/tessera.dll")

echo
echo "== SQLite, 1 in-process worker x $concurrency slots =="
"${tessera[@]}" jobs bench --data-dir "$work/sqlite" --count "$count" --latency-samples "$samples" \
  --concurrency "$concurrency" --goal-jobs-per-second 500

pg_throwaway_start "$work/pg" max_connections=200

echo
echo "== PostgreSQL $PG_VERSION, 2 worker processes x $concurrency slots =="
"${tessera[@]}" jobs bench --data-dir "$work/pgdata-dir" --database "$PG_URL" \
  --count "$count" --latency-samples "$samples" --worker-processes 2 --concurrency "$concurrency" --goal-jobs-per-second 1000
