"""Reference for the @osfm/figures bench: the original's figure style drawn with matplotlib.

Usage: /usr/bin/python3 matplotlib_reference.py N_VALUES N_CLASSES REPEATS
Prints one JSON line: median seconds per 300-dpi PNG for a 40-bin histogram with a threshold line
and for per-class horizontal F1 bars with a mean line (data generated here with a fixed seed).
"""
import io
import json
import sys
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

n_values, n_classes, repeats = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
rng = np.random.default_rng(7)
values = np.clip(rng.normal(35, 18, n_values), 0, 100)
f1 = np.sort(rng.uniform(0.3, 0.95, n_classes))
names = [f"C{i:02d}" for i in range(n_classes)]
plt.rcParams.update({"font.family": "DejaVu Sans", "font.size": 10, "axes.spines.top": False, "axes.spines.right": False})


def hist():
    fig, ax = plt.subplots(figsize=(6.5, 4.5))
    ax.hist(values, bins=40, color="#0072B2")
    ax.axvline(10, color="#D55E00", linestyle="--")
    ax.set_title("QC: tissue fraction of each slide's thumbnail")
    ax.set_xlabel("Tissue pixels (% of thumbnail)")
    ax.set_ylabel("Number of slides")
    buf = io.BytesIO()
    fig.savefig(buf, dpi=300, format="png")
    plt.close(fig)


def bars():
    fig, ax = plt.subplots(figsize=(6.5, 1.9 + 0.2 * n_classes))
    ax.barh(names, f1, color="#0072B2")
    ax.axvline(float(f1.mean()), color="#D55E00", linestyle="--")
    ax.set_xlim(0, 1)
    ax.set_title("TCGA per-class F1")
    ax.set_xlabel("F1 score")
    buf = io.BytesIO()
    fig.savefig(buf, dpi=300, format="png")
    plt.close(fig)


def median_seconds(fn):
    fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return sorted(times)[len(times) // 2]


print(json.dumps({"hist": median_seconds(hist), "bars": median_seconds(bars), "matplotlib": matplotlib.__version__}))
