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

pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "${pg_bin:-}/initdb" ] || { echo "PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1; }

work=$(mktemp -d /tmp/tessera-bench-jobs.XXXXXX)
pgdata="$work/pg"
run_pg() {
  # PostgreSQL refuses to run as root: use the postgres account then.
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
cleanup() {
  run_pg "$pg_bin/pg_ctl" -D "$pgdata" -m immediate stop >/dev/null 2>&1 || true
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

mkdir -p "$pgdata"
[ "$(id -u)" -eq 0 ] && chown -R postgres:postgres "$work"
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
run_pg "$pg_bin/initdb" -D "$pgdata" -U postgres --auth=trust -E UTF8 >/dev/null
run_pg "$pg_bin/pg_ctl" -D "$pgdata" -l "$pgdata/server.log" -w \
  -o "-p $port -k $pgdata -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null

echo
echo "== PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}'), 2 worker processes x $concurrency slots =="
"${tessera[@]}" jobs bench --data-dir "$work/pgdata-dir" --database "postgres://postgres@127.0.0.1:$port/postgres" \
  --count "$count" --latency-samples "$samples" --worker-processes 2 --concurrency "$concurrency" --goal-jobs-per-second 1000
