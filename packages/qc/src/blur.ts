/**
 * Variance of the 4-neighbour Laplacian (centre −4, direct neighbours +1) of an 8-bit gray plane
 * `[height, width]`, with numpy "reflect" padding (the edge pixel is not repeated), over the pixels where
 * `mask` is non-zero (all pixels when `mask` is omitted). Returns 0 when the mask is empty: the original's
 * blur measure, taken at thumbnail scale.
 */
export function laplacianVariance(gray: Uint8Array, width: number, height: number, mask?: Uint8Array): number {
  const refl = (i: number, n: number): number => (n === 1 ? 0 : i < 0 ? -i : i >= n ? 2 * n - 2 - i : i);
  let count = 0;
  let mean = 0;
  let m2 = 0;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    const up = refl(y - 1, height) * width;
    const down = refl(y + 1, height) * width;
    for (let x = 0; x < width; x++) {
      const p = row + x;
      if (mask && mask[p] === 0) continue;
      const left = refl(x - 1, width);
      const right = refl(x + 1, width);
      const lap = gray[up + x]! + gray[down + x]! + gray[row + left]! + gray[row + right]! - 4 * gray[p]!;
      count++;
      const d = lap - mean;
      mean += d / count;
      m2 += d * (lap - mean);
    }
  }
  return count === 0 ? 0 : m2 / count;
}
