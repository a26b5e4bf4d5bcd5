import { UMAP } from "umap-js";

/** Options of {@link umapLayout} (the original's Supp 1 settings by default). */
export interface UmapOptions {
  /** @default 30 (capped at n − 1) */
  nNeighbors?: number;
  /** @default 0.3 */
  minDist?: number;
  /** Seed of the layout's random number generator. @default 42 */
  seed?: number;
}

/** Mulberry32: a small seeded PRNG returning floats in [0, 1), so layouts are reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Cosine distance 1 − cos(a, b); 1 when either vector is all zeros. */
export function cosineDistance(a: number[], b: number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  if (na === 0 || nb === 0) return 1;
  return 1 - dot / Math.sqrt(na * nb);
}

/**
 * 2-D UMAP (umap-js, cosine distance, seeded) of `vectors` ([n, d]); deterministic for a given
 * input and seed. Needs n ≥ 3.
 */
export function umapLayout(vectors: number[][], options: UmapOptions = {}): Array<[number, number]> {
  const { nNeighbors = 30, minDist = 0.3, seed = 42 } = options;
  const umap = new UMAP({
    nComponents: 2,
    nNeighbors: Math.max(2, Math.min(nNeighbors, vectors.length - 1)),
    minDist,
    random: seededRandom(seed),
    distanceFn: cosineDistance,
  });
  return umap.fit(vectors).map((p) => [p[0] as number, p[1] as number]);
}
