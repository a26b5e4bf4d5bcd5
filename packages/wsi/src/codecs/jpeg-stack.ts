import { completeJpeg } from "./jpeg-stream";
import { parseJpegHeader } from "./jpeg-header";

/**
 * Several JPEG tiles of one TIFF level stacked vertically into one JPEG, so one decoder call decodes
 * them all: the tiles share tables and frame layout, and a restart marker after each tile resets the
 * DC predictors and byte-aligns the next tile's data, exactly as if they had been encoded as one image
 * with a restart interval of one tile. Returns undefined when the tiles cannot be stacked (different
 * headers, restart markers of their own, tile sizes that are not whole MCUs, or subsampled chroma,
 * whose upsampling would blend across the seams).
 */
export function stackJpegTiles(tiles: Uint8Array[], tables: Uint8Array | undefined, rgb: boolean, tileWidth: number, tileHeight: number): Uint8Array | undefined {
  if (tiles.length < 2 || tiles.length * tileHeight > 65535) return undefined;
  const first = tiles[0] as Uint8Array;
  const head = parseJpegHeader(first);
  if (head === undefined || head.restartInterval !== 0 || head.width !== tileWidth || head.height !== tileHeight) return undefined;
  if (tileWidth % head.mcuWidth !== 0 || tileHeight % head.mcuHeight !== 0) return undefined;
  // Subsampled chroma is upsampled across the seam between stacked tiles, unlike a tile decoded alone.
  if (!head.sampling.every(([h, v]) => h === 1 && v === 1)) return undefined;
  const mcus = (tileWidth / head.mcuWidth) * (tileHeight / head.mcuHeight);
  if (mcus > 65535) return undefined;
  const headerLength = head.dataStart;
  const scans: Uint8Array[] = [];
  for (const t of tiles) {
    if (t.length < headerLength + 2) return undefined;
    for (let i = 2; i < headerLength; i++) if (t[i] !== first[i]) return undefined;
    const end = t[t.length - 2] === 0xff && t[t.length - 1] === 0xd9 ? t.length - 2 : t.length;
    scans.push(t.subarray(headerLength, end));
  }
  // header of the first tile with the stacked height and a DRI of one tile, just before SOS
  const header = first.slice(0, headerLength);
  const stacked = tiles.length * tileHeight;
  header[head.sofDimsAt] = stacked >> 8;
  header[head.sofDimsAt + 1] = stacked & 0xff;
  const sosAt = findSos(header);
  if (sosAt < 0) return undefined;
  const dri = Uint8Array.from([0xff, 0xdd, 0x00, 0x04, mcus >> 8, mcus & 0xff]);
  const withDri = new Uint8Array(header.length + dri.length);
  withDri.set(header.subarray(0, sosAt));
  withDri.set(dri, sosAt);
  withDri.set(header.subarray(sosAt), sosAt + dri.length);
  // the header (tables spliced in) is completed on its own, so the tiles' data are copied only once
  const complete = completeJpeg(withDri, tables, rgb);
  let size = complete.length + 2;
  for (const s of scans) size += s.length + 2;
  const out = new Uint8Array(size);
  out.set(complete);
  let o = complete.length;
  scans.forEach((s, i) => {
    out.set(s, o); o += s.length;
    if (i < scans.length - 1) { out[o++] = 0xff; out[o++] = 0xd0 + (i % 8); }
  });
  out[o++] = 0xff;
  out[o++] = 0xd9;
  return out.subarray(0, o);
}

function findSos(header: Uint8Array): number {
  let p = 2;
  while (p + 4 <= header.length) {
    if (header[p + 1] === 0xda) return p;
    p += 2 + (((header[p + 2] as number) << 8) | (header[p + 3] as number));
  }
  return -1;
}
