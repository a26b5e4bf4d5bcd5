import { readTileRgb, type TileReader, type TileRow } from "@osfm/backbone";
import { tileCentresMm } from "@osfm/mil";
import { derivedRng, sampleWithoutReplacement } from "./random";

/** The two tile scales of the pipeline, µm/px. */
export type TileScale = 0.5 | 2;

/** One slide's raw tiles for phase 2. */
export interface TileSlide {
  readonly slideId: string;
  /** Tiles available at 0.5 and 2.0 µm/px. */
  readonly count05: number;
  readonly count20: number;
  /** Tile centres in mm, [n, 2], of the given tiles. */
  centresMm(scale: TileScale, indices: readonly number[]): Float32Array;
  /** RGB bytes of the given tiles, `n × side × side × 3` (HWC), as the encoder takes them. */
  readTiles(scale: TileScale, indices: readonly number[], side: number, signal?: AbortSignal): Promise<Uint8Array>;
}

/** Where phase 2 gets its tiles. */
export interface TileSource {
  readonly slideIds: readonly string[];
  open(slideId: string): Promise<TileSlide>;
}

/** The tiles of one slide in one phase-2 epoch. */
export interface EpochTiles {
  indices05: number[];
  indices20: number[];
}

/**
 * Draws a slide's tiles for an epoch: ⌊0.75·n⌋ at 0.5 µm/px and the rest at 2.0 (72 + 24 for n = 96),
 * without replacement, from a generator seeded by (seed, epoch, slide id): different every epoch (the
 * original reused the same tiles) and identical across runs and resumes.
 */
export function sampleEpochTiles(slide: Pick<TileSlide, "slideId" | "count05" | "count20">, epoch: number, seed: number, tilesPerSlide: number): EpochTiles {
  const rng = derivedRng(seed, "phase2-tiles", epoch, slide.slideId);
  const want05 = Math.floor(0.75 * tilesPerSlide);
  const want20 = tilesPerSlide - want05;
  return {
    indices05: sampleWithoutReplacement(slide.count05, want05, rng),
    indices20: sampleWithoutReplacement(slide.count20, want20, rng),
  };
}

/** Options of {@link manifestTileSlide}. */
export interface ManifestTileSlideOptions {
  slideId: string;
  /** An open slide (`@osfm/wsi`), passed to `reader`. */
  slide: Parameters<TileReader>[0];
  /** Tile rows (`@osfm/tiling` manifest) at 0.5 and 2.0 µm/px. */
  rows05: readonly TileRow[];
  rows20: readonly TileRow[];
  /** Level-0 µm/px of the slide. */
  mppX: number;
  mppY: number;
  /** Tile reader. @default @osfm/backbone `readTileRgb` (the preprocessing of feature extraction) */
  reader?: TileReader;
}

/** A {@link TileSlide} over a tiling manifest and an open slide, reading tiles exactly as feature extraction does. */
export function manifestTileSlide(options: ManifestTileSlideOptions): TileSlide {
  const { slideId, slide, rows05, rows20, mppX, mppY, reader = readTileRgb } = options;
  const rowsOf = (scale: TileScale) => (scale === 0.5 ? rows05 : rows20);
  return {
    slideId,
    count05: rows05.length,
    count20: rows20.length,
    centresMm(scale, indices) {
      const rows = rowsOf(scale);
      const xy = indices.flatMap((i) => [rows[i]?.x ?? 0, rows[i]?.y ?? 0]);
      return tileCentresMm(xy, { mppX, mppY, tileSizeLevel0: (256 * scale) / mppX });
    },
    async readTiles(scale, indices, side, signal) {
      const rows = rowsOf(scale);
      const out = new Uint8Array(indices.length * side * side * 3);
      for (let k = 0; k < indices.length; k++) {
        const row = rows[indices[k] as number] as TileRow;
        out.set(await reader(slide, row, side, signal), k * side * side * 3);
      }
      return out;
    },
  };
}
