#!/usr/bin/python3
"""Reference implementation of the original OpenSlideFM NB04 tiling rules (numpy + PIL + OpenSlide).

Written from the rules in SPEC.md section 4, for parity tests and benchmarks of @osfm/tiling (paperCompat).
Level geometry and mask come either from a slide (OpenSlide; mask from a 2048-px thumbnail, S>=20 & V<230)
or from files (--levels-json {"mpp": m|null, "levels": [{"width","height","downsample"}]}, --mask raw uint8).
--sample also draws each scale's budget with @osfm's reproducible seed (SHA-256 + SplitMix64), to check that
the same tiles come out in every language.
Prints one JSON line: {"mpp", "scales": [{"scale", "level", "approx_mpp", "grid", "candidates": [[x, y], ...]
(level pixels), "sampled": [[x, y], ...] (level pixels)}], "seconds"}.
"""
import argparse
import hashlib
import json
import time

import numpy as np

TILE, STRIDE, MIN_COV = 256, 224, 0.30
BUDGETS = {0.5: 1200, 2.0: 400}
MASK64 = (1 << 64) - 1


def slide_geometry(path, max_side):
    import openslide

    slide = openslide.OpenSlide(path)
    props = slide.properties
    mpp = None
    for k in ("openslide.mpp-x", "aperio.MPP"):
        if k in props:
            try:
                mpp = float(props[k])
                break
            except ValueError:
                pass
    levels = [
        {"width": w, "height": h, "downsample": d}
        for (w, h), d in zip(slide.level_dimensions, slide.level_downsamples)
    ]
    w, h = slide.dimensions
    scale = max(w, h) / max_side if max(w, h) > max_side else 1.0
    thumb = slide.get_thumbnail((int(w / scale), int(h / scale))).convert("RGB")
    hsv = np.array(thumb.convert("HSV"), dtype=np.uint8)
    mask = (hsv[..., 1] >= 20) & (hsv[..., 2] < 230)
    slide.close()
    return mpp, levels, mask


def nearest_level(levels, base_mpp, target):
    best_level, best_mpp = 0, base_mpp
    for i, lv in enumerate(levels):
        m = base_mpp * lv["downsample"]
        if abs(m - target) < abs(best_mpp - target):
            best_level, best_mpp = i, m
    return best_level, best_mpp


def coverage(mask, sx, sy, x, y):
    mx0, my0 = max(int(x * sx), 0), max(int(y * sy), 0)
    mx1 = min(int((x + TILE) * sx), mask.shape[1] - 1)
    my1 = min(int((y + TILE) * sy), mask.shape[0] - 1)
    if mx1 <= mx0 or my1 <= my0:
        return 0.0
    return float(mask[my0:my1, mx0:mx1].mean())


def tile_seed(global_seed, slide_id, scale):
    digest = hashlib.sha256(f"{slide_id}@{scale:.2f}".encode("utf-8")).digest()
    return (global_seed + int.from_bytes(digest[:8], "big")) & MASK64


def splitmix64(state):
    state = (state + 0x9E3779B97F4A7C15) & MASK64
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return state, z ^ (z >> 31)


def sample(n, k, seed):
    idx = list(range(n))
    if k >= n:
        return idx
    state = seed
    for i in range(k):
        state, r = splitmix64(state)
        j = i + (((r >> 11) * (n - i)) >> 53)
        idx[i], idx[j] = idx[j], idx[i]
    return sorted(idx[:k])


def tile(levels, mpp, mask, scales, slide_id, global_seed, do_sample):
    base_w, base_h = levels[0]["width"], levels[0]["height"]
    mh, mw = mask.shape
    out = []
    for target in scales:
        level, approx = nearest_level(levels, mpp, target)
        lv = levels[level]
        sx, sy = (mw / base_w) * lv["downsample"], (mh / base_h) * lv["downsample"]
        xs = range(0, max(lv["width"] - TILE, 0) + 1, STRIDE)
        ys = range(0, max(lv["height"] - TILE, 0) + 1, STRIDE)
        cand = [(x, y) for y in ys for x in xs if coverage(mask, sx, sy, x, y) >= MIN_COV]
        rec = {"scale": target, "level": level, "approx_mpp": approx, "grid": len(xs) * len(ys), "candidates": cand}
        if do_sample:
            keep = sample(len(cand), BUDGETS.get(target, 0), tile_seed(global_seed, slide_id, target))
            rec["sampled"] = [cand[i] for i in keep]
        out.append(rec)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--slide")
    ap.add_argument("--mask-max-side", type=int, default=2048)
    ap.add_argument("--levels-json")
    ap.add_argument("--mask")
    ap.add_argument("--mask-width", type=int)
    ap.add_argument("--mask-height", type=int)
    ap.add_argument("--mpp", type=float)
    ap.add_argument("--scales", type=float, nargs="+", default=[0.5, 2.0])
    ap.add_argument("--slide-id", default="slide")
    ap.add_argument("--global-seed", type=int, default=1337)
    ap.add_argument("--sample", action="store_true")
    ap.add_argument("--counts-only", action="store_true")
    a = ap.parse_args()
    t0 = time.perf_counter()
    if a.slide:
        mpp, levels, mask = slide_geometry(a.slide, a.mask_max_side)
    else:
        with open(a.levels_json) as f:
            geo = json.load(f)
        mpp, levels = geo.get("mpp"), geo["levels"]
        mask = np.fromfile(a.mask, dtype=np.uint8).reshape(a.mask_height, a.mask_width) > 0
    if a.mpp is not None:
        mpp = a.mpp
    if mpp is None:
        mpp = 0.25  # the original's silent fallback
    scales = tile(levels, mpp, mask, a.scales, a.slide_id, a.global_seed, a.sample)
    if a.counts_only:
        for s in scales:
            s["candidates"] = len(s["candidates"])
            s.pop("sampled", None)
    print(json.dumps({"mpp": mpp, "scales": scales, "seconds": time.perf_counter() - t0}))


if __name__ == "__main__":
    main()
