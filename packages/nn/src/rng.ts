/**
 * A small seeded PRNG (xoshiro128**) with uniform, normal and truncated-normal draws.
 * Its state is four uint32 words, so it can be saved and restored for exact resume.
 */
export class Rng {
  private s: Uint32Array;
  private spare: number | undefined;

  constructor(seed = 0) {
    // splitmix32 expands the seed into four non-zero state words
    this.s = new Uint32Array(4);
    let x = seed >>> 0;
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      this.s[i] = (z ^ (z >>> 16)) >>> 0;
    }
    if (this.s.every((v) => v === 0)) this.s[0] = 1;
  }

  /** Next uint32. */
  nextU32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1] as number, 5), 7), 9) >>> 0;
    const t = (s[1] as number) << 9;
    s[2] = (s[2] as number) ^ (s[0] as number);
    s[3] = (s[3] as number) ^ (s[1] as number);
    s[1] = (s[1] as number) ^ (s[2] as number);
    s[0] = (s[0] as number) ^ (s[3] as number);
    s[2] = (s[2] as number) ^ t;
    s[3] = rotl(s[3] as number, 11);
    return result;
  }

  /** Uniform in [0, 1) with 32 random bits. */
  uniform(): number {
    return this.nextU32() / 4294967296;
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    if (this.spare !== undefined) {
      const v = this.spare;
      this.spare = undefined;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Saved state (for resume). */
  getState(): number[] {
    return [...this.s];
  }

  /** Restores a state from {@link Rng.getState}. */
  setState(state: readonly number[]): void {
    if (state.length !== 4) throw new RangeError("Rng.setState: expected 4 words");
    this.s.set(state);
    this.spare = undefined;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** Fills `out` with U(lo, hi). */
export function fillUniform(out: Float32Array, rng: Rng, lo: number, hi: number): Float32Array {
  for (let i = 0; i < out.length; i++) out[i] = lo + (hi - lo) * rng.uniform();
  return out;
}

/** Fills `out` with N(mean, std²) truncated to [a, b] (PyTorch `trunc_normal_` semantics: absolute bounds). */
export function fillTruncNormal(out: Float32Array, rng: Rng, std: number, a = -2, b = 2, mean = 0): Float32Array {
  for (let i = 0; i < out.length; i++) {
    let v: number;
    do v = mean + std * rng.normal();
    while (v < a || v > b);
    out[i] = v;
  }
  return out;
}

/** Fills `out` with N(mean, std²). */
export function fillNormal(out: Float32Array, rng: Rng, std = 1, mean = 0): Float32Array {
  for (let i = 0; i < out.length; i++) out[i] = mean + std * rng.normal();
  return out;
}
