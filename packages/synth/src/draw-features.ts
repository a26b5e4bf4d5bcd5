import type { TissueClassSpec } from "./classes";
import { CELL_UM, FEATURE_MARGIN_UM, generateCell, type Blob, type CellFeatures, type Nucleus } from "./features";
import { nearestIndex, sampleField } from "./fields";
import type { Buffers, RenderContext } from "./render";
import { TEX } from "./textures";

const T_MASK = TEX - 1;

/** Classes whose features may reach into grid cell (cx, cy): sampled over the cell and its margin. */
function cellClasses(ctx: RenderContext, cx: number, cy: number): number[] {
  const { fields } = ctx;
  const set = new Set<number>();
  const lo = -FEATURE_MARGIN_UM;
  const hi = CELL_UM + FEATURE_MARGIN_UM;
  for (let j = 0; j <= 4; j++) {
    for (let i = 0; i <= 4; i++) {
      const x = cx * CELL_UM + lo + ((hi - lo) * i) / 4;
      const y = cy * CELL_UM + lo + ((hi - lo) * j) / 4;
      if (sampleField(fields, fields.tissue, x, y) > -FEATURE_MARGIN_UM - CELL_UM) set.add(fields.cls[nearestIndex(fields, x, y)] as number);
    }
  }
  return [...set].sort((a, b) => a - b);
}

function cellFeatures(ctx: RenderContext, cx: number, cy: number, k: number): CellFeatures {
  const key = `${cx},${cy},${k}`;
  let f = ctx.cache.get(key);
  if (!f) {
    if (ctx.cache.size > 20_000) ctx.cache.clear();
    f = generateCell(ctx.layout.seed, k, ctx.specs[k] as TissueClassSpec, cx, cy);
    ctx.cache.set(key, f);
  }
  return f;
}

function keep(ctx: RenderContext, k: number, x: number, y: number): boolean {
  const { fields } = ctx;
  return fields.cls[nearestIndex(fields, x, y)] === k && sampleField(fields, fields.tissue, x, y) > 0;
}

/** Draws the cytoplasm, lumens and nuclei of every cell that reaches the chunk, in that order. */
export function drawFeatures(ctx: RenderContext, buf: Buffers, x0: number, y0: number, w: number, h: number): void {
  const mpp = ctx.layout.mpp;
  const cx0 = Math.floor((x0 * mpp - FEATURE_MARGIN_UM) / CELL_UM);
  const cx1 = Math.floor(((x0 + w) * mpp + FEATURE_MARGIN_UM) / CELL_UM);
  const cy0 = Math.floor((y0 * mpp - FEATURE_MARGIN_UM) / CELL_UM);
  const cy1 = Math.floor(((y0 + h) * mpp + FEATURE_MARGIN_UM) / CELL_UM);
  const cyto: Blob[] = [];
  const lumens: Blob[] = [];
  const nuclei: Nucleus[] = [];
  for (let cy = cy0; cy <= cy1; cy++) {
    for (let cx = cx0; cx <= cx1; cx++) {
      for (const k of cellClasses(ctx, cx, cy)) {
        const f = cellFeatures(ctx, cx, cy, k);
        for (const b of f.blobs) if (keep(ctx, k, b.x, b.y)) (b.lumen ? lumens : cyto).push(b);
        for (const n of f.nuclei) if (keep(ctx, k, n.x, n.y)) nuclei.push(n);
      }
    }
  }
  for (const b of cyto) drawBlob(ctx, buf, b, x0, y0, w, h);
  for (const b of lumens) drawBlob(ctx, buf, b, x0, y0, w, h);
  for (const n of nuclei) drawNucleus(ctx, buf, n, x0, y0, w, h);
}

/** Cytoplasm (eosin with fibre texture) or lumen (flat) inside an ellipse. */
function drawBlob(ctx: RenderContext, buf: Buffers, b: Blob, x0: number, y0: number, w: number, h: number): void {
  const mpp = ctx.layout.mpp;
  const px = b.x / mpp - x0;
  const py = b.y / mpp - y0;
  const r = Math.max(b.a, b.b) / mpp + 1;
  const xa = Math.max(0, Math.floor(px - r));
  const xb = Math.min(w - 1, Math.ceil(px + r));
  const ya = Math.max(0, Math.floor(py - r));
  const yb = Math.min(h - 1, Math.ceil(py + r));
  if (xa > xb || ya > yb) return;
  const ia = mpp / b.a;
  const ib = mpp / b.b;
  const tex = ctx.fibre;
  const texScale = 2 * mpp;
  for (let y = ya; y <= yb; y++) {
    const dy = y + 0.5 - py;
    const ty = (Math.floor((y0 + y) * texScale) & T_MASK) * TEX;
    for (let x = xa; x <= xb; x++) {
      const dx = x + 0.5 - px;
      const u = (dx * b.cos + dy * b.sin) * ia;
      const v = (-dx * b.sin + dy * b.cos) * ib;
      if (u * u + v * v >= 1) continue;
      const p = y * w + x;
      buf.e[p] = b.lumen ? b.e : b.e * (0.8 + 0.2 * (tex[ty + (Math.floor((x0 + x) * texScale) & T_MASK)] as number));
    }
  }
}

/** A nucleus: haematoxylin with chromatin texture and a soft rim; eosin under it is reduced. */
function drawNucleus(ctx: RenderContext, buf: Buffers, n: Nucleus, x0: number, y0: number, w: number, h: number): void {
  const mpp = ctx.layout.mpp;
  const px = n.x / mpp - x0;
  const py = n.y / mpp - y0;
  const r = (n.a / mpp) * 1.15 + 1;
  const xa = Math.max(0, Math.floor(px - r));
  const xb = Math.min(w - 1, Math.ceil(px + r));
  const ya = Math.max(0, Math.floor(py - r));
  const yb = Math.min(h - 1, Math.ceil(py + r));
  if (xa > xb || ya > yb) return;
  const ia = mpp / n.a;
  const ib = mpp / n.b;
  const chrom = ctx.chromatin;
  for (let y = ya; y <= yb; y++) {
    const dy = y + 0.5 - py;
    const ty = ((y0 + y) & T_MASK) * TEX;
    for (let x = xa; x <= xb; x++) {
      const dx = x + 0.5 - px;
      const u = (dx * n.cos + dy * n.sin) * ia;
      const v = (-dx * n.sin + dy * n.cos) * ib;
      const q = u * u + v * v;
      if (q >= 1.3) continue;
      const p = y * w + x;
      const edge = q < 0.85 ? 1 : (1.3 - q) / 0.45;
      const val = n.h * edge * (chrom[ty + ((x0 + x) & T_MASK)] as number);
      if (val > (buf.h[p] as number)) buf.h[p] = val;
      if (q < 1) buf.e[p] = (buf.e[p] as number) * 0.55;
    }
  }
}
