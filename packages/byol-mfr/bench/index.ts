// Bench: one BYOL + MFR optimizer step, ours (onnxruntime-node) vs PyTorch CPU (tooling/reference/byol-mfr/bench_step.py).
// Phase 1 in student tokens/s (both views), phase 2 in tiles/s. Sizes via OSFM_BENCH_* (defaults: reduced size).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { reportComparison, runPythonJson } from "@osfm/bench-harness";
import { Rng } from "@osfm/nn";
import type { SlideBag } from "@osfm/mil";
import { CONVNEXT_TINY_SHAPE, memoryBags, pretrain, readLogRows, type TileSlide, type TileSource } from "../src/index";
import { syntheticTileSource } from "../test/tiles-helper";

const env = (k: string, d: number) => Number(process.env[`OSFM_BENCH_${k}`] ?? d);
const DIM = 768;
const DEPTH = env("DEPTH", 2);
const T05 = env("T05", 300);
const T20 = env("T20", 100);
const BATCH = env("BATCH", 3);
const STEPS = env("STEPS", 3);
const THREADS = env("THREADS", 2);
const TILES = env("TILES", 8);
const SIDE = env("TILE_SIZE", 64);

const rng = new Rng(1);
const bag = (i: number): SlideBag => ({
  slideId: `b${i}`,
  features05: Float32Array.from({ length: T05 * DIM }, () => rng.normal()), coords05: Float32Array.from({ length: T05 * 2 }, () => rng.uniform()),
  features20: Float32Array.from({ length: T20 * DIM }, () => rng.normal()), coords20: Float32Array.from({ length: T20 * 2 }, () => rng.uniform()),
});
const bags = Array.from({ length: BATCH * (STEPS + 1) }, (_, i) => bag(i));

/**
 * Every tile of `source` synthesised once, before the timed steps (as the reference makes its images before its
 * loop); reads then copy bytes. The synthetic test pattern costs ≈ 80 ms per step of 16 tiles of 224 px (a sine
 * and a random draw per byte), which is test-data generation, not training: a real run decodes slide tiles instead.
 */
async function precomputed(source: TileSource, side: number): Promise<TileSource> {
  const slides = new Map<string, TileSlide>();
  for (const id of source.slideIds) {
    const s = await source.open(id);
    const all = async (scale: 0.5 | 2, n: number) => s.readTiles(scale, Array.from({ length: n }, (_, i) => i), side);
    const bytes = { 0.5: await all(0.5, s.count05), 2: await all(2, s.count20) };
    const tile = side * side * 3;
    slides.set(id, {
      slideId: id, count05: s.count05, count20: s.count20, centresMm: (scale, indices) => s.centresMm(scale, indices),
      readTiles: async (scale, indices, size) => {
        if (size !== side) return s.readTiles(scale, indices, size);
        const out = new Uint8Array(indices.length * tile);
        indices.forEach((t, k) => out.set(bytes[scale].subarray(t * tile, (t + 1) * tile), k * tile));
        return out;
      },
    });
  }
  return { slideIds: source.slideIds, open: async (id) => slides.get(id) as TileSlide };
}
const dir = mkdtempSync(path.join(tmpdir(), "bm-bench-"));
const res = await pretrain({
  bags: memoryBags(bags), tiles: await precomputed(syntheticTileSource({ slides: STEPS + 1, count05: TILES, count20: TILES }), SIDE), weightsDir: dir,
  backboneShape: CONVNEXT_TINY_SHAPE,
  config: {
    threads: THREADS, aggregator: { depth: DEPTH }, logEverySteps: 1, saveEverySteps: 1_000_000,
    phase1: { epochs: 1, batchSlides: BATCH, warmupSteps: 1 },
    phase2: { epochs: 1, tilesPerSlide: TILES, tileSize: SIDE, warmupSteps: 1 },
  },
});
const rows = await readLogRows(res.logJsonl);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] as number;
const ours1 = median(rows.filter((r) => r.phase === 1).slice(1).map((r) => r.tokens_per_s as number));
const ours2 = median(rows.filter((r) => r.phase === 2).slice(1).map((r) => r.tiles_per_s as number));
const rss = Math.max(...rows.map((r) => r.rss_mb));
rmSync(dir, { recursive: true, force: true });
const script = path.resolve(import.meta.dirname, "../../../tooling/reference/byol-mfr/bench_step.py");
const ref = runPythonJson<{ phase1_tokens_per_s: number; phase2_tiles_per_s: number; torch: string }>(script, [], {
  BENCH_DIM: String(DIM), BENCH_DEPTH: String(DEPTH), BENCH_T05: String(T05), BENCH_T20: String(T20), BENCH_BATCH: String(BATCH),
  BENCH_STEPS: String(STEPS), BENCH_THREADS: String(THREADS), BENCH_TILES: String(TILES), BENCH_TILE_SIZE: String(SIDE),
});
const extra = { depth: DEPTH, tokensPerSlide: T05 + T20, batch: BATCH, steps: STEPS, peakRssMb: rss };
reportComparison({ bench: "byol-mfr.phase1-step", unit: "tokens/s", ours: ours1, reference: ref.phase1_tokens_per_s, referenceName: `torch-${ref.torch}`, kind: "rate", threads: THREADS, extra });
reportComparison({ bench: "byol-mfr.phase2-step", unit: "tiles/s", ours: ours2, reference: ref.phase2_tiles_per_s, referenceName: `torch-${ref.torch}`, kind: "rate", threads: THREADS, extra: { ...extra, tiles: TILES, tileSize: SIDE, backbone: "convnext_tiny" } });
