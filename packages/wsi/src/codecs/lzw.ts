/**
 * TIFF LZW decoder (MSB-first codes, 9–12 bits, "early change"), written for TIFF 6.0 section 13.
 * `expected` bounds the output so a corrupt stream cannot grow without limit.
 */
export function decodeLzw(input: Uint8Array, expected: number): Uint8Array {
  const out = new Uint8Array(expected);
  const prefix = new Int32Array(4096);
  const suffix = new Uint8Array(4096);
  const first = new Uint8Array(4096);
  const length = new Uint16Array(4096);
  for (let i = 0; i < 256; i++) {
    prefix[i] = -1;
    suffix[i] = i;
    first[i] = i;
    length[i] = 1;
  }
  let next = 258;
  let bits = 9;
  let pos = 0;
  let bitBuf = 0;
  let bitCount = 0;
  let inPos = 0;
  let old = -1;
  const stack = new Uint8Array(4096);
  while (pos < expected) {
    while (bitCount < bits) {
      if (inPos >= input.length) return out;
      bitBuf = ((bitBuf << 8) | (input[inPos++] as number)) >>> 0;
      bitCount += 8;
    }
    const code = (bitBuf >>> (bitCount - bits)) & ((1 << bits) - 1);
    bitCount -= bits;
    bitBuf &= (1 << bitCount) - 1;
    if (code === 257) break; // EOI
    if (code === 256) {
      next = 258;
      bits = 9;
      old = -1;
      continue;
    }
    let entry: number;
    if (old === -1) {
      if (code > 255) throw new Error(`LZW: first code ${code} after clear is not a literal`);
      out[pos++] = code;
      old = code;
      continue;
    }
    if (code < next) {
      entry = code;
      if (next < 4096) {
        prefix[next] = old;
        suffix[next] = first[code] as number;
        first[next] = first[old] as number;
        length[next] = (length[old] as number) + 1;
        next++;
      }
    } else if (code === next && next < 4096) {
      prefix[next] = old;
      suffix[next] = first[old] as number;
      first[next] = first[old] as number;
      length[next] = (length[old] as number) + 1;
      entry = next;
      next++;
    } else {
      throw new Error(`LZW: code ${code} is beyond the table (${next})`);
    }
    // emit entry
    let n = length[entry] as number;
    let c = entry;
    let sp = 0;
    while (c !== -1 && sp < n) {
      stack[sp++] = suffix[c] as number;
      c = prefix[c] as number;
    }
    while (sp > 0 && pos < expected) out[pos++] = stack[--sp] as number;
    n = 0;
    old = code;
    if (next + 1 >= 1 << bits && bits < 12) bits++;
  }
  return out;
}
