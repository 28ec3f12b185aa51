#!/usr/bin/env bash
# Chem benchmarks (see README.md here):
#   (a) docking throughput: N small ligands docked into 1iep (the tutorial's 20 Å box, exhaustiveness E, one CPU each,
#       P at a time) through Tessera's orchestration (`tessera chem dock --no-cache`, one CLI process per ligand: artifact
#       upload, schema check, execution row + job, in-process worker, ligand and pose conversion with obabel, poses
#       stored) against `vina` run directly on the same prepared receptor and ligand PDBQT files; ligands/hour for
#       both and the orchestration overhead in %, median of R repeats;
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
# One data dir (SQLite) per ligand, migrated before any timing: CLI processes sharing one database would each run a
# worker that may claim another process's job and drop it when its own execution ends (see README).
for l in "$work"/ligands/*.pdbqt; do "${tessera[@]}" chem tasks list --data-dir "$work/data/$(basename "$l" .pdbqt)" >/dev/null; done

now() { date +%s.%N; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
direct_one() { vina --receptor "$receptor" --ligand "$1" --center_x "$cx" --center_y "$cy" --center_z "$cz" --size_x "$sx" --size_y "$sy" --size_z "$sz" \
  --exhaustiveness "$exhaustiveness" --seed 1 --cpu 1 --out "$work/out/$(basename "$1")" >/dev/null; }
export -f direct_one
export receptor cx cy cz sx sy sz exhaustiveness work
export TESSERA_CLI="${tessera[*]}"
# xargs cannot call an array; the exported function rebuilds the command from this.
tessera_one() { $TESSERA_CLI chem dock --receptor "$receptor" --ligand "$1" --center "$cx,$cy,$cz" --size "$sx,$sy,$sz" \
  --exhaustiveness "$exhaustiveness" --seed 1 --cpu 1 --no-cache --json --data-dir "$work/data/$(basename "$1" .pdbqt)" | grep -q '"cached": *false'; }
export -f tessera_one

echo
echo "== (a) docking throughput: $n ligands into 1iep, exhaustiveness $exhaustiveness, 1 CPU each, $parallel at a time, $repeats repeats =="
direct=(); orchestrated=()
for ((r = 1; r <= repeats; r++)); do
  t0=$(now); ls "$work"/ligands/*.pdbqt | xargs -P "$parallel" -I{} bash -c 'direct_one "$1"' _ {}; t1=$(now)
  ls "$work"/ligands/*.pdbqt | xargs -P "$parallel" -I{} bash -c 'tessera_one "$1"' _ {}; t2=$(now)
  d=$(echo "$t1 - $t0" | bc -l); o=$(echo "$t2 - $t1" | bc -l)
  direct+=("$d"); orchestrated+=("$o")
  printf 'repeat %d: vina directly %.1f s, through tessera %.1f s (load %s)\n' "$r" "$d" "$o" "$(cut -d' ' -f1 /proc/loadavg)"
done
dm=$(printf '%s\n' "${direct[@]}" | median); om=$(printf '%s\n' "${orchestrated[@]}" | median)
printf 'median: vina directly %.1f s = %.0f ligands/hour; through tessera %.1f s = %.0f ligands/hour; orchestration overhead %+.0f%%\n' \
  "$dm" "$(echo "$n * 3600 / $dm" | bc -l)" "$om" "$(echo "$n * 3600 / $om" | bc -l)" "$(echo "($om - $dm) * 100 / $dm" | bc -l)"

if [ "$executions" -gt 0 ]; then
echo
echo "== (b) registry/validation throughput: $executions POST execute each, in-process server =="
dotnet build "$root/tests/Tessera.Chem.Tests" -nologo -v quiet -clp:ErrorsOnly >/dev/null
CHEM_BENCH_EXECUTIONS="$executions" dotnet test "$root/tests/Tessera.Chem.Tests" --no-build --filter "FullyQualifiedName~ExecuteAcceptanceBench" \
  --logger "console;verbosity=detailed" 2>&1 | grep -o 'chem execute (.*' || true
fi
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
