#!/usr/bin/python3
"""Reference values from OpenSlide for @osfm/wsi parity tests.

Usage: /usr/bin/python3 openslide_dump.py SLIDE [REQUESTS_JSON_FILE]

REQUESTS_JSON_FILE holds {"regions": [[x, y, level, w, h], ...], "associated": true|false,
"thumbnail": max_size|null}. Prints one JSON line: metadata (vendor, levels, downsamples, mpp,
objective power, properties, associated image names and sizes) and, base64-encoded, the raw RGBA
bytes of every requested region (OpenSlide read_region: level-0 coordinates, un-premultiplied RGBA),
of the associated images when asked, and of get_thumbnail (RGB) when asked. Errors are reported as
{"error": ...} entries instead of exceptions, so a test can compare failures too.
"""
import base64
import json
import sys

import openslide


def b64(img, mode):
    return base64.b64encode(img.convert(mode).tobytes()).decode("ascii")


def main():
    path = sys.argv[1]
    req = {}
    if len(sys.argv) > 2:
        with open(sys.argv[2]) as f:
            req = json.load(f)
    out = {"path": path, "detect_format": openslide.OpenSlide.detect_format(path),
           "openslide_version": openslide.__library_version__}
    try:
        s = openslide.OpenSlide(path)
    except Exception as e:  # noqa: BLE001 - report any failure as data
        out["open_error"] = f"{type(e).__name__}: {e}"
        print(json.dumps(out))
        return
    p = s.properties
    def num(key):
        v = p.get(key)
        return None if v is None else float(v)
    out.update({
        "vendor": p.get("openslide.vendor"),
        "level_count": s.level_count,
        "level_dimensions": [list(d) for d in s.level_dimensions],
        "level_downsamples": list(s.level_downsamples),
        "tile_sizes": [[int(p.get(f"openslide.level[{i}].tile-width", 0)), int(p.get(f"openslide.level[{i}].tile-height", 0))]
                       for i in range(s.level_count)],
        "mpp": None if num("openslide.mpp-x") is None else [num("openslide.mpp-x"), num("openslide.mpp-y")],
        "objective_power": num("openslide.objective-power"),
        "properties": dict(p),
        "associated": {k: list(v.size) for k, v in s.associated_images.items()} if not req.get("skip_associated") else {},
    })
    regions = []
    for x, y, level, w, h in req.get("regions", []):
        try:
            regions.append({"data": b64(s.read_region((x, y), level, (w, h)), "RGBA")})
        except Exception as e:  # noqa: BLE001
            regions.append({"error": f"{type(e).__name__}: {e}"})
    out["regions"] = regions
    if req.get("associated"):
        assoc = {}
        for name in s.associated_images:
            try:
                assoc[name] = {"data": b64(s.associated_images[name], "RGBA")}
            except Exception as e:  # noqa: BLE001
                assoc[name] = {"error": f"{type(e).__name__}: {e}"}
        out["associated_pixels"] = assoc
    if req.get("thumbnail"):
        t = s.get_thumbnail((req["thumbnail"], req["thumbnail"]))
        out["thumbnail"] = {"size": list(t.size), "data": b64(t, "RGB")}
    s.close()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
