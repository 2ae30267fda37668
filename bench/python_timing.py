#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The Python side of the overhead benchmark (scripts/bench-python): the same JSON requests as
gazette-bench-queries, through gazette.Searcher.search, REPS times after one untimed pass; then
the requests/s of THREADS threads sharing one Searcher for a few seconds.
Prints {"requests", "p50_us", "p95_us", "mean_us", "threads": {"1": req/s, "N": req/s}}.
Usage: python_timing.py DB REQUESTS.jsonl REPS [THREADS] [SECONDS]"""
import json
import sys
import threading
import time

import gazette

db, path, reps = sys.argv[1], sys.argv[2], int(sys.argv[3])
threads = int(sys.argv[4]) if len(sys.argv) > 4 else 2
seconds = float(sys.argv[5]) if len(sys.argv) > 5 else 3
searcher = gazette.Searcher(db)
requests = []
for line in open(path):
    if line.strip():
        r = json.loads(line)
        requests.append((r.pop("q", ""), r))
for q, options in requests:
    searcher.search(q, **options)
us = []
for _ in range(reps):
    for q, options in requests:
        t0 = time.perf_counter()
        searcher.search(q, **options)
        us.append((time.perf_counter() - t0) * 1e6)
us.sort()


def throughput(n):
    count, stop = [0] * n, time.perf_counter() + seconds

    def run(i):
        k = 0
        while time.perf_counter() < stop:
            q, options = requests[k % len(requests)]
            searcher.search(q, **options)
            k += 1
        count[i] = k

    pool = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return sum(count) / seconds


print(json.dumps({"requests": len(us), "p50_us": us[int(0.5 * (len(us) - 1))], "p95_us": us[int(0.95 * (len(us) - 1))],
                  "mean_us": sum(us) / len(us), "threads": {"1": throughput(1), str(threads): throughput(threads)}}))
