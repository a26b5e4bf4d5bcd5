import { describe, expect, it } from "vitest";
import { expandRgb, rgbToRgba } from "./to-rgba";

/** The obvious byte loop, as the reference. */
function naive(src: Uint8Array, s: number, n: number): Uint8Array {
  const out = new Uint8Array(n * 4);
  for (let i = 0; i < n; i++) out.set([src[s + i * 3] as number, src[s + i * 3 + 1] as number, src[s + i * 3 + 2] as number, 255], i * 4);
  return out;
}

describe("rgbToRgba", () => {
  it("matches a byte loop for every source alignment, length and destination offset", () => {
    const backing = new Uint8Array(4 + 3 * 40).map((_, i) => (i * 37 + 11) & 255);
    for (let base = 0; base < 4; base++) {
      const src = backing.subarray(base); // byteOffset 0..3
      for (let s = 0; s < 6; s += 3) {
        for (let n = 0; n <= 21; n++) {
          const dst = new Uint8Array(8 + n * 4).fill(7);
          rgbToRgba(src, s, dst, 8, n);
          expect(dst.subarray(8), `base ${base} s ${s} n ${n}`).toEqual(naive(src, s, n));
          expect([...dst.subarray(0, 8)]).toEqual([7, 7, 7, 7, 7, 7, 7, 7]);
        }
      }
    }
    // an unaligned destination takes the byte loop
    const dst = new Uint8Array(1 + 5 * 4);
    rgbToRgba(backing, 0, dst.subarray(1), 0, 5);
    expect(dst.subarray(1)).toEqual(naive(backing, 0, 5));
    expect(expandRgb(backing.subarray(0, 30), 10)).toEqual(naive(backing, 0, 10));
  });
});
