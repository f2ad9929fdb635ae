#!/usr/bin/env python3
"""Writes a large JSONL corpus ({"id", "text"} per line) for measuring the memory of `discernus
estimate` / `run` on big corpus files: python3 make_big_corpus.py OUT.jsonl [TEXTS] [BYTES_PER_TEXT]."""
import json
import random
import sys

out = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 20452
size = int(sys.argv[3]) if len(sys.argv) > 3 else 10000
rng = random.Random(8)
words = ["liberty", "the", "nation", "of", "and", "fairness", "care", "harm", "loyalty", "authority",
         "purity", "people", "government", "we", "shall", "duty", "freedom", "justice", "équité", "über"]
with open(out, "w", encoding="utf-8") as f:
    for i in range(n):
        parts, length = [], 0
        while length < size:
            w = rng.choice(words)
            parts.append(w)
            length += len(w) + 1
        f.write(json.dumps({"id": f"t{i:06d}", "text": " ".join(parts)}, ensure_ascii=False) + "\n")
