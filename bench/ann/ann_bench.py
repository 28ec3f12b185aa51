#!/usr/bin/env python3
"""Side-by-side ANN benchmark helpers for bench/ann/run.sh.

  generate  DIR --n N --queries Q        three synthetic datasets (.npy) + exact ground truth
  reference DIR/NAME --lib hnswlib|faiss|faiss-sq8 one JSON line per ef, same fields as `tessera index bench`
  report    RESULTS.jsonl                the comparison table and ratios vs hnswlib

Everything runs single-threaded; run.sh pins each process to one core with taskset.
"""
import argparse
import json
import os
import sys
import tempfile
import time

import numpy as np

DATASETS = {
    # name: (dimension, metric)
    "clustered-128": (128, "l2"),
    "normalized-320": (320, "cosine"),
    "uniform-64": (64, "l2"),
}
K = 10
SEED = 20261121


def make(name, n, nq, rng):
    dim, _ = DATASETS[name]
    total = n + nq
    if name == "clustered-128":
        centers = rng.normal(0.0, 4.0, size=(1000, dim))
        x = centers[rng.integers(0, len(centers), total)] + rng.normal(0.0, 1.0, size=(total, dim))
    elif name == "normalized-320":
        # Embedding-like: a 24-dimensional latent structure plus a little noise, on the unit sphere.
        latent = rng.normal(size=(total, 24)) @ rng.normal(size=(24, dim))
        x = latent + 0.5 * rng.normal(size=(total, dim))
        x /= np.linalg.norm(x, axis=1, keepdims=True)
    else:
        x = rng.random(size=(total, dim))
    x = x.astype(np.float32)
    return np.ascontiguousarray(x[:n]), np.ascontiguousarray(x[n:])


def exact_truth(base, queries, metric):
    import faiss
    faiss.omp_set_num_threads(os.cpu_count() or 1)
    index = faiss.IndexFlatL2(base.shape[1]) if metric == "l2" else faiss.IndexFlatIP(base.shape[1])
    index.add(base)
    _, ids = index.search(queries, K)
    return ids.astype(np.int64)


def generate(args):
    rng = np.random.default_rng(SEED)
    for name, (_, metric) in DATASETS.items():
        folder = os.path.join(args.dir, name)
        os.makedirs(folder, exist_ok=True)
        base, queries = make(name, args.n, args.queries, rng)
        np.save(os.path.join(folder, "base.npy"), base)
        np.save(os.path.join(folder, "queries.npy"), queries)
        np.save(os.path.join(folder, "truth.npy"), exact_truth(base, queries, metric))
        with open(os.path.join(folder, "metric"), "w") as f:
            f.write(metric)


def rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def recall(found, truth):
    return float(np.mean([len(set(f[:K]) & set(t[:K])) / K for f, t in zip(found, truth)]))


def median_qps(repeat, count, run):
    """Median queries/s over the repeats, by wall clock and per CPU second (steadier on a shared machine)."""
    wall, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        run()
        wall.append(count / (time.perf_counter() - start))
        cpu.append(count / (time.process_time() - start_cpu))
    return sorted(wall)[len(wall) // 2], sorted(cpu)[len(cpu) // 2]


def reference(args):
    base = np.load(os.path.join(args.dataset, "base.npy"))
    queries = np.load(os.path.join(args.dataset, "queries.npy"))
    truth = np.load(os.path.join(args.dataset, "truth.npy"))
    metric = open(os.path.join(args.dataset, "metric")).read().strip()
    n, dim = base.shape
    efs = [int(e) for e in args.ef.split(",")]
    before = rss_bytes()
    if args.lib == "hnswlib":
        import hnswlib
        index = hnswlib.Index(space={"l2": "l2", "cosine": "cosine", "ip": "ip"}[metric], dim=dim)
        start, start_cpu = time.perf_counter(), time.process_time()
        index.init_index(max_elements=n, M=args.m, ef_construction=args.ef_construction, random_seed=100)
        index.set_num_threads(1)
        index.add_items(base, np.arange(n), num_threads=1)
        build, build_cpu = time.perf_counter() - start, time.process_time() - start_cpu
        with tempfile.NamedTemporaryFile() as f:
            index.save_index(f.name)
            file_bytes = os.path.getsize(f.name)

        def set_ef(ef):
            index.set_ef(ef)

        def one(q):
            return index.knn_query(q, k=K, num_threads=1)[0][0]

        def batch():
            return index.knn_query(queries, k=K, num_threads=1)[0]
    else:
        import faiss
        faiss.omp_set_num_threads(1)
        faiss_metric = faiss.METRIC_L2 if metric == "l2" else faiss.METRIC_INNER_PRODUCT
        if args.lib == "faiss-sq8":
            # IndexHNSWSQ: the graph walks 8-bit codes (per-dimension min/max trained on the base), no re-ranking.
            index = faiss.IndexHNSWSQ(dim, faiss.ScalarQuantizer.QT_8bit, args.m, faiss_metric)
        else:
            index = faiss.IndexHNSWFlat(dim, args.m, faiss_metric)
        index.hnsw.efConstruction = args.ef_construction
        start, start_cpu = time.perf_counter(), time.process_time()
        if args.lib == "faiss-sq8":
            index.train(base)
        index.add(base)
        build, build_cpu = time.perf_counter() - start, time.process_time() - start_cpu
        with tempfile.NamedTemporaryFile() as f:
            faiss.write_index(index, f.name)
            file_bytes = os.path.getsize(f.name)

        def set_ef(ef):
            index.hnsw.efSearch = ef

        def one(q):
            return index.search(q.reshape(1, -1), K)[1][0]

        def batch():
            return index.search(queries, K)[1]
    index_bytes = rss_bytes() - before
    for ef in efs:
        set_ef(ef)
        found = [None] * len(queries)

        def singles():
            for i, q in enumerate(queries):
                found[i] = one(q)

        singles()  # one untimed pass warms caches, as tessera's bench does
        qps, qps_cpu = median_qps(args.repeat, len(queries), singles)
        qps_batched, _ = median_qps(args.repeat, len(queries), batch)
        print(json.dumps({
            "ef": ef, "recall_at_k": round(recall(found, truth), 4), "qps": round(qps, 1), "qps_batched": round(qps_batched, 1),
            "qps_cpu": round(qps_cpu, 1), "build_seconds": round(build, 3), "build_cpu_seconds": round(build_cpu, 3),
            "index_bytes": index_bytes, "bytes_per_vector": round(index_bytes / n, 1),
            "file_bytes_per_vector": round(file_bytes / n, 1),
        }), flush=True)


LIBS = ("hnswlib", "faiss", "faiss-sq8", "tessera", "tessera-sq8", "tessera-sq8-mapped")


def first_reaching(rows, target):
    hits = [r for r in rows if r["recall_at_k"] >= target]
    return min(hits, key=lambda r: r["ef"]) if hits else None


def report(args):
    results = {}
    filtered = {}
    with open(args.results) as f:
        for line in f:
            row = json.loads(line)
            if "filter_fraction" in row:
                filtered[(row["dataset"], row["lib"])] = row
            else:
                results.setdefault((row["dataset"], row["lib"]), []).append(row)
    libs = [lib for lib in LIBS if any(key[1] == lib for key in results)]
    print(f"\nrecall@{K} and queries/s per ef (single thread, one query per call; batched in brackets)")
    for name in DATASETS:
        print(f"\n{name}")
        print(f"  {'ef':>5} " + " ".join(f"{lib:>30}" for lib in libs))
        efs = sorted({r["ef"] for lib in libs for r in results.get((name, lib), [])})
        for ef in efs:
            cells = []
            for lib in libs:
                row = next((r for r in results.get((name, lib), []) if r["ef"] == ef), None)
                cells.append(f"{row['recall_at_k']:.4f} {row['qps']:>8.0f} [{row['qps_batched']:>8.0f}]" if row else "-")
            print(f"  {ef:>5} " + " ".join(f"{c:>30}" for c in cells))

    print(f"\nAt the smallest ef reaching recall@{K} >= {args.target} (each library its own ef); ratios are tessera / other")
    header = (f"{'dataset':<16} {'lib':<18} {'ef':>4} {'recall':>7} {'qps':>8} {'qps_batch':>9} {'qps_cpu':>8} "
              f"{'build_s':>8} {'build_cpu':>9} {'bytes/vec':>9}")
    print(header)
    for name in DATASETS:
        best = {lib: first_reaching(results.get((name, lib), []), args.target) for lib in libs}
        for lib in libs:
            row = best[lib]
            if row is None:
                print(f"{name:<16} {lib:<18}  (no ef reached {args.target})")
                continue
            print(f"{name:<16} {lib:<18} {row['ef']:>4} {row['recall_at_k']:>7.4f} {row['qps']:>8.0f} {row['qps_batched']:>9.0f} "
                  f"{row['qps_cpu']:>8.0f} {row['build_seconds']:>8.2f} {row['build_cpu_seconds']:>9.2f} {row['bytes_per_vector']:>9.0f}")
        for mine in ("tessera", "tessera-sq8", "tessera-sq8-mapped"):
            t = best.get(mine)
            if t is None:
                continue
            for other in [lib for lib in LIBS if lib != mine and not lib.startswith("tessera")] + (["tessera"] if mine != "tessera" else []):
                o = best.get(other)
                if o is None:
                    continue
                file_note = f" (vs its saved file: {t['bytes_per_vector'] / o['file_bytes_per_vector']:.2f}x)" if "file_bytes_per_vector" in o else ""
                print(f"{'':<16} {mine}/{other}: qps {t['qps'] / o['qps']:.2f}x (per CPU second {t['qps_cpu'] / o['qps_cpu']:.2f}x), "
                      f"build time {t['build_seconds'] / o['build_seconds']:.2f}x "
                      f"(CPU {t['build_cpu_seconds'] / o['build_cpu_seconds']:.2f}x), memory/vector {t['bytes_per_vector'] / o['bytes_per_vector']:.2f}x{file_note}")
            # Batched search runs on the bench's --threads; against one thread per call it is the thread scaling.
            walk = t["graph_bytes_per_vector"] + t["quantized_bytes_per_vector"]
            print(f"{'':<16} {mine}: batched/single qps {t['qps_batched'] / t['qps']:.2f}x; bytes/vector graph {t['graph_bytes_per_vector']:.0f}, "
                  f"codes {t['quantized_bytes_per_vector']:.0f}, float32 {t['vector_bytes_per_vector']:.0f}"
                  + (f"; without float32 resident {walk:.0f}" if t["quantized_bytes_per_vector"] > 0 else ""))
        t, m = best.get("tessera"), best.get("tessera-sq8-mapped")
        if t is not None and m is not None and m.get("vectors_mapped"):
            cached = m.get("mapped_in_memory_bytes_per_vector")
            print(f"{'':<16} tessera-sq8-mapped resident (graph + codes; float32 memory-mapped) / tessera total: "
                  f"{m['resident_bytes_per_vector'] / t['bytes_per_vector']:.2f}x (goal <= 0.4x); float32 pages in the page cache after "
                  f"the passes: {'unknown' if cached is None else f'{cached:.0f}'} of {m['vector_bytes_per_vector']:.0f} bytes/vector (reclaimable)")
        for mine in ("tessera", "tessera-sq8", "tessera-sq8-mapped"):
            if (name, mine) not in filtered:
                continue
            row = filtered[(name, mine)]
            print(f"{'':<16} {mine} filtered search ({row['filter_fraction']:.0%} admitted, {row['allowed']} items, ef {row['ef']}): "
                  f"recall@{K} {row['recall_at_k']:.4f}, {row['qps']:.0f} qps")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    g = sub.add_parser("generate")
    g.add_argument("dir")
    g.add_argument("--n", type=int, default=100_000)
    g.add_argument("--queries", type=int, default=1_000)
    r = sub.add_parser("reference")
    r.add_argument("dataset")
    r.add_argument("--lib", choices=["hnswlib", "faiss", "faiss-sq8"], required=True)
    r.add_argument("--m", type=int, default=16)
    r.add_argument("--ef-construction", type=int, default=200)
    r.add_argument("--ef", default="10,16,32,64,128,256,512")
    r.add_argument("--repeat", type=int, default=3)
    p = sub.add_parser("report")
    p.add_argument("results")
    p.add_argument("--target", type=float, default=0.95)
    args = parser.parse_args()
    {"generate": generate, "reference": reference, "report": report}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
