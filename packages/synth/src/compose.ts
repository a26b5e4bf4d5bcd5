import { sampleField } from "./fields";
import type { Buffers, RenderContext } from "./render";
import { E_MAX, H_MAX } from "./stains";

/** Columns rendered per chunk (bounds the working buffers). */
export const CHUNK = 512;
/**
 * Haematoxylin concentration every tissue pixel carries besides its structures: the faint counterstain
 * and scatter of a real section, which keeps stroma below the brightness of empty glass (real H&E
 * stroma has V ≈ 215–228; without it synthetic stroma was as bright as V 237 and the original's
 * tissue rule, V < 230, missed it).
 */
const COUNTERSTAIN_H = 0.08;

/** Side of the blocks that are classified as all-glass or all-tissue at once. */
export const BLOCK = 16;

/** Background RGB repeated for a block row, reused across calls. */
function backgroundRow(ctx: RenderContext): Uint8Array {
  const [r, g, b] = ctx.layout.stain.background;
  const row = new Uint8Array(CHUNK * 3);
  for (let i = 0; i < CHUNK; i++) row.set([r, g, b], i * 3);
  return row;
}

/** Turns concentrations into RGB through the stain table; `bgBlock` flags all-glass blocks (undefined: all glass). */
export function compose(ctx: RenderContext, buf: Buffers, x0: number, y0: number, w: number, h: number, out: Uint8Array, outX: number, outW: number, bgBlock: Uint8Array | undefined): void {
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
      const hq = Math.min(255, (((buf.h[p] as number) + COUNTERSTAIN_H) * c * f * hs) | 0);
      const eq = Math.min(255, ((buf.e[p] as number) * c * f * es) | 0);
      const l = ((hq << 8) | eq) * 3;
      out[o] = lut[l] as number;
      out[o + 1] = lut[l + 1] as number;
      out[o + 2] = lut[l + 2] as number;
    }
  }
}
