import { Rng } from "@osfm/nn";
import type { SlideBag } from "@osfm/mil";

/** Synthetic bags with class structure (test helper). */
export interface SyntheticCohort {
  bags: SlideBag[];
  labels: number[];
}

/**
 * `slidesPerClass × classes` bags of `dim`-d tokens that differ by tissue COMPOSITION, as slides do:
 * every token is one of `types` prototypes (norm ≈ √dim·typeScale) plus N(0, noise²), and class c draws
 * its tokens' types with proportions that favour type c (`major` for it, the rest shared equally). Every
 * slide contains every type, so a max over tokens of the raw features says little about the class; the
 * proportions (what a model must encode to predict masked tokens from context) say it all.
 * Coordinates lie on a grid in mm at each scale, shifted per slide by up to `offsetMm` (tissue lies anywhere on the glass).
 */
export function syntheticCohort(options: { classes?: number; types?: number; slidesPerClass?: number; dim?: number; n05?: number; n20?: number; major?: number; noise?: number; typeScale?: number; offsetMm?: number; outliers?: number; outlierScale?: number; minTokens05?: number; seed?: number } = {}): SyntheticCohort {
  const { classes = 3, types = 4, slidesPerClass = 12, dim = 32, n05 = 32, n20 = 8, major = 0.45, noise = 0.5, typeScale = 1, offsetMm = 0, outliers = 0, outlierScale = 5, minTokens05, seed = 7 } = options;
  const rng = new Rng(seed);
  const protos = Array.from({ length: types }, () => Float32Array.from({ length: dim }, () => typeScale * rng.normal()));
  const bags: SlideBag[] = [];
  const labels: number[] = [];
  for (let s = 0; s < classes * slidesPerClass; s++) {
    const c = s % classes;
    const drawType = () => {
      if (rng.uniform() < major) return c % types;
      return Math.floor(rng.uniform() * types);
    };
    const ox = offsetMm * rng.uniform();
    const oy = offsetMm * rng.uniform();
    const make = (n: number, step: number) => {
      const f = new Float32Array(n * dim);
      const xy = new Float32Array(n * 2);
      for (let t = 0; t < n; t++) {
        const proto = protos[drawType()] as Float32Array;
        for (let d = 0; d < dim; d++) f[t * dim + d] = (proto[d] as number) + noise * rng.normal();
        xy[2 * t] = ox + (t % 6) * step;
        xy[2 * t + 1] = oy + Math.floor(t / 6) * step;
      }
      return [f, xy] as const;
    };
    const n = minTokens05 === undefined ? n05 : minTokens05 + Math.floor(rng.uniform() * (n05 - minTokens05 + 1));
    const [features05, coords05] = make(n, 0.128);
    // artefact tokens (pen, folds, blur): a few tokens per slide replaced by large random vectors
    for (let k = 0; k < outliers; k++) {
      const t = Math.floor(rng.uniform() * n);
      for (let d = 0; d < dim; d++) features05[t * dim + d] = outlierScale * rng.normal();
    }
    const [features20, coords20] = make(n20, 0.512);
    bags.push({ slideId: `slide_${String(s).padStart(3, "0")}`, features05, coords05, features20, coords20 });
    labels.push(c);
  }
  return { bags, labels };
}

/** A small aggregator/decoder configuration for fast tests (same code path). */
export const SMALL = {
  aggregator: { dim: 32, depth: 2, heads: 4, ffnDim: 64, posHidden: 16, dropout: 0.1 },
  decoder: { decDim: 16, depth: 1, heads: 2, ffnDim: 32, dropout: 0.1 },
} as const;

/**
 * Leave-one-out accuracy of a ridge classifier (one-vs-rest, standardised features, closed form via the
 * dual (K + λI)⁻¹ with a linear kernel): the linear probe of the acceptance test.
 */
export function ridgeLooAccuracy(x: readonly Float32Array[], y: readonly number[], lambda = 1): number {
  const n = x.length;
  const d = x[0]?.length ?? 0;
  const mean = new Float64Array(d);
  const sd = new Float64Array(d);
  for (const r of x) for (let j = 0; j < d; j++) mean[j] = (mean[j] as number) + (r[j] as number) / n;
  for (const r of x) for (let j = 0; j < d; j++) sd[j] = (sd[j] as number) + ((r[j] as number) - (mean[j] as number)) ** 2 / n;
  const z = x.map((r) => Float64Array.from(r, (v, j) => (v - (mean[j] as number)) / Math.sqrt((sd[j] as number) + 1e-12)));
  const classes = Math.max(...y) + 1;
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const train = [...Array(n).keys()].filter((k) => k !== i);
    const m = train.length;
    // K + λI, solve for every class column at once
    const a = train.map((p) => train.map((q, jj) => dot(z[p] as Float64Array, z[q] as Float64Array) + (p === train[jj] ? lambda : 0)));
    const b = train.map((p) => Array.from({ length: classes }, (_, c) => (y[p] === c ? 1 : -1)));
    const alpha = solve(a, b, m, classes);
    let best = -1;
    let bestScore = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < classes; c++) {
      let s = 0;
      train.forEach((p, k) => (s += (alpha[k]?.[c] as number) * dot(z[i] as Float64Array, z[p] as Float64Array)));
      if (s > bestScore) [best, bestScore] = [c, s];
    }
    if (best === y[i]) correct++;
  }
  return correct / n;
}

const dot = (a: Float64Array, b: Float64Array) => a.reduce((s, v, j) => s + v * (b[j] as number), 0);

function solve(a: number[][], b: number[][], n: number, k: number): number[][] {
  for (let col = 0; col < n; col++) {
    let piv = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r]![col]!) > Math.abs(a[piv]![col]!)) piv = r;
    [a[col], a[piv]] = [a[piv]!, a[col]!];
    [b[col], b[piv]] = [b[piv]!, b[col]!];
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = a[r]![col]! / a[col]![col]!;
      for (let c = col; c < n; c++) a[r]![c]! -= f * a[col]![c]!;
      for (let c = 0; c < k; c++) b[r]![c]! -= f * b[col]![c]!;
    }
  }
  return b.map((row, r) => row.map((v) => v / a[r]![r]!));
}

/**
 * Few-label linear probe: nearest class centroid (a linear classifier) on standardised embeddings, fitted
 * on `perClass` labelled slides per class and scored on the rest, averaged over `repeats` seeded draws.
 */
export function fewShotCentroidAccuracy(x: readonly Float32Array[], y: readonly number[], perClass = 3, repeats = 200, seed = 1): number {
  const n = x.length;
  const d = x[0]?.length ?? 0;
  const mean = new Float64Array(d);
  const sd = new Float64Array(d);
  for (const r of x) for (let j = 0; j < d; j++) mean[j] = (mean[j] as number) + (r[j] as number) / n;
  for (const r of x) for (let j = 0; j < d; j++) sd[j] = (sd[j] as number) + ((r[j] as number) - (mean[j] as number)) ** 2 / n;
  const z = x.map((r) => Float64Array.from(r, (v, j) => (v - (mean[j] as number)) / Math.sqrt((sd[j] as number) + 1e-12)));
  const classes = Math.max(...y) + 1;
  const rng = new Rng(seed);
  let total = 0;
  for (let rep = 0; rep < repeats; rep++) {
    const train = new Set<number>();
    const cents: Float64Array[] = [];
    for (let c = 0; c < classes; c++) {
      const members = [...Array(n).keys()].filter((i) => y[i] === c);
      const cent = new Float64Array(d);
      for (let k = 0; k < perClass; k++) {
        const pick = members.splice(Math.floor(rng.uniform() * members.length), 1)[0] as number;
        train.add(pick);
        for (let j = 0; j < d; j++) cent[j] = (cent[j] as number) + (z[pick]?.[j] as number) / perClass;
      }
      cents.push(cent);
    }
    let correct = 0;
    let m = 0;
    for (let i = 0; i < n; i++) {
      if (train.has(i)) continue;
      let best = 0;
      let bestD = Number.POSITIVE_INFINITY;
      cents.forEach((c, k) => {
        let s = 0;
        for (let j = 0; j < d; j++) s += ((z[i]?.[j] as number) - (c[j] as number)) ** 2;
        if (s < bestD) [best, bestD] = [k, s];
      });
      if (best === y[i]) correct++;
      m++;
    }
    total += correct / m;
  }
  return total / repeats;
}
