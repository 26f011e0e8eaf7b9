"""The rotation map's analysis in plain numpy, for a side-by-side run with tapebot's (bench/rotation.bench.ts).

Same computation as src/core/rotation-map.ts: each sector against SPY over their whole common history,
aligned on common dates, weekly closes (last common day of each Monday-Sunday week), RS = 100 * (A / B),
RS-Ratio = 100 * SMA4(RS) / SMA13(RS), RS-Momentum = 100 * RS-Ratio / RS-Ratio 4 weeks earlier, quadrant.
The CSVs are read and their dates parsed to datetime64 before timing, as a numpy program would hold them.
Usage: python3 rotation_numpy.py PRICES_DIR BENCHMARK SYMBOL... ; prints one JSON line of timings (ms)
and, for a cross-check, each symbol's latest RS-Ratio and RS-Momentum.
"""
import csv
import json
import sys
import time

import numpy as np

SHORT, LONG, K = 4, 13, 4


def load(prices_dir, symbol):
    with open(f"{prices_dir}/{symbol}.csv", newline="") as f:
        rows = list(csv.reader(f))[1:]
    dates = np.array([r[0] for r in rows], dtype="datetime64[D]")
    adj = np.array([float(r[5]) for r in rows], dtype=np.float64)
    return dates, adj


def sma(x, n):
    c = np.cumsum(np.concatenate(([0.0], x)))
    return (c[n:] - c[:-n]) / n  # value i is the mean of x[i : i + n]


def rotation(a, b):
    _, ia, ib = np.intersect1d(a[0], b[0], assume_unique=True, return_indices=True)
    dates = a[0][ia]
    week = (dates.astype(np.int64) + 3) // 7
    ends = np.flatnonzero(np.diff(week) != 0)
    ends = np.append(ends, len(dates) - 1)
    rs = 100 * (a[1][ia[ends]] / b[1][ib[ends]])
    now = sma(rs, SHORT)[LONG - SHORT:]  # aligned so index w is week w + LONG - 1
    trend = sma(rs, LONG)
    ratio = 100 * now / trend
    momentum = 100 * ratio[K:] / ratio[:-K]
    ratio = ratio[K:]
    quadrant = np.where(ratio > 100, np.where(momentum > 100, 0, 1), np.where(momentum > 100, 3, 2))
    return dates[ends][LONG - 1 + K:], ratio, momentum, quadrant


def main():
    prices_dir, bench, symbols = sys.argv[1], sys.argv[2], sys.argv[3:]
    b = load(prices_dir, bench)
    members = [load(prices_dir, s) for s in symbols]
    run = lambda: [rotation(m, b) for m in members]
    for _ in range(5):
        run()
    samples = []
    for _ in range(200):
        t0 = time.perf_counter()
        run()
        samples.append((time.perf_counter() - t0) * 1000)
    latest = {s: [float(r[1][-1]), float(r[2][-1])] for s, r in zip(symbols, run())}
    print(json.dumps({"samples": samples, "latest": latest}))


main()
