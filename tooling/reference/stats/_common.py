"""Shared helpers of the @osfm/stats reference scripts (JSON with NaN/inf as strings)."""
import json
import math
import os

import numpy as np


def clean(v):
    """Makes a value JSON-safe: arrays to lists, NaN and infinities to the strings "NaN", "Infinity"."""
    if isinstance(v, dict):
        return {k: clean(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [clean(x) for x in v]
    if isinstance(v, np.ndarray):
        return clean(v.tolist())
    if isinstance(v, (np.floating, float)):
        f = float(v)
        if math.isnan(f):
            return "NaN"
        if math.isinf(f):
            return "Infinity" if f > 0 else "-Infinity"
        return f
    if isinstance(v, np.integer):
        return int(v)
    return v


def write(name, data):
    """Writes `data` as compact JSON beside the scripts and prints where."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), name)
    with open(path, "w") as fh:
        json.dump(clean(data), fh, separators=(",", ":"), allow_nan=False)
    print(json.dumps({"written": path, "bytes": os.path.getsize(path)}))
