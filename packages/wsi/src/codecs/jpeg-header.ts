/** What a JPEG stream header (everything before the entropy-coded data) says about the image. */
export interface JpegHeader {
  width: number;
  height: number;
  /** Byte offset of the SOF segment's height field (to patch dimensions). */
  sofDimsAt: number;
  /** MCU size in pixels. */
  mcuWidth: number;
  mcuHeight: number;
  /** Sampling factors [h, v] of each component, in SOF order. */
  sampling: [number, number][];
  /** DRI restart interval in MCUs (0 = none). */
  restartInterval: number;
  /** Offset just after the SOS segment: where entropy-coded data starts. */
  dataStart: number;
}

/** Parses markers from SOI to the end of SOS; undefined when `bytes` does not hold a complete header. */
export function parseJpegHeader(bytes: Uint8Array): JpegHeader | undefined {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) return undefined;
  let p = 2;
  let sof: Omit<JpegHeader, "restartInterval" | "dataStart"> | undefined;
  let restartInterval = 0;
  while (p + 4 <= bytes.length) {
    if (bytes[p] !== 0xff) return undefined;
    const marker = bytes[p + 1] as number;
    if (marker === 0xff) { p++; continue; }
    const len = ((bytes[p + 2] as number) << 8) | (bytes[p + 3] as number);
    if (len < 2 || p + 2 + len > bytes.length) return undefined;
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      const height = ((bytes[p + 5] as number) << 8) | (bytes[p + 6] as number);
      const width = ((bytes[p + 7] as number) << 8) | (bytes[p + 8] as number);
      const n = bytes[p + 9] as number;
      let hMax = 1;
      let vMax = 1;
      const sampling: [number, number][] = [];
      for (let c = 0; c < n; c++) {
        const s = bytes[p + 11 + c * 3] as number;
        sampling.push([s >> 4, s & 15]);
        hMax = Math.max(hMax, s >> 4);
        vMax = Math.max(vMax, s & 15);
      }
      // a single-component scan has 8×8 MCUs whatever its sampling factors
      sof = n === 1 ? { width, height, sofDimsAt: p + 5, mcuWidth: 8, mcuHeight: 8, sampling } : { width, height, sofDimsAt: p + 5, mcuWidth: 8 * hMax, mcuHeight: 8 * vMax, sampling };
    } else if (marker === 0xdd && len >= 4) {
      restartInterval = ((bytes[p + 4] as number) << 8) | (bytes[p + 5] as number);
    } else if (marker === 0xda) {
      if (sof === undefined) return undefined;
      return { ...sof, restartInterval, dataStart: p + 2 + len };
    }
    p += 2 + len;
  }
  return undefined;
}

/** A copy of `header` (SOI … SOS) whose SOF dimensions are replaced by `width × height`. */
export function withDimensions(header: Uint8Array, h: JpegHeader, width: number, height: number): Uint8Array {
  const out = header.slice(0, h.dataStart);
  out[h.sofDimsAt] = height >> 8;
  out[h.sofDimsAt + 1] = height & 0xff;
  out[h.sofDimsAt + 2] = width >> 8;
  out[h.sofDimsAt + 3] = width & 0xff;
  return out;
}
