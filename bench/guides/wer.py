"""Word error rate of a hypothesis file against a reference file: word edits (substitutions, deletions,
insertions) over the reference's word count, both compared as lower-case words (the same rule as the C#
WordErrorRate the tests use)."""
import re
import sys


def words(path):
    with open(path, encoding="utf-8") as f:
        return re.findall(r"[\w']+", f.read().lower())


reference, hypothesis = words(sys.argv[1]), words(sys.argv[2])
previous = list(range(len(hypothesis) + 1))
for i, expected in enumerate(reference, 1):
    current = [i] + [0] * len(hypothesis)
    for j, heard in enumerate(hypothesis, 1):
        current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (expected != heard))
    previous = current
rate = previous[-1] / len(reference) if reference else float(bool(hypothesis))
print(f"{rate:.0%} ({previous[-1]} edits / {len(reference)} words)")
