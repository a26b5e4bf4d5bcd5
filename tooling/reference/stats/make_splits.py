"""Reference folds for @osfm/stats splitters, from scikit-learn (Debian python3-sklearn).

Run:  /usr/bin/python3 tooling/reference/stats/make_splits.py   (writes splits.json)
Each case stores y, groups and the test indices of every fold. Shuffled splitters use NumPy's legacy
RandomState(seed), which @osfm/stats reproduces (MT19937 + NumPy's bounded-integer shuffle).
"sgkf_fixed" is StratifiedGroupKFold with the upstream fix of PR #32540 (scikit-learn ≥ 1.8): the same
permutation is applied to the class-count rows and to the group ids; it is computed here by re-running
the 1.2 algorithm on groups relabelled by that permutation.
"""
import warnings

import numpy as np
import sklearn
from sklearn.model_selection import GroupKFold, LeaveOneGroupOut, StratifiedGroupKFold, StratifiedKFold

from _common import write

warnings.simplefilter("ignore")
rng = np.random.default_rng(7)


def tests(cv, y, groups=None):
    X = np.zeros((len(y), 1))
    return [np.asarray(te).tolist() for _, te in cv.split(X, y, groups)]


def sgkf_fixed(y, groups, n_splits, seed):
    """Shuffled SGKF as fixed upstream: relabel groups so the shuffled row order is the group order."""
    uniq, inv = np.unique(groups, return_inverse=True)
    perm = np.arange(len(uniq))
    np.random.RandomState(seed).shuffle(perm)
    # row r of the shuffled table is original group perm[r]; give that group the new id r, then run unshuffled
    new_id = np.empty_like(perm)
    new_id[perm] = np.arange(len(perm))
    relabelled = new_id[inv]
    return tests(StratifiedGroupKFold(n_splits=n_splits, shuffle=False), y, relabelled)


cases = []
for t in range(14):
    n = int(rng.integers(30, 300))
    k = int(rng.integers(2, 6)) if t < 10 else 31
    if t >= 10:
        n = int(rng.integers(400, 900))
    y = rng.choice(k, size=n, p=rng.dirichlet(np.ones(k) * 2))
    n_groups = int(rng.integers(6, max(7, n // 4)))
    groups = rng.integers(0, n_groups, n)
    if t % 3 == 0:  # string labels and groups, like "3_karolinska" or TSS codes
        y_out = [f"c{v}" for v in y]
        g_out = [f"TSS{v:02d}" for v in groups]
    else:
        y_out, g_out = y.tolist(), groups.tolist()
    ya, ga = np.asarray(y_out), np.asarray(g_out)
    counts = np.unique(ya, return_counts=True)[1]
    n_splits = int(rng.integers(2, 6))
    case = {"name": f"case{t}", "y": y_out, "groups": g_out, "n_splits": n_splits}
    if np.any(counts >= n_splits):
        case["skf"] = tests(StratifiedKFold(n_splits), ya)
        case["skf_shuffled"] = {str(s): tests(StratifiedKFold(n_splits, shuffle=True, random_state=s), ya) for s in (0, 42, 123)}
    case["gkf"] = tests(GroupKFold(n_splits), ya, ga)
    if np.any(counts >= n_splits):
        case["sgkf"] = tests(StratifiedGroupKFold(n_splits), ya, ga)
        case["sgkf_shuffled_sklearn12"] = {str(s): tests(StratifiedGroupKFold(n_splits, shuffle=True, random_state=s), ya, ga) for s in (42, 123, 456)}
        case["sgkf_fixed"] = {str(s): sgkf_fixed(ya, ga, n_splits, s) for s in (42, 123, 456)}
    case["logo"] = tests(LeaveOneGroupOut(), ya, ga)
    cases.append(case)

# many equal-sized groups: GroupKFold's tie order comes from NumPy's introsort
g = np.repeat(np.arange(40), 3)
rng.shuffle(g)
cases.append({"name": "equal_groups", "y": (g % 2).tolist(), "groups": g.tolist(), "n_splits": 5,
              "gkf": tests(GroupKFold(5), g % 2, g), "logo": tests(LeaveOneGroupOut(), g % 2, g)})

write("splits.json", {"sklearn": sklearn.__version__, "numpy": np.__version__, "cases": cases})
