import type { Rng } from "@osfm/nn";
import { collateBags, type SlideBag } from "@osfm/mil";
import { addGaussian, sampleWithoutReplacement } from "./random";

/** Options of {@link makeViews}. */
export interface ViewOptions {
  /** Element dropout probability (no rescaling). */
  dropoutP: number;
  /** Additive Gaussian noise std. */
  noiseStd: number;
  /** Fraction of real tokens masked per slide (at least 1). */
  maskRatio: number;
  /** Zero the masked rows in the teacher's input as well (the original). */
  teacherSeesMask: boolean;
}

/**
 * Two augmented views of a batch of bags, stacked as one batch of 2B rows (rows 0..B−1 view 1,
 * B..2B−1 view 2; positions and padding shared), with the MFR mask (same indices in both views).
 */
export interface ViewBatch {
  /** Slides in the batch (B). */
  slides: number;
  tokens: number;
  dim: number;
  /** student: [2B, T, dim]: dropout + noise, masked rows zeroed */
  student: Float32Array;
  /** teacher: [2B, T, dim]: the same views, masked rows zeroed only with teacherSeesMask */
  teacher: Float32Array;
  /** pos: [2B, T, 3] */
  pos: Float32Array;
  /** pad: [2B, T] 1 = padding */
  pad: Uint8Array;
  /** masked: [2B, T, 1] float 1 = masked real token */
  masked: Float32Array;
  /** original: [B, T, dim] the un-augmented input features (MFR target) */
  original: Float32Array;
  /** Real tokens of the batch (both views). */
  realTokens: number;
  /** Masked tokens per view. */
  maskedPerView: number;
}

/** Builds the two views and the MFR mask of one micro-batch (SPEC §6.3–§6.4) from the seeded `rng`. */
export function makeViews(bags: readonly SlideBag[], dim: number, rng: Rng, options: ViewOptions): ViewBatch {
  const { dropoutP, noiseStd, maskRatio, teacherSeesMask } = options;
  const c = collateBags(bags, dim);
  const B = c.batch;
  const T = c.tokens;
  const rowLen = T * dim;
  const masked = new Float32Array(2 * B * T);
  let maskedPerView = 0;
  let real = 0;
  c.counts.forEach((cnt, b) => {
    const n = cnt.n05 + cnt.n20;
    real += n;
    const k = Math.max(1, Math.round(maskRatio * n));
    for (const t of sampleWithoutReplacement(n, k, rng)) {
      masked[b * T + t] = 1;
      masked[(B + b) * T + t] = 1;
    }
    maskedPerView += k;
  });
  const teacher = new Float32Array(2 * B * rowLen);
  for (let v = 0; v < 2; v++) {
    for (let b = 0; b < B; b++) {
      const n = (c.counts[b]?.n05 ?? 0) + (c.counts[b]?.n20 ?? 0);
      const src = c.x.subarray(b * rowLen, b * rowLen + n * dim);
      const dst = teacher.subarray((v * B + b) * rowLen, (v * B + b) * rowLen + n * dim);
      for (let i = 0; i < dst.length; i++) dst[i] = rng.uniform() < dropoutP ? 0 : (src[i] as number);
      addGaussian(dst, rng, noiseStd);
    }
  }
  const student = teacher.slice();
  const zeroMasked = (x: Float32Array) => {
    for (let r = 0; r < 2 * B * T; r++) if (masked[r] === 1) x.fill(0, r * dim, (r + 1) * dim);
  };
  zeroMasked(student);
  if (teacherSeesMask) zeroMasked(teacher);
  const pos = new Float32Array(2 * B * T * 3);
  pos.set(c.pos, 0);
  pos.set(c.pos, B * T * 3);
  const pad = new Uint8Array(2 * B * T);
  pad.set(c.pad, 0);
  pad.set(c.pad, B * T);
  return { slides: B, tokens: T, dim, student, teacher, pos, pad, masked, original: c.x, realTokens: 2 * real, maskedPerView };
}

/** Keeps at most `max05` / `max20` tokens per scale (seeded sample without replacement, original order kept). */
export function capBag(bag: SlideBag, dim: number, max05: number, max20: number, rng: Rng): SlideBag {
  const cap = (f: Float32Array, c: Float32Array, max: number): [Float32Array, Float32Array] => {
    const n = f.length / dim;
    if (n <= max) return [f, c];
    const keep = sampleWithoutReplacement(n, max, rng).sort((a, b) => a - b);
    const nf = new Float32Array(max * dim);
    const nc = new Float32Array(max * 2);
    keep.forEach((t, i) => {
      nf.set(f.subarray(t * dim, (t + 1) * dim), i * dim);
      nc[2 * i] = c[2 * t] as number;
      nc[2 * i + 1] = c[2 * t + 1] as number;
    });
    return [nf, nc];
  };
  const [features05, coords05] = cap(bag.features05, bag.coords05, max05);
  const [features20, coords20] = cap(bag.features20, bag.coords20, max20);
  return { ...bag, features05, coords05, features20, coords20 };
}
