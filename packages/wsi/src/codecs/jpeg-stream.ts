import { concatBytes } from "../io/bytes";

/**
 * Builds a self-contained JPEG stream from an abbreviated TIFF tile: the JPEGTables segments go right after SOI.
 * When `rgb` is true (TIFF photometric RGB) any JFIF/Adobe marker is dropped and an Adobe APP14 marker with
 * transform 0 is inserted, so libjpeg leaves the components untouched instead of converting YCbCr → RGB.
 */
export function completeJpeg(tile: Uint8Array, tables: Uint8Array | undefined, rgb: boolean): Uint8Array {
  if (tile.length < 4 || tile[0] !== 0xff || tile[1] !== 0xd8) throw new Error("JPEG tile does not start with SOI");
  const parts: Uint8Array[] = [tile.subarray(0, 2)];
  if (rgb) parts.push(ADOBE_RGB);
  if (tables !== undefined && tables.length > 4) {
    const end = tables[tables.length - 2] === 0xff && tables[tables.length - 1] === 0xd9 ? tables.length - 2 : tables.length;
    parts.push(tables.subarray(tables[0] === 0xff && tables[1] === 0xd8 ? 2 : 0, end));
  }
  if (!rgb) {
    parts.push(tile.subarray(2));
  } else {
    // Copy segments up to SOS, skipping APP0 (JFIF) and APP14 (Adobe) which would override the colour space.
    let p = 2;
    while (p + 4 <= tile.length && tile[p] === 0xff) {
      const marker = tile[p + 1] as number;
      if (marker === 0xda) break; // SOS: the rest is entropy-coded data
      if (marker === 0xff) { p++; continue; }
      const len = ((tile[p + 2] as number) << 8) | (tile[p + 3] as number);
      if (marker !== 0xe0 && marker !== 0xee) parts.push(tile.subarray(p, p + 2 + len));
      p += 2 + len;
    }
    parts.push(tile.subarray(p));
  }
  return concatBytes(parts);
}

const ADOBE_RGB = new Uint8Array([0xff, 0xee, 0x00, 0x0e, 0x41, 0x64, 0x6f, 0x62, 0x65, 0x00, 0x64, 0x00, 0x00, 0x00, 0x00, 0x00]);
