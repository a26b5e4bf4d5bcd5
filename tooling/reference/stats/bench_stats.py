"""scikit-learn side of `npm run bench -w @osfm/stats` (Debian /usr/bin/python3).

Usage: bench_stats.py <task> <dir> <args…>; reads the inputs the TypeScript bench wrote to <dir>
(float64 / int32 little-endian .bin files) and prints one JSON line with the wall time.
  auroc-bootstrap <dir> <n> <k> <resamples>: RandomState(42).randint(0, n, n) resamples, macro OvR
      roc_auc_score on each (NaN if a class is missing), as NB07-style code does.
  logreg-fit <dir> <n> <d> <k> <max_iter>: LogisticRegression(C=1, lbfgs, max_iter) fit; reports n_iter, the
      loss+gradient evaluations of SciPy's L-BFGS-B (nfev) and the BLAS threads in use (set OPENBLAS_NUM_THREADS
      to choose them).
"""
import json
import os
import sys
import time
import warnings

import numpy as np
import scipy.optimize
import sklearn
import sklearn.linear_model._logistic as sk_logistic
from threadpoolctl import threadpool_info
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

warnings.simplefilter("ignore")
task, folder = sys.argv[1], sys.argv[2]
args = [int(a) for a in sys.argv[3:]]

if task == "auroc-bootstrap":
    n, k, B = args
    y = np.fromfile(os.path.join(folder, "y.bin"), dtype="<i4")
    p = np.fromfile(os.path.join(folder, "p.bin"), dtype="<f8").reshape(n, k)
    rs = np.random.RandomState(42)
    t0 = time.perf_counter()
    vals = []
    for _ in range(B):
        idx = rs.randint(0, n, n)
        try:
            vals.append(roc_auc_score(y[idx], p[idx], multi_class="ovr", average="macro", labels=list(range(k))))
        except ValueError:
            vals.append(float("nan"))
    sec = time.perf_counter() - t0
    print(json.dumps({"seconds": sec, "first": vals[0], "last": vals[-1], "sklearn": sklearn.__version__}))
elif task == "logreg-fit":
    n, d, k, max_iter = args
    X = np.fromfile(os.path.join(folder, "X.bin"), dtype="<f8").reshape(n, d)
    y = np.fromfile(os.path.join(folder, "y.bin"), dtype="<i4")
    nfev = []

    def counted_minimize(*a, **kw):
        res = scipy.optimize.minimize(*a, **kw)
        nfev.append(int(res.nfev))
        return res

    sk_logistic.optimize = type("counted", (), {"minimize": staticmethod(counted_minimize)})
    blas_threads = max([p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"] or [0])
    t0 = time.perf_counter()
    c0 = time.process_time()
    m = LogisticRegression(C=1.0, solver="lbfgs", max_iter=max_iter).fit(X, y)
    sec = time.perf_counter() - t0
    cpu = time.process_time() - c0
    print(json.dumps({"seconds": sec, "cpu_seconds": cpu, "n_iter": int(m.n_iter_[0]), "nfev": sum(nfev), "blas_threads": blas_threads, "train_accuracy": float((m.predict(X) == y).mean()), "sklearn": sklearn.__version__}))
else:
    raise SystemExit(f"unknown task {task}")
