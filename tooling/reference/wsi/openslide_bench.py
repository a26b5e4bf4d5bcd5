#!/usr/bin/python3
"""Times OpenSlide read_region for @osfm/wsi's benchmark (same positions as ours, same thread count).

Usage: /usr/bin/python3 openslide_bench.py SLIDE POSITIONS_JSON THREADS
POSITIONS_JSON: {"regions": [[x, y, level, w, h], ...]}. Regions are split into THREADS contiguous
chunks read concurrently (ctypes releases the GIL inside OpenSlide). Prints one JSON line:
{"seconds": wall time of the reads (open excluded), "cpuSeconds": CPU time of all threads over the
same span, "count": number of regions, "openslide": version}.
"""
import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import openslide


def main():
    path, positions, threads = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with open(positions) as f:
        regions = json.load(f)["regions"]
    slide = openslide.OpenSlide(path)
    chunks = [regions[i::threads] for i in range(threads)]

    def work(chunk):
        for x, y, level, w, h in chunk:
            slide.read_region((x, y), level, (w, h))
        return len(chunk)

    c0 = time.process_time()
    t0 = time.perf_counter()
    if threads == 1:
        n = work(regions)
    else:
        with ThreadPoolExecutor(threads) as ex:
            n = sum(ex.map(work, chunks))
    seconds = time.perf_counter() - t0
    cpu = time.process_time() - c0
    slide.close()
    print(json.dumps({"seconds": seconds, "cpuSeconds": cpu, "count": n, "openslide": openslide.__library_version__}))


if __name__ == "__main__":
    main()
