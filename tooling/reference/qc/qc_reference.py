#!/usr/bin/python3
"""Reference implementation of the original OpenSlideFM NB03 QC rules (numpy + PIL + OpenSlide).

Written from the rules in SPEC.md section 3, for parity tests and benchmarks of @osfm/qc.
Usage:
  qc_reference.py --image thumb.png [--masks-out PREFIX]      QC on a given RGB(A) image
  qc_reference.py --slide slide.svs [--max-side 1024] [--masks-out PREFIX] [--thumb-out PNG]
Prints one JSON line: tissue_pct, white_pct, pen_pct, blur_var, brightness_mean, saturation_mean,
excluded, reasons, width, height, seconds.
"""
import argparse
import json
import time

import numpy as np
from PIL import Image

S_TISSUE_MIN, V_WHITE_MIN, S_WHITE_MAX = 20, 230, 30
H_PEN_MIN, H_PEN_MAX, S_PEN_MIN = 170, 255, 60
THRESH = {"min_tissue_pct": 0.10, "max_white_pct": 0.75, "min_blur_var": 15.0, "max_pen_pct": 0.02}


def slide_thumbnail(path, max_side):
    import openslide

    slide = openslide.OpenSlide(path)
    w, h = slide.dimensions
    scale = max(w, h) / max_side if max(w, h) > max_side else 1.0
    thumb = slide.get_thumbnail((int(w / scale), int(h / scale))).convert("RGB")
    slide.close()
    return thumb


def image_rgb(path):
    img = Image.open(path)
    if img.mode in ("RGBA", "LA", "P"):
        img = img.convert("RGBA")
        white = Image.new("RGBA", img.size, (255, 255, 255, 255))
        img = Image.alpha_composite(white, img)
    return img.convert("RGB")


def laplacian_var(gray, mask):
    g = gray.astype(np.float64)
    p = np.pad(g, 1, mode="reflect")
    lap = p[:-2, 1:-1] + p[2:, 1:-1] + p[1:-1, :-2] + p[1:-1, 2:] - 4 * p[1:-1, 1:-1]
    if mask.sum() == 0:
        return 0.0
    return float(np.var(lap[mask]))


def qc(img):
    hsv = np.array(img.convert("HSV"), dtype=np.uint8)
    H, S, V = hsv[..., 0], hsv[..., 1], hsv[..., 2]
    gray = np.array(img.convert("L"), dtype=np.uint8)
    tissue = (S >= S_TISSUE_MIN) & (V < V_WHITE_MIN)
    white = (V >= V_WHITE_MIN) & (S <= S_WHITE_MAX)
    pen = (H >= H_PEN_MIN) & (H <= H_PEN_MAX) & (S >= S_PEN_MIN)
    total = img.size[0] * img.size[1]
    m = {
        "tissue_pct": float(tissue.sum() / total),
        "white_pct": float(white.sum() / total),
        "pen_pct": float(pen.sum() / total),
        "blur_var": laplacian_var(gray, tissue),
    }
    sel = tissue if tissue.sum() > 0 else np.ones_like(tissue)
    m["brightness_mean"] = float(V[sel].mean())
    m["saturation_mean"] = float(S[sel].mean())
    reasons = []
    if m["tissue_pct"] < THRESH["min_tissue_pct"]:
        reasons.append(f"low_tissue<{THRESH['min_tissue_pct']:.2f}")
    if m["white_pct"] > THRESH["max_white_pct"]:
        reasons.append(f"white>{THRESH['max_white_pct']:.2f}")
    if m["blur_var"] < THRESH["min_blur_var"]:
        reasons.append(f"blur<{THRESH['min_blur_var']:.1f}")
    if m["pen_pct"] > THRESH["max_pen_pct"]:
        reasons.append(f"pen>{THRESH['max_pen_pct']:.2f}")
    m["excluded"] = len(reasons) > 0
    m["reasons"] = reasons
    return m, {"tissue": tissue, "white": white, "pen": pen}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--image")
    ap.add_argument("--slide")
    ap.add_argument("--max-side", type=int, default=1024)
    ap.add_argument("--masks-out")
    ap.add_argument("--thumb-out")
    ap.add_argument("--planes-out", help="write PIL HSV (interleaved) and L planes as PREFIX_hsv.bin, PREFIX_l.bin")
    a = ap.parse_args()
    t0 = time.perf_counter()
    img = image_rgb(a.image) if a.image else slide_thumbnail(a.slide, a.max_side)
    m, masks = qc(img)
    m["seconds"] = time.perf_counter() - t0
    m["width"], m["height"] = img.size
    if a.masks_out:
        for k, v in masks.items():
            v.astype(np.uint8).tofile(f"{a.masks_out}_{k}.bin")
    if a.planes_out:
        np.array(img.convert("HSV"), dtype=np.uint8).tofile(f"{a.planes_out}_hsv.bin")
        np.array(img.convert("L"), dtype=np.uint8).tofile(f"{a.planes_out}_l.bin")
    if a.thumb_out:
        img.save(a.thumb_out)
    print(json.dumps(m))


if __name__ == "__main__":
    main()
