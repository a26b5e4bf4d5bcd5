import { planLayout } from "./layout";
import { createRenderContext, renderRegion } from "./render";
import type { SynthesizeSlideOptions } from "./types";

/** Options of {@link sampleTissueTiles}. */
export interface SampleTissueTilesOptions {
  /** Scale to render at (µm/px); the tissue is the same at every scale. */
  mpp: number;
  /** Tile side in pixels. @default 256 */
  size?: number;
  /** Tiles wanted (fewer when the slide has less tissue). */
  count: number;
  /** A tile counts as tissue when its mean RGB is below this. @default 215 */
  maxMeanRgb?: number;
  /** Seeds the order in which grid cells are visited. @default 1 */
  salt?: number;
}

/** RGB tiles rendered straight from a slide's layout, with their top-left corners (pixels at `mpp`). */
export interface SampledTiles {
  tiles: Uint8Array[];
  corners: [number, number][];
  widthPx: number;
  heightPx: number;
}

/**
 * Tissue tiles of the slide `options` describes, rendered without writing a file: the non-overlapping
 * `size`-pixel grid at `mpp`, visited in a seeded random order, keeping tiles whose mean RGB says tissue.
 * For tests and experiments that need many labelled tiles fast (e.g. encoding them with a backbone).
 */
export function sampleTissueTiles(options: SynthesizeSlideOptions, o: SampleTissueTilesOptions): SampledTiles {
  const { mpp, size = 256, count, maxMeanRgb = 215, salt = 1 } = o;
  const layout = planLayout({ ...options, mpp });
  const ctx = createRenderContext(layout);
  const grid: [number, number][] = [];
  for (let y = 0; y + size <= layout.heightPx; y += size) for (let x = 0; x + size <= layout.widthPx; x += size) grid.push([x, y]);
  let s = Math.imul(salt, 2654435761) >>> 0;
  for (let i = grid.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    [grid[i], grid[j]] = [grid[j] as [number, number], grid[i] as [number, number]];
  }
  const tiles: Uint8Array[] = [];
  const corners: [number, number][] = [];
  for (const [x, y] of grid) {
    if (tiles.length >= count) break;
    const rgb = renderRegion(ctx, x, y, size, size);
    let sum = 0;
    for (let i = 0; i < rgb.length; i++) sum += rgb[i] as number;
    if (sum / rgb.length < maxMeanRgb) {
      tiles.push(rgb);
      corners.push([x, y]);
    }
  }
  return { tiles, corners, widthPx: layout.widthPx, heightPx: layout.heightPx };
}
