import path from "node:path";
import type { Slide } from "@osfm/wsi";
import type { Encoder } from "../encoder/encoder";
import { featureFilePath } from "../features/layout";
import { readFeatureHeader, writeFeatureFile } from "../features/feature-file";
import type { ExtractProgress, FeatureDtype, TileRow } from "../types";
import { manifestHash } from "./manifest-hash";
import { encodeRows } from "./pipeline";
import type { TileReader } from "./read-tile";

/** Options of `extractFeatures`. */
export interface ExtractFeaturesOptions {
  slide: Slide;
  /** Tile rows of this slide (one or several scales), or a `@osfm/tiling` manifest; each scale becomes one feature file. */
  manifest: readonly TileRow[] | { readonly rows: readonly TileRow[] };
  encoder: Encoder;
  /** Root folder of the feature cache (a workspace's `features/`). */
  out: string;
  /** Slide id used as the file name. @default the rows' `slideId`, else the slide file's base name without extension */
  slideId?: string;
  /** Tiles per onnxruntime run. @default 32 */
  batchSize?: number;
  /** Storage dtype of `features`. @default the encoder's dtype */
  dtype?: FeatureDtype;
  /** Reads one RGB tile at the encoder's input size. @default `readTileRgb` (the original's read + Pillow bilinear) */
  readTile?: TileReader;
  /** Tiles read concurrently while the previous batch runs. @default 4 */
  readConcurrency?: number;
  /** Re-extract even when a valid cached file exists. @default false */
  force?: boolean;
  /** Called after every batch. */
  onProgress?: (progress: ExtractProgress) => void;
  signal?: AbortSignal;
}

/** What happened to one slide and scale. */
export interface ExtractResult {
  slideId: string;
  scale: number;
  /** The feature file. */
  path: string;
  tiles: number;
  /** True when a file with the same backbone fingerprint and manifest hash already existed. */
  skipped: boolean;
  /** Wall time in seconds, the slide's time shared by tile count (0 when skipped). */
  seconds: number;
}

function groupByScale(rows: readonly TileRow[]): Map<number, TileRow[]> {
  const groups = new Map<number, TileRow[]>();
  for (const r of rows) {
    const g = groups.get(r.scaleUmPerPx);
    if (g) g.push(r);
    else groups.set(r.scaleUmPerPx, [r]);
  }
  return groups;
}

function mostCommon(values: readonly number[]): number {
  const counts = new Map<number, number>();
  let best = values[0] ?? 0;
  for (const v of values) {
    const c = (counts.get(v) ?? 0) + 1;
    counts.set(v, c);
    if (c > (counts.get(best) ?? 0)) best = v;
  }
  return best;
}

/**
 * Extracts features for one slide: one HDF5 file per scale under `out/<encoder id>/scale…/<slide id>.h5`.
 * A scale whose file exists with the same weights fingerprint and manifest hash is skipped, so a killed
 * run resumes where it stopped; files are written atomically.
 */
export async function extractFeatures(options: ExtractFeaturesOptions): Promise<ExtractResult[]> {
  const { slide, encoder, out, force = false } = options;
  const manifest = "rows" in options.manifest ? options.manifest.rows : options.manifest;
  const slideId = options.slideId ?? manifest[0]?.slideId ?? path.basename(slide.path).replace(/\.[^.]+$/, "");
  const dtype = options.dtype ?? encoder.dtype;
  const results: ExtractResult[] = [];
  const todo: { scale: number; rows: TileRow[]; file: string; hash: string; offset: number }[] = [];
  let offset = 0;
  for (const [scale, rows] of groupByScale(manifest)) {
    const file = featureFilePath(out, encoder.id, scale, slideId);
    const hash = manifestHash(rows);
    if (!force) {
      const head = await readFeatureHeader(file);
      const a = head?.attributes;
      if (head?.n === rows.length && head.dim === encoder.dim && head.dtype === dtype && a?.weightsSha256 === encoder.fingerprint && a.backboneId === encoder.id && a.manifestSha256 === hash) {
        results.push({ slideId, scale, path: file, tiles: rows.length, skipped: true, seconds: 0 });
        continue;
      }
    }
    todo.push({ scale, rows, file, hash, offset });
    offset += rows.length;
  }
  if (todo.length === 0) return results;
  // All scales go through one pipeline, so the first batch of a scale is read while the last of the previous runs.
  const t0 = performance.now();
  const { onProgress } = options;
  const features = await encodeRows(
    todo.flatMap((t) => t.rows),
    {
      ...options,
      ...(onProgress
        ? {
            onBatch: (done: number) => {
              const seconds = (performance.now() - t0) / 1000;
              for (const t of todo) {
                const mine = Math.min(Math.max(done - t.offset, 0), t.rows.length);
                const before = Math.min(Math.max(done - (options.batchSize ?? 32) - t.offset, 0), t.rows.length);
                if (mine > before) onProgress({ slideId, scale: t.scale, done: mine, total: t.rows.length, tilesPerSecond: done / seconds });
              }
            },
          }
        : {}),
    },
  );
  const seconds = (performance.now() - t0) / 1000;
  for (const t of todo) {
    const coords = new Float64Array(t.rows.length * 2);
    t.rows.forEach((r, i) => {
      coords[i * 2] = r.x;
      coords[i * 2 + 1] = r.y;
    });
    await writeFeatureFile(
      t.file,
      { features: features.subarray(t.offset * encoder.dim, (t.offset + t.rows.length) * encoder.dim), coords, n: t.rows.length, dim: encoder.dim, dtype },
      {
        slideId,
        scale: t.scale,
        level: mostCommon(t.rows.map((r) => r.level)),
        tileSize: mostCommon(t.rows.map((r) => r.readSizePx)),
        backboneId: encoder.id,
        weightsSha256: encoder.fingerprint,
        manifestSha256: t.hash,
      },
    );
    results.push({ slideId, scale: t.scale, path: t.file, tiles: t.rows.length, skipped: false, seconds: (seconds * t.rows.length) / offset });
  }
  results.sort((a, b) => a.scale - b.scale);
  return results;
}
