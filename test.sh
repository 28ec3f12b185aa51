#!/usr/bin/env bash
# Runs the whole test suite against SQLite and a throwaway PostgreSQL 15 server, then prints
# "N passed, M failed[, K skipped]". Installs what the tests need on a fresh Debian machine.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"

# Debian packages the tests use: a PostgreSQL server (initdb, pg_ctl).
packages=(postgresql)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${missing[*]}"
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get update -q >/dev/null
  $sudo_cmd apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi

pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$pg_bin/initdb" ] || { echo "PostgreSQL server binaries not found under /usr/lib/postgresql" >&2; exit 1; }

work=$(mktemp -d /tmp/tessera-test.XXXXXX)
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
mkdir -p "$pgdata"
[ "$(id -u)" -eq 0 ] && chown -R postgres:postgres "$work"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null ||
       /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
run_pg "$pg_bin/initdb" -D "$pgdata" -U postgres --auth=trust -E UTF8 >/dev/null
run_pg "$pg_bin/pg_ctl" -D "$pgdata" -l "$work/pg/server.log" -w \
  -o "-p $port -k $pgdata -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400" \
  start >/dev/null
export TESSERA_TEST_POSTGRES="postgres://postgres@127.0.0.1:$port/postgres"
echo "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (throwaway)"

dotnet build Tessera.slnx -c Release -nologo -v quiet -clp:ErrorsOnly
log="$work/test.log"
trx="$work/trx"
status=0
dotnet test Tessera.slnx -c Release --no-build -nologo \
  --logger "console;verbosity=normal" --logger trx --results-directory "$trx" >"$log" 2>&1 || status=$?

# Show what failed (with its message) and what was skipped (with its reason).
grep -E -A 15 '^\s+Failed [A-Za-z]' "$log" || true
grep -E '^\s+Skipped [A-Za-z]|\[SKIP\]' "$log" || true
grep -E 'error (CS|MSB|NU)|Testhost process .* exited with error' "$log" || true

# Sum the counters of every test assembly's TRX report (grep finding nothing is not an error here).
reports=$(cat "$trx"/*.trx 2>/dev/null || true)
read -r passed failed < <(printf '%s' "$reports" | { grep -o '<Counters [^>]*>' || true; } |
  sed -E 's/.* passed="([0-9]+)" failed="([0-9]+)".*/\1 \2/' | awk '{p+=$1; f+=$2} END {print p+0, f+0}')
skipped=$(printf '%s' "$reports" | { grep -o 'outcome="NotExecuted"' || true; } | wc -l)
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  echo "dotnet test exited with $status without a failed test; its output:" >&2
  tail -n 60 "$log" >&2
  failed=1
fi
summary="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && summary="$summary, $skipped skipped"
echo "$summary"
[ "$failed" -eq 0 ]
