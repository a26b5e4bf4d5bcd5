"""Benchmark references for @osfm/backbone (Debian /usr/bin/python3; needs torch + torchvision, openslide, PIL, numpy).

usage:
  bench_torch.py inference THREADS BATCH TILES       torchvision convnext_tiny features + GAP, random weights, on
                                                     TILES random preprocessed tiles in batches of BATCH
  bench_torch.py pipeline THREADS BATCH SLIDE ROWS   the original NB05 loop: read_region (serial) -> RGB -> PIL
                                                     Resize(224) -> ToTensor/Normalize -> forward -> float16 .npy;
                                                     ROWS is a JSON file of [x, y, level, size] rows
Prints one JSON line: {"tiles", "seconds", "tiles_per_s", "max_rss_mb", "torch"}.
"""
import json
import os
import resource
import sys
import tempfile
import time

import numpy as np
import torch
import torchvision


def model():
    m = torchvision.models.convnext_tiny().eval()
    return lambda x: torch.flatten(torch.nn.functional.adaptive_avg_pool2d(m.features(x), 1), 1)


def report(tiles, seconds):
    print(json.dumps({"tiles": tiles, "seconds": seconds, "tiles_per_s": tiles / seconds,
                      "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "torch": torch.__version__}))


def inference(batch, tiles):
    f = model()
    x = torch.randn(batch, 3, 224, 224)
    with torch.no_grad():
        f(x)  # warm-up
        t0 = time.perf_counter()
        done = 0
        while done < tiles:
            n = min(batch, tiles - done)
            f(x[:n])
            done += n
        report(done, time.perf_counter() - t0)


def pipeline(batch, slide_path, rows_path):
    import openslide
    from PIL import Image
    f = model()
    rows = json.load(open(rows_path))
    mean = torch.tensor([0.485, 0.456, 0.406]).view(3, 1, 1)
    std = torch.tensor([0.229, 0.224, 0.225]).view(3, 1, 1)
    with torch.no_grad():
        f(torch.zeros(1, 3, 224, 224))
        t0 = time.perf_counter()
        slide = openslide.OpenSlide(slide_path)
        feats = []
        for start in range(0, len(rows), batch):
            xs = []
            for x, y, level, size in rows[start:start + batch]:
                img = slide.read_region((x, y), level, (size, size)).convert("RGB").resize((224, 224), Image.BILINEAR)
                t = torch.from_numpy(np.asarray(img, dtype=np.uint8).copy()).permute(2, 0, 1).float() / 255
                xs.append((t - mean) / std)
            feats.append(f(torch.stack(xs)).numpy().astype(np.float16))
        with tempfile.TemporaryDirectory() as d:
            np.save(os.path.join(d, "features.npy"), np.concatenate(feats))
        report(len(rows), time.perf_counter() - t0)


def main():
    mode, threads, batch = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    torch.set_num_threads(threads)
    if mode == "inference":
        inference(batch, int(sys.argv[4]))
    elif mode == "pipeline":
        pipeline(batch, sys.argv[4], sys.argv[5])
    else:
        raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    main()
