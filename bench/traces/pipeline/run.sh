#!/usr/bin/env bash
# Traces end to end with the in-process MiniLM: ingest → embedded → projected → written (see README.md):
#   bench/traces/pipeline/run.sh [RUNS=200] [ENTRIES_PER_RUN=50]
# Environment: REPEATS (3) passes per setting, each on a fresh data dir; CORES ("1 2") the core counts to pin to.
set -euo pipefail
cd "$(dirname "$0")/../../.."
RUNS="${1:-200}"; ENTRIES="${2:-50}"; REPEATS="${REPEATS:-3}"; CORES="${CORES:-1 2}"
MODEL=all-minilm-l6-v2
CHUNK=64  # traces:embed_chunk's default: texts per embedder call during ingestion
WORK="$(mktemp -d)"; trap 'rm -rf "$WORK"' EXIT

python3 bench/traces/pipeline/make_runs.py "$RUNS" "$ENTRIES" 42 "$WORK"
./tessera --help >/dev/null  # the launcher builds the CLI in Release when it is missing or stale
dotnet build -c Release -v quiet -clp:ErrorsOnly bench/traces/pipeline/TracesPipelineBench
BENCH=bench/traces/pipeline/TracesPipelineBench/bin/Release/net10.0/TracesPipelineBench.dll
echo "$(wc -l <"$WORK/texts.txt") entries in $RUNS runs; load average $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"

for cores in $CORES; do
  cpus="0-$((cores - 1))"
  for repeat in $(seq "$REPEATS"); do
    data="$WORK/data-$cores-$repeat"; mkdir "$data"
    # As many ONNX intra-op threads as pinned cores, for the pipeline and the embedder alone alike.
    started=$(date +%s%N)
    TESSERA__embedders__intra_op_threads="$cores" taskset -c "$cpus" ./tessera traces ingest "$WORK/runs" \
      --format seed --embedder "$MODEL" --json --data-dir "$data" >"$data/report.json"
    process_ms=$(( ($(date +%s%N) - started) / 1000000 ))
    folder=$(dirname "$(find "$data/traces" -name logs.parquet)")
    rows=$(dotnet "$BENCH" rows "$folder/logs.parquet" "$folder/embeddings.parquet" | paste -sd,)
    alone=$(taskset -c "$cpus" dotnet "$BENCH" embed "$WORK/texts.txt" "$cores" "$CHUNK")
    echo "{\"cores\":$cores,\"process_ms\":$process_ms,\"parquet_rows\":[$rows],\"alone\":$alone,\"ingest\":$(cat "$data/report.json")}" | tee -a "$WORK/results.jsonl"
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$WORK/results.jsonl" <<'PY'
import json, statistics, sys
passes = [json.loads(line) for line in open(sys.argv[1])]
for p in passes:
    records = p["ingest"]["report"]["records_added"]
    assert p["parquet_rows"] == [records, records], f"Parquet rows (logs, embeddings) {p['parquet_rows']} != {records} records"
print(f"\nmedians of {len(passes) // len({p['cores'] for p in passes})} passes per row; "
      "logs.parquet and embeddings.parquet held every record in every pass")
print("| cores | records | pass wall s | process wall s | records/s | embed s | outside embedding | embedder alone texts/s | pipeline ÷ alone |")
print("|---|---|---|---|---|---|---|---|---|")
for cores in sorted({p["cores"] for p in passes}):
    mine = [p for p in passes if p["cores"] == cores]
    med = lambda f: statistics.median(f(p) for p in mine)
    report = lambda p: p["ingest"]["report"]
    rate = med(lambda p: report(p)["records_added"] / report(p)["wall_seconds"])
    alone = med(lambda p: p["alone"]["texts_per_s"])
    print(f"| {cores} | {med(lambda p: report(p)['records_added']):.0f} | {med(lambda p: report(p)['wall_seconds']):.2f} "
          f"| {med(lambda p: p['process_ms'] / 1000):.2f} | {rate:.1f} | {med(lambda p: report(p)['embed_seconds']):.2f} "
          f"| {med(lambda p: 1 - report(p)['embed_seconds'] / report(p)['wall_seconds']):.1%} | {alone:.1f} | {rate / alone:.2f} |")
PY
