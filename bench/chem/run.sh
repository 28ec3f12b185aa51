#!/usr/bin/env bash
# Chem benchmarks (see README.md here):
#   (a) docking throughput: N small ligands docked into 1iep (the tutorial's 20 Å box, exhaustiveness E, one CPU each,
#       P at a time) against `vina` run directly on the same prepared receptor and ligand PDBQT files, two ways:
#       through a server (`tessera serve --workers P`, the executions submitted over HTTP by server_dock.py) and
#       through the CLI (`tessera chem dock --no-cache`, one process per ligand, all on one database); each path keeps
#       the files as artifacts, checks the schema, writes the execution row and its job, prepares the ligand and
#       converts the poses with obabel and stores them. Ligands/hour and the orchestration overhead in %, median of R
#       repeats;
#   (b) registry/validation throughput: POST execute accepted per second against the in-process server (a test of
#       tests/Tessera.Chem.Tests run with CHEM_BENCH_EXECUTIONS), SQLite and, when TESSERA_TEST_POSTGRES is set, PostgreSQL.
# Usage: bench/chem/run.sh [N=8] [E=1] [P=2] [R=3] [EXECUTIONS=400]   (EXECUTIONS=0 skips (b))
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
n="${1:-8}"; exhaustiveness="${2:-1}"; parallel="${3:-2}"; repeats="${4:-3}"; executions="${5:-400}"
fixture="$root/shared/fixtures/docking/1iep"
[ -d "$fixture" ] || fixture="/work/shared/fixtures/docking/1iep"
work=$(mktemp -d /tmp/tessera-bench-chem.XXXXXX)
trap 'rm -rf "$work"' EXIT
command -v curl >/dev/null || { echo "bench/chem needs curl"; exit 1; }

echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"
"$root/tessera" --help >/dev/null   # builds the CLI (Release) when missing or stale
tessera=(dotnet "$root/.artifacts/cli/tessera.dll")

# Small drug-like ligands, prepared once (3-D, hydrogens, Gasteiger charges) so both paths dock the same files.
smiles=("CC(=O)Oc1ccccc1C(=O)O aspirin" "CC(C)Cc1ccc(cc1)C(C)C(=O)O ibuprofen" "CC(=O)Nc1ccc(O)cc1 paracetamol"
  "Cn1cnc2c1c(=O)n(C)c(=O)n2C caffeine" "CCOC(=O)c1ccc(N)cc1 benzocaine" "OC(=O)c1ccccc1O salicylic_acid"
  "CN1CCC[C@H]1c1cccnc1 nicotine" "NCCc1ccc(O)c(O)c1 dopamine" "c1ccc2c(c1)cc[nH]2 indole" "OC(=O)CCc1ccccc1 hydrocinnamic_acid")
mkdir -p "$work/ligands" "$work/out"
for ((i = 0; i < n; i++)); do
  read -r smi name <<<"${smiles[$((i % ${#smiles[@]}))]}"
  echo "$smi" | obabel -ismi -opdbqt --gen3d -h --partialcharge gasteiger -O "$work/ligands/$i-$name.pdbqt" 2>/dev/null
done
receptor="$fixture/1iep_receptor.pdbqt"
read -r cx cy cz sx sy sz < <(awk -F'=' '{gsub(/ /,"",$2); v[NR]=$2} END {print v[1], v[2], v[3], v[4], v[5], v[6]}' "$fixture/1iep_receptor.box.txt")
# The CLI processes share one database (SQLite), migrated before any timing; each one's worker claims its own job only.
"${tessera[@]}" chem tasks list --data-dir "$work/cli" >/dev/null

# The server: its own database, an admin's token, the receptor and ligands kept as artifacts before any timing.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
api="http://127.0.0.1:$port"
token=$("${tessera[@]}" token create --data-dir "$work/server" --user bench@example.org --org bench --role admin --name bench | tail -1)
"${tessera[@]}" serve --data-dir "$work/server" --port "$port" --workers "$parallel" >"$work/server.log" 2>&1 &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 120); do curl -sf "$api/readyz" >/dev/null && break; sleep 0.5; done
curl -sf "$api/readyz" >/dev/null || { echo "the server did not start; its log:"; cat "$work/server.log"; exit 1; }
keep() { curl -sf -H "Authorization: Bearer $token" -F "file=@$1" "$api/api/v1/chem/artifacts" | python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])'; }
receptor_id=$(keep "$receptor")
ligand_ids=(); for l in "$work"/ligands/*.pdbqt; do ligand_ids+=("$(keep "$l")"); done
box="{\"center\": [$cx, $cy, $cz], \"size\": [$sx, $sy, $sz]}"

now() { date +%s.%N; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
direct_one() { vina --receptor "$receptor" --ligand "$1" --center_x "$cx" --center_y "$cy" --center_z "$cz" --size_x "$sx" --size_y "$sy" --size_z "$sz" \
  --exhaustiveness "$exhaustiveness" --seed 1 --cpu 1 --out "$work/out/$(basename "$1")" >/dev/null; }
export -f direct_one
export receptor cx cy cz sx sy sz exhaustiveness work
export TESSERA_CLI="${tessera[*]}"
# xargs cannot call an array; the exported function rebuilds the command from this.
tessera_one() { $TESSERA_CLI chem dock --receptor "$receptor" --ligand "$1" --center "$cx,$cy,$cz" --size "$sx,$sy,$sz" \
  --exhaustiveness "$exhaustiveness" --seed 1 --cpu 1 --no-cache --json --data-dir "$work/cli" | grep -q '"cached": *false'; }
export -f tessera_one

echo
echo "== (a) docking throughput: $n ligands into 1iep, exhaustiveness $exhaustiveness, 1 CPU each, $parallel at a time, $repeats repeats =="
direct=(); served=(); orchestrated=()
for ((r = 1; r <= repeats; r++)); do
  t0=$(now); ls "$work"/ligands/*.pdbqt | xargs -P "$parallel" -I{} bash -c 'direct_one "$1"' _ {}; t1=$(now)
  s=$(python3 "$root/bench/chem/server_dock.py" "$api" "$token" "$receptor_id" "$box" "$exhaustiveness" "${ligand_ids[@]}")
  t2=$(now); ls "$work"/ligands/*.pdbqt | xargs -P "$parallel" -I{} bash -c 'tessera_one "$1"' _ {}; t3=$(now)
  d=$(echo "$t1 - $t0" | bc -l); o=$(echo "$t3 - $t2" | bc -l)
  direct+=("$d"); served+=("$s"); orchestrated+=("$o")
  printf 'repeat %d: vina directly %.1f s, through the server %.1f s, through the CLI %.1f s (load %s)\n' "$r" "$d" "$s" "$o" "$(cut -d' ' -f1 /proc/loadavg)"
done
dm=$(printf '%s\n' "${direct[@]}" | median); sm=$(printf '%s\n' "${served[@]}" | median); om=$(printf '%s\n' "${orchestrated[@]}" | median)
rate() { echo "$n * 3600 / $1" | bc -l; }
overhead() { echo "($1 - $dm) * 100 / $dm" | bc -l; }
printf 'median: vina directly %.1f s = %.0f ligands/hour\n' "$dm" "$(rate "$dm")"
printf 'median: through the server %.1f s = %.0f ligands/hour; orchestration overhead %+.1f%%\n' "$sm" "$(rate "$sm")" "$(overhead "$sm")"
printf 'median: through the CLI %.1f s = %.0f ligands/hour; orchestration overhead %+.1f%%\n' "$om" "$(rate "$om")" "$(overhead "$om")"

if [ "$executions" -gt 0 ]; then
echo
echo "== (b) registry/validation throughput: $executions POST execute each, in-process server =="
dotnet build "$root/tests/Tessera.Chem.Tests" -nologo -v quiet -clp:ErrorsOnly >/dev/null
CHEM_BENCH_EXECUTIONS="$executions" dotnet test "$root/tests/Tessera.Chem.Tests" --no-build --filter "FullyQualifiedName~ExecuteAcceptanceBench" \
  --logger "console;verbosity=detailed" 2>&1 | grep -o 'chem execute (.*' || true
fi
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
