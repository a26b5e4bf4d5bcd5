import { createHash } from "node:crypto";

/** A seeded PRNG (mulberry32) from a string key: the same key gives the same stream on every machine. */
export function seededRandom(key: string): () => number {
  let a = createHash("sha256").update(key).digest().readUInt32LE(0);
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The first `k` indices of a seeded permutation of 0…n−1 (a uniform subset without replacement). */
export function seededSubset(n: number, k: number, key: string): number[] {
  const idx = Array.from({ length: n }, (_, i) => i);
  const rnd = seededRandom(key);
  const m = Math.min(k, n);
  for (let i = 0; i < m; i++) {
    const j = i + Math.floor(rnd() * (n - i));
    [idx[i], idx[j]] = [idx[j]!, idx[i]!];
  }
  return idx.slice(0, m);
}

/** Mean of the rows `rows` of a [n, dim] matrix; zeros when `rows` is empty. */
export function meanRows(x: Float32Array, dim: number, rows: readonly number[]): number[] {
  const out = new Array<number>(dim).fill(0);
  for (const r of rows) for (let j = 0; j < dim; j++) out[j]! += x[r * dim + j]!;
  if (rows.length) for (let j = 0; j < dim; j++) out[j]! /= rows.length;
  return out;
}
