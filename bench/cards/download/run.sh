#!/usr/bin/env bash
# Cards download throughput on loopback (see README.md): `tessera cards download` against curl --parallel and aria2c,
# the same N generated JPEGs from one Kestrel static-file server, the same parallelism.
#   bench/cards/download/run.sh [N=2000]
# Environment: REPEATS (3) passes per tool, in alternating order; WORKERS (16) parallel downloads for every tool;
# RATE (1000, the most cards:requests_per_second accepts) Tessera's per-host limit; CLIENT_CPUS (0) and SERVER_CPUS (1)
# the cores the downloaders and the server are pinned to (empty: not pinned); TMPDIR (/tmp) holds every copy of the images,
# the server's and the downloaders' (TMPDIR=/dev/shm: tmpfs, where an fsync costs nothing).
set -euo pipefail
cd "$(dirname "$0")/../../.."
N="${1:-2000}"; REPEATS="${REPEATS:-3}"; WORKERS="${WORKERS:-16}"; RATE="${RATE:-1000}"
CLIENT_CPUS="${CLIENT_CPUS-0}"; SERVER_CPUS="${SERVER_CPUS-1}"
HERE=bench/cards/download
WORK="$(mktemp -d "${TMPDIR:-/tmp}/tessera-bench-cards.XXXXXX")"
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

pin() { if [ -n "$1" ]; then echo taskset -c "$1"; fi; }
read -r -a client_pin <<<"$(pin "$CLIENT_CPUS")"
read -r -a server_pin <<<"$(pin "$SERVER_CPUS")"

./tessera --help >/dev/null  # the launcher builds the CLI in Release when it is missing or stale
dotnet build -c Release -v quiet -clp:ErrorsOnly -nologo "$HERE/ImageServer" >&2
tessera=(dotnet .artifacts/cli/tessera.dll)

/usr/bin/python3 "$HERE/make_cards.py" images "$N" "$WORK/site"
"${server_pin[@]}" dotnet "$HERE/ImageServer/bin/Release/net10.0/ImageServer.dll" "$WORK/site" "$WORK/port" &
server=$!
for _ in $(seq 100); do [ -s "$WORK/port" ] && break; sleep 0.1; done
base="http://127.0.0.1:$(cat "$WORK/port")"
/usr/bin/python3 "$HERE/make_cards.py" lists "$N" "$base" "$WORK"
site_bytes=$(find "$WORK/site/img" -type f -printf '%s\n' | awk '{s += $1} END {print s}')
curl -sf -o /dev/null "$base/img/normal/card-00000.jpg"  # the server's first answer (JIT) is not timed
echo "$N images ($site_bytes bytes) on $base; $WORKERS parallel downloads; downloaders on cores '${CLIENT_CPUS:-any}', server on '${SERVER_CPUS:-any}'"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"

server_cpu() { awk '{print $14 + $15}' "/proc/$server/stat"; }  # utime + stime, clock ticks

# timed TOOL REPEAT OUT COMMAND...: runs COMMAND pinned, checks OUT holds N images of the served total size, appends one JSON line.
timed() {
  local tool="$1" repeat="$2" out="$3"; shift 3
  local before started
  before=$(server_cpu); started=$(date +%s%N)
  "${client_pin[@]}" /usr/bin/time -f '%U %S' -o "$WORK/time" "$@" >"$WORK/stdout"
  local wall_ns=$(( $(date +%s%N) - started )) after; after=$(server_cpu)
  read -r user sys <"$WORK/time"
  local files bytes
  files=$(find "$out" -type f -name '*.jpg' | wc -l)
  bytes=$(find "$out" -type f -name '*.jpg' -printf '%s\n' | awk '{s += $1} END {print s + 0}')
  if [ "$files" -ne "$N" ] || [ "$bytes" -ne "$site_bytes" ]; then
    echo "$tool pass $repeat: $files files, $bytes bytes in $out; expected $N and $site_bytes" >&2
    exit 1
  fi
  local report='null'
  if [ "$tool" != curl ] && [ "$tool" != aria2c ]; then report=$(cat "$WORK/stdout"); fi
  echo "{\"tool\":\"$tool\",\"repeat\":$repeat,\"wall_s\":$(( wall_ns / 1000000 ))e-3,\"user_s\":$user,\"sys_s\":$sys,\"server_cpu_ticks\":$(( after - before )),\"clk_tck\":$(getconf CLK_TCK),\"bytes\":$bytes,\"report\":$report}" \
    | tee -a "$WORK/results.jsonl"
}

run_tessera() {
  local data="$WORK/tessera-$1"
  rm -rf "$WORK"/tessera-*; mkdir "$data"
  "${tessera[@]}" cards import "$WORK/cards.json" --data-dir "$data" >/dev/null
  TESSERA__cards__requests_per_second="$RATE" timed tessera "$1" "$data/cards" \
    "${tessera[@]}" cards download --workers "$WORKERS" --json --data-dir "$data"
}
run_curl() {
  rm -rf "$WORK/curl"; mkdir "$WORK/curl"
  timed curl "$1" "$WORK/curl" curl --parallel --parallel-immediate --parallel-max "$WORKERS" --fail --no-progress-meter \
    --output-dir "$WORK/curl" -K "$WORK/curl.cfg"
}
run_aria2c() {
  rm -rf "$WORK/aria2c"; mkdir "$WORK/aria2c"
  # --auto-save-interval=0: no .aria2 control file per download, so one fsync per file (the data's), as Tessera does;
  # by default aria2c's single thread fsyncs three times per file and waits on the disk for each.
  timed aria2c "$1" "$WORK/aria2c" aria2c -q -j "$WORKERS" --file-allocation=none --auto-save-interval=0 -d "$WORK/aria2c" -i "$WORK/aria2.txt"
}

tools=(tessera curl aria2c)
for repeat in $(seq "$REPEATS"); do
  if (( repeat % 2 == 0 )); then order=(aria2c curl tessera); else order=("${tools[@]}"); fi
  for tool in "${order[@]}"; do "run_$tool" "$repeat"; done
done

# On the last pass's complete cache: a second run skips every image; --revalidate asks the server about each (304).
data=$(echo "$WORK"/tessera-*)
for repeat in $(seq "$REPEATS"); do
  TESSERA__cards__requests_per_second="$RATE" timed tessera-resume "$repeat" "$data/cards" \
    "${tessera[@]}" cards download --workers "$WORKERS" --json --data-dir "$data"
done
for repeat in $(seq "$REPEATS"); do
  TESSERA__cards__requests_per_second="$RATE" timed tessera-revalidate "$repeat" "$data/cards" \
    "${tessera[@]}" cards download --workers "$WORKERS" --revalidate --json --data-dir "$data"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

/usr/bin/python3 - "$WORK/results.jsonl" "$N" <<'PY'
import json, statistics, sys
passes = [json.loads(line) for line in open(sys.argv[1])]
n = int(sys.argv[2])
print(f"\nmedians of {sum(p['tool'] == 'curl' for p in passes)} passes; every pass stored all {n} images (count and total bytes checked)")
print("| tool | wall s | images/s | MB/s | client CPU ms/image | server CPU s | server core busy | Tessera's own images/s |")
print("|---|---|---|---|---|---|---|---|")
rate = {}
for tool in dict.fromkeys(p["tool"] for p in passes):
    mine = [p for p in passes if p["tool"] == tool]
    med = lambda f: statistics.median(f(p) for p in mine)
    server = lambda p: p["server_cpu_ticks"] / p["clk_tck"]
    rate[tool] = med(lambda p: n / p["wall_s"])
    # A run that downloads nothing moves no bytes: no MB/s for the resume and revalidate runs.
    mbs = "—" if tool.startswith("tessera-") else f"{med(lambda p: p['bytes'] / p['wall_s'] / 1e6):.1f}"
    own = f"{med(lambda p: p['report']['images_per_second']):.0f}" if tool.startswith("tessera") else ""
    print(f"| {tool} | {med(lambda p: p['wall_s']):.2f} | {rate[tool]:.0f} | {mbs} | {med(lambda p: (p['user_s'] + p['sys_s']) * 1000 / n):.2f} "
          f"| {med(server):.2f} | {med(lambda p: server(p) / p['wall_s']):.0%} | {own} |")
print(f"\nTessera / curl: {rate['tessera'] / rate['curl']:.2f}; Tessera / aria2c: {rate['tessera'] / rate['aria2c']:.2f} (images/s, process wall time)")
PY
