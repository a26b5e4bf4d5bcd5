import { createHash } from "node:crypto";
import { Rng } from "@osfm/nn";

/** A 32-bit seed derived from a global seed and any labels (phase, epoch, slide id): same on every machine. */
export function deriveSeed(seed: number, ...labels: readonly (string | number)[]): number {
  const h = createHash("sha256").update(`${seed}|${labels.join("|")}`).digest();
  return h.readUInt32LE(0);
}

/** An Rng seeded by {@link deriveSeed}. */
export function derivedRng(seed: number, ...labels: readonly (string | number)[]): Rng {
  return new Rng(deriveSeed(seed, ...labels));
}

/**
 * Adds N(0, std²) to every element, drawing normals in Box–Muller pairs and using both, so no spare
 * value is carried between calls (the Rng state alone then determines what comes next: exact resume).
 */
export function addGaussian(out: Float32Array, rng: Rng, std: number): void {
  const n = out.length;
  for (let i = 0; i < n; i += 2) {
    let u = 0;
    while (u === 0) u = rng.uniform();
    const v = rng.uniform();
    const r = std * Math.sqrt(-2 * Math.log(u));
    out[i] = (out[i] as number) + r * Math.cos(2 * Math.PI * v);
    if (i + 1 < n) out[i + 1] = (out[i + 1] as number) + r * Math.sin(2 * Math.PI * v);
  }
}

/** `k` distinct indices from [0, n), uniformly (partial Fisher–Yates), in draw order. */
export function sampleWithoutReplacement(n: number, k: number, rng: Rng): number[] {
  const idx = Array.from({ length: n }, (_, i) => i);
  const m = Math.min(k, n);
  for (let i = 0; i < m; i++) {
    const j = i + Math.floor(rng.uniform() * (n - i));
    const t = idx[i] as number;
    idx[i] = idx[j] as number;
    idx[j] = t;
  }
  return idx.slice(0, m);
}

/** A seeded permutation of [0, n). */
export function permutation(n: number, rng: Rng): number[] {
  return sampleWithoutReplacement(n, n, rng);
}
