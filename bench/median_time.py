#!/usr/bin/env python3
"""median_time.py K CMD [ARG...]: runs CMD K times (output discarded) and prints
the median wall time in seconds. The clock is read in this process around each
run, so no helper process is counted in the time (date(1) forks are)."""
import statistics
import subprocess
import sys
import time

k = int(sys.argv[1])
runs = []
for _ in range(k):
    t0 = time.perf_counter()
    subprocess.run(sys.argv[2:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    runs.append(time.perf_counter() - t0)
print(f"{statistics.median(runs):.4f}")
