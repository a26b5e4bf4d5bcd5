/**
 * Box-filters an RGB raster by an integer factor: each output pixel is the rounded mean of the
 * `factor × factor` block it covers; blocks cut by the right or bottom edge average the pixels they have.
 * Output size is `ceil(width / factor) × ceil(rows / factor)`.
 */
export function boxDownsample(src: Uint8Array, width: number, rows: number, factor: number): Uint8Array {
  const ow = Math.ceil(width / factor);
  const oh = Math.ceil(rows / factor);
  const full = Math.floor(width / factor);
  const out = new Uint8Array(ow * oh * 3);
  const sums = new Uint32Array(ow * 3);
  const stride = width * 3;
  const step = factor * 3;
  for (let oy = 0; oy < oh; oy++) {
    sums.fill(0);
    const y0 = oy * factor;
    const y1 = Math.min(rows, y0 + factor);
    for (let y = y0; y < y1; y++) {
      const row = y * stride;
      // Whole blocks: sum `factor` pixels per channel.
      for (let ox = 0, s = row, o = 0; ox < full; ox++, s += step, o += 3) {
        let r = 0;
        let g = 0;
        let b = 0;
        for (let k = 0; k < step; k += 3) {
          r += src[s + k] as number;
          g += src[s + k + 1] as number;
          b += src[s + k + 2] as number;
        }
        sums[o] = (sums[o] as number) + r;
        sums[o + 1] = (sums[o + 1] as number) + g;
        sums[o + 2] = (sums[o + 2] as number) + b;
      }
      // The block cut by the right edge.
      if (full < ow) {
        const o = full * 3;
        for (let s = row + full * step; s < row + stride; s += 3) {
          sums[o] = (sums[o] as number) + (src[s] as number);
          sums[o + 1] = (sums[o + 1] as number) + (src[s + 1] as number);
          sums[o + 2] = (sums[o + 2] as number) + (src[s + 2] as number);
        }
      }
    }
    const dy = y1 - y0;
    const nFull = factor * dy;
    const nTail = (width - full * factor) * dy;
    let o = oy * ow * 3;
    for (let i = 0; i < ow * 3; i++, o++) {
      const n = i < full * 3 ? nFull : nTail;
      out[o] = Math.floor(((sums[i] as number) + (n >> 1)) / n);
    }
  }
  return out;
}

/** Converts RGBA to RGB by compositing onto white; returns RGB input unchanged. */
export function toRgb(data: Uint8Array, pixels: number, channels: 3 | 4): Uint8Array {
  if (channels === 3) return data;
  const out = new Uint8Array(pixels * 3);
  for (let i = 0, j = 0; i < pixels; i++, j += 4) {
    const a = data[j + 3] as number;
    for (let c = 0; c < 3; c++) {
      const v = data[j + c] as number;
      out[i * 3 + c] = a === 255 ? v : Math.round((v * a + 255 * (255 - a)) / 255);
    }
  }
  return out;
}
