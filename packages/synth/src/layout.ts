import { classSpec } from "./classes";
import { hash32, Rng, seedFrom } from "./random";
import { countOf, planPen, pointInTissue } from "./nuisances";
import { patchClassAt, planPatches } from "./patches";
import { blobField, blobMaxRadius, randomBlob, round2, type PolarBlob } from "./shapes";
import { stainFor, type StainSpec } from "./stains";
import type { BlurRegion, Fold, LesionOptions, PenStroke, SynthesizeSlideOptions } from "./types";

export { tissueAt } from "./tissue";

/** A tissue piece with optional holes. */
export interface TissuePiece {
  outline: PolarBlob;
  holes: PolarBlob[];
}

/** Patch seed of a class mixture (Voronoi cell centre). */
export interface Patch {
  x: number;
  y: number;
  classIndex: number;
}

/** Everything needed to render any region of a slide, decided once from the options and seed. */
export interface SlideLayout {
  seed: number;
  seedInput: number | string;
  widthUm: number;
  heightUm: number;
  mpp: number;
  widthPx: number;
  heightPx: number;
  centerName: string;
  stain: StainSpec;
  /** Class names; fields store indices into this list. */
  classes: string[];
  mixture: Record<string, number>;
  /** Mixture patches on a jittered grid of `patchCols` columns (row-major); empty for one class. */
  patches: Patch[];
  patchCols: number;
  pieces: TissuePiece[];
  lesions: { blob: PolarBlob; classIndex: number }[];
  pen: PenStroke[];
  blur: BlurRegion[];
  folds: Fold[];
}

function planPieces(rng: Rng, w: number, h: number, requested: number | undefined): TissuePiece[] {
  const n = requested ?? rng.int(1, 3);
  const horizontal = w >= h;
  const along = horizontal ? w : h;
  const across = horizontal ? h : w;
  const pieces: TissuePiece[] = [];
  for (let i = 0; i < n; i++) {
    // Pieces share the long axis; each is stretched to fill its share (up to 1.6x).
    const share = along / n;
    const ratio = share / across;
    const sAlong = Math.min(1.6, Math.max(1, ratio));
    const sAcross = Math.min(1.6, Math.max(1, 1 / ratio));
    const r0 = Math.min(share / (2 * sAlong), across / (2 * sAcross)) * rng.range(0.7, 0.78);
    const a = (along * (i + 0.5)) / n + rng.range(-0.05, 0.05) * along / n;
    const b = across / 2 + rng.range(-0.08, 0.08) * across;
    const outline = randomBlob(rng, horizontal ? a : b, horizontal ? b : a, r0, 0.2);
    outline.sx = horizontal ? sAlong : sAcross;
    outline.sy = horizontal ? sAcross : sAlong;
    const holes: PolarBlob[] = [];
    const k = rng.int(0, 2);
    for (let j = 0; j < k; j++) {
      const t = rng.range(0, 2 * Math.PI);
      const d = rng.range(0.1, 0.45) * r0;
      holes.push(randomBlob(rng, outline.x + d * Math.cos(t), outline.y + d * Math.sin(t), r0 * rng.range(0.05, 0.12), 0.3));
    }
    pieces.push({ outline, holes });
  }
  return pieces;
}

function normaliseMixture(tissueClass: string | Record<string, number>): Record<string, number> {
  const raw = typeof tissueClass === "string" ? { [tissueClass]: 1 } : tissueClass;
  const total = Object.values(raw).reduce((a, b) => a + Math.max(0, b), 0);
  if (!(total > 0)) throw new RangeError("tissueClass mixture must have a positive fraction");
  const out: Record<string, number> = {};
  for (const [name, f] of Object.entries(raw)) {
    classSpec(name);
    if (f > 0) out[name] = f / total;
  }
  return out;
}

/** Decides the whole slide from the options: pure function of (options, seed). */
export function planLayout(options: SynthesizeSlideOptions): SlideLayout {
  const { widthUm = 4000, heightUm = 3000, mpp = 0.5, tissueClass = "adenocarcinoma", center = 0, seed: seedInput = 0 } = options;
  if (!(widthUm > 0 && heightUm > 0 && mpp > 0)) throw new RangeError(`widthUm, heightUm and mpp must be positive, got ${widthUm}, ${heightUm}, ${mpp}`);
  const seed = seedFrom(seedInput);
  const rng = new Rng(hash32(seed, 1));
  const mixture = normaliseMixture(tissueClass);
  const lesionOptions: LesionOptions[] = typeof options.lesions === "number"
    ? Array.from({ length: Math.max(0, Math.floor(options.lesions)) }, () => ({ radiusUm: rng.range(150, 600) }))
    : (options.lesions ?? []);
  const classes = [...new Set([...Object.keys(mixture), ...lesionOptions.map((l) => l.tissueClass ?? "carcinoma")])];
  classes.forEach((c) => classSpec(c));
  const { name: centerName, spec: stain } = stainFor(center);
  const layout: SlideLayout = {
    seed,
    seedInput,
    widthUm,
    heightUm,
    mpp,
    widthPx: Math.round(widthUm / mpp),
    heightPx: Math.round(heightUm / mpp),
    centerName,
    stain,
    classes,
    mixture,
    ...(() => {
      const { patches, cols } = planPatches(rng, widthUm, heightUm, mixture, classes);
      return { patches, patchCols: cols };
    })(),
    pieces: planPieces(rng, widthUm, heightUm, options.tissuePieces),
    lesions: [],
    pen: [],
    blur: [],
    folds: [],
  };
  for (const l of lesionOptions) {
    const [x, y] = l.xUm !== undefined && l.yUm !== undefined ? [l.xUm, l.yUm] : pointInTissue(layout, rng, l.radiusUm * 0.8);
    const blob = randomBlob(rng, x, y, l.radiusUm, 0.18);
    layout.lesions.push({ blob, classIndex: classes.indexOf(l.tissueClass ?? "carcinoma") });
  }
  layout.pen = Array.isArray(options.pen) ? options.pen : planPen(layout, rng, countOf(options.pen, 2));
  layout.blur = Array.isArray(options.blur)
    ? options.blur
    : Array.from({ length: countOf(options.blur, 1) }, () => {
        const [x, y] = pointInTissue(layout, rng, 100);
        return { xUm: round2(x), yUm: round2(y), radiusUm: round2(Math.min(widthUm, heightUm) * rng.range(0.08, 0.18)), sigmaUm: round2(rng.range(2, 4)) };
      });
  layout.folds = Array.isArray(options.folds)
    ? options.folds
    : Array.from({ length: countOf(options.folds, 1) }, () => {
        const [x, y] = pointInTissue(layout, rng, 200);
        const t = rng.range(0, Math.PI);
        const half = Math.min(widthUm, heightUm) * rng.range(0.1, 0.25);
        return { x1Um: round2(x - half * Math.cos(t)), y1Um: round2(y - half * Math.sin(t)), x2Um: round2(x + half * Math.cos(t)), y2Um: round2(y + half * Math.sin(t)), halfWidthUm: round2(rng.range(40, 120)) };
      });
  return layout;
}

/** Class index at a point, ignoring tissue: lesion class, else the nearest mixture patch, else class 0. */
export function classAt(layout: SlideLayout, x: number, y: number): number {
  for (let i = layout.lesions.length - 1; i >= 0; i--) {
    const l = layout.lesions[i] as { blob: PolarBlob; classIndex: number };
    const dx = x - l.blob.x;
    const dy = y - l.blob.y;
    const rmax = blobMaxRadius(l.blob);
    if (dx * dx + dy * dy < rmax * rmax && blobField(l.blob, x, y) > 0) return l.classIndex;
  }
  return patchClassAt(layout, x, y);
}
