"""Reference values for @osfm/stats metrics, from scikit-learn (Debian python3-sklearn).

Run with Debian's interpreter:  /usr/bin/python3 tooling/reference/stats/make_metrics.py
Writes metrics.json beside this script. Inputs are random and adversarial (ties, one class present,
perfect and inverted scores, predicted labels absent from y_true). Cases where scikit-learn raises are
recorded as {"error": "..."}; @osfm/stats must throw a StatsInputError there.
"""
import warnings

import numpy as np
import sklearn
from sklearn import metrics as M

from _common import write

warnings.simplefilter("ignore")
rng = np.random.default_rng(20261127)


def call(fn):
    try:
        v = fn()
        if isinstance(v, np.ndarray):
            return v.tolist()
        if isinstance(v, tuple):
            return [x.tolist() for x in v]
        return float(v)
    except ValueError as e:
        return {"error": str(e)}


def ece(y, p, n_bins=15):
    """Top-label ECE: bins (lo, hi] by ceil(conf * n_bins) - 1 clipped to [0, n_bins - 1]."""
    conf = p.max(axis=1)
    pred = p.argmax(axis=1)
    b = np.clip(np.ceil(conf * n_bins).astype(int) - 1, 0, n_bins - 1)
    total = 0.0
    for k in range(n_bins):
        m = b == k
        if m.any():
            total += m.sum() / len(y) * abs((pred[m] == y[m]).mean() - conf[m].mean())
    return float(total)


binary = []
def add_binary(name, y, s):
    y = np.asarray(y, dtype=int); s = np.asarray(s, dtype=float)
    binary.append({
        "name": name, "y": y.tolist(), "score": s.tolist(),
        "roc_auc": call(lambda: M.roc_auc_score(y, s)),
        "roc_curve": call(lambda: M.roc_curve(y, s)) if 0 < y.sum() < len(y) else {"error": "single class"},
        "average_precision": call(lambda: M.average_precision_score(y, s)) if y.sum() > 0 else {"error": "no positive"},
    })

for t in range(12):
    n = int(rng.integers(20, 200))
    y = (rng.random(n) < rng.uniform(0.1, 0.9)).astype(int)
    if y.sum() in (0, n):
        y[0] = 1 - y[0]
    s = rng.normal(size=n) + y * rng.uniform(0, 2)
    add_binary(f"random{t}", y, s)
    add_binary(f"ties{t}", y, np.round(s, 0))
y = np.array([0, 0, 1, 1, 0, 1, 0, 1]); s = np.array([0.1, 0.2, 0.8, 0.9, 0.3, 0.7, 0.05, 0.95])
add_binary("perfect", y, s)
add_binary("inverted", y, -s)
add_binary("all_tied", y, np.full(8, 0.5))
add_binary("single_class_pos", np.ones(6, int), rng.random(6))
add_binary("single_class_neg", np.zeros(6, int), rng.random(6))
add_binary("two_points", [0, 1], [0.3, 0.3])

labels = []
def add_labels(name, yt, yp):
    yt = np.asarray(yt, dtype=int); yp = np.asarray(yp, dtype=int)
    p, r, f, sup = M.precision_recall_fscore_support(yt, yp, average=None)
    labels.append({
        "name": name, "y_true": yt.tolist(), "y_pred": yp.tolist(),
        "accuracy": float(M.accuracy_score(yt, yp)),
        "balanced_accuracy": float(M.balanced_accuracy_score(yt, yp)),
        "f1_macro": float(M.f1_score(yt, yp, average="macro")),
        "f1_weighted": float(M.f1_score(yt, yp, average="weighted")),
        "precision": p.tolist(), "recall": r.tolist(), "f1": f.tolist(), "support": sup.tolist(),
        "confusion": M.confusion_matrix(yt, yp).tolist(),
        "kappa_none": float(M.cohen_kappa_score(yt, yp)),
        "kappa_linear": float(M.cohen_kappa_score(yt, yp, weights="linear")),
        "kappa_quadratic": float(M.cohen_kappa_score(yt, yp, weights="quadratic")),
    })

for t in range(12):
    n = int(rng.integers(10, 150)); k = int(rng.integers(2, 7))
    yt = rng.integers(0, k, n)
    yp = np.where(rng.random(n) < 0.6, yt, rng.integers(0, k, n))
    add_labels(f"random{t}", yt, yp)
add_labels("pred_label_absent_from_true", [0, 0, 1, 1, 2], [0, 3, 1, 1, 3])
add_labels("perfect", [0, 1, 2, 3, 4, 5], [0, 1, 2, 3, 4, 5])
add_labels("single_class_both", [2, 2, 2, 2], [2, 2, 2, 2])
add_labels("single_true_class", [1, 1, 1, 1], [0, 1, 2, 1])
add_labels("never_right", [0, 1, 0, 1], [1, 0, 1, 0])
add_labels("ordinal_pn", [0, 0, 1, 2, 3, 3, 2, 1, 0, 1], [0, 1, 1, 3, 3, 2, 2, 0, 0, 1])

ovr = []
def add_ovr(name, y, p):
    y = np.asarray(y, dtype=int); p = np.asarray(p, dtype=float)
    ovr.append({
        "name": name, "y": y.tolist(), "probs": p.tolist(),
        "macro": call(lambda: M.roc_auc_score(y, p, multi_class="ovr", average="macro", labels=list(range(p.shape[1])))),
        "weighted": call(lambda: M.roc_auc_score(y, p, multi_class="ovr", average="weighted", labels=list(range(p.shape[1])))),
        "ece15": ece(y, p), "ece10": ece(y, p, 10),
    })

for t in range(8):
    n = int(rng.integers(30, 200)); k = int(rng.integers(3, 8))
    y = np.concatenate([np.arange(k), rng.integers(0, k, n - k)])
    logits = rng.normal(size=(n, k)); logits[np.arange(n), y] += rng.uniform(0, 2)
    p = np.exp(logits); p /= p.sum(1, keepdims=True)
    add_ovr(f"random{t}", y, p)
    q = np.round(p, 1); q /= q.sum(1, keepdims=True)
    add_ovr(f"ties{t}", y, q)
y = np.array([0, 1, 2, 0, 1, 2]); add_ovr("perfect", y, np.eye(3)[y])
add_ovr("inverted", y, (1 - np.eye(3)[y]) / 2)
add_ovr("class_absent", [0, 1, 0, 1], [[0.5, 0.3, 0.2], [0.2, 0.5, 0.3], [0.6, 0.2, 0.2], [0.1, 0.8, 0.1]])

out = {"sklearn": sklearn.__version__, "numpy": np.__version__, "binary": binary, "labels": labels, "ovr": ovr}
write("metrics.json", out)
