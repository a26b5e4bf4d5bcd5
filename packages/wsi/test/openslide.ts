import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Slide } from "../src/types";
import { repoRoot } from "./fixtures";

/** What tooling/reference/wsi/openslide_dump.py prints for one slide. */
export interface OpenSlideDump {
  detect_format: string | null;
  open_error?: string;
  vendor: string;
  level_count: number;
  level_dimensions: [number, number][];
  level_downsamples: number[];
  tile_sizes: [number, number][];
  mpp: [number, number] | null;
  objective_power: number | null;
  properties: Record<string, string>;
  associated: Record<string, [number, number]>;
  regions: { data?: string; error?: string }[];
  associated_pixels?: Record<string, { data?: string; error?: string }>;
  thumbnail?: { size: [number, number]; data: string };
}

/** A region request in OpenSlide's argument order: x, y (level 0), level, width, height. */
export type RegionTuple = [number, number, number, number, number];

const script = path.join(repoRoot, "tooling/reference/wsi/openslide_dump.py");

/** Runs OpenSlide (Debian python3-openslide) on `slide` and returns its metadata and requested pixels. */
export function openslideDump(slide: string, req: { regions?: RegionTuple[]; associated?: boolean; thumbnail?: number } = {}): OpenSlideDump {
  const dir = mkdtempSync(path.join(tmpdir(), "osfm-wsi-ref-"));
  try {
    const reqPath = path.join(dir, "req.json");
    writeFileSync(reqPath, JSON.stringify(req));
    const out = execFileSync("/usr/bin/python3", [script, slide, reqPath], { encoding: "utf8", maxBuffer: 1 << 30 });
    const lines = out.trim().split("\n");
    return JSON.parse(lines[lines.length - 1] ?? "null") as OpenSlideDump;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Whether Debian's python3 with openslide is available (it is here and in CI). */
export function haveOpenSlide(): boolean {
  try {
    execFileSync("/usr/bin/python3", ["-c", "import openslide"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Per-channel mean and max absolute difference between two RGBA buffers of the same size. */
export function diffStats(a: Uint8Array, b: Uint8Array): { mean: number[]; max: number[] } {
  if (a.length !== b.length) throw new Error(`length ${a.length} ≠ ${b.length}`);
  const sum = [0, 0, 0, 0];
  const max = [0, 0, 0, 0];
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs((a[i] as number) - (b[i] as number));
    const c = i & 3;
    sum[c] = (sum[c] as number) + d;
    if (d > (max[c] as number)) max[c] = d;
  }
  const n = Math.max(1, a.length / 4);
  return { mean: sum.map((s) => s / n), max };
}

/**
 * Reads every region with our reader and compares it with OpenSlide's pixels for the same region
 * (`refRegions` from {@link openslideDump}); returns the worst per-channel mean and max |Δ|.
 */
export async function worstRegionDiff(slide: Slide, regions: readonly RegionTuple[], refRegions: OpenSlideDump["regions"]): Promise<{ worstMean: number; worstMax: number }> {
  let worstMean = 0;
  let worstMax = 0;
  for (let i = 0; i < regions.length; i++) {
    const [x, y, level, width, height] = regions[i] as RegionTuple;
    const d = diffStats((await slide.readRegion({ x, y, level, width, height })).data, new Uint8Array(Buffer.from(refRegions[i]?.data ?? "", "base64")));
    worstMean = Math.max(worstMean, ...d.mean);
    worstMax = Math.max(worstMax, ...d.max);
  }
  return { worstMean, worstMax };
}

/** Seeded PRNG (mulberry32) so random positions are reproducible. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `perLevel` random regions on every level: sizes up to `maxSize`, positions spread over the level
 * and beyond its edges (about a third overlap an edge or lie partly outside).
 */
export function randomRegions(levels: readonly { width: number; height: number; downsample: number }[], perLevel: number, seed: number, maxSize = 96): RegionTuple[] {
  const r = rng(seed);
  const base = levels[0] as { width: number; height: number };
  const out: RegionTuple[] = [];
  levels.forEach((l, level) => {
    for (let i = 0; i < perLevel; i++) {
      const w = 1 + Math.floor(r() * maxSize);
      const h = 1 + Math.floor(r() * maxSize);
      const spanX = base.width + 2 * w * l.downsample;
      const spanY = base.height + 2 * h * l.downsample;
      const x = Math.floor(r() * spanX - w * l.downsample);
      const y = Math.floor(r() * spanY - h * l.downsample);
      out.push([x, y, level, w, h]);
    }
  });
  return out;
}
