"""Synthetic agent runs in the seed JSONL format, deterministic for a seed:
    make_runs.py RUNS ENTRIES_PER_RUN SEED OUT_DIR
writes OUT_DIR/runs/run_NNNNN.jsonl (thought → action → observation per iteration; the last entry carries the
final answer, so every run is complete) and OUT_DIR/texts.txt (every entry's text, one a line, in file order)."""
import json
import os
import random
import sys

runs, entries, seed, out = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
rng = random.Random(seed)

TASKS = ["fix the failing date parser test", "add pagination to the orders endpoint", "find why the cache misses after deploy",
         "port the CSV importer to streaming reads", "reduce memory of the image resize job", "explain the flaky login test",
         "upgrade the ORM and fix the migrations", "summarise the incident timeline from the logs", "write a unit test for the retry policy",
         "locate the race in the job scheduler", "compute monthly revenue per region from sales.csv", "refactor the payment webhook handler"]
FILES = ["src/orders/api.py", "src/cache/redis_store.py", "tests/test_dates.py", "jobs/resize.py", "db/migrations/0042_add_index.sql",
         "src/auth/login.ts", "scheduler/queue.go", "data/sales.csv", "src/payments/webhook.rb", "README.md", "config/settings.yaml"]
TOOLS = ["search_files", "open_file", "run_tests", "python_exec", "grep", "edit_file", "git_diff", "http_get", "list_dir"]
WORDS = ("the function returns none when the input list is empty so the caller crashes later because it expects a value "
         "we should check the boundary condition before the loop and add a guard that raises a clear error message "
         "the test fixture builds a timezone aware datetime but the parser drops the offset which shifts the result by hours "
         "the cache key includes the build number so every deploy invalidates all entries and the hit rate falls to zero "
         "memory grows because the whole image is decoded into a buffer before resizing instead of streaming tiles "
         "the scheduler takes the lock after reading the queue length so two workers can claim the same job "
         "revenue is the sum of quantity times unit price grouped by region and month after removing refunds "
         "the webhook retries on timeout but the handler is not idempotent so payments are recorded twice").split()
THOUGHT_OPENERS = ["I need to", "Next I will", "The output suggests I should", "Before editing, let me", "It looks like I must",
                   "To confirm the hypothesis I will", "The error indicates that I should"]
ERRORS = ["AssertionError: expected 3 but got 2", "KeyError: 'region'", "TypeError: 'NoneType' object is not iterable",
          "TimeoutError: operation timed out after 30s", "IndexError: list index out of range", "ValueError: invalid literal for int()"]


def length():
    # Mostly short entries with a long tail, 20–400 words, as agent logs have.
    return min(400, max(20, int(rng.lognormvariate(4.2, 0.8))))


def prose(n):
    start = rng.randrange(len(WORDS))
    return " ".join(WORDS[(start + i) % len(WORDS)] if rng.random() < 0.8 else rng.choice(WORDS) for i in range(n))


def thought(task):
    n = length()
    head = f"{rng.choice(THOUGHT_OPENERS)} look at {rng.choice(FILES)} to {task}."
    return f"{head} {prose(max(0, n - len(head.split())))}"


def action():
    tool, path = rng.choice(TOOLS), rng.choice(FILES)
    n = length()
    if tool == "python_exec":
        lines = [f"import csv", f"rows = list(csv.DictReader(open('{path}')))"]
        while sum(len(l.split()) for l in lines) < n:
            var = rng.choice(["total", "count", "by_region", "errors", "result"])
            lines.append(f"{var} = sum(float(r['{rng.choice(['price', 'qty', 'amount'])}']) for r in rows if r['{rng.choice(['region', 'month', 'status'])}'] == '{rng.choice(WORDS)}')")
        lines.append("print(result)")
        return "\n".join(lines).replace("\n", " ; ")
    return f"{tool}(path='{path}', query='{rng.choice(WORDS)} {rng.choice(WORDS)}') # {prose(max(0, n - 4))}"


def observation():
    n = length()
    kind = rng.random()
    if kind < 0.3:
        frames = [f"  File \"{rng.choice(FILES)}\", line {rng.randrange(1, 900)}, in {rng.choice(WORDS)}_{rng.choice(WORDS)}" for _ in range(max(1, n // 8))]
        return "Traceback (most recent call last): " + " ".join(frames) + " " + rng.choice(ERRORS)
    if kind < 0.6:
        rows = [f"{rng.choice(['north', 'south', 'east', 'west'])},{rng.randrange(1, 13)},{rng.uniform(10, 5000):.2f}" for _ in range(max(1, n // 3))]
        return "region,month,amount " + " ".join(rows)
    return f"{rng.randrange(1, 200)} passed, {rng.randrange(0, 5)} failed. " + prose(n)


os.makedirs(os.path.join(out, "runs"), exist_ok=True)
with open(os.path.join(out, "texts.txt"), "w") as texts:
    for r in range(runs):
        task = rng.choice(TASKS)
        with open(os.path.join(out, "runs", f"run_{r:05d}.jsonl"), "w") as run:
            for i in range(entries):
                last = i == entries - 1
                kind = "final_answer" if last else ("thought", "action", "observation")[i % 3]
                text = action() if kind == "action" else observation() if kind == "observation" else thought(task)
                run.write(json.dumps({"iteration": i // 3, "idx_in_iteration": i % 3, "type": kind, "text": text,
                                      "final_answer": "done: " + task if last else None}) + "\n")
                texts.write(text.replace("\n", " ") + "\n")
