import { classSpec, type TissueClassSpec } from "./classes";
import type { CellFeatures } from "./features";
import { BLOCK, CHUNK, compose } from "./compose";
import { drawFeatures } from "./draw-features";
import { computeFields, nearestIndex, sampleField, type SlideFields } from "./fields";
import type { SlideLayout } from "./layout";
import { applyBlur, applyPen, blurHaloPx, intersectsBlur } from "./post";
import { buildStainLut } from "./stains";
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

/** Per-chunk working buffers: tissue coverage, eosin and haematoxylin concentrations per pixel. */
export interface Buffers {
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
