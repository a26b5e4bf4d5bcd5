"""Reference values for @osfm/stats resampling and tests (NumPy, SciPy, scikit-learn on Debian).

Run:  /usr/bin/python3 tooling/reference/stats/make_resampling.py   (writes resampling.json)

* special functions: scipy.special.ndtr / ndtri, scipy.stats.t.sf;
* bootstrap: resamples drawn exactly as NumPy code would, `rs = RandomState(seed)` then, per resample and
  per stratum (sorted), `rs.randint(0, m, m)` over that stratum's units (samples or sorted groups);
  statistics: accuracy, and sklearn's macro OvR roc_auc_score (NaN where it raises); percentile CI with
  np.percentile; BCa levels from SciPy's own `_bca_interval` on the same resamples (statistic: the mean);
* DeLong: the O(m·n) structural components (placement values, ties = 1/2) of DeLong et al. (1988),
  normal p-value from scipy.stats.norm;
* t-tests: scipy.stats.ttest_rel, and the Nadeau–Bengio corrected statistic with scipy.stats.t.sf;
* Holm / Bonferroni: direct NumPy transcription of the definitions (statsmodels is not installed).
"""
import warnings

import numpy as np
import scipy
from scipy import special, stats
from scipy.stats._resampling import _bca_interval
from sklearn.metrics import roc_auc_score

from _common import write

warnings.simplefilter("ignore")
rng = np.random.default_rng(11)

special_ref = {
    "ndtr": [[z, special.ndtr(z)] for z in [-20, -8.5, -5, -3.3, -1.96, -1, -0.3, 0, 0.2, 1.5, 2.8, 6, 9]],
    "ndtri": [[p, special.ndtri(p)] for p in [1e-300, 1e-20, 1e-8, 0.001, 0.01, 0.02425, 0.025, 0.1, 0.3, 0.5, 0.7, 0.975, 0.999, 1 - 1e-10]],
    "t_sf": [[t, df, stats.t.sf(t, df)] for t in [-4, -1.2, 0, 0.5, 1.96, 2.5, 4.3, 12] for df in [1, 2, 4, 9, 14, 29, 200]],
}


def draws(units_by_stratum, seed, B):
    rs = np.random.RandomState(seed)
    out = []
    for _ in range(B):
        units = []
        for stratum in units_by_stratum:
            m = len(stratum)
            units.extend(np.asarray(stratum)[rs.randint(0, m, m)].tolist())
        out.append(units)
    return out


def expand(units, members):
    return np.concatenate([members[u] for u in units])


boot = []
n = 120
k = 4
y = np.concatenate([np.arange(k), rng.integers(0, k, n - k)])
logits = rng.normal(size=(n, k)); logits[np.arange(n), y] += 1.0
probs = np.exp(logits); probs /= probs.sum(1, keepdims=True)
pred = probs.argmax(1)
groups = rng.integers(0, 40, n)
for label, use_groups, use_strat in [("samples", False, False), ("groups", True, False), ("stratified", False, True), ("groups_stratified", True, True)]:
    if use_groups:
        uniq = np.unique(groups)
        members = [np.where(groups == g)[0] for g in uniq]
        unit_stratum = np.array([y[m[0]] for m in members])
    else:
        members = [np.array([i]) for i in range(n)]
        unit_stratum = y
    if use_groups and use_strat:
        # stratify by a per-group value: the group's first label
        strat = unit_stratum[np.searchsorted(np.unique(groups), groups)]
    else:
        strat = y
    if use_strat:
        strata = [np.where(unit_stratum == s)[0] for s in np.unique(unit_stratum)]
    else:
        strata = [np.arange(len(members))]
    B = 60
    acc, auc, mean = [], [], []
    for units in draws(strata, 42, B):
        idx = expand(units, members)
        acc.append(float((y[idx] == pred[idx]).mean()))
        try:
            auc.append(float(roc_auc_score(y[idx], probs[idx], multi_class="ovr", labels=list(range(k)))))
        except ValueError:
            auc.append(float("nan"))
        mean.append(float(probs[idx, 0].mean()))
    acc_a = np.array(acc)
    entry = {"name": label, "seed": 42, "n_resamples": B, "accuracy": acc, "ovr_auc": auc, "mean_p0": mean,
             "strat": strat.tolist() if use_strat else None, "acc_ci": np.percentile(acc_a, [2.5, 97.5]).tolist()}
    if not use_groups and not use_strat:
        ci = _bca_interval((probs[:, 0],), lambda x, axis=-1: np.mean(x, axis=axis), -1, 0.025, np.array(mean), None)
        entry["bca_levels"] = [float(ci[0]), float(ci[1])]
        entry["bca_ci"] = np.percentile(np.array(mean), [100 * float(ci[0]), 100 * float(ci[1])]).tolist()
    boot.append(entry)


def delong_direct(y, a, b):
    pos, neg = y == 1, y == 0
    res = []
    for s in (a, b):
        X, Y = s[pos][:, None], s[neg][None, :]
        psi = (X > Y) + 0.5 * (X == Y)
        res.append((psi.mean(), psi.mean(axis=1), psi.mean(axis=0)))
    m, nn = pos.sum(), neg.sum()
    V10 = np.vstack([r[1] for r in res]); V01 = np.vstack([r[2] for r in res])
    S = np.cov(V10) / m + np.cov(V01) / nn
    var = S[0, 0] + S[1, 1] - 2 * S[0, 1]
    diff = res[0][0] - res[1][0]
    z = diff / np.sqrt(var)
    return {"auc_a": res[0][0], "auc_b": res[1][0], "variance": var, "z": z, "p": 2 * stats.norm.sf(abs(z))}


delong = []
for t in range(5):
    nn = int(rng.integers(30, 150))
    yy = (rng.random(nn) < 0.4).astype(int); yy[:2] = 1; yy[2:4] = 0
    a = yy * 1.0 + rng.normal(size=nn)
    b = 0.5 * a + rng.normal(size=nn) * 0.8
    if t % 2:
        a, b = np.round(a, 0), np.round(b, 1)
    delong.append({"y": yy.tolist(), "a": a.tolist(), "b": b.tolist(), **delong_direct(yy, a, b)})

ttests = []
for t in range(5):
    J = [5, 10, 15, 15, 30][t]
    a = 0.8 + rng.normal(size=J) * 0.02
    b = a - 0.01 + rng.normal(size=J) * 0.01
    n_train, n_test = 800, 200
    d = a - b
    tc = d.mean() / np.sqrt((1 / J + n_test / n_train) * d.var(ddof=1))
    rel = stats.ttest_rel(a, b)
    ttests.append({"a": a.tolist(), "b": b.tolist(), "n_train": n_train, "n_test": n_test,
                   "rel_t": rel.statistic, "rel_p": rel.pvalue, "corr_t": tc, "corr_p": 2 * stats.t.sf(abs(tc), J - 1)})


def holm(p):
    p = np.asarray(p); m = len(p); order = np.argsort(p, kind="mergesort")
    adj = np.minimum(1, np.maximum.accumulate((m - np.arange(m)) * p[order]))
    out = np.empty(m); out[order] = adj
    return out


padj = []
for p in [[0.01, 0.04, 0.03, 0.005], [0.2, 0.5, 0.01], [0.001], [0.04, 0.04, 0.9, 0.02, 0.011]]:
    padj.append({"p": p, "bonferroni": np.minimum(1, np.array(p) * len(p)).tolist(), "holm": holm(p).tolist()})

write("resampling.json", {"scipy": scipy.__version__, "special": special_ref, "data": {"y": y.tolist(), "pred": pred.tolist(), "probs": probs.tolist(), "groups": groups.tolist()},
                          "bootstrap": boot, "delong": delong, "ttests": ttests, "padjust": padj})
