import type { TissueClassSpec } from "./classes";
import { hash32, Rng } from "./random";

/** An elliptical nucleus, in µm: centre, half-axes, orientation and haematoxylin concentration. */
export interface Nucleus {
  x: number;
  y: number;
  a: number;
  b: number;
  cos: number;
  sin: number;
  h: number;
}

/** An elliptical patch of cytoplasm (eosin `e`) or lumen (`lumen`: no stain), in µm. */
export interface Blob {
  x: number;
  y: number;
  a: number;
  b: number;
  cos: number;
  sin: number;
  e: number;
  lumen: boolean;
}

export interface CellFeatures {
  nuclei: Nucleus[];
  blobs: Blob[];
}

/** Features are generated per square grid cell of this size (µm), from (seed, class, cell) alone. */
export const CELL_UM = 128;
/** No feature of a cell reaches further than this outside the cell (µm). */
export const FEATURE_MARGIN_UM = 64;

function nucleus(rng: Rng, spec: TissueClassSpec, x: number, y: number, angle?: number): Nucleus {
  const r = Math.max(1.5, spec.nucleusRadiusUm[0] + spec.nucleusRadiusUm[1] * rng.normal());
  const el = rng.range(spec.elongation[0], spec.elongation[1]);
  const t = angle ?? rng.range(0, Math.PI);
  const h = Math.min(2.3, Math.max(0.5, spec.nucleusStain[0] + spec.nucleusStain[1] * rng.normal()));
  return { x, y, a: r * Math.sqrt(el), b: r / Math.sqrt(el), cos: Math.cos(t), sin: Math.sin(t), h };
}

function blob(x: number, y: number, a: number, b: number, angle: number, e: number, lumen = false): Blob {
  return { x, y, a, b, cos: Math.cos(angle), sin: Math.sin(angle), e, lumen };
}

/** True when (x, y) lies inside the ellipse `b` scaled by `scale`. */
export function insideBlob(bl: Blob, x: number, y: number, scale = 1): boolean {
  const dx = x - bl.x;
  const dy = y - bl.y;
  const u = (dx * bl.cos + dy * bl.sin) / (bl.a * scale);
  const v = (-dx * bl.sin + dy * bl.cos) / (bl.b * scale);
  return u * u + v * v < 1;
}

/** A gland: epithelial ring (cytoplasm), lumen and a ring of basal nuclei oriented towards the lumen. */
function gland_(rng: Rng, spec: TissueClassSpec, gland: Blob, out: CellFeatures): void {
  const { x: cx, y: cy, a: r } = gland;
  const aspect = gland.b / gland.a;
  const angle = Math.atan2(gland.sin, gland.cos);
  out.blobs.push(gland, blob(cx, cy, r * spec.lumenFraction, r * aspect * spec.lumenFraction, angle, spec.lumenEosin, true));
  const ring = 0.5 * (1 + spec.lumenFraction) + 0.12;
  const perimeter = 2 * Math.PI * Math.sqrt((r * r + r * aspect * r * aspect) / 2) * ring;
  const n = Math.max(6, Math.round(perimeter / (1.9 * spec.nucleusRadiusUm[0])));
  for (let i = 0; i < n; i++) {
    const t = (2 * Math.PI * (i + rng.range(-0.2, 0.2))) / n;
    const lx = r * ring * Math.cos(t);
    const ly = r * aspect * ring * Math.sin(t);
    const x = cx + lx * gland.cos - ly * gland.sin;
    const y = cy + lx * gland.sin + ly * gland.cos;
    out.nuclei.push(nucleus(rng, spec, x, y, Math.atan2(y - cy, x - cx)));
  }
}

type Generator = (rng: Rng, spec: TissueClassSpec, x0: number, y0: number, out: CellFeatures) => void;

function scattered(rng: Rng, spec: TissueClassSpec, x0: number, y0: number, out: CellFeatures): void {
  const n = rng.poisson((spec.density * CELL_UM * CELL_UM) / 1e4);
  for (let i = 0; i < n; i++) out.nuclei.push(nucleus(rng, spec, x0 + rng.next() * CELL_UM, y0 + rng.next() * CELL_UM));
}

function structureCentre(rng: Rng, x0: number, y0: number, r: number): [number, number] {
  const room = Math.max(0, CELL_UM / 2 - r * 0.6);
  return [x0 + CELL_UM / 2 + rng.range(-room, room), y0 + CELL_UM / 2 + rng.range(-room, room)];
}

/** Fills an ellipse with nuclei at the class density, skipping lumens. */
function fill(rng: Rng, spec: TissueClassSpec, region: Blob, out: CellFeatures, lumens: Blob[] = []): void {
  const spacing = Math.sqrt(1e4 / spec.density);
  for (let v = -region.a; v <= region.a; v += spacing) {
    for (let u = -region.a; u <= region.a; u += spacing) {
      const x = region.x + u + rng.range(-0.35, 0.35) * spacing;
      const y = region.y + v + rng.range(-0.35, 0.35) * spacing;
      if (!insideBlob(region, x, y, 0.92) || lumens.some((l) => insideBlob(l, x, y, 1.15))) continue;
      out.nuclei.push(nucleus(rng, spec, x, y));
    }
  }
}

const generators = new Map<string, Generator>([
  ["scattered", scattered],
  ["clustered", (rng, spec, x0, y0, out) => {
    if (rng.next() >= spec.structureFraction) return;
    const r = rng.range(spec.structureRadiusUm[0], spec.structureRadiusUm[1]);
    const [cx, cy] = structureCentre(rng, x0, y0, r);
    const n = rng.poisson((spec.density * Math.PI * r * r) / 1e4);
    for (let i = 0; i < n; i++) {
      const rr = r * Math.sqrt(rng.next());
      const t = rng.range(0, 2 * Math.PI);
      out.nuclei.push(nucleus(rng, spec, cx + rr * Math.cos(t), cy + rr * Math.sin(t)));
    }
  }],
  ["glands", (rng, spec, x0, y0, out) => {
    const meanR = (spec.structureRadiusUm[0] + spec.structureRadiusUm[1]) / 2;
    const target = rng.poisson((spec.structureFraction * CELL_UM * CELL_UM) / (Math.PI * (1.3 * meanR) ** 2));
    const placed: Blob[] = [];
    for (let attempt = 0; attempt < target * 4 && placed.length < target; attempt++) {
      const r = rng.range(spec.structureRadiusUm[0], spec.structureRadiusUm[1]);
      const aspect = rng.range(spec.structureAspect[0], spec.structureAspect[1]);
      const cx = x0 + rng.range(0.2 * r, CELL_UM - 0.2 * r);
      const cy = y0 + rng.range(0.2 * r, CELL_UM - 0.2 * r);
      if (placed.some((g) => Math.hypot(g.x - cx, g.y - cy) < (g.a + r) * 0.95)) continue;
      const gland = blob(cx, cy, r, r * aspect, rng.range(0, Math.PI), spec.cytoplasmEosin);
      placed.push(gland);
      gland_(rng, spec, gland, out);
    }
  }],
  ["cribriform", (rng, spec, x0, y0, out) => {
    if (rng.next() >= spec.structureFraction) return;
    const r = rng.range(spec.structureRadiusUm[0], spec.structureRadiusUm[1]);
    const [cx, cy] = structureCentre(rng, x0, y0, r);
    const nest = blob(cx, cy, r, r * rng.range(0.75, 1), rng.range(0, Math.PI), spec.cytoplasmEosin);
    const lumens: Blob[] = [];
    const k = rng.int(3, 7);
    for (let i = 0; i < k; i++) {
      const rr = r * 0.6 * Math.sqrt(rng.next());
      const t = rng.range(0, 2 * Math.PI);
      const lr = r * rng.range(0.6, 1.4) * spec.lumenFraction;
      lumens.push(blob(cx + rr * Math.cos(t), cy + rr * Math.sin(t) * 0.8, lr, lr, 0, spec.lumenEosin, true));
    }
    out.blobs.push(nest, ...lumens);
    fill(rng, spec, nest, out, lumens);
  }],
  ["sheets", (rng, spec, x0, y0, out) => {
    const sheet = blob(x0 + CELL_UM / 2, y0 + CELL_UM / 2, CELL_UM * 0.74, CELL_UM * 0.74, 0, spec.cytoplasmEosin);
    out.blobs.push(sheet);
    const spacing = Math.sqrt(1e4 / spec.density);
    for (let y = y0 + spacing / 2; y < y0 + CELL_UM; y += spacing) {
      for (let x = x0 + spacing / 2; x < x0 + CELL_UM; x += spacing) {
        out.nuclei.push(nucleus(rng, spec, x + rng.range(-0.35, 0.35) * spacing, y + rng.range(-0.35, 0.35) * spacing));
      }
    }
  }],
  ["nests", (rng, spec, x0, y0, out) => {
    const r = rng.range(spec.structureRadiusUm[0], spec.structureRadiusUm[1]);
    const [cx, cy] = structureCentre(rng, x0, y0, r);
    const nest = blob(cx, cy, r, r * rng.range(spec.structureAspect[0], spec.structureAspect[1]), rng.range(0, Math.PI), spec.cytoplasmEosin);
    out.blobs.push(nest);
    fill(rng, spec, nest, out);
  }],
  ["cords", (rng, spec, x0, y0, out) => {
    const cords = rng.next() < spec.structureFraction ? rng.int(4, 7) : 0;
    for (let c = 0; c < cords; c++) {
      const len = rng.range(spec.structureRadiusUm[0], spec.structureRadiusUm[1]) * 2;
      const t = rng.range(0, Math.PI);
      const [cx, cy] = structureCentre(rng, x0, y0, len / 2);
      const width = spec.nucleusRadiusUm[0] * rng.range(1.6, 3.2);
      out.blobs.push(blob(cx, cy, len / 2 + spec.nucleusRadiusUm[0], width, t, spec.cytoplasmEosin));
      const step = 2.1 * spec.nucleusRadiusUm[0];
      for (let s = -len / 2; s <= len / 2; s += step) {
        const off = width > 2.4 * spec.nucleusRadiusUm[0] ? rng.range(-0.4, 0.4) * width : 0;
        out.nuclei.push(nucleus(rng, spec, cx + s * Math.cos(t) - off * Math.sin(t), cy + s * Math.sin(t) + off * Math.cos(t)));
      }
    }
  }],
]);

/** Spindle-shaped stromal nuclei between structures. */
function stroma(rng: Rng, spec: TissueClassSpec, x0: number, y0: number, out: CellFeatures): void {
  const n = rng.poisson((spec.stromaDensity * CELL_UM * CELL_UM) / 1e4);
  for (let i = 0; i < n; i++) {
    const x = x0 + rng.next() * CELL_UM;
    const y = y0 + rng.next() * CELL_UM;
    if (out.blobs.some((b) => insideBlob(b, x, y, 1.1))) continue;
    const r = rng.range(2.2, 3);
    const el = rng.range(5, 10);
    const t = rng.range(0, Math.PI);
    out.nuclei.push({ x, y, a: r * Math.sqrt(el), b: r / Math.sqrt(el), cos: Math.cos(t), sin: Math.sin(t), h: rng.range(0.9, 1.3) });
  }
}

/** The features of grid cell (`cx`, `cy`) for one class: a pure function of its arguments. */
export function generateCell(seed: number, classIndex: number, spec: TissueClassSpec, cx: number, cy: number): CellFeatures {
  const rng = new Rng(hash32(seed, classIndex, cx, cy));
  const out: CellFeatures = { nuclei: [], blobs: [] };
  const x0 = cx * CELL_UM;
  const y0 = cy * CELL_UM;
  const gen = generators.get(spec.arrangement);
  if (!gen) throw new RangeError(`unknown arrangement "${spec.arrangement}"`);
  gen(rng, spec, x0, y0, out);
  stroma(rng, spec, x0, y0, out);
  return out;
}
