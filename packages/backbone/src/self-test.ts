import type { Slide } from "@osfm/wsi";
import type { Encoder } from "./encoder/encoder";
import { BackboneError } from "./errors";
import { encodeRows } from "./extract/pipeline";
import type { TileReader } from "./extract/read-tile";
import type { TileRow } from "./types";

/** Options of `runSelfTest`. */
export interface SelfTestOptions {
  encoder: Encoder;
  /** Candidate slides with their tile rows; the `maxSlides` with the fewest rows are used. */
  slides: readonly { slide: Slide; rows: readonly TileRow[] }[];
  /** Wall-clock budget in seconds (at least one batch always runs). @default 60 */
  seconds?: number;
  /** Slides used. @default 12 */
  maxSlides?: number;
  /** Tiles taken from a slide per turn. @default 512 */
  tilesPerSlide?: number;
  /** @default 32 */
  batchSize?: number;
  /** Pass threshold in tiles/s, read + decode + encode. @default 50 (the original's, which assumed a GPU) */
  threshold?: number;
  readTile?: TileReader;
  signal?: AbortSignal;
}

/** What the original writes to `logs/nb05_selftest.json`. */
export interface SelfTestReport {
  tiles: number;
  seconds: number;
  tiles_per_s: number;
  target: number;
  pass: boolean;
}

/**
 * The NB05 self-test gate: runs the full read → encode pipeline for a fixed time on the slides with the
 * fewest tiles and reports the rate; `pass` is false below `threshold`, and the caller stops the stage.
 */
export async function runSelfTest(options: SelfTestOptions): Promise<SelfTestReport> {
  const { encoder, seconds = 60, maxSlides = 12, tilesPerSlide = 512, batchSize = 32, threshold = 50, readTile, signal } = options;
  const slides = [...options.slides].filter((s) => s.rows.length > 0).sort((a, b) => a.rows.length - b.rows.length).slice(0, maxSlides);
  const cursor = slides.map(() => 0);
  let tiles = 0;
  const t0 = performance.now();
  const elapsed = () => (performance.now() - t0) / 1000;
  const timeUp = new AbortController();
  const stop = signal ? AbortSignal.any([signal, timeUp.signal]) : timeUp.signal;
  while (slides.length > 0 && !timeUp.signal.aborted) {
    for (const [i, { slide, rows }] of slides.entries()) {
      const take: TileRow[] = [];
      for (let k = 0; k < Math.min(tilesPerSlide, rows.length); k++) take.push(rows[(cursor[i]! + k) % rows.length]!);
      cursor[i] = (cursor[i]! + take.length) % rows.length;
      let counted = 0;
      try {
        await encodeRows(take, {
          slide,
          encoder,
          batchSize,
          signal: stop,
          ...(readTile ? { readTile } : {}),
          onBatch: (done) => {
            tiles += done - counted;
            counted = done;
            if (elapsed() >= seconds) timeUp.abort();
          },
        });
      } catch (e) {
        if (!(timeUp.signal.aborted && e instanceof BackboneError && e.code === "ABORTED")) throw e;
      }
      if (timeUp.signal.aborted) break;
    }
  }
  const secs = elapsed();
  const rate = secs > 0 ? tiles / secs : 0;
  return { tiles, seconds: secs, tiles_per_s: rate, target: threshold, pass: rate >= threshold };
}
