import type { TissueMaskLike } from "./types";

/**
 * A summed-area table of a binary mask, `[height + 1, width + 1]` float64, for exact box coverage at
 * fractional mask coordinates.
 */
export class MaskIntegral {
  readonly width: number;
  readonly height: number;
  private readonly sat: Float64Array;

  constructor(mask: TissueMaskLike) {
    const { width, height, data } = mask;
    this.width = width;
    this.height = height;
    const w1 = width + 1;
    const sat = new Float64Array(w1 * (height + 1));
    for (let y = 0; y < height; y++) {
      let rowSum = 0;
      for (let x = 0; x < width; x++) {
        rowSum += data[y * width + x] ? 1 : 0;
        sat[(y + 1) * w1 + x + 1] = sat[y * w1 + x + 1]! + rowSum;
      }
    }
    this.sat = sat;
  }

  /** ∫∫ mask over [0, u) × [0, v) for real u ∈ [0, width], v ∈ [0, height]: the bilinear interpolation of the table, which is exact for a piecewise-constant mask. */
  private integral(u: number, v: number): number {
    const w1 = this.width + 1;
    const i = Math.min(Math.floor(u), this.width - 1);
    const j = Math.min(Math.floor(v), this.height - 1);
    const fu = u - i;
    const fv = v - j;
    const s00 = this.sat[j * w1 + i]!;
    const s10 = this.sat[j * w1 + i + 1]!;
    const s01 = this.sat[(j + 1) * w1 + i]!;
    const s11 = this.sat[(j + 1) * w1 + i + 1]!;
    return s00 + fu * (s10 - s00) + fv * (s01 - s00) + fu * fv * (s11 - s10 - s01 + s00);
  }

  /** Mean of the mask over the box [u0, u1) × [v0, v1) in mask pixel units (clipped to the mask); 0 for an empty box. */
  boxMean(u0: number, v0: number, u1: number, v1: number): number {
    const a0 = Math.max(0, Math.min(this.width, u0));
    const a1 = Math.max(0, Math.min(this.width, u1));
    const b0 = Math.max(0, Math.min(this.height, v0));
    const b1 = Math.max(0, Math.min(this.height, v1));
    const area = (a1 - a0) * (b1 - b0);
    if (!(area > 0)) return 0;
    const inside = this.integral(a1, b1) - this.integral(a0, b1) - this.integral(a1, b0) + this.integral(a0, b0);
    return Math.min(1, Math.max(0, inside / area));
  }
}

/**
 * The original NB04 coverage: the footprint `[x, x + tile)` in level pixels is mapped to mask indices with
 * `int()`, the upper index is clamped to `shape − 1` (so the last mask row and column never count), and the
 * mean of the mask over the (exclusive) index box is returned; 0 for an empty box.
 */
export function paperCoverage(mask: TissueMaskLike, sx: number, sy: number, x: number, y: number, tile: number): number {
  const mx0 = Math.max(Math.trunc(x * sx), 0);
  const my0 = Math.max(Math.trunc(y * sy), 0);
  const mx1 = Math.min(Math.trunc((x + tile) * sx), mask.width - 1);
  const my1 = Math.min(Math.trunc((y + tile) * sy), mask.height - 1);
  if (mx1 <= mx0 || my1 <= my0) return 0;
  let sum = 0;
  for (let j = my0; j < my1; j++) {
    const row = j * mask.width;
    for (let i = mx0; i < mx1; i++) sum += mask.data[row + i] ? 1 : 0;
  }
  return sum / ((mx1 - mx0) * (my1 - my0));
}
