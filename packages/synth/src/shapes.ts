import type { Rng } from "./random";

/** A star-shaped blob in µm: radius `r0 * (1 + Σ amp·cos(k·θ + phase))` around (x, y). */
export interface PolarBlob {
  x: number;
  y: number;
  r0: number;
  /** Stretch along x and y (1 = none): an ellipse-like blob `sx` times wider and `sy` times taller. */
  sx?: number;
  sy?: number;
  harmonics: { k: number; amp: number; phase: number }[];
}

/** A random irregular blob; `roughness` scales the harmonic amplitudes (0 = circle). */
export function randomBlob(rng: Rng, x: number, y: number, r0: number, roughness: number): PolarBlob {
  const harmonics = [2, 3, 4, 5, 7].map((k) => ({ k, amp: (roughness * rng.range(0.3, 1)) / (0.6 * k), phase: rng.range(0, 2 * Math.PI) }));
  return { x, y, r0, harmonics };
}

/** Largest radius the blob can reach. */
export function blobMaxRadius(b: PolarBlob): number {
  return b.r0 * Math.max(1, b.sx ?? 1, b.sy ?? 1) * (1 + b.harmonics.reduce((s, h) => s + Math.abs(h.amp), 0));
}

function radiusAt(b: PolarBlob, theta: number): number {
  let s = 1;
  for (const h of b.harmonics) s += h.amp * Math.cos(h.k * theta + h.phase);
  return b.r0 * s;
}

/** Approximate signed distance in µm: positive inside, negative outside. */
export function blobField(b: PolarBlob, x: number, y: number): number {
  const sx = b.sx ?? 1;
  const sy = b.sy ?? 1;
  const dx = (x - b.x) / sx;
  const dy = (y - b.y) / sy;
  return (radiusAt(b, Math.atan2(dy, dx)) - Math.sqrt(dx * dx + dy * dy)) * Math.min(sx, sy);
}

/** Outline as `n` vertices, in µm. */
export function blobPolygon(b: PolarBlob, n = 64): [number, number][] {
  return Array.from({ length: n }, (_, i) => {
    const t = (2 * Math.PI * i) / n;
    const r = radiusAt(b, t);
    return [round2(b.x + r * (b.sx ?? 1) * Math.cos(t)), round2(b.y + r * (b.sy ?? 1) * Math.sin(t))];
  });
}

/** Polygon area (shoelace), µm². */
export function polygonArea(p: [number, number][]): number {
  let s = 0;
  for (let i = 0; i < p.length; i++) {
    const [x1, y1] = p[i] as [number, number];
    const [x2, y2] = p[(i + 1) % p.length] as [number, number];
    s += x1 * y2 - x2 * y1;
  }
  return Math.abs(s) / 2;
}

/** Distance from (x, y) to the segment (ax, ay)–(bx, by). */
export function segmentDistance(x: number, y: number, ax: number, ay: number, bx: number, by: number): number {
  const vx = bx - ax;
  const vy = by - ay;
  const len2 = vx * vx + vy * vy;
  const t = len2 > 0 ? Math.min(1, Math.max(0, ((x - ax) * vx + (y - ay) * vy) / len2)) : 0;
  const px = ax + t * vx - x;
  const py = ay + t * vy - y;
  return Math.sqrt(px * px + py * py);
}

export const round2 = (v: number): number => Math.round(v * 100) / 100;
