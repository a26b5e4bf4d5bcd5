/**
 * Scaled decoding of NDPI levels at 1/2, 1/4, 1/8, as OpenSlide offers them (libjpeg scaled output).
 * Measured against OpenSlide 3.4.1 the reduced output is, to within ±1, the mean of each `scale × scale`
 * group of full-resolution pixels, so that is what this computes (edges replicate the last pixel).
 */
export function boxDownscale(src: Uint8Array, width: number, height: number, channels: number, scale: number): { data: Uint8Array; width: number; height: number } {
  if (scale !== 2 && scale !== 4 && scale !== 8) throw new Error(`unsupported scale 1/${scale}`);
  const ow = Math.ceil(width / scale);
  const oh = Math.ceil(height / scale);
  const out = new Uint8Array(ow * oh * channels);
  const n = scale * scale;
  const half = n >> 1;
  for (let oy = 0; oy < oh; oy++) {
    for (let ox = 0; ox < ow; ox++) {
      for (let c = 0; c < channels; c++) {
        let sum = 0;
        for (let y = 0; y < scale; y++) {
          const sy = Math.min(height - 1, oy * scale + y);
          for (let x = 0; x < scale; x++) {
            const sx = Math.min(width - 1, ox * scale + x);
            sum += src[(sy * width + sx) * channels + c] as number;
          }
        }
        out[(oy * ow + ox) * channels + c] = Math.floor((sum + half) / n);
      }
    }
  }
  return { data: out, width: ow, height: oh };
}

/** Replicate-edge 1-D Laplacian [1, −2, 1] along rows (`dx`=1) or columns of a w×h float plane. */
function laplacian(p: Float64Array, w: number, h: number, horizontal: boolean): Float64Array {
  const out = new Float64Array(p.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const a = horizontal ? p[y * w + Math.max(0, x - 1)] : p[Math.max(0, y - 1) * w + x];
      const b = horizontal ? p[y * w + Math.min(w - 1, x + 1)] : p[Math.min(h - 1, y + 1) * w + x];
      out[i] = (a as number) - 2 * (p[i] as number) + (b as number);
    }
  }
  return out;
}

/** Undoes the [1/8, 3/4, 1/8] blur along one axis (Neumann series of (1 + L/8)⁻¹, 4 terms). */
function unblur(p: Float64Array, w: number, h: number, horizontal: boolean): Float64Array {
  const out = Float64Array.from(p);
  let term = p;
  for (let k = 1; k <= 4; k++) {
    term = laplacian(term, w, h, horizontal).map((v) => -v / 8);
    for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) + (term[i] as number);
  }
  return out;
}

/**
 * Scaled decoding of a 4:2:0 JPEG as libjpeg does it (luma reduced to 1/scale, chroma taken at its own
 * half resolution, no chroma upsampling), reconstructed from a full decode of the YCbCr samples
 * (decoded without colour conversion, so nothing is clamped): luma is the group mean;
 * the native chroma is recovered from the 2×2 means of the upsampled chroma by undoing libjpeg's
 * "fancy" triangle upsampling (a [1/8, 3/4, 1/8] blur per axis), then averaged to the output grid.
 */
export function chroma420Downscale(ycc: Uint8Array, width: number, height: number, scale: number, toRgb: (ycc: Uint8Array) => void): { data: Uint8Array; width: number; height: number } {
  const cw = Math.ceil(width / 2);
  const ch = Math.ceil(height / 2);
  const luma = new Float64Array(width * height);
  const cb = new Float64Array(cw * ch);
  const cr = new Float64Array(cw * ch);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * 3;
      luma[y * width + x] = ycc[p] as number;
      const c = (y >> 1) * cw + (x >> 1);
      const n = ((x >> 1) * 2 + 1 < width ? 2 : 1) * ((y >> 1) * 2 + 1 < height ? 2 : 1);
      cb[c] = (cb[c] as number) + (ycc[p + 1] as number) / n;
      cr[c] = (cr[c] as number) + (ycc[p + 2] as number) / n;
    }
  }
  const nativeCb = unblur(unblur(cb, cw, ch, true), cw, ch, false);
  const nativeCr = unblur(unblur(cr, cw, ch, true), cw, ch, false);
  const ow = Math.ceil(width / scale);
  const oh = Math.ceil(height / scale);
  const out = new Uint8Array(ow * oh * 3);
  const cs = scale / 2;
  const clamp = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v));
  for (let oy = 0; oy < oh; oy++) {
    for (let ox = 0; ox < ow; ox++) {
      let ys = 0;
      let yn = 0;
      for (let y = oy * scale; y < Math.min(height, (oy + 1) * scale); y++) {
        for (let x = ox * scale; x < Math.min(width, (ox + 1) * scale); x++) { ys += luma[y * width + x] as number; yn++; }
      }
      let bs = 0;
      let rs = 0;
      let cn = 0;
      for (let y = oy * cs; y < Math.min(ch, (oy + 1) * cs); y++) {
        for (let x = ox * cs; x < Math.min(cw, (ox + 1) * cs); x++) { bs += nativeCb[y * cw + x] as number; rs += nativeCr[y * cw + x] as number; cn++; }
      }
      const o = (oy * ow + ox) * 3;
      out[o] = clamp(ys / yn);
      out[o + 1] = clamp(bs / cn);
      out[o + 2] = clamp(rs / cn);
    }
  }
  toRgb(out);
  return { data: out, width: ow, height: oh };
}

/** Group means of each YCbCr plane (4:4:4 JPEGs: libjpeg reduces every component the same way). */
export function ycc444Downscale(ycc: Uint8Array, width: number, height: number, scale: number, toRgb: (ycc: Uint8Array) => void): { data: Uint8Array; width: number; height: number } {
  const small = boxDownscale(ycc, width, height, 3, scale);
  toRgb(small.data);
  return small;
}
