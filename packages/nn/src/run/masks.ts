import { Rng } from "../rng.js";

/** Up to this drop probability masks are drawn as geometric gaps between drops (fewer draws). */
export const SPARSE_P = 0.25;

/**
 * The gap ⌊log u / log(1 − p)⌋ (`scale` = 1 / log(1 − p)) for a 16-bit draw `h`, u = (h + ½)·2⁻¹⁶: the
 * geometric number of kept elements before the next drop, with u (so p) resolved to 2⁻¹⁶ as on the
 * dense path (expected drop rate within 1.2e-5 of p, relative, for 0.0005 ≤ p ≤ 0.25).
 */
export function geometricGap(h: number, scale: number): number {
  return Math.floor(Math.log((h + 0.5) * 1.52587890625e-5) * scale);
}

/** The gap of every 16-bit draw ({@link geometricGap}): a lookup instead of a logarithm per drop. */
export function gapTable(scale: number): Int32Array {
  const table = new Int32Array(65536);
  for (let h = 0; h < table.length; h++) table[h] = geometricGap(h, scale);
  return table;
}

/** Gap tables by drop probability, shared by every stream with that p (256 KB each; sent once per worker message). */
const tablesByP = new Map<number, Int32Array>();

/** A keep-mask buffer: uint8 (keep = 1) or float16 bits (keep = 1.0, 0x3c00). */
export type MaskData = Uint8Array | Uint16Array;

/**
 * Overwrites `out` with the next keep-mask (1, or float16 1.0 in a Uint16Array, = keep) of the xoshiro128** stream whose state `st`
 * advances in place: for 0 < p ≤ 0.25 (with `gaps` = gapTable(1 / log(1 − p))) ones (written a chunk
 * ahead of the drops, so each chunk is still in cache for them) with zeros at positions whose gaps
 * are drawn from Geometric(p) as {@link geometricGap}, looked up, two per 32-bit draw (gaps are
 * memoryless, so each fill can start afresh); otherwise two elements per draw, 16 bits each.
 * Self-contained (no imports or outer variables): its source text also runs in the mask worker.
 */
export function fillKeepMask(out: MaskData, st: Uint32Array, p: number, gaps: Int32Array | null): void {
  const one = out.BYTES_PER_ELEMENT === 2 ? 0x3c00 : 1;
  let s0 = st[0] as number;
  let s1 = st[1] as number;
  let s2 = st[2] as number;
  let s3 = st[3] as number;
  const n = out.length;
  if (gaps) {
    // ones written a chunk ahead of the drops (8,192 elements: both passes over a chunk stay in L1/L2);
    // each 32-bit draw gives two gaps, its low 16 bits first (written out twice: an inner two-step loop
    // measured 30 % slower in V8)
    let filled = 0;
    let pos = -1;
    for (;;) {
      const a = Math.imul((Math.imul(s1, 5) << 7) | (Math.imul(s1, 5) >>> 25), 9);
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      pos += 1 + (gaps[a & 0xffff] as number);
      if (pos >= n) break;
      if (pos >= filled) {
        const end = Math.min(n, pos + 8192);
        out.fill(one, filled, end);
        filled = end;
      }
      out[pos] = 0;
      pos += 1 + (gaps[a >>> 16] as number);
      if (pos >= n) break;
      if (pos >= filled) {
        const end = Math.min(n, pos + 8192);
        out.fill(one, filled, end);
        filled = end;
      }
      out[pos] = 0;
    }
    if (filled < n) out.fill(one, filled, n);
  } else {
    const thr = Math.round(p * 65536);
    const littleEndian = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;
    const words = littleEndian && one === 1 && out.byteOffset % 4 === 0 ? n >>> 2 : 0;
    const w32 = words > 0 ? new Uint32Array(out.buffer, out.byteOffset, words) : new Uint32Array(0);
    // xoshiro128** inlined twice per store (a closure or a branchy loop is several times slower in V8)
    for (let k = 0; k < words; k++) {
      const a = Math.imul((Math.imul(s1, 5) << 7) | (Math.imul(s1, 5) >>> 25), 9);
      let t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      const b = Math.imul((Math.imul(s1, 5) << 7) | (Math.imul(s1, 5) >>> 25), 9);
      t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      // four keep bytes per store (little-endian: element 4k is the low byte)
      w32[k] = ((a & 0xffff) >= thr ? 1 : 0) | ((a >>> 16) >= thr ? 0x100 : 0) | ((b & 0xffff) >= thr ? 0x10000 : 0) | ((b >>> 16) >= thr ? 0x1000000 : 0);
    }
    // the rest byte by byte, two elements per draw as above (the same stream either way)
    for (let i = 4 * words; i < n; i += 2) {
      const a = Math.imul((Math.imul(s1, 5) << 7) | (Math.imul(s1, 5) >>> 25), 9);
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      out[i] = (a & 0xffff) >= thr ? one : 0;
      if (i + 1 < n) out[i + 1] = (a >>> 16) >= thr ? one : 0;
    }
  }
  st[0] = s0;
  st[1] = s1;
  st[2] = s2;
  st[3] = s3;
}

/**
 * The keep-mask stream of one dropout op fed as a graph input: element i is kept (1) with
 * probability 1 − p, independently, from a xoshiro128** stream seeded once per session, so a new
 * session of the same graph replays the same masks run for run. Each 32-bit draw gives two 16-bit
 * draws: for p ≤ 0.25 the gaps to the next two drops (so u, and the drop rate, resolve to 2⁻¹⁶: within
 * 1.2e-5 of p, relative), above two elements, p rounded to a multiple of 2⁻¹⁶ (0.3 → 0.300003).
 */
export class MaskStream {
  private readonly s: Uint32Array;
  /** The gap table of the sparse path (null on the dense path). */
  readonly gaps: Int32Array | null;
  constructor(seed: number, readonly p: number) {
    const rng = new Rng(seed);
    this.s = Uint32Array.from({ length: 4 }, () => rng.nextU32());
    if (this.s.every((v) => v === 0)) this.s[0] = 1;
    let gaps = tablesByP.get(p);
    if (gaps === undefined && p > 0 && p <= SPARSE_P) tablesByP.set(p, (gaps = gapTable(1 / Math.log1p(-p))));
    this.gaps = gaps ?? null;
  }

  /** Overwrites `out` with the next mask (1, or float16 1.0 in a Uint16Array, = keep). */
  fill(out: MaskData): void {
    fillKeepMask(out, this.s, this.p, this.gaps);
  }

  /** A copy of the generator state (to draw the next mask elsewhere, see {@link MaskStream.restore}). */
  snapshot(): Uint32Array {
    return Uint32Array.from(this.s);
  }

  /** Continues from a state returned by a fill that started at {@link MaskStream.snapshot}. */
  restore(state: Uint32Array): void {
    this.s.set(state);
  }
}
