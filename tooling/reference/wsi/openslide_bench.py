#!/usr/bin/python3
"""Times OpenSlide read_region for @osfm/wsi's benchmark (same positions as ours, same thread count).

Usage: /usr/bin/python3 openslide_bench.py SLIDE POSITIONS_JSON THREADS
POSITIONS_JSON: {"regions": [[x, y, level, w, h], ...], "passes": N (optional, default 1)}. Regions are
split into THREADS interleaved chunks read concurrently (ctypes releases the GIL inside OpenSlide). Each
pass opens the slide afresh (cold cache, open not timed), reads every region and closes it; short region
lists are repeated so that one pass of a few tens of milliseconds is not all the measurement. Prints one
JSON line: {"seconds": wall time of the reads summed over passes, "cpuSeconds": CPU time of all threads
over the same spans, "count": regions read in all passes, "openslide": version}.
"""
import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import openslide


def main():
    path, positions, threads = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with open(positions) as f:
        spec = json.load(f)
    regions = spec["regions"]
    passes = int(spec.get("passes", 1))
    chunks = [regions[i::threads] for i in range(threads)]
    seconds = cpu = 0.0
    n = 0
    for _ in range(passes):
        slide = openslide.OpenSlide(path)

        def work(chunk):
            for x, y, level, w, h in chunk:
                slide.read_region((x, y), level, (w, h))
            return len(chunk)

        c0 = time.process_time()
        t0 = time.perf_counter()
        if threads == 1:
            n += work(regions)
        else:
            with ThreadPoolExecutor(threads) as ex:
                n += sum(ex.map(work, chunks))
        seconds += time.perf_counter() - t0
        cpu += time.process_time() - c0
        slide.close()
    print(json.dumps({"seconds": seconds, "cpuSeconds": cpu, "count": n, "openslide": openslide.__library_version__}))


if __name__ == "__main__":
    main()
