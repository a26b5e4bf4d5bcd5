"""OpenSlide's view of slides written by @osfm/synth (reference for its tests).

Usage: /usr/bin/python3 openslide_probe.py '<json request>'
Request: [{"path": ..., "out": dir or null, "thumb": [w, h] or null, "regions": [[x, y, level, w, h], ...]}]
For each slide prints metadata; writes the associated thumbnail resized to `thumb` as raw RGB
(<out>/thumb.rgb) and each region as raw RGBA (<out>/r<i>.rgba). Prints one JSON list on the last line.
"""
import json
import os
import sys

import openslide
from PIL import Image


def probe(req):
    path = req["path"]
    s = openslide.OpenSlide(path)
    p = s.properties
    meta = {
        "path": path,
        "detect": openslide.OpenSlide.detect_format(path),
        "vendor": p.get("openslide.vendor"),
        "levels": [list(d) for d in s.level_dimensions],
        "downsamples": list(s.level_downsamples),
        "mpp": [p.get("openslide.mpp-x"), p.get("openslide.mpp-y")],
        "power": p.get("openslide.objective-power"),
        "xres": p.get("tiff.XResolution"),
        "unit": p.get("tiff.ResolutionUnit"),
        "associated": {k: list(v.size) for k, v in s.associated_images.items()},
    }
    out = req.get("out")
    if out:
        os.makedirs(out, exist_ok=True)
        if req.get("thumb"):
            w, h = req["thumb"]
            if "thumbnail" in s.associated_images:
                img = s.associated_images["thumbnail"].convert("RGB")
            else:
                img = s.get_thumbnail((1024, 1024)).convert("RGB")
            img.resize((w, h), Image.BILINEAR).save(os.path.join(out, "thumb.png"))
            with open(os.path.join(out, "thumb.rgb"), "wb") as f:
                f.write(img.resize((w, h), Image.BILINEAR).tobytes())
        for i, (x, y, level, w, h) in enumerate(req.get("regions", [])):
            with open(os.path.join(out, f"r{i}.rgba"), "wb") as f:
                f.write(s.read_region((x, y), level, (w, h)).tobytes())
    s.close()
    return meta


print(json.dumps([probe(r) for r in json.loads(sys.argv[1])]))
