/** Splits a complete JPEG into TIFF JPEGTables (SOI, DQT, DHT, EOI) and an abbreviated stream without them. */
export function splitJpegTables(jpeg: Uint8Array): { tables: Uint8Array; abbreviated: Uint8Array } {
  const tables: number[] = [0xff, 0xd8];
  const rest: number[] = [0xff, 0xd8];
  let p = 2;
  while (p + 4 <= jpeg.length) {
    const marker = jpeg[p + 1] as number;
    if (marker === 0xda) break;
    const len = ((jpeg[p + 2] as number) << 8) | (jpeg[p + 3] as number);
    const seg = jpeg.subarray(p, p + 2 + len);
    if (marker === 0xdb || marker === 0xc4) tables.push(...seg);
    else if (marker !== 0xe0) rest.push(...seg);
    p += 2 + len;
  }
  tables.push(0xff, 0xd9);
  const abbreviated = new Uint8Array(rest.length + jpeg.length - p);
  abbreviated.set(rest);
  abbreviated.set(jpeg.subarray(p), rest.length);
  return { tables: Uint8Array.from(tables), abbreviated };
}
