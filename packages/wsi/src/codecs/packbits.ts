/** PackBits (Apple/TIFF run-length) decoder; output is bounded by `expected` bytes. */
export function decodePackBits(input: Uint8Array, expected: number): Uint8Array {
  const out = new Uint8Array(expected);
  let i = 0;
  let o = 0;
  while (i < input.length && o < expected) {
    const n = ((input[i++] as number) << 24) >> 24;
    if (n >= 0) {
      const count = Math.min(n + 1, expected - o, input.length - i);
      out.set(input.subarray(i, i + count), o);
      i += n + 1;
      o += count;
    } else if (n !== -128) {
      const count = Math.min(1 - n, expected - o);
      out.fill(input[i++] ?? 0, o, o + count);
      o += count;
    }
  }
  return out;
}
