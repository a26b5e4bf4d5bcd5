import type { SlideLayout } from "./layout";
import type { Rng } from "./random";
import { round2 } from "./shapes";
import { tissueAt } from "./tissue";
import type { PenColor, PenStroke } from "./types";

/** Count from a `boolean | number | list` option (`true` = `whenTrue`). */
export function countOf(value: boolean | number | unknown[] | undefined, whenTrue: number): number {
  if (value === true) return whenTrue;
  if (typeof value === "number") return Math.max(0, Math.floor(value));
  return 0;
}

/** A random point inside tissue at least `inset` µm from its boundary (falls back to the best found). */
export function pointInTissue(layout: SlideLayout, rng: Rng, inset: number): [number, number] {
  let best: [number, number] = [layout.widthUm / 2, layout.heightUm / 2];
  let bestF = -Infinity;
  for (let i = 0; i < 200; i++) {
    const x = rng.range(0, layout.widthUm);
    const y = rng.range(0, layout.heightUm);
    const f = tissueAt(layout, x, y);
    if (f >= inset) return [x, y];
    if (f > bestF) [best, bestF] = [[x, y], f];
  }
  return best;
}

const PEN_COLORS: PenColor[] = ["blue", "green", "black"];

/** Pen strokes: circles around a region or wavy lines, width scaled to the slide. */
export function planPen(layout: SlideLayout, rng: Rng, count: number): PenStroke[] {
  const strokes: PenStroke[] = [];
  for (let s = 0; s < count; s++) {
    const color = rng.pick(PEN_COLORS);
    const widthUm = round2(Math.min(800, Math.max(40, Math.min(layout.widthUm, layout.heightUm) * rng.range(0.012, 0.03))));
    const points: [number, number][] = [];
    const [cx, cy] = pointInTissue(layout, rng, 0);
    if (rng.next() < 0.5) {
      // A circle drawn around a region of interest.
      const r = Math.min(layout.widthUm, layout.heightUm) * rng.range(0.12, 0.25);
      const t0 = rng.range(0, 2 * Math.PI);
      const sweep = rng.range(1.2, 2) * Math.PI;
      for (let i = 0; i <= 48; i++) {
        const t = t0 + (sweep * i) / 48;
        const rr = r * (1 + 0.08 * Math.sin(3 * t + t0));
        points.push([round2(cx + rr * Math.cos(t)), round2(cy + rr * 0.8 * Math.sin(t))]);
      }
    } else {
      // A wavy line.
      let heading = rng.range(0, 2 * Math.PI);
      let [x, y] = [cx, cy];
      const length = Math.min(layout.widthUm, layout.heightUm) * rng.range(0.3, 0.6);
      const step = length / 40;
      for (let i = 0; i <= 40; i++) {
        points.push([round2(x), round2(y)]);
        heading += rng.range(-0.25, 0.25);
        x += step * Math.cos(heading);
        y += step * Math.sin(heading);
      }
    }
    strokes.push({ color, widthUm, pointsUm: points });
  }
  return strokes;
}
