# Sourced by test.sh and the benchmarks: a throwaway PostgreSQL server on a free loopback port.
#   pg_throwaway_start DIR [SETTING=VALUE ...]  initdb + start in DIR; sets PG_URL and PG_VERSION
#   pg_throwaway_stop DIR                        immediate stop (harmless when it never started)
# PostgreSQL refuses to run as root, so as root the server runs as the postgres account.

pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)

run_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_throwaway_start() {
  local dir=$1; shift
  [ -x "${pg_bin:-}/initdb" ] || { echo "PostgreSQL server binaries not found under /usr/lib/postgresql (apt-get install postgresql)" >&2; return 1; }
  mkdir -p "$dir"
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres:postgres "$dir"
    chmod o+x "$(dirname "$dir")"   # mktemp -d folders are 0700; the postgres account must reach DIR
  fi
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null ||
         /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  local options="-p $port -k $dir -c listen_addresses=127.0.0.1"
  local setting
  for setting in "$@"; do options+=" -c $setting"; done
  run_pg "$pg_bin/initdb" -D "$dir" -U postgres --auth=trust -E UTF8 >/dev/null
  run_pg "$pg_bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -o "$options" start >/dev/null
  PG_URL="postgres://postgres@127.0.0.1:$port/postgres"
  PG_VERSION=$("$pg_bin/postgres" --version | awk '{print $3}')
}

pg_throwaway_stop() {
  [ -n "${pg_bin:-}" ] && run_pg "$pg_bin/pg_ctl" -D "$1" -m immediate stop >/dev/null 2>&1 || true
}
