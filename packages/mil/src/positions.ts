/** Options of {@link tileCentresMm}. */
export interface TileCentreOptions {
  /** Level-0 pixel size in µm/px (the slide's true mpp). */
  mppX: number;
  mppY: number;
  /** Tile footprint in level-0 pixels (e.g. 256 px × 0.5 µm/px ÷ mpp). */
  tileSizeLevel0: number;
}

/**
 * Converts tile top-left corners in level-0 pixels (row-major `[n, 2]`) to tile centres in mm,
 * from the slide's true mpp. (The original used the target scale instead of the real mpp, which is
 * wrong by 2× on 40x slides; SPEC §6.1.)
 */
export function tileCentresMm(coordsLevel0: ArrayLike<number>, options: TileCentreOptions): Float32Array {
  const { mppX, mppY, tileSizeLevel0 } = options;
  if (!(mppX > 0) || !(mppY > 0)) throw new RangeError(`tileCentresMm: mpp must be positive, got ${mppX} × ${mppY}`);
  if (coordsLevel0.length % 2 !== 0) throw new RangeError(`tileCentresMm: expected [n, 2] coordinates, got ${coordsLevel0.length} values`);
  const half = tileSizeLevel0 / 2;
  const out = new Float32Array(coordsLevel0.length);
  for (let i = 0; i < coordsLevel0.length; i += 2) {
    out[i] = (((coordsLevel0[i] as number) + half) * mppX) / 1000;
    out[i + 1] = (((coordsLevel0[i + 1] as number) + half) * mppY) / 1000;
  }
  return out;
}
