import { classAt, tissueAt, type SlideLayout } from "./layout";
import { segmentDistance } from "./shapes";
import type { PenColor } from "./types";

/**
 * Coarse rasters of everything spatial on the slide, sampled every `stepUm` µm at grid points
 * (i·step, j·step). Rendering interpolates them per pixel; masks sample them at mask pixel centres.
 */
export interface SlideFields {
  stepUm: number;
  cols: number;
  rows: number;
  /** Approximate signed distance to the tissue edge (µm), positive inside. */
  tissue: Float32Array;
  /** Class index per grid point. */
  cls: Uint8Array;
  /** Pen: half width minus distance to the nearest stroke (µm): positive on ink. */
  pen: Float32Array;
  penColor: Uint8Array;
  /** Blur sigma in µm (0 = in focus). */
  blurSigma: Float32Array;
  /** Fold weight 0–1. */
  fold: Float32Array;
}

export const PEN_INDEX: Record<PenColor, number> = { blue: 0, green: 1, black: 2 };
const NONE = -1e6;

/** Computes the fields of a layout; memory is about 14 bytes per grid point. */
export function computeFields(layout: SlideLayout): SlideFields {
  const stepUm = Math.max(8, Math.sqrt((layout.widthUm * layout.heightUm) / 3e6));
  const cols = Math.ceil(layout.widthUm / stepUm) + 2;
  const rows = Math.ceil(layout.heightUm / stepUm) + 2;
  const n = cols * rows;
  const f: SlideFields = {
    stepUm,
    cols,
    rows,
    tissue: new Float32Array(n),
    cls: new Uint8Array(n),
    pen: new Float32Array(n).fill(NONE),
    penColor: new Uint8Array(n),
    blurSigma: new Float32Array(n),
    fold: new Float32Array(n),
  };
  for (let j = 0; j < rows; j++) {
    for (let i = 0; i < cols; i++) {
      const x = i * stepUm;
      const y = j * stepUm;
      const k = j * cols + i;
      f.tissue[k] = tissueAt(layout, x, y);
      f.cls[k] = classAt(layout, x, y);
    }
  }
  const box = (x0: number, y0: number, x1: number, y1: number, fn: (k: number, x: number, y: number) => void) => {
    for (let j = Math.max(0, Math.floor(y0 / stepUm)); j <= Math.min(rows - 1, Math.ceil(y1 / stepUm)); j++) {
      for (let i = Math.max(0, Math.floor(x0 / stepUm)); i <= Math.min(cols - 1, Math.ceil(x1 / stepUm)); i++) fn(j * cols + i, i * stepUm, j * stepUm);
    }
  };
  for (const s of layout.pen) {
    const half = s.widthUm / 2;
    const reach = half + 2 * stepUm;
    for (let p = 0; p + 1 < s.pointsUm.length; p++) {
      const [ax, ay] = s.pointsUm[p] as [number, number];
      const [bx, by] = s.pointsUm[p + 1] as [number, number];
      box(Math.min(ax, bx) - reach, Math.min(ay, by) - reach, Math.max(ax, bx) + reach, Math.max(ay, by) + reach, (k, x, y) => {
        const v = half - segmentDistance(x, y, ax, ay, bx, by);
        if (v > (f.pen[k] as number)) {
          f.pen[k] = v;
          f.penColor[k] = PEN_INDEX[s.color];
        }
      });
    }
  }
  for (const b of layout.blur) {
    box(b.xUm - b.radiusUm, b.yUm - b.radiusUm, b.xUm + b.radiusUm, b.yUm + b.radiusUm, (k, x, y) => {
      const d = Math.hypot(x - b.xUm, y - b.yUm) / b.radiusUm;
      if (d < 1) f.blurSigma[k] = Math.max(f.blurSigma[k] as number, b.sigmaUm * (1 - d * d) ** 2);
    });
  }
  for (const fo of layout.folds) {
    const reach = fo.halfWidthUm + 20;
    box(Math.min(fo.x1Um, fo.x2Um) - reach, Math.min(fo.y1Um, fo.y2Um) - reach, Math.max(fo.x1Um, fo.x2Um) + reach, Math.max(fo.y1Um, fo.y2Um) + reach, (k, x, y) => {
      const d = segmentDistance(x, y, fo.x1Um, fo.y1Um, fo.x2Um, fo.y2Um);
      const w = Math.min(1, Math.max(0, (fo.halfWidthUm - d) / 15 + 0.5));
      f.fold[k] = Math.max(f.fold[k] as number, w);
    });
  }
  return f;
}

/** Bilinear sample of a field at (x, y) µm. */
export function sampleField(f: SlideFields, field: Float32Array, x: number, y: number): number {
  const gx = Math.min(Math.max(x / f.stepUm, 0), f.cols - 1.001);
  const gy = Math.min(Math.max(y / f.stepUm, 0), f.rows - 1.001);
  const i = Math.floor(gx);
  const j = Math.floor(gy);
  const tx = gx - i;
  const ty = gy - j;
  const k = j * f.cols + i;
  const a = field[k] as number;
  const b = field[k + 1] as number;
  const c = field[k + f.cols] as number;
  const d = field[k + f.cols + 1] as number;
  return (a * (1 - tx) + b * tx) * (1 - ty) + (c * (1 - tx) + d * tx) * ty;
}

/** Nearest-grid-point sample of an integer field. */
export function nearestIndex(f: SlideFields, x: number, y: number): number {
  const i = Math.min(Math.max(Math.round(x / f.stepUm), 0), f.cols - 1);
  const j = Math.min(Math.max(Math.round(y / f.stepUm), 0), f.rows - 1);
  return j * f.cols + i;
}
