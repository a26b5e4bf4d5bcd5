import { classSpec, type TissueClassSpec } from "./classes";
import { CELL_UM, FEATURE_MARGIN_UM, generateCell, type Blob, type CellFeatures, type Nucleus } from "./features";
import { computeFields, nearestIndex, sampleField, type SlideFields } from "./fields";
import type { SlideLayout } from "./layout";
import { applyBlur, applyPen, blurHaloPx, intersectsBlur } from "./post";
import { buildStainLut, E_MAX, H_MAX } from "./stains";
import { chromatinTexture, fibreTexture, TEX } from "./textures";

/** Per-slide state shared by all region renders: fields, colour table, textures, a small feature cache. */
export interface RenderContext {
  layout: SlideLayout;
  fields: SlideFields;
  lut: Uint8Array;
  specs: TissueClassSpec[];
  fibre: Float32Array;
  chromatin: Float32Array;
  cache: Map<string, CellFeatures>;
}

export function createRenderContext(layout: SlideLayout): RenderContext {
  return {
    layout,
    fields: computeFields(layout),
    lut: buildStainLut(layout.stain),
    specs: layout.classes.map(classSpec),
    fibre: fibreTexture(layout.seed),
    chromatin: chromatinTexture(layout.seed),
    cache: new Map(),
  };
}

const CHUNK = 512;
const BLOCK = 16;
const T_MASK = TEX - 1;

/**
 * Renders level-0 pixels (`x0`, `y0`, `w`, `h`) as RGB. The result depends only on the slide and the
 * pixel positions, never on how the slide is cut into regions, so any region can be rendered alone.
 */
export function renderRegion(ctx: RenderContext, x0: number, y0: number, w: number, h: number): Uint8Array {
  const { layout } = ctx;
  if (intersectsBlur(ctx, x0, y0, w, h)) {
    const halo = blurHaloPx(ctx);
    const ex0 = Math.max(0, x0 - halo);
    const ey0 = Math.max(0, y0 - halo);
    const ex1 = Math.min(layout.widthPx, x0 + w + halo);
    const ey1 = Math.min(layout.heightPx, y0 + h + halo);
    const big = renderRaw(ctx, ex0, ey0, ex1 - ex0, ey1 - ey0);
    const out = applyBlur(ctx, big, ex0, ey0, ex1 - ex0, ey1 - ey0, x0, y0, w, h);
    applyPen(ctx, out, x0, y0, w, h);
    return out;
  }
  const out = renderRaw(ctx, x0, y0, w, h);
  applyPen(ctx, out, x0, y0, w, h);
  return out;
}

function renderRaw(ctx: RenderContext, x0: number, y0: number, w: number, h: number): Uint8Array {
  const out = new Uint8Array(w * h * 3);
  const cw = Math.min(CHUNK, w);
  const buf = { cov: new Float32Array(cw * h), e: new Float32Array(cw * h), h: new Float32Array(cw * h) };
  for (let cx = 0; cx < w; cx += CHUNK) {
    const chunkW = Math.min(CHUNK, w - cx);
    renderChunk(ctx, buf, x0 + cx, y0, chunkW, h, out, cx, w);
  }
  return out;
}

interface Buffers {
  cov: Float32Array;
  e: Float32Array;
  h: Float32Array;
}

function renderChunk(ctx: RenderContext, buf: Buffers, x0: number, y0: number, w: number, h: number, out: Uint8Array, outX: number, outW: number): void {
  const { fields, layout, fibre, specs } = ctx;
  const mpp = layout.mpp;
  const { cov, e: eb, h: hb } = buf;
  const stromaE = specs.map((s) => s.stromaEosin);
  const texScale = 2 * mpp; // texture units (half µm) per pixel
  let anyTissue = false;
  const blocksX = Math.ceil(w / BLOCK);
  const bgBlock = new Uint8Array(blocksX * Math.ceil(h / BLOCK));
  for (let by = 0; by < h; by += BLOCK) {
    for (let bx = 0; bx < w; bx += BLOCK) {
      const bw = Math.min(BLOCK, w - bx);
      const bh = Math.min(BLOCK, h - by);
      const ux0 = (x0 + bx) * mpp;
      const uy0 = (y0 + by) * mpp;
      const ux1 = (x0 + bx + bw) * mpp;
      const uy1 = (y0 + by + bh) * mpp;
      const t00 = sampleField(fields, fields.tissue, ux0, uy0);
      const t10 = sampleField(fields, fields.tissue, ux1, uy0);
      const t01 = sampleField(fields, fields.tissue, ux0, uy1);
      const t11 = sampleField(fields, fields.tissue, ux1, uy1);
      const tmin = Math.min(t00, t10, t01, t11);
      const tmax = Math.max(t00, t10, t01, t11);
      if (tmax < -2) {
        for (let y = by; y < by + bh; y++) cov.fill(0, y * w + bx, y * w + bx + bw);
        bgBlock[(by / BLOCK) * blocksX + bx / BLOCK] = 1;
        continue;
      }
      anyTissue = true;
      const c00 = fields.cls[nearestIndex(fields, ux0, uy0)] as number;
      const sameClass = c00 === fields.cls[nearestIndex(fields, ux1, uy0)] && c00 === fields.cls[nearestIndex(fields, ux0, uy1)] && c00 === fields.cls[nearestIndex(fields, ux1, uy1)];
      for (let y = by; y < by + bh; y++) {
        const uy = (y0 + y + 0.5) * mpp;
        const ty = (Math.floor((y0 + y) * texScale) & T_MASK) * TEX;
        for (let x = bx; x < bx + bw; x++) {
          const ux = (x0 + x + 0.5) * mpp;
          const p = y * w + x;
          const c = tmin > 2 ? 1 : Math.min(1, Math.max(0, sampleField(fields, fields.tissue, ux, uy) / 1.5 + 0.5));
          cov[p] = c;
          const k = sameClass ? c00 : (fields.cls[nearestIndex(fields, ux, uy)] as number);
          eb[p] = (stromaE[k] as number) * (fibre[ty + (Math.floor((x0 + x) * texScale) & T_MASK)] as number);
          hb[p] = 0;
        }
      }
    }
  }
  if (anyTissue) drawFeatures(ctx, buf, x0, y0, w, h);
  compose(ctx, buf, x0, y0, w, h, out, outX, outW, anyTissue ? bgBlock : undefined);
}

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

function drawFeatures(ctx: RenderContext, buf: Buffers, x0: number, y0: number, w: number, h: number): void {
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

/** Background RGB repeated for a block row, reused across calls. */
function backgroundRow(ctx: RenderContext): Uint8Array {
  const [r, g, b] = ctx.layout.stain.background;
  const row = new Uint8Array(CHUNK * 3);
  for (let i = 0; i < CHUNK; i++) row.set([r, g, b], i * 3);
  return row;
}

/** Turns concentrations into RGB through the stain table; `bgBlock` flags all-glass blocks (undefined: all glass). */
function compose(ctx: RenderContext, buf: Buffers, x0: number, y0: number, w: number, h: number, out: Uint8Array, outX: number, outW: number, bgBlock: Uint8Array | undefined): void {
  const bgRow = backgroundRow(ctx);
  if (!bgBlock) {
    for (let y = 0; y < h; y++) out.set(bgRow.subarray(0, w * 3), (y * outW + outX) * 3);
    return;
  }
  const blocksX = Math.ceil(w / BLOCK);
  const { lut, layout, fields } = ctx;
  const [br, bg, bb] = layout.stain.background;
  const hs = 255 / H_MAX;
  const es = 255 / E_MAX;
  const mpp = layout.mpp;
  // Pixel box of all folds (fold weights are sampled only inside it).
  let fx0 = Infinity;
  let fx1 = -Infinity;
  let fy0 = Infinity;
  let fy1 = -Infinity;
  for (const f of layout.folds) {
    const r = f.halfWidthUm + 20;
    fx0 = Math.min(fx0, (Math.min(f.x1Um, f.x2Um) - r) / mpp);
    fx1 = Math.max(fx1, (Math.max(f.x1Um, f.x2Um) + r) / mpp);
    fy0 = Math.min(fy0, (Math.min(f.y1Um, f.y2Um) - r) / mpp);
    fy1 = Math.max(fy1, (Math.max(f.y1Um, f.y2Um) + r) / mpp);
  }
  for (let y = 0; y < h; y++) {
    let o = (y * outW + outX) * 3;
    const uy = (y0 + y + 0.5) * mpp;
    const foldRow = y0 + y >= fy0 && y0 + y <= fy1;
    const blockRow = Math.floor(y / BLOCK) * blocksX;
    for (let x = 0; x < w; x++, o += 3) {
      if ((x & (BLOCK - 1)) === 0 && bgBlock[blockRow + x / BLOCK]) {
        const n = Math.min(BLOCK, w - x);
        out.set(bgRow.subarray(0, n * 3), o);
        x += n - 1;
        o += (n - 1) * 3;
        continue;
      }
      const p = y * w + x;
      const c = buf.cov[p] as number;
      if (c <= 0) {
        out[o] = br;
        out[o + 1] = bg;
        out[o + 2] = bb;
        continue;
      }
      const f = foldRow && x0 + x >= fx0 && x0 + x <= fx1 ? 1 + 0.8 * sampleField(fields, fields.fold, (x0 + x + 0.5) * mpp, uy) : 1;
      const hq = Math.min(255, ((buf.h[p] as number) * c * f * hs) | 0);
      const eq = Math.min(255, ((buf.e[p] as number) * c * f * es) | 0);
      const l = ((hq << 8) | eq) * 3;
      out[o] = lut[l] as number;
      out[o + 1] = lut[l + 1] as number;
      out[o + 2] = lut[l + 2] as number;
    }
  }
}
