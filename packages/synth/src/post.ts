import { nearestIndex, sampleField } from "./fields";
import type { RenderContext } from "./render";

/** Box width for one of three box passes approximating a Gaussian of `sigmaPx`. */
function boxRadius(sigmaPx: number): number {
  return Math.max(1, Math.round((Math.sqrt(4 * sigmaPx * sigmaPx + 1) - 1) / 2));
}

function maxSigmaPx(ctx: RenderContext): number {
  return Math.max(0, ...ctx.layout.blur.map((b) => b.sigmaUm)) / ctx.layout.mpp;
}

/** Pixels of context a blurred region needs on each side. */
export function blurHaloPx(ctx: RenderContext): number {
  return 3 * boxRadius(maxSigmaPx(ctx)) + 2;
}

/** Whether any blur region touches the level-0 rectangle. */
export function intersectsBlur(ctx: RenderContext, x0: number, y0: number, w: number, h: number): boolean {
  const mpp = ctx.layout.mpp;
  return ctx.layout.blur.some((b) => {
    const r = b.radiusUm / mpp;
    const cx = b.xUm / mpp;
    const cy = b.yUm / mpp;
    return cx + r > x0 && cx - r < x0 + w && cy + r > y0 && cy - r < y0 + h;
  });
}

function boxPass(src: Float32Array, dst: Float32Array, n: number, stride: number, count: number, lineStride: number, r: number): void {
  for (let line = 0; line < count; line++) {
    const base = line * lineStride;
    for (let c = 0; c < 3; c++) {
      let acc = 0;
      let cnt = 0;
      for (let i = 0; i < Math.min(r, n); i++) {
        acc += src[base + i * stride + c] as number;
        cnt++;
      }
      for (let i = 0; i < n; i++) {
        const add = i + r;
        const rem = i - r - 1;
        if (add < n) {
          acc += src[base + add * stride + c] as number;
          cnt++;
        }
        if (rem >= 0) {
          acc -= src[base + rem * stride + c] as number;
          cnt--;
        }
        dst[base + i * stride + c] = acc / cnt;
      }
    }
  }
}

/**
 * Blurs the part of the expanded raster `big` (ex0, ey0, ew, eh) that blur regions touch, with three box
 * passes at the largest sigma, and blends it into the requested region by local sigma / largest sigma.
 * Returns the region's RGB.
 */
export function applyBlur(ctx: RenderContext, big: Uint8Array, ex0: number, ey0: number, ew: number, eh: number, x0: number, y0: number, w: number, h: number): Uint8Array {
  const { fields, layout } = ctx;
  const mpp = layout.mpp;
  const out = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    const src = ((y0 + y - ey0) * ew + (x0 - ex0)) * 3;
    out.set(big.subarray(src, src + w * 3), y * w * 3);
  }
  const sMax = maxSigmaPx(ctx);
  const r = boxRadius(sMax);
  const halo = blurHaloPx(ctx);
  for (const reg of layout.blur) {
    const rad = reg.radiusUm / mpp;
    // Blend window (inside the region) and blur window (window + halo, inside the expanded raster).
    const bx0 = Math.max(x0, Math.floor(reg.xUm / mpp - rad));
    const bx1 = Math.min(x0 + w, Math.ceil(reg.xUm / mpp + rad));
    const by0 = Math.max(y0, Math.floor(reg.yUm / mpp - rad));
    const by1 = Math.min(y0 + h, Math.ceil(reg.yUm / mpp + rad));
    if (bx0 >= bx1 || by0 >= by1) continue;
    const wx0 = Math.max(ex0, bx0 - halo);
    const wx1 = Math.min(ex0 + ew, bx1 + halo);
    const wy0 = Math.max(ey0, by0 - halo);
    const wy1 = Math.min(ey0 + eh, by1 + halo);
    const ww = wx1 - wx0;
    const wh = wy1 - wy0;
    let a = new Float32Array(ww * wh * 3);
    for (let y = 0; y < wh; y++) {
      const src = ((wy0 + y - ey0) * ew + (wx0 - ex0)) * 3;
      a.set(big.subarray(src, src + ww * 3), y * ww * 3);
    }
    let b = new Float32Array(a.length);
    for (let pass = 0; pass < 3; pass++) {
      boxPass(a, b, ww, 3, wh, ww * 3, r);
      [a, b] = [b, a];
      boxPass(a, b, wh, ww * 3, ww, 3, r);
      [a, b] = [b, a];
    }
    for (let y = by0; y < by1; y++) {
      for (let x = bx0; x < bx1; x++) {
        const s = sampleField(fields, fields.blurSigma, (x + 0.5) * mpp, (y + 0.5) * mpp) / mpp;
        if (s <= 0) continue;
        const t = Math.min(1, s / sMax);
        const bsrc = ((y - wy0) * ww + (x - wx0)) * 3;
        const rsrc = ((y - ey0) * ew + (x - ex0)) * 3;
        const o = ((y - y0) * w + (x - x0)) * 3;
        for (let c = 0; c < 3; c++) out[o + c] = Math.round((big[rsrc + c] as number) * (1 - t) + (a[bsrc + c] as number) * t);
      }
    }
  }
  return out;
}

/** Ink transmittance per pen colour (blue, green, black), multiplied into the pixels under the stroke. */
const INK: readonly (readonly [number, number, number])[] = [
  [0.18, 0.32, 0.85],
  [0.2, 0.62, 0.32],
  [0.12, 0.12, 0.14],
];

/** Draws pen strokes over the region in place, with a ~1 µm soft edge. */
export function applyPen(ctx: RenderContext, out: Uint8Array, x0: number, y0: number, w: number, h: number): void {
  const { layout, fields } = ctx;
  const mpp = layout.mpp;
  if (layout.pen.length === 0) return;
  const done = new Uint8Array(w * h);
  for (const s of layout.pen) {
    const half = s.widthUm / 2 + 2;
    const xs = s.pointsUm.map((p) => p[0]);
    const ys = s.pointsUm.map((p) => p[1]);
    const xa = Math.max(x0, Math.floor((Math.min(...xs) - half) / mpp));
    const xb = Math.min(x0 + w, Math.ceil((Math.max(...xs) + half) / mpp));
    const ya = Math.max(y0, Math.floor((Math.min(...ys) - half) / mpp));
    const yb = Math.min(y0 + h, Math.ceil((Math.max(...ys) + half) / mpp));
    for (let y = ya; y < yb; y++) {
      const uy = (y + 0.5) * mpp;
      for (let x = xa; x < xb; x++) {
        const q = (y - y0) * w + (x - x0);
        if (done[q]) continue;
        done[q] = 1;
        const ux = (x + 0.5) * mpp;
        const v = sampleField(fields, fields.pen, ux, uy);
        if (v <= -1) continue;
        const cover = Math.min(1, (v + 1) / 2) * 0.9;
        const ink = INK[fields.penColor[nearestIndex(fields, ux, uy)] as number] as readonly [number, number, number];
        const o = ((y - y0) * w + (x - x0)) * 3;
        for (let c = 0; c < 3; c++) out[o + c] = Math.round((out[o + c] as number) * (1 - cover + cover * (ink[c] as number)));
      }
    }
  }
}
