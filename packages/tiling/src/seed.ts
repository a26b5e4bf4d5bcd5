import { createHash } from "node:crypto";

const MASK64 = (1n << 64n) - 1n;

/** The label of a scale in seeds and file names: two decimals (`0.50`, `2.00`). */
export function scaleLabel(scaleUmPerPx: number): string {
  return scaleUmPerPx.toFixed(2);
}

/**
 * The sampling seed of one slide and scale: (global seed + the first 8 bytes, big-endian, of
 * SHA-256(UTF-8 `"<slideId>@<scale with 2 decimals>"`)) mod 2^64. Identical on every run and machine.
 */
export function tileSeed(globalSeed: number, slideId: string, scaleUmPerPx: number): bigint {
  const digest = createHash("sha256").update(`${slideId}@${scaleLabel(scaleUmPerPx)}`, "utf8").digest();
  return (BigInt(globalSeed) + digest.readBigUInt64BE(0)) & MASK64;
}

/** SplitMix64: a tiny 64-bit PRNG that is easy to reproduce exactly in any language. */
export class SplitMix64 {
  private state: bigint;
  constructor(seed: bigint) {
    this.state = seed & MASK64;
  }
  /** The next 64-bit output. */
  next(): bigint {
    this.state = (this.state + 0x9e3779b97f4a7c15n) & MASK64;
    let z = this.state;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
    return z ^ (z >> 31n);
  }
  /** A uniform integer in [0, n): the top 53 bits times n, shifted right by 53 (exact integer arithmetic). */
  below(n: number): number {
    return Number(((this.next() >> 11n) * BigInt(n)) >> 53n);
  }
}

/**
 * Draws `k` of `n` indices uniformly without replacement (partial Fisher–Yates driven by SplitMix64) and
 * returns them sorted ascending. With `k ≥ n` all indices are returned.
 */
export function sampleIndices(n: number, k: number, seed: bigint): number[] {
  const idx = Array.from({ length: n }, (_, i) => i);
  if (k >= n) return idx;
  const rng = new SplitMix64(seed);
  for (let i = 0; i < k; i++) {
    const j = i + rng.below(n - i);
    const t = idx[i]!;
    idx[i] = idx[j]!;
    idx[j] = t;
  }
  return idx.slice(0, k).sort((a, b) => a - b);
}
