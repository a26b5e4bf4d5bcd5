import type { Patch, SlideLayout } from "./layout";
import type { Rng } from "./random";

/** Spacing of the patches of a class mixture, µm. */
export const PATCH_UM = 700;

/** Mixture patches on a jittered grid; classes handed out by rank so shares match the fractions. */
export function planPatches(rng: Rng, w: number, h: number, mixture: Record<string, number>, classes: string[]): { patches: Patch[]; cols: number } {
  const names = Object.keys(mixture);
  if (names.length < 2) return { patches: [], cols: 0 };
  const cols = Math.ceil(w / PATCH_UM) + 1;
  const rows = Math.ceil(h / PATCH_UM) + 1;
  const seeds: (Patch & { u: number })[] = [];
  for (let j = 0; j < rows; j++) {
    for (let i = 0; i < cols; i++) {
      seeds.push({ x: (i + 0.5 + rng.range(-0.3, 0.3)) * PATCH_UM, y: (j + 0.5 + rng.range(-0.3, 0.3)) * PATCH_UM, u: rng.next(), classIndex: 0 });
    }
  }
  // Exact shares: rank the patches by a random key and hand out classes by cumulative fraction.
  const order = [...seeds].sort((a, b) => a.u - b.u);
  let start = 0;
  let cumulative = 0;
  for (const name of names) {
    cumulative += mixture[name] as number;
    const end = Math.round(cumulative * order.length);
    for (const s of order.slice(start, end)) s.classIndex = classes.indexOf(name);
    start = end;
  }
  return { patches: seeds.map(({ x, y, classIndex }) => ({ x, y, classIndex })), cols };
}

/** Class of the mixture patch nearest to (x, y), after a smooth warp so borders meander. */
export function patchClassAt(layout: SlideLayout, x: number, y: number): number {
  if (layout.patches.length === 0) return 0;
  // Warp the Voronoi patches so class borders meander instead of running straight.
  const ph = (layout.seed % 1000) / 159;
  const wx = x + 110 * Math.sin(y / 173 + ph) + 60 * Math.sin((x + y) / 97 + 2 * ph);
  const wy = y + 110 * Math.sin(x / 191 + 3 * ph) + 60 * Math.sin((x - y) / 89 + ph);
  [x, y] = [wx, wy];
  const gx = Math.floor(x / PATCH_UM);
  const gy = Math.floor(y / PATCH_UM);
  const cols = layout.patchCols;
  const rows = layout.patches.length / cols;
  let best = 0;
  let bestD = Infinity;
  for (let j = Math.max(0, gy - 1); j <= Math.min(rows - 1, gy + 1); j++) {
    for (let i = Math.max(0, gx - 1); i <= Math.min(cols - 1, gx + 1); i++) {
      const p = layout.patches[j * cols + i] as Patch;
      const d = (p.x - x) ** 2 + (p.y - y) ** 2;
      if (d < bestD) [best, bestD] = [p.classIndex, d];
    }
  }
  return best;
}
