// Bilinear resampling with Pillow's exact integer arithmetic (`Image.resize(..., BILINEAR)`), which is
// what torchvision's `Resize` does on a PIL image: a separable triangle filter whose support widens with
// the downscale factor (antialiasing), 22-bit fixed-point weights, a horizontal pass then a vertical
// pass, each rounded to 8 bits. Matching it bit for bit keeps our tiles identical to the original's.

const PRECISION_BITS = 32 - 8 - 2;
const ONE = 1 << PRECISION_BITS;
const HALF = 1 << (PRECISION_BITS - 1);

/** Per output pixel: first input index, tap count and fixed-point weights (`taps` per pixel). */
interface Coefficients {
  first: Int32Array;
  count: Int32Array;
  weights: Int32Array;
  taps: number;
}

function triangle(x: number): number {
  const a = x < 0 ? -x : x;
  return a < 1 ? 1 - a : 0;
}

function coefficients(inSize: number, outSize: number): Coefficients {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = filterScale; // triangle support 1 × filterScale
  const taps = Math.ceil(support) * 2 + 1;
  const first = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Int32Array(outSize * taps);
  const w = new Float64Array(taps);
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    const ss = 1 / filterScale;
    let xmin = Math.trunc(center - support + 0.5);
    if (xmin < 0) xmin = 0;
    let xmax = Math.trunc(center + support + 0.5);
    if (xmax > inSize) xmax = inSize;
    xmax -= xmin;
    let total = 0;
    for (let x = 0; x < xmax; x++) {
      const v = triangle((x + xmin - center + 0.5) * ss);
      w[x] = v;
      total += v;
    }
    for (let x = 0; x < xmax; x++) {
      const v = total === 0 ? w[x]! : w[x]! / total;
      weights[xx * taps + x] = v < 0 ? Math.trunc(-0.5 + v * ONE) : Math.trunc(0.5 + v * ONE);
    }
    first[xx] = xmin;
    count[xx] = xmax;
  }
  return { first, count, weights, taps };
}

const cache = new Map<string, Coefficients>();
function cachedCoefficients(inSize: number, outSize: number): Coefficients {
  const key = `${inSize}>${outSize}`;
  let c = cache.get(key);
  if (c === undefined) {
    c = coefficients(inSize, outSize);
    cache.set(key, c);
  }
  return c;
}

function clip8(v: number): number {
  const s = v >> PRECISION_BITS;
  return s < 0 ? 0 : s > 255 ? 255 : s;
}

function horizontal(src: Uint8Array, width: number, height: number, channels: number, outWidth: number): Uint8Array {
  const c = cachedCoefficients(width, outWidth);
  const out = new Uint8Array(outWidth * height * channels);
  const { first, count, weights, taps } = c;
  for (let y = 0; y < height; y++) {
    const row = y * width * channels;
    let o = y * outWidth * channels;
    for (let xx = 0; xx < outWidth; xx++) {
      const n = count[xx]!;
      const k = xx * taps;
      let p = row + first[xx]! * channels;
      if (channels === 3) {
        let s0 = HALF;
        let s1 = HALF;
        let s2 = HALF;
        for (let x = 0; x < n; x++, p += 3) {
          const w = weights[k + x]!;
          s0 += src[p]! * w;
          s1 += src[p + 1]! * w;
          s2 += src[p + 2]! * w;
        }
        out[o++] = clip8(s0);
        out[o++] = clip8(s1);
        out[o++] = clip8(s2);
      } else {
        for (let ch = 0; ch < channels; ch++) {
          let ss = HALF;
          for (let x = 0; x < n; x++) ss += src[p + x * channels + ch]! * weights[k + x]!;
          out[o++] = clip8(ss);
        }
      }
    }
  }
  return out;
}

function vertical(src: Uint8Array, stride: number, height: number, outHeight: number): Uint8Array {
  const c = cachedCoefficients(height, outHeight);
  const out = new Uint8Array(outHeight * stride);
  const acc = new Float64Array(stride);
  for (let yy = 0; yy < outHeight; yy++) {
    const y0 = c.first[yy]!;
    const n = c.count[yy]!;
    const k = yy * c.taps;
    acc.fill(HALF);
    for (let y = 0; y < n; y++) {
      const w = c.weights[k + y]!;
      const base = (y0 + y) * stride;
      for (let i = 0; i < stride; i++) acc[i]! += src[base + i]! * w;
    }
    const o = yy * stride;
    for (let i = 0; i < stride; i++) out[o + i] = clip8(acc[i]!);
  }
  return out;
}

/**
 * Resizes an interleaved 8-bit image (`channels` per pixel, row-major) exactly as Pillow's
 * `resize((outWidth, outHeight), Image.BILINEAR)` does.
 * @returns a new `outWidth × outHeight × channels` Uint8Array; the input itself when the size is unchanged.
 */
export function resizeBilinearPil(
  src: Uint8Array,
  width: number,
  height: number,
  channels: number,
  outWidth: number,
  outHeight: number,
): Uint8Array {
  if (src.length !== width * height * channels) {
    throw new RangeError(`resizeBilinearPil: ${src.length} bytes, expected ${width}×${height}×${channels}`);
  }
  const wide = outWidth === width ? src : horizontal(src, width, height, channels, outWidth);
  return outHeight === height ? wide : vertical(wide, outWidth * channels, height, outHeight);
}
