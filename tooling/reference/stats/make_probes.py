"""Reference fits for @osfm/stats probes (Debian python3-sklearn, NumPy, SciPy).

Run:  /usr/bin/python3 tooling/reference/stats/make_probes.py   (writes probes.json)

* StandardScaler: mean_, scale_ and transform (one constant column).
* LogisticRegression(solver="lbfgs", tol=1e-10, max_iter=10000) at C in {0.1, 1, 10}, with and without
  class_weight="balanced", on binary, 3- and 5-class problems, re-fitted with warm_start until converged
  (see `lbfgs_to_optimum`), so "same C" means the same minimiser; @osfm/stats must match predict_proba
  within 1e-4.
* LogisticRegression(penalty="l1", solver="saga", tol=1e-10, max_iter=200000) on standardised data.
* RidgeClassifier(alpha, class_weight) coef_ / intercept_ (Cholesky), including a d > n problem.
* OrdinalLogisticAT: mord is not installed, so `mord_logistic_at` below transcribes mord 0.7's
  LogisticAT (threshold_fit with mode "AE": x0 = [0…, 0, 1, …, K−2], thresholds θ = L·c with c[1:] ≥ 0
  bounds, scipy L-BFGS-B, tol 1e-12, maxiter 1000; predict = min + Σ_j [θ_j < w·x];
  predict_proba = diff of [0, σ(θ − w·x), 1]). The worked example "pn_toy" is small enough to read:
  8 patients, 1 feature, pN 0–3, alpha 1.
"""
import warnings

import numpy as np
import sklearn
from scipy import optimize
from sklearn.linear_model import LogisticRegression, RidgeClassifier
from sklearn.preprocessing import StandardScaler

from _common import write

warnings.simplefilter("ignore")
rng = np.random.default_rng(3)


def dataset(n, d, k, sep=1.0):
    y = np.concatenate([np.arange(k), rng.integers(0, k, n - k)])
    centers = rng.normal(size=(k, d)) * sep
    X = centers[y] + rng.normal(size=(n, d))
    return X, y


def split(X, y, n_test):
    return X[:-n_test], y[:-n_test], X[-n_test:]


scaler_X = rng.normal(size=(40, 6)) * [1, 10, 0.1, 5, 1, 1] + [0, 3, -2, 100, 0, 7]
scaler_X[:, 5] = 7.0
sc = StandardScaler().fit(scaler_X[:30])
scaler = {"X_train": scaler_X[:30], "X_test": scaler_X[30:], "mean": sc.mean_, "scale": sc.scale_, "transformed": sc.transform(scaler_X[30:])}


def lbfgs_to_optimum(model, X, y, max_refits=2000):
    """scikit-learn's lbfgs stops at SciPy's default ftol (2.2e-9 relative reduction of the loss), which
    LogisticRegression does not expose, leaving probabilities ~1e-4 from the optimum. Re-fitting with
    warm_start restarts the same solver from its last solution until the coefficients move < 1e-9."""
    model.set_params(warm_start=True)
    model.fit(X, y)
    prev = np.concatenate([model.coef_.ravel(), model.intercept_])
    for _ in range(max_refits):
        model.fit(X, y)
        cur = np.concatenate([model.coef_.ravel(), model.intercept_])
        if np.abs(cur - prev).max() < 1e-9:
            break
        prev = cur
    return model


datasets = {}
logreg = []
for name, (n, d, k) in {"binary": (120, 6, 2), "three": (150, 8, 3), "five": (200, 10, 5), "imbalanced": (160, 5, 4)}.items():
    X, y = dataset(n, d, k)
    if name == "imbalanced":
        y = np.where(rng.random(n) < 0.6, 0, y)
        y[:k] = np.arange(k)
    Xs = StandardScaler().fit_transform(X)
    Xtr, ytr, Xte = split(Xs, y, 30)
    datasets[f"logreg_{name}"] = {"X_train": Xtr, "y_train": ytr, "X_test": Xte}
    for C in (0.1, 1.0, 10.0):
        for cw in (None, "balanced"):
            m = lbfgs_to_optimum(LogisticRegression(C=C, class_weight=cw, solver="lbfgs", tol=1e-10, max_iter=10000), Xtr, ytr)
            logreg.append({"name": f"{name}_C{C}_{cw}", "penalty": "l2", "C": C, "class_weight": cw, "data": f"logreg_{name}",
                           "proba": m.predict_proba(Xte), "pred": m.predict(Xte), "coef": m.coef_, "intercept": m.intercept_})
    for C, cw in ((0.1, None), (1.0, None), (1.0, "balanced")):
        m = LogisticRegression(C=C, penalty="l1", class_weight=cw, solver="saga", tol=1e-10, max_iter=200000).fit(Xtr, ytr)
        logreg.append({"name": f"{name}_l1_C{C}_{cw}", "penalty": "l1", "C": C, "class_weight": cw, "data": f"logreg_{name}",
                       "proba": m.predict_proba(Xte), "pred": m.predict(Xte), "coef": m.coef_, "intercept": m.intercept_})

ridge = []
for name, (n, d, k) in {"binary": (80, 6, 2), "four": (100, 7, 4), "wide": (25, 40, 3)}.items():
    X, y = dataset(n, d, k)
    Xtr, ytr, Xte = split(X, y, 10)
    datasets[f"ridge_{name}"] = {"X_train": Xtr, "y_train": ytr, "X_test": Xte}
    for alpha in (0.1, 1.0, 10.0):
        for cw in (None, "balanced"):
            m = RidgeClassifier(alpha=alpha, class_weight=cw).fit(Xtr, ytr)
            ridge.append({"name": f"{name}_a{alpha}_{cw}", "alpha": alpha, "class_weight": cw, "data": f"ridge_{name}",
                          "coef": np.atleast_2d(m.coef_), "intercept": np.atleast_1d(m.intercept_), "decision": m.decision_function(Xte), "pred": m.predict(Xte)})


def mord_logistic_at(X, y, alpha, max_iter=1000, tol=1e-12):
    """mord.LogisticAT(alpha).fit(X, y) transcribed from mord 0.7 (threshold_based.py, mode='AE')."""
    X = np.asarray(X, float); y = np.asarray(y, int)
    ymin = y.min(); y = y - ymin
    n_class = y.max() + 1
    n_features = X.shape[1]
    L = np.zeros((n_class - 1, n_class - 1)); L[np.tril_indices(n_class - 1)] = 1.0
    loss_fd = np.ones((n_class, n_class - 1))

    def log_loss(Z):
        return np.logaddexp(0, -Z)

    def obj(x0):
        w, c = x0[:n_features], x0[n_features:]
        theta = L.dot(c)
        Alpha = theta[:, None] - X.dot(w)
        S = np.sign(np.arange(n_class - 1)[:, None] - y + 0.5)
        return np.sum(loss_fd[y].T * log_loss(S * Alpha)) + alpha * 0.5 * w.dot(w)

    def grad(x0):
        w, c = x0[:n_features], x0[n_features:]
        theta = L.dot(c)
        Alpha = theta[:, None] - X.dot(w)
        S = np.sign(np.arange(n_class - 1)[:, None] - y + 0.5)
        Sigma = S * loss_fd[y].T * (-1.0 / (1.0 + np.exp(S * Alpha)))   # d/dAlpha of loss
        gw = -Sigma.sum(0).dot(X) + alpha * w
        gc = L.T.dot(Sigma.sum(1))
        return np.concatenate([gw, gc])

    x0 = np.zeros(n_features + n_class - 1); x0[n_features:] = np.arange(n_class - 1)
    assert optimize.check_grad(obj, grad, x0 + 0.1) < 1e-5 * max(1.0, np.abs(grad(x0 + 0.1)).max())
    bounds = [(None, None)] * (n_features + 1) + [(0, None)] * (n_class - 2) if n_class > 2 else None
    sol = optimize.minimize(obj, x0, jac=grad, method="L-BFGS-B", bounds=bounds, options={"maxiter": max_iter}, tol=tol)
    w, c = sol.x[:n_features], sol.x[n_features:]
    theta = L.dot(c)
    return w, theta, ymin


def mord_predict(X, w, theta, ymin):
    return (np.sum(theta[:, None] - X.dot(w) < 0, axis=0) + ymin).astype(int)


def mord_proba(X, w, theta):
    eta = theta[:, None] - X.dot(w)
    prob = np.pad(1 / (1 + np.exp(-eta.T)), ((0, 0), (1, 1)), mode="constant", constant_values=(0, 1))
    return np.diff(prob)


ordinal = []
toy_X = np.array([[-2.0], [-1.5], [-0.2], [0.1], [0.4], [1.2], [1.9], [2.5]])
toy_y = np.array([0, 0, 1, 0, 1, 2, 3, 3])
cases = [("pn_toy", toy_X, toy_y, np.array([[-3.0], [-1.0], [0.0], [0.3], [1.0], [2.0], [4.0]]), 1.0)]
for C in (0.1, 1.0, 10.0):
    X, y = dataset(90, 6, 4, sep=0.6)
    latent = X.dot(rng.normal(size=6))
    y = np.digitize(latent, np.quantile(latent, [0.4, 0.7, 0.9]))  # pN-like, ordered, imbalanced
    Xs = StandardScaler().fit_transform(X)
    cases.append((f"cam17_like_C{C}", Xs[:70], y[:70], Xs[70:], 1.0 / C))
X, y = dataset(60, 3, 3)
y = np.where(y == 1, 0, y) + 1  # labels {1, 3}: class 2 empty in the middle, labels start at 1
cases.append(("gap_labels", X[:50], y[:50], X[50:], 0.5))
for name, Xtr, ytr, Xte, alpha in cases:
    w, theta, ymin = mord_logistic_at(Xtr, ytr, alpha)
    ordinal.append({"name": name, "alpha": alpha, "X_train": Xtr, "y_train": ytr, "X_test": Xte, "coef": w, "theta": theta,
                    "pred": mord_predict(Xte, w, theta, ymin), "proba": mord_proba(Xte, w, theta)})

write("probes.json", {"sklearn": sklearn.__version__, "datasets": datasets, "scaler": scaler, "logreg": logreg, "ridge": ridge, "ordinal": ordinal})
