import type { Slide } from "@osfm/wsi";
import type { Encoder } from "../encoder/encoder";
import { BackboneError } from "../errors";
import type { TileRow } from "../types";
import { readTileChecked, readTileRgb, type TileReader } from "./read-tile";

/** Options of `encodeRows`. */
export interface EncodeRowsOptions {
  slide: Slide;
  encoder: Encoder;
  /** Tiles per onnxruntime run. @default 32 */
  batchSize?: number;
  /** @default `readTileRgb` */
  readTile?: TileReader;
  /** Tiles read concurrently. @default 4 */
  readConcurrency?: number;
  /** Called after every batch with the tiles done so far and the rate since the start. */
  onBatch?: (done: number, tilesPerSecond: number) => void;
  signal?: AbortSignal;
}

/** Reads the tiles of `rows` into one buffer of `rows.length × side × side × 3` RGB bytes. */
async function readBatch(rows: readonly TileRow[], slide: Slide, readTile: TileReader, concurrency: number, side: number, signal: AbortSignal | undefined): Promise<Uint8Array> {
  const bytes = side * side * 3;
  const out = new Uint8Array(rows.length * bytes);
  let next = 0;
  const worker = async () => {
    while (next < rows.length) {
      const i = next++;
      out.set(await readTileChecked(readTile, slide, rows[i]!, side, signal), i * bytes);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, rows.length) }, worker));
  return out;
}

/**
 * Encodes `rows` in batches, reading batch k+1 while onnxruntime runs batch k (its run is asynchronous
 * and native), so the model does not wait on decoding when reading is faster than inference.
 * @returns features: [rows.length, encoder.dim] float32
 */
export async function encodeRows(rows: readonly TileRow[], options: EncodeRowsOptions): Promise<Float32Array> {
  const { slide, encoder, batchSize = 32, readTile = readTileRgb, readConcurrency = 4, onBatch, signal } = options;
  const features = new Float32Array(rows.length * encoder.dim);
  const read = (k: number) => readBatch(rows.slice(k * batchSize, (k + 1) * batchSize), slide, readTile, readConcurrency, encoder.inputSize, signal);
  const batches = Math.ceil(rows.length / batchSize);
  const t0 = performance.now();
  let pending: Promise<Uint8Array> | undefined = batches > 0 ? read(0) : undefined;
  try {
    for (let k = 0; k < batches; k++) {
      const tiles = await pending!;
      if (signal?.aborted) throw new BackboneError("ABORTED", "extraction aborted", { path: slide.path });
      pending = k + 1 < batches ? read(k + 1) : undefined;
      pending?.catch(() => undefined); // surfaced when awaited; never unhandled
      const n = Math.min(batchSize, rows.length - k * batchSize);
      features.set(await encoder.encode(tiles, n), k * batchSize * encoder.dim);
      const done = k * batchSize + n;
      onBatch?.(done, done / ((performance.now() - t0) / 1000));
    }
  } finally {
    await pending?.catch(() => undefined);
  }
  return features;
}
