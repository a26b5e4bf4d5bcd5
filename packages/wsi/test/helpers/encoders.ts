import { deflateSync } from "node:zlib";

/** TIFF LZW encoder (MSB-first, 9–12-bit codes, early change), for building test files. */
export function encodeLzw(data: Uint8Array): Uint8Array {
  const out: number[] = [];
  let bitBuf = 0;
  let bitCount = 0;
  let bits = 9;
  const emit = (code: number): void => {
    bitBuf = (bitBuf << bits) | code;
    bitCount += bits;
    while (bitCount >= 8) {
      out.push((bitBuf >>> (bitCount - 8)) & 0xff);
      bitCount -= 8;
    }
    bitBuf &= (1 << bitCount) - 1;
  };
  let dict = new Map<number, number>();
  let next = 258;
  emit(256);
  let prefix = -1;
  for (const byte of data) {
    if (prefix < 0) { prefix = byte; continue; }
    const key = prefix * 256 + byte;
    const hit = dict.get(key);
    if (hit !== undefined) { prefix = hit; continue; }
    emit(prefix);
    dict.set(key, next++);
    if (next + 1 > 1 << bits && bits < 12) bits++;
    if (next >= 4093) {
      emit(256);
      dict = new Map();
      next = 258;
      bits = 9;
    }
    prefix = byte;
  }
  if (prefix >= 0) {
    emit(prefix);
    next++;
    if (next + 1 > 1 << bits && bits < 12) bits++;
  }
  emit(257);
  if (bitCount > 0) out.push((bitBuf << (8 - bitCount)) & 0xff);
  return Uint8Array.from(out);
}

/** PackBits encoder (literal and replicate runs up to 128). */
export function encodePackBits(data: Uint8Array): Uint8Array {
  const out: number[] = [];
  let i = 0;
  while (i < data.length) {
    let run = 1;
    while (i + run < data.length && run < 128 && data[i + run] === data[i]) run++;
    if (run >= 3) {
      out.push((1 - run) & 0xff, data[i] as number);
      i += run;
      continue;
    }
    const start = i;
    let len = 0;
    while (i < data.length && len < 128) {
      if (i + 2 < data.length && data[i] === data[i + 1] && data[i] === data[i + 2]) break;
      i++;
      len++;
    }
    out.push(len - 1, ...data.subarray(start, start + len));
  }
  return Uint8Array.from(out);
}

/** A Zstandard frame made of raw (stored) blocks: valid zstd that any decoder must accept. */
export function encodeZstdRaw(data: Uint8Array): Uint8Array {
  const parts: number[] = [0x28, 0xb5, 0x2f, 0xfd];
  // Frame header: FCS field 4 bytes (flag 2), single segment → no window descriptor.
  parts.push(0b1010_0000);
  parts.push(data.length & 0xff, (data.length >> 8) & 0xff, (data.length >> 16) & 0xff, (data.length >>> 24) & 0xff);
  const max = 1 << 17;
  let off = 0;
  do {
    const n = Math.min(max - 1, data.length - off);
    const last = off + n >= data.length ? 1 : 0;
    const header = (n << 3) | (0 << 1) | last; // block type 0 = raw
    parts.push(header & 0xff, (header >> 8) & 0xff, (header >> 16) & 0xff);
    for (let k = 0; k < n; k++) parts.push(data[off + k] as number);
    off += n;
  } while (off < data.length);
  return Uint8Array.from(parts);
}

/** zlib (Deflate) stream. */
export function encodeDeflate(data: Uint8Array): Uint8Array {
  return new Uint8Array(deflateSync(data));
}

/** Applies TIFF horizontal differencing (Predictor = 2) to 8-bit interleaved samples (a copy). */
export function applyPredictor(data: Uint8Array, width: number, height: number, channels: number): Uint8Array {
  const out = data.slice();
  const row = width * channels;
  for (let y = 0; y < height; y++) {
    for (let i = y * row + row - 1; i >= y * row + channels; i--) out[i] = ((data[i] as number) - (data[i - channels] as number)) & 0xff;
  }
  return out;
}
