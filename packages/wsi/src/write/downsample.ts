/**
 * Box-filters an RGB raster by an integer factor: each output pixel is the rounded mean of the
 * `factor × factor` block it covers; blocks cut by the right or bottom edge average the pixels they have.
 * Output size is `ceil(width / factor) × ceil(rows / factor)`.
 */
export function boxDownsample(src: Uint8Array, width: number, rows: number, factor: number): Uint8Array {
  const ow = Math.ceil(width / factor);
  const oh = Math.ceil(rows / factor);
  const out = new Uint8Array(ow * oh * 3);
  const sums = new Uint32Array(ow * 3);
  const stride = width * 3;
  for (let oy = 0; oy < oh; oy++) {
    sums.fill(0);
    const y0 = oy * factor;
    const y1 = Math.min(rows, y0 + factor);
    for (let y = y0; y < y1; y++) {
      let s = y * stride;
      for (let ox = 0; ox < ow; ox++) {
        const n = Math.min(factor, width - ox * factor);
        let r = 0;
        let g = 0;
        let b = 0;
        for (let k = 0; k < n; k++) {
          r += src[s] as number;
          g += src[s + 1] as number;
          b += src[s + 2] as number;
          s += 3;
        }
        const o = ox * 3;
        sums[o] = (sums[o] as number) + r;
        sums[o + 1] = (sums[o + 1] as number) + g;
        sums[o + 2] = (sums[o + 2] as number) + b;
      }
    }
    const dy = y1 - y0;
    let o = oy * ow * 3;
    for (let ox = 0; ox < ow; ox++) {
      const n = Math.min(factor, width - ox * factor) * dy;
      const half = n >> 1;
      for (let c = 0; c < 3; c++) {
        out[o] = Math.floor(((sums[ox * 3 + c] as number) + half) / n);
        o++;
      }
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
